package monitor

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// refScan is the plain implementation of Scan's rules, kept as the reference
// that the fast one (scan.go, frames.go) is fuzzed against: every cue tried
// against every match, the matches sorted and thinned as whole Match values.
// It reads the text through the reference normaliser and the same automaton.
func refScan(l *Library, text, site string) []Match {
	var n refNormaliser
	nt := n.normalise(text)
	var hits, except, frames []hit
	for _, r := range l.m.run(nt.text, nil) {
		p := l.c.pats[r.id]
		s, e := r.end-l.m.patLen[r.id], r.end
		if p.inner {
			s, e = s+1, e-1
		}
		h := hit{pat: r.id, start: s, end: e}
		switch p.kind {
		case patEntry:
			hits = append(hits, h)
		case patException:
			except = append(except, h)
		default:
			frames = append(frames, h)
		}
	}
	matches := []Match{}
	host := siteHost(site)
	for _, h := range hits {
		p := l.c.pats[h.pat]
		e := &l.entries[p.ref]
		if e.Mode == ModePhrase {
			end, ok := followWords(nt.text, int(h.end), l.c.words[p.ref], e.Gap)
			if !ok {
				continue
			}
			h.end = int32(end)
		}
		if l.excepted(except, p.ref, h) || l.excluded(host, e) {
			continue
		}
		sev, rule, cancel := refFrameEffect(l, nt.text, frames, h, e)
		if cancel {
			continue
		}
		m := Match{Category: e.Category, Severity: sev, EntryID: e.ID, Phrase: e.Phrase, Rule: rule,
			Start: int(nt.orig[h.start]), End: int(nt.orig[h.end])}
		if m.End <= m.Start {
			_, size := utf8.DecodeRuneInString(text[m.Start:])
			m.End = m.Start + max(size, 1)
		}
		matches = append(matches, m)
	}
	slices.SortStableFunc(matches, func(a, b Match) int {
		if a.Start != b.Start {
			return a.Start - b.Start
		}
		return b.Severity - a.Severity
	})
	matches = slices.CompactFunc(matches, func(a, b Match) bool {
		return a.EntryID == b.EntryID && a.Start == b.Start && a.End == b.End
	})
	out := []Match{}
	for i, m := range matches {
		inside := false
		for j, o := range matches {
			if j != i && o.Start <= m.Start && m.End <= o.End && o.End-o.Start > m.End-m.Start {
				inside = true
			}
		}
		if !inside {
			out = append(out, m)
		}
	}
	return out
}

// refFrameEffect tries every cue of the text against h: the first cancel
// wins, else the largest lowering, of equal ones the first cue met.
func refFrameEffect(l *Library, text []byte, frames []hit, h hit, e *Entry) (int, string, bool) {
	rule, lower := "", 0
	for _, x := range frames {
		f := &l.frames[l.c.pats[x.pat].ref]
		if len(f.Categories) > 0 && !slices.Contains(f.Categories, e.Category) {
			continue
		}
		var gap []byte
		switch {
		case !f.After && x.end <= h.start:
			gap = text[x.end:h.start]
		case f.After && h.end <= x.start:
			gap = text[h.end:x.start]
		default:
			continue
		}
		if strings.Contains(string(gap), "\n") || strings.Count(string(gap), " ") > f.Window+1 {
			continue
		}
		if f.Cancel {
			return 0, f.ID, true
		}
		if f.Lower > lower {
			rule, lower = f.ID, f.Lower
		}
	}
	return max(e.Severity-lower, 1), rule, false
}

// crowdedLib has cues on everyday words, of every window, before and after,
// several lowering alike, overlapping one another and the phrases, so that
// a match often has many cues around it to choose from.
const crowdedLib = `
entry kill category=violence_weapons severity=3 phrase="kill" except="kill time"
entry kms category=suicide severity=5 phrase="kill myself"
entry die category=suicide severity=4 mode=phrase gap=2 phrase="want die"
entry sad category=self_harm severity=2 phrase="sad"
entry hurt category=self_harm severity=4 phrase="hurt me"
entry me category=bullying severity=1 phrase="me"
entry nazi category=extremism severity=3 mode=part phrase="nazi"
frame you kind=reporting cue="you" window=1 effect=lower-2
frame you2 kind=reporting cue="you" window=3 categories=suicide effect=lower-2
frame he kind=reporting cue="he" window=0 effect=lower-1
frame she kind=reporting cue="she" window=2 categories=self_harm,suicide effect=lower-2
frame the kind=reporting cue="the" window=4 effect=lower-1
frame a kind=reporting cue="a" window=12 effect=lower-3
frame never kind=negated cue="never" window=2 effect=cancel
frame not kind=negated cue="not" window=0 position=after effect=cancel
frame lol kind=negated cue="lol" window=1 position=after effect=lower-2
frame jk kind=negated cue="jk" window=5 position=after effect=lower-2
frame me kind=negated cue="me" window=1 position=after effect=lower-1
frame help kind=educational cue="how to help" window=6 effect=lower-2
frame helpme kind=educational cue="help me" window=2 position=after categories=suicide effect=lower-3
exclude site=quiet.example category=bullying
`

// FuzzScanMatchesReference checks Scan against refScan over the baseline
// and two small libraries: the same matches, severities, rules and offsets.
func FuzzScanMatchesReference(f *testing.F) {
	libs := []*Library{mustLoadF(f, crowdedLib), mustLoadF(f, rulesLib)}
	base, err := Baseline()
	if err != nil {
		f.Fatal(err)
	}
	libs = append(libs, base)
	for _, s := range []string{"", "i want to kill myself", "you kill myself lol", "he said she would kill me jk",
		"a the you he kill me not", "never you kill. you kill", "how to help you want to die help me",
		"you you you sad you you", "the neonazis lol jk lol", "kill kill kill", "KILL, me; you\nsad",
		"a b c kill d e f", "ﬁ kill ﬁ", "you kill time", "you dont want to kill yourself", "she hurt me lol",
		"I would never kill myself", "if you feel suicidal, call", "my friend wants to kill himself jk",
		// Hits in what the whole-word path writes and then gives back to
		// the general path: a word that turns out to hold a digit or a
		// mark, a one-letter word, separators before something else.
		"kill me1", "kill me$", "kill me é", "kill  me 5", "kill me, 5", "a kill me", "k i l l me",
		"kill a b c", "sad a.", "kill'me", "you kill me\x01x", "nazis x y z", "me a kill time 2"} {
		f.Add(s, "")
	}
	f.Add("kill me", "https://quiet.example/x")
	// One normaliser per library, reused as Scan's pool reuses them.
	fed := make([]normaliser, len(libs))
	for i, l := range libs {
		fed[i].m = l.m
		fed[i].normalise(strings.Repeat("left over kill me ", 40))
	}
	f.Fuzz(func(t *testing.T, s, site string) {
		for i, l := range libs {
			// The automaton fed while the text is normalised finds what
			// it finds in a pass of its own over the reference normal
			// form: hits the whole-word path gave back are not left
			// behind (Scan's removal of duplicate matches would hide
			// them).
			var ref refNormaliser
			if got, want := fed[i].normalise(s), l.m.run(ref.normalise(s).text, nil); !slices.Equal(fed[i].raw, want) {
				t.Fatalf("library %d: normalising %q fed the automaton\n%v (%q)\nits own pass found\n%v", i, s, fed[i].raw, got.text, want)
			}
			got, want := l.Scan(s, site), refScan(l, s, site)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("library %d: Scan(%q, %q) =\n%+v\nreference\n%+v", i, s, site, got, want)
			}
		}
	})
}

func mustLoadF(f *testing.F, src string) *Library {
	l, err := Load(strings.NewReader(src), "test.lib")
	if err != nil {
		f.Fatal(err)
	}
	return l
}
