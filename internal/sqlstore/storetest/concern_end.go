package storetest

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testCloseWithWorkLeft checks that a concern with routes undecided (the
// proposed decision included) or actions to do is not closed without the
// DSL's reason, that the refusal names each by its title, and that closing
// anyway keeps the reason, journals what was left, and leaves the open
// actions "left open", no longer to do.
func testCloseWithWorkLeft(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	tr := f.triage(route{"CSC_REFERRAL", time.Hour}, route{"ADVICE_PARENTS", 0})
	tr.Routes[0].Title, tr.Routes[1].Title = "Refer to children's social care", "Advise the parents"
	tr.ProposedDecision = &lifeguard.ProposedDecision{Code: "handle_in_setting", Title: "Handle within the setting"}
	c, err := f.db.CreateConcern(as(t.Context(), f.staff), lifeguard.NewConcern{Facts: facts(f.now()), Triage: tr})
	if err != nil {
		t.Fatal(err)
	}
	x, err := f.db.AddAction(dsl, c.ID, lifeguard.NewAction{Title: "Speak to the parents", Owner: "DSL",
		Due: lifeguard.DateOf(f.now().AddDate(0, 0, 2))})
	if err != nil {
		t.Fatal(err)
	}
	out := lifeguard.NewOutcome{Code: "referred_csc", Summary: "Referred."}

	step(t, "refused with the list", func(t *testing.T) {
		_, err := f.db.CloseConcern(dsl, c.ID, out)
		wantProblem(t, err, "close_anyway")
		msg := problemAt(err, "close_anyway")
		for _, want := range []string{"Refer to children's social care", "Advise the parents",
			"Handle within the setting", "Speak to the parents", "3 routes are not decided", "1 action is still to do"} {
			if !strings.Contains(msg, want) {
				t.Errorf("refusal %q does not name %q", msg, want)
			}
		}
		if got, _ := f.db.Concern(dsl, c.ID); got.Status == lifeguard.StatusClosed {
			t.Fatal("the concern closed although refused")
		}
	})
	step(t, "a blank reason is no reason", func(t *testing.T) {
		in := out
		in.CloseAnyway = "   "
		_, err := f.db.CloseConcern(dsl, c.ID, in)
		wantProblem(t, err, "close_anyway")
	})
	step(t, "fewer left, fewer named", func(t *testing.T) {
		for _, r := range []lifeguard.RouteCode{"CSC_REFERRAL", lifeguard.ProposalRoute} {
			if _, err := f.db.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: r, Decision: lifeguard.DecisionDone,
				Reason: "Done."}); err != nil {
				t.Fatal(err)
			}
		}
		_, err := f.db.CloseConcern(dsl, c.ID, out)
		msg := problemAt(err, "close_anyway")
		if !strings.HasPrefix(msg, "is required while 1 route is not decided (Advise the parents) and 1 action is still to do (Speak to the parents)") {
			t.Errorf("refusal %q", msg)
		}
	})
	step(t, "closed anyway with a reason", func(t *testing.T) {
		in := out
		in.CloseAnyway = "The family moved away; the new school's DSL has the referral."
		before := journalLen(t, f.db)
		got, err := f.db.CloseConcern(dsl, c.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != lifeguard.StatusClosed || got.Outcome == nil || got.Outcome.CloseAnyway != in.CloseAnyway {
			t.Fatalf("closed: status %s, outcome %+v", got.Status, got.Outcome)
		}
		if len(got.Actions) != 1 || got.Actions[0].Status != lifeguard.ActionLeftOpen || !got.Actions[0].Open() {
			t.Errorf("the open action after closing: %+v; want left open", got.Actions)
		}
		es := journalAfter(t, f.db, before)
		want := "closed outcome=referred_csc anyway undecided=ADVICE_PARENTS open_actions=" + itoa(x.ID)
		if len(es) != 1 || es[0].Detail != want {
			t.Errorf("journal %+v; want one entry %q", es, want)
		}
		read, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if read.Outcome.CloseAnyway != in.CloseAnyway || read.Actions[0].Status != lifeguard.ActionLeftOpen {
			t.Errorf("read back: outcome %+v, actions %+v", read.Outcome, read.Actions)
		}
	})
	step(t, "nothing left needs no reason", func(t *testing.T) {
		c := f.report(t, f.staff)
		for _, r := range c.Triage.Routes {
			if _, err := f.db.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: r.Code,
				Decision: lifeguard.DecisionDeclined, Reason: "Not needed."}); err != nil {
				t.Fatal(err)
			}
		}
		x, err := f.db.AddAction(dsl, c.ID, lifeguard.NewAction{Title: "Check in", Owner: "DSL",
			Due: lifeguard.DateOf(f.now())})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.CompleteAction(dsl, c.ID, x.ID); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.CloseConcern(dsl, c.ID, lifeguard.NewOutcome{Code: "no_further_action", Summary: "Resolved."})
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome.CloseAnyway != "" || got.Actions[0].Status != lifeguard.ActionDone {
			t.Errorf("outcome %+v, actions %+v", got.Outcome, got.Actions)
		}
	})
}

// problemAt returns the problem of an EINVALID error at path, or "".
func problemAt(err error, path string) string {
	le, ok := errors.AsType[*lifeguard.Error](err)
	if !ok {
		return ""
	}
	for _, p := range le.Problems {
		if p.Path == path {
			return p.Problem
		}
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// testCancelAction checks that an action is cancelled with a reason, by
// whom and when, once, and that a cancelled action cannot be done.
func testCancelAction(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	tg := f.target(t)

	_, err := f.db.CancelAction(dsl, tg.concern, tg.action, "")
	wantProblem(t, err, "reason")
	_, err = f.db.CancelAction(dsl, tg.concern, tg.action+1000, "Not needed.")
	wantCode(t, err, lifeguard.ENOTFOUND)

	got, err := f.db.CancelAction(dsl, tg.concern, tg.action, "The parents were spoken to at the meeting.")
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != lifeguard.ActionCancelled || got.CancelledAt == nil || got.CancelledBy != f.dsl.ID ||
		got.CancelReason != "The parents were spoken to at the meeting." || got.Open() {
		t.Errorf("cancelled action: %+v", got)
	}
	c, err := f.db.Concern(dsl, tg.concern)
	if err != nil {
		t.Fatal(err)
	}
	if a := c.Actions[0]; a.Status != lifeguard.ActionCancelled || a.CancelledBy != f.dsl.ID || a.CancelledAt == nil ||
		!a.CancelledAt.Equal(f.now().Truncate(time.Microsecond)) {
		t.Errorf("read back: %+v", a)
	}
	_, err = f.db.CancelAction(dsl, tg.concern, tg.action, "Again.")
	wantCode(t, err, lifeguard.ECONFLICT)
	_, err = f.db.CompleteAction(dsl, tg.concern, tg.action)
	wantCode(t, err, lifeguard.ECONFLICT)

	// A done action is done: it cannot be cancelled afterwards.
	x, err := f.db.AddAction(dsl, tg.concern, lifeguard.NewAction{Title: "Call", Owner: "DSL", Due: lifeguard.DateOf(f.now())})
	if err != nil {
		t.Fatal(err)
	}
	done, err := f.db.CompleteAction(dsl, tg.concern, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	if done.DoneBy != f.dsl.ID || done.Status != lifeguard.ActionDone {
		t.Errorf("done action: %+v", done)
	}
	_, err = f.db.CancelAction(dsl, tg.concern, x.ID, "Changed my mind.")
	wantCode(t, err, lifeguard.ECONFLICT)
}

// testOutcomes checks that a concern closes with several outcomes, given
// as the list, the single code of the first version, or both, and that
// every code is checked.
func testOutcomes(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	closeWith := func(in lifeguard.NewOutcome) (*lifeguard.Concern, error) {
		tg := f.target(t)
		in.Summary, in.CloseAnyway = "Referred.", "Closed for the test with work left."
		return f.db.CloseConcern(dsl, tg.concern, in)
	}
	for _, tc := range []struct {
		name string
		in   lifeguard.NewOutcome
		want []lifeguard.OutcomeCode
	}{
		{"single code", lifeguard.NewOutcome{Code: "early_help"}, []lifeguard.OutcomeCode{"early_help"}},
		{"list", lifeguard.NewOutcome{Codes: []lifeguard.OutcomeCode{"referred_police", "referred_csc"}},
			[]lifeguard.OutcomeCode{"referred_csc", "referred_police"}},
		{"both, with a repeat", lifeguard.NewOutcome{Code: "referred_police",
			Codes: []lifeguard.OutcomeCode{"referred_police", "early_help"}},
			[]lifeguard.OutcomeCode{"referred_police", "early_help"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := closeWith(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Outcome.Codes, tc.want) || c.Outcome.Code != tc.want[0] {
				t.Errorf("outcome %v (code %s), want %v", c.Outcome.Codes, c.Outcome.Code, tc.want)
			}
			read, err := f.db.Concern(dsl, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(read.Outcome.Codes, tc.want) {
				t.Errorf("read back %v, want %v", read.Outcome.Codes, tc.want)
			}
		})
	}
	for _, tc := range []struct {
		name, path string
		in         lifeguard.NewOutcome
	}{
		{"none", "code", lifeguard.NewOutcome{}},
		{"empty list", "code", lifeguard.NewOutcome{Codes: []lifeguard.OutcomeCode{}}},
		{"unknown in the list", "codes", lifeguard.NewOutcome{Codes: []lifeguard.OutcomeCode{"referred_csc", "sorted"}}},
		{"unknown code", "code", lifeguard.NewOutcome{Code: "sorted"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := closeWith(tc.in)
			wantProblem(t, err, tc.path)
		})
	}
}

// testAddedRoutes checks that a DSL adds a route of the procedure with a
// reason, that it is then decided like the triage's routes and sets the
// deadline, survives a change of facts, and is counted apart from the
// procedure's routes in both kinds of report.
func testAddedRoutes(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	c := f.report(t, f.staff) // CSC_REFERRAL due in an hour, ADVICE_PARENTS
	soon := f.now().Add(20 * time.Minute).UTC().Truncate(time.Microsecond)
	police := lifeguard.Route{Code: "POLICE_101", Title: "Tell the police (101)", Action: "Call 101.",
		Urgency: lifeguard.SameWorkingDay, Due: &soon}
	add := func(r lifeguard.Route, reason string) error {
		_, err := f.db.AddRoute(dsl, c.ID, lifeguard.NewRoute{Route: r, Reason: reason})
		return err
	}

	step(t, "refused without a reason or a route", func(t *testing.T) {
		wantProblem(t, add(police, ""), "reason")
		wantProblem(t, add(lifeguard.Route{}, "Because."), "route")
		wantProblem(t, add(lifeguard.Route{Code: "police 101", Title: "x", Urgency: lifeguard.Advice}, "Because."), "route")
		wantProblem(t, add(lifeguard.Route{Code: lifeguard.ProposalRoute, Title: "x", Urgency: lifeguard.Advice}, "Because."), "route")
		csc := lifeguard.Route{Code: "CSC_REFERRAL", Title: "Refer", Urgency: lifeguard.Immediate}
		wantProblem(t, add(csc, "Because."), "route")
		_, err := f.db.AddRoute(as(t.Context(), f.staff), c.ID, lifeguard.NewRoute{Route: police, Reason: "Because."})
		wantCode(t, err, lifeguard.EFORBIDDEN)
	})
	step(t, "added, with its deadline", func(t *testing.T) {
		if err := add(police, "The adult threatened the child; the police must know today."); err != nil {
			t.Fatal(err)
		}
		wantProblem(t, add(police, "Twice."), "route")
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.AddedRoutes) != 1 || got.AddedRoutes[0].Route.Code != "POLICE_101" ||
			got.AddedRoutes[0].AddedBy != f.dsl.ID || got.AddedRoutes[0].Reason == "" {
			t.Fatalf("added routes: %+v", got.AddedRoutes)
		}
		if got.Due == nil || !got.Due.Equal(soon) {
			t.Errorf("due %v, want the added route's %v", got.Due, soon)
		}
		if got.Triage.HasRoute("POLICE_101") {
			t.Error("the added route is in the triage, which stays as the procedure gave it")
		}
	})
	step(t, "decided like the others", func(t *testing.T) {
		d, err := f.db.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: "POLICE_101", Decision: lifeguard.DecisionDone,
			Reference: "POL-1"})
		if err != nil {
			t.Fatal(err)
		}
		if d.OnTime == nil || !*d.OnTime {
			t.Errorf("decision on the added route: on time %v, want true", d.OnTime)
		}
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Due == nil || got.Due.Equal(soon) {
			t.Errorf("due %v after deciding the added route; want the CSC referral's", got.Due)
		}
	})
	step(t, "kept through a change of facts", func(t *testing.T) {
		got, err := f.db.UpdateFacts(dsl, c.ID, facts(f.now()), f.triage(route{"ADVICE_PARENTS", 0}))
		if err != nil {
			t.Fatal(err)
		}
		if len(got.AddedRoutes) != 1 {
			t.Errorf("added routes after a change of facts: %+v", got.AddedRoutes)
		}
	})
	step(t, "counted apart in the reports", func(t *testing.T) {
		q := lifeguard.ReportQuery{From: lifeguard.DateOf(f.now().AddDate(0, 0, -1)), To: lifeguard.DateOf(f.now())}
		officer, err := f.db.ReportCounts(as(t.Context(), f.officer), q)
		if err != nil {
			t.Fatal(err)
		}
		q.OrganisationID = f.orgA.ID
		own, err := f.db.ReportCounts(dsl, q)
		if err != nil {
			t.Fatal(err)
		}
		for name, rc := range map[string]*lifeguard.ReportCounts{"board": officer, "organisation": own} {
			if !slices.Equal(rc.Added, []lifeguard.Tally{{Key: "POLICE_101", N: 1}}) {
				t.Errorf("%s report: added %v, want POLICE_101 once", name, rc.Added)
			}
			for _, r := range rc.Routes {
				if r.Route == "POLICE_101" {
					t.Errorf("%s report counts the added route among the procedure's: %+v", name, r)
				}
			}
			for _, g := range rc.Given {
				if strings.Contains(g.Key, "POLICE_101") {
					t.Errorf("%s report counts the added route as given: %+v", name, g)
				}
			}
		}
	})
	step(t, "closed concern takes no route", func(t *testing.T) {
		if _, err := f.db.CloseConcern(dsl, c.ID, lifeguard.NewOutcome{Code: "referred_police", Summary: "x",
			CloseAnyway: "Closed for the test with work left."}); err != nil {
			t.Fatal(err)
		}
		r := police
		r.Code = "EARLY_HELP"
		wantCode(t, add(r, "Because."), lifeguard.ECONFLICT)
	})
}

// testRemindersStopWhenClosed checks that a reminder raised while the
// concern was open is no longer shown once it is closed, and that no new
// one is raised for it.
func testRemindersStopWhenClosed(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	dsl := as(t.Context(), f.dsl)
	c, err := f.db.CreateConcern(as(t.Context(), f.staff), lifeguard.NewConcern{Facts: facts(f.now()),
		Triage: f.triage(route{"CSC_REFERRAL", 30 * time.Minute})})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.db.RaiseReminders(ctx, f.now(), time.Hour); err != nil || n != 1 {
		t.Fatalf("raised %d (%v), want 1", n, err)
	}
	if rs, err := f.db.Reminders(dsl); err != nil || len(rs) != 1 {
		t.Fatalf("reminders before closing: %v (%v)", rs, err)
	}
	if _, err := f.db.CloseConcern(dsl, c.ID, lifeguard.NewOutcome{Code: "referred_csc", Summary: "Referred.",
		CloseAnyway: "Referred by phone; the record of it is on the child's file."}); err != nil {
		t.Fatal(err)
	}
	if rs, err := f.db.Reminders(dsl); err != nil || len(rs) != 0 {
		t.Errorf("reminders after closing: %v (%v), want none", rs, err)
	}
	// Past the deadline, the job would raise "overdue" for an open concern.
	f.clock.Advance(time.Hour)
	if n, err := f.db.RaiseReminders(ctx, f.now(), time.Hour); err != nil || n != 0 {
		t.Errorf("raised %d (%v) for a closed concern, want 0", n, err)
	}
}

// testMyReports checks the list behind a member of staff's "My reports":
// only what the actor reported, whatever their role, with when each was
// closed.
func testMyReports(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	mine := f.report(t, f.staff)
	closed := f.report(t, f.staff)
	f.report(t, f.staff2)
	byDSL := f.report(t, f.dsl)
	if _, err := f.db.CloseConcern(dsl, closed.ID, lifeguard.NewOutcome{Code: "early_help", Summary: "x",
		CloseAnyway: "Closed for the test with work left."}); err != nil {
		t.Fatal(err)
	}
	ids := func(u *lifeguard.User) map[int64]*time.Time {
		t.Helper()
		p, err := f.db.ListConcerns(as(t.Context(), u), lifeguard.ConcernFilter{ReportedByMe: true})
		if err != nil {
			t.Fatal(err)
		}
		m := map[int64]*time.Time{}
		for _, s := range p.Concerns {
			m[s.ID] = s.ClosedAt
		}
		return m
	}
	got := ids(f.staff)
	if len(got) != 2 || got[mine.ID] != nil || got[closed.ID] == nil || !got[closed.ID].Equal(f.now().Truncate(time.Microsecond)) {
		t.Errorf("staff's reports: %v; want %d open and %d closed now", got, mine.ID, closed.ID)
	}
	if got := ids(f.dsl); len(got) != 1 || got[byDSL.ID] != nil {
		t.Errorf("the DSL's own reports: %v; want only %d", got, byDSL.ID)
	}
	if got := ids(f.manager); len(got) != 0 {
		t.Errorf("the manager's reports: %v; want none", got)
	}
	p, err := f.db.ListConcerns(as(t.Context(), f.officer), lifeguard.ConcernFilter{ReportedByMe: true})
	if err == nil {
		t.Errorf("a partnership officer listed %d concerns", len(p.Concerns))
	}
	wantCode(t, err, lifeguard.EFORBIDDEN)
}
