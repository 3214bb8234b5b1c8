package export

import (
	"bytes"
	"encoding/csv"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func TestCellDefusesFormulas(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
		"+1":                       "'+1",
		"-2":                       "'-2",
		"@SUM(A1)":                 "'@SUM(A1)",
		"\tx":                      "'\tx",
		"Head teacher":             "Head teacher",
		"":                         "",
	} {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestImprovementsCSV(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	err := Improvements(&buf, []lifeguard.ImprovementAction{{ID: 7, OrganisationID: 2, AuditID: 3, AspectID: "L1",
		Strand: "L", Level: 1, Title: "=cmd|' /C calc'!A0", Owner: "Head", Due: lifeguard.Date{Year: 2027, Month: 3, Day: 1},
		Status: lifeguard.ImprovementClosed, CreatedAt: now, ClosedAt: &now, ClosedNote: "Done, by governors"}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1][6] != "'=cmd|' /C calc'!A0" || rows[1][8] != "2027-03-01" || rows[1][9] != "closed" ||
		rows[1][13] != "Done, by governors" || rows[1][11] != "2026-12-01T09:00:00Z" {
		t.Errorf("rows %q", rows)
	}
}

func TestPlanCSV(t *testing.T) {
	var buf bytes.Buffer
	err := Plan(&buf, []lifeguard.Objective{
		{ID: 1, Strand: lifeguard.StrandPrevention, Title: "Teach online safety"},
		{ID: 2, Strand: lifeguard.StrandProtection, Title: "Train DSLs", Actions: []lifeguard.PlanAction{{ID: 5,
			Title: "Run courses", OwnerOrgID: 9, OwnerOrgName: "Team", Due: lifeguard.Date{Year: 2027, Month: 1, Day: 31},
			RAG: lifeguard.RAGAmber, Notes: []lifeguard.ProgressNote{{On: lifeguard.Date{Year: 2026, Month: 11, Day: 2}},
				{On: lifeguard.Date{Year: 2026, Month: 10, Day: 2}}},
			Barriers: []lifeguard.Barrier{{Status: lifeguard.BarrierEscalated}, {Status: lifeguard.BarrierResolved}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[1][3] != "" || rows[2][9] != "2" || rows[2][10] != "2026-11-02" || rows[2][11] != "0" ||
		rows[2][12] != "1" || rows[2][8] != "amber" {
		t.Errorf("rows %q", rows)
	}
}
