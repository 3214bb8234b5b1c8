// Command reportshare measures how much of the board report a reader can
// see: for each table, the share of its concerns that stand in published
// cells (not "<5", "*" or withheld). It builds the report of the demo
// partnership (seeded into a temporary SQLite file, as serve --demo seeds
// it) and of a generated partnership of realistic size, under each
// publication rule, and prints a Markdown table. bench/README.md keeps the
// figures.
package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/demo"
	"github.com/lifeguard-scp/lifeguard/internal/framework"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/report"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

func main() {
	seed := flag.Uint64("seed", 1, "the generated partnership's random seed")
	schools := flag.Int("schools", 60, "schools of the generated partnership")
	flag.Parse()
	ctx := context.Background()
	demoCounts, err := demoCounts(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "reportshare:", err)
		os.Exit(1)
	}
	big := generated(*seed, *schools)
	fmt.Printf("| data | concerns | rule | table | cells | visible cells | share of concerns visible |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, d := range []struct {
		name string
		rc   *lifeguard.ReportCounts
	}{{"demo", demoCounts}, {fmt.Sprintf("generated (%d schools)", *schools), big}} {
		for _, rule := range rules() {
			r, err := report.Build(d.rc, options(rule))
			if err != nil {
				fmt.Fprintln(os.Stderr, "reportshare:", err)
				os.Exit(1)
			}
			truth, err := report.Build(scaled(d.rc), options(rule))
			if err != nil {
				fmt.Fprintln(os.Stderr, "reportshare:", err)
				os.Exit(1)
			}
			for _, s := range shares(r, truth) {
				fmt.Printf("| %s | %d | %s | %s | %d | %d | %s |\n", d.name, d.rc.Concerns, ruleName(rule), s.table, s.cells,
					s.visibleCells, s.share)
			}
		}
	}
}

// demoCounts seeds the demo partnership into a temporary database and
// counts its last six months, as the board report does.
func demoCounts(ctx context.Context) (*lifeguard.ReportCounts, error) {
	dir, err := os.MkdirTemp("", "reportshare-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	clock := &demo.Clock{}
	db, err := sqlstore.Open(ctx, sqlstore.Config{Path: filepath.Join(dir, "demo.db"), Now: clock.Now})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return nil, err
	}
	proc, err := procedure.Load("", nil)
	if err != nil {
		return nil, err
	}
	fw, err := framework.Baseline()
	if err != nil {
		return nil, err
	}
	// A hash of a password nobody uses: the accounts are not signed in to.
	hash := "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"
	now := time.Now()
	if _, err := demo.Seed(ctx, demo.Stores{Orgs: db, Concerns: db, Triager: proc, Audits: db, Plan: db, Framework: fw,
		Accounts: db}, clock, hash, now, demo.Full); err != nil {
		return nil, err
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	orgs, err := db.Organisations(sys)
	if err != nil || len(orgs) == 0 {
		return nil, fmt.Errorf("the demo has no organisations: %v", err)
	}
	from, to := report.DefaultPeriod(now)
	return db.ReportCounts(sys, lifeguard.ReportQuery{PartnershipID: orgs[0].PartnershipID, From: from, To: to})
}

// generated is the counts of a partnership of realistic size: schools
// record most concerns (about 60 a school a half year), the other agencies
// the rest, in proportions like those of the demo's stories.
func generated(seed uint64, schools int) *lifeguard.ReportCounts {
	rng := rand.New(rand.NewPCG(seed, seed))
	n := int64(schools) * 60
	rc := &lifeguard.ReportCounts{Query: lifeguard.ReportQuery{PartnershipID: 1,
		From: lifeguard.Date{Year: 2026, Month: 1, Day: 1}, To: lifeguard.Date{Year: 2026, Month: 6, Day: 30}}}
	draw := func(weights map[string]float64, total int64) []lifeguard.Tally {
		var sum float64
		keys := make([]string, 0, len(weights))
		for k, w := range weights {
			sum += w
			keys = append(keys, k)
		}
		counts := map[string]int64{}
		for range total {
			x := rng.Float64() * sum
			for _, k := range sortedKeys(keys) {
				if x -= weights[k]; x < 0 {
					counts[k]++
					break
				}
			}
		}
		var out []lifeguard.Tally
		for _, k := range sortedKeys(keys) {
			if counts[k] > 0 {
				out = append(out, lifeguard.Tally{Key: k, N: counts[k]})
			}
		}
		return out
	}
	rc.Concerns = n
	rc.Previous = n * 9 / 10
	rc.Types = draw(map[string]float64{"cyberbullying": 30, "grooming": 6, "sexual_communication": 5, "sextortion": 2,
		"nudes_sharing": 9, "child_abuse_imagery": 0.1, "sexual_harassment": 4, "pornography": 6, "live_streaming": 1,
		"threats_harassment": 4, "hate": 2, "violent_content": 3, "radicalisation": 0.2, "extremist_content": 0.08,
		"self_harm": 6, "criminal_exploitation": 1, "drugs": 1.5, "gambling": 1, "scams_fraud": 2, "cybercrime": 0.3,
		"misinformation": 0.12, "oversharing": 4, "problematic_use": 3, "inappropriate_access": 3, "staff_conduct": 1.5,
		"professional_targeted": 0.15, "other": 1}, n*11/10)
	rc.Vulns = draw(map[string]float64{"send": 20, "looked_after": 5, "child_protection_plan": 3, "child_in_need": 4,
		"mental_health": 10, "young_carer": 0.3}, n*4/10)
	var ages []lifeguard.Tally
	withChild := n - n/70
	ages = append(ages, lifeguard.Tally{Key: "", N: n / 70})
	ages = append(ages, draw(map[string]float64{"4": 0.05, "6": 0.5, "8": 4, "10": 7, "11": 10, "12": 13, "13": 15, "14": 15,
		"15": 12, "16": 8, "17": 5}, withChild)...)
	rc.Ages = ages
	rc.Settings = draw(map[string]float64{"school": 80, "college": 5, "early_years": 0.1, "police": 4, "health": 4,
		"social_care": 3, "youth_service": 0.3, "voluntary": 1.5}, n)
	rc.Months = draw(map[string]float64{"2026-01": 16, "2026-02": 15, "2026-03": 18, "2026-04": 14, "2026-05": 19,
		"2026-06": 18}, n)
	rc.PrevMonths = draw(map[string]float64{"2025-07": 12, "2025-08": 6, "2025-09": 18, "2025-10": 19, "2025-11": 20,
		"2025-12": 15}, rc.Previous)
	rc.Prior = draw(map[string]float64{"0": 78, "1": 13, "2": 5, "3": 2, "4": 2}, withChild)
	// Routes: each given route decided mostly on time.
	given := map[lifeguard.RouteCode]float64{"DSL_REVIEW": 1, "INFORM_PARENTS": 0.7, "PASTORAL_SUPPORT": 0.5,
		"PRESERVE_EVIDENCE": 0.5, "PLATFORM_REPORT": 0.4, "ANTI_BULLYING_PROCEDURE": 0.3, "CSC_REFERRAL": 0.15,
		"POLICE_101": 0.12, "CEOP_REPORT": 0.06, "MENTAL_HEALTH_SUPPORT": 0.06, "DO_NOT_VIEW_IMAGES": 0.1,
		"EMERGENCY_999": 0.003, "LADO_REFERRAL": 0.015, "PREVENT_REFERRAL": 0.002, "IWF_REPORT": 0.001}
	for _, code := range sortedKeys(keysOf(given)) {
		g := int64(float64(n) * given[lifeguard.RouteCode(code)])
		rc.Given = append(rc.Given, lifeguard.Tally{Key: code, N: g})
		decided := g * 9 / 10
		deadline := code != "PLATFORM_REPORT"
		for _, f := range []struct {
			followed, onTime bool
			share            float64
		}{{true, true, 0.8}, {true, false, 0.1}, {false, true, 0.08}, {false, false, 0.02}} {
			k := int64(float64(decided) * f.share * (0.8 + 0.4*rng.Float64()))
			rc.Routes = append(rc.Routes, lifeguard.RouteTally{Route: lifeguard.RouteCode(code), Followed: f.followed,
				Deadline: deadline, OnTime: deadline && f.onTime, N: k})
		}
	}
	rc.FirstDecision = []lifeguard.Tally{{Key: "30", N: n / 2}, {Key: "90", N: n / 3}}
	return rc
}

func keysOf[V any](m map[lifeguard.RouteCode]V) []string {
	var out []string
	for k := range m {
		out = append(out, string(k))
	}
	return out
}

func sortedKeys(keys []string) []string {
	out := append([]string(nil), keys...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

type tableShare struct {
	table               string
	cells, visibleCells int
	share               string
}

// interior names the cells of each table that hold concerns, as opposed
// to its sums: the rows but a sum row, and the columns but a sum column.
var interior = map[string]struct {
	skipRows []string
	cols     []int
}{
	"heatmap": {nil, []int{0, 1, 2, 3}}, "areas": {nil, []int{0}}, "types": {nil, []int{0}}, "ages": {nil, []int{0}},
	"repeats": {[]string{"repeat"}, []int{0}}, "settings": {nil, []int{0}}, "routes": {nil, []int{0, 1, 2}},
	"timeliness": {nil, []int{0, 1}}, "trend": {nil, []int{0, 1}},
}

// shares measures the published report r against truth, the same report
// of counts a thousand times larger, where no figure is small and so none
// is suppressed or changed by rounding: each cell's true value is its
// figure there divided by a thousand. A cell is visible when it shows a
// number (rounded or not); the share is of the true concerns in the
// table's cells that stand in visible ones.
func shares(r, truth *report.Report) []tableShare {
	type key struct{ table, row string }
	values := map[key][]int64{}
	for _, s := range truth.Sections {
		for _, t := range s.Tables {
			for _, row := range t.Rows {
				var vs []int64
				for _, c := range row.Cells {
					var v int64
					if c.Value != nil {
						v = *c.Value / 1000
					}
					vs = append(vs, v)
				}
				values[key{t.ID, row.Key}] = vs
				if t.ID == "heatmap" {
					// The risk areas, shown in its place when it would
					// hide most, are its last column.
					values[key{"areas", row.Key}] = vs[len(vs)-1:]
				}
			}
		}
	}
	var out []tableShare
	for _, s := range r.Sections {
		for _, t := range s.Tables {
			in, ok := interior[t.ID]
			if !ok {
				continue
			}
			var seen, sum int64
			var cells, visible int
			for _, row := range t.Rows {
				if contains(in.skipRows, row.Key) {
					continue
				}
				vs := values[key{t.ID, row.Key}]
				for _, c := range in.cols {
					if c >= len(row.Cells) || c >= len(vs) || row.Cells[c].Text == report.MarkNone {
						continue
					}
					cells++
					sum += vs[c]
					if row.Cells[c].Value != nil {
						visible++
						seen += vs[c]
					}
				}
			}
			share := "–"
			if sum > 0 {
				share = strconv.FormatFloat(100*float64(seen)/float64(sum), 'f', 1, 64) + "%"
			}
			out = append(out, tableShare{t.ID, cells, visible, share})
		}
	}
	return out
}

// scaled is rc with every count a thousand times larger.
func scaled(rc *lifeguard.ReportCounts) *lifeguard.ReportCounts {
	out := *rc
	out.Concerns, out.Previous = rc.Concerns*1000, rc.Previous*1000
	for _, p := range []*[]lifeguard.Tally{&out.Types, &out.Vulns, &out.Given, &out.Ages, &out.Settings, &out.Months,
		&out.PrevMonths, &out.Prior, &out.FirstDecision} {
		ts := make([]lifeguard.Tally, len(*p))
		for i, t := range *p {
			ts[i] = lifeguard.Tally{Key: t.Key, N: t.N * 1000}
		}
		*p = ts
	}
	out.Routes = make([]lifeguard.RouteTally, len(rc.Routes))
	for i, t := range rc.Routes {
		t.N *= 1000
		out.Routes[i] = t
	}
	return &out
}

// rules are the publication rules measured; options makes each one's
// report options.
func rules() []string { return report.Rules() }

func ruleName(rule string) string {
	if rule == "" {
		return "suppress"
	}
	return rule
}

func options(rule string) report.Options {
	return report.Options{Scope: "Measured", Now: time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC), Rule: rule}
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
