package monitor

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func FuzzNormalise(f *testing.F) {
	for _, s := range []string{"", "I want to KiLLLL mysellf", "k i l l", "кіll", "ﬁ ß 🔪", "a\u200bb", "$uicide k1ll",
		"don't", "@x !y a!b", "\xff\xfe", "...", "1 2 3", "a b c d e f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var n normaliser
		out := n.normalise(s)
		if len(out.orig) != len(out.text)+1 {
			t.Fatalf("%d offsets for %d bytes", len(out.orig), len(out.text))
		}
		if out.text[0] != '\n' || out.text[len(out.text)-1] != '\n' {
			t.Fatalf("normal form %q is not bounded by clause breaks", out.text)
		}
		prev := int32(0)
		for i, o := range out.orig {
			if o < prev || int(o) > len(s) {
				t.Fatalf("offset %d of %q is %d, after %d (text length %d)", i, out.text, o, prev, len(s))
			}
			prev = o
		}
		for i := 1; i < len(out.text); i++ {
			a, b := out.text[i-1], out.text[i]
			if (a == ' ' || a == '\n') && (b == ' ' || b == '\n') {
				t.Fatalf("two separators in a row in %q", out.text)
			}
			if b < utf8.RuneSelf && !(b >= 'a' && b <= 'z' || b >= '0' && b <= '9' || b == ' ' || b == '\n') {
				t.Fatalf("byte %q in normal form %q", b, out.text)
			}
		}
		if !utf8.Valid(out.text) {
			t.Fatalf("normal form %q is not UTF-8", out.text)
		}
		once := Normalise(s)
		if twice := Normalise(once); twice != once {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, once, twice)
		}
	})
}

func FuzzScan(f *testing.F) {
	l, err := Baseline()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"i want to kill myself", "k1ll mys3lf", "I would never hurt myself", "stab 🔪 you",
		"ﬁght", "go back to your country", "\u200bkys"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range l.Scan(s, "") {
			if m.Start < 0 || m.End > len(s) || m.Start >= m.End {
				t.Fatalf("match %+v out of text of %d bytes", m, len(s))
			}
			if !m.Category.Valid() || m.Severity < 1 || m.Severity > 5 || m.EntryID == "" {
				t.Fatalf("match %+v", m)
			}
			// What the match covers in the original normalises to text
			// holding the entry's first word.
			first := strings.Fields(Normalise(m.Phrase))[0]
			if got := Normalise(s[m.Start:m.End]); !strings.Contains(got, first) && !strings.Contains(Normalise(s), first) {
				t.Fatalf("match %+v covers %q (normalised %q), not %q", m, s[m.Start:m.End], got, first)
			}
		}
	})
}

func FuzzLoad(f *testing.F) {
	for _, s := range []string{
		"entry a category=drugs severity=2 phrase=weed",
		"entry a category=drugs severity=2 mode=phrase gap=2 phrase=\"a b\" except=\"x y\" ages=11-13 lang=en source=\"s\"",
		"frame f kind=negated cue=never window=2 effect=cancel",
		"frame f kind=educational cue=\"how to\" position=after effect=lower-2",
		"retire a\nregrade b severity=3\nreword c phrase=\"x\"",
		"exclude site=example.org category=drugs",
		"entry a category=drugs severity=2 phrase=\"\\\"q\\\\\"",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		l, err := Load(strings.NewReader(src), "fuzz.lib")
		if err != nil {
			le, ok := err.(*LoadError)
			if !ok {
				t.Fatalf("error %v is not a *LoadError", err)
			}
			for _, p := range le.Problems {
				if !strings.HasPrefix(p, "fuzz.lib:") {
					t.Fatalf("problem %q does not name the file and line", p)
				}
			}
			return
		}
		for _, e := range l.Entries() {
			if !e.Category.Valid() || e.Severity < 1 || e.Severity > 5 || checkPhrase(e.Mode, e.Phrase) != "" {
				t.Fatalf("accepted a bad entry %+v", e)
			}
			l.Scan(e.Phrase, "")
		}
	})
}

// FuzzNormaliseMatchesReference checks the fast normaliser against the plain
// one it replaced: the same bytes and the same offsets for every input.
func FuzzNormaliseMatchesReference(f *testing.F) {
	for _, s := range []string{"", "I want to KiLLLL mysellf", "k i l l me", "a b", "a b c d", "кіll", "ﬁ ß 🔪 x",
		"a\u200bb", "$uicide k1ll", "don't", "@x !y a!b", "\xff\xfe", "...", "1 2 3", "a 1 b c", "ki1l", "x $$ y",
		"h 3 l l o", "a 🔫 b c d", "e\u0301 t e", "Ǆ ǅ", "ŉ",
		// The edges of the ASCII letter fast path: a run of letters meeting
		// a multibyte character, a leet character, a repeat or the end.
		"KILLé", "éKILL", "KIлл", "aé", "ÉÉa", "K1LLer", "sh1tTY", "kiLL3r", "$Ooo", "x@Y", "aAaA", "Zz\u200bZ",
		"don’tKILL", "ok🔪OK", "ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZé",
		// The edges of the whole-word path (words, normalise_words.go): what may follow a
		// word for it to be written at one go, words that collapse to one
		// letter, and words meeting waiting single letters.
		"ab", "ab!", "ab!c", "ab!!", "ab'c", "ab's", "ab.c", "ab,c d", "ab-cd", "ab\x01cd", "ab\tcd", "abé", "ab1",
		"ab@c", "ab$c", "ab|c", "aab", "aa b", "Aa", "AAb c", "k i ll", "k i l ab", "a b ab.", "I am", "x\u200bab",
		"ab\ncd\r\nef", "ab;cd:ef?gh", "éab cd", "$ab", "ab $$ cd", "ab 🔪 cd", "…ab…",
		// The edges of words' one-letter words, apostrophes and marks: a
		// single letter before a word that can or cannot be one, at the
		// end, before a mark; an apostrophe between letters, at a word's
		// end, before a digit; marks between words.
		"i am", "i am a b c", "a b cd", "I a", "ii am", "aa bb", "i aa", "i ab1", "i $uicide", "i 5", "x y",
		"i! am", "i. am", "i\x01 am", "am i", "am i.", "am i 🔪", "i 'am", "i\u200bam",
		"don't", "don''t", "al'l", "a'a b", "ab' cd", "ab'", "ab'1", "ab'é", "ab`c", "'ab cd'",
		"ab@ cd", "ab| cd", "ab! cd", "ab !cd", "ab!! !cd", "ab @cd", "ab |cd", "ab ! ! cd", "ab \x01 cd",
		"ab  cd", "ab \tcd", "ab cd ", "ab c",
		// The edges of the letters-and-spaces loop (run): a one-letter
		// word before two separators or a mark, separators after a space,
		// a space after a clause break, and what the loop gives back.
		"ab c  de", "ab c ,de", "x ,ab", "ab ,c d", "ab  c", "ab , cd", "ab ,cd", "a  bc", "ab c\td",
		"ab. cd", "ab .cd", "ab . . cd", "ab ( cd )", "ab - c - de", "ab cd 5", "ab cd  é", "ab c1 d"} {
		f.Add(s)
	}
	// One fast normaliser for every input, as Scan's pool reuses them: what
	// a longer text left in its buffers must not show in a shorter one.
	var fast normaliser
	fast.normalise(strings.Repeat("left over ", 40))
	f.Fuzz(func(t *testing.T, s string) {
		var ref refNormaliser
		a := fast.normalise(s)
		b := ref.normalise(s)
		if string(a.text) != string(b.text) {
			t.Fatalf("normalise(%q) = %q, reference %q", s, a.text, b.text)
		}
		for i := range a.orig {
			if a.orig[i] != b.orig[i] {
				t.Fatalf("normalise(%q): offset %d is %d, reference %d", s, i, a.orig[i], b.orig[i])
			}
		}
	})
}
