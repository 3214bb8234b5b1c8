package report

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The attacker: given only a published report, and knowing how its tables
// add up, it tries every value each suppressed figure could have ("<5" is 1
// to 4, "*" is 5 or more) and finds those that fit every sum. A suppressed
// figure with exactly one value that fits has been worked out. It shares no
// code with suppress.go: it reads the published tables and searches.

type ref struct{ table, row, col string }

// eq is: the sum of plus minus the sum of minus is zero.
type eq struct{ plus, minus []ref }

// exactTotals are the figures that read the number of concerns of the
// period, or of the previous one, which the report shows exactly under
// either rule.
var exactTotals = map[ref]bool{{"ages", "total", "Concerns"}: true, {"settings", "total", "Concerns"}: true,
	{"trend", "total", "This period"}: true, {"trend", "total", "Previous period"}: true}

type attack struct {
	vals  map[ref]*int64 // published values; nil for suppressed
	marks map[ref]string
	eqs   []eq
	// rounded says the published values of 5 or more are rounded to the
	// nearest 5 (RuleRound5): a figure that reads r is from r-2 to r+2.
	rounded bool
}

func newAttack(r *Report) *attack {
	a := &attack{vals: map[ref]*int64{}, marks: map[ref]string{}, rounded: r.Rule == RuleRound5}
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			rows := t.Rows
			if t.Totals != nil {
				rows = append(rows[:len(rows):len(rows)], *t.Totals)
			}
			for _, row := range rows {
				for i, f := range row.Cells {
					k := ref{t.ID, row.Key, t.Columns[i]}
					if f.Text == MarkNone {
						continue
					}
					a.vals[k], a.marks[k] = f.Value, f.Text
				}
			}
		}
	}
	return a
}

func (a *attack) has(k ref) bool { _, ok := a.marks[k]; return ok }

// sumRows says that the rows of column col add up to the totals row.
func (a *attack) sumRows(table, col string, rows []string) {
	e := eq{minus: []ref{{table, "total", col}}}
	for _, r := range rows {
		if k := (ref{table, r, col}); a.has(k) {
			e.plus = append(e.plus, k)
		}
	}
	a.eqs = append(a.eqs, e)
}

// sumCols says that the columns of row row add up to column total.
func (a *attack) sumCols(table, row string, cols []string, total string) {
	e := eq{minus: []ref{{table, row, total}}}
	for _, c := range cols {
		if k := (ref{table, row, c}); a.has(k) {
			e.plus = append(e.plus, k)
		}
	}
	a.eqs = append(a.eqs, e)
}

// equations are everything the report says adds up.
func (a *attack) equations(r *Report) {
	rowKeys := func(id string) []string {
		for _, s := range r.Sections {
			for _, t := range s.Tables {
				if t.ID == id {
					var ks []string
					for _, row := range t.Rows {
						ks = append(ks, row.Key)
					}
					return ks
				}
			}
		}
		return nil
	}
	// Heat map: rows, columns; each cell is the sum of its types; the
	// types add up to their total.
	var natCols []string
	for _, n := range natures {
		natCols = append(natCols, title(string(n)))
	}
	for _, ar := range areas {
		a.sumCols("heatmap", string(ar), natCols, "Total")
	}
	for _, c := range append(natCols, "Total") {
		var rows []string
		for _, ar := range areas {
			rows = append(rows, string(ar))
		}
		a.sumRows("heatmap", c, rows)
	}
	for _, ar := range areas {
		for _, n := range natures {
			k := ref{"heatmap", string(ar), title(string(n))}
			if !a.has(k) {
				continue
			}
			e := eq{minus: []ref{k}}
			for _, t := range lifeguard.ConcernTypes() {
				if t.Area == ar && t.Nature == n {
					e.plus = append(e.plus, ref{"types", string(t.Code), "Concerns"})
				}
			}
			a.eqs = append(a.eqs, e)
		}
	}
	a.sumRows("types", "Concerns", rowKeys("types"))
	// The 4Cs total of the heat map, or of the table of risk areas shown
	// in its place, is the types inside the 4Cs; each area of that table
	// is the types in the area.
	in4C := func(t lifeguard.ConcernTypeInfo) bool {
		return strings.Contains("content contact conduct commerce", string(t.Area)) && t.Area != "" &&
			strings.Contains("aggressive sexual values commercial", string(t.Nature)) && t.Nature != ""
	}
	for _, table := range []string{"heatmap", "areas"} {
		if !a.has(ref{table, "total", "Total"}) {
			continue
		}
		e := eq{minus: []ref{{table, "total", "Total"}}}
		for _, t := range lifeguard.ConcernTypes() {
			if in4C(t) {
				e.plus = append(e.plus, ref{"types", string(t.Code), "Concerns"})
			}
		}
		a.eqs = append(a.eqs, e)
	}
	if a.has(ref{"areas", "total", "Total"}) {
		var rows []string
		for _, ar := range areas {
			rows = append(rows, string(ar))
			e := eq{minus: []ref{{"areas", string(ar), "Total"}}}
			for _, t := range lifeguard.ConcernTypes() {
				if in4C(t) && t.Area == ar {
					e.plus = append(e.plus, ref{"types", string(t.Code), "Concerns"})
				}
			}
			a.eqs = append(a.eqs, e)
		}
		a.sumRows("areas", "Total", rows)
	}
	a.sumRows("ages", "Concerns", rowKeys("ages"))
	a.sumRows("settings", "Concerns", rowKeys("settings"))
	for _, k := range rowKeys("routes") {
		a.sumCols("routes", k, []string{"Followed", "Declined", "Not yet decided"}, "Given")
	}
	for _, k := range rowKeys("timeliness") {
		a.sumCols("timeliness", k, []string{"By the deadline", "After it"}, "Decided")
	}
	a.eqs = append(a.eqs, eq{plus: []ref{{"repeats", "1", "Concerns"}, {"repeats", "repeat", "Concerns"}},
		minus: []ref{{"repeats", "total", "Concerns"}}})
	a.eqs = append(a.eqs, eq{plus: []ref{{"repeats", "2", "Concerns"}, {"repeats", "3", "Concerns"},
		{"repeats", "4", "Concerns"}, {"repeats", "5", "Concerns"}}, minus: []ref{{"repeats", "repeat", "Concerns"}}})
	// Concerns about a child: the repeats' total, the ages but "none".
	if a.has(ref{"repeats", "total", "Concerns"}) {
		e := eq{minus: []ref{{"repeats", "total", "Concerns"}}}
		for _, k := range rowKeys("ages") {
			if k != "none" {
				e.plus = append(e.plus, ref{"ages", k, "Concerns"})
			}
		}
		a.eqs = append(a.eqs, e)
	}
	a.referralEquations(r)
	months := rowKeys("trend")
	a.sumRows("trend", "This period", months)
	a.sumRows("trend", "Previous period", months)
	// The total of concerns is one number wherever it is published.
	for _, k := range []ref{{"ages", "total", "Concerns"}, {"settings", "total", "Concerns"}} {
		if t := (ref{"trend", "total", "This period"}); a.has(k) && a.has(t) {
			a.eqs = append(a.eqs, eq{plus: []ref{k}, minus: []ref{t}})
		}
	}
}

// solve returns, for each suppressed figure in an equation, some of the
// values it can take in a solution of every equation, and for each small
// one ("<5") all of them when there is one, at least two otherwise. It
// finds one solution, then for each small figure searches for a solution
// where it differs.
func (a *attack) solve(limit int64) map[ref]map[int64]bool {
	// Terms of each equation: suppressed figures with a sign, and the
	// published rest as a constant.
	type term struct {
		v    int
		sign int64
	}
	type leq struct {
		terms []term
		c     int64
	}
	var vars []ref
	index := map[ref]int{}
	var eqs []leq
	for _, e := range a.eqs {
		var l leq
		for sign, ks := range [][]ref{e.plus, e.minus} {
			s := int64(1 - 2*sign)
			for _, k := range ks {
				if !a.has(k) {
					continue
				}
				if p := a.vals[k]; p != nil && (!a.rounded || *p%5 != 0 || *p == 0 || exactTotals[k]) {
					l.c += s * *p
					continue
				}
				i, seen := index[k]
				if !seen {
					i = len(vars)
					index[k] = i
					vars = append(vars, k)
				}
				l.terms = append(l.terms, term{i, s})
			}
		}
		eqs = append(eqs, l)
	}
	lo0, hi0 := make([]int64, len(vars)), make([]int64, len(vars))
	for i, k := range vars {
		switch a.marks[k] {
		case MarkSmall:
			lo0[i], hi0[i] = 1, 4
		case MarkWithheld:
			lo0[i], hi0[i] = 5, limit
		case MarkDropped:
			lo0[i], hi0[i] = 0, limit
		default: // a rounded figure
			r := *a.vals[k]
			lo0[i], hi0[i] = max(5, r-2), r+2
		}
	}
	// propagate narrows the ranges from every equation until nothing
	// changes; false when some range is empty.
	propagate := func(lo, hi []int64) bool {
		for changed := true; changed; {
			changed = false
			for _, e := range eqs {
				var slo, shi int64 = e.c, e.c
				for _, t := range e.terms {
					if t.sign > 0 {
						slo, shi = slo+lo[t.v], shi+hi[t.v]
					} else {
						slo, shi = slo-hi[t.v], shi-lo[t.v]
					}
				}
				if slo > 0 || shi < 0 {
					return false
				}
				for _, t := range e.terms {
					// The rest's range without t, then t = -(rest).
					rlo, rhi := slo, shi
					if t.sign > 0 {
						rlo, rhi = rlo-lo[t.v], rhi-hi[t.v]
						if nhi := -rlo; nhi < hi[t.v] {
							hi[t.v], changed = nhi, true
						}
						if nlo := -rhi; nlo > lo[t.v] {
							lo[t.v], changed = nlo, true
						}
					} else {
						rlo, rhi = rlo+hi[t.v], rhi+lo[t.v]
						if nhi := rhi; nhi < hi[t.v] {
							hi[t.v], changed = nhi, true
						}
						if nlo := rlo; nlo > lo[t.v] {
							lo[t.v], changed = nlo, true
						}
					}
					if lo[t.v] > hi[t.v] {
						return false
					}
				}
			}
		}
		return true
	}
	// search finds a solution within the ranges, or nil, deciding only
	// the figures in only (every figure when nil). Figures that share no
	// equation once the decided ones are fixed are searched apart: a
	// solution exists when one exists for each group, which keeps the
	// search small when the rounded figures leave many undecided.
	var search func(lo, hi []int64, only []bool) []int64
	search = func(lo, hi []int64, only []bool) []int64 {
		if !propagate(lo, hi) {
			return nil
		}
		open := func(i int) bool { return lo[i] < hi[i] && (only == nil || only[i]) }
		// Group the open figures by the equations they share.
		group := make([]int, len(lo))
		for i := range group {
			group[i] = i
		}
		find := func(i int) int {
			for group[i] != i {
				group[i] = group[group[i]]
				i = group[i]
			}
			return i
		}
		for _, e := range eqs {
			first := -1
			for _, t := range e.terms {
				if !open(t.v) {
					continue
				}
				if first < 0 {
					first = t.v
				} else {
					group[find(t.v)] = find(first)
				}
			}
		}
		groups := map[int][]int{}
		var roots []int
		for i := range lo {
			if open(i) {
				r := find(i)
				if groups[r] == nil {
					roots = append(roots, r)
				}
				groups[r] = append(groups[r], i)
			}
		}
		if len(roots) == 0 {
			return slices.Clone(lo)
		}
		if len(roots) > 1 {
			l, h := slices.Clone(lo), slices.Clone(hi)
			for _, r := range roots {
				mask := make([]bool, len(lo))
				for _, i := range groups[r] {
					mask[i] = true
				}
				sol := search(slices.Clone(l), slices.Clone(h), mask)
				if sol == nil {
					return nil
				}
				for _, i := range groups[r] {
					l[i], h[i] = sol[i], sol[i]
				}
			}
			return search(l, h, only)
		}
		pick := -1
		for _, i := range groups[roots[0]] {
			if pick < 0 || hi[i]-lo[i] < hi[pick]-lo[pick] {
				pick = i
			}
		}
		for x := lo[pick]; x <= hi[pick]; x++ {
			l, h := slices.Clone(lo), slices.Clone(hi)
			l[pick], h[pick] = x, x
			if s := search(l, h, only); s != nil {
				return s
			}
		}
		return nil
	}
	found := map[ref]map[int64]bool{}
	for _, k := range vars {
		found[k] = map[int64]bool{}
	}
	first := search(slices.Clone(lo0), slices.Clone(hi0), nil)
	if first == nil {
		return found // every figure with no value: the caller fails
	}
	for i, k := range vars {
		found[k][first[i]] = true
	}
	for i, k := range vars {
		// Only a small figure pinned to one value discloses anything.
		if a.marks[k] != MarkSmall {
			continue
		}
		for _, side := range []bool{false, true} {
			l, h := slices.Clone(lo0), slices.Clone(hi0)
			if side {
				l[i] = first[i] + 1
			} else {
				h[i] = first[i] - 1
			}
			if l[i] > h[i] {
				continue
			}
			if s := search(l, h, nil); s != nil {
				found[k][s[i]] = true
				break
			}
		}
	}
	return found
}

// disclosed returns the small figures ("<5") the attacker pins to one
// value. A withheld figure ("*", 5 or more) it pins reveals no small number.
func disclosed(t *testing.T, r *Report) []string {
	t.Helper()
	a := newAttack(r)
	a.equations(r)
	// A withheld figure is 5 or more; the search needs a ceiling, far
	// above anything the report could hold.
	var limit int64 = 50
	for _, v := range a.vals {
		if v != nil && 10**v+50 > limit {
			limit = 10**v + 50
		}
	}
	var out []string
	for k, vals := range a.solve(limit) {
		if len(vals) == 0 {
			t.Fatalf("no solution fits the published report at %v: the attacker's equations are wrong", k)
		}
		if len(vals) == 1 && a.marks[k] == MarkSmall {
			for v := range vals {
				out = append(out, fmt.Sprintf("%s/%s/%s = %d", k.table, k.row, k.col, v))
			}
		}
	}
	return out
}

// TestAttackerFindsUnprotectedCell shows the attacker is not toothless: a
// table that suppresses only its small cell gives it away.
func TestAttackerFindsUnprotectedCell(t *testing.T) {
	three := func(v int64) *int64 { return &v }
	r := &Report{Sections: []Section{{Tables: []Table{{ID: "ages", Columns: []string{"Concerns"},
		Rows: []Row{
			{Key: "0-4", Cells: []Figure{{Text: MarkSmall}}},
			{Key: "5-10", Cells: []Figure{{Value: three(10), Text: "10"}}},
			{Key: "11-13", Cells: []Figure{{Value: three(7), Text: "7"}}},
		},
		Totals: &Row{Key: "total", Cells: []Figure{{Value: three(20), Text: "20"}}}}}}}}
	got := disclosed(t, r)
	if len(got) != 1 || got[0] != "ages/0-4/Concerns = 3" {
		t.Fatalf("disclosed %v, want the small cell worked out as 3", got)
	}
}

// counts is a crafted data set: types, ages, settings, routes and months.
type counts struct {
	types    map[string]int64
	ages     map[string]int64 // "" for no child
	settings map[string]int64
	prior    map[string]int64
	routes   []lifeguard.RouteTally
	given    map[string]int64
	months   map[string]int64
	prev     map[string]int64
	// budget bounds the search of secondary suppression (Options); 0 is
	// the default.
	budget int
	rule   string
}

func tallies(m map[string]int64) []lifeguard.Tally {
	out := []lifeguard.Tally{}
	for k, v := range m {
		out = append(out, lifeguard.Tally{Key: k, N: v})
	}
	return out
}

var period = lifeguard.ReportQuery{From: lifeguard.Date{Year: 2026, Month: 1, Day: 1},
	To: lifeguard.Date{Year: 2026, Month: 3, Day: 31}, PartnershipID: 1}

// build makes a report from crafted counts. The number of concerns is the
// sum of the ages (every concern has an age or none), and the settings and
// months must add up to it too, and the prior counts to the concerns about
// a child; when a case gives no prior counts, every such concern is a first.
func (c counts) build(t *testing.T) *Report {
	t.Helper()
	rc := &lifeguard.ReportCounts{Query: period, Types: tallies(c.types), Ages: tallies(c.ages),
		Settings: tallies(c.settings), Prior: tallies(c.prior), Routes: c.routes,
		Given: tallies(c.given), Months: tallies(c.months), PrevMonths: tallies(c.prev)}
	var withChild int64
	for k, v := range c.ages {
		rc.Concerns += v
		if k != "" {
			withChild += v
		}
	}
	if c.prior == nil {
		rc.Prior = []lifeguard.Tally{{Key: "0", N: withChild}}
	}
	for _, v := range c.prev {
		rc.Previous += v
	}
	r, err := Build(rc, Options{Scope: "Testshire", Now: period.To.In(time.UTC), searchBudget: c.budget, Rule: c.rule})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func cellText(t *testing.T, r *Report, table, row string, col int) string {
	t.Helper()
	for _, s := range r.Sections {
		for _, tb := range s.Tables {
			if tb.ID != table {
				continue
			}
			rows := tb.Rows
			if tb.Totals != nil {
				rows = append(rows, *tb.Totals)
			}
			for _, rw := range rows {
				if rw.Key == row {
					return rw.Cells[col].Text
				}
			}
		}
	}
	t.Fatalf("no cell %s/%s", table, row)
	return ""
}

// TestSuppression checks crafted tables: which figures are hidden, and
// that the attacker can work none of them out.
func TestSuppression(t *testing.T) {
	cases := []struct {
		name string
		c    counts
		want map[[2]string]string // table/row → text of the first cell
	}{
		{"one small age and the rest large: a second age is withheld", counts{
			ages:     map[string]int64{"3": 3, "12": 10, "15": 7},
			settings: map[string]int64{"school": 20},
			months:   map[string]int64{"2026-01": 20},
		}, map[[2]string]string{{"ages", "0-4"}: "<5", {"ages", "14-15"}: "*", {"ages", "11-13"}: "10",
			{"ages", "total"}: "20", {"settings", "school"}: "20"}},
		{"two small ages protect each other", counts{
			ages:     map[string]int64{"3": 2, "12": 10, "15": 3},
			settings: map[string]int64{"school": 15},
			months:   map[string]int64{"2026-01": 15},
		}, map[[2]string]string{{"ages", "0-4"}: "<5", {"ages", "14-15"}: "<5", {"ages", "11-13"}: "10"}},
		{"two small ages that add up to 2 are both 1: another is withheld", counts{
			ages:     map[string]int64{"3": 1, "12": 10, "15": 1, "8": 6},
			settings: map[string]int64{"school": 18},
			months:   map[string]int64{"2026-01": 18},
		}, map[[2]string]string{{"ages", "0-4"}: "<5", {"ages", "14-15"}: "<5", {"ages", "5-10"}: "*"}},
		{"a small total is small everywhere", counts{
			ages:     map[string]int64{"3": 3},
			settings: map[string]int64{"police": 3},
			months:   map[string]int64{"2026-02": 3},
		}, map[[2]string]string{{"ages", "total"}: "<5", {"settings", "total"}: "<5", {"trend", "total"}: "<5"}},
		{"heat map and types: a small type in a cell of two", counts{
			types:    map[string]int64{"grooming": 20, "sextortion": 2, "cyberbullying": 9, "hate": 6, "gambling": 8},
			ages:     map[string]int64{"13": 45},
			settings: map[string]int64{"school": 45},
			months:   map[string]int64{"2026-01": 45},
		}, map[[2]string]string{{"types", "sextortion"}: "<5"}},
		{"routes and timeliness", counts{
			ages:     map[string]int64{"13": 30},
			settings: map[string]int64{"school": 30},
			months:   map[string]int64{"2026-01": 30},
			given:    map[string]int64{"CSC_REFERRAL": 30},
			routes: []lifeguard.RouteTally{
				{Route: "CSC_REFERRAL", Followed: true, Deadline: true, OnTime: true, N: 20},
				{Route: "CSC_REFERRAL", Followed: true, Deadline: true, N: 3},
				{Route: "CSC_REFERRAL", Deadline: true, OnTime: true, N: 6},
			},
		}, map[[2]string]string{{"routes", "CSC_REFERRAL"}: "23", {"timeliness", "CSC_REFERRAL"}: "26"}},
		{"a table that cannot protect its small number is withheld whole", counts{
			ages:     map[string]int64{"13": 6},
			settings: map[string]int64{"school": 6},
			months:   map[string]int64{"2026-01": 6},
			prior:    map[string]int64{"0": 5, "1": 1},
		}, map[[2]string]string{{"repeats", "2"}: "withheld", {"repeats", "1"}: "withheld",
			{"ages", "11-13"}: "withheld", {"ages", "total"}: "6"}},
		{"repeats", counts{
			ages:     map[string]int64{"13": 20, "15": 14, "": 6},
			settings: map[string]int64{"school": 40},
			months:   map[string]int64{"2026-01": 40},
			prior:    map[string]int64{"0": 30, "1": 3, "2": 1},
		}, map[[2]string]string{{"repeats", "1"}: "*", {"repeats", "2"}: "<5", {"repeats", "3"}: "<5",
			{"repeats", "repeat"}: "<5"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.c.build(t)
			for k, want := range tc.want {
				if got := cellText(t, r, k[0], k[1], 0); got != want {
					t.Errorf("%s/%s = %q, want %q", k[0], k[1], got, want)
				}
			}
			if got := disclosed(t, r); len(got) > 0 {
				t.Errorf("the attacker worked out %v", got)
			}
		})
	}
}

// TestSuppressionRandom builds reports from many random small data sets,
// where small numbers are common, and lets the attacker loose on each.
func TestSuppressionRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 6))
	typeCodes := []string{"grooming", "sextortion", "sexual_communication", "cyberbullying", "hate",
		"self_harm", "gambling", "pornography", "oversharing"}
	small := func() int64 {
		if rng.IntN(3) == 0 {
			return 0
		}
		if rng.IntN(2) == 0 {
			return 1 + rng.Int64N(4)
		}
		return 5 + rng.Int64N(12)
	}
	for i := range 150 {
		c := counts{types: map[string]int64{}, ages: map[string]int64{}, settings: map[string]int64{},
			months: map[string]int64{}, prev: map[string]int64{}, prior: map[string]int64{},
			given: map[string]int64{}}
		for _, code := range typeCodes[:2+rng.IntN(len(typeCodes)-2)] {
			c.types[code] = small()
		}
		var n, withChild int64
		for _, age := range []string{"", "3", "8", "12", "15", "16"} {
			v := small()
			c.ages[age], n = v, n+v
			if age != "" {
				withChild += v
			}
		}
		// Split n over settings and months at random.
		split := func(m map[string]int64, keys []string) {
			left := n
			for _, k := range keys[:len(keys)-1] {
				v := min(left, small())
				m[k], left = v, left-v
			}
			m[keys[len(keys)-1]] += left
		}
		split(c.settings, []string{"school", "police", "health", "voluntary"})
		split(c.months, []string{"2026-01", "2026-02", "2026-03"})
		for _, m := range []string{"2025-10", "2025-11", "2025-12"} {
			c.prev[m] = small()
		}
		left := withChild
		for k := 4; k >= 1; k-- {
			v := min(left, small())
			c.prior[strconv.Itoa(k)], left = v, left-v
		}
		c.prior["0"] = left
		for _, route := range []lifeguard.RouteCode{"CSC_REFERRAL", "POLICE_101"} {
			var decided int64
			for _, f := range []bool{true, false} {
				for _, d := range []bool{true, false} {
					for _, o := range []bool{true, false} {
						if !d && o {
							continue
						}
						v := small()
						decided += v
						c.routes = append(c.routes, lifeguard.RouteTally{Route: route, Followed: f, Deadline: d, OnTime: o, N: v})
					}
				}
			}
			c.given[string(route)] = decided + small()
		}
		t.Run(strconv.Itoa(i), func(t *testing.T) {
			r := c.build(t)
			if got := disclosed(t, r); len(got) > 0 {
				t.Fatalf("the attacker worked out %v", got)
			}
			// With no budget for the exact search, its fallback (the
			// greedy choice) must protect as well; and rounded to the
			// nearest 5, against an attacker who knows how rounding
			// works. Each on half the data sets, to keep the test quick.
			if i%2 == 0 {
				c.budget = 1
				if got := disclosed(t, c.build(t)); len(got) > 0 {
					t.Fatalf("with the fallback, the attacker worked out %v", got)
				}
				return
			}
			c.rule = RuleRound5
			if got := disclosed(t, c.build(t)); len(got) > 0 {
				t.Fatalf("rounded, the attacker worked out %v", got)
			}
		})
	}
}

// TestSuppressionIsLeast compares the withheld figures that suppress
// chooses with every possible choice, on random tables small enough to try
// them all: a line of cells with its total, and a grid with row and column
// totals. No safe choice may hide fewer concerns, and of those that hide as
// many, none may use fewer figures. The fallback (a search with no budget)
// must be safe, if not least.
func TestSuppressionIsLeast(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 1))
	value := func() int64 {
		switch rng.IntN(4) {
		case 0:
			return 0
		case 1:
			return 1 + rng.Int64N(4)
		}
		return 5 + rng.Int64N(40)
	}
	// line is a one-way table of k cells; grid an r×c table with its
	// margins, as the heat map is.
	lineNet := func(k int) (*network, []*cell) {
		cells := make([]*cell, k)
		var sum int64
		for i := range cells {
			cells[i] = &cell{v: value()}
			sum += cells[i].v
		}
		return line(cells, &cell{v: sum, fixed: rng.IntN(2) == 0}), cells
	}
	gridNet := func(r, c int) (*network, []*cell) {
		n := &network{}
		top, bottom := n.node(), n.node()
		rows, cols := make([]int, r), make([]int, c)
		rowCell, colCell := make([]*cell, r), make([]*cell, c)
		grand := &cell{}
		var all []*cell
		for i := range rows {
			rows[i], rowCell[i] = n.node(), &cell{}
		}
		for j := range cols {
			cols[j], colCell[j] = n.node(), &cell{}
		}
		for i := range rows {
			for j := range cols {
				x := &cell{v: value()}
				n.add(rows[i], cols[j], x)
				rowCell[i].v += x.v
				colCell[j].v += x.v
				grand.v += x.v
				all = append(all, x)
			}
			n.add(top, rows[i], rowCell[i])
		}
		for j := range cols {
			n.add(cols[j], bottom, colCell[j])
		}
		n.add(bottom, top, grand)
		return n, append(append(append(all, rowCell...), colCell...), grand)
	}
	for i := range 300 {
		var n *network
		var cells []*cell
		if i%2 == 0 {
			n, cells = lineNet(3 + rng.IntN(6))
		} else {
			n, cells = gridNet(2+rng.IntN(2), 2+rng.IntN(2))
		}
		budget := 0
		if i%5 == 4 {
			budget = 1
		}
		n.budget = budget
		if err := n.suppress(); err != nil {
			continue // a table that cannot be protected: withheld whole by protect
		}
		if j := n.exposed(); j >= 0 {
			t.Fatalf("table %d: figure %d can be worked out", i, j)
		}
		var cost int64
		var count int
		var cands []*cell
		for _, c := range cells {
			if c.state == withheld {
				cost, count = cost+c.v, count+1
			}
			if (c.state == withheld || c.state == shown) && !c.fixed && c.v > 0 {
				cands = append(cands, c)
			}
		}
		if budget != 0 {
			continue
		}
		// Try every choice of withheld figures.
		chosen := append([]state(nil), make([]state, len(cands))...)
		for k, c := range cands {
			chosen[k] = c.state
		}
		for mask := 0; mask < 1<<len(cands); mask++ {
			var mc int64
			var mn int
			for k, c := range cands {
				c.state = shown
				if mask&(1<<k) != 0 {
					c.state = withheld
					mc, mn = mc+c.v, mn+1
				}
			}
			if (mc < cost || mc == cost && mn < count) && n.exposed() < 0 {
				t.Fatalf("table %d: withholding %d figures hiding %d protects, but suppress hid %d in %d", i, mn, mc, cost, count)
			}
		}
		for k, c := range cands {
			c.state = chosen[k]
		}
	}
}

// tableIDs lists the ids of the report's tables, and notes its sections'
// notes.
func tableIDs(r *Report) (ids []string, notes string) {
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			ids = append(ids, t.ID)
		}
		notes += strings.Join(s.Notes, " ")
	}
	return ids, notes
}

// TestCoarserGrouping shows a table that would hide most of its concerns
// replaced by its coarser grouping, which says so and is attacked like
// the rest; a table that hides little keeps its grouping.
func TestCoarserGrouping(t *testing.T) {
	t.Run("the 4Cs without the nature of harm", func(t *testing.T) {
		c := counts{
			// Most heat map cells are small: 4 of content, 2 of contact, 3
			// of conduct and 2 of commerce, all but one from 1 to 4.
			types: map[string]int64{"violent_content": 3, "pornography": 4, "self_harm": 3, "grooming": 3,
				"threats_harassment": 2, "cyberbullying": 4, "hate": 2, "nudes_sharing": 3, "gambling": 3, "scams_fraud": 2},
			ages:     map[string]int64{"13": 40},
			settings: map[string]int64{"school": 40},
			months:   map[string]int64{"2026-01": 40},
		}
		r := c.build(t)
		ids, notes := tableIDs(r)
		if slices.Contains(ids, "heatmap") || !slices.Contains(ids, "areas") || !strings.Contains(notes, "without the nature of the harm") {
			t.Errorf("tables %v, notes %q: want the risk areas alone, and why", ids, notes)
		}
		if got := disclosed(t, r); len(got) > 0 {
			t.Errorf("the attacker worked out %v", got)
		}
		// The areas hold 29 concerns; more than half of them are shown,
		// where the heat map would have shown less than half.
		var seen int64
		for _, a := range []string{"content", "contact", "conduct", "commerce"} {
			if txt := cellText(t, r, "areas", a, 0); txt != MarkSmall && txt != MarkWithheld {
				v, _ := strconv.ParseInt(txt, 10, 64)
				seen += v
			}
		}
		if 2*seen < 29 {
			t.Errorf("the risk areas show %d of 29 concerns", seen)
		}
	})
	t.Run("wider age bands", func(t *testing.T) {
		c := counts{
			ages:     map[string]int64{"3": 2, "8": 3, "12": 4, "15": 6, "16": 2},
			settings: map[string]int64{"school": 17},
			months:   map[string]int64{"2026-01": 17},
		}
		r := c.build(t)
		_, notes := tableIDs(r)
		if cellText(t, r, "ages", "14-17", 0) != "8" || !strings.Contains(notes, "wider bands") {
			t.Errorf("ages 14 to 17 read %q, notes %q: want the wider bands, and why", cellText(t, r, "ages", "14-17", 0), notes)
		}
		if got := disclosed(t, r); len(got) > 0 {
			t.Errorf("the attacker worked out %v", got)
		}
	})
	t.Run("a table that hides little keeps its grouping", func(t *testing.T) {
		r := fixedReport(t)
		ids, notes := tableIDs(r)
		// The only notes are the rates' (why a kind of organisation has none).
		coarser := strings.Contains(notes, "without the nature of the harm") || strings.Contains(notes, "wider bands")
		if !slices.Contains(ids, "heatmap") || coarser || cellText(t, r, "ages", "14-15", 0) == "" {
			t.Errorf("tables %v, notes %q", ids, notes)
		}
	})
}

// TestAttackerReadsRoundedFigures shows the attacker knows how rounding
// works: an exact total of 19 and a cell that reads 20 (18 to 22) leave
// the other cell only 1.
func TestAttackerReadsRoundedFigures(t *testing.T) {
	v := func(n int64) *int64 { return &n }
	r := &Report{Rule: RuleRound5, Sections: []Section{{Tables: []Table{{ID: "ages", Columns: []string{"Concerns"},
		Rows: []Row{
			{Key: "0-4", Cells: []Figure{{Text: MarkSmall}}},
			{Key: "5-10", Cells: []Figure{{Value: v(20), Text: "20"}}},
		},
		Totals: &Row{Key: "total", Cells: []Figure{{Value: v(19), Text: "19"}}}}}}}}
	got := disclosed(t, r)
	if len(got) != 1 || got[0] != "ages/0-4/Concerns = 1" {
		t.Fatalf("disclosed %v, want the small cell worked out as 1", got)
	}
}

// TestRoundedReport checks the rule of rounding to the nearest 5: every
// figure of 5 or more a multiple of 5, but the number of concerns exact,
// 1 to 4 "<5", the rule stated, and an unknown rule refused naming it.
func TestRoundedReport(t *testing.T) {
	rc := fixedCounts()
	r, err := Build(rc, Options{Scope: "Testshire", Now: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC), Rule: RuleRound5})
	if err != nil {
		t.Fatal(err)
	}
	if r.Rule != RuleRound5 || !strings.Contains(r.RuleText, "nearest 5") {
		t.Errorf("rule %q, %q", r.Rule, r.RuleText)
	}
	if got := cellText(t, r, "ages", "total", 0); got != "120" {
		t.Errorf("the number of concerns reads %q, want 120 exactly", got)
	}
	for _, want := range []struct{ table, row, text string }{
		{"types", "grooming", "20"}, {"types", "sexual_communication", "10"}, {"types", "sextortion", MarkSmall},
		{"types", "cyberbullying", "30"}, {"settings", "voluntary", MarkSmall}, {"settings", "school", "95"},
	} {
		if got := cellText(t, r, want.table, want.row, 0); got != want.text {
			t.Errorf("%s/%s reads %q, want %q", want.table, want.row, got, want.text)
		}
	}
	for _, s := range r.Sections {
		if s.ID == "audits" || s.ID == "plan" {
			continue // counts of organisations and actions, not children
		}
		for _, tb := range s.Tables {
			rows := tb.Rows
			if tb.Totals != nil {
				rows = append(rows, *tb.Totals)
			}
			for _, row := range rows {
				for i, f := range row.Cells {
					if s.ID == "prevention" && !preventionChildren(tb.Columns[i]) {
						continue // counts of organisations, staff and parents
					}
					if f.Value != nil && *f.Value%5 != 0 && *f.Value != rc.Concerns && *f.Value != rc.Previous {
						t.Errorf("%s/%s/%s reads %d, not a multiple of 5", tb.ID, row.Key, tb.Columns[i], *f.Value)
					}
				}
			}
		}
	}
	if got := disclosed(t, r); len(got) > 0 {
		t.Errorf("the attacker worked out %v", got)
	}
	_, err = Build(rc, Options{Scope: "Testshire", Rule: "round10"})
	var e *lifeguard.Error
	if !errors.As(err, &e) || e.Code != lifeguard.EINVALID || len(e.Problems) != 1 || e.Problems[0].Path != "rule" {
		t.Errorf("an unknown rule: %v, want EINVALID naming rule", err)
	}
}
