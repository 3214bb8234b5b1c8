// Command gen writes the data of the filter comparison (bench/filter/run.sh)
// into a directory: one block list in the formats the filters read, the
// dnsperf query files and the names the probe checks. The same flags give the
// same files, byte for byte: names come from a seeded generator, never from
// the clock.
//
// Files written:
//
//	domains.txt     the block list, one name a line (Lifeguard)
//	blocky.txt      the same names as wildcards, *.name (Blocky: a plain name
//	                there blocks only itself, a wildcard also its subdomains)
//	adguard.txt     the same names as adblock rules, ||name^ (AdGuard Home)
//	queries.txt     the query mix of the throughput run, "name TYPE" a line (dnsperf -d)
//	latency.txt     the same mix for the fixed-rate latency run, its new names
//	                apart from those of queries.txt
//	warmup.txt      the cached allowed names, each with A and AAAA
//	check.txt       "name blocked|allowed" lines the probe verifies first
//	probe-name      a listed name from the end of the list, for the load time
//	summary.txt     counts and proportions, for the README
//
// The block list is every valid name of the UT1 files (child.txt excepted: it
// lists sites suitable for young children, an allow list), then generated
// names until the total is reached. Generated names use a made-up vocabulary
// under real top-level domains, so each filter treats them as ordinary
// names. Allowed and new names are checked to have no listed name as a
// suffix, since every filter here blocks the subdomains of a listed name.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

type config struct {
	ut1      string
	out      string
	total    int
	queries  int
	latency  int
	allowed  int
	mix      [3]int // per cent: cached allowed, blocked, new
	seed     uint64
	aaaaPct  int // of the cached allowed queries, the share asking AAAA
	checkNum int
}

func run() error {
	var c config
	var mix string
	flag.StringVar(&c.ut1, "ut1", "", "directory of the UT1 list files (required)")
	flag.StringVar(&c.out, "out", "", "directory to write into (required; created)")
	flag.IntVar(&c.total, "total", 1_500_000, "names in the block list")
	flag.IntVar(&c.queries, "queries", 4_000_000, "queries in queries.txt")
	flag.IntVar(&c.latency, "latency-queries", 300_000, "queries in latency.txt")
	flag.IntVar(&c.allowed, "allowed", 2_000, "distinct allowed names that the mix repeats (the cached part)")
	flag.StringVar(&mix, "mix", "60,25,15", "per cent of cached allowed, blocked and new names in the mix")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the name generator")
	flag.IntVar(&c.aaaaPct, "aaaa", 25, "per cent of the cached allowed queries that ask AAAA")
	flag.IntVar(&c.checkNum, "check", 500, "blocked and allowed names each that check.txt lists")
	flag.Parse()
	switch {
	case c.ut1 == "":
		return errors.New("-ut1: required")
	case c.out == "":
		return errors.New("-out: required")
	case c.total < 1 || c.queries < 1 || c.latency < 1 || c.allowed < 1 || c.checkNum < 1:
		return errors.New("-total, -queries, -allowed and -check must be positive")
	case c.aaaaPct < 0 || c.aaaaPct > 100:
		return errors.New("-aaaa: a per cent, 0 to 100")
	}
	if _, err := fmt.Sscanf(mix, "%d,%d,%d", &c.mix[0], &c.mix[1], &c.mix[2]); err != nil ||
		c.mix[0] < 0 || c.mix[1] < 0 || c.mix[2] < 0 || c.mix[0]+c.mix[1]+c.mix[2] != 100 {
		return fmt.Errorf("-mix %q: three per cents adding up to 100, such as 60,25,15", mix)
	}
	if err := os.MkdirAll(c.out, 0o755); err != nil {
		return err
	}
	return generate(c)
}

// validName reports whether s is a host name every filter here accepts:
// letters, digits and hyphens in labels of 1 to 63, at least two labels, at
// most 253 characters, and not an IPv4 address.
func validName(s string) bool {
	if len(s) == 0 || len(s) > 253 || !strings.Contains(s, ".") {
		return false
	}
	if _, err := netip.ParseAddr(s); err == nil {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			b := label[i]
			if !('a' <= b && b <= 'z' || '0' <= b && b <= '9' || b == '-') {
				return false
			}
		}
	}
	return true
}

// readUT1 returns the valid names of the UT1 files in file-name order, each
// once, and how many lines were skipped as not valid names.
func readUT1(dir string, seen map[string]struct{}) (names []string, skipped int, err error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, 0, err
	}
	if len(files) == 0 {
		return nil, 0, fmt.Errorf("-ut1 %s: no .txt files", dir)
	}
	slices.Sort(files)
	for _, file := range files {
		if filepath.Base(file) == "child.txt" {
			continue
		}
		f, err := os.Open(file)
		if err != nil {
			return nil, 0, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			s := strings.ToLower(strings.TrimSpace(sc.Text()))
			if s == "" || s[0] == '#' {
				continue
			}
			if !validName(s) {
				skipped++
				continue
			}
			if _, dup := seen[s]; dup {
				continue
			}
			seen[s] = struct{}{}
			names = append(names, s)
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", file, err)
		}
	}
	return names, skipped, nil
}

var (
	tlds      = []string{"com", "net", "org", "info", "biz", "io", "co", "uk", "de", "fr", "ru", "xyz", "top", "online", "site", "club", "eu", "nl", "pl", "it"}
	syllables = []string{"ka", "lo", "mi", "ne", "ru", "ta", "ve", "zo", "pa", "qui", "sen", "dor", "lan", "mar", "tis", "bel", "cor", "fin", "gul", "hex", "jor", "kin", "lum", "nox", "pry", "sol", "tun", "vax", "wek", "yel"}
	prefixes  = []string{"www", "m", "cdn", "img", "api", "static", "shop", "mail", "app", "news"}
)

// word returns a made-up word of 2 to 5 syllables, sometimes with digits.
func word(r *rand.Rand) string {
	var b strings.Builder
	for range 2 + r.IntN(4) {
		b.WriteString(syllables[r.IntN(len(syllables))])
	}
	if r.IntN(4) == 0 {
		fmt.Fprintf(&b, "%d", r.IntN(1000))
	}
	return b.String()
}

// blockedBySuffix reports whether name or one of its parents is listed.
func blockedBySuffix(name string, listed map[string]struct{}) bool {
	for s := name; ; {
		if _, ok := listed[s]; ok {
			return true
		}
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return false
		}
		s = s[i+1:]
	}
}

func writeLines(path string, lines []string, format func(*bufio.Writer, string)) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	for _, l := range lines {
		format(w, l)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func generate(c config) error {
	r := rand.New(rand.NewPCG(c.seed, 0x6c696665677561)) // fixed stream: same seed, same names
	listed := make(map[string]struct{}, c.total)
	ut1, skipped, err := readUT1(c.ut1, listed)
	if err != nil {
		return err
	}
	if len(ut1) > c.total {
		return fmt.Errorf("-total %d: the UT1 files alone have %d names", c.total, len(ut1))
	}
	names := make([]string, 0, c.total)
	names = append(names, ut1...)
	for len(names) < c.total {
		n := word(r) + "." + tlds[r.IntN(len(tlds))]
		if r.IntN(5) == 0 {
			n = word(r) + "." + n
		}
		if len(n) > 253 || blockedBySuffix(n, listed) {
			continue // a duplicate, or already covered by a listed parent
		}
		listed[n] = struct{}{}
		names = append(names, n)
	}

	// Allowed names: repeated by the mix, so after the warm-up they are in
	// every filter's cache.
	allowed := make([]string, 0, c.allowed)
	seenAllowed := map[string]struct{}{}
	for len(allowed) < c.allowed {
		n := prefixes[r.IntN(len(prefixes))] + "." + word(r) + "-ok." + tlds[r.IntN(len(tlds))]
		if _, dup := seenAllowed[n]; dup || blockedBySuffix(n, listed) {
			continue
		}
		seenAllowed[n] = struct{}{}
		allowed = append(allowed, n)
	}

	queries, counts, blockedSub := c.mixOf(r, c.queries, "q", names, allowed, listed)
	latency, _, _ := c.mixOf(r, c.latency, "l", names, allowed, listed)

	// What the probe verifies before the load: listed names (and subdomains)
	// must be blocked, allowed names must get the upstream's answer.
	check := make([]string, 0, 2*c.checkNum)
	for i := range c.checkNum {
		n := names[r.IntN(len(names))]
		if i%2 == 1 && len(n) < 240 {
			n = "www." + n
		}
		check = append(check, n+" blocked")
	}
	for i := range c.checkNum {
		check = append(check, allowed[i%len(allowed)]+" allowed")
	}

	plain := func(w *bufio.Writer, s string) { w.WriteString(s); w.WriteByte('\n') }
	if err := writeLines(filepath.Join(c.out, "domains.txt"), names, plain); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(c.out, "blocky.txt"), names, func(w *bufio.Writer, s string) {
		w.WriteString("*.")
		w.WriteString(s)
		w.WriteByte('\n')
	}); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(c.out, "adguard.txt"), names, func(w *bufio.Writer, s string) {
		w.WriteString("||")
		w.WriteString(s)
		w.WriteString("^\n")
	}); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(c.out, "queries.txt"), queries, plain); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(c.out, "latency.txt"), latency, plain); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(c.out, "warmup.txt"), allowed, func(w *bufio.Writer, s string) {
		w.WriteString(s + " A\n" + s + " AAAA\n")
	}); err != nil {
		return err
	}
	if err := writeLines(filepath.Join(c.out, "check.txt"), check, plain); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(c.out, "probe-name"), []byte(names[len(names)-1]+"\n"), 0o644); err != nil {
		return err
	}
	summary := fmt.Sprintf("block list: %d names (%d from UT1, %d generated; %d UT1 lines skipped: IP addresses or names with '_')\n"+
		"queries: %d (cached allowed %d = %.1f%%, %d distinct names, %d%% of them AAAA; blocked %d = %.1f%%, %d of them subdomains of a listed name; new %d = %.1f%%)\n"+
		"latency run: %d queries, the same mix\n"+
		"seed: %d\n",
		len(names), len(ut1), len(names)-len(ut1), skipped,
		c.queries, counts[0], pct(counts[0], c.queries), len(allowed), c.aaaaPct,
		counts[1], pct(counts[1], c.queries), blockedSub,
		counts[2], pct(counts[2], c.queries), c.latency, c.seed)
	return os.WriteFile(filepath.Join(c.out, "summary.txt"), []byte(summary), 0o644)
}

// mixOf draws count queries of the mix. A blocked query asks for a listed name
// itself or, half the time, for a subdomain of it. A new name carries its
// tag and index, so it is never asked twice and is a cache miss that goes to
// the upstream.
func (c config) mixOf(r *rand.Rand, count int, tag string, names, allowed []string, listed map[string]struct{}) (queries []string, counts [3]int, blockedSub int) {
	queries = make([]string, 0, count)
	for i := range count {
		p := r.IntN(100)
		switch {
		case p < c.mix[0]:
			counts[0]++
			qtype := "A"
			if r.IntN(100) < c.aaaaPct {
				qtype = "AAAA"
			}
			queries = append(queries, allowed[r.IntN(len(allowed))]+" "+qtype)
		case p < c.mix[0]+c.mix[1]:
			counts[1]++
			n := names[r.IntN(len(names))]
			if r.IntN(2) == 0 && len(n) < 240 {
				n = prefixes[r.IntN(len(prefixes))] + "." + n
				blockedSub++
			}
			queries = append(queries, n+" A")
		default:
			counts[2]++
			// The index makes it unique; "-new" keeps it apart from the list.
			n := fmt.Sprintf("%s%d.%s-new.%s", tag, i, word(r), tlds[r.IntN(len(tlds))])
			for blockedBySuffix(n, listed) {
				n = fmt.Sprintf("%s%d.%s-new.%s", tag, i, word(r), tlds[r.IntN(len(tlds))])
			}
			queries = append(queries, n+" A")
		}
	}
	return queries, counts, blockedSub
}

func pct(n, of int) float64 { return 100 * float64(n) / float64(of) }
