package report

import (
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// referralEquations are the sums of the referral tables the attacker
// knows: each route's outcomes add up to its decided count. The journey's
// other relations are inequalities (no more acknowledged than sent), which
// TestReferralJourneySuppression checks apart.
func (a *attack) referralEquations(r *Report) {
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			if t.ID != "referrals" {
				continue
			}
			for _, row := range t.Rows {
				e := eq{minus: []ref{{"referrals", row.Key, "Decided"}}}
				for _, s2 := range r.Sections {
					for _, o := range s2.Tables {
						if o.ID != "referral_outcomes" {
							continue
						}
						for _, or := range o.Rows {
							if strings.HasPrefix(or.Key, row.Key+":") {
								e.plus = append(e.plus, ref{"referral_outcomes", or.Key, "Referrals"})
							}
						}
					}
				}
				a.eqs = append(a.eqs, e)
			}
		}
	}
}

// referralReport builds a report of only referrals.
func referralReport(t *testing.T, ts ...lifeguard.ReferralTally) *Report {
	t.Helper()
	rc := &lifeguard.ReportCounts{Query: period, Referrals: ts}
	r, err := Build(rc, Options{Scope: "Testshire", Now: period.To.In(time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// journey reads a route's row of the journey table as published: the
// value, or -1 for a suppressed figure, and its mark.
func journey(t *testing.T, r *Report, route string) (vals []int64, marks []string) {
	t.Helper()
	for _, s := range r.Sections {
		for _, tb := range s.Tables {
			if tb.ID != "referrals" {
				continue
			}
			for _, row := range tb.Rows {
				if row.Key != route {
					continue
				}
				for _, c := range row.Cells {
					v := int64(-1)
					if c.Value != nil {
						v = *c.Value
					}
					vals, marks = append(vals, v), append(marks, c.Text)
				}
				return vals, marks
			}
		}
	}
	t.Fatalf("no journey row for %s", route)
	return nil, nil
}

// pinned reports which small numbers of the journey can be worked out from
// the published figures and the inequalities that hold between them: a
// figure marked "<5", or a difference anyone can take (not acknowledged,
// acknowledged late, decided late, not decided; indexes 5 to 8) that is
// from 1 to 4. The atoms of the journey (sent not acknowledged;
// acknowledged late and not decided, or decided; acknowledged within the
// working day and not decided, decided late, or decided within it) are
// searched exhaustively for every fit of what is published.
func pinned(vals []int64, marks []string, limit int64) []int {
	var out []int
	seen := make([]map[int64]bool, 9)
	for i := range seen {
		seen[i] = map[int64]bool{}
	}
	fits := func(i int, v int64) bool {
		switch marks[i] {
		case MarkSmall:
			return v >= 1 && v <= 4
		case MarkWithheld:
			return v >= 5
		case MarkNone, MarkDropped:
			return true
		}
		return v == vals[i]
	}
	for a1 := int64(0); a1 <= limit; a1++ {
		for a2 := int64(0); a2 <= limit-a1; a2++ {
			for a3 := int64(0); a3 <= limit-a1-a2; a3++ {
				for a4 := int64(0); a4 <= limit-a1-a2-a3; a4++ {
					for a5 := int64(0); a5 <= limit-a1-a2-a3-a4; a5++ {
						for a6 := int64(0); a6 <= limit-a1-a2-a3-a4-a5; a6++ {
							fig := []int64{a1 + a2 + a3 + a4 + a5 + a6, a2 + a3 + a4 + a5 + a6, a4 + a5 + a6, a3 + a5 + a6, a6,
								a1, a2 + a3, a3 + a5, a1 + a2 + a4}
							ok := true
							for i, v := range fig[:5] {
								if !fits(i, v) {
									ok = false
									break
								}
							}
							if ok {
								for i, v := range fig {
									seen[i][v] = true
								}
							}
						}
					}
				}
			}
		}
	}
	for i := range seen {
		if len(seen[i]) != 1 {
			continue
		}
		for v := range seen[i] {
			if i < 5 && marks[i] == MarkSmall || i >= 5 && v >= 1 && v <= 4 {
				out = append(out, i)
			}
		}
	}
	return out
}

// tally makes a route's tally from its atoms (see pinned) and outcomes.
func tally(route lifeguard.RouteCode, atoms [6]int64, outcomes map[string]int64) lifeguard.ReferralTally {
	a1, a2, a3, a4, a5, a6 := atoms[0], atoms[1], atoms[2], atoms[3], atoms[4], atoms[5]
	agency, _ := lifeguard.ReferralAgencyOf(route)
	t := lifeguard.ReferralTally{Route: route, Agency: agency, Sent: a1 + a2 + a3 + a4 + a5 + a6,
		Acknowledged: a2 + a3 + a4 + a5 + a6, AckOnTime: a4 + a5 + a6, Decided: a3 + a5 + a6, DecidedOnTime: a6}
	if t.Acknowledged > 0 {
		t.AckBands = []lifeguard.Tally{{Key: "60", N: t.Acknowledged}}
	}
	if t.Decided > 0 {
		t.DecideBands = []lifeguard.Tally{{Key: "1440", N: t.Decided}}
	}
	for k, v := range outcomes {
		if v > 0 {
			t.Outcomes = append(t.Outcomes, lifeguard.Tally{Key: k, N: v})
		}
	}
	return t
}

// TestReferralJourneySuppression checks crafted and random journeys: no
// small figure of the journey or of the outcomes can be worked out, and a
// median or share is shown only beside published figures.
func TestReferralJourneySuppression(t *testing.T) {
	cases := []struct {
		name     string
		atoms    [6]int64
		outcomes map[string]int64
		want     []string // the journey's texts
	}{
		{"all large", [6]int64{5, 0, 0, 5, 5, 10}, map[string]int64{"section_47": 6, "section_17": 9},
			[]string{"25", "20", "20", "15", "10"}},
		{"one not acknowledged: sent and acknowledged cannot both show", [6]int64{1, 0, 0, 0, 0, 9},
			map[string]int64{"section_47": 9}, nil},
		{"three decided late", [6]int64{0, 0, 0, 6, 3, 8}, map[string]int64{"section_47": 5, "no_further_action": 6}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := referralReport(t, tally("CSC_REFERRAL", tc.atoms, tc.outcomes))
			vals, marks := journey(t, r, "CSC_REFERRAL")
			if tc.want != nil && strings.Join(marks, " ") != strings.Join(tc.want, " ") {
				t.Errorf("journey reads %v, want %v", marks, tc.want)
			}
			if got := pinned(vals, marks, 30); len(got) > 0 {
				t.Errorf("the journey's small figures %v can be worked out from %v", got, marks)
			}
			if got := disclosed(t, r); len(got) > 0 {
				t.Errorf("disclosed %v", got)
			}
		})
	}
	rng := rand.New(rand.NewPCG(16, 2026))
	for i := range 12 {
		var atoms [6]int64
		for j := range atoms {
			if rng.IntN(3) > 0 {
				atoms[j] = rng.Int64N(5)
			}
		}
		decided := atoms[2] + atoms[4] + atoms[5]
		first := rng.Int64N(decided + 1)
		r := referralReport(t, tally("POLICE_101", atoms, map[string]int64{"crime_recorded": first, "no_crime": decided - first}))
		vals, marks := journey(t, r, "POLICE_101")
		if got := pinned(vals, marks, 26); len(got) > 0 {
			t.Errorf("case %d %v: small figures %v can be worked out from %v", i, atoms, got, marks)
		}
		if got := disclosed(t, r); len(got) > 0 {
			t.Errorf("case %d %v: disclosed %v", i, atoms, got)
		}
	}
}
