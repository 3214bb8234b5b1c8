package lifeguard

import "fmt"

// What consents and training say to the self-audit (issue 17, item 8),
// as PolicyFigures.RegisterEvidence does for the policy library: the
// current figures beside the aspect and the level they suggest, never
// above 3 (level 4 needs the effect measured, which counts cannot show).
// A share of at least 90 % counts as established, as for agreements.

// Evidence aspects of the baseline framework (internal/framework).
const (
	AspectImages   = "L6" // rules for publishing children's images, with consent recorded
	AspectTraining = "E1" // staff trained at induction and updated at least yearly
)

// mostly reports whether n of total is at least 90 %.
func mostly(n, total int) bool { return total > 0 && n*10 >= total*9 }

// ConsentEvidence is the line and suggestion for aspect L6.
func (f *ConsentFigures) ConsentEvidence() (line string, suggest Level) {
	if f.OnRoll == 0 {
		return "No children on the register yet, so no consents to count.", 0
	}
	line = fmt.Sprintf("image consents recorded: %d of %d children on roll; %d with no image consent given.",
		f.ImageRecorded, f.OnRoll, f.NoImages)
	switch {
	case f.ImageRecorded == 0:
		return line, LevelNotInPlace
	case mostly(f.ImageRecorded, f.OnRoll):
		return line, LevelEstablished
	}
	return line, LevelDeveloping
}

// TrainingEvidence is the line and suggestion for aspect E1.
func (c TrainingCoverage) TrainingEvidence() (line string, suggest Level) {
	if c.Staff == 0 {
		return "No staff accounts to count training for.", 0
	}
	line = fmt.Sprintf("training in date: %d of %d staff.", c.InDate, c.Staff)
	switch {
	case c.InDate == 0:
		return line, LevelNotInPlace
	case mostly(c.InDate, c.Staff):
		return line, LevelEstablished
	}
	return line, LevelDeveloping
}
