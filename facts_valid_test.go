package lifeguard_test

import (
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The proof keeps its own copy: changing what the checked facts pointed to
// afterwards cannot make the proven facts invalid.
func TestValidFactsKeepTheirOwnCopy(t *testing.T) {
	reported := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	occurred := reported.Add(-time.Hour)
	age := 13
	f := lifeguard.Facts{ReportedAt: reported, OccurredAt: &occurred, Setting: "school", Child: &lifeguard.ChildFacts{Age: &age,
		Vulnerabilities: []lifeguard.Vulnerability{"send"}}, ConcernTypes: []lifeguard.ConcernType{"grooming"}}
	vf, err := f.Check()
	if err != nil {
		t.Fatal(err)
	}
	occurred = reported.Add(time.Hour)
	age = -1
	f.Child.Vulnerabilities[0] = "nonsense"
	f.ConcernTypes[0] = "nonsense"
	got := vf.Facts()
	if ps := got.Validate(); len(ps) > 0 {
		t.Fatalf("proven facts became invalid: %v", ps)
	}
	// Nor can a change to the copy Facts gives.
	*got.Child.Age = -1
	got.ConcernTypes[0] = "nonsense"
	if again := vf.Facts(); *again.Child.Age != 13 || again.ConcernTypes[0] != "grooming" {
		t.Errorf("facts %+v changed through a copy", again)
	}
}

func TestCheckNamesTheField(t *testing.T) {
	f := lifeguard.Facts{ReportedAt: time.Now(), Setting: "school"}
	vf, err := f.Check()
	e, ok := err.(*lifeguard.Error)
	if !vf.IsZero() || !ok || e.Code != lifeguard.EINVALID || len(e.Problems) == 0 {
		t.Fatalf("Check: %v, %v; want no proof and EINVALID", vf, err)
	}
	for _, p := range e.Problems {
		if p.Path == "" {
			t.Errorf("problem %q names no field", p.Problem)
		}
	}
}
