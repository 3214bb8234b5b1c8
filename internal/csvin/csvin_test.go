package csvin

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestOpen: a file that cannot be read is refused naming the file and,
// where there is one, the line; a good file gives its header and its
// lines with their numbers, blank lines skipped.
func TestOpen(t *testing.T) {
	for name, c := range map[string]struct{ in, want string }{
		"empty":      {"", "is empty: test"},
		"too large":  {strings.Repeat("a", 2<<20+1), "larger than 2 MB"},
		"UTF-16":     {"\xff\xfeu\x00p\x00n\x00", "UTF-16"},
		"Latin-1":    {"upn\nok\nb\xe9\n", "line 3 is not UTF-8"},
		"NUL":        {"upn\nok\na\x00\n", "line 3 holds a NUL"},
		"bare quote": {"upn\na\"b\n", "line 2 has a quote mark"},
	} {
		r, err := Open(strings.NewReader(c.in), 2<<20, "is empty: test")
		if err == nil {
			_, _, err = r.Next()
		}
		var le *lifeguard.Error
		if !errors.As(err, &le) || le.Code != lifeguard.EINVALID || len(le.Problems) != 1 || le.Problems[0].Path != "file" ||
			!strings.Contains(le.Problems[0].Problem, c.want) {
			t.Errorf("%s: %v, want a problem of the file saying %q", name, err, c.want)
		}
	}
	r, err := Open(strings.NewReader("\ufeffUPN, Name\r\n\r\n , \r\nA1, Ada \r\n"), 1<<20, "empty")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Header) != 2 || r.Header[0] != "UPN" {
		t.Errorf("header %q", r.Header)
	}
	line, rec, err := r.Next()
	if err != nil || line != 4 {
		t.Fatalf("first line %d %q %v, want line 4", line, rec, err)
	}
	cell := Cells(rec, map[string]int{"upn": 0, "name": 1, "far": 7})
	if cell("upn") != "A1" || cell("name") != "Ada" || cell("far") != "" || cell("none") != "" {
		t.Errorf("cells %q", rec)
	}
	if p := WidthProblem(rec, 3); p == nil || p.Path != "line" {
		t.Errorf("width problem %v", p)
	}
	if _, _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last line: %v", err)
	}
}

// TestLines: the lines after the header come back read, with their numbers;
// one more than the most a file may hold refuses the file, and so does a
// header with no line after it.
func TestLines(t *testing.T) {
	read := func(line int, rec []string) string { return strings.Join(rec, "|") + "@" + string(rune('0'+line)) }
	open := func(s string) *Reader {
		r, err := Open(strings.NewReader(s), 1<<20, "empty")
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	got, err := Lines(open("a,b\n1,2\n\n3,4\n"), 2, "of things", read)
	if err != nil || strings.Join(got, " ") != "1|2@2 3|4@4" {
		t.Errorf("Lines = %q, %v", got, err)
	}
	for name, c := range map[string]struct{ in, want string }{
		"too many":    {"a\n1\n2\n3\n", "has more than 2 lines; import at most that many at once"},
		"header only": {"a\n\n", "has a header line but no line of things"},
	} {
		_, err := Lines(open(c.in), 2, "of things", read)
		var le *lifeguard.Error
		if !errors.As(err, &le) || len(le.Problems) != 1 || le.Problems[0].Problem != c.want {
			t.Errorf("%s: %v, want %q", name, err, c.want)
		}
	}
}
