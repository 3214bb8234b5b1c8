package report

import (
	"math/rand/v2"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// children gives each setting of the crafted counts organisations and
// children, every organisation counted.
func withChildren(rc *lifeguard.ReportCounts, kids map[string]lifeguard.SettingChildren) {
	for s, c := range kids {
		c.Setting = lifeguard.Setting(s)
		rc.Children = append(rc.Children, c)
	}
}

// buildWithChildren is counts.build with the organisations' children.
func (c counts) buildWithChildren(t *testing.T, kids map[string]lifeguard.SettingChildren) *Report {
	t.Helper()
	rc := &lifeguard.ReportCounts{Query: period, Types: tallies(c.types), Ages: tallies(c.ages),
		Settings: tallies(c.settings), Prior: tallies(c.prior), Months: tallies(c.months), PrevMonths: tallies(c.prev)}
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
	withChildren(rc, kids)
	r, err := Build(rc, Options{Scope: "Testshire", Now: period.To.In(time.UTC), Rule: c.rule})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func findTable(r *Report, id string) (*Table, *Section) {
	for i := range r.Sections {
		for j := range r.Sections[i].Tables {
			if r.Sections[i].Tables[j].ID == id {
				return &r.Sections[i].Tables[j], &r.Sections[i]
			}
		}
	}
	return nil, nil
}

func TestRates(t *testing.T) {
	c := counts{ages: map[string]int64{"12": 200}, months: map[string]int64{"2026-02": 200},
		settings: map[string]int64{"school": 120, "police": 40, "health": 3, "voluntary": 30, "youth_service": 7}}
	r := c.buildWithChildren(t, map[string]lifeguard.SettingChildren{
		"school":        {Organisations: 34, Counted: 31, Children: 20000},
		"police":        {Organisations: 1, Counted: 1, Children: 60000},
		"health":        {Organisations: 4, Counted: 4, Children: 9000},
		"voluntary":     {Organisations: 5, Counted: 5, Children: 1500},
		"youth_service": {Organisations: 3, Counted: 3, Children: 700},
	})
	tb, sec := findTable(r, "rates")
	if tb == nil {
		t.Fatal("no table of rates in the board report")
	}
	want := map[string][4]string{
		"school":        {"120", MarkNone, MarkNone, "3 of 34 have not given their number of children"},
		"police":        {"40", MarkNone, MarkNone, "fewer than 3 organisations (1 organisation)"},
		"health":        {MarkSmall, MarkNone, MarkNone, "the number of concerns is not shown"},
		"voluntary":     {"30", "1500", "20.0", MarkNone},
		"youth_service": {cellText(t, r, "settings", "youth_service", 0), MarkNone, MarkNone, "the number of concerns is not shown"},
	}
	if w := want["youth_service"]; w[0] != MarkSmall && w[0] != MarkWithheld {
		// Published: then it has a rate of its own.
		want["youth_service"] = [4]string{w[0], "700", rate(mustInt(t, w[0]), 700), MarkNone}
	}
	for _, row := range tb.Rows {
		w, ok := want[row.Key]
		if !ok {
			t.Errorf("row %s: no organisation of that kind, want no row", row.Key)
			continue
		}
		for i, f := range row.Cells {
			if f.Text != w[i] {
				t.Errorf("%s/%s = %q, want %q", row.Key, tb.Columns[i], f.Text, w[i])
			}
		}
		delete(want, row.Key)
	}
	if len(want) > 0 {
		t.Errorf("rows missing: %v", want)
	}
	if len(sec.Notes) > 0 {
		t.Errorf("notes %q: the table says why a kind has no rate", sec.Notes)
	}

	// One organisation of three has not given its number.
	c.settings = map[string]int64{"school": 200}
	r = c.buildWithChildren(t, map[string]lifeguard.SettingChildren{"school": {Organisations: 3, Counted: 2, Children: 900}})
	if got := cellText(t, r, "rates", "school", 3); got != "1 of 3 has not given its number of children" {
		t.Errorf("why no rate: %q", got)
	}

	// An organisation's own report has no rates: it knows its own figures.
	rc := &lifeguard.ReportCounts{Query: lifeguard.ReportQuery{From: period.From, To: period.To, PartnershipID: 1,
		OrganisationID: 7}, Concerns: 20, Ages: []lifeguard.Tally{{Key: "12", N: 20}},
		Settings: []lifeguard.Tally{{Key: "school", N: 20}}, Prior: []lifeguard.Tally{{Key: "0", N: 20}}}
	withChildren(rc, map[string]lifeguard.SettingChildren{"school": {Organisations: 3, Counted: 3, Children: 900}})
	own, err := Build(rc, Options{Scope: "A school", Now: period.To.In(time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if tb, _ := findTable(own, "rates"); tb != nil {
		t.Error("an organisation's report has a table of rates")
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// The attacker of the rates knows everything published, how the rates are
// worked out and the children of each kind of organisation, and tries two
// attacks on random partnerships, under both rules:
//
//   - to pin a hidden figure: the values the sums of the tables leave a
//     hidden figure of concerns by kind of organisation, narrowed by any rate
//     the row has (value × 1,000 ÷ children must read as the rate), must
//     not come down to one small number;
//   - to tell two partnerships apart that differ only in what is hidden:
//     when a concern moves from one kind of organisation to another and the
//     settings table reads the same, the rates must read the same too, so
//     nothing in them depends on a hidden figure. (An organisation's own
//     count is never in the report's counts, only its kind's.)
func TestAttackerReadsRates(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 6))
	kinds := []string{"school", "college", "police", "health", "voluntary", "youth_justice"}
	draw := func() int64 {
		switch rng.IntN(4) {
		case 0:
			return rng.Int64N(5) // 0 to 4
		case 1:
			return 5 + rng.Int64N(10)
		}
		return 5 + rng.Int64N(200)
	}
	same := 0
	for i := range 80 {
		c := counts{ages: map[string]int64{}, settings: map[string]int64{}}
		kids := map[string]lifeguard.SettingChildren{}
		var n int64
		for _, k := range kinds {
			v := draw()
			c.settings[k], n = v, n+v
			kids[k] = lifeguard.SettingChildren{Organisations: 3 + rng.Int64N(30), Children: 100 + rng.Int64N(50000)}
			kc := kids[k]
			kc.Counted = kc.Organisations
			kids[k] = kc
		}
		c.ages["12"], c.months = n, map[string]int64{"2026-02": n}
		for _, rule := range []string{RuleSuppress, RuleRound5} {
			c.rule = rule
			t.Run(strconv.Itoa(i)+"/"+rule, func(t *testing.T) {
				r := c.buildWithChildren(t, kids)
				if got := disclosedWithRates(t, r, kids); len(got) > 0 {
					t.Fatalf("with the rates, the attacker worked out %v", got)
				}
				st, _ := findTable(r, "settings")
				rt, _ := findTable(r, "rates")
				for _, from := range kinds {
					for _, to := range kinds {
						if from == to || c.settings[from] == 0 {
							continue
						}
						d := counts{ages: c.ages, months: c.months, settings: map[string]int64{}, rule: rule}
						for k, v := range c.settings {
							d.settings[k] = v
						}
						d.settings[from]--
						d.settings[to]++
						other := d.buildWithChildren(t, kids)
						ost, _ := findTable(other, "settings")
						if !reflect.DeepEqual(st.Rows, ost.Rows) {
							continue // a reader tells them apart from the settings already
						}
						same++
						ort, _ := findTable(other, "rates")
						if !reflect.DeepEqual(rt.Rows, ort.Rows) {
							t.Fatalf("moving a concern from %s to %s changes the rates but not the settings table: "+
								"a rate gives away a hidden figure\n%v\n%v", from, to, rt.Rows, ort.Rows)
						}
					}
				}
			})
		}
	}
	if same == 0 {
		t.Fatal("no two partnerships read the same: the second attack tried nothing")
	}
}

// disclosedWithRates is disclosed, with the rates as further equations: a
// hidden figure of the settings table must read as its row's rate, if it
// has one.
func disclosedWithRates(t *testing.T, r *Report, kids map[string]lifeguard.SettingChildren) []string {
	t.Helper()
	a := newAttack(r)
	a.equations(r)
	var limit int64 = 50
	for _, v := range a.vals {
		if v != nil && 10**v+50 > limit {
			limit = 10**v + 50
		}
	}
	vals := a.solve(limit)
	rt, _ := findTable(r, "rates")
	var out []string
	for _, row := range rt.Rows {
		k := ref{"settings", row.Key, "Concerns"}
		rateText := row.Cells[2].Text
		if rateText == MarkNone {
			continue
		}
		fits := vals[k]
		if a.marks[k] == MarkSmall {
			fits = map[int64]bool{1: true, 2: true, 3: true, 4: true}
			if v, ok := vals[k]; ok {
				fits = v
			}
		} else if fits == nil {
			continue // published: the rate says what the table says
		}
		var left []int64
		for v := range fits {
			// The attacker knows the rule: a figure of 5 or more reads
			// rounded to the nearest 5 under RuleRound5.
			shown := v
			if a.rounded && v >= 5 {
				shown = round5(v)
			}
			if rate(shown, kids[row.Key].Children) == rateText {
				left = append(left, v)
			}
		}
		if len(left) == 1 && a.marks[k] == MarkSmall {
			out = append(out, row.Key+" = "+strconv.FormatInt(left[0], 10))
		}
		if len(left) < len(fits) {
			out = append(out, row.Key+": the rate narrows a hidden figure")
		}
	}
	if got := disclosed(t, r); len(got) > 0 {
		out = append(out, got...)
	}
	return out
}
