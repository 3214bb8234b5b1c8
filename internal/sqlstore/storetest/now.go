package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testNowWindow checks that an immediate route is due now, not overdue,
// within the window of "now" its concern was triaged under, and late after
// it: in the list's overdue and now, in a decision's on_time and so the
// report's counts, and in the reminders job; that the window stays with
// the concern and follows a change of its facts; and that a window out of
// bounds is refused, naming the field.
func testNowWindow(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	reported := f.now().UTC().Truncate(time.Second)
	// immediate: a referral due at the report, as the triage contract has
	// it, and a same-day route due at the close of the day.
	immediate := func(window time.Duration) lifeguard.Triage {
		tr := f.triage(route{"POLICE_101", 7 * time.Hour}, route{"ADVICE_PARENTS", 0})
		tr.Routes = append([]lifeguard.Route{{Code: "CSC_REFERRAL", Title: "Refer to children's social care",
			Action: "Phone children's social care now.", Urgency: lifeguard.Immediate, Due: &reported}}, tr.Routes...)
		tr.NowWindow = window
		return tr
	}
	create := func(tr lifeguard.Triage) *lifeguard.Concern {
		t.Helper()
		c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(reported), Triage: tr})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	summary := func(id int64) lifeguard.ConcernSummary {
		t.Helper()
		page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: lifeguard.OrderDue})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Concerns {
			if s.ID == id {
				return s
			}
		}
		t.Fatalf("concern %d not listed", id)
		return lifeguard.ConcernSummary{}
	}
	nowCodes := func(s lifeguard.ConcernSummary) []lifeguard.RouteCode {
		var out []lifeguard.RouteCode
		for _, r := range s.Now {
			out = append(out, r.Code)
		}
		return out
	}
	decide := func(id int64, code lifeguard.RouteCode) *lifeguard.Decision {
		t.Helper()
		d, err := f.db.AddDecision(dsl, id, lifeguard.NewDecision{Route: code, Decision: lifeguard.DecisionDone})
		if err != nil {
			t.Fatal(err)
		}
		return d
	}

	hour := create(immediate(0)) // the default: an hour
	half := create(immediate(30 * time.Minute))
	if got := hour.Triage.NowWindow; got != time.Hour {
		t.Errorf("a triage that does not say is kept with %v, want an hour", got)
	}
	if c, err := f.db.Concern(dsl, half.ID); err != nil || c.Triage.NowWindow != 30*time.Minute {
		t.Fatalf("read back: window %v (%v), want 30m", c.Triage.NowWindow, err)
	}

	step(t, "within the window the route is due now", func(t *testing.T) {
		f.clock.Advance(20 * time.Minute)
		for _, c := range []*lifeguard.Concern{hour, half} {
			s := summary(c.ID)
			if s.Overdue || !slices.Equal(nowCodes(s), []lifeguard.RouteCode{"CSC_REFERRAL"}) ||
				s.Now[0].Action != "Phone children's social care now." || s.Due == nil || !s.Due.Equal(reported) {
				t.Errorf("concern %d 20 minutes on: %+v", c.ID, s)
			}
		}
		n, err := f.db.RaiseReminders(sys(t.Context()), f.now(), time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := f.db.Reminders(dsl)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Kind == lifeguard.ReminderOverdue {
				t.Errorf("within the window: an overdue reminder of concern %d (%d raised)", r.ConcernID, n)
			}
		}
	})

	step(t, "after a shorter window the same route is overdue", func(t *testing.T) {
		f.clock.Advance(11 * time.Minute) // 31 minutes after the report
		if s := summary(half.ID); !s.Overdue || len(s.Now) != 0 {
			t.Errorf("30-minute window, 31 minutes on: %+v", s)
		}
		if s := summary(hour.ID); s.Overdue || len(s.Now) != 1 {
			t.Errorf("hour window, 31 minutes on: %+v", s)
		}
		if n, err := f.db.RaiseReminders(sys(t.Context()), f.now(), time.Minute); err != nil || n != 1 {
			t.Errorf("raised %d (%v), want the overdue reminder of the 30-minute concern", n, err)
		}
		rs, err := f.db.Reminders(dsl)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Kind == lifeguard.ReminderOverdue && r.ConcernID != half.ID {
				t.Errorf("overdue reminder of concern %d, still within its window", r.ConcernID)
			}
		}
	})

	step(t, "a decision within the window is on time, after it late", func(t *testing.T) {
		if d := decide(hour.ID, "CSC_REFERRAL"); d.OnTime == nil || !*d.OnTime {
			t.Errorf("decided 31 minutes after the report, within an hour: on time %v", d.OnTime)
		}
		if d := decide(half.ID, "CSC_REFERRAL"); d.OnTime == nil || *d.OnTime {
			t.Errorf("decided 31 minutes after the report, after 30 minutes: on time %v", d.OnTime)
		}
		// Decided, the referral no longer holds the concern: the same-day
		// route is next and not yet due.
		for _, c := range []*lifeguard.Concern{hour, half} {
			if s := summary(c.ID); s.Overdue || len(s.Now) != 0 || s.Due == nil || !s.Due.Equal(reported.Add(7*time.Hour)) {
				t.Errorf("concern %d after the decision: %+v", c.ID, s)
			}
		}
		got, err := f.db.ReportCounts(as(t.Context(), f.officer), lifeguard.ReportQuery{From: lifeguard.DateOf(reported),
			To: lifeguard.DateOf(reported.Add(24 * time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		want := []lifeguard.RouteTally{
			{Route: "CSC_REFERRAL", Followed: true, Deadline: true, N: 1},
			{Route: "CSC_REFERRAL", Followed: true, Deadline: true, OnTime: true, N: 1},
		}
		if !slices.Equal(got.Routes, want) {
			t.Errorf("report routes %+v, want %+v", got.Routes, want)
		}
	})

	step(t, "the window follows a change of the facts", func(t *testing.T) {
		c := create(immediate(time.Hour))
		f.clock.Advance(10 * time.Minute)
		if _, err := f.db.UpdateFacts(dsl, c.ID, facts(reported), immediate(5*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if s := summary(c.ID); !s.Overdue || len(s.Now) != 0 {
			t.Errorf("under the new procedure's 5 minutes, 10 minutes on: %+v", s)
		}
	})

	step(t, "a window out of bounds is refused", func(t *testing.T) {
		for _, w := range []time.Duration{time.Second, -time.Hour, 25 * time.Hour} {
			_, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(reported), Triage: immediate(w)})
			wantProblem(t, err, "triage.now_window")
		}
	})
}
