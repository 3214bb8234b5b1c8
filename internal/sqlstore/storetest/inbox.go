package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testDeputies checks that a deputy safeguarding lead is a user of role dsl
// marked deputy, kept and read back, and that no other role can be one.
func testDeputies(t *testing.T, open Opener) {
	f := newFixture(t, open)
	admin := as(t.Context(), f.admin)

	t.Run("a dsl can be a deputy", func(t *testing.T) {
		u, err := f.db.CreateUser(admin, lifeguard.NewUser{Email: "deputy@example.org", Name: "Dee Deputy",
			Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, Deputy: true})
		if err != nil {
			t.Fatal(err)
		}
		if !u.Deputy {
			t.Errorf("created user %+v is not a deputy", u)
		}
		back, err := f.db.User(admin, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Deputy || back.Role != lifeguard.RoleDSL {
			t.Errorf("read back %+v", back)
		}
		lead, err := f.db.User(admin, f.dsl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if lead.Deputy {
			t.Errorf("a lead added without deputy reads back as one")
		}
		creds, err := f.db.CredentialsByEmail(sys(t.Context()), "deputy@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if !creds.User.Deputy {
			t.Errorf("credentials' user %+v is not a deputy", creds.User)
		}
	})

	for _, role := range []lifeguard.Role{lifeguard.RoleStaff, lifeguard.RoleManager, lifeguard.RolePartnership,
		lifeguard.RoleAdmin, lifeguard.RoleFilter} {
		t.Run("refused for "+string(role), func(t *testing.T) {
			_, err := f.db.CreateUser(admin, lifeguard.NewUser{Email: "not-" + string(role) + "@example.org",
				Name: "Not a deputy", Role: role, OrganisationID: f.orgA.ID, Deputy: true})
			wantProblem(t, err, "deputy")
		})
	}
}

// testFirstOpened checks when a concern counts as opened: the first read of
// the whole concern by a safeguarding lead of its organisation, stamped
// once, in the same transaction as the read's journal entry, and by no
// other reader.
func testFirstOpened(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.report(t, f.staff)
	if c.FirstOpenedAt != nil {
		t.Fatalf("a new concern is opened at %v", c.FirstOpenedAt)
	}
	opened := func(t *testing.T) *time.Time {
		t.Helper()
		// The reporter's read does not stamp it, so it can look.
		got, err := f.db.Concern(as(t.Context(), f.staff), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.FirstOpenedAt
	}

	step(t, "others' reads do not open it", func(t *testing.T) {
		if _, err := f.db.Concern(sys(t.Context()), c.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.Concern(as(t.Context(), f.dslB), c.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		if at := opened(t); at != nil {
			t.Errorf("opened at %v by a read that is not its lead's", at)
		}
		page, err := f.db.ListConcerns(as(t.Context(), f.dsl), lifeguard.ConcernFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Concerns) != 1 {
			t.Fatalf("listed %d concerns", len(page.Concerns))
		}
		if at := opened(t); at != nil {
			t.Errorf("opened at %v by the lead's list, which shows no text", at)
		}
	})

	first := f.now().UTC().Truncate(time.Microsecond)
	step(t, "the lead's read opens it", func(t *testing.T) {
		before := journalLen(t, f.db)
		got, err := f.db.Concern(as(t.Context(), f.dsl), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstOpenedAt == nil || !got.FirstOpenedAt.Equal(first) {
			t.Errorf("the lead's read returned first_opened_at %v, want %v", got.FirstOpenedAt, first)
		}
		es := journalAfter(t, f.db, before)
		if len(es) != 1 || es[0].Action != "read" || es[0].RecordID != c.ID || es[0].UserID != f.dsl.ID {
			t.Errorf("journal after the read: %+v", es)
		}
		if at := opened(t); at == nil || !at.Equal(first) {
			t.Errorf("stored first_opened_at %v, want %v", at, first)
		}
	})

	step(t, "a later read keeps the first time", func(t *testing.T) {
		f.clock.Advance(time.Hour)
		deputy, err := f.db.CreateUser(sys(t.Context()), lifeguard.NewUser{Email: "dep@example.org", Name: "Dep",
			Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, Deputy: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Concern(as(t.Context(), deputy), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstOpenedAt == nil || !got.FirstOpenedAt.Equal(first) {
			t.Errorf("first_opened_at %v after a later read, want %v", got.FirstOpenedAt, first)
		}
	})

	step(t, "a deputy's read opens a concern", func(t *testing.T) {
		c2 := f.report(t, f.staff)
		deputy, err := f.db.CreateUser(sys(t.Context()), lifeguard.NewUser{Email: "dep2@example.org", Name: "Dep",
			Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, Deputy: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Concern(as(t.Context(), deputy), c2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstOpenedAt == nil {
			t.Errorf("a deputy's read did not open the concern")
		}
	})
}

// immediate is a triage with a route due now (at the report's own time,
// as the procedure gives an immediate route) and one due in an hour.
func (f *fixture) immediate(reported time.Time) lifeguard.Triage {
	t := f.triage(route{"CSC_REFERRAL", time.Hour})
	at := reported.UTC()
	t.Routes = append(t.Routes, lifeguard.Route{Code: "POLICE_999", Title: "Call the police", Urgency: lifeguard.Immediate, Due: &at})
	return t
}

// testPriority checks the inbox's priority order: new concerns with a
// route that needs the lead now first (an instruction route such as "keep
// the evidence" does not), then the other concerns no lead has opened, then by
// earliest deadline, then the rest; never a closed one; and every page of
// it, whatever its size, continuing exactly where the last ended.
func testPriority(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	record := func(t *testing.T, tr func(reported time.Time) lifeguard.Triage) int64 {
		t.Helper()
		f.clock.Advance(time.Minute)
		fa := facts(f.now())
		c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fa, Triage: tr(fa.ReportedAt)})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	openIt := func(t *testing.T, id int64) {
		t.Helper()
		if _, err := f.db.Concern(dsl, id); err != nil {
			t.Fatal(err)
		}
	}
	in := func(d time.Duration) func(time.Time) lifeguard.Triage {
		return func(time.Time) lifeguard.Triage { return f.triage(route{"CSC_REFERRAL", d}) }
	}
	nothingDue := func(time.Time) lifeguard.Triage { return f.triage(route{"ADVICE_PARENTS", 0}) }

	// Recorded oldest first, each a minute after the last; the names say
	// where each belongs.
	openedNothingDue := record(t, nothingDue)
	openIt(t, openedNothingDue)
	openedNow := record(t, f.immediate) // opened: its deadline is all that counts
	openIt(t, openedNow)
	newInTwoHours := record(t, in(2*time.Hour))
	newNow := record(t, f.immediate)
	openedInHour := record(t, in(time.Hour))
	openIt(t, openedInHour)
	newNothingDue := record(t, nothingDue)
	// Its only immediate route is an instruction to the reporter ("keep
	// the evidence"): it does not need the lead now, so it waits in the
	// second bucket, first there as its deadline is its report.
	newEvidenceOnly := record(t, func(reported time.Time) lifeguard.Triage {
		return f.evidenceTriage(lifeguard.Facts{ReportedAt: reported})
	})
	newNowDecided := record(t, f.immediate) // its immediate route decided: due in an hour
	if _, err := f.db.AddDecision(dsl, newNowDecided, lifeguard.NewDecision{Route: "POLICE_999",
		Decision: lifeguard.DecisionDone}); err != nil {
		t.Fatal(err)
	}
	closedNow := record(t, f.immediate)
	if _, err := f.db.CloseConcern(dsl, closedNow, lifeguard.NewOutcome{Code: "referred_csc", Summary: "Referred.",
		CloseAnyway: "Referred by telephone before the routes were recorded."}); err != nil {
		t.Fatal(err)
	}
	newNow2 := record(t, f.immediate)
	// Another organisation's most urgent concern is not this inbox's.
	if _, err := f.db.CreateConcern(as(t.Context(), f.staffB), lifeguard.NewConcern{Facts: facts(f.now()),
		Triage: f.immediate(facts(f.now()).ReportedAt)}); err != nil {
		t.Fatal(err)
	}

	want := []int64{
		newNow, newNow2, // bucket 0, the older first
		newEvidenceOnly, newNowDecided, newInTwoHours, newNothingDue, // bucket 1, by deadline: its report, an hour after a later report, two hours, none
		openedNow, openedInHour, // bucket 2, by deadline
		openedNothingDue, // the rest
	}
	list := func(t *testing.T, fl lifeguard.ConcernFilter) ([]int64, string) {
		t.Helper()
		fl.Order = lifeguard.OrderPriority
		page, err := f.db.ListConcerns(dsl, fl)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(page.Concerns))
		for i, s := range page.Concerns {
			ids[i] = s.ID
			if s.Status == lifeguard.StatusClosed {
				t.Errorf("closed concern %d listed", s.ID)
			}
		}
		return ids, page.Next
	}

	t.Run("order", func(t *testing.T) {
		got, next := list(t, lifeguard.ConcernFilter{})
		if !slices.Equal(got, want) || next != "" {
			t.Errorf("priority order %v (next %q), want %v", got, next, want)
		}
		got, _ = list(t, lifeguard.ConcernFilter{Status: lifeguard.StatusOpen})
		if !slices.Equal(got, want) {
			t.Errorf("priority order of open concerns %v, want %v", got, want)
		}
	})

	t.Run("every page size", func(t *testing.T) {
		for limit := 1; limit <= len(want); limit++ {
			var got []int64
			cur := ""
			for pages := 0; ; pages++ {
				if pages > len(want) {
					t.Fatalf("limit %d: more pages than concerns", limit)
				}
				ids, next := list(t, lifeguard.ConcernFilter{Limit: limit, Cursor: cur})
				got = append(got, ids...)
				if next == "" {
					break
				}
				cur = next
			}
			if !slices.Equal(got, want) {
				t.Errorf("limit %d: pages give %v, want %v", limit, got, want)
			}
		}
	})

	t.Run("summary says what the order read", func(t *testing.T) {
		page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: lifeguard.OrderPriority, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if s := page.Concerns[0]; s.FirstOpenedAt != nil || s.Due == nil || !s.Due.Equal(s.ReportedAt) {
			t.Errorf("first of the inbox %+v: want never opened and due at its report", s)
		}
		page, err = f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: lifeguard.OrderPriority, Cursor: page.Next,
			Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Concerns {
			if (s.ID == openedNow || s.ID == openedInHour || s.ID == openedNothingDue) != (s.FirstOpenedAt != nil) {
				t.Errorf("concern %d: first_opened_at %v", s.ID, s.FirstOpenedAt)
			}
		}
	})

	t.Run("opening a concern moves it", func(t *testing.T) {
		openIt(t, newNow)
		got, _ := list(t, lifeguard.ConcernFilter{})
		// Now among the opened, by deadline: due at its report, after
		// openedNow's earlier report and before openedInHour's hour.
		moved := []int64{newNow2, newEvidenceOnly, newNowDecided, newInTwoHours, newNothingDue, openedNow, newNow,
			openedInHour, openedNothingDue}
		if !slices.Equal(got, moved) {
			t.Errorf("after opening %d: %v, want %v", newNow, got, moved)
		}
		// A cursor from before the change still continues after the
		// position it names, so nothing is listed twice.
		want = moved
	})

	t.Run("filters keep the order", func(t *testing.T) {
		// Opening a concern does not work it: only the decision moved
		// one on to in progress.
		got, _ := list(t, lifeguard.ConcernFilter{Status: lifeguard.StatusNew})
		wantNew := slices.DeleteFunc(slices.Clone(want), func(id int64) bool { return id == newNowDecided })
		if !slices.Equal(got, wantNew) {
			t.Errorf("new concerns in priority order %v, want %v", got, wantNew)
		}
		got, _ = list(t, lifeguard.ConcernFilter{Status: lifeguard.StatusInProgress})
		if !slices.Equal(got, []int64{newNowDecided}) {
			t.Errorf("concerns in progress %v, want %v", got, []int64{newNowDecided})
		}
	})

	t.Run("refused", func(t *testing.T) {
		_, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: lifeguard.OrderPriority,
			Status: lifeguard.StatusClosed})
		wantProblem(t, err, "status")
		_, err = f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: "urgent"})
		wantProblem(t, err, "order")
		due, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: lifeguard.OrderDue, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: lifeguard.OrderPriority, Cursor: due.Next})
		wantProblem(t, err, "cursor")
		_, err = f.db.ListConcerns(dsl, lifeguard.ConcernFilter{AssignedTo: -1})
		wantProblem(t, err, "assigned")
	})
}

// testRiskLevel checks that a lead rates a concern's risk, that the rating
// says who and when, reads back in the concern and the lists, is
// journaled, can be cleared, and that anything else is refused by name.
func testRiskLevel(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.report(t, f.staff)
	dsl := as(t.Context(), f.dsl)

	step(t, "set", func(t *testing.T) {
		before := journalLen(t, f.db)
		r, err := f.db.SetRiskLevel(dsl, c.ID, lifeguard.RiskHigh)
		if err != nil {
			t.Fatal(err)
		}
		if r == nil || r.Level != lifeguard.RiskHigh || r.SetBy != f.dsl.ID || !r.SetAt.Equal(f.now().UTC().Truncate(time.Microsecond)) {
			t.Errorf("rating %+v", r)
		}
		es := journalAfter(t, f.db, before)
		if len(es) != 1 || es[0].Action != "update" || es[0].RecordID != c.ID || es[0].Detail != "risk=high" {
			t.Errorf("journal %+v", es)
		}
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Risk == nil || *got.Risk != *r {
			t.Errorf("read back %+v, want %+v", got.Risk, r)
		}
		if got.Status != lifeguard.StatusInProgress {
			t.Errorf("status %s after rating; rating is working the concern", got.Status)
		}
		page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: lifeguard.OrderPriority})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Concerns) != 1 || page.Concerns[0].RiskLevel != lifeguard.RiskHigh {
			t.Errorf("list %+v", page.Concerns)
		}
	})

	step(t, "refused", func(t *testing.T) {
		for _, bad := range []lifeguard.RiskLevel{"extreme", "HIGH", " high"} {
			_, err := f.db.SetRiskLevel(dsl, c.ID, bad)
			wantProblem(t, err, "risk_level")
		}
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Risk == nil || got.Risk.Level != lifeguard.RiskHigh {
			t.Errorf("a refused level changed the rating to %+v", got.Risk)
		}
	})

	step(t, "clear", func(t *testing.T) {
		r, err := f.db.SetRiskLevel(dsl, c.ID, "")
		if err != nil || r != nil {
			t.Fatalf("clear: %+v, %v", r, err)
		}
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Risk != nil {
			t.Errorf("cleared rating reads back %+v", got.Risk)
		}
	})

	step(t, "closed", func(t *testing.T) {
		if _, err := f.db.CloseConcern(dsl, c.ID, lifeguard.NewOutcome{Code: "early_help", Summary: "Help.",
			CloseAnyway: "Early help took it on before the routes were recorded."}); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.SetRiskLevel(dsl, c.ID, lifeguard.RiskLow)
		wantCode(t, err, lifeguard.ECONFLICT)
		_, err = f.db.AssignConcern(dsl, c.ID, f.dsl.ID)
		wantCode(t, err, lifeguard.ECONFLICT)
	})
}

// testAssignment checks that a concern is assigned to a lead or deputy of
// its organisation and nobody else, reads back with the name, filters the
// list, is journaled, and can be undone.
func testAssignment(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.report(t, f.staff)
	other := f.report(t, f.staff)
	dsl := as(t.Context(), f.dsl)
	deputy, err := f.db.CreateUser(sys(t.Context()), lifeguard.NewUser{Email: "deputy@example.org", Name: "Dee Deputy",
		Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, Deputy: true})
	if err != nil {
		t.Fatal(err)
	}
	gone := f.user(t, f.orgA, lifeguard.RoleDSL)
	if _, err := f.db.SetUserDisabled(as(t.Context(), f.admin), gone.ID, true); err != nil {
		t.Fatal(err)
	}

	step(t, "assignees", func(t *testing.T) {
		us, err := f.db.Assignees(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, u := range us {
			ids = append(ids, u.ID)
		}
		// By name: "Dee Deputy" before "User 4".
		if want := []int64{deputy.ID, f.dsl.ID}; !slices.Equal(ids, want) {
			t.Errorf("assignees %v, want %v (the lead and the deputy, not staff, not the disabled lead)", ids, want)
		}
	})

	step(t, "assign", func(t *testing.T) {
		before := journalLen(t, f.db)
		as, err := f.db.AssignConcern(dsl, c.ID, deputy.ID)
		if err != nil {
			t.Fatal(err)
		}
		if as == nil || as.UserID != deputy.ID || as.Name != "Dee Deputy" || !as.Deputy || as.AssignedBy != f.dsl.ID ||
			!as.AssignedAt.Equal(f.now().UTC().Truncate(time.Microsecond)) {
			t.Errorf("assignment %+v", as)
		}
		es := journalAfter(t, f.db, before)
		if len(es) != 1 || es[0].Action != "update" || es[0].Detail != fmt.Sprintf("assigned=%d", deputy.ID) {
			t.Errorf("journal %+v", es)
		}
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Assignment == nil || *got.Assignment != *as {
			t.Errorf("read back %+v, want %+v", got.Assignment, as)
		}
	})

	step(t, "assigned to me", func(t *testing.T) {
		for _, order := range []string{lifeguard.OrderPriority, lifeguard.OrderDue, lifeguard.OrderReported} {
			page, err := f.db.ListConcerns(as(t.Context(), deputy), lifeguard.ConcernFilter{Order: order,
				AssignedTo: deputy.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Concerns) != 1 || page.Concerns[0].ID != c.ID || page.Concerns[0].AssignedTo == nil ||
				page.Concerns[0].AssignedTo.Name != "Dee Deputy" {
				t.Errorf("%s: assigned to the deputy %+v", order, page.Concerns)
			}
			page, err = f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: order, AssignedTo: f.dsl.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Concerns) != 0 {
				t.Errorf("%s: assigned to the lead %+v", order, page.Concerns)
			}
		}
	})

	step(t, "refused", func(t *testing.T) {
		for name, id := range map[string]int64{"staff": f.staff.ID, "manager": f.manager.ID,
			"another organisation's lead": f.dslB.ID, "a disabled lead": gone.ID, "nobody": 1 << 40,
			"a negative id": -3, "an administrator": f.admin.ID} {
			_, err := f.db.AssignConcern(dsl, other.ID, id)
			if lifeguard.ErrorCode(err) != lifeguard.EINVALID {
				t.Errorf("assigning to %s: %v", name, err)
				continue
			}
			wantProblem(t, err, "assigned_to")
		}
		got, err := f.db.Concern(dsl, other.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Assignment != nil {
			t.Errorf("a refused assignment stands: %+v", got.Assignment)
		}
	})

	step(t, "unassign", func(t *testing.T) {
		as, err := f.db.AssignConcern(dsl, c.ID, 0)
		if err != nil || as != nil {
			t.Fatalf("unassign: %+v, %v", as, err)
		}
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Assignment != nil {
			t.Errorf("unassigned concern reads back %+v", got.Assignment)
		}
	})
}
