package policy

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// ut1Dir finds the shared UT1 lists: LIFEGUARD_UT1_DIR, or
// ../shared/data/ut1 beside the repository. When LIFEGUARD_UT1_DIR is set the
// lists must be there; otherwise the tests that need them skip.
func ut1Dir(t testing.TB) string {
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

// ut1Config maps the UT1 files to categories as the data's README suggests,
// with extra list files (absolute paths) for pornography.
func ut1Config(dir string, extra ...string) Config {
	f := func(names ...string) ListFiles {
		var l ListFiles
		for _, n := range names {
			l.Lists = append(l.Lists, filepath.Join(dir, n))
		}
		return l
	}
	c := Config{
		TimeZone: "Europe/London",
		Categories: map[string]ListFiles{
			Gambling:       f("gambling.txt"),
			Drugs:          f("drogue.txt"),
			Violence:       f("agressif.txt", "dangerous_material.txt"),
			Hate:           f("agressif.txt"),
			Extremism:      f("sect.txt"),
			MalwareHacking: f("hacking.txt", "ddos.txt", "stalkerware.txt", "cryptojacking.txt"),
			Piracy:         f("warez.txt"),
			FilterBypass:   f("vpn.txt", "doh.txt", "redirector.txt", "residential-proxies.txt", "remote-control.txt"),
			Pornography:    f("mixed_adult.txt", "lingerie.txt"),
			Dating:         f("dating.txt"),
			SocialNetworks: f("social_networks.txt"),
			Chat:           f("chat.txt"),
			Games:          f("games.txt"),
		},
		AllowLists: map[string]ListFiles{"child": f("child.txt")},
		SafeSearch: SafeSearch{Google: true, Bing: true, DuckDuckGo: true, YouTube: YouTubeStrict},
		Groups: map[string]Group{
			"early_years": {Categories: Categories, AllowLists: []string{"child"}, Networks: []string{"10.0.0.0/16"}},
			"primary":     {Categories: Categories, Networks: []string{"10.1.0.0/16"}},
			"secondary": {Categories: Categories, Networks: []string{"10.2.0.0/16"},
				Schedules: []Schedule{{Days: []string{"weekdays"}, From: "16:00", To: "21:00", Allow: []string{Games}}}},
			"staff":  {Categories: []string{Pornography, MalwareHacking, FilterBypass}, Networks: []string{"10.9.0.0/16"}},
			"guests": {Categories: []string{Pornography, Gambling, MalwareHacking, FilterBypass, Dating}},
		},
		DefaultGroup: "guests",
	}
	c.Categories[Pornography] = ListFiles{Lists: append(c.Categories[Pornography].Lists, extra...)}
	return c
}

func TestUT1Policy(t *testing.T) {
	dir := ut1Dir(t)
	p, probs, err := Build(t.Context(), ut1Config(dir), "/")
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range probs {
		t.Logf("%v", pr)
	}
	st := p.Stats()
	for _, code := range []string{Gambling, Games, FilterBypass, Dating} {
		if st.Categories[code] < 1000 {
			t.Errorf("%s has only %d names", code, st.Categories[code])
		}
	}
	t.Logf("%d names, %d bytes of table", st.Names, st.Bytes)
	if st.Categories[Violence] <= st.Categories[Hate] || st.Categories[Hate] == 0 {
		t.Errorf("a file shared by two categories: violence %d, hate %d", st.Categories[Violence], st.Categories[Hate])
	}
	secondary := netip.MustParseAddr("10.2.3.4")
	staff := netip.MustParseAddr("10.9.0.1")
	tuesday := time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		client netip.Addr
		name   string
		when   time.Time
		want   Verdict
	}{
		{secondary, "www.0-casino.info", tuesday, Verdict{Action: Block, Group: "secondary", Category: Gambling}},
		{staff, "www.0-casino.info", tuesday, Verdict{Action: Allow, Group: "staff"}},
		{secondary, "0000100.com", tuesday, Verdict{Action: Block, Group: "secondary", Category: Games}},
		{secondary, "0000100.com", at(tuesday, "16:30"), Verdict{Action: Allow, Group: "secondary"}},
		// In both gambling and games: the gambling block stays after 16:00.
		{secondary, "01-casino.com", at(tuesday, "16:30"), Verdict{Action: Block, Group: "secondary", Category: Gambling}},
		// agressif.txt makes both violence and hate: violence is reported.
		{secondary, "14words.com", tuesday, Verdict{Action: Block, Group: "secondary", Category: Violence}},
		{secondary, "www.google.co.uk", tuesday, Verdict{Action: Rewrite, Group: "secondary", Target: "forcesafesearch.google.com"}},
	}
	for _, tt := range tests {
		if got := p.Decide(Query{Client: tt.client, Name: tt.name, Time: tt.when}); got != tt.want {
			t.Errorf("Decide(%s, %s, %v) = %+v, want %+v", tt.client, tt.name, tt.when, got, tt.want)
		}
	}
}

// writeGenerated writes n made-up names, one a line.
func writeGenerated(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriter(f)
	r := rand.New(rand.NewPCG(3, 5))
	tlds := []string{"com", "net", "org", "info", "xyz", "co.uk", "de", "ru", "top", "online"}
	var buf []byte
	for i := range n {
		buf = buf[:0]
		for range 6 + r.IntN(12) {
			buf = append(buf, byte('a'+r.IntN(26)))
		}
		buf = fmt.Appendf(buf, "%d.%s\n", i, tlds[r.IntN(len(tlds))])
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// ut1Count is about the number of distinct names in the UT1 files; the
// generated names make up the rest of 1.5 million.
const ut1Count = 206_000

// BenchmarkBuild1500k builds the UT1 policy with generated names to 1.5
// million, as the filter does at start and on every reload.
func BenchmarkBuild1500k(b *testing.B) {
	dir := ut1Dir(b)
	gen := filepath.Join(b.TempDir(), "generated.txt")
	writeGenerated(b, gen, 1_500_000-ut1Count)
	cfg := ut1Config(dir, gen)
	var p *Policy
	cpu0 := cpuTime()
	for b.Loop() {
		var err error
		if p, _, err = Build(b.Context(), cfg, "/"); err != nil {
			b.Fatal(err)
		}
	}
	// CPU time (all threads, GC included) is steadier than wall time on a
	// shared machine.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(p.Stats().Names), "names")
	p = nil
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, _, _ = Build(b.Context(), cfg, "/")
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/float64(p.Stats().Names), "heap-bytes/name")
	runtime.KeepAlive(p)
}

// BenchmarkDecide1500k decides a mix of questions (blocked, allowed, safe
// search; several groups) against the 1.5 million names.
func BenchmarkDecide1500k(b *testing.B) {
	dir := ut1Dir(b)
	gen := filepath.Join(b.TempDir(), "generated.txt")
	writeGenerated(b, gen, 1_500_000-ut1Count)
	p, _, err := Build(b.Context(), ut1Config(dir, gen), "/")
	if err != nil {
		b.Fatal(err)
	}
	when := time.Date(2026, 6, 16, 10, 0, 0, 0, time.UTC)
	clients := []netip.Addr{netip.MustParseAddr("10.2.3.4"), netip.MustParseAddr("10.9.0.1"), netip.MustParseAddr("192.168.1.20")}
	names := []string{"www.0-casino.info", "cdn.assets.example.org", "www.google.com", "0000100.com",
		"img.a.b.news.example.co.uk", "www.wikipedia.org", "api.github.com", "mail.google.com"}
	var qs []Query
	for _, c := range clients {
		for _, n := range names {
			qs = append(qs, Query{Client: c, Name: n, Time: when})
		}
	}
	i := 0
	for b.Loop() {
		p.Decide(qs[i%len(qs)])
		i++
	}
}

// cpuTime returns the CPU time the process has used, in nanoseconds.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
