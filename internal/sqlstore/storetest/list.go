package storetest

import (
	"cmp"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// model is what the test knows about a concern it recorded.
type model struct {
	id       int64
	reported time.Time
	due      *time.Time
	status   lifeguard.ConcernStatus
	typ      lifeguard.ConcernType
	child    int64
	reporter int64
}

// testPagination walks every page of lists in both orders, with filters and
// page sizes, and checks that each row comes exactly once, in order.
func testPagination(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	base := f.now().Add(-10 * 24 * time.Hour).Truncate(time.Second)
	var linked int64
	var all []model
	for i := range 37 {
		u := f.staff
		if i%3 == 0 {
			u = f.staff2
		}
		fx := facts(base.Add(time.Duration(i%9) * time.Hour)) // ties in reported_at
		typ := lifeguard.ConcernType("grooming")
		if i%2 == 1 {
			typ = "cyberbullying"
			fx.ConcernTypes = []lifeguard.ConcernType{typ}
			fx.Parties = lifeguard.Parties{PeerInvolved: true}
		}
		var tr lifeguard.Triage
		switch i % 4 {
		case 0:
			tr = f.triage(route{"ADVICE_PARENTS", 0}) // nothing due
		default:
			tr = f.triage(route{"CSC_REFERRAL", time.Duration(i%5-2) * time.Hour}) // ties, past and future
		}
		in := lifeguard.NewConcern{Facts: fx, Triage: tr}
		if i%5 == 0 && linked != 0 {
			in.ChildID = linked
		}
		c, err := f.db.CreateConcern(as(t.Context(), u), in)
		if err != nil {
			t.Fatal(err)
		}
		if linked == 0 {
			linked = *c.ChildID
		}
		m := model{id: c.ID, reported: fx.ReportedAt, due: c.Due, status: c.Status, typ: typ, child: *c.ChildID, reporter: u.ID}
		switch i % 6 {
		case 1:
			if _, err := f.db.AddNote(dsl, c.ID, "Working on it."); err != nil {
				t.Fatal(err)
			}
			m.status = lifeguard.StatusInProgress
		case 2:
			if _, err := f.db.CloseConcern(dsl, c.ID, lifeguard.NewOutcome{Code: "early_help", Summary: "Early help.", CloseAnyway: "Closed for the test with work left."}); err != nil {
				t.Fatal(err)
			}
			m.status = lifeguard.StatusClosed
		}
		all = append(all, m)
	}

	byReported := func(a, b model) int { return cmp.Or(b.reported.Compare(a.reported), cmp.Compare(b.id, a.id)) }
	byDue := func(a, b model) int {
		switch {
		case a.due == nil && b.due == nil:
			return cmp.Compare(a.id, b.id)
		case a.due == nil:
			return 1
		case b.due == nil:
			return -1
		}
		return cmp.Or(a.due.Compare(*b.due), cmp.Compare(a.id, b.id))
	}
	filters := []struct {
		name  string
		as    *lifeguard.User
		f     lifeguard.ConcernFilter
		match func(m model) bool
	}{
		{"all", f.dsl, lifeguard.ConcernFilter{}, func(model) bool { return true }},
		{"open", f.dsl, lifeguard.ConcernFilter{Status: lifeguard.StatusOpen},
			func(m model) bool { return m.status != lifeguard.StatusClosed }},
		{"new", f.dsl, lifeguard.ConcernFilter{Status: lifeguard.StatusNew},
			func(m model) bool { return m.status == lifeguard.StatusNew }},
		{"in progress", f.dsl, lifeguard.ConcernFilter{Status: lifeguard.StatusInProgress},
			func(m model) bool { return m.status == lifeguard.StatusInProgress }},
		{"type", f.dsl, lifeguard.ConcernFilter{Type: "cyberbullying"},
			func(m model) bool { return m.typ == "cyberbullying" }},
		{"child", f.dsl, lifeguard.ConcernFilter{ChildID: linked}, func(m model) bool { return m.child == linked }},
		{"from to", f.dsl, lifeguard.ConcernFilter{From: base.Add(2 * time.Hour), To: base.Add(6 * time.Hour)},
			func(m model) bool {
				return !m.reported.Before(base.Add(2*time.Hour)) && m.reported.Before(base.Add(6*time.Hour))
			}},
		{"open cyberbullying", f.dsl, lifeguard.ConcernFilter{Status: lifeguard.StatusOpen, Type: "cyberbullying"},
			func(m model) bool { return m.status != lifeguard.StatusClosed && m.typ == "cyberbullying" }},
		{"staff sees own", f.staff, lifeguard.ConcernFilter{}, func(m model) bool { return m.reporter == f.staff.ID }},
		{"staff open", f.staff2, lifeguard.ConcernFilter{Status: lifeguard.StatusOpen},
			func(m model) bool { return m.reporter == f.staff2.ID && m.status != lifeguard.StatusClosed }},
	}
	for _, flt := range filters {
		for _, order := range []string{lifeguard.OrderReported, lifeguard.OrderDue} {
			for _, limit := range []int{1, 4, 7, 200} {
				t.Run(fmt.Sprintf("%s/%s/%d", flt.name, order, limit), func(t *testing.T) {
					var want []int64
					ms := slices.Clone(all)
					if order == lifeguard.OrderDue {
						slices.SortFunc(ms, byDue)
					} else {
						slices.SortFunc(ms, byReported)
					}
					for _, m := range ms {
						if flt.match(m) {
							want = append(want, m.id)
						}
					}
					fl := flt.f
					fl.Order, fl.Limit = order, limit
					var got []int64
					for pages := 0; ; pages++ {
						if pages > len(all)+1 {
							t.Fatal("the pages do not end")
						}
						page, err := f.db.ListConcerns(as(t.Context(), flt.as), fl)
						if err != nil {
							t.Fatal(err)
						}
						if len(page.Concerns) > limit {
							t.Fatalf("%d rows on a page of %d", len(page.Concerns), limit)
						}
						for _, s := range page.Concerns {
							got = append(got, s.ID)
						}
						if page.Next == "" {
							break
						}
						fl.Cursor = page.Next
					}
					if !slices.Equal(got, want) {
						t.Errorf("walked %v\nwant   %v", got, want)
					}
				})
			}
		}
	}
	if testing.Verbose() {
		t.Logf("%d concerns, child %d", len(all), linked)
	}
}
