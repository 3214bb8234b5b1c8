package lists

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func parseString(t testing.TB, text string) ([]string, Stats, []Problem) {
	t.Helper()
	var names []string
	st, probs, err := Parse(strings.NewReader(text), "test.txt", func(n []byte) { names = append(names, string(n)) })
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return names, st, probs
}

func TestParseFormats(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    []string
		bad     []int // lines reported as problems
		ignored map[string]int
	}{
		{name: "plain names", text: "Example.COM\nwww.example.org.\n\n  spaced.example  \r\n", want: []string{"example.com", "www.example.org", "spaced.example"}},
		{name: "comments", text: "# a comment\nexample.com # trailing comment\n! adblock comment\n", want: []string{"example.com"}},
		{name: "hosts", text: "0.0.0.0 ads.example.com\n127.0.0.1\tone.example two.example  three.example\n:: v6.example\n", want: []string{"ads.example.com", "one.example", "two.example", "three.example", "v6.example"}},
		{name: "hosts boilerplate", text: "127.0.0.1 localhost\n::1 localhost ip6-localhost\n255.255.255.255 broadcasthost\n0.0.0.0 0.0.0.0\nfe80::1%lo0 localhost\n0.0.0.0 real.example\n",
			want:    []string{"real.example"},
			ignored: map[string]int{IgnoredLocalhost: 5, IgnoredAddress: 1}},
		{name: "adblock", text: "[Adblock Plus 2.0]\n||ads.example.com^\n||track.example^$important\n||x.example^|\n@@||ok.example^\n||y.example^$third-party\nexample.com##.banner\n||z.example/path\n/regex/\n|http://a.example\n||*.w.example^\n",
			want: []string{"ads.example.com", "track.example", "x.example"},
			ignored: map[string]int{IgnoredHeader: 1, IgnoredException: 1, IgnoredOptions: 1, IgnoredCosmetic: 1,
				IgnoredPattern: 4}},
		{name: "wildcard prefix", text: "*.example.com\n", want: []string{"example.com"}},
		{name: "addresses in a names list", text: "192.0.2.1\n2001:db8::1\nexample.com\n", want: []string{"example.com"}, ignored: map[string]int{IgnoredAddress: 2}},
		{name: "underscore and punycode", text: "my_site.tripod.com\nxn--bcher-kva.example\n", want: []string{"my_site.tripod.com", "xn--bcher-kva.example"}},
		{name: "bad lines", text: "good.example\nbad name here\nsingle\nb..example\n.lead.example\nbücher.example\nsemi;colon.example\n||noanchor.example\n" +
			strings.Repeat("a", 64) + ".example\n" + strings.Repeat("abcdefghi.", 26) + "com\nlast.example",
			want: []string{"good.example", "last.example"},
			bad:  []int{2, 3, 4, 5, 6, 7, 8, 9, 10}},
		{name: "no final newline", text: "a.example\nb.example", want: []string{"a.example", "b.example"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names, st, probs := parseString(t, tt.text)
			if !slices.Equal(names, tt.want) {
				t.Errorf("names = %q, want %q", names, tt.want)
			}
			var badLines []int
			for _, p := range probs {
				if p.Line > 0 {
					badLines = append(badLines, p.Line)
					if p.File != "test.txt" || p.Message == "" {
						t.Errorf("problem %+v lacks its file or message", p)
					}
				}
			}
			if !slices.Equal(badLines, tt.bad) {
				t.Errorf("bad lines = %v, want %v (%v)", badLines, tt.bad, probs)
			}
			if st.Bad != len(tt.bad) || st.Names != len(tt.want) {
				t.Errorf("stats = %+v", st)
			}
			for reason, n := range tt.ignored {
				if st.Ignored[reason] != n {
					t.Errorf("ignored %q = %d, want %d", reason, st.Ignored[reason], n)
				}
			}
			total := 0
			for _, n := range st.Ignored {
				total += n
			}
			want := 0
			for _, n := range tt.ignored {
				want += n
			}
			if total != want {
				t.Errorf("ignored = %v, want %v", st.Ignored, tt.ignored)
			}
			// Each reason is reported once, with its count.
			summaries := 0
			for _, p := range probs {
				if p.Line == 0 && strings.HasPrefix(p.Message, "ignored ") {
					summaries++
				}
			}
			if summaries != len(st.Ignored) {
				t.Errorf("%d summary problems for %d reasons: %v", summaries, len(st.Ignored), probs)
			}
		})
	}
}

func TestParseLongLines(t *testing.T) {
	text := "a.example\n" + strings.Repeat("x", 200_000) + "\nb.example\n" + strings.Repeat("y", MaxLineLen+1) + "\nc.example\n"
	names, st, probs := parseString(t, text)
	if !slices.Equal(names, []string{"a.example", "b.example", "c.example"}) {
		t.Errorf("names = %q", names)
	}
	if len(probs) != 2 || probs[0].Line != 2 || probs[1].Line != 4 {
		t.Errorf("problems = %v", probs)
	}
	if st.Lines != 5 {
		t.Errorf("lines = %d, want 5", st.Lines)
	}
}

func TestParseCapsProblems(t *testing.T) {
	text := strings.Repeat("not a name\n", MaxProblemsPerFile+50) + "fine.example\n"
	names, st, probs := parseString(t, text)
	if len(names) != 1 || st.Bad != MaxProblemsPerFile+50 {
		t.Fatalf("names %v, stats %+v", names, st)
	}
	if len(probs) != MaxProblemsPerFile+1 {
		t.Fatalf("%d problems, want %d", len(probs), MaxProblemsPerFile+1)
	}
	if last := probs[len(probs)-1]; last.Line != 0 || !strings.Contains(last.Message, "50 more") {
		t.Errorf("summary = %+v", last)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"WWW.Example.COM.", "www.example.com", true},
		{"com", "com", true},
		{"xn--80ak6aa92e.com", "xn--80ak6aa92e.com", true},
		{"", "", false},
		{".", "", false},
		{"a..b", "", false},
		{"a.b..", "", false},
		{"пример.рф", "", false},
		{"a b.com", "", false},
		{strings.Repeat("a", 63) + ".com", strings.Repeat("a", 63) + ".com", true},
		{strings.Repeat("a", 64) + ".com", "", false},
		{strings.Repeat("abc.", 63) + "a", strings.Repeat("abc.", 63) + "a", true}, // 253
		{strings.Repeat("abc.", 63) + "ab", "", false},                             // 254
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// ut1Path finds the shared copy of all the UT1 lists: LIFEGUARD_UT1_DIR, or
// ../shared/data/ut1 beside the repository. When LIFEGUARD_UT1_DIR is set the
// lists must be there; otherwise tests that need them skip (the small lists
// in testdata/ut1 are always read).
func ut1Path(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("LIFEGUARD_UT1_DIR")
	set := dir != ""
	if !set {
		dir, _ = filepath.Abs("../../../../shared/data/ut1")
	}
	if _, err := os.Stat(filepath.Join(dir, "gambling.txt")); err != nil {
		if set {
			t.Fatalf("UT1 lists not found in LIFEGUARD_UT1_DIR=%s: %v", dir, err)
		}
		if os.Getenv("CI") != "" {
			t.Fatalf("the shared UT1 lists are not in %s: CI runs with ../shared beside the clone", dir)
		}
		t.Skipf("the shared UT1 lists are not in %s (set LIFEGUARD_UT1_DIR)", dir)
	}
	return dir
}

// checkUT1Files reads real UT1 files: each line is a name, an ignored line
// or a reported problem, and the counts add up.
func checkUT1Files(t *testing.T, files []string) {
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			fh, err := os.Open(f)
			if err != nil {
				t.Fatal(err)
			}
			defer fh.Close()
			n := 0
			st, probs, err := Parse(fh, filepath.Base(f), func(name []byte) {
				if !IsName(string(name)) {
					t.Errorf("not normalised: %q", name)
				}
				n++
			})
			if err != nil {
				t.Fatal(err)
			}
			ignored := 0
			for _, c := range st.Ignored {
				ignored += c
			}
			if n != st.Names || st.Names+st.Bad+ignored != st.Lines {
				t.Errorf("names %d + bad %d + ignored %d != lines %d", st.Names, st.Bad, ignored, st.Lines)
			}
			if st.Names == 0 {
				t.Errorf("no names")
			}
			for _, p := range probs {
				t.Logf("%v", p)
			}
		})
	}
}

func TestParseUT1Testdata(t *testing.T) {
	files, err := filepath.Glob("testdata/ut1/*.txt")
	if err != nil || len(files) != 7 {
		t.Fatalf("glob: %v, %d files", err, len(files))
	}
	checkUT1Files(t, files)
	// Lines the real files hold: an IP address is ignored, not a problem;
	// underscores are accepted.
	f, err := os.Open("testdata/ut1/agressif.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	found := false
	st, _, err := Parse(f, "agressif.txt", func(n []byte) { found = found || string(n) == "_video-bagarre.com" })
	if err != nil || !found || st.Ignored[IgnoredAddress] == 0 || st.Bad != 0 {
		t.Errorf("agressif.txt: found %v, stats %+v, %v", found, st, err)
	}
}

func TestParseUT1(t *testing.T) {
	dir := ut1Path(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(files) < 20 {
		t.Fatalf("glob: %v, %d files", err, len(files))
	}
	checkUT1Files(t, files)
}

// TestUT1Samples checks names known to be in the real lists, and what they
// cover.
func TestUT1Samples(t *testing.T) {
	dir := ut1Path(t)
	b := NewBuilder()
	for i, f := range []string{"gambling.txt", "games.txt", "vpn.txt"} {
		fh, err := os.Open(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		keys, _, _, err := b.ReadKeys(fh, f)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		b.AddKeys(1<<i, keys)
	}
	m, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		want uint64
	}{
		{"0-casino.info", 1},
		{"www.0-casino.info", 1},
		{"deep.sub.000-online-casino.com", 1},
		{"x.000-online-casino.biz", 1},
		{"0000100.com", 2},
		{"01-casino.com", 3}, // in both the gambling and the games list: the union
		{"example.com", 0},
		{"online-casino.biz", 0}, // the parent of a listed name is not covered
	}
	for _, tt := range tests {
		if got := m.Match(tt.name); got != tt.want {
			t.Errorf("Match(%q) = %b, want %b", tt.name, got, tt.want)
		}
	}
}
