// Package childcsv reads the register of children from a CSV export of a
// school's management information system (SIMS, Arbor, Bromcom and the
// like) into the lines of a lifeguard.ChildImport. Columns are found by
// their header, case aside, from the headers those systems export
// (presets.go) or a mapping file for others (mapping.go).
package childcsv

import (
	"io"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/csvin"
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

// Read reads an export from r with the headers of m (nil for the presets
// alone). It refuses, naming the problem, a file larger than MaxSize, one
// that is not UTF-8 text (naming the first line that is not), one whose
// CSV is broken (naming the line), and one with no column to find a child
// by. A line whose cells cannot be read (a date that is not one, too many
// cells) comes back with its problems, for the import to report with the
// rest; a line of empty cells is skipped.
func Read(r io.Reader, m Mapping) (*File, error) {
	in, err := csvin.Open(r, MaxSize, "is empty; it needs a header line and a line for each child")
	if err != nil {
		return nil, err
	}
	cols, f, err := matchHeader(in.Header, m)
	if err != nil {
		return nil, err
	}
	if f.Lines, err = csvin.Lines(in, lifeguard.MaxChildImportLines, "for any child", func(line int, rec []string) lifeguard.ChildImportLine {
		return readLine(line, rec, cols, len(in.Header))
	}); err != nil {
		return nil, err
	}
	return f, nil
}

// readLine reads one line's cells into a child's identity. Cells are kept
// as text, whatever they begin with: a cell such as =HYPERLINK(…) is a
// name of that spelling here, checked like any other, and every export
// Lifeguard writes escapes it (internal/csvsafe).
func readLine(line int, rec []string, cols map[string]int, width int) lifeguard.ChildImportLine {
	l := lifeguard.ChildImportLine{Line: line}
	if p := csvin.WidthProblem(rec, width); p != nil {
		l.Problems = append(l.Problems, *p)
	}
	cell := csvin.Cells(rec, cols)
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
