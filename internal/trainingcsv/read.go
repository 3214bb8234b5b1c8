// Package trainingcsv reads a CSV file of staff training into the lines
// of lifeguard.TrainingStore.ImportTraining, on the conventions of the
// register's import (internal/childcsv): UTF-8 text (a byte-order mark is
// dropped), a header line naming the columns in any order and case, a
// line number on every line, and a file that cannot be read refused
// naming the line.
package trainingcsv

import (
	"fmt"
	"io"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/csvin"
)

// MaxSize bounds a file, in bytes.
const MaxSize = 5 << 20

// Columns are the headers read, each with the other spellings accepted.
var columns = map[string][]string{
	"email":        {"email", "email address", "staff email"},
	"type":         {"type", "training type", "training"},
	"course":       {"course", "course title", "title"},
	"provider":     {"provider", "trainer", "delivered by"},
	"completed_on": {"completed_on", "completed", "date completed", "date"},
}

// Header is the header line of a file Lifeguard writes and reads.
const Header = "email,type,course,provider,completed_on"

// Read reads the file. A line whose cells cannot be read (a date that is
// not one, a type Lifeguard does not know) comes back with its problems,
// for the import to report with the rest; a line of empty cells is
// skipped.
func Read(r io.Reader) ([]lifeguard.TrainingImportLine, error) {
	in, err := csvin.Open(r, MaxSize, fmt.Sprintf("is empty; it needs the header line %q and a line for each course", Header))
	if err != nil {
		return nil, err
	}
	cols := map[string]int{}
	for i, h := range in.Header {
		h = strings.ToLower(strings.TrimSpace(h))
		for field, names := range columns {
			for _, n := range names {
				if h == n {
					if _, dup := cols[field]; dup {
						return nil, csvin.Problem("has two columns for %s", field)
					}
					cols[field] = i
				}
			}
		}
	}
	for _, field := range []string{"email", "type", "course", "provider", "completed_on"} {
		if _, ok := cols[field]; !ok {
			return nil, csvin.Problem("has no %s column; the header line should be %q", field, Header)
		}
	}
	return csvin.Lines(in, lifeguard.MaxTrainingImportLines, "of training", func(line int, rec []string) lifeguard.TrainingImportLine {
		return readLine(line, rec, cols, len(in.Header))
	})
}

// readLine reads one line. The type may be written as its code or its
// label, in any case.
func readLine(line int, rec []string, cols map[string]int, width int) lifeguard.TrainingImportLine {
	l := lifeguard.TrainingImportLine{Line: line}
	if p := csvin.WidthProblem(rec, width); p != nil {
		l.Problems = append(l.Problems, *p)
	}
	cell := csvin.Cells(rec, cols)
	l.Email = cell("email")
	l.Training.Type = lifeguard.TrainingType(cell("type"))
	for _, r := range lifeguard.TrainingRules() {
		if strings.EqualFold(cell("type"), string(r.Type)) || strings.EqualFold(cell("type"), r.Label) {
			l.Training.Type = r.Type
		}
	}
	l.Training.Course, l.Training.Provider = cell("course"), cell("provider")
	d, err := lifeguard.ParseChildDate(cell("completed_on"))
	switch {
	case err != nil:
		l.Problems = append(l.Problems, lifeguard.Problem{Path: "completed_on", Problem: err.Error()})
	case d == nil:
		l.Problems = append(l.Problems, lifeguard.Problem{Path: "completed_on", Problem: "is required: the date completed"})
	default:
		l.Training.CompletedOn = *d
	}
	return l
}
