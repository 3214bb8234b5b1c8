package lifeguard

import (
	"strings"
	"testing"
	stdtime "time"
)

func TestUPNProblem(t *testing.T) {
	for _, tc := range []struct {
		upn  string
		want string // a word of the problem, or "" for a good number
	}{
		// Examples from the public descriptions of the check letter.
		{"B801200005001", ""},
		// The sum for 207000016049 is 266, remainder 13: P (one public
		// worked example adds it up to 267 and gives Q).
		{"P207000016049", ""},
		{"Q207000016049", "check letter"},
		{"A801200005001", "check letter"},
		{"B207000016049", "check letter"},
		{"B80120000500", "13 characters"},
		{"B8012000050011", "13 characters"},
		{"X80120000A001", "digit as character 10"},
		{"B80120000500I", "end in a digit"},
		{"B80120000500£", "13 characters"},
	} {
		got := UPNProblem(tc.upn)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("UPNProblem(%q) = %q, want %q", tc.upn, got, tc.want)
		}
	}
	// A temporary number ends in a letter, which counts as its place among
	// the check letters: work out the right check letter for one and see
	// that only that one passes.
	body := "80120000500A"
	good := 0
	for _, l := range upnLetters {
		if UPNProblem(string(l)+body) == "" {
			good++
		}
	}
	if good != 1 {
		t.Errorf("%d check letters pass for the temporary number %s; want 1", good, body)
	}
}

func TestNHSNumberProblem(t *testing.T) {
	for _, tc := range []struct {
		n    string
		want string
	}{
		{"9434765919", ""},
		{"9434765918", "check digit"},
		{"943476591", "10 digits"},
		{"94347659l9", "10 digits"},
		// 11 - (sum mod 11) is 10 for this one: never issued.
		{"0000000060", "check digit"},
	} {
		got := NHSNumberProblem(tc.n)
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("NHSNumberProblem(%q) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

func TestNormaliseYearGroup(t *testing.T) {
	for in, want := range map[string]string{"N1": "N1", "n2": "N2", "R": "R", "Reception": "R", "Year 7": "7",
		"Y10": "10", "07": "7", " 13 ": "13", "Year R": "R"} {
		if got, ok := NormaliseYearGroup(in); !ok || got != want {
			t.Errorf("NormaliseYearGroup(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0", "14", "Year 14", "N3", "X", "7a", "007"} {
		if got, ok := NormaliseYearGroup(in); ok {
			t.Errorf("NormaliseYearGroup(%q) = %q, want refused", in, got)
		}
	}
}

func TestChildIdentityProblems(t *testing.T) {
	today := Date{2026, 12, 7}
	dob := func(y, m, d int) *Date { return &Date{y, stdtime.Month(m), d} }
	for _, tc := range []struct {
		name string
		id   ChildIdentity
		path string // "" for none
	}{
		{"good", ChildIdentity{LegalForename: "Ada", LegalSurname: "Quill", YearGroup: "Year 7",
			UPN: "b801200005001", NHSNumber: "943 476 5919", DateOfBirth: dob(2014, 3, 1)}, ""},
		{"control character", ChildIdentity{LegalSurname: "Qu\x1bill"}, "x.legal_surname"},
		{"new line", ChildIdentity{PreferredForename: "A\nB"}, "x.preferred_forename"},
		{"too long", ChildIdentity{LegalForename: strings.Repeat("a", MaxChildName+1)}, "x.legal_forename"},
		{"NUL", ChildIdentity{LANumber: "1\x002"}, "x.la_number"},
		{"year group", ChildIdentity{YearGroup: "Year 15"}, "x.year_group"},
		{"upn", ChildIdentity{UPN: "A801200005001"}, "x.upn"},
		{"nhs", ChildIdentity{NHSNumber: "123"}, "x.nhs_number"},
		{"born tomorrow", ChildIdentity{DateOfBirth: dob(2026, 12, 8)}, "x.date_of_birth"},
		{"born long ago", ChildIdentity{DateOfBirth: dob(1990, 1, 1)}, "x.date_of_birth"},
		{"no such day", ChildIdentity{LeftOn: dob(2026, 2, 30)}, "x.left_on"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps := tc.id.Normalise().Problems("x.", today)
			switch {
			case tc.path == "" && len(ps) > 0:
				t.Errorf("problems %v", ps)
			case tc.path != "" && (len(ps) != 1 || ps[0].Path != tc.path):
				t.Errorf("problems %v, want one at %s", ps, tc.path)
			}
		})
	}
}

func TestDisplayName(t *testing.T) {
	for _, tc := range []struct {
		c    Child
		want string
	}{
		{Child{Ref: "C-1"}, "C-1"},
		{Child{Ref: "C-1", LegalForename: "Alexandra", LegalSurname: "Quill"}, "Alexandra Quill"},
		{Child{Ref: "C-1", LegalForename: "Alexandra", PreferredForename: "Sasha", LegalSurname: "Quill"}, "Sasha Quill"},
		{Child{Ref: "C-1", LegalSurname: "Quill"}, "Quill"},
	} {
		if got := tc.c.DisplayName(); got != tc.want {
			t.Errorf("DisplayName(%+v) = %q, want %q", tc.c, got, tc.want)
		}
	}
}

func TestParseChildDate(t *testing.T) {
	for in, want := range map[string]string{"2014-03-01": "2014-03-01", "01/03/2014": "2014-03-01", "1/3/2014": "2014-03-01"} {
		d, err := ParseChildDate(in)
		if err != nil || d.String() != want {
			t.Errorf("ParseChildDate(%q) = %v, %v; want %s", in, d, err, want)
		}
	}
	for _, in := range []string{"2014-02-30", "30/02/2014", "March 1st", "2014/03/01"} {
		if d, err := ParseChildDate(in); err == nil {
			t.Errorf("ParseChildDate(%q) = %v, want an error", in, d)
		}
	}
}
