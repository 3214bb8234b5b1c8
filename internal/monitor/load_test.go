package monitor

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestLoadProblems(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown verb", "add x category=drugs severity=2 phrase=\"a b\"", `test.lib:1: unknown verb "add"`},
		{"no id", "entry category=drugs", "test.lib:1: entry needs an identifier"},
		{"bad id", "entry Bad! category=drugs", `test.lib:1: identifier "Bad!"`},
		{"bad category", "entry x category=sport severity=2 phrase=\"ball\"", `test.lib:1: category "sport" is not one of illegal, bullying`},
		{"no category", "entry x severity=2 phrase=\"ball\"", "test.lib:1: category is missing"},
		{"severity high", "entry x category=drugs severity=6 phrase=\"ball\"", `test.lib:1: severity "6": must be a whole number from 1 to 5`},
		{"severity word", "entry x category=drugs severity=high phrase=\"ball\"", `test.lib:1: severity "high"`},
		{"severity missing", "entry x category=drugs phrase=\"ball\"", "test.lib:1: severity is missing"},
		{"bad mode", "entry x category=drugs severity=2 mode=regex phrase=\"ball\"", `test.lib:1: mode "regex"`},
		{"no phrase", "entry x category=drugs severity=2", "test.lib:1: phrase is missing"},
		{"empty phrase", "entry x category=drugs severity=2 phrase=\"!!\"", "has no letters or digits"},
		{"short part", "entry x category=drugs severity=2 mode=part phrase=\"ass\"", "mode=part needs at least 4 letters"},
		{"one-word phrase mode", "entry x category=drugs severity=2 mode=phrase phrase=\"ball\"", "mode=phrase needs two words"},
		{"clause punctuation", "entry x category=drugs severity=2 phrase=\"a, b\"", "ends a clause"},
		{"gap without phrase", "entry x category=drugs severity=2 gap=2 phrase=\"a b\"", "gap is only for mode=phrase"},
		{"gap too big", "entry x category=drugs severity=2 mode=phrase gap=40 phrase=\"a b\"", `gap "40"`},
		{"unclosed quote", "entry x category=drugs severity=2 phrase=\"a b", "phrase: the quoted value is not closed"},
		{"unknown key", "entry x category=drugs severity=2 phrase=ball colour=red", "entry does not take colour"},
		{"twice", "entry x category=drugs severity=2 severity=3 phrase=ball", "severity is given twice"},
		{"bare word", "entry x category=drugs severity=2 ball", `unexpected word "ball"`},
		{"bad lang", "entry x category=drugs severity=2 phrase=ball lang=English", `lang "English"`},
		{"bad ages", "entry x category=drugs severity=2 phrase=ball ages=3-30", `ages "3-30"`},
		{"duplicate id", "entry x category=drugs severity=2 phrase=ball\nentry x category=drugs severity=2 phrase=bat", `test.lib:2: entry "x" is defined twice`},
		{"frame kind", "frame f kind=joke cue=\"lol\" effect=cancel", `kind "joke"`},
		{"frame effect", "frame f kind=negated cue=\"not\" effect=lower-9", `effect "9"`},
		{"frame effect word", "frame f kind=negated cue=\"not\" effect=soften", `effect "soften"`},
		{"frame position", "frame f kind=negated cue=\"not\" effect=cancel position=middle", `position "middle"`},
		{"frame categories", "frame f kind=negated cue=\"not\" effect=cancel categories=suicide,sport", `categories: "sport"`},
		{"regrade no severity", "regrade x", "severity is missing"},
		{"reword no phrase", "reword x mode=word", "reword needs phrase="},
		{"exclude no site", "exclude category=drugs", "exclude needs site="},
		{"exclude bad site", "exclude site=https://x.org/", `site "https://x.org/"`},
		{"exclude both", "exclude site=x.org entry=a category=drugs", "not both"},
		{"control char", "entry x category=drugs severity=2 phrase=\"a\x01b\"", "control character"},
		{"invalid utf8", "entry x category=drugs severity=2 phrase=\"\xff\"", "not valid UTF-8"},
		{"line too long", "# " + strings.Repeat("x", 5000), "longer than 4096 bytes"},
		{"second line", "# comment\n\nentry x category=drugs severity=0 phrase=ball", "test.lib:3: severity"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.src), "test.lib")
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("Load = %v, want a *LoadError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Load error %q, want it to contain %q", err, tt.want)
			}
			for _, p := range le.Problems {
				if !strings.HasPrefix(p, "test.lib:") {
					t.Errorf("problem %q does not start with the file and line", p)
				}
			}
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := Load(strings.NewReader("entry a category=x severity=2 phrase=ball\nentry b category=drugs severity=9 phrase=ball\n"), "l")
	var le *LoadError
	if !errors.As(err, &le) || len(le.Problems) != 2 {
		t.Fatalf("want two problems, got %v", err)
	}
}

func TestLoadFields(t *testing.T) {
	l := mustLoad(t, `entry a.1 category=drugs severity=3 mode=phrase gap=2 phrase="buy \"green\" weed" except="weed the garden" except="weed killer" lang=en ages=11-13,14-18 source="written for the test"`)
	es := l.Entries()
	if len(es) != 1 {
		t.Fatal(es)
	}
	e := es[0]
	if e.ID != "a.1" || e.Category != Drugs || e.Severity != 3 || e.Mode != ModePhrase || e.Gap != 2 ||
		e.Phrase != `buy "green" weed` || len(e.Exceptions) != 2 || e.Lang != "en" ||
		strings.Join(e.Ages, ",") != "11-13,14-18" || e.Source != "written for the test" || e.Origin != "test.lib:1" {
		t.Errorf("entry %+v", e)
	}
}

func TestBaselineHasNoIllegalEntries(t *testing.T) {
	l, err := Baseline()
	if err != nil {
		t.Fatal(err)
	}
	if l.Pending() != 0 {
		t.Errorf("the baseline has %d pending changes", l.Pending())
	}
	seen := map[Category]int{}
	for _, e := range l.Entries() {
		seen[e.Category]++
		if e.Category == Illegal {
			t.Errorf("baseline entry %s is illegal-content: those lists are the operator's", e.ID)
		}
		if e.Source == "" || e.Lang == "" || len(e.Ages) == 0 {
			t.Errorf("baseline entry %s lacks source, language or ages", e.ID)
		}
	}
	for _, c := range Categories() {
		if c != Illegal && seen[c] == 0 {
			t.Errorf("the baseline has no entry for %s", c)
		}
	}
}

func TestMerge(t *testing.T) {
	base := mustLoad(t, `entry a category=drugs severity=2 phrase="weed"
entry b category=bullying severity=2 phrase="loser"
entry c category=violence_weapons severity=3 phrase="stab"
`)
	local, err := Load(strings.NewReader(`retire a
regrade b severity=4
reword c phrase="stab him" except="stab him in the back"
entry d category=gambling severity=2 phrase="roulette"
exclude site=games.example entry=d
`), "local.lib")
	if err != nil {
		t.Fatal(err)
	}
	if local.Pending() != 3 {
		t.Errorf("Pending = %d, want 3", local.Pending())
	}
	m, err := base.Merge(local)
	if err != nil {
		t.Fatal(err)
	}
	got := func(text, site string) string {
		var s []string
		for _, x := range m.Scan(text, site) {
			s = append(s, x.EntryID+":"+string(rune('0'+x.Severity)))
		}
		return strings.Join(s, ",")
	}
	if g := got("weed loser stab", ""); g != "b:4" {
		t.Errorf("after retire a, regrade b, reword c: %s", g)
	}
	if g := got("stab him now", ""); g != "c:3" {
		t.Errorf("reworded c: %s", g)
	}
	if g := got("i will stab him in the back", ""); g != "" {
		t.Errorf("reworded c's new exception: %s", g)
	}
	if g := got("roulette", "https://www.games.example/play"); g != "" {
		t.Errorf("excluded on the site: %s", g)
	}
	if g := got("roulette", "othergames.example"); g != "d:2" {
		t.Errorf("not excluded elsewhere: %s", g)
	}
}

func TestMergeProblems(t *testing.T) {
	base := mustLoad(t, "entry a category=drugs severity=2 phrase=weed\nframe f kind=negated cue=not effect=cancel")
	tests := []struct{ name, src, want string }{
		{"unknown retire", "retire zz", `local.lib:1: retire names entry "zz", which is not in the library`},
		{"duplicate id", "entry a category=drugs severity=2 phrase=skunk", `local.lib:1: entry "a" is already in test.lib`},
		{"duplicate frame", "frame f kind=negated cue=never effect=cancel", `frame "f" is already in test.lib`},
		{"retired twice", "retire a\nretire a", `local.lib:2: retire names entry "a"`},
		{"bad reword", "reword a phrase=\"!!\"", "local.lib:1"},
		{"exclude unknown entry", "exclude site=x.org entry=zz", `exclude names entry "zz"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			local, err := Load(strings.NewReader(tt.src), "local.lib")
			if err == nil {
				_, err = base.Merge(local)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLoadList(t *testing.T) {
	l, err := LoadList(strings.NewReader("# operator's list\nbad phrase one\n\nWorse Phrase\n"), "iwf.txt", ListOptions{Category: Illegal, Severity: 5, Prefix: "iwf"})
	if err != nil {
		t.Fatal(err)
	}
	ms := l.Scan("this has a worse phrase in it", "")
	if len(ms) != 1 || ms[0].EntryID != "iwf-4" || ms[0].Category != Illegal || ms[0].Severity != 5 {
		t.Errorf("Scan = %+v", ms)
	}
	base, _ := Baseline()
	if _, err := base.Merge(l); err != nil {
		t.Errorf("merging a list onto the baseline: %v", err)
	}
	for _, tt := range []struct {
		o    ListOptions
		src  string
		want string
	}{
		{ListOptions{Category: "x", Severity: 5}, "a", `iwf.txt: category "x"`},
		{ListOptions{Category: Illegal, Severity: 0}, "a", "iwf.txt: severity 0"},
		{ListOptions{Category: Illegal, Severity: 5}, "ok\n...", "iwf.txt:2: has no letters"},
	} {
		if _, err := LoadList(strings.NewReader(tt.src), "iwf.txt", tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("LoadList(%q) = %v, want %q", tt.src, err, tt.want)
		}
	}
}

// TestDocsExampleLocalLibrary keeps docs/examples/monitor-local.lib (shown in
// docs/monitor.md) valid against the baseline, and checks it does what the
// page says.
func TestDocsExampleLocalLibrary(t *testing.T) {
	f, err := os.Open("../../docs/examples/monitor-local.lib")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	local, err := Load(f, "monitor-local.lib")
	if err != nil {
		t.Fatal(err)
	}
	base, err := Baseline()
	if err != nil {
		t.Fatal(err)
	}
	lib, err := base.Merge(local)
	if err != nil {
		t.Fatal(err)
	}
	got := func(text, site string) string {
		var s []string
		for _, m := range lib.Scan(text, site) {
			s = append(s, fmt.Sprintf("%s:%d", m.EntryID, m.Severity))
		}
		return strings.Join(s, ",")
	}
	for _, tt := range []struct{ text, site, want string }{
		{"they make me sit alone at lunch", "", "local-lunch:2"},
		{"he has a gun", "", "vw-gun:1"},
		{"i play poker", "", ""},
		{"i want to die", "", "su-want-die:3"},
		{"a knife", "www.cooking.example", ""},
		{"a knife", "", "vw-knife:2"},
		{"kill myself", "quiet.example", ""},
	} {
		if g := got(tt.text, tt.site); g != tt.want {
			t.Errorf("Scan(%q, %q) = %q, want %q", tt.text, tt.site, g, tt.want)
		}
	}
}
