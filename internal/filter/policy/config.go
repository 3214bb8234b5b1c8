package policy

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/filter/lists"
)

// Config is the filter's policy: which lists make each category, which groups
// of clients block which categories, and when. It is read from the filter's
// YAML file (embedded inline in the top-level configuration) or, attached to
// a Lifeguard server, from the same structure as JSON. docs/filter.md
// describes every field with its default.
type Config struct {
	// TimeZone is the IANA name of the zone schedules are read in
	// ("Europe/London"); empty means the machine's local zone.
	TimeZone string `yaml:"time_zone,omitempty" json:"time_zone,omitempty"`
	// Categories maps a category code to the list files that make it.
	Categories map[string]ListFiles `yaml:"categories,omitempty" json:"categories,omitempty"`
	// AllowLists are named lists of names to let through; groups choose
	// which of them apply to them.
	AllowLists map[string]ListFiles `yaml:"allow_lists,omitempty" json:"allow_lists,omitempty"`
	// Allow and Block are names (each covering its subdomains) allowed or
	// blocked for every group, before the group's own entries.
	Allow []string `yaml:"allow,omitempty" json:"allow,omitempty"`
	Block []string `yaml:"block,omitempty" json:"block,omitempty"`
	// SafeSearch is enforced for every group that does not set its own.
	SafeSearch SafeSearch `yaml:"safe_search,omitempty" json:"safe_search,omitzero"`
	// Groups maps a group's name to its policy.
	Groups map[string]Group `yaml:"groups,omitempty" json:"groups,omitempty"`
	// DefaultGroup is the group of a client no network or DoH path maps;
	// empty means such clients are only kept from illegal content.
	DefaultGroup string `yaml:"default_group,omitempty" json:"default_group,omitempty"`
}

// ListFiles names list files; a relative path is read from the directory of
// the configuration file.
type ListFiles struct {
	Lists []string `yaml:"lists" json:"lists"`
}

// SafeSearch chooses which search services are held to their safe mode, by
// answering their names with the CNAME each service publishes for it.
type SafeSearch struct {
	Google     bool `yaml:"google,omitempty" json:"google,omitempty"`
	Bing       bool `yaml:"bing,omitempty" json:"bing,omitempty"`
	DuckDuckGo bool `yaml:"duckduckgo,omitempty" json:"duckduckgo,omitempty"`
	// YouTube is "off" (or empty), "moderate" or "strict".
	YouTube string `yaml:"youtube,omitempty" json:"youtube,omitempty"`
}

// Group is the policy of a group of clients.
type Group struct {
	// Categories are blocked for the group (illegal content always is).
	Categories []string `yaml:"categories,omitempty" json:"categories,omitempty"`
	// AllowLists are names of the top-level allow lists that apply.
	AllowLists []string `yaml:"allow_lists,omitempty" json:"allow_lists,omitempty"`
	// Allow and Block are the group's own names, added to the top-level ones.
	Allow []string `yaml:"allow,omitempty" json:"allow,omitempty"`
	Block []string `yaml:"block,omitempty" json:"block,omitempty"`
	// SafeSearch replaces the top-level setting when given.
	SafeSearch *SafeSearch `yaml:"safe_search,omitempty" json:"safe_search,omitempty"`
	// Schedules change which categories are blocked at given times.
	Schedules []Schedule `yaml:"schedules,omitempty" json:"schedules,omitempty"`
	// Networks are the client addresses of the group: CIDR prefixes
	// ("10.1.0.0/16") or single addresses; the most specific wins.
	Networks []string `yaml:"networks,omitempty" json:"networks,omitempty"`
	// DoHPaths are per-device DNS-over-HTTPS path segments mapped to the
	// group (a device configured with https://filter.example/dns-query/PATH).
	DoHPaths []string `yaml:"doh_paths,omitempty" json:"doh_paths,omitempty"`
}

// Schedule is a weekly window during which some categories are allowed
// (unblocked) or blocked on top of the group's categories.
type Schedule struct {
	// Days are mon … sun, weekdays, weekend or daily; empty means every day.
	Days []string `yaml:"days,omitempty" json:"days,omitempty"`
	// From and To are times of day, "HH:MM"; To may be "24:00". A window
	// whose To is earlier than its From runs past midnight into the next day.
	From string `yaml:"from" json:"from"`
	To   string `yaml:"to" json:"to"`
	// Allow are categories let through during the window; Block are
	// categories blocked during it. When windows disagree, blocking wins.
	Allow []string `yaml:"allow,omitempty" json:"allow,omitempty"`
	Block []string `yaml:"block,omitempty" json:"block,omitempty"`
}

var (
	groupNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	dohPathRE   = regexp.MustCompile(`^[A-Za-z0-9_-]{1,128}$`)
)

// YouTube modes.
const (
	YouTubeOff      = "off"
	YouTubeModerate = "moderate"
	YouTubeStrict   = "strict"
)

// Check returns every problem with the configuration, each naming the field
// path (groups.primary.schedules[0].from). It does not read list files; Build
// does.
func (c Config) Check() []lifeguard.Problem {
	var ps problems
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			ps.add("time_zone", "unknown time zone %q (give an IANA name such as Europe/London)", c.TimeZone)
		}
	}
	for _, code := range slices.Sorted(maps.Keys(c.Categories)) {
		path := "categories." + code
		if !IsCategory(code) {
			ps.add(path, "unknown category; the categories are %s", strings.Join(Categories, ", "))
			continue
		}
		checkFiles(&ps, path, c.Categories[code])
	}
	if len(c.AllowLists) > maxAllowLists {
		ps.add("allow_lists", "at most %d allow lists", maxAllowLists)
	}
	for _, name := range slices.Sorted(maps.Keys(c.AllowLists)) {
		path := "allow_lists." + name
		if !groupNameRE.MatchString(name) {
			ps.add(path, "a name of lower-case letters, digits, - and _ (at most 64)")
		}
		checkFiles(&ps, path, c.AllowLists[name])
	}
	checkEntries(&ps, "", c.Allow, c.Block)
	checkSafeSearch(&ps, "safe_search", c.SafeSearch)

	networks := map[netip.Prefix]string{}
	dohPaths := map[string]string{}
	for _, name := range slices.Sorted(maps.Keys(c.Groups)) {
		g := c.Groups[name]
		path := "groups." + name
		if !groupNameRE.MatchString(name) {
			ps.add(path, "a group name is lower-case letters, digits, - and _ (at most 64)")
		}
		blocked := map[string]bool{}
		for i, code := range g.Categories {
			p := fmt.Sprintf("%s.categories[%d]", path, i)
			if !IsCategory(code) {
				ps.add(p, "unknown category %q; the categories are %s", code, strings.Join(Categories, ", "))
			}
			blocked[code] = true
		}
		for i, l := range g.AllowLists {
			if _, ok := c.AllowLists[l]; !ok {
				ps.add(fmt.Sprintf("%s.allow_lists[%d]", path, i), "no allow list %q under allow_lists", l)
			}
		}
		checkEntries(&ps, path+".", g.Allow, g.Block)
		if g.SafeSearch != nil {
			checkSafeSearch(&ps, path+".safe_search", *g.SafeSearch)
		}
		for i, s := range g.Schedules {
			checkSchedule(&ps, fmt.Sprintf("%s.schedules[%d]", path, i), s, blocked)
		}
		for i, n := range g.Networks {
			p := fmt.Sprintf("%s.networks[%d]", path, i)
			pfx, err := parseNetwork(n)
			if err != nil {
				ps.add(p, "%v", err)
				continue
			}
			if other, ok := networks[pfx]; ok {
				ps.add(p, "%s is also given for %s", pfx, other)
				continue
			}
			networks[pfx] = path
		}
		for i, d := range g.DoHPaths {
			p := fmt.Sprintf("%s.doh_paths[%d]", path, i)
			if !dohPathRE.MatchString(d) {
				ps.add(p, "a DoH path is letters, digits, - and _ (at most 128)")
				continue
			}
			if other, ok := dohPaths[d]; ok {
				ps.add(p, "%q is also given for %s", d, other)
				continue
			}
			dohPaths[d] = path
		}
	}
	if c.DefaultGroup != "" {
		if _, ok := c.Groups[c.DefaultGroup]; !ok {
			ps.add("default_group", "no group %q under groups", c.DefaultGroup)
		}
	}
	return ps
}

type problems []lifeguard.Problem

func (ps *problems) add(path, format string, args ...any) {
	*ps = append(*ps, lifeguard.Problem{Path: path, Problem: fmt.Sprintf(format, args...)})
}

func checkFiles(ps *problems, path string, lf ListFiles) {
	if len(lf.Lists) == 0 {
		ps.add(path+".lists", "give at least one list file")
	}
	for i, f := range lf.Lists {
		if strings.TrimSpace(f) == "" {
			ps.add(fmt.Sprintf("%s.lists[%d]", path, i), "empty file name")
		}
	}
}

func checkEntries(ps *problems, prefix string, allow, block []string) {
	allowed := map[string]bool{}
	for i, n := range allow {
		norm, err := lists.Normalize(n)
		if err != nil {
			ps.add(fmt.Sprintf("%sallow[%d]", prefix, i), "%q: %v", n, err)
			continue
		}
		allowed[norm] = true
	}
	for i, n := range block {
		p := fmt.Sprintf("%sblock[%d]", prefix, i)
		norm, err := lists.Normalize(n)
		if err != nil {
			ps.add(p, "%q: %v", n, err)
			continue
		}
		if allowed[norm] {
			ps.add(p, "%q is also in %sallow; give it in one of them", norm, prefix)
		}
	}
}

func checkSafeSearch(ps *problems, path string, s SafeSearch) {
	switch s.YouTube {
	case "", YouTubeOff, YouTubeModerate, YouTubeStrict:
	default:
		ps.add(path+".youtube", "%q: give off, moderate or strict", s.YouTube)
	}
}

func checkSchedule(ps *problems, path string, s Schedule, blocked map[string]bool) {
	for i, d := range s.Days {
		if _, ok := dayNames[strings.ToLower(d)]; !ok {
			ps.add(fmt.Sprintf("%s.days[%d]", path, i), "%q: give mon, tue, wed, thu, fri, sat, sun, weekdays, weekend or daily", d)
		}
	}
	from, errFrom := parseClock(s.From, false)
	if errFrom != nil {
		ps.add(path+".from", "%v", errFrom)
	}
	to, errTo := parseClock(s.To, true)
	if errTo != nil {
		ps.add(path+".to", "%v", errTo)
	}
	if errFrom == nil && errTo == nil && from == to {
		ps.add(path+".to", "the window is empty: to equals from")
	}
	if len(s.Allow) == 0 && len(s.Block) == 0 {
		ps.add(path, "give categories to allow or to block during the window")
	}
	for i, code := range s.Allow {
		p := fmt.Sprintf("%s.allow[%d]", path, i)
		switch {
		case !IsCategory(code):
			ps.add(p, "unknown category %q", code)
		case Illegal(code):
			ps.add(p, "%s is illegal content: no schedule can allow it", code)
		case !blocked[code]:
			ps.add(p, "%s is not blocked for this group, so allowing it changes nothing", code)
		}
	}
	for i, code := range s.Block {
		if !IsCategory(code) {
			ps.add(fmt.Sprintf("%s.block[%d]", path, i), "unknown category %q", code)
		}
	}
}

// parseNetwork reads a CIDR prefix or a single address.
func parseNetwork(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("%q is not an address range such as 10.1.0.0/16", s)
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil || a.Zone() != "" {
		return netip.Prefix{}, fmt.Errorf("%q is not an address or an address range such as 10.1.0.0/16", s)
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), nil
}
