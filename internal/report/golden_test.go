package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// fixedCounts is a fixed data set: enough concerns for most figures to
// show, with small numbers in every table, audits and a plan.
func fixedCounts() *lifeguard.ReportCounts {
	t := func(kv ...any) []lifeguard.Tally {
		var out []lifeguard.Tally
		for i := 0; i < len(kv); i += 2 {
			out = append(out, lifeguard.Tally{Key: kv[i].(string), N: int64(kv[i+1].(int))})
		}
		return out
	}
	return &lifeguard.ReportCounts{
		Query: lifeguard.ReportQuery{From: lifeguard.Date{Year: 2026, Month: 1, Day: 1},
			To: lifeguard.Date{Year: 2026, Month: 6, Day: 30}, PartnershipID: 1},
		Concerns: 120, Previous: 97,
		Types: t("grooming", 22, "sexual_communication", 9, "sextortion", 3, "nudes_sharing", 14,
			"cyberbullying", 31, "hate", 2, "self_harm", 12, "pornography", 8, "gambling", 6, "scams_fraud", 1,
			"oversharing", 5, "staff_conduct", 4),
		Vulns:    t("send", 18, "looked_after", 7, "child_protection_plan", 3, "mental_health", 11),
		Given:    t("CSC_REFERRAL", 40, "POLICE_101", 12, "ADVICE_PARENTS", 70),
		Added:    t("POLICE_101", 6, "CSC_REFERRAL", 2),
		Ages:     t("", 4, "4", 2, "8", 15, "12", 41, "14", 33, "16", 25),
		Settings: t("school", 96, "police", 11, "health", 9, "voluntary", 4),
		Months:   t("2026-01", 18, "2026-02", 21, "2026-03", 25, "2026-04", 19, "2026-05", 22, "2026-06", 15),
		PrevMonths: t("2025-07", 12, "2025-08", 9, "2025-09", 17, "2025-10", 20, "2025-11", 21,
			"2025-12", 18),
		Prior: t("0", 95, "1", 14, "2", 4, "3", 2, "4", 1),
		Routes: []lifeguard.RouteTally{
			{Route: "ADVICE_PARENTS", Followed: true, N: 55},
			{Route: "ADVICE_PARENTS", N: 9},
			{Route: "CSC_REFERRAL", Followed: true, Deadline: true, OnTime: true, N: 28},
			{Route: "CSC_REFERRAL", Followed: true, Deadline: true, N: 3},
			{Route: "CSC_REFERRAL", Deadline: true, OnTime: true, N: 7},
			{Route: "POLICE_101", Followed: true, Deadline: true, OnTime: true, N: 10},
			{Route: "POLICE_101", Followed: true, Deadline: true, N: 1},
		},
		FirstDecision: t("0", 12, "30", 20, "60", 35, "90", 18, "1440", 10, "4320", 2),
		Audits: &lifeguard.AuditCounts{
			Organisations: t("health", 3, "police", 2, "school", 40, "voluntary", 6),
			Audited:       t("health", 1, "police", 2, "school", 31, "voluntary", 2),
			Scores: []lifeguard.ScoreTally{{Strand: "L", Tenths: 18, N: 4}, {Strand: "L", Tenths: 27, N: 20},
				{Strand: "L", Tenths: 33, N: 12}, {Strand: "T", Tenths: 25, N: 30}, {Strand: "T", Tenths: 40, N: 6}},
		},
		// Schools and the police have a rate; health not every one
		// gave its number; the voluntary groups' concerns read <5.
		Children: []lifeguard.SettingChildren{
			{Setting: "health", Organisations: 3, Counted: 2, Children: 4100},
			{Setting: "police", Organisations: 3, Counted: 3, Children: 52000},
			{Setting: "school", Organisations: 40, Counted: 40, Children: 31250},
			{Setting: "voluntary", Organisations: 6, Counted: 6, Children: 900},
		},
		// Prevention: the voluntary groups' survey answers are a small
		// number, so the row protects them.
		Prevention: &lifeguard.PreventionCounts{SchoolYear: 2025,
			Measures: []lifeguard.PreventionTally{
				{Measure: lifeguard.MeasurePolicyInDate, Setting: "school", N: 33, Of: 40},
				{Measure: lifeguard.MeasurePolicyInDate, Setting: "voluntary", N: 2, Of: 6},
				{Measure: lifeguard.MeasureStaffAgreement, Setting: "school", N: 1210, Of: 1350},
				{Measure: lifeguard.MeasureStaffAgreement, Setting: "voluntary", N: 40, Of: 75},
				{Measure: lifeguard.MeasureTrainingInDate, Setting: "school", N: 1102, Of: 1350},
				{Measure: lifeguard.MeasureTrainingInDate, Setting: "voluntary", N: 51, Of: 75},
				{Measure: lifeguard.MeasureParentContacts, Setting: "school", N: 96, Of: 35},
				{Measure: lifeguard.MeasureParentsReached, Setting: "school", N: 5200},
				{Measure: lifeguard.MeasureParentContacts, Setting: "voluntary", N: 4, Of: 2},
				{Measure: lifeguard.MeasureParentsReached, Setting: "voluntary", N: 60},
				{Measure: lifeguard.MeasureChildSurveys, Setting: "school", N: 12, Of: 11},
				{Measure: lifeguard.MeasureSurveyAnswers, Setting: "school", N: 1430},
				{Measure: lifeguard.MeasureChildSurveys, Setting: "voluntary", N: 1, Of: 1},
				{Measure: lifeguard.MeasureSurveyAnswers, Setting: "voluntary", N: 3},
			},
			Teaching: []lifeguard.TeachingTally{
				{Stage: "KS1", Strand: "self_image", N: 20, Of: 24}, {Stage: "KS1", Strand: "relationships", N: 12, Of: 24},
				{Stage: "KS1", Strand: "privacy", N: 24, Of: 24}, {Stage: "KS2", Strand: "bullying", N: 40, Of: 48},
				{Stage: "KS2", Strand: "information", N: 22, Of: 48}, {Stage: "KS2", Strand: "copyright", N: 5, Of: 48},
			}},
		Plan: &lifeguard.PlanCounts{
			Actions: []lifeguard.PlanTally{{Strand: "prevention", RAG: "green", N: 4}, {Strand: "prevention", RAG: "amber", N: 2},
				{Strand: "protection", RAG: "red", N: 1}, {Strand: "prosecution_diversion", RAG: "complete", N: 3}},
			Overdue: []lifeguard.PlanTally{{Strand: "protection", RAG: "red", N: 1}},
			Barriers: []lifeguard.EscalatedBarrier{{Strand: "protection", Objective: "Faster referrals",
				Action: "Agree a shared referral form", Owner: "Children's social care",
				Text: "No agreement yet on who holds the form.", EscalatedAt: time.Date(2026, 5, 4, 10, 0, 0, 0, time.UTC)}},
		},
	}
}

func fixedReport(t *testing.T) *Report {
	t.Helper()
	return fixedReportBy(t, "")
}

// fixedReportBy is the fixed report under a rule of publication.
func fixedReportBy(t *testing.T, rule string) *Report {
	t.Helper()
	titles := map[lifeguard.RouteCode]string{"CSC_REFERRAL": "Refer to children's social care",
		"POLICE_101": "Tell the police (101)", "ADVICE_PARENTS": "Advise the parents"}
	r, err := Build(fixedCounts(), Options{Scope: "Testshire Safeguarding Children Partnership", Rule: rule,
		Now: time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC),
		RouteTitle: func(c lifeguard.RouteCode) (string, bool) {
			s, ok := titles[c]
			return s, ok
		},
		RouteUrgency: func(c lifeguard.RouteCode) (lifeguard.Urgency, bool) {
			u, ok := map[lifeguard.RouteCode]lifeguard.Urgency{"CSC_REFERRAL": lifeguard.Immediate,
				"POLICE_101": lifeguard.SameWorkingDay, "ADVICE_PARENTS": lifeguard.Advice}[c]
			return u, ok
		},
		StrandTitle: func(c string) (string, bool) {
			s, ok := map[string]string{"L": "Leadership and policy", "T": "Technology"}[c]
			return s, ok
		}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestGolden compares the report of the fixed data set, in each format,
// with testdata/golden; go test -update rewrites them.
func TestGolden(t *testing.T) {
	r := fixedReport(t)
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer, *Report) error
	}{
		{"board.html", func(b *bytes.Buffer, r *Report) error { return WriteHTML(b, r) }},
		{"board.csv", func(b *bytes.Buffer, r *Report) error { return WriteCSV(b, r) }},
		{"board.json", func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) }},
		{"board-round5.csv", func(b *bytes.Buffer, _ *Report) error { return WriteCSV(b, fixedReportBy(t, RuleRound5)) }},
	} {
		t.Run(f.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := f.write(&b, r); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "golden", f.name)
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to write it)", err)
			}
			if !bytes.Equal(b.Bytes(), want) {
				t.Errorf("%s differs from the golden file; if the change is meant, run go test -update and review the diff", f.name)
			}
		})
	}
	if got := disclosed(t, r); len(got) > 0 {
		t.Errorf("the attacker worked out %v from the fixed report", got)
	}
}
