package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testValidation checks that every rule of every input answers EINVALID
// naming the field.
func testValidation(t *testing.T, open Opener) {
	f := newFixture(t, open)
	tg := f.target(t)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	long := func(n int) string { return strings.Repeat("é", n) } // characters, not bytes
	hex64 := strings.Repeat("ab", 32)

	// A second child with a known reference, for the clash.
	if _, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
		ChildRef: "Y7-AB"}); err != nil {
		t.Fatal(err)
	}
	proposal := f.defaultTriage()
	proposal.ProposedDecision = &lifeguard.ProposedDecision{Code: "handle_in_setting"}
	withProposal, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: proposal})
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name string
		path string
		call func() error
	}{
		{"facts setting missing", "setting", func() error {
			fx := facts(f.now())
			fx.Setting = ""
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage()})
			return err
		}},
		{"facts child missing", "child", func() error {
			fx := facts(f.now())
			fx.Child, fx.ChildRole = nil, ""
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage()})
			return err
		}},
		{"no triage", "triage", func() error {
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now())})
			return err
		}},
		{"bad route code", "triage.routes[0].code", func() error {
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()),
				Triage: f.triage(route{"csc referral", time.Hour})})
			return err
		}},
		{"unknown child", "child_id", func() error {
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
				ChildID: 1 << 40})
			return err
		}},
		{"child ref clash", "child_ref", func() error {
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
				ChildRef: "Y7-AB"})
			return err
		}},
		{"child ref too long", "child_ref", func() error {
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
				ChildRef: long(lifeguard.MaxChildRef + 1)})
			return err
		}},
		{"child ref and id", "child_ref", func() error {
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
				ChildID: tg.child, ChildRef: "X"})
			return err
		}},
		{"update facts invalid", "concern_types", func() error {
			fx := facts(f.now())
			fx.ConcernTypes = []lifeguard.ConcernType{}
			_, err := f.db.UpdateFacts(dsl, tg.concern, fx, f.defaultTriage())
			return err
		}},
		{"decision route not in triage", "route", func() error {
			_, err := f.db.AddDecision(dsl, tg.concern, lifeguard.NewDecision{Route: "POLICE_999", Decision: "accepted"})
			return err
		}},
		{"decision on a proposal the triage lacks", "route", func() error {
			_, err := f.db.AddDecision(dsl, tg.concern, lifeguard.NewDecision{Route: lifeguard.ProposalRoute, Decision: "accepted"})
			return err
		}},
		{"proposal accepted without reason", "reason", func() error {
			_, err := f.db.AddDecision(dsl, withProposal.ID, lifeguard.NewDecision{Route: lifeguard.ProposalRoute,
				Decision: lifeguard.DecisionAccepted})
			return err
		}},
		{"decision kind", "decision", func() error {
			_, err := f.db.AddDecision(dsl, tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "maybe"})
			return err
		}},
		{"declined without reason", "reason", func() error {
			_, err := f.db.AddDecision(dsl, tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "declined", Reason: "  "})
			return err
		}},
		{"reason too long", "reason", func() error {
			_, err := f.db.AddDecision(dsl, tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "declined",
				Reason: long(lifeguard.MaxReason + 1)})
			return err
		}},
		{"reference too long", "reference", func() error {
			_, err := f.db.AddDecision(dsl, tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "done",
				Reference: long(lifeguard.MaxShortText + 1)})
			return err
		}},
		{"action title", "title", func() error {
			_, err := f.db.AddAction(dsl, tg.concern, lifeguard.NewAction{Owner: "DSL", Due: lifeguard.DateOf(f.now())})
			return err
		}},
		{"action owner", "owner", func() error {
			_, err := f.db.AddAction(dsl, tg.concern, lifeguard.NewAction{Title: "Call", Due: lifeguard.DateOf(f.now())})
			return err
		}},
		{"action due", "due", func() error {
			_, err := f.db.AddAction(dsl, tg.concern, lifeguard.NewAction{Title: "Call", Owner: "DSL"})
			return err
		}},
		{"action due not a date", "due", func() error {
			_, err := f.db.AddAction(dsl, tg.concern, lifeguard.NewAction{Title: "Call", Owner: "DSL",
				Due: lifeguard.Date{Year: 2026, Month: 2, Day: 30}})
			return err
		}},
		{"action title too long", "title", func() error {
			_, err := f.db.AddAction(dsl, tg.concern, lifeguard.NewAction{Title: long(lifeguard.MaxShortText + 1),
				Owner: "DSL", Due: lifeguard.DateOf(f.now())})
			return err
		}},
		{"evidence what", "what", func() error {
			_, err := f.db.AddEvidence(staff, tg.concern, lifeguard.NewEvidence{Location: "safe", HeldBy: "DSL"})
			return err
		}},
		{"evidence location", "location", func() error {
			_, err := f.db.AddEvidence(staff, tg.concern, lifeguard.NewEvidence{What: "phone", HeldBy: "DSL"})
			return err
		}},
		{"evidence held_by", "held_by", func() error {
			_, err := f.db.AddEvidence(staff, tg.concern, lifeguard.NewEvidence{What: "phone", Location: "safe"})
			return err
		}},
		{"evidence sha256 upper case", "sha256", func() error {
			_, err := f.db.AddEvidence(staff, tg.concern, lifeguard.NewEvidence{What: "phone", Location: "safe",
				HeldBy: "DSL", SHA256: strings.ToUpper(hex64)})
			return err
		}},
		{"evidence sha256 short", "sha256", func() error {
			_, err := f.db.AddEvidence(staff, tg.concern, lifeguard.NewEvidence{What: "phone", Location: "safe",
				HeldBy: "DSL", SHA256: hex64[:63]})
			return err
		}},
		{"note empty", "text", func() error { _, err := f.db.AddNote(staff, tg.concern, ""); return err }},
		{"note too long", "text", func() error {
			_, err := f.db.AddNote(staff, tg.concern, long(lifeguard.MaxNote+1))
			return err
		}},
		{"note not UTF-8", "text", func() error { _, err := f.db.AddNote(staff, tg.concern, "\xff"); return err }},
		{"outcome code", "code", func() error {
			_, err := f.db.CloseConcern(dsl, tg.concern, lifeguard.NewOutcome{Code: "sorted", Summary: "x"})
			return err
		}},
		{"outcome summary", "summary", func() error {
			_, err := f.db.CloseConcern(dsl, tg.concern, lifeguard.NewOutcome{Code: "early_help"})
			return err
		}},
		{"list limit", "limit", func() error {
			_, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Limit: 201})
			return err
		}},
		{"list negative limit", "limit", func() error {
			_, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Limit: -1})
			return err
		}},
		{"list cursor", "cursor", func() error {
			_, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Cursor: "not a cursor"})
			return err
		}},
		{"list status", "status", func() error {
			_, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Status: "pending"})
			return err
		}},
		{"list type", "type", func() error {
			_, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Type: "phishing"})
			return err
		}},
		{"list order", "order", func() error {
			_, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: "name"})
			return err
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { wantProblem(t, c.call(), c.path) })
	}

	t.Run("at the limits", func(t *testing.T) {
		if _, err := f.db.AddNote(staff, tg.concern, long(lifeguard.MaxNote)); err != nil {
			t.Errorf("a note of exactly %d characters: %v", lifeguard.MaxNote, err)
		}
		if _, err := f.db.AddEvidence(staff, tg.concern, lifeguard.NewEvidence{What: long(lifeguard.MaxShortText),
			Location: "safe", HeldBy: "DSL", SHA256: hex64}); err != nil {
			t.Errorf("evidence at the limits: %v", err)
		}
		if _, err := f.db.AddDecision(dsl, withProposal.ID, lifeguard.NewDecision{Route: lifeguard.ProposalRoute,
			Decision: lifeguard.DecisionAccepted, Reason: "Handled in school with parents."}); err != nil {
			t.Errorf("a decision on the proposal: %v", err)
		}
	})

	t.Run("cursor from the other order", func(t *testing.T) {
		page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.Next == "" {
			t.Fatal("no next page")
		}
		_, err = f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Limit: 1, Order: lifeguard.OrderDue, Cursor: page.Next})
		wantProblem(t, err, "cursor")
	})

	t.Run("every problem at once", func(t *testing.T) {
		_, err := f.db.AddEvidence(staff, tg.concern, lifeguard.NewEvidence{SHA256: "x"})
		for _, p := range []string{"what", "location", "held_by", "sha256"} {
			wantProblem(t, err, p)
		}
	})
}

// testChildren checks how a concern gets its child: linked, new with a
// reference given or generated, or none for a concern about a worker.
func testChildren(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)

	fx := facts(f.now())
	fx.Child.Vulnerabilities = []lifeguard.Vulnerability{"send"}
	first, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage(), ChildRef: "Y7-JS"})
	if err != nil {
		t.Fatal(err)
	}
	if first.ChildID == nil {
		t.Fatal("no child")
	}
	child, err := f.db.Child(dsl, *first.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if child.Ref != "Y7-JS" || child.Age == nil || *child.Age != 13 || child.AgeAsOf == nil ||
		*child.AgeAsOf != lifeguard.DateOf(fx.ReportedAt) || !slices.Equal(child.Vulnerabilities, fx.Child.Vulnerabilities) ||
		child.OrganisationID != f.orgA.ID {
		t.Errorf("child %+v", child)
	}

	t.Run("link merges vulnerabilities", func(t *testing.T) {
		fx := facts(f.now())
		fx.Child.Vulnerabilities = []lifeguard.Vulnerability{"looked_after", "send"}
		c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage(), ChildID: child.ID})
		if err != nil {
			t.Fatal(err)
		}
		if c.ChildID == nil || *c.ChildID != child.ID {
			t.Fatalf("linked to %v, want %d", c.ChildID, child.ID)
		}
		got, err := f.db.Child(dsl, child.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []lifeguard.Vulnerability{"send", "looked_after"}
		if !slices.Equal(got.Vulnerabilities, want) {
			t.Errorf("vulnerabilities %v, want %v", got.Vulnerabilities, want)
		}
	})

	t.Run("generated reference", func(t *testing.T) {
		c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Child(dsl, *c.ChildID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.Ref, "C-") || len(got.Ref) < 8 {
			t.Errorf("generated reference %q", got.Ref)
		}
		found, err := f.db.FindChildren(staff, got.Ref)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 || found[0].ID != got.ID {
			t.Errorf("FindChildren(%q) = %+v", got.Ref, found)
		}
	})

	t.Run("date of birth", func(t *testing.T) {
		fx := facts(f.now())
		dob := lifeguard.DateOf(f.now().AddDate(-10, 0, -5))
		fx.Child = &lifeguard.ChildFacts{DateOfBirth: &dob}
		c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage(), ChildRef: "Y5-DOB"})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Child(dsl, *c.ChildID)
		if err != nil {
			t.Fatal(err)
		}
		if got.DateOfBirth == nil || *got.DateOfBirth != dob || got.Age != nil {
			t.Errorf("child %+v", got)
		}
	})

	t.Run("no child for a concern about a worker", func(t *testing.T) {
		c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: staffFacts(f.now()),
			Triage: f.triage(route{"LADO_REFERRAL", 24 * time.Hour})})
		if err != nil {
			t.Fatal(err)
		}
		if c.ChildID != nil {
			t.Errorf("child %d for a staff-only concern", *c.ChildID)
		}
		page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Type: "staff_conduct"})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Concerns) != 1 || page.Concerns[0].ChildRef != "" || page.Concerns[0].ChildID != nil {
			t.Errorf("page %+v", page.Concerns)
		}
	})

	t.Run("find by prefix", func(t *testing.T) {
		for _, ref := range []string{"Y8-AA", "Y8-AB", "y8-AC"} {
			if _, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()),
				Triage: f.defaultTriage(), ChildRef: ref}); err != nil {
				t.Fatal(err)
			}
		}
		found, err := f.db.FindChildren(dsl, "Y8-")
		if err != nil {
			t.Fatal(err)
		}
		var refs []string
		for _, c := range found {
			refs = append(refs, c.Ref)
		}
		if !slices.Equal(refs, []string{"Y8-AA", "Y8-AB"}) {
			t.Errorf("found %v", refs)
		}
	})
}

// testDueAndStatus checks the deadline that orders the inbox, whether a
// decision was on time, and how the status moves.
func testDueAndStatus(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	tr := f.triage(route{"POLICE_101", -time.Hour}, route{"CSC_REFERRAL", 2 * time.Hour},
		route{"CEOP_REPORT", 4 * time.Hour}, route{"ADVICE_PARENTS", 0})
	c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: tr})
	if err != nil {
		t.Fatal(err)
	}
	dueOf := func(code lifeguard.RouteCode) time.Time { return *tr.Route(code).Due }
	if c.Status != lifeguard.StatusNew || c.Due == nil || !c.Due.Equal(dueOf("POLICE_101")) {
		t.Fatalf("new concern: status %s, due %v, want new, %v", c.Status, c.Due, dueOf("POLICE_101"))
	}
	summary := func() lifeguard.ConcernSummary {
		t.Helper()
		page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Concerns {
			if s.ID == c.ID {
				return s
			}
		}
		t.Fatalf("concern %d not listed", c.ID)
		return lifeguard.ConcernSummary{}
	}
	if s := summary(); !s.Overdue || s.Status != lifeguard.StatusNew ||
		!slices.Equal(s.Routes, []lifeguard.RouteCode{"POLICE_101", "CSC_REFERRAL", "CEOP_REPORT", "ADVICE_PARENTS"}) ||
		!slices.Equal(s.ConcernTypes, []lifeguard.ConcernType{"grooming"}) || s.ChildRef == "" {
		t.Errorf("summary %+v", s)
	}

	// The reporter's note is not work on the concern.
	if _, err := f.db.AddNote(staff, c.ID, "I told the DSL in person too."); err != nil {
		t.Fatal(err)
	}
	if s := summary(); s.Status != lifeguard.StatusNew {
		t.Errorf("after the reporter's note: status %s, want new", s.Status)
	}

	// A late decision is recorded as late, and the deadline moves on.
	d, err := f.db.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: "POLICE_101", Decision: lifeguard.DecisionDone,
		Reference: "PC-123"})
	if err != nil {
		t.Fatal(err)
	}
	if d.OnTime == nil || *d.OnTime {
		t.Errorf("late decision: on time %v, want false", d.OnTime)
	}
	if s := summary(); s.Status != lifeguard.StatusInProgress || s.Overdue || s.Due == nil || !s.Due.Equal(dueOf("CSC_REFERRAL")) {
		t.Errorf("after deciding POLICE_101: %+v", s)
	}

	// Declining counts as deciding; on time.
	d, err = f.db.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: lifeguard.DecisionDeclined,
		Reason: "Below threshold; early help offered."})
	if err != nil {
		t.Fatal(err)
	}
	if d.OnTime == nil || !*d.OnTime {
		t.Errorf("timely decision: on time %v, want true", d.OnTime)
	}
	// A route with no deadline has no on-time.
	d, err = f.db.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: "ADVICE_PARENTS", Decision: lifeguard.DecisionAccepted})
	if err != nil {
		t.Fatal(err)
	}
	if d.OnTime != nil {
		t.Errorf("route without deadline: on time %v, want nil", *d.OnTime)
	}
	d, err = f.db.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: "CEOP_REPORT", Decision: lifeguard.DecisionAccepted})
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.db.Concern(dsl, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Due != nil {
		t.Errorf("every route decided: due %v, want nil", got.Due)
	}
	if len(got.Decisions) != 4 || got.Decisions[0].Route != "POLICE_101" || got.Decisions[3].ID != d.ID {
		t.Errorf("decisions %+v", got.Decisions)
	}

	// A DSL's note on a new concern moves it to in progress; so does an
	// action.
	for _, work := range []struct {
		name string
		do   func(id int64) error
	}{
		{"note", func(id int64) error { _, err := f.db.AddNote(dsl, id, "Looked into it."); return err }},
		{"action", func(id int64) error {
			_, err := f.db.AddAction(dsl, id, lifeguard.NewAction{Title: "Call parents", Owner: "DSL",
				Due: lifeguard.DateOf(f.now())})
			return err
		}},
	} {
		t.Run(work.name, func(t *testing.T) {
			c := f.report(t, f.staff)
			if err := work.do(c.ID); err != nil {
				t.Fatal(err)
			}
			got, err := f.db.Concern(dsl, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.Status != lifeguard.StatusInProgress {
				t.Errorf("status %s, want in_progress", got.Status)
			}
		})
	}

	t.Run("evidence is not work", func(t *testing.T) {
		c := f.report(t, f.staff)
		if _, err := f.db.AddEvidence(dsl, c.ID, lifeguard.NewEvidence{What: "phone", Location: "safe", HeldBy: "DSL"}); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != lifeguard.StatusNew {
			t.Errorf("status %s, want new", got.Status)
		}
	})

	t.Run("complete action", func(t *testing.T) {
		c := f.report(t, f.staff)
		x, err := f.db.AddAction(dsl, c.ID, lifeguard.NewAction{Title: "Call", Owner: "DSL", Due: lifeguard.DateOf(f.now())})
		if err != nil {
			t.Fatal(err)
		}
		done, err := f.db.CompleteAction(dsl, c.ID, x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if done.DoneAt == nil || done.Title != "Call" {
			t.Errorf("completed %+v", done)
		}
		_, err = f.db.CompleteAction(dsl, c.ID, x.ID)
		wantCode(t, err, lifeguard.ECONFLICT)
		other := f.report(t, f.staff)
		_, err = f.db.CompleteAction(dsl, other.ID, x.ID) // the action of another concern
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("closed is never overdue", func(t *testing.T) {
		c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()),
			Triage: f.triage(route{"POLICE_101", -time.Hour})})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.CloseConcern(dsl, c.ID, lifeguard.NewOutcome{Code: "no_further_action", Summary: "Resolved.", CloseAnyway: "Closed for the test with work left."}); err != nil {
			t.Fatal(err)
		}
		page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Status: lifeguard.StatusClosed})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Concerns) != 1 || page.Concerns[0].ID != c.ID || page.Concerns[0].Overdue {
			t.Errorf("closed list %+v", page.Concerns)
		}
	})
}

// testUpdateFacts checks that new facts replace the old, keep decisions, and
// move the deadline.
func testUpdateFacts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	c := f.report(t, f.staff)
	if _, err := f.db.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "accepted"}); err != nil {
		t.Fatal(err)
	}
	fx := facts(f.now())
	fx.ConcernTypes = []lifeguard.ConcernType{"grooming", "sextortion"}
	fx.Child.Vulnerabilities = []lifeguard.Vulnerability{"child_in_need"}
	tr := f.triage(route{"CSC_REFERRAL", time.Hour}, route{"POLICE_999", 5 * time.Minute})
	got, err := f.db.UpdateFacts(dsl, c.ID, fx, tr)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Facts.ConcernTypes, fx.ConcernTypes) || len(got.Decisions) != 1 ||
		got.Due == nil || !got.Due.Equal(*tr.Route("POLICE_999").Due) || *got.ChildID != *c.ChildID {
		t.Errorf("updated concern: types %v, decisions %d, due %v", got.Facts.ConcernTypes, len(got.Decisions), got.Due)
	}
	page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Type: "sextortion"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Concerns) != 1 || page.Concerns[0].ID != c.ID {
		t.Errorf("type filter after update: %+v", page.Concerns)
	}
	child, err := f.db.Child(dsl, *c.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(child.Vulnerabilities, "child_in_need") {
		t.Errorf("child's vulnerabilities %v lack the new one", child.Vulnerabilities)
	}
}

// testReadBack checks that a concern reads back as it was recorded, with
// everything done about it in time order.
func testReadBack(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	fx := facts(f.now().Add(-time.Hour))
	occurred := fx.ReportedAt.Add(-24 * time.Hour)
	fx.OccurredAt = &occurred
	fx.Details.Platform = "a game chat"
	fx.Risk.SignificantHarm = "unsure"
	tr := f.defaultTriage()
	tr.Guidance = []string{"Do not view or forward images."}
	tr.Offences = []lifeguard.Offence{{Law: "Sexual Offences Act 2003", Section: "15A"}}
	created, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fx, Triage: tr})
	if err != nil {
		t.Fatal(err)
	}
	var steps []string
	for i := range 3 {
		n, err := f.db.AddNote(dsl, created.ID, strings.Repeat("n", i+1))
		if err != nil {
			t.Fatal(err)
		}
		steps = append(steps, n.Text)
		if _, err := f.db.AddEvidence(staff, created.ID, lifeguard.NewEvidence{What: strings.Repeat("e", i+1),
			Location: "safe", HeldBy: "DSL"}); err != nil {
			t.Fatal(err)
		}
	}
	got, err := f.db.Concern(staff, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Facts.ReportedAt.Equal(fx.ReportedAt) || got.Facts.OccurredAt == nil || !got.Facts.OccurredAt.Equal(occurred) ||
		got.Facts.Details.Platform != fx.Details.Platform || got.Facts.Risk != fx.Risk || got.Facts.Description != fx.Description {
		t.Errorf("facts read back differ: %+v", got.Facts)
	}
	if got.Triage.Procedure != tr.Procedure || len(got.Triage.Routes) != 2 || !got.Triage.Routes[0].Due.Equal(*tr.Routes[0].Due) ||
		!slices.Equal(got.Triage.Guidance, tr.Guidance) || len(got.Triage.Offences) != 1 {
		t.Errorf("triage read back differs: %+v", got.Triage)
	}
	if got.ReporterID != f.staff.ID || got.OrganisationID != f.orgA.ID || got.CreatedAt.IsZero() ||
		got.UpdatedAt.Before(got.CreatedAt) || got.Outcome != nil {
		t.Errorf("concern %+v", got)
	}
	if len(got.Notes) != 3 || len(got.Evidence) != 3 {
		t.Fatalf("%d notes, %d evidence", len(got.Notes), len(got.Evidence))
	}
	for i := range 3 {
		if got.Notes[i].Text != steps[i] || got.Notes[i].AuthorID != f.dsl.ID || got.Evidence[i].RecordedBy != f.staff.ID {
			t.Errorf("entry %d out of order: %+v %+v", i, got.Notes[i], got.Evidence[i])
		}
		if i > 0 && got.Notes[i].CreatedAt.Before(got.Notes[i-1].CreatedAt) {
			t.Errorf("notes not in time order")
		}
	}
}

// testChronology checks a child's chronology across two concerns with every
// kind of entry, in time order.
func testChronology(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	first, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now().Add(-48 * time.Hour)),
		Triage: f.defaultTriage(), ChildRef: "Y9-KM"})
	if err != nil {
		t.Fatal(err)
	}
	child := *first.ChildID
	second, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now().Add(-time.Hour)),
		Triage: f.defaultTriage(), ChildID: child})
	if err != nil {
		t.Fatal(err)
	}
	// Another child's concern must not appear.
	f.report(t, f.staff)

	// Each step is recorded a minute after the one before, so that the
	// chronology has an order to keep.
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(time.Minute)
	}
	f.clock.Advance(time.Minute)
	must(f.db.UpdateFacts(dsl, first.ID, facts(f.now().Add(-48*time.Hour)), f.defaultTriage()))
	must(f.db.AddDecision(dsl, first.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "done", Reference: "MASH-1"}))
	x, err := f.db.AddAction(dsl, first.ID, lifeguard.NewAction{Title: "Safety plan", Owner: "Head of year",
		Due: lifeguard.DateOf(f.now())})
	must(x, err)
	must(f.db.AddEvidence(dsl, second.ID, lifeguard.NewEvidence{What: "Screenshots", Location: "Safe", HeldBy: "DSL"}))
	must(f.db.AddNote(dsl, second.ID, "Mother informed.\nSecond line."))
	must(f.db.CompleteAction(dsl, first.ID, x.ID))
	must(f.db.CloseConcern(dsl, first.ID, lifeguard.NewOutcome{Code: "referred_csc", Summary: "Referred to MASH.", CloseAnyway: "Closed for the test with work left."}))

	entries, err := f.db.Chronology(dsl, child)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for i, e := range entries {
		kinds[e.Kind]++
		if e.ConcernID == nil || *e.ConcernID != first.ID && *e.ConcernID != second.ID {
			t.Errorf("entry %d of concern %v", i, e.ConcernID)
		}
		if i > 0 && e.At.Before(entries[i-1].At) {
			t.Errorf("entry %d (%s at %v) before entry %d (%s at %v)", i, e.Kind, e.At, i-1, entries[i-1].Kind, entries[i-1].At)
		}
		if e.Summary == "" || strings.Contains(e.Summary, "\n") {
			t.Errorf("entry %d summary %q", i, e.Summary)
		}
	}
	want := map[string]int{lifeguard.ChronReported: 2, lifeguard.ChronTriaged: 2, lifeguard.ChronFacts: 1,
		lifeguard.ChronDecision: 1, lifeguard.ChronAction: 1, lifeguard.ChronActionDone: 1, lifeguard.ChronEvidence: 1,
		lifeguard.ChronNote: 1, lifeguard.ChronClosed: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d entries of kind %s, want %d", kinds[k], k, n)
		}
	}
	if len(entries) != 11 {
		t.Errorf("%d entries, want 11", len(entries))
	}
	if entries[0].Kind != lifeguard.ChronReported || *entries[0].ConcernID != first.ID || entries[0].ActorID != f.staff.ID ||
		entries[0].ActorRole != lifeguard.RoleStaff {
		t.Errorf("first entry %+v", entries[0])
	}
	last := entries[len(entries)-1]
	if last.Kind != lifeguard.ChronClosed || last.ActorRole != lifeguard.RoleDSL || !strings.Contains(last.Summary, "referred_csc") {
		t.Errorf("last entry %+v", last)
	}
	// Reported two days ago, the first concern comes before the second's
	// report, an hour ago, which comes before everything recorded today.
	if entries[1].Kind != lifeguard.ChronReported || *entries[1].ConcernID != second.ID {
		t.Errorf("second entry %+v, want the second concern reported", entries[1])
	}
}
