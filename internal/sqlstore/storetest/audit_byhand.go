package storetest

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testImprovementByHand checks that an organisation's manager or DSL edits
// and closes an improvement action by hand, that others cannot, and that a
// closed action no longer changes, by hand or by a later audit.
func testImprovementByHand(t *testing.T, open Opener) {
	f := newFixture(t, open)
	fw := baseline(t)
	ctx := as(t.Context(), f.manager)
	au, err := f.db.StartAudit(ctx, fw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SaveAuditAnswers(ctx, au.ID, fw, rateAll(fw, f.orgA, func(string) lifeguard.Level { return 2 })); err != nil {
		t.Fatal(err)
	}
	res, err := f.db.CompleteAudit(ctx, au.ID, fw, lifeguard.AuditCompletion{Owner: "Head teacher"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Created) < 2 {
		t.Fatalf("%d actions created", len(res.Created))
	}
	edit, closing := res.Created[0].ID, res.Created[1].ID
	due := lifeguard.DateOf(f.now().AddDate(0, 2, 0))
	change := lifeguard.ImprovementChange{Title: "Write the online-safety policy", Owner: "Deputy head", Due: due}

	t.Run("who may edit and close", func(t *testing.T) {
		for _, tc := range []struct {
			u    *lifeguard.User
			code string
		}{{f.staff, fb}, {f.officer, fb}, {f.admin, nf}, {f.dslB, nf}} {
			_, err := f.db.UpdateImprovementAction(as(t.Context(), tc.u), edit, change)
			wantCode(t, err, tc.code)
			_, err = f.db.CloseImprovementAction(as(t.Context(), tc.u), closing, lifeguard.ImprovementClosing{Note: "Done"})
			wantCode(t, err, tc.code)
		}
		_, err := f.db.UpdateImprovementAction(t.Context(), edit, change)
		wantCode(t, err, ua)
		_, err = f.db.ImprovementAction(as(t.Context(), f.staff), edit)
		wantCode(t, err, fb)
		_, err = f.db.ImprovementAction(ctx, 999999)
		wantCode(t, err, nf)
	})

	t.Run("bad input names its field", func(t *testing.T) {
		for _, tc := range []struct {
			in   lifeguard.ImprovementChange
			path string
		}{
			{lifeguard.ImprovementChange{Title: " ", Owner: "x", Due: due}, "title"},
			{lifeguard.ImprovementChange{Title: "x", Owner: "", Due: due}, "owner"},
			{lifeguard.ImprovementChange{Title: "x", Owner: "a\x00b", Due: due}, "owner"},
			{lifeguard.ImprovementChange{Title: "x", Owner: "x"}, "due"},
			{lifeguard.ImprovementChange{Title: "x", Owner: "x", Due: lifeguard.Date{Year: 2026, Month: 2, Day: 30}}, "due"},
		} {
			_, err := f.db.UpdateImprovementAction(ctx, edit, tc.in)
			wantProblem(t, err, tc.path)
		}
		_, err := f.db.CloseImprovementAction(ctx, closing, lifeguard.ImprovementClosing{Note: "  "})
		wantProblem(t, err, "note")
	})

	t.Run("the DSL edits, the manager closes, the partnership reads without text", func(t *testing.T) {
		x, err := f.db.UpdateImprovementAction(as(t.Context(), f.dsl), edit, change)
		if err != nil {
			t.Fatal(err)
		}
		if x.Title != change.Title || x.Owner != change.Owner || x.Due != due || x.Status != lifeguard.ImprovementOpen {
			t.Errorf("edited %+v", x)
		}
		c, err := f.db.CloseImprovementAction(ctx, closing, lifeguard.ImprovementClosing{Note: "Policy adopted by governors"})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != lifeguard.ImprovementClosed || c.ClosedBy != f.manager.ID || c.ClosedAt == nil ||
			c.ClosedNote != "Policy adopted by governors" {
			t.Errorf("closed %+v", c)
		}
		off, err := f.db.ImprovementAction(as(t.Context(), f.officer), closing)
		if err != nil {
			t.Fatal(err)
		}
		if off.ClosedNote != "" || off.Owner != "" || off.Status != lifeguard.ImprovementClosed {
			t.Errorf("the partnership reads %+v", off)
		}
		_, err = f.db.UpdateImprovementAction(ctx, closing, change)
		wantCode(t, err, cf)
		_, err = f.db.CloseImprovementAction(ctx, closing, lifeguard.ImprovementClosing{Note: "again"})
		wantCode(t, err, cf)
	})

	t.Run("a later audit leaves an action closed by hand alone", func(t *testing.T) {
		next, err := f.db.StartAudit(ctx, fw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SaveAuditAnswers(ctx, next.ID, fw, rateAll(fw, f.orgA, func(string) lifeguard.Level { return 3 })); err != nil {
			t.Fatal(err)
		}
		res, err := f.db.CompleteAudit(ctx, next.ID, fw, lifeguard.AuditCompletion{Owner: "Head teacher"})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range res.Closed {
			if x.ID == closing {
				t.Errorf("the audit closed again the action closed by hand")
			}
		}
		x, err := f.db.ImprovementAction(ctx, closing)
		if err != nil || x.Status != lifeguard.ImprovementClosed {
			t.Errorf("closed by hand, after the audit: %+v %v", x, err)
		}
	})
}
