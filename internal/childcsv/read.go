// Package childcsv reads the register of children from a CSV export of a
// school's management information system (SIMS, Arbor, Bromcom and the
// like) into the lines of a lifeguard.ChildImport. Columns are found by
// their header, case aside, from the headers those systems export
// (presets.go) or a mapping file for others (mapping.go).
package childcsv

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

// MaxSize bounds a file, in bytes: a school of 2,000 pupils exports about
// 200 KB.
const MaxSize = 10 << 20

// File is an export read: its lines, the column each field was read from,
// and the columns no field was read from.
type File struct {
	Lines []lifeguard.ChildImportLine
	// Columns maps the JSON name of each field read to the header of its
	// column, as the file writes it.
	Columns map[string]string
	// Fields are the fields read, in the order of
	// lifeguard.ChildIdentityFields.
	Fields  []string
	Ignored []string
}

// fileProblem is the error for a file that cannot be read at all.
func fileProblem(format string, args ...any) error {
	return lifeguard.Invalid("The file cannot be read", []lifeguard.Problem{{Path: "file",
		Problem: fmt.Sprintf(format, args...)}})
}

// Read reads an export from r with the headers of m (nil for the presets
// alone). It refuses, naming the problem, a file larger than MaxSize, one
// that is not UTF-8 text (naming the first line that is not), one whose
// CSV is broken (naming the line), and one with no column to find a child
// by. A line whose cells cannot be read (a date that is not one, too many
// cells) comes back with its problems, for the import to report with the
// rest; a line of empty cells is skipped.
func Read(r io.Reader, m Mapping) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fileProblem("is larger than %d MB; split it, or export only the columns Lifeguard reads", MaxSize>>20)
	}
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		return nil, fileProblem("is UTF-16 text; save it as \"CSV UTF-8\" and import that")
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}) // the byte-order mark Excel writes
	if !utf8.Valid(data) {
		return nil, fileProblem("line %d is not UTF-8 text (it may be Windows-1252 or Latin-1); save the file as \"CSV UTF-8\" and import that",
			firstBadLine(data))
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, fileProblem("line %d holds a NUL character; it is not a CSV text file", 1+bytes.Count(data[:bytes.IndexByte(data, 0)], []byte{'\n'}))
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fileProblem("is empty; it needs a header line and a line for each child")
	}
	if err != nil {
		return nil, csvProblem(err)
	}
	cols, f, err := matchHeader(header, m)
	if err != nil {
		return nil, err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvProblem(err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		if len(f.Lines) == lifeguard.MaxChildImportLines {
			return nil, fileProblem("has more than %d lines; import at most that many at once", lifeguard.MaxChildImportLines)
		}
		f.Lines = append(f.Lines, readLine(line, rec, cols, len(header)))
	}
	if len(f.Lines) == 0 {
		return nil, fileProblem("has a header line but no line for any child")
	}
	return f, nil
}

// firstBadLine is the number of the first line of data holding bytes that
// are not UTF-8.
func firstBadLine(data []byte) int {
	for n, line := range bytes.Split(data, []byte{'\n'}) {
		if !utf8.Valid(line) {
			return n + 1
		}
	}
	return 1
}

// csvProblem words an error of encoding/csv, which names its line.
func csvProblem(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		what := pe.Err.Error()
		switch {
		case errors.Is(pe.Err, csv.ErrBareQuote):
			what = "has a quote mark inside a cell that is not in quotes"
		case errors.Is(pe.Err, csv.ErrQuote):
			what = "has a quoted cell that is never closed, or a stray quote mark"
		}
		return fileProblem("line %d %s; fix the line or export the file again", pe.StartLine, what)
	}
	return fileProblem("cannot be read as CSV: %v", err)
}

func blank(rec []string) bool {
	for _, c := range rec {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// readLine reads one line's cells into a child's identity. Cells are kept
// as text, whatever they begin with: a cell such as =HYPERLINK(…) is a
// name of that spelling here, checked like any other, and every export
// Lifeguard writes escapes it (internal/csvsafe).
func readLine(line int, rec []string, cols map[string]int, width int) lifeguard.ChildImportLine {
	l := lifeguard.ChildImportLine{Line: line}
	if len(rec) != width {
		l.Problems = append(l.Problems, lifeguard.Problem{Path: "line",
			Problem: fmt.Sprintf("has %d cells; the header line has %d", len(rec), width)})
	}
	cell := func(field string) string {
		i, ok := cols[field]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	id := &l.Identity
	id.UPN, id.LegalSurname, id.LegalForename = cell("upn"), cell("legal_surname"), cell("legal_forename")
	id.PreferredForename, id.YearGroup, id.RegGroup = cell("preferred_forename"), cell("year_group"), cell("reg_group")
	id.NHSNumber, id.LANumber = cell("nhs_number"), cell("la_number")
	for _, d := range []struct {
		field string
		to    **lifeguard.Date
	}{{"date_of_birth", &id.DateOfBirth}, {"left_on", &id.LeftOn}} {
		v, err := lifeguard.ParseChildDate(cell(d.field))
		if err != nil {
			l.Problems = append(l.Problems, lifeguard.Problem{Path: d.field, Problem: err.Error()})
			continue
		}
		*d.to = v
	}
	return l
}
