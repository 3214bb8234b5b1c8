package monitor

import (
	"fmt"
	"strings"
	"testing"
)

// rulesLib exercises each rule on its own small library, so that a change to
// the baseline cannot hide a broken rule.
const rulesLib = `
entry die category=suicide severity=4 mode=phrase gap=2 phrase="want die"
entry kms category=suicide severity=5 phrase="kill myself"
entry kill category=violence_weapons severity=2 phrase="kill" except="kill time" except="killing it"
entry nazi category=extremism severity=3 mode=part phrase="nazi" except="grammar nazi"
entry sh category=self_harm severity=4 phrase="self harm"
entry knife category=violence_weapons severity=3 phrase="knife"
entry casino category=gambling severity=2 phrase="casino"
frame never kind=negated cue="never" window=2 effect=cancel
frame help kind=educational cue="how to help" window=5 effect=lower-2
frame friend kind=reporting cue="my friend" window=4 effect=lower-1
frame you kind=reporting cue="you" window=1 categories=suicide effect=lower-2
frame aware kind=educational cue="awareness" window=0 position=after effect=lower-2
exclude site=casino.example category=gambling
exclude site=cooking.example entry=knife
exclude site=quiet.example
`

func TestRules(t *testing.T) {
	l := mustLoad(t, rulesLib)
	tests := []struct {
		rule, text, site string
		want             string // entry:severity[:rule]@span, comma-separated
	}{
		{"word", "I will kill him", "", "kill:2@kill"},
		{"word boundary", "skill and killer", "", ""},
		{"part inside a word", "they are neonazis", "", "nazi:3@nazi"},
		{"longest phrase wins", "i kill myself", "", "kms:5@kill myself"},
		{"exception cancels", "we had to kill time", "", ""},
		{"exception only for its entry", "grammar nazi", "", ""},
		{"exception elsewhere does not cancel", "kill time then kill him", "", "kill:2@kill"},
		{"phrase with gap", "i want to just die", "", "die:4@want to just die"},
		{"phrase gap too wide", "i want a lot of chips and then die", "", ""},
		{"phrase across clauses", "i want chips. die hard", "", ""},
		{"phrase in order only", "die want", "", ""},
		{"negated cancels", "I would never kill myself", "", ""},
		{"negation too far", "never said that but i still want to kill myself", "", "kms:5@kill myself"},
		{"negation in another clause", "never. i will kill myself", "", "kms:5@kill myself"},
		{"educational lowers", "how to help a friend who does self harm", "", "sh:2:help@self harm"},
		{"reporting lowers by one", "my friend wants to kill myself", "", "kms:4:friend@kill myself"},
		{"cue after", "self harm awareness week", "", "sh:2:aware@self harm"},
		{"cue after too far", "self harm week awareness", "", "sh:4@self harm"},
		{"site exclusion by category", "casino", "https://www.casino.example/x", ""},
		{"site exclusion elsewhere", "casino", "casino.example.org", "casino:2@casino"},
		{"site exclusion by entry", "knife and a self harm", "cooking.example", "sh:4@self harm"},
		{"site exclusion of all", "kill myself", "QUIET.example:443", ""},
		{"leet and repeats", "I want to k1lllll mys3lf", "", "kms:5@k1lllll mys3lf"},
		{"look-alikes", "кіll myself", "", "kms:5@кіll myself"},
		{"zero width", "kill\u200b my\u200bself", "", "kms:5@kill\u200b my\u200bself"},
		{"spaced out", "k i l l myself", "", "kms:5@k i l l myself"},
		{"emoji", "gonna get the 🔪", "", "knife:3@🔪"},
		{"accents and width", "ｋｉｌｌ mýself", "", "kms:5@ｋｉｌｌ mýself"},
		{"twice", "kill kill", "", "kill:2@kill,kill:2@kill"},
		{"frame for its categories", "you want to die", "", "die:2:you@want to die"},
		{"frame not for other categories", "you self harm", "", "sh:4@self harm"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			var got []string
			for _, m := range l.Scan(tt.text, tt.site) {
				s := fmt.Sprintf("%s:%d", m.EntryID, m.Severity)
				if m.Rule != "" {
					s += ":" + m.Rule
				}
				got = append(got, s+"@"+tt.text[m.Start:m.End])
			}
			if g := strings.Join(got, ","); g != tt.want {
				t.Errorf("Scan(%q, %q) = %q, want %q", tt.text, tt.site, g, tt.want)
			}
		})
	}
}

func TestScanEmptyIsNotNil(t *testing.T) {
	l := mustLoad(t, rulesLib)
	if ms := l.Scan("nothing here", ""); ms == nil || len(ms) != 0 {
		t.Errorf("Scan = %#v, want an empty non-nil slice", ms)
	}
}

func TestSiteHost(t *testing.T) {
	for in, want := range map[string]string{
		"":                              "",
		"Example.ORG":                   "example.org",
		"https://user@www.x.org:8443/p": "www.x.org",
		"x.org.":                        "x.org",
		"http://x.org?q=1":              "x.org",
	} {
		if got := siteHost(in); got != want {
			t.Errorf("siteHost(%q) = %q, want %q", in, got, want)
		}
	}
}
