package storetest

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testPlan checks the strategy action plan: who keeps it, who sees which
// action, progress notes, and barriers escalated until resolved.
func testPlan(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	officer := as(ctx, f.officer)
	due := lifeguard.DateOf(f.now().AddDate(0, 3, 0))

	t.Run("an objective needs a known strand and a title, and only the partnership's officer sets one", func(t *testing.T) {
		_, err := f.db.CreateObjective(officer, lifeguard.NewObjective{Strand: "cure", Title: " "})
		wantProblem(t, err, "strand")
		wantProblem(t, err, "title")
		for _, u := range []*lifeguard.User{f.staff, f.dsl, f.manager, f.admin} {
			_, err := f.db.CreateObjective(as(ctx, u), lifeguard.NewObjective{Strand: "prevention", Title: "X"})
			wantCode(t, err, lifeguard.EFORBIDDEN)
		}
	})

	prev, err := f.db.CreateObjective(officer, lifeguard.NewObjective{Strand: lifeguard.StrandPrevention,
		Title: "Every school teaches online safety each year", Description: "From the strategy, section 4."})
	if err != nil {
		t.Fatal(err)
	}
	prot, err := f.db.CreateObjective(officer, lifeguard.NewObjective{Strand: lifeguard.StrandProtection,
		Title: "Filtering in every setting that gives internet access"})
	if err != nil {
		t.Fatal(err)
	}
	pros, err := f.db.CreateObjective(officer, lifeguard.NewObjective{Strand: lifeguard.StrandProsecution,
		Title: "Diversion for young people who share images"})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("an action needs a title, an owner in the partnership, a real date and a RAG, on an objective the actor may see", func(t *testing.T) {
		_, err := f.db.CreatePlanAction(officer, prev.ID, lifeguard.NewPlanAction{OwnerOrgID: f.orgC.ID, RAG: "blue",
			Due: lifeguard.Date{Year: 2026, Month: 2, Day: 30}})
		for _, p := range []string{"title", "owner_organisation_id", "due", "rag"} {
			wantProblem(t, err, p)
		}
		_, err = f.db.CreatePlanAction(officer, prev.ID, lifeguard.NewPlanAction{Title: "x"})
		for _, p := range []string{"owner_organisation_id", "due", "rag"} {
			wantProblem(t, err, p)
		}
		_, err = f.db.CreatePlanAction(officer, 999999, lifeguard.NewPlanAction{})
		wantCode(t, err, lifeguard.ENOTFOUND)
		// School A owns no action of the objective yet: to its users the
		// objective does not exist.
		_, err = f.db.CreatePlanAction(as(ctx, f.manager), prev.ID, lifeguard.NewPlanAction{Title: "x",
			OwnerOrgID: f.orgA.ID, Due: due, RAG: "green"})
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.CreatePlanAction(as(ctx, f.adminC), prev.ID, lifeguard.NewPlanAction{})
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	var actA *lifeguard.PlanAction
	step(t, "the officer gives a school an action, which names its owner and its objective", func(t *testing.T) {
		if actA, err = f.db.CreatePlanAction(officer, prev.ID, lifeguard.NewPlanAction{Title: "Teach the new curriculum",
			OwnerOrgID: f.orgA.ID, Due: due, RAG: lifeguard.RAGAmber}); err != nil {
			t.Fatal(err)
		}
		if actA.OwnerOrgName != "Riverside Primary" || actA.ObjectiveStrand != lifeguard.StrandPrevention ||
			actA.ObjectiveTitle != prev.Title || actA.Due != due || actA.RAG != lifeguard.RAGAmber {
			t.Errorf("action %+v", actA)
		}
	})
	actB, err := f.db.CreatePlanAction(officer, prot.ID, lifeguard.NewPlanAction{Title: "Review filtering",
		OwnerOrgID: f.orgB.ID, Due: due, RAG: lifeguard.RAGGreen})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("the officer sees the whole plan, a school only its own actions and their objectives, another partnership nothing", func(t *testing.T) {
		plan, err := f.db.Plan(officer)
		if err != nil {
			t.Fatal(err)
		}
		if len(plan) != 3 || plan[0].ID != prev.ID || plan[1].ID != prot.ID || plan[2].ID != pros.ID ||
			len(plan[0].Actions) != 1 || len(plan[1].Actions) != 1 || len(plan[2].Actions) != 0 {
			t.Fatalf("officer's plan %+v", plan)
		}
		// Every user of school A, whatever their role, sees A's action and
		// its objective, and nothing of B's.
		for _, u := range []*lifeguard.User{f.staff, f.manager, f.dsl} {
			plan, err := f.db.Plan(as(ctx, u))
			if err != nil {
				t.Fatal(err)
			}
			if len(plan) != 1 || plan[0].ID != prev.ID || len(plan[0].Actions) != 1 || plan[0].Actions[0].ID != actA.ID {
				t.Errorf("%s's plan %+v", u.Role, plan)
			}
			if _, err := f.db.PlanAction(as(ctx, u), actA.ID); err != nil {
				t.Error(err)
			}
			_, err = f.db.PlanAction(as(ctx, u), actB.ID)
			wantCode(t, err, lifeguard.ENOTFOUND)
			_, err = f.db.Objective(as(ctx, u), prot.ID)
			wantCode(t, err, lifeguard.ENOTFOUND)
		}
		for _, u := range []*lifeguard.User{f.adminC} {
			plan, err := f.db.Plan(as(ctx, u))
			if err != nil || len(plan) != 0 {
				t.Errorf("another partnership's plan: %+v %v", plan, err)
			}
			_, err = f.db.PlanAction(as(ctx, u), actA.ID)
			wantCode(t, err, lifeguard.ENOTFOUND)
			_, err = f.db.Objective(as(ctx, u), prev.ID)
			wantCode(t, err, lifeguard.ENOTFOUND)
		}
		o, err := f.db.Objective(as(ctx, f.dslB), prot.ID)
		if err != nil || len(o.Actions) != 1 || o.Actions[0].ID != actB.ID {
			t.Errorf("school B's objective: %+v %v", o, err)
		}
	})

	t.Run("a monitor's token, which has no rule for the plan, reads none of its school's actions", func(t *testing.T) {
		m, err := f.monitorAccount(ctx)
		if err != nil {
			t.Fatal(err)
		}
		mon := as(ctx, m)
		plan, err := f.db.Plan(mon)
		if lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
			t.Errorf("the monitor lists the plan: %+v %v", plan, err)
		}
		o, err := f.db.Objective(mon, prev.ID)
		if lifeguard.ErrorCode(err) != lifeguard.ENOTFOUND {
			t.Errorf("the monitor reads the objective of its school's action: %+v %v", o, err)
		}
		_, err = f.db.PlanAction(mon, actA.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.UpdateObjective(mon, prev.ID, lifeguard.NewObjective{Strand: lifeguard.StrandPrevention, Title: "x"})
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("an action's owners add dated progress notes, listed by date, and change nothing else", func(t *testing.T) {
		n, err := f.db.AddProgressNote(as(ctx, f.staff), actA.ID, lifeguard.NewProgressNote{Text: "Year 7 lessons taught."})
		if err != nil {
			t.Fatal(err)
		}
		if n.On != lifeguard.DateOf(f.now().UTC()) || n.AuthorID != f.staff.ID || n.AuthorOrg != "Riverside Primary" ||
			n.AuthorName == "" {
			t.Errorf("note %+v", n)
		}
		earlier := lifeguard.DateOf(f.now().AddDate(0, 0, -10))
		if _, err := f.db.AddProgressNote(officer, actA.ID, lifeguard.NewProgressNote{On: earlier,
			Text: "Discussed at the education subgroup."}); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.AddProgressNote(as(ctx, f.staff), actA.ID, lifeguard.NewProgressNote{
			On: lifeguard.DateOf(f.now().AddDate(0, 0, 2)), Text: " "})
		wantProblem(t, err, "on")
		wantProblem(t, err, "text")
		_, err = f.db.AddProgressNote(as(ctx, f.dslB), actA.ID, lifeguard.NewProgressNote{Text: "x"})
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.UpdatePlanAction(as(ctx, f.manager), actA.ID, lifeguard.NewPlanAction{Title: "x",
			OwnerOrgID: f.orgA.ID, Due: due, RAG: lifeguard.RAGGreen})
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.AddBarrier(as(ctx, f.manager), actA.ID, "No time")
		wantCode(t, err, lifeguard.EFORBIDDEN)
		x, err := f.db.PlanAction(as(ctx, f.manager), actA.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Notes in the order of their dates.
		if len(x.Notes) != 2 || x.Notes[0].On != earlier || x.Notes[1].Text != "Year 7 lessons taught." {
			t.Errorf("notes %+v", x.Notes)
		}
	})

	t.Run("the officer moves an action to another school, which then sees it and the first no longer does", func(t *testing.T) {
		x, err := f.db.UpdatePlanAction(officer, actA.ID, lifeguard.NewPlanAction{Title: "Teach the new curriculum in every year",
			OwnerOrgID: f.orgB.ID, Due: due, RAG: lifeguard.RAGRed})
		if err != nil {
			t.Fatal(err)
		}
		if x.RAG != lifeguard.RAGRed || x.OwnerOrgID != f.orgB.ID || len(x.Notes) != 2 {
			t.Errorf("changed %+v", x)
		}
		// The action is now school B's.
		_, err = f.db.PlanAction(as(ctx, f.staff), actA.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		if _, err := f.db.PlanAction(as(ctx, f.staffB), actA.ID); err != nil {
			t.Error(err)
		}
		_, err = f.db.UpdatePlanAction(officer, actA.ID, lifeguard.NewPlanAction{Title: "x", OwnerOrgID: f.orgC.ID,
			Due: due, RAG: lifeguard.RAGRed})
		wantProblem(t, err, "owner_organisation_id")
		o, err := f.db.UpdateObjective(officer, prev.ID, lifeguard.NewObjective{Strand: lifeguard.StrandPrevention,
			Title: "Every setting teaches online safety"})
		if err != nil || o.Title != "Every setting teaches online safety" || len(o.Actions) != 1 {
			t.Errorf("objective %+v %v", o, err)
		}
		// School B now owns an action of the objective and sees it, but
		// changes nothing; school A no longer sees it at all.
		_, err = f.db.UpdateObjective(as(ctx, f.dslB), prev.ID, lifeguard.NewObjective{Strand: "prevention", Title: "x"})
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.CreatePlanAction(as(ctx, f.dslB), prev.ID, lifeguard.NewPlanAction{Title: "x",
			OwnerOrgID: f.orgB.ID, Due: due, RAG: "green"})
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.UpdateObjective(as(ctx, f.dsl), prev.ID, lifeguard.NewObjective{Strand: "prevention", Title: "x"})
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("a barrier is escalated once by the officer and stays escalated until it is resolved, once", func(t *testing.T) {
		_, err := f.db.AddBarrier(officer, actB.ID, "  ")
		wantProblem(t, err, "text")
		b, err := f.db.AddBarrier(officer, actB.ID, "The filtering contract ends before the review.")
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != lifeguard.BarrierOpen || b.EscalatedAt != nil {
			t.Errorf("barrier %+v", b)
		}
		_, err = f.db.EscalateBarrier(as(ctx, f.dslB), b.ID)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.EscalateBarrier(as(ctx, f.dsl), b.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		b, err = f.db.EscalateBarrier(officer, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != lifeguard.BarrierEscalated || b.EscalatedAt == nil {
			t.Errorf("escalated %+v", b)
		}
		_, err = f.db.EscalateBarrier(officer, b.ID)
		wantCode(t, err, lifeguard.ECONFLICT)
		// It stays escalated, for the board, until it is resolved.
		x, err := f.db.PlanAction(as(ctx, f.staffB), actB.ID)
		if err != nil || len(x.Barriers) != 1 || x.Barriers[0].Status != lifeguard.BarrierEscalated {
			t.Errorf("barriers %+v %v", x, err)
		}
		_, err = f.db.ResolveBarrier(officer, b.ID, "")
		wantProblem(t, err, "resolution")
		b, err = f.db.ResolveBarrier(officer, b.ID, "The board extended the contract.")
		if err != nil {
			t.Fatal(err)
		}
		if b.Status != lifeguard.BarrierResolved || b.ResolvedAt == nil || b.Resolution != "The board extended the contract." {
			t.Errorf("resolved %+v", b)
		}
		_, err = f.db.ResolveBarrier(officer, b.ID, "again")
		wantCode(t, err, lifeguard.ECONFLICT)
		_, err = f.db.EscalateBarrier(officer, b.ID)
		wantCode(t, err, lifeguard.ECONFLICT)
		_, err = f.db.EscalateBarrier(officer, 999999)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})
}
