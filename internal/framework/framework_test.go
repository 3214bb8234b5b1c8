package framework

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

func TestBaseline(t *testing.T) {
	fw, err := Baseline()
	if err != nil {
		t.Fatalf("the embedded framework does not load:\n%v", err)
	}
	if fw.Name == "" || fw.Version != "2026.1" {
		t.Errorf("name %q version %q", fw.Name, fw.Version)
	}
	if len(fw.Levels) != 4 {
		t.Errorf("%d levels", len(fw.Levels))
	}
	var codes []string
	counts := map[lifeguard.Applicability]int{}
	n := 0
	for _, s := range fw.Strands {
		codes = append(codes, s.Code)
		for _, a := range s.Aspects {
			counts[a.AppliesTo]++
			n++
		}
	}
	if strings.Join(codes, "") != "LTEI" || n != 28 {
		t.Errorf("strands %v with %d aspects; want L T E I with 28", codes, n)
	}
	// (E) aspects T1–T4 and T7; (S) aspect E3.
	if counts[lifeguard.AppliesInternet] != 5 || counts[lifeguard.AppliesSchools] != 1 {
		t.Errorf("applicability %v", counts)
	}
	school := &lifeguard.Organisation{Setting: "school", ProvidesInternet: true}
	police := &lifeguard.Organisation{Setting: "police"}
	youth := &lifeguard.Organisation{Setting: "youth_service", ProvidesInternet: true}
	for _, tc := range []struct {
		org  *lifeguard.Organisation
		want int
	}{{school, 28}, {police, 22}, {youth, 27}} {
		if got := len(fw.Applicable(tc.org)); got != tc.want {
			t.Errorf("%s: %d aspects apply, want %d", tc.org.Setting, got, tc.want)
		}
	}
}

func TestLocal(t *testing.T) {
	fw, err := Load("riverside.yaml", []byte(`
name: Riverside online safety self-audit
version: riverside-3
add:
  - id: L11
    strand: L
    applies_to: all
    text: The organisation has named a governor or trustee for online safety.
reword:
  - id: L4
    text: Incidents are logged in Lifeguard and reviewed each term.
  - id: E6
    applies_to: schools
retire:
  - id: T7
    reason: Our authority buys internet for every setting.
`))
	if err != nil {
		t.Fatal(err)
	}
	if fw.Version != "2026.1+riverside-3" || fw.Name != "Riverside online safety self-audit" {
		t.Errorf("name %q version %q", fw.Name, fw.Version)
	}
	if a, ok := fw.Aspect("L11"); !ok || a.Strand != "L" || a.Retired {
		t.Errorf("L11: %+v", a)
	}
	if a, _ := fw.Aspect("L4"); !strings.Contains(a.Text, "each term") {
		t.Errorf("L4 not reworded: %q", a.Text)
	}
	if a, _ := fw.Aspect("E6"); a.AppliesTo != lifeguard.AppliesSchools || !strings.Contains(a.Text, "search safely") {
		t.Errorf("E6: %+v", a)
	}
	if a, _ := fw.Aspect("T7"); !a.Retired || a.AppliesToOrg(&lifeguard.Organisation{Setting: "school", ProvidesInternet: true}) {
		t.Errorf("T7 still applies: %+v", a)
	}
	// The embedded baseline is untouched by a local file.
	base, _ := Baseline()
	if a, _ := base.Aspect("T7"); a.Retired {
		t.Error("retiring T7 locally changed the baseline")
	}
	if _, ok := base.Aspect("L11"); ok {
		t.Error("adding L11 locally changed the baseline")
	}
}

// TestLocalProblems checks that each mistake in a local file is reported
// with its line and field, and that every mistake is reported at once.
func TestLocalProblems(t *testing.T) {
	for _, tc := range []struct {
		name string
		file string
		want []string // "line field: words"
	}{
		{"not YAML", "version: [1\n", []string{"1 : is not valid YAML: did not find expected ',' or ']'"}},
		{"not a mapping", "- a\n- b\n", []string{"1 : a framework file is a mapping"}},
		{"two documents", "version: a\nadd: []\n---\nversion: b\n", []string{"3 : a framework file holds one YAML document"}},
		{"no version", "add:\n  - id: L11\n    strand: L\n    applies_to: all\n    text: x\n", []string{"1 version: is required"}},
		{"bad version", "version: riverside 3\nretire: [{id: T7, reason: r}]\n", []string{"1 version: \"riverside 3\" must be"}},
		{"unknown key", "version: a\nremove:\n  - id: L1\n", []string{"2 remove: is not a known key"}},
		{"nothing changed", "version: a\n", []string{"1 : changes nothing"}},
		{"add problems", `version: a
add:
  - id: L1
    strand: L
    applies_to: all
    text: again
  - id: X1
    strand: X
    applies_to: everyone
    text: ""
  - id: l12
    strand: L
    applies_to: all
    text: fine
  - id: T9
    strand: L
    applies_to: all
    text: wrong strand
  - id: L12
    strand: L
    applies_to: all
    text: one
    owner: me
`, []string{
			"3 add[0].id: aspect L1 is already in the framework",
			"8 add[1].strand: \"X\" is not a strand of the framework (L, T, E, I)",
			"9 add[1].applies_to: \"everyone\" is not one of all, schools, internet",
			"10 add[1].text: is required",
			"11 add[2].id: \"l12\" must be capital letters then a number",
			"15 add[3].id: \"T9\" must start with its strand's code L",
			"23 add[4].owner: is not a known key",
		}},
		{"missing fields", "version: a\nadd:\n  - id: L12\n", []string{
			"3 add[0].strand: is required", "3 add[0].applies_to: is required", "3 add[0].text: is required"}},
		{"reword problems", `version: a
reword:
  - id: Z9
    text: no such aspect
  - id: L2
  - id: L3
    text: once
  - id: L3
    text: twice
  - id: L4
    text: a
    applies_to: nobody
`, []string{
			"3 reword[0].id: there is no aspect Z9",
			"5 reword[1]: gives neither text nor applies_to",
			"8 reword[3].id: aspect L3 is already changed under reword",
			"12 reword[4].applies_to: \"nobody\" is not one of",
		}},
		{"retire problems", "version: a\nretire:\n  - id: T7\n    reason: r\n  - {id: T7, reason: r}\n  - {reason: r}\n  - id: L20\n", []string{
			"7 retire[3].reason: is required",
			"5 retire[1].id: aspect T7 is already changed under retire",
			"6 retire[2].id: is required",
			"7 retire[3].id: there is no aspect L20",
		}},
		{"too long", "version: a\nreword:\n  - id: L1\n    text: " + strings.Repeat("x", 1001) + "\n", []string{
			"4 reword[0].text: is 1001 characters long; the most allowed is 1000"}},
		{"wrong types", "version: a\nadd: {id: L11}\nreword:\n  - id: [L1]\n    text: x\n", []string{
			"2 add: must be a list", "4 reword[0].id: must be text"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load("local.yaml", []byte(tc.file))
			le, ok := errors.AsType[*LoadError](err)
			if !ok {
				t.Fatalf("error %v is not a *LoadError", err)
			}
			if len(le.Problems) != len(tc.want) {
				t.Errorf("%d problems, want %d:\n%v", len(le.Problems), len(tc.want), err)
			}
			for _, w := range tc.want {
				found := false
				for _, p := range le.Problems {
					got := fmtProblem(p)
					if strings.HasPrefix(got, w) {
						found = true
					}
					if p.File != "local.yaml" {
						t.Errorf("problem names file %q", p.File)
					}
				}
				if !found {
					t.Errorf("no problem %q in:\n%v", w, err)
				}
			}
		})
	}
}

func fmtProblem(p LineProblem) string {
	return strconv.Itoa(p.Line) + " " + p.Field + ": " + p.Problem
}

func TestRetireAll(t *testing.T) {
	var b strings.Builder
	b.WriteString("version: a\nretire:\n")
	fw, _ := Baseline()
	for _, s := range fw.Strands {
		for _, a := range s.Aspects {
			b.WriteString("  - {id: " + a.ID + ", reason: gone}\n")
		}
	}
	_, err := Load("local.yaml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "retires every aspect") {
		t.Errorf("retiring every aspect: %v", err)
	}
}

// FuzzLoad feeds the loader local files it has never seen: it must answer
// with a framework or a *LoadError, never panic.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("version: a\nretire: [{id: T7, reason: r}]\n"))
	f.Add([]byte("version: a\nadd:\n  - {id: L11, strand: L, applies_to: all, text: x}\n"))
	f.Add([]byte("version: a\nreword:\n  - {id: L1, applies_to: schools}\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		fw, err := Load("fuzz.yaml", data)
		if err != nil {
			if _, ok := errors.AsType[*LoadError](err); !ok {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if !strings.HasPrefix(fw.Version, "2026.1+") {
			t.Fatalf("version %q", fw.Version)
		}
	})
}
