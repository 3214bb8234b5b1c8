package lists

import (
	"bytes"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"example.com\n", "0.0.0.0 a.example b.example # c\n", "||ads.example^$important\n",
		"@@||ok.example^\n", "example.com##.ad\n", "*.w.example\n", "::1 localhost\n",
		"a..b\n", "bücher.example\n", "\x00\xff\n", "||x^|\n", "# only\n\n\r\n", "192.0.2.1\n",
		strings.Repeat("a", 70) + ".com\n", "fe80::1%lo0 localhost\n", "||^\n", "||a.b^$\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var names []string
		st, probs, err := Parse(bytes.NewReader(data), "fuzz", func(n []byte) { names = append(names, string(n)) })
		if err != nil {
			t.Fatalf("a reader that never fails gave an error: %v", err)
		}
		if len(names) != st.Names {
			t.Fatalf("%d names handed over, stats say %d", len(names), st.Names)
		}
		if st.Bad > st.Lines {
			t.Fatalf("more bad lines than lines: %+v", st)
		}
		for _, n := range names {
			if !IsName(n) || !strings.Contains(n, ".") {
				t.Fatalf("handed over %q, which is not a normalised name", n)
			}
			if len(n) > MaxNameLen {
				t.Fatalf("name over the limit: %d", len(n))
			}
		}
		for _, p := range probs {
			if p.File != "fuzz" || p.Line < 0 || p.Line > st.Lines || p.Message == "" {
				t.Fatalf("bad problem %+v (lines %d)", p, st.Lines)
			}
		}
		// Whatever was accepted matches itself and its subdomains.
		b := NewBuilder()
		for _, n := range names {
			b.Add(n, 1)
		}
		m, err := b.Build()
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range names {
			if m.Match(n) != 1 || m.Match("sub."+n) != 1 {
				t.Fatalf("%q not matched", n)
			}
		}
	})
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"Example.COM.", "a..b", "", ".", "xn--d1acufc.xn--p1ai", "a_b.c", "ü.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Normalize(s)
		if err != nil {
			return
		}
		if len(n) == 0 || len(n) > MaxNameLen || strings.HasSuffix(n, ".") || n != strings.ToLower(n) {
			t.Fatalf("Normalize(%q) = %q", s, n)
		}
		again, err := Normalize(n)
		if err != nil || again != n {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", s, n, again, err)
		}
	})
}
