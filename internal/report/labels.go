package report

import "github.com/lifeguard-scp/lifeguard"

// The words for codes live beside the codes in package lifeguard (Label
// and GroupLabel methods); the report adds only these notes.

// typeNotes say what a concern type covers where its definition has
// widened, so that a board comparing one period with another reads the
// figures rightly. They follow the types table, in the catalogue's order.
var typeNotes = map[lifeguard.ConcernType]string{
	"radicalisation": "Radicalisation includes a mixed, unclear or unstable ideology and a fixation on mass violence " +
		"with no stated cause, since the England baseline 2026.2 (after the Prevent learning review of 2025); " +
		"concerns reported before it were recorded against the narrower definition",
}
