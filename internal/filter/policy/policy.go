// Package policy decides, for each DNS question, whether the filter lets it
// through, blocks it (and for which category) or rewrites it to a search
// service's safe mode, according to the client's group.
//
// The order of a decision, for the client's group:
//
//  1. Illegal content (csam, terrorism) is blocked, for every group, whatever
//     any allow list or schedule says.
//  2. The configuration's own allow and block entries (top level and the
//     group's): the longest listed name that covers the question wins; a
//     block entry blocks with category "local".
//  3. Unless an own allow entry or one of the group's allow lists covers the
//     name, a category the group blocks at this time blocks it. When the name
//     is in several, the most serious is reported (alerting ones first).
//  4. Names of search services the group holds to safe search are rewritten.
//  5. Anything else is allowed.
package policy

import (
	"context"
	"fmt"
	"maps"
	"math/bits"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/filter/lists"
)

// Action is what the DNS side does with a question.
type Action uint8

const (
	Allow   Action = iota // forward upstream
	Block                 // answer with the block page address, or NXDOMAIN if configured
	Rewrite               // answer with a CNAME to Target (safe search), then resolve Target upstream
)

func (a Action) String() string {
	switch a {
	case Allow:
		return "allow"
	case Block:
		return "block"
	case Rewrite:
		return "rewrite"
	}
	return fmt.Sprintf("Action(%d)", a)
}

// Query is one question as the DNS side sees it.
type Query struct {
	Client  netip.Addr // source address (UDP/TCP), or the DoH client's address
	DoHPath string     // the per-device DoH path segment, "" for plain DNS
	Name    string     // lower case, no trailing dot, already validated
	Time    time.Time
}

// Verdict is the decision on a Query.
type Verdict struct {
	Action   Action
	Group    string // the client's group ("" if the client is in none and there is no default group)
	Category string // the category that blocked it ("" when not blocked)
	Target   string // for Rewrite: the CNAME target, lower case, no trailing dot
	Alert    bool   // csam, terrorism, self_harm or extremism: the attempt must raise an alert
}

// Policy is a built, immutable policy; the DNS side swaps a whole *Policy on
// reload. It is safe for concurrent use.
type Policy struct {
	loc    *time.Location
	names  *lists.Matcher
	groups []group
	none   group // clients in no group, when there is no default group
	deflt  *group
	byDoH  map[string]*group
	nets   map[netip.Prefix]*group
	v4Lens []int // prefix lengths in nets, longest first
	v6Lens []int
	safe   map[string]engine
	stats  Stats
}

type group struct {
	name  string
	sched timeline
	allow uint64           // allow-list bits
	own   map[string]uint8 // own entries: ownAllow or ownBlock
	safe  [numEngines]string
}

const (
	ownAllow uint8 = 1
	ownBlock uint8 = 2
)

// Stats describes what a Policy was built from.
type Stats struct {
	Names      int            // distinct names in all lists
	Categories map[string]int // names in each category's lists (0 for a category with no lists)
	AllowLists map[string]int // names in each allow list
	Bytes      int            // memory the name table holds
}

// Build reads the list files of cfg (relative paths from baseDir) and builds
// the Policy. Problems are list lines that were skipped (file, line, what is
// wrong); the error is fatal: a configuration that fails Check, or a list file
// that cannot be read (both *lifeguard.Error with code EINVALID, naming the
// field), or ctx ending.
func Build(ctx context.Context, cfg Config, baseDir string) (*Policy, []lists.Problem, error) {
	if ps := cfg.Check(); len(ps) > 0 {
		return nil, nil, lifeguard.Invalid("the filter policy has problems", ps)
	}
	p := &Policy{
		loc:   time.Local,
		byDoH: map[string]*group{},
		nets:  map[netip.Prefix]*group{},
		safe:  safeSearchNames(),
		stats: Stats{Categories: map[string]int{}, AllowLists: map[string]int{}},
	}
	if cfg.TimeZone != "" {
		loc, err := time.LoadLocation(cfg.TimeZone)
		if err != nil {
			return nil, nil, lifeguard.Invalid("the filter policy has problems",
				[]lifeguard.Problem{{Path: "time_zone", Problem: err.Error()}})
		}
		p.loc = loc
	}

	// Bits: categories by priority, then the allow lists in name order.
	allowBit := map[string]uint64{}
	for i, name := range slices.Sorted(maps.Keys(cfg.AllowLists)) {
		allowBit[name] = 1 << (numCategories + i)
	}
	// Each distinct file is read once, with the union of the bits of every
	// category and allow list that names it.
	type source struct {
		path, field string
		mask        uint64
	}
	var sources []*source
	byPath := map[string]*source{}
	addFiles := func(field string, lf ListFiles, bit uint64) {
		for i, f := range lf.Lists {
			path := f
			if !filepath.IsAbs(path) {
				path = filepath.Join(baseDir, path)
			}
			path = filepath.Clean(path)
			s, ok := byPath[path]
			if !ok {
				s = &source{path: path, field: fmt.Sprintf("%s.lists[%d]", field, i)}
				byPath[path] = s
				sources = append(sources, s)
			}
			s.mask |= bit
		}
	}
	for _, code := range slices.Sorted(maps.Keys(cfg.Categories)) {
		bit, _ := categoryBit(code)
		addFiles("categories."+code, cfg.Categories[code], bit)
	}
	for _, name := range slices.Sorted(maps.Keys(cfg.AllowLists)) {
		addFiles("allow_lists."+name, cfg.AllowLists[name], allowBit[name])
	}

	b := lists.NewBuilder()
	type result struct {
		keys  *lists.Keys
		probs []lists.Problem
		err   error
	}
	results := make([]result, len(sources))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, s := range sources {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if err := ctx.Err(); err != nil {
				results[i].err = err
				return
			}
			f, err := os.Open(s.path)
			if err != nil {
				results[i].err = err
				return
			}
			defer f.Close()
			keys, _, probs, err := b.ReadKeys(f, s.path)
			results[i] = result{keys: keys, probs: probs, err: err}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var fileProblems []lifeguard.Problem
	var problems []lists.Problem
	for i, r := range results {
		if r.err != nil {
			fileProblems = append(fileProblems, lifeguard.Problem{Path: sources[i].field, Problem: r.err.Error()})
			continue
		}
		problems = append(problems, r.probs...)
		b.AddKeys(sources[i].mask, r.keys)
	}
	if len(fileProblems) > 0 {
		return nil, problems, lifeguard.Invalid("list files could not be read", fileProblems)
	}
	m, err := b.Build()
	if err != nil {
		return nil, problems, fmt.Errorf("build the name table: %w", err)
	}
	p.names = m
	p.stats.Names = m.Len()
	p.stats.Bytes = m.Bytes()
	counts := m.CountBits()
	for _, code := range Categories {
		bit, _ := categoryBit(code)
		p.stats.Categories[code] = counts[bits.TrailingZeros64(bit)]
	}
	for name, bit := range allowBit {
		p.stats.AllowLists[name] = counts[bits.TrailingZeros64(bit)]
	}

	// Groups.
	topSafe := cfg.SafeSearch.targets()
	p.none = group{sched: compileSchedules(illegalMask, nil), own: ownEntries(cfg.Allow, cfg.Block, nil, nil), safe: topSafe}
	names := slices.Sorted(maps.Keys(cfg.Groups))
	p.groups = make([]group, len(names))
	v4, v6 := map[int]bool{}, map[int]bool{}
	for i, name := range names {
		gc := cfg.Groups[name]
		g := &p.groups[i]
		g.name = name
		var base uint64 = illegalMask
		for _, c := range gc.Categories {
			bit, _ := categoryBit(c)
			base |= bit
		}
		g.sched = compileSchedules(base, gc.Schedules)
		for _, l := range gc.AllowLists {
			g.allow |= allowBit[l]
		}
		g.own = ownEntries(cfg.Allow, cfg.Block, gc.Allow, gc.Block)
		g.safe = topSafe
		if gc.SafeSearch != nil {
			g.safe = gc.SafeSearch.targets()
		}
		for _, n := range gc.Networks {
			pfx, _ := parseNetwork(n)
			p.nets[pfx] = g
			if pfx.Addr().Is4() {
				v4[pfx.Bits()] = true
			} else {
				v6[pfx.Bits()] = true
			}
		}
		for _, d := range gc.DoHPaths {
			p.byDoH[d] = g
		}
		if name == cfg.DefaultGroup {
			p.deflt = g
		}
	}
	p.v4Lens = slices.Sorted(maps.Keys(v4))
	slices.Reverse(p.v4Lens)
	p.v6Lens = slices.Sorted(maps.Keys(v6))
	slices.Reverse(p.v6Lens)
	return p, problems, nil
}

// ownEntries merges the top-level and a group's own entries. Check has made
// sure every entry is a valid name, and no name is both allowed and blocked
// at one level; a group's entry replaces a top-level one for the same name.
func ownEntries(topAllow, topBlock, allow, block []string) map[string]uint8 {
	m := map[string]uint8{}
	for _, level := range [][2][]string{{topAllow, topBlock}, {allow, block}} {
		for _, n := range level[0] {
			n, _ = lists.Normalize(n)
			m[n] = ownAllow
		}
		for _, n := range level[1] {
			n, _ = lists.Normalize(n)
			m[n] = ownBlock
		}
	}
	return m
}

// group returns the group of the client that asked q.
func (p *Policy) group(q Query) *group {
	if q.DoHPath != "" {
		if g, ok := p.byDoH[q.DoHPath]; ok {
			return g
		}
	}
	if q.Client.IsValid() && len(p.nets) > 0 {
		a := q.Client.Unmap().WithZone("")
		lens := p.v6Lens
		if a.Is4() {
			lens = p.v4Lens
		}
		for _, l := range lens {
			pfx, err := a.Prefix(l)
			if err != nil {
				continue
			}
			if g, ok := p.nets[pfx]; ok {
				return g
			}
		}
	}
	if p.deflt != nil {
		return p.deflt
	}
	return &p.none
}

// own returns the own entry covering name with the longest listed name.
func (g *group) ownEntry(name string) uint8 {
	if len(g.own) == 0 {
		return 0
	}
	for {
		if e, ok := g.own[name]; ok {
			return e
		}
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return 0
		}
		name = name[i+1:]
	}
}

// Decide returns the verdict on q. It does not allocate.
func (p *Policy) Decide(q Query) Verdict {
	g := p.group(q)
	v := Verdict{Group: g.name}
	mask := p.names.Match(q.Name)
	if ill := mask & illegalMask; ill != 0 {
		v.Action, v.Category, v.Alert = Block, firstCategory(ill), true
		return v
	}
	own := g.ownEntry(q.Name)
	if own == ownBlock {
		v.Action, v.Category = Block, Local
		return v
	}
	if own != ownAllow && mask&g.allow == 0 {
		if blocked := mask & categoryMask & g.sched.maskAt(minuteOfWeek(q.Time, p.loc)); blocked != 0 {
			v.Action, v.Category = Block, firstCategory(blocked)
			v.Alert = Alerting(v.Category)
			return v
		}
	}
	if e, ok := p.safe[q.Name]; ok {
		if t := g.safe[e]; t != "" {
			v.Action, v.Target = Rewrite, t
			return v
		}
	}
	return v
}

// Reason returns the block page's explanation of a category, in words a
// child understands.
func (p *Policy) Reason(category string) string { return Reason(category) }

// Stats returns what the policy was built from: names in each category (a
// category with 0 blocks nothing) and each allow list.
func (p *Policy) Stats() Stats {
	s := p.stats
	s.Categories = maps.Clone(p.stats.Categories)
	s.AllowLists = maps.Clone(p.stats.AllowLists)
	return s
}

// KnownDoHPath reports whether a per-device DoH path is mapped to a group,
// for a DNS side that refuses unknown paths. Decide itself treats an unknown
// path as plain DNS from the client's address.
func (p *Policy) KnownDoHPath(path string) bool {
	_, ok := p.byDoH[path]
	return ok
}

// Groups returns the names of the groups, sorted.
func (p *Policy) Groups() []string {
	out := make([]string, len(p.groups))
	for i := range p.groups {
		out[i] = p.groups[i].name
	}
	return out
}
