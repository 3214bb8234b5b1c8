package childcsv

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// problemsOf returns the problems of an EINVALID error, or fails.
func problemsOf(t *testing.T, err error) []lifeguard.Problem {
	t.Helper()
	var le *lifeguard.Error
	if !errors.As(err, &le) || le.Code != lifeguard.EINVALID {
		t.Fatalf("error %v, want EINVALID", err)
	}
	return le.Problems
}

func TestReadSIMSExport(t *testing.T) {
	// A SIMS-style export with a byte-order mark, CRLF line ends, quoted
	// cells, an ignored column and a blank line.
	in := "\uFEFFUPN,Legal Surname,Legal Forename,Preferred Forename,DOB,Year,Reg Group,Gender\r\n" +
		"B801200005001,Quill,Alexandra,Sasha,01/03/2014,Year 7,7Q,F\r\n" +
		"\r\n" +
		"\"\",\"O'Neill, Jr\",Tom,,2013-09-30,8,8N,M\r\n"
	f, err := Read(strings.NewReader(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Lines) != 2 || f.Lines[0].Line != 2 || f.Lines[1].Line != 4 {
		t.Fatalf("lines %+v", f.Lines)
	}
	a := f.Lines[0].Identity
	if a.UPN != "B801200005001" || a.LegalSurname != "Quill" || a.PreferredForename != "Sasha" ||
		a.DateOfBirth.String() != "2014-03-01" || a.YearGroup != "Year 7" || a.RegGroup != "7Q" {
		t.Errorf("line 2: %+v", a)
	}
	if b := f.Lines[1].Identity; b.LegalSurname != "O'Neill, Jr" || b.UPN != "" {
		t.Errorf("line 4: %+v", b)
	}
	if len(f.Ignored) != 1 || f.Ignored[0] != "Gender" {
		t.Errorf("ignored %v", f.Ignored)
	}
	if f.Columns["upn"] != "UPN" || len(f.Fields) != 7 {
		t.Errorf("columns %v fields %v", f.Columns, f.Fields)
	}
}

func TestReadArborAndBromcomHeaders(t *testing.T) {
	for _, header := range []string{
		"UPN,Legal Last Name,Legal First Name,Preferred First Name,Date of Birth,Year Group,Registration Group,Leaving Date",
		"upn,SURNAME,FORENAME,Preferred Name,Date_Of_Birth,NC Year,Form,Date of Leaving",
	} {
		f, err := Read(strings.NewReader(header+"\nB801200005001,Quill,Alexandra,Sasha,2014-03-01,7,7Q,\n"), nil)
		if err != nil {
			t.Fatalf("%s: %v", header, err)
		}
		if len(f.Fields) != 8 {
			t.Errorf("%s: fields %v", header, f.Fields)
		}
	}
}

func TestReadMapping(t *testing.T) {
	m, err := ReadMapping(strings.NewReader("# our MIS\nupn = Pupil Ref No\nlegal_surname=Family\n= Surname\n"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Read(strings.NewReader("Pupil Ref No,Family,Surname,Forename\nB801200005001,Quill,Ignored,Alexandra\n"), m)
	if err != nil {
		t.Fatal(err)
	}
	if id := f.Lines[0].Identity; id.UPN != "B801200005001" || id.LegalSurname != "Quill" {
		t.Errorf("identity %+v", id)
	}
	for _, bad := range []struct{ in, want string }{
		{"upn Pupil Ref", "mapping line 1"},
		{"\n\nsurname = Family", "mapping line 3"},
		{"upn =", "mapping line 1"},
		{"upn = A\nlegal_surname = a", "mapping line 2"},
	} {
		_, err := ReadMapping(strings.NewReader(bad.in))
		ps := problemsOf(t, err)
		if ps[0].Path != bad.want {
			t.Errorf("%q: %v, want a problem at %s", bad.in, ps, bad.want)
		}
	}
}

func TestReadRefuses(t *testing.T) {
	big := "UPN,Legal Surname\n" + strings.Repeat("B801200005001,Quill\n", MaxSize/20+1)
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "is empty"},
		{"header only", "UPN,Surname\n", "no line for any child"},
		{"no key column", "Surname,Year\nQuill,7\n", "no column for the UPN"},
		{"two columns of one field", "UPN,Surname,Last Name\nB801200005001,Quill,Quill\n", "both give legal_surname"},
		{"latin-1", "UPN,Surname,Forename\nB801200005001,Quill,Zo\xeb\n", "line 2 is not UTF-8"},
		{"utf-16", "\xff\xfeU\x00P\x00N\x00", "UTF-16"},
		{"bare quote", "UPN,Surname\nB801200005001,Qu\"ill\n", "line 2 has a quote mark"},
		{"open quote", "UPN,Surname\nB801200005001,\"Quill\n", "line 2 has a quoted cell"},
		{"too large", big, "larger than 10 MB"},
		{"NUL", "UPN,Surname\nB80120000\x005001,Quill\n", "NUL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in), nil)
			ps := problemsOf(t, err)
			if !strings.Contains(ps[0].Problem, tc.want) {
				t.Errorf("problems %v, want %q", ps, tc.want)
			}
		})
	}
}

func TestReadLineProblems(t *testing.T) {
	f, err := Read(strings.NewReader("UPN,Surname,Forename,DOB\nB801200005001,Quill,Ada,31/02/2014\nX,Y\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if ps := f.Lines[0].Problems; len(ps) != 1 || ps[0].Path != "date_of_birth" {
		t.Errorf("line 2 problems %v", ps)
	}
	if ps := f.Lines[1].Problems; len(ps) != 1 || ps[0].Path != "line" || !strings.Contains(ps[0].Problem, "2 cells") {
		t.Errorf("line 3 problems %v", ps)
	}
}

// TestReadKeepsFormulas: a cell that a spreadsheet would run as a formula is
// read as the text it is.
func TestReadKeepsFormulas(t *testing.T) {
	f, err := Read(strings.NewReader("UPN,Surname,Forename\nB801200005001,\"=HYPERLINK(\"\"http://x.example\"\",\"\"y\"\")\",@SUM(A1)\n"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if id := f.Lines[0].Identity; id.LegalSurname != `=HYPERLINK("http://x.example","y")` || id.LegalForename != "@SUM(A1)" {
		t.Errorf("identity %+v", id)
	}
}

// FuzzRead: any bytes give lines or an EINVALID error, never a panic, and
// every line read is valid UTF-8 with no NUL.
func FuzzRead(f *testing.F) {
	f.Add([]byte("UPN,Legal Surname,Legal Forename,DOB\nB801200005001,Quill,Ada,2014-03-01\n"))
	f.Add([]byte("\uFEFFSurname,Forename,DOB,Year\r\n\"a\"\"b\",c,01/02/2013,R\r\n"))
	f.Add([]byte("UPN\n\"unterminated\n"))
	f.Add([]byte("UPN,UPN\n1,2\n"))
	f.Add([]byte{0xff, 0xfe, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Read(bytes.NewReader(data), nil)
		if err != nil {
			var le *lifeguard.Error
			if !errors.As(err, &le) || le.Code != lifeguard.EINVALID || len(le.Problems) == 0 {
				t.Fatalf("error %v is not EINVALID with problems", err)
			}
			return
		}
		for _, l := range file.Lines {
			for _, s := range []string{l.Identity.UPN, l.Identity.LegalSurname, l.Identity.LegalForename} {
				if lifeguard.TextProblem(s) != "" {
					t.Fatalf("line %d: %q is not text a store keeps", l.Line, s)
				}
			}
			if l.Line < 2 {
				t.Fatalf("line number %d", l.Line)
			}
		}
	})
}
