// Package csvin opens the CSV files people import into Lifeguard (the
// register of children, staff training, parents' consents), so that each
// is refused alike when it cannot be read: larger than its bound, UTF-16
// or other text that is not UTF-8 (naming the first line that is not),
// holding a NUL, or broken as CSV (naming the line). Each importer reads
// its own columns from the header and its own cells from the lines.
package csvin

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

// Problem is the error for a file that cannot be read at all: EINVALID
// on "file".
func Problem(format string, args ...any) error {
	return lifeguard.Invalid("The file cannot be read", []lifeguard.Problem{{Path: "file",
		Problem: fmt.Sprintf(format, args...)}})
}

// Reader reads a file's lines after its header line.
type Reader struct {
	cr     *csv.Reader
	Header []string
}

// Open reads all of r, at most max bytes, checks that it is text, and
// reads its header line; empty is the problem of a file with none (such
// as "is empty; it needs a header line and a line for each child").
func Open(r io.Reader, max int, empty string) (*Reader, error) {
	data, err := io.ReadAll(io.LimitReader(r, int64(max)+1))
	if err != nil {
		return nil, fmt.Errorf("read the file: %w", err)
	}
	if len(data) > max {
		return nil, Problem("is larger than %d MB; split it, or export only the columns Lifeguard reads", max>>20)
	}
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return nil, Problem("is UTF-16 text; save it as \"CSV UTF-8\" and import that")
	}
	data = bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}) // the byte-order mark Excel writes
	if !utf8.Valid(data) {
		return nil, Problem("line %d is not UTF-8 text (it may be Windows-1252 or Latin-1); save the file as \"CSV UTF-8\" and import that",
			firstBadLine(data))
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return nil, Problem("line %d holds a NUL character; it is not a CSV text file", 1+bytes.Count(data[:i], []byte{'\n'}))
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, Problem("%s", empty)
	}
	if err != nil {
		return nil, csvProblem(err)
	}
	return &Reader{cr: cr, Header: header}, nil
}

// Lines reads every line after the header that holds something, at most
// max of them, each into a T with read (given its number in the file); a
// file of more is refused, and so is one with a header alone, with
// "has a header line but no line " and none ("of consents").
func Lines[T any](r *Reader, max int, none string, read func(line int, rec []string) T) ([]T, error) {
	var out []T
	for {
		line, rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(out) == max {
			return nil, Problem("has more than %d lines; import at most that many at once", max)
		}
		out = append(out, read(line, rec))
	}
	if len(out) == 0 {
		return nil, Problem("has a header line but no line %s", none)
	}
	return out, nil
}

// Next is the next line holding something, with its number in the file;
// io.EOF after the last. A line of empty cells is skipped.
func (r *Reader) Next() (line int, rec []string, err error) {
	for {
		rec, err := r.cr.Read()
		if errors.Is(err, io.EOF) {
			return 0, nil, io.EOF
		}
		if err != nil {
			return 0, nil, csvProblem(err)
		}
		line, _ := r.cr.FieldPos(0)
		for _, c := range rec {
			if strings.TrimSpace(c) != "" {
				return line, rec, nil
			}
		}
	}
}

// WidthProblem is the problem of a line with other than width cells, or
// nil.
func WidthProblem(rec []string, width int) *lifeguard.Problem {
	if len(rec) == width {
		return nil
	}
	return &lifeguard.Problem{Path: "line", Problem: fmt.Sprintf("has %d cells; the header line has %d", len(rec), width)}
}

// Cells reads the cells of rec by field: the trimmed text of the cell in
// the field's column of cols, or "" when the file has no such column or
// the line no cell there.
func Cells(rec []string, cols map[string]int) func(field string) string {
	return func(field string) string {
		i, ok := cols[field]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
}

// firstBadLine is the number of the first line holding bytes that are not
// UTF-8.
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
		return Problem("line %d %s; fix the line or export the file again", pe.StartLine, what)
	}
	return Problem("cannot be read as CSV: %v", err)
}
