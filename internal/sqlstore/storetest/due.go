package storetest

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testDueNotPast sets due dates before today on a concern's action and a
// plan action: refused, naming the field; today is accepted; an overdue
// plan action keeps its date through a change of status.
func testDueNotPast(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	today := lifeguard.DateOf(f.now().UTC())
	epoch := lifeguard.Date{Year: 1970, Month: 1, Day: 1}
	yesterday := lifeguard.DateOf(f.now().UTC().AddDate(0, 0, -1))

	c := f.report(t, f.staff)
	dsl := as(ctx, f.dsl)
	for _, d := range []lifeguard.Date{epoch, yesterday} {
		_, err := f.db.AddAction(dsl, c.ID, lifeguard.NewAction{Title: "Call", Owner: "DSL", Due: d})
		wantProblem(t, err, "due")
	}
	if _, err := f.db.AddAction(dsl, c.ID, lifeguard.NewAction{Title: "Call", Owner: "DSL", Due: today}); err != nil {
		t.Fatalf("an action due today: %v", err)
	}

	officer := as(ctx, f.officer)
	o, err := f.db.CreateObjective(officer, lifeguard.NewObjective{Strand: lifeguard.StrandPrevention, Title: "Teach"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.db.CreatePlanAction(officer, o.ID, lifeguard.NewPlanAction{Title: "x", OwnerOrgID: f.orgA.ID,
		Due: epoch, RAG: lifeguard.RAGGreen})
	wantProblem(t, err, "due")
	x, err := f.db.CreatePlanAction(officer, o.ID, lifeguard.NewPlanAction{Title: "x", OwnerOrgID: f.orgA.ID,
		Due: today, RAG: lifeguard.RAGGreen})
	if err != nil {
		t.Fatalf("a plan action due today: %v", err)
	}
	_, err = f.db.UpdatePlanAction(officer, x.ID, lifeguard.NewPlanAction{Title: "x", OwnerOrgID: f.orgA.ID,
		Due: epoch, RAG: lifeguard.RAGGreen})
	wantProblem(t, err, "due")

	// Time passes and the action is overdue: its status can still change.
	if err := f.db.UncheckedExec(ctx, `UPDATE plan_actions SET due = ? WHERE id = ?`, yesterday.String(), x.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.UpdatePlanAction(officer, x.ID, lifeguard.NewPlanAction{Title: "x", OwnerOrgID: f.orgA.ID,
		Due: yesterday, RAG: lifeguard.RAGRed}); err != nil {
		t.Fatalf("changing an overdue action's status: %v", err)
	}
}
