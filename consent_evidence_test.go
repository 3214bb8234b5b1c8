package lifeguard

import "testing"

func TestConsentTrainingEvidence(t *testing.T) {
	for _, c := range []struct {
		f    ConsentFigures
		want Level
	}{
		{ConsentFigures{}, 0},
		{ConsentFigures{OnRoll: 50}, LevelNotInPlace},
		{ConsentFigures{OnRoll: 50, ImageRecorded: 44, NoImages: 3}, LevelDeveloping},
		{ConsentFigures{OnRoll: 50, ImageRecorded: 45, NoImages: 3}, LevelEstablished},
	} {
		if _, got := c.f.ConsentEvidence(); got != c.want {
			t.Errorf("%+v: %d, want %d", c.f, got, c.want)
		}
	}
	for _, c := range []struct {
		c    TrainingCoverage
		want Level
		line string
	}{
		{TrainingCoverage{}, 0, "No staff accounts to count training for."},
		{TrainingCoverage{Staff: 50}, LevelNotInPlace, "training in date: 0 of 50 staff."},
		{TrainingCoverage{Staff: 50, InDate: 41}, LevelDeveloping, "training in date: 41 of 50 staff."},
		{TrainingCoverage{Staff: 50, InDate: 45}, LevelEstablished, "training in date: 45 of 50 staff."},
	} {
		if line, got := c.c.TrainingEvidence(); got != c.want || line != c.line {
			t.Errorf("%+v: %q %d, want %q %d", c.c, line, got, c.line, c.want)
		}
	}
}
