package lifeguard_test

import (
	"slices"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// scoringFramework is small enough to score by hand: strand A has an
// aspect for all, one for schools and one for organisations that provide
// internet access; strand B has one retired aspect and one for all; strand
// C applies only to schools.
func scoringFramework() *lifeguard.Framework {
	return &lifeguard.Framework{Name: "Test", Version: "1", Strands: []lifeguard.Strand{
		{Code: "A", Aspects: []lifeguard.Aspect{
			{ID: "A1", Strand: "A", AppliesTo: lifeguard.AppliesAll},
			{ID: "A2", Strand: "A", AppliesTo: lifeguard.AppliesSchools},
			{ID: "A3", Strand: "A", AppliesTo: lifeguard.AppliesInternet},
		}},
		{Code: "B", Aspects: []lifeguard.Aspect{
			{ID: "B1", Strand: "B", AppliesTo: lifeguard.AppliesAll, Retired: true},
			{ID: "B2", Strand: "B", AppliesTo: lifeguard.AppliesAll},
		}},
		{Code: "C", Aspects: []lifeguard.Aspect{
			{ID: "C1", Strand: "C", AppliesTo: lifeguard.AppliesSchools},
		}},
	}}
}

func answers(levels map[string]lifeguard.Level) []lifeguard.AuditAnswer {
	var out []lifeguard.AuditAnswer
	for id, l := range levels {
		out = append(out, lifeguard.AuditAnswer{AspectID: id, Level: l})
	}
	return out
}

func TestScore(t *testing.T) {
	school := &lifeguard.Organisation{Setting: "school", ProvidesInternet: true}
	college := &lifeguard.Organisation{Setting: "college"}
	police := &lifeguard.Organisation{Setting: "police"}
	for _, tc := range []struct {
		name    string
		org     *lifeguard.Organisation
		levels  map[string]lifeguard.Level
		scores  []string // strand:score/aspects
		missing []string
	}{
		{"every aspect of a school", school,
			map[string]lifeguard.Level{"A1": 1, "A2": 2, "A3": 4, "B2": 3, "C1": 4},
			[]string{"A:2.3/3", "B:3.0/1", "C:4.0/1"}, nil},
		{"half rounds up", school,
			map[string]lifeguard.Level{"A1": 1, "A2": 2, "A3": 2, "B2": 3, "C1": 1},
			// 5/3 = 1.666… → 1.7
			[]string{"A:1.7/3", "B:3.0/1", "C:1.0/1"}, nil},
		{"exact half", college,
			map[string]lifeguard.Level{"A1": 2, "A2": 3, "B2": 4, "C1": 2},
			// A: (2+3)/2 = 2.5; the college gives no internet access, so A3 is not asked
			[]string{"A:2.5/2", "B:4.0/1", "C:2.0/1"}, nil},
		{"a police unit is asked only what applies", police,
			map[string]lifeguard.Level{"A1": 3, "B2": 2},
			[]string{"A:3.0/1", "B:2.0/1"}, nil},
		{"answers to aspects that do not apply are not scored", police,
			map[string]lifeguard.Level{"A1": 3, "A2": 1, "A3": 1, "B1": 1, "B2": 4, "C1": 1, "Z9": 1},
			[]string{"A:3.0/1", "B:4.0/1"}, nil},
		{"unanswered aspects are missing and not scored", school,
			map[string]lifeguard.Level{"A1": 4, "C1": 2},
			[]string{"A:4.0/1", "C:2.0/1"}, []string{"A2", "A3", "B2"}},
		{"a level off the scale counts as missing", police,
			map[string]lifeguard.Level{"A1": 0, "B2": 5},
			nil, []string{"A1", "B2"}},
		{"nothing answered", police, nil, nil, []string{"A1", "B2"}},
		{"one decimal from a long strand", school,
			// 1+2+2 = 5 over 3 → 1.7; 4+4+3 → 3.7
			map[string]lifeguard.Level{"A1": 4, "A2": 4, "A3": 3, "B2": 1, "C1": 3},
			[]string{"A:3.7/3", "B:1.0/1", "C:3.0/1"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			scores, missing := lifeguard.Score(scoringFramework(), tc.org, answers(tc.levels))
			var got []string
			for _, s := range scores {
				got = append(got, s.Strand+":"+s.String()+"/"+string(rune('0'+s.Aspects)))
			}
			if !slices.Equal(got, tc.scores) {
				t.Errorf("scores %v, want %v", got, tc.scores)
			}
			if !slices.Equal(missing, tc.missing) {
				t.Errorf("missing %v, want %v", missing, tc.missing)
			}
		})
	}
}

func TestImprovementDue(t *testing.T) {
	on := lifeguard.Date{Year: 2026, Month: 11, Day: 30}
	for _, tc := range []struct {
		level lifeguard.Level
		want  string
	}{
		{lifeguard.LevelNotInPlace, "2027-02-28"}, // no 30 February: the month's last day
		{lifeguard.LevelDeveloping, "2027-05-30"},
	} {
		if got := lifeguard.ImprovementDue(tc.level, on).String(); got != tc.want {
			t.Errorf("level %d: due %s, want %s", tc.level, got, tc.want)
		}
	}
}

func TestLevels(t *testing.T) {
	for l := lifeguard.Level(0); l <= 5; l++ {
		valid := l >= 1 && l <= 4
		if l.Valid() != valid || l.NeedsEvidence() != (valid && l >= 3) || l.NeedsAction() != (l == 1 || l == 2) {
			t.Errorf("level %d: valid %v evidence %v action %v", l, l.Valid(), l.NeedsEvidence(), l.NeedsAction())
		}
	}
}
