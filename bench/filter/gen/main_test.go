package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestValidName(t *testing.T) {
	tests := []struct {
		name string
		want bool
	}{
		{"example.com", true},
		{"a-b.c0.example.org", true},
		{"localhost", false},       // one label
		{"118.123.4.224", false},   // an address
		{"under_score.com", false}, // not every filter takes '_'
		{"-lead.com", false},       // hyphen at a label's edge
		{"a..b", false},            // empty label
		{"Upper.com", false},       // callers lower-case first
		{strings.Repeat("a", 64) + ".com", false},
	}
	for _, tt := range tests {
		if got := validName(tt.name); got != tt.want {
			t.Errorf("validName(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestBlockedBySuffix(t *testing.T) {
	listed := map[string]struct{}{"bad.com": {}, "x.example.org": {}}
	tests := []struct {
		name string
		want bool
	}{
		{"bad.com", true},
		{"www.bad.com", true},
		{"notbad.com", false},
		{"a.x.example.org", true},
		{"example.org", false},
	}
	for _, tt := range tests {
		if got := blockedBySuffix(tt.name, listed); got != tt.want {
			t.Errorf("blockedBySuffix(%q) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestGenerate checks what run.sh relies on: the same flags give the same
// files; the list has the UT1 names and the requested total in each format;
// allowed and new names are not covered by the list.
func TestGenerate(t *testing.T) {
	ut1 := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(ut1, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("gambling.txt", "casino.example\nBET.example\n10.0.0.1\nbad_name.example\n\n")
	write("child.txt", "kids.example\n")
	c := config{total: 500, queries: 2000, latency: 300, allowed: 20, mix: [3]int{60, 25, 15}, seed: 7, aaaaPct: 25, checkNum: 10, ut1: ut1}

	read := func(dir, name string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	c.out = t.TempDir()
	if err := generate(c); err != nil {
		t.Fatal(err)
	}
	first := c.out
	c.out = t.TempDir()
	if err := generate(c); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"domains.txt", "blocky.txt", "adguard.txt", "queries.txt", "latency.txt", "warmup.txt", "check.txt", "probe-name", "summary.txt"} {
		if !bytes.Equal(read(first, f), read(c.out, f)) {
			t.Errorf("%s differs between two runs with the same flags", f)
		}
	}

	domains := strings.Fields(string(read(first, "domains.txt")))
	if len(domains) != 500 || domains[0] != "casino.example" || domains[1] != "bet.example" {
		t.Fatalf("domains.txt: %d names starting %v; want 500 starting with the UT1 names", len(domains), domains[:2])
	}
	listed := map[string]struct{}{}
	for _, d := range domains {
		if d == "kids.example" || d == "10.0.0.1" || strings.Contains(d, "_") {
			t.Errorf("domains.txt has %q", d)
		}
		listed[d] = struct{}{}
	}
	if n := len(strings.Fields(string(read(first, "blocky.txt")))); n != 500 {
		t.Errorf("blocky.txt has %d lines, want 500", n)
	}
	if !strings.HasPrefix(string(read(first, "adguard.txt")), "||casino.example^\n") {
		t.Error("adguard.txt does not start with ||casino.example^")
	}

	lines := strings.Split(strings.TrimSpace(string(read(first, "queries.txt"))), "\n")
	if len(lines) != 2000 {
		t.Fatalf("queries.txt has %d lines, want 2000", len(lines))
	}
	var blocked, fresh int
	seenNew := map[string]bool{}
	for _, l := range lines {
		name, qtype, _ := strings.Cut(l, " ")
		if qtype != "A" && qtype != "AAAA" {
			t.Fatalf("query %q: type %q", l, qtype)
		}
		switch {
		case blockedBySuffix(name, listed):
			blocked++
		case strings.Contains(name, "-new."):
			fresh++
			if seenNew[name] {
				t.Errorf("new name %s asked twice", name)
			}
			seenNew[name] = true
		case !strings.Contains(name, "-ok."):
			t.Errorf("query %q is neither blocked, new nor allowed", l)
		}
	}
	// 25 % and 15 % of 2000, give or take the draw.
	if blocked < 400 || blocked > 600 || fresh < 220 || fresh > 380 {
		t.Errorf("%d blocked and %d new queries of 2000; want about 500 and 300", blocked, fresh)
	}
	for l := range strings.SplitSeq(strings.TrimSpace(string(read(first, "check.txt"))), "\n") {
		name, want, _ := strings.Cut(l, " ")
		if got := blockedBySuffix(name, listed); got != (want == "blocked") {
			t.Errorf("check.txt: %s says %s", name, want)
		}
	}
}
