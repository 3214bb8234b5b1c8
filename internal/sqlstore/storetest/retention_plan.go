package storetest

import (
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testPlanRetention follows the schedule's plan_action rule: an action of
// the partnership's plan marked complete goes, with its notes and
// barriers, its years after it was first marked complete (edits after
// that keep the date; reopening stops the clock), an action under way
// stays however old, the administrator's list names it beforehand, and
// the journal verifies.
func testPlanRetention(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	officer := as(ctx, f.officer)
	sched := lifeguard.ShippedRetentionSchedule()
	years := sched.Rule(lifeguard.RetainPlanAction).Years

	obj, err := f.db.CreateObjective(officer, lifeguard.NewObjective{Strand: lifeguard.StrandPrevention,
		Title: "Every school teaches online safety each year"})
	if err != nil {
		t.Fatal(err)
	}
	due := lifeguard.DateOf(f.now().AddDate(0, 2, 0))
	action := func(title string, rag lifeguard.RAG) *lifeguard.PlanAction {
		t.Helper()
		x, err := f.db.CreatePlanAction(officer, obj.ID, lifeguard.NewPlanAction{OwnerOrgID: f.orgA.ID, Title: title, Due: due, RAG: rag})
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	completed := f.now()
	done := action("Lessons on sharing images in Year 8", lifeguard.RAGComplete)
	if _, err := f.db.AddProgressNote(officer, done.ID, lifeguard.NewProgressNote{Text: "Taught by Mr Example in March."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddBarrier(officer, done.ID, "The computing teacher was off for a term."); err != nil {
		t.Fatal(err)
	}
	going := action("Parents' sessions in every primary", lifeguard.RAGAmber)
	reopened := action("Filtering checked in every setting", lifeguard.RAGComplete)

	// A year on, the completed action's title is corrected: its date
	// stays when it was completed. The third is reopened.
	f.clock.Advance(365 * 24 * time.Hour)
	edit := func(x *lifeguard.PlanAction, title string, rag lifeguard.RAG) {
		t.Helper()
		if _, err := f.db.UpdatePlanAction(officer, x.ID, lifeguard.NewPlanAction{OwnerOrgID: f.orgA.ID, Title: title,
			Due: x.Due, RAG: rag}); err != nil {
			t.Fatal(err)
		}
	}
	edit(done, "Lessons on sharing images in Years 8 and 9", lifeguard.RAGComplete)
	edit(reopened, "Filtering checked in every setting", lifeguard.RAGAmber)

	// Its years after completion, less a week: listed as falling due in
	// the week, not yet removed.
	f.clock.Advance(completed.AddDate(years, 0, -7).Sub(f.now()))
	system := sys(ctx)
	listed := func(until time.Time) []int64 {
		t.Helper()
		list, err := f.db.RetentionDue(as(ctx, f.admin), lifeguard.RetentionDueQuery{Until: until, Schedule: sched})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, d := range list {
			if d.Kind == string(lifeguard.RetainPlanAction) {
				ids = append(ids, d.ID)
				if d.Organisation != f.orgA.Name {
					t.Errorf("action %d listed for %q, want %q", d.ID, d.Organisation, f.orgA.Name)
				}
			}
		}
		return ids
	}
	if got := listed(f.now().AddDate(0, 0, 30)); len(got) != 1 || got[0] != done.ID {
		t.Errorf("falling due within 30 days: %v, want the completed action %d only", got, done.ID)
	}
	if n, err := f.db.PruneRecords(system, lifeguard.RetainPlanAction, sched.PruneBefore(lifeguard.RetainPlanAction, f.now()), 10); err != nil || n != 0 {
		t.Errorf("a week early: pruned %d (%v), want 0", n, err)
	}

	f.clock.Advance(14 * 24 * time.Hour)
	if n, err := f.db.PruneRecords(system, lifeguard.RetainPlanAction, sched.PruneBefore(lifeguard.RetainPlanAction, f.now()), 1); err != nil || n != 1 {
		t.Errorf("after its years: pruned %d (%v), want the completed action", n, err)
	}
	_, err = f.db.PlanAction(officer, done.ID)
	wantCode(t, err, lifeguard.ENOTFOUND)
	for _, x := range []*lifeguard.PlanAction{going, reopened} {
		if _, err := f.db.PlanAction(officer, x.ID); err != nil {
			t.Errorf("action %q: %v, want it kept (under way)", x.Title, err)
		}
	}
	if got := listed(f.now().AddDate(0, 0, 90)); len(got) != 0 {
		t.Errorf("still listed: %v", got)
	}
	if r, err := f.db.VerifyJournal(system); err != nil || r.FirstBroken != 0 {
		t.Fatalf("journal: %+v, %v", r, err)
	}
}
