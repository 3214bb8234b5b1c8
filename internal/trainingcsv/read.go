// Package trainingcsv reads a CSV file of staff training into the lines
// of lifeguard.TrainingStore.ImportTraining, on the conventions of the
// register's import (internal/childcsv): UTF-8 text (a byte-order mark is
// dropped), a header line naming the columns in any order and case, a
// line number on every line, and a file that cannot be read refused
// naming the line.
package trainingcsv

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
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

func fileProblem(format string, args ...any) error {
	return lifeguard.Invalid("The file cannot be read", []lifeguard.Problem{{Path: "file",
		Problem: fmt.Sprintf(format, args...)}})
}

// Read reads the file. A line whose cells cannot be read (a date that is
// not one, a type Lifeguard does not know) comes back with its problems,
// for the import to report with the rest; a line of empty cells is
// skipped.
func Read(r io.Reader) ([]lifeguard.TrainingImportLine, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fileProblem("is larger than %d MB", MaxSize>>20)
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF})
	if !utf8.Valid(data) {
		return nil, fileProblem("is not UTF-8 text; save it as \"CSV UTF-8\" and import that")
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, fileProblem("line %d holds a NUL character; it is not a CSV text file", 1+bytes.Count(data[:i], []byte{'\n'}))
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fileProblem("is empty; it needs the header line %q and a line for each course", Header)
	}
	if err != nil {
		return nil, csvProblem(err)
	}
	cols := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		for field, names := range columns {
			for _, n := range names {
				if h == n {
					if _, dup := cols[field]; dup {
						return nil, fileProblem("has two columns for %s", field)
					}
					cols[field] = i
				}
			}
		}
	}
	for _, field := range []string{"email", "type", "course", "provider", "completed_on"} {
		if _, ok := cols[field]; !ok {
			return nil, fileProblem("has no %s column; the header line should be %q", field, Header)
		}
	}
	var out []lifeguard.TrainingImportLine
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvProblem(err)
		}
		line, _ := cr.FieldPos(0)
		blank := true
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				blank = false
			}
		}
		if blank {
			continue
		}
		if len(out) == lifeguard.MaxTrainingImportLines {
			return nil, fileProblem("has more than %d lines; import at most that many at once", lifeguard.MaxTrainingImportLines)
		}
		out = append(out, readLine(line, rec, cols, len(header)))
	}
	if len(out) == 0 {
		return nil, fileProblem("has a header line but no line of training")
	}
	return out, nil
}

func csvProblem(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileProblem("line %d cannot be read as CSV (%v); fix the line or export the file again", pe.StartLine, pe.Err)
	}
	return fileProblem("cannot be read as CSV: %v", err)
}

// readLine reads one line. The type may be written as its code or its
// label, in any case.
func readLine(line int, rec []string, cols map[string]int, width int) lifeguard.TrainingImportLine {
	l := lifeguard.TrainingImportLine{Line: line}
	if len(rec) != width {
		l.Problems = append(l.Problems, lifeguard.Problem{Path: "line",
			Problem: fmt.Sprintf("has %d cells; the header line has %d", len(rec), width)})
	}
	cell := func(field string) string {
		i := cols[field]
		if i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
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
