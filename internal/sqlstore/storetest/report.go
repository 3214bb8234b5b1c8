package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testReportCounts records concerns with known facts in two organisations
// of one partnership (and one in another partnership, which must never be
// counted), decides some routes, and checks every aggregate.
func testReportCounts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	now := f.now().UTC()
	from, to := now.Add(-30*24*time.Hour), now
	period := lifeguard.ReportQuery{From: lifeguard.DateOf(from), To: lifeguard.DateOf(to)}
	staffA, staffB, dslA, dslB := as(t.Context(), f.staff), as(t.Context(), f.staffB), as(t.Context(), f.dsl), as(t.Context(), f.dslB)
	create := func(ctx context.Context, fa lifeguard.Facts, tr lifeguard.Triage, child int64) *lifeguard.Concern {
		t.Helper()
		c, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: fa, Triage: tr, ChildID: child})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	at := now.Add(-24 * time.Hour)
	// A: grooming about a 13-year-old (twice about the same child), a
	// concern about a worker, and a 16-year-old's cyberbullying and hate
	// with two vulnerabilities given by date of birth.
	c1 := create(staffA, facts(at), f.triage(route{"CSC_REFERRAL", time.Hour}, route{"ADVICE_PARENTS", 0}), 0)
	c2 := create(staffA, facts(at), f.triage(route{"CSC_REFERRAL", -time.Hour}), *c1.ChildID)
	create(staffA, staffFacts(at), f.triage(route{"LADO", time.Hour}), 0)
	dob := lifeguard.Date{Year: at.Year() - 17, Month: at.Month(), Day: at.Day()}
	dob.Month++ // a birthday next month: 16, not 17
	if dob.Month > 12 {
		dob.Month, dob.Year = 1, dob.Year+1
	}
	if dob.Day > 28 {
		dob.Day = 28
	}
	fb := facts(at)
	fb.Child = &lifeguard.ChildFacts{DateOfBirth: &dob, Vulnerabilities: []lifeguard.Vulnerability{"send", "looked_after"}}
	fb.ConcernTypes = []lifeguard.ConcernType{"cyberbullying", "hate"}
	create(staffA, fb, f.triage(route{"ADVICE_PARENTS", 0}), 0)
	// B: one grooming concern; and one outside the period.
	c5 := create(staffB, facts(at), f.triage(route{"CSC_REFERRAL", time.Hour}), 0)
	create(staffB, facts(from.Add(-48*time.Hour)), f.triage(route{"CSC_REFERRAL", time.Hour}), 0)
	// Another partnership's concern in the period.
	staffC := f.user(t, f.orgC, lifeguard.RoleStaff)
	create(as(t.Context(), staffC), facts(at), f.defaultTriage(), 0)

	decide := func(ctx context.Context, c *lifeguard.Concern, route lifeguard.RouteCode, k lifeguard.DecisionKind) {
		t.Helper()
		if _, err := f.db.AddDecision(ctx, c.ID, lifeguard.NewDecision{Route: route, Decision: k, Reason: "Reason."}); err != nil {
			t.Fatal(err)
		}
	}
	decide(dslA, c1, "CSC_REFERRAL", lifeguard.DecisionAccepted) // on time
	decide(dslA, c1, "CSC_REFERRAL", lifeguard.DecisionDone)     // the same route again: one route decided
	decide(dslA, c1, "ADVICE_PARENTS", lifeguard.DecisionDeclined)
	decide(dslA, c2, "CSC_REFERRAL", lifeguard.DecisionDeclined) // late
	decide(dslB, c5, "CSC_REFERRAL", lifeguard.DecisionDone)     // on time

	officer := as(t.Context(), f.officer)
	got, err := f.db.ReportCounts(officer, period)
	if err != nil {
		t.Fatal(err)
	}
	tl := func(kv ...any) []lifeguard.Tally {
		out := []lifeguard.Tally{}
		for i := 0; i < len(kv); i += 2 {
			out = append(out, lifeguard.Tally{Key: kv[i].(string), N: int64(kv[i+1].(int))})
		}
		return out
	}
	month := at.Format("2006-01")
	checks := []struct {
		name      string
		got, want any
	}{
		{"concerns", got.Concerns, int64(5)},
		{"partnership", got.Query.PartnershipID, f.p1.ID},
		{"types", got.Types, tl("cyberbullying", 1, "grooming", 3, "hate", 1, "staff_conduct", 1)},
		{"vulnerabilities", got.Vulns, tl("looked_after", 1, "send", 1)},
		{"routes given", got.Given, tl("ADVICE_PARENTS", 2, "CSC_REFERRAL", 3, "LADO", 1)},
		{"ages", got.Ages, tl("", 1, "13", 3, "16", 1)},
		{"settings", got.Settings, tl("school", 5)},
		{"months", got.Months, tl(month, 5)},
		{"previous", got.Previous, int64(1)},
		{"prior", got.Prior, tl("0", 3, "1", 1)},
		{"routes", got.Routes, []lifeguard.RouteTally{
			{Route: "ADVICE_PARENTS", N: 1},
			{Route: "CSC_REFERRAL", Deadline: true, N: 1},
			{Route: "CSC_REFERRAL", Followed: true, Deadline: true, OnTime: true, N: 2},
		}},
		// Decided a day after the report: the band from 24 hours.
		{"first decision", got.FirstDecision, tl("1440", 3)},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}
	// One organisation's report counts its concerns only.
	own, err := f.db.ReportCounts(dslA, lifeguard.ReportQuery{From: period.From, To: period.To, OrganisationID: f.orgA.ID})
	if err != nil {
		t.Fatal(err)
	}
	if own.Concerns != 4 || !reflect.DeepEqual(own.FirstDecision, tl("1440", 2)) {
		t.Errorf("organisation A: %d concerns, first decisions %v; want 4, 2", own.Concerns, own.FirstDecision)
	}
	sameAsOrganisations(t, f, period)

	// UpdateFacts changes what is counted.
	f2 := facts(at)
	f2.Child.Age = intp(9)
	f2.Child.Vulnerabilities = []lifeguard.Vulnerability{"young_carer"}
	if _, err := f.db.UpdateFacts(dslB, c5.ID, f2, f.triage(route{"CSC_REFERRAL", time.Hour})); err != nil {
		t.Fatal(err)
	}
	got, err = f.db.ReportCounts(officer, period)
	if err != nil {
		t.Fatal(err)
	}
	if want := tl("", 1, "13", 2, "16", 1, "9", 1); !reflect.DeepEqual(got.Ages, want) {
		t.Errorf("ages after the update %+v, want %+v", got.Ages, want)
	}
	if want := tl("looked_after", 1, "send", 1, "young_carer", 1); !reflect.DeepEqual(got.Vulns, want) {
		t.Errorf("vulnerabilities after the update %+v, want %+v", got.Vulns, want)
	}
	sameAsOrganisations(t, f, period)

	// The organisations of each kind and their children, read afresh
	// after a change (the counts above are kept until a concern changes):
	// two schools, one of which gave its number; an organisation's own
	// report has none.
	n := int64(420)
	if _, err := f.db.SetChildrenCount(as(t.Context(), f.admin), f.orgA.ID, &n); err != nil {
		t.Fatal(err)
	}
	got, err = f.db.ReportCounts(officer, period)
	if err != nil {
		t.Fatal(err)
	}
	want := []lifeguard.SettingChildren{{Setting: "other", Organisations: 1}, {Setting: "school", Organisations: 2, Counted: 1, Children: 420}}
	if !reflect.DeepEqual(got.Children, want) {
		t.Errorf("children %+v, want %+v", got.Children, want)
	}
	orgQ := period
	orgQ.OrganisationID = f.orgA.ID
	if got, err = f.db.ReportCounts(dslA, orgQ); err != nil || got.Children != nil {
		t.Errorf("an organisation's own counts have children %+v (%v)", got.Children, err)
	}
}

// sameAsOrganisations checks that the partnership's counts, kept in
// report_counts as concerns change, equal the sum of its organisations'
// counts, which are counted from the concerns themselves.
func sameAsOrganisations(t *testing.T, f *fixture, period lifeguard.ReportQuery) {
	t.Helper()
	ctx := sys(t.Context())
	q := period
	q.PartnershipID = f.p1.ID
	whole, err := f.db.ReportCounts(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	sum := map[string]int64{}
	add := func(r *lifeguard.ReportCounts, sign int64) {
		for name, ts := range map[string][]lifeguard.Tally{"type": r.Types, "vuln": r.Vulns, "given": r.Given,
			"age": r.Ages, "setting": r.Settings, "month": r.Months, "prev": r.PrevMonths, "prior": r.Prior,
			"first": r.FirstDecision} {
			for _, x := range ts {
				sum[name+"/"+x.Key] += sign * x.N
			}
		}
		for _, x := range r.Routes {
			sum[fmt.Sprint("route/", x.Route, x.Followed, x.Deadline, x.OnTime)] += sign * x.N
		}
	}
	add(whole, 1)
	for _, o := range []*lifeguard.Organisation{f.orgA, f.orgB, f.orgT} {
		q.OrganisationID = o.ID
		r, err := f.db.ReportCounts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		add(r, -1)
	}
	for k, n := range sum {
		if n != 0 {
			t.Errorf("%s: the partnership's count differs from its organisations' by %d", k, n)
		}
	}
}

// testReportAccess checks who may read which report's counts.
func testReportAccess(t *testing.T, open Opener) {
	f := newFixture(t, open)
	now := f.now()
	q := func(org int64) lifeguard.ReportQuery {
		return lifeguard.ReportQuery{From: lifeguard.DateOf(now.Add(-24 * time.Hour)), To: lifeguard.DateOf(now), OrganisationID: org}
	}
	officerC := f.user(t, f.orgC, lifeguard.RolePartnership)
	cases := []struct {
		name string
		ctx  context.Context
		q    lifeguard.ReportQuery
		code string
	}{
		{"no actor", t.Context(), q(0), lifeguard.EUNAUTHORIZED},
		{"staff", as(t.Context(), f.staff), q(f.orgA.ID), lifeguard.EFORBIDDEN},
		{"admin", as(t.Context(), f.admin), q(0), lifeguard.EFORBIDDEN},
		{"dsl, partnership", as(t.Context(), f.dsl), q(0), lifeguard.EFORBIDDEN},
		{"dsl, other organisation", as(t.Context(), f.dsl), q(f.orgB.ID), lifeguard.EFORBIDDEN},
		{"dsl, own", as(t.Context(), f.dsl), q(f.orgA.ID), ""},
		{"manager, own", as(t.Context(), f.manager), q(f.orgA.ID), ""},
		{"officer", as(t.Context(), f.officer), q(0), ""},
		{"officer, one organisation", as(t.Context(), f.officer), q(f.orgB.ID), ""},
		{"officer, another partnership's organisation", as(t.Context(), officerC), q(f.orgA.ID), lifeguard.ENOTFOUND},
		{"system without a partnership", sys(t.Context()), q(0), lifeguard.EINVALID},
		{"reversed period", as(t.Context(), f.officer), lifeguard.ReportQuery{From: lifeguard.DateOf(now), To: lifeguard.DateOf(now.Add(-48 * time.Hour))}, lifeguard.EINVALID},
		{"eleven years", as(t.Context(), f.officer), lifeguard.ReportQuery{From: lifeguard.DateOf(now.AddDate(-11, 0, 0)), To: lifeguard.DateOf(now)}, lifeguard.EINVALID},
		{"no period", as(t.Context(), f.officer), lifeguard.ReportQuery{}, lifeguard.EINVALID},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.db.ReportCounts(c.ctx, c.q)
			if got := lifeguard.ErrorCode(err); got != c.code {
				t.Fatalf("code %q, want %q (%v)", got, c.code, err)
			}
		})
	}
}
