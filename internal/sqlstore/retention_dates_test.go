package sqlstore

import (
	"testing"
	"time"
)

// TestRefreshSize: a refresh transaction that worked longer than the
// erasure's budget halves the next one's records, down to one; one well
// under it doubles them back, never past refreshBatch.
func TestRefreshSize(t *testing.T) {
	r := newRefreshSize()
	r.took(3 * eraseBudget)
	if r.n != refreshBatch/2 {
		t.Fatalf("after a slow transaction: %d records, want %d", r.n, refreshBatch/2)
	}
	for range 20 {
		r.took(time.Second)
	}
	if r.n != 1 {
		t.Fatalf("after many slow transactions: %d records, want 1", r.n)
	}
	r.took(eraseBudget * 3 / 4) // within the budget, not well under: kept
	if r.n != 1 {
		t.Fatalf("after one within the budget: %d records, want 1", r.n)
	}
	for range 20 {
		r.took(0)
	}
	if r.n != refreshBatch {
		t.Fatalf("after many quick transactions: %d records, want %d", r.n, refreshBatch)
	}
}
