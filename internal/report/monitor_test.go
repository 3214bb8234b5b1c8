package report

import (
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestMonitoringSection checks that capture counts reach the report by
// category, with small numbers suppressed like the rest, and that a report
// without captures has no monitoring section.
func TestMonitoringSection(t *testing.T) {
	rc := &lifeguard.ReportCounts{Query: lifeguard.ReportQuery{PartnershipID: 1}, Concerns: 0,
		Captures: []lifeguard.Tally{{Key: "bullying", N: 40}, {Key: "self_harm", N: 3}, {Key: "suicide", N: 12}}}
	r, err := Build(rc, Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	tb := r.table("captures")
	if tb == nil {
		t.Fatal("no captures table")
	}
	got := map[string]Figure{}
	for _, row := range tb.Rows {
		got[row.Key] = row.Cells[0]
	}
	if f := got["bullying"]; f.Value == nil || *f.Value != 40 {
		t.Errorf("bullying: %+v", f)
	}
	if f := got["self_harm"]; f.Value != nil {
		t.Errorf("3 self-harm captures published: %+v", f)
	}
	// With one small figure suppressed, another must be too, or the total
	// would give it away.
	suppressed := 0
	for _, f := range append(tb.Rows, *tb.Totals) {
		if f.Cells[0].Value == nil {
			suppressed++
		}
	}
	if suppressed < 2 {
		t.Errorf("only %d figures suppressed: %+v", suppressed, tb.Rows)
	}

	rc.Captures = nil
	r, err = Build(rc, Options{Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if r.table("captures") != nil {
		t.Error("a monitoring section without captures")
	}
}
