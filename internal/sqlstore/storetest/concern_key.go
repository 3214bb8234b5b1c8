package storetest

import (
	"sync"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testConcernOnce replays a report with the same key: one concern and one
// child, whatever the number of replays, the first concern given back each
// time; the same key with another request, or from another user, is not a
// replay of it.
func testConcernOnce(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := as(t.Context(), f.staff)
	in := lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(), ChildRef: "ONCE-1"}
	key := lifeguard.ConcernKey{Key: "api:abc", Digest: "d1"}

	first, replayed, err := f.db.CreateConcernOnce(ctx, key, in)
	if err != nil {
		t.Fatalf("CreateConcernOnce: %v", err)
	}
	if replayed {
		t.Fatal("the first request is reported as a replay")
	}
	for range 3 {
		again, replayed, err := f.db.CreateConcernOnce(ctx, key, in)
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		if !replayed || again.ID != first.ID || *again.ChildID != *first.ChildID {
			t.Fatalf("replay gave concern %d (replayed %v), want %d", again.ID, replayed, first.ID)
		}
	}

	_, _, err = f.db.CreateConcernOnce(ctx, lifeguard.ConcernKey{Key: key.Key, Digest: "d2"}, in)
	wantProblem(t, err, "idempotency_key")
	_, _, err = f.db.CreateConcernOnce(ctx, lifeguard.ConcernKey{Key: "", Digest: "d2"}, in)
	wantProblem(t, err, "idempotency_key")

	// Another user's key of the same text is theirs: a concern of their own.
	other, replayed, err := f.db.CreateConcernOnce(as(t.Context(), f.staff2), key, lifeguard.NewConcern{
		Facts: facts(f.now()), Triage: f.defaultTriage()})
	if err != nil || replayed || other.ID == first.ID {
		t.Fatalf("another user's key: concern %v, replayed %v, err %v", other, replayed, err)
	}

	// The same request sent many times at once, as a client retrying
	// impatiently would: one concern between them.
	racing := lifeguard.ConcernKey{Key: "api:racing", Digest: "d3"}
	ids := make(chan int64, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c, _, err := f.db.CreateConcernOnce(ctx, racing, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
			if err != nil {
				t.Error(err)
				return
			}
			ids <- c.ID
		})
	}
	wg.Wait()
	close(ids)
	seen := map[int64]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Fatalf("eight racing requests with one key recorded %d concerns", len(seen))
	}

	page, err := f.db.ListConcerns(as(t.Context(), f.dsl), lifeguard.ConcernFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Concerns) != 3 {
		t.Fatalf("%d concerns recorded, want 3 (one per user and key)", len(page.Concerns))
	}
	kids, err := f.db.FindChildren(ctx, "ONCE-")
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 1 {
		t.Fatalf("%d children with the reference, want 1", len(kids))
	}
}
