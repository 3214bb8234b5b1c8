package policy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/lifeguard-scp/lifeguard"
)

// testConfig is a school's policy in the YAML an operator writes.
const testConfig = `
time_zone: Europe/London
categories:
  csam: {lists: [iwf.txt]}
  terrorism: {lists: [ctiru.txt]}
  gambling: {lists: [gambling.txt]}
  games: {lists: [games.txt]}
  social_networks: {lists: [social.txt]}
  self_harm: {lists: [selfharm.txt]}
  pornography: {lists: [adult.hosts]}
  filter_bypass: {lists: [bypass.adblock]}
allow_lists:
  child_friendly: {lists: [child.txt]}
allow: [bbc.co.uk]
block: [tracker.example]
safe_search: {google: true, bing: true, duckduckgo: true, youtube: strict}
groups:
  primary:
    categories: [pornography, gambling, games, social_networks, self_harm, filter_bypass]
    allow_lists: [child_friendly]
    block: [bad-for-small.example]
    networks: [10.1.0.0/16]
  secondary:
    categories: [pornography, gambling, games, social_networks, self_harm, filter_bypass]
    allow: [classroom.games.example]
    safe_search: {google: true, youtube: moderate}
    networks: [10.2.0.0/16, "2001:db8:2::/48"]
    doh_paths: [tablet-7]
    schedules:
      - days: [weekdays]
        from: "16:00"
        to: "24:00"
        allow: [games]
      - days: [sat]
        from: "22:00"
        to: "07:00"
        block: [social_networks]
        allow: [games]
      - days: [wed]
        from: "16:00"
        to: "17:00"
        block: [games]
  staff:
    categories: [pornography, filter_bypass]
    networks: [10.1.200.0/24]
    allow: [selfharm-research.example]
  guests:
    categories: [pornography, gambling, filter_bypass]
default_group: guests
`

var testLists = map[string]string{
	"iwf.txt":        "abuse.example\n",
	"ctiru.txt":      "terror.example\n",
	"gambling.txt":   "casino.example\nbet.example\n",
	"games.txt":      "games.example\nboth.example\n",
	"social.txt":     "social.example\nboth.example\n",
	"selfharm.txt":   "selfharm.example\nselfharm-research.example\n",
	"adult.hosts":    "# hosts\n127.0.0.1 localhost\n0.0.0.0 adult.example adult2.example\nnot a line\n",
	"bypass.adblock": "! adblock\n||vpn.example^\n||proxy.example^$third-party\n",
	"child.txt":      "kids.casino.example\nabuse.example\ngames.example\n",
}

func writeLists(t testing.TB, dir string) {
	t.Helper()
	for name, text := range testLists {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func decodeConfig(t testing.TB, text string) Config {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(text))
	dec.KnownFields(true)
	var c Config
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("decode: %v", err)
	}
	return c
}

func buildTest(t testing.TB) *Policy {
	t.Helper()
	dir := t.TempDir()
	writeLists(t, dir)
	p, probs, err := Build(t.Context(), decodeConfig(t, testConfig), dir)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	// The bad hosts line and the ignored adblock rule are reported.
	var bad, ignored int
	for _, pr := range probs {
		if pr.Line > 0 {
			bad++
			if filepath.Base(pr.File) != "adult.hosts" || pr.Line != 4 {
				t.Errorf("unexpected problem %v", pr)
			}
		} else {
			ignored++
		}
	}
	if bad != 1 || ignored != 2 { // localhost in adult.hosts, $third-party in bypass.adblock
		t.Errorf("problems = %v", probs)
	}
	return p
}

// A Tuesday in term, in London (BST, UTC+1).
var tuesday = time.Date(2026, 6, 16, 10, 0, 0, 0, mustZone("Europe/London"))

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func at(day time.Time, hhmm string) time.Time {
	c, err := parseClock(hhmm, false)
	if err != nil {
		panic(err)
	}
	y, m, d := day.Date()
	return time.Date(y, m, d, c/60, c%60, 0, 0, day.Location())
}

func TestDecide(t *testing.T) {
	p := buildTest(t)
	primary := netip.MustParseAddr("10.1.3.4")
	staffPC := netip.MustParseAddr("10.1.200.9") // inside primary's /16 too: the /24 wins
	secondary := netip.MustParseAddr("10.2.0.1")
	secondary6 := netip.MustParseAddr("2001:db8:2::99")
	guest := netip.MustParseAddr("192.168.1.1")
	tests := []struct {
		name   string
		client netip.Addr
		doh    string
		qname  string
		when   time.Time
		want   Verdict
	}{
		// Illegal content: for every group, never overridden.
		{"csam blocked for staff", staffPC, "", "abuse.example", tuesday, Verdict{Action: Block, Group: "staff", Category: CSAM, Alert: true}},
		{"csam subdomain", guest, "", "img.abuse.example", tuesday, Verdict{Action: Block, Group: "guests", Category: CSAM, Alert: true}},
		{"csam in an allow list stays blocked", primary, "", "abuse.example", tuesday, Verdict{Action: Block, Group: "primary", Category: CSAM, Alert: true}},
		{"terrorism", secondary, "", "terror.example", tuesday, Verdict{Action: Block, Group: "secondary", Category: Terrorism, Alert: true}},

		// Categories per group.
		{"gambling for primary", primary, "", "www.casino.example", tuesday, Verdict{Action: Block, Group: "primary", Category: Gambling}},
		{"gambling for guests", guest, "", "bet.example", tuesday, Verdict{Action: Block, Group: "guests", Category: Gambling}},
		{"gambling not blocked for staff", staffPC, "", "bet.example", tuesday, Verdict{Action: Allow, Group: "staff"}},
		{"hosts list", primary, "", "adult2.example", tuesday, Verdict{Action: Block, Group: "primary", Category: Pornography}},
		{"adblock list", staffPC, "", "a.vpn.example", tuesday, Verdict{Action: Block, Group: "staff", Category: FilterBypass}},
		{"adblock rule with options ignored", staffPC, "", "proxy.example", tuesday, Verdict{Action: Allow, Group: "staff"}},
		{"self harm alerts", secondary6, "", "selfharm.example", tuesday, Verdict{Action: Block, Group: "secondary", Category: SelfHarm, Alert: true}},
		{"unlisted", primary, "", "example.org", tuesday, Verdict{Action: Allow, Group: "primary"}},
		{"parent of a listed name", primary, "", "example", tuesday, Verdict{Action: Allow, Group: "primary"}},

		// Allow lists and own entries.
		{"allow list overrides a category", primary, "", "kids.casino.example", tuesday, Verdict{Action: Allow, Group: "primary"}},
		{"allow list is per group", guest, "", "kids.casino.example", tuesday, Verdict{Action: Block, Group: "guests", Category: Gambling}},
		{"own allow overrides a category", secondary, "", "x.classroom.games.example", tuesday, Verdict{Action: Allow, Group: "secondary"}},
		{"own allow of staff", staffPC, "", "selfharm-research.example", tuesday, Verdict{Action: Allow, Group: "staff"}},
		{"top-level block", staffPC, "", "tracker.example", tuesday, Verdict{Action: Block, Group: "staff", Category: Local}},
		{"group block", primary, "", "bad-for-small.example", tuesday, Verdict{Action: Block, Group: "primary", Category: Local}},
		{"group block only for its group", secondary, "", "bad-for-small.example", tuesday, Verdict{Action: Allow, Group: "secondary"}},

		// Safe search.
		{"google", primary, "", "www.google.com", tuesday, Verdict{Action: Rewrite, Group: "primary", Target: "forcesafesearch.google.com"}},
		{"google country domain", guest, "", "www.google.co.uk", tuesday, Verdict{Action: Rewrite, Group: "guests", Target: "forcesafesearch.google.com"}},
		{"bing", primary, "", "www.bing.com", tuesday, Verdict{Action: Rewrite, Group: "primary", Target: "strict.bing.com"}},
		{"duckduckgo", primary, "", "duckduckgo.com", tuesday, Verdict{Action: Rewrite, Group: "primary", Target: "safe.duckduckgo.com"}},
		{"youtube strict", primary, "", "www.youtube.com", tuesday, Verdict{Action: Rewrite, Group: "primary", Target: "restrict.youtube.com"}},
		{"youtube moderate for secondary", secondary, "", "m.youtube.com", tuesday, Verdict{Action: Rewrite, Group: "secondary", Target: "restrictmoderate.youtube.com"}},
		{"group setting replaces the top level", secondary, "", "www.bing.com", tuesday, Verdict{Action: Allow, Group: "secondary"}},
		{"other google names untouched", primary, "", "mail.google.com", tuesday, Verdict{Action: Allow, Group: "primary"}},

		// Clients.
		{"doh path", netip.MustParseAddr("203.0.113.5"), "tablet-7", "games.example", tuesday, Verdict{Action: Block, Group: "secondary", Category: Games}},
		{"unknown doh path falls back", netip.MustParseAddr("203.0.113.5"), "nope", "games.example", tuesday, Verdict{Action: Allow, Group: "guests"}},
		{"ipv4-mapped address", netip.MustParseAddr("::ffff:10.1.3.4"), "", "games.example", tuesday, Verdict{Action: Allow, Group: "primary"}},
		{"no address", netip.Addr{}, "", "bet.example", tuesday, Verdict{Action: Block, Group: "guests", Category: Gambling}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Decide(Query{Client: tt.client, DoHPath: tt.doh, Name: tt.qname, Time: tt.when})
			if got != tt.want {
				t.Errorf("Decide(%s from %v %q) = %+v, want %+v", tt.qname, tt.client, tt.doh, got, tt.want)
			}
		})
	}
}

func TestDecideSchedules(t *testing.T) {
	p := buildTest(t)
	secondary := netip.MustParseAddr("10.2.0.1")
	london := mustZone("Europe/London")
	saturday := time.Date(2026, 6, 20, 0, 0, 0, 0, london)
	sunday := saturday.AddDate(0, 0, 1)
	friday := saturday.AddDate(0, 0, -1)
	tests := []struct {
		name  string
		qname string
		when  time.Time
		want  Action
	}{
		{"games blocked in school hours", "games.example", at(tuesday, "15:59"), Block},
		{"games allowed from 16:00", "games.example", at(tuesday, "16:00"), Allow},
		{"games allowed till midnight", "games.example", at(tuesday, "23:59"), Allow},
		{"games blocked after midnight", "games.example", at(tuesday.AddDate(0, 0, 1), "00:00"), Block},
		{"games allowed friday evening", "games.example", at(friday, "18:00"), Allow},
		{"games blocked saturday afternoon", "games.example", at(saturday, "15:00"), Block},
		{"saturday night window opens", "games.example", at(saturday, "22:00"), Allow},
		{"window runs past midnight into sunday", "games.example", at(sunday, "06:59"), Allow},
		{"window closes sunday 07:00", "games.example", at(sunday, "07:00"), Block},
		// A name in games and social networks during the Saturday window:
		// games are allowed but social networks blocked, so it is blocked.
		{"blocking wins over allowing", "both.example", at(saturday, "23:00"), Block},
		// Wednesday 16:00-17:00 blocks games inside the weekday window that
		// allows them.
		{"overlapping block window wins", "games.example", at(tuesday.AddDate(0, 0, 1), "16:30"), Block},
		{"after the overlapping window", "games.example", at(tuesday.AddDate(0, 0, 1), "17:00"), Allow},
		{"social networks blocked anyway", "social.example", at(tuesday, "17:00"), Block},
		// 15:30 UTC is 16:30 in London in June: the zone, not UTC, counts.
		{"time zone of the policy", "games.example", time.Date(2026, 6, 16, 15, 30, 0, 0, time.UTC), Allow},
		{"before the window in UTC terms", "games.example", time.Date(2026, 6, 16, 14, 30, 0, 0, time.UTC), Block},
		// In December London is on UTC.
		{"winter time", "games.example", time.Date(2026, 12, 15, 15, 30, 0, 0, time.UTC), Block},
		{"winter time, window open", "games.example", time.Date(2026, 12, 15, 16, 0, 0, 0, time.UTC), Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := p.Decide(Query{Client: secondary, Name: tt.qname, Time: tt.when})
			if got.Action != tt.want {
				t.Errorf("Decide(%s at %v) = %+v, want %v", tt.qname, tt.when, got, tt.want)
			}
		})
	}
}

func TestScheduleAcrossWeekEnd(t *testing.T) {
	// Sunday 22:00 to 06:00 runs into Monday: the week wraps.
	tl := compileSchedules(1<<4, []Schedule{{Days: []string{"sun", "sat"}, From: "22:00", To: "06:00", Allow: []string{firstCategory(1 << 4)}}})
	utc := time.UTC
	sat := time.Date(2026, 6, 20, 0, 0, 0, 0, utc)
	tests := []struct {
		when time.Time
		want uint64
	}{
		{at(sat, "21:59"), 1<<4 | illegalMask},
		{at(sat, "22:00"), illegalMask},
		{at(sat.AddDate(0, 0, 1), "05:59"), illegalMask},
		{at(sat.AddDate(0, 0, 1), "06:00"), 1<<4 | illegalMask},
		{at(sat.AddDate(0, 0, 1), "23:00"), illegalMask},
		{at(sat.AddDate(0, 0, 2), "05:59"), illegalMask}, // Monday morning
		{at(sat.AddDate(0, 0, 2), "06:00"), 1<<4 | illegalMask},
	}
	for _, tt := range tests {
		if got := tl.maskAt(minuteOfWeek(tt.when, utc)); got != tt.want {
			t.Errorf("%v: mask %b, want %b", tt.when, got, tt.want)
		}
	}
}

func TestNoDefaultGroup(t *testing.T) {
	dir := t.TempDir()
	writeLists(t, dir)
	cfg := decodeConfig(t, testConfig)
	cfg.DefaultGroup = ""
	p, _, err := Build(t.Context(), cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	guest := netip.MustParseAddr("192.168.1.1")
	if v := p.Decide(Query{Client: guest, Name: "bet.example", Time: tuesday}); v != (Verdict{Group: ""}) {
		t.Errorf("unmapped client: %+v", v)
	}
	if v := p.Decide(Query{Client: guest, Name: "abuse.example", Time: tuesday}); v.Action != Block || v.Category != CSAM {
		t.Errorf("illegal content for an unmapped client: %+v", v)
	}
	if v := p.Decide(Query{Client: guest, Name: "www.google.com", Time: tuesday}); v.Action != Rewrite {
		t.Errorf("top-level safe search for an unmapped client: %+v", v)
	}
}

func TestBuildErrors(t *testing.T) {
	dir := t.TempDir()
	writeLists(t, dir)
	cfg := decodeConfig(t, testConfig)
	cfg.Categories[Drugs] = ListFiles{Lists: []string{"missing.txt"}}
	_, _, err := Build(t.Context(), cfg, dir)
	var e *lifeguard.Error
	if !errors.As(err, &e) || e.Code != lifeguard.EINVALID || len(e.Problems) != 1 || e.Problems[0].Path != "categories.drugs.lists[0]" {
		t.Fatalf("missing file: %v", err)
	}

	cfg = decodeConfig(t, testConfig)
	cfg.Groups["primary"] = Group{Categories: []string{"nonsense"}}
	_, _, err = Build(t.Context(), cfg, dir)
	if !errors.As(err, &e) || e.Problems[0].Path != "groups.primary.categories[0]" {
		t.Fatalf("unknown category: %v", err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := Build(ctx, decodeConfig(t, testConfig), dir); err == nil {
		t.Fatal("a cancelled build succeeded")
	}
}

func TestStats(t *testing.T) {
	p := buildTest(t)
	s := p.Stats()
	if s.Categories[Gambling] != 2 || s.Categories[Pornography] != 2 || s.Categories[Drugs] != 0 || s.AllowLists["child_friendly"] != 3 {
		t.Errorf("stats = %+v", s)
	}
	if s.Names != 13 {
		t.Errorf("names = %d, want 13", s.Names)
	}
	if !p.KnownDoHPath("tablet-7") || p.KnownDoHPath("tablet-8") || p.KnownDoHPath("") {
		t.Error("KnownDoHPath")
	}
	if g := p.Groups(); strings.Join(g, ",") != "guests,primary,secondary,staff" {
		t.Errorf("groups = %v", g)
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	p := buildTest(t)
	queries := []Query{
		{Client: netip.MustParseAddr("10.2.0.1"), Name: "www.games.example", Time: tuesday},
		{Client: netip.MustParseAddr("10.1.3.4"), Name: "www.google.co.uk", Time: tuesday},
		{Client: netip.MustParseAddr("2001:db8:2::1"), DoHPath: "tablet-7", Name: "a.b.c.example.org", Time: tuesday},
		{Client: netip.MustParseAddr("10.1.200.1"), Name: "abuse.example", Time: tuesday},
	}
	for _, q := range queries {
		if n := testing.AllocsPerRun(200, func() { p.Decide(q) }); n != 0 {
			t.Errorf("Decide(%s) allocates %v times", q.Name, n)
		}
	}
}

func TestReason(t *testing.T) {
	p := buildTest(t)
	seen := map[string]bool{}
	for _, c := range append(Categories, Local) {
		r := p.Reason(c)
		if r == defaultReason || seen[r] || len(r) > 300 {
			t.Errorf("Reason(%s) = %q: want its own short explanation", c, r)
		}
		seen[r] = true
	}
	if p.Reason("") != defaultReason || p.Reason("nope") != defaultReason {
		t.Error("unknown categories get the general sentence")
	}
}

// TestConfigRoundTrip checks the YAML and JSON forms carry the same fields,
// since a Lifeguard server delivers the policy as JSON.
func TestConfigRoundTrip(t *testing.T) {
	cfg := decodeConfig(t, testConfig)
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	var fromJSON Config
	if err := dec.Decode(&fromJSON); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cfg, fromJSON) {
		t.Errorf("JSON round trip changed the config:\n%+v\n%+v", cfg, fromJSON)
	}
	y, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again := decodeConfig(t, string(y)); !reflect.DeepEqual(cfg, again) {
		t.Errorf("YAML round trip changed the config:\n%s", y)
	}
	for _, field := range []string{"time_zone", "allow_lists", "safe_search", "default_group", "doh_paths", "schedules", "duckduckgo"} {
		if !bytes.Contains(js, []byte(`"`+field+`"`)) {
			t.Errorf("JSON lacks %q: %s", field, js)
		}
	}
}
