// Package report builds the partnership's board report, and an
// organisation's report for its own leaders, from the store's aggregates:
// the figures, their sections and tables, with small numbers suppressed
// (suppress.go) before anything leaves the package. Pages, CSV and JSON
// all read the one Report it builds, so they cannot disagree.
package report

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Report is a built report. It holds published figures only: a suppressed
// figure keeps its mark ("<5" or "*") and no value.
type Report struct {
	Title string `json:"title"`
	// Scope is the partnership's or the organisation's name.
	Scope string `json:"scope"`
	// Partnership is the name of the partnership whose board the report
	// is for, for its title page and running header; empty when unknown.
	Partnership string `json:"partnership,omitempty"`
	// OrganisationID is the organisation reported on, zero for the board
	// report.
	OrganisationID int64 `json:"organisation_id,omitempty"`
	// From is the first day, To the last day of the period (inclusive).
	From      lifeguard.Date `json:"from"`
	To        lifeguard.Date `json:"to"`
	Generated time.Time      `json:"generated"`
	// Rule is how small numbers are kept from being worked out
	// (RuleSuppress or RuleRound5), and RuleText says it to the reader.
	Rule     string `json:"rule"`
	RuleText string `json:"rule_text"`
	// Summary is the written summary that opens the report (summary.go),
	// made from the report's own published figures.
	Summary  []string  `json:"summary"`
	Sections []Section `json:"sections"`
}

// The rules of publication a partnership may choose.
const (
	// RuleSuppress shows every figure as it is, but 1 to 4 as "<5", and
	// withholds ("*") the further figures that would give those away.
	RuleSuppress = "suppress"
	// RuleRound5 shows every figure rounded to the nearest 5, and 1 to 4
	// as "<5", the convention of official statistics; a figure is
	// withheld only where the rounded ones would still give a small one
	// away.
	RuleRound5 = "round5"
)

// Rules lists the rules, the default first.
func Rules() []string { return []string{RuleSuppress, RuleRound5} }

// ruleTexts say each rule to the reader of the report.
var ruleTexts = map[string]string{
	RuleSuppress: "Figures are shown as they are, except that a number from 1 to 4 reads <5 and a number of 5 or " +
		"more that would let a reader work out a <5 from the totals reads *.",
	RuleRound5: "Figures are rounded to the nearest 5, so totals may not add up exactly; a number from 1 to 4 " +
		"reads <5, and a number that would still let a reader work out a <5 reads *. Percentages are worked " +
		"out from the rounded figures.",
}

// Section is one part of the report: a heading, what it shows, its key
// figures and its tables.
type Section struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Intro   string   `json:"intro,omitempty"`
	Figures []Fact   `json:"figures,omitempty"`
	Tables  []Table  `json:"tables,omitempty"`
	Notes   []string `json:"notes,omitempty"`
}

// Fact is a single figure with its label, such as the number of concerns.
type Fact struct {
	ID     string `json:"id"`
	Label  string `json:"label"`
	Figure Figure `json:"figure"`
}

// Table is a table of figures; Columns name the cells of each row, and a
// "Total" column or row, when there is one, is the sum of the others.
type Table struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Caption string   `json:"caption,omitempty"`
	RowHead string   `json:"row_head"`
	Columns []string `json:"columns"`
	Rows    []Row    `json:"rows"`
	// Totals is the row of column totals, if the table has one.
	Totals *Row `json:"totals,omitempty"`
	// Chart says how a page draws the table: "bars" (the first column),
	// "heatmap" (every column but the last), "pair" (the first two
	// columns side by side) or "" for none.
	Chart string `json:"chart,omitempty"`
}

// Row is a row of a table.
type Row struct {
	Key   string   `json:"key"`
	Label string   `json:"label"`
	Cells []Figure `json:"cells"`
}

// Figure is one published figure: Value when it is shown as a number, and
// Text as it reads ("12", "<5", "*", "–", "83%", "2.5 hours").
type Figure struct {
	Value *int64 `json:"value"`
	Text  string `json:"text"`
}

// Marks of figures that are not shown as numbers.
const (
	MarkSmall    = "<5"
	MarkWithheld = "*"
	MarkNone     = "–" // no figure: the cell cannot have one
	// MarkDropped is every figure of a table too small to publish at all.
	MarkDropped = "withheld"
)

// Options are what the report needs besides the counts.
type Options struct {
	Scope string
	// Partnership is the partnership's name, for the title page and the
	// running header of the printed report.
	Partnership string
	// RouteTitle gives a route's title; a route it does not know is shown
	// by its code.
	RouteTitle func(lifeguard.RouteCode) (string, bool)
	// StrandTitle gives a self-audit strand's title; a strand it does not
	// know is shown by its code.
	StrandTitle func(code string) (string, bool)
	// RouteUrgency gives a route's urgency in the procedure, for the
	// summary's most urgent routes; nil leaves them out of it.
	RouteUrgency func(lifeguard.RouteCode) (lifeguard.Urgency, bool)
	// Now is when the report is made.
	Now time.Time
	// Rule is the rule of publication, RuleSuppress when "".
	Rule string

	// searchBudget, when not zero, bounds the exact search of secondary
	// suppression in place of searchBudget: tests use it to show that the
	// fallback protects too.
	searchBudget int
}

// DefaultPeriod is the six months up to and including today (UTC).
func DefaultPeriod(now time.Time) (from, to lifeguard.Date) {
	today := now.UTC()
	return lifeguard.DateOf(today.AddDate(0, -6, 1)), lifeguard.DateOf(today)
}

// figure turns a cell into what is published.
func (c *cell) figure() Figure {
	switch c.state {
	case small:
		return Figure{Text: MarkSmall}
	case withheld:
		return Figure{Text: MarkWithheld}
	case unshown:
		return Figure{Text: MarkNone}
	case dropped:
		return Figure{Text: MarkDropped}
	}
	v, _ := c.published()
	return Figure{Value: &v, Text: strconv.FormatInt(v, 10)}
}

func textFigure(s string) Figure { return Figure{Text: s} }

// Build makes the report from the store's counts.
func Build(rc *lifeguard.ReportCounts, opt Options) (*Report, error) {
	title := "Board report: online-safety concerns"
	if rc.Query.OrganisationID != 0 {
		title = "Online-safety report for " + opt.Scope
	}
	opt.Rule = cmp.Or(opt.Rule, RuleSuppress)
	if !slices.Contains(Rules(), opt.Rule) {
		return nil, lifeguard.Invalid("invalid report", []lifeguard.Problem{{Path: "rule",
			Problem: fmt.Sprintf("%q is not a rule of publication; give %s", opt.Rule, strings.Join(Rules(), " or "))}})
	}
	r := &Report{Title: title, Scope: opt.Scope, Partnership: opt.Partnership, OrganisationID: rc.Query.OrganisationID,
		From: rc.Query.From, To: rc.Query.To, Generated: opt.Now.UTC(), Rule: opt.Rule, RuleText: ruleTexts[opt.Rule]}
	b := builder{rc: rc, opt: opt}
	for _, f := range []func() (Section, error){b.overview, b.risks, b.children, b.organisations, b.routes,
		b.referrals, b.trend, b.monitoring, b.audits, b.prevention, b.plan} {
		s, err := f()
		if errors.Is(err, errNoSection) {
			continue
		}
		if err != nil {
			return nil, err
		}
		r.Sections = append(r.Sections, s)
	}
	r.Summary = summarise(r, opt.RouteUrgency)
	return r, nil
}

type builder struct {
	rc  *lifeguard.ReportCounts
	opt Options
}

// protect suppresses the figures of n (network.protect) by the report's
// rule, within its search budget.
func (b *builder) protect(n *network) bool {
	n.budget, n.round = b.opt.searchBudget, b.opt.Rule == RuleRound5
	return n.protect()
}

// alone suppresses, by the report's rule, a figure no published sum
// includes.
func (b *builder) alone(c *cell) { alone(c, b.opt.Rule == RuleRound5) }

// total is the number of concerns of the period: fixed in every table that
// shows it, so that it reads the same everywhere.
func (b *builder) total() *cell { return &cell{v: b.rc.Concerns, fixed: true} }

// line is a one-way table: its cells add up to its total.
func line(cells []*cell, total *cell) *network {
	n := &network{}
	s, t := n.node(), n.node()
	for _, c := range cells {
		n.add(s, t, c)
	}
	n.add(t, s, total)
	return n
}

func figures(cells ...*cell) []Figure {
	out := make([]Figure, len(cells))
	for i, c := range cells {
		out[i] = c.figure()
	}
	return out
}

func (b *builder) overview() (Section, error) {
	now, prev := b.total(), &cell{v: b.rc.Previous, fixed: true}
	b.alone(now)
	b.alone(prev)
	// Figures worked out from others are worked out from what is
	// published, so that they give away nothing the others do not.
	change := textFigure(MarkNone)
	if nv, ok := now.published(); ok {
		if pv, ok := prev.published(); ok && pv > 0 {
			change = textFigure(fmt.Sprintf("%+.0f%%", 100*float64(nv-pv)/float64(pv)))
		}
	}
	decided := &cell{}
	for _, t := range b.rc.FirstDecision {
		decided.v += t.N
	}
	b.alone(decided)
	median := textFigure(MarkNone)
	if _, ok := decided.published(); ok && decided.v > 0 {
		m, err := medianBand(b.rc.FirstDecision, decided.v)
		if err != nil {
			return Section{}, err
		}
		median = textFigure(m)
	}
	return Section{
		ID: "overview", Title: "Concerns reported",
		Intro: "Online-safety concerns recorded in the period, against the period of the same length before it.",
		Figures: []Fact{
			{ID: "concerns", Label: "Concerns reported in the period", Figure: now.figure()},
			{ID: "previous", Label: "Concerns reported in the previous period", Figure: prev.figure()},
			{ID: "change", Label: "Change on the previous period", Figure: change},
			{ID: "decided", Label: "Concerns with a decision on their routes", Figure: decided.figure()},
			{ID: "median_to_decision", Label: "Median time from report to first decision", Figure: median},
		},
	}, nil
}

// medianBand finds the band of time to first decision that holds the
// median of n concerns (both middle ones when n is even) and says it.
func medianBand(bands []lifeguard.Tally, n int64) (string, error) {
	type band struct{ start, n int64 }
	var bs []band
	for _, t := range bands {
		m, err := strconv.ParseInt(t.Key, 10, 64)
		if err != nil {
			return "", fmt.Errorf("report: band %q: %w", t.Key, err)
		}
		bs = append(bs, band{m, t.N})
	}
	slices.SortFunc(bs, func(a, b band) int { return int(a.start - b.start) })
	at := func(k int64) int64 { // the band start of the k-th time, from 1
		var seen int64
		for _, b := range bs {
			if seen += b.n; seen >= k {
				return b.start
			}
		}
		return bs[len(bs)-1].start
	}
	lo, hi := at((n+1)/2), at(n/2+1)
	_, end := lifeguard.FirstDecisionBand(hi)
	return "between " + minutes(lo) + " and " + minutes(end), nil
}

// minutes reads a number of minutes as people say it.
func minutes(m int64) string {
	switch {
	case m == 0:
		return "0 minutes"
	case m < 60:
		return fmt.Sprintf("%d minutes", m)
	case m < 48*60 && m%60 == 0:
		return plural(m/60, "hour")
	case m < 48*60:
		return fmt.Sprintf("%s %d minutes", plural(m/60, "hour"), m%60)
	case m%(24*60) == 0:
		return plural(m/(24*60), "day")
	}
	return fmt.Sprintf("%s %d hours", plural(m/(24*60), "day"), m%(24*60)/60)
}

func plural(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

var (
	areas   = []lifeguard.Area{"content", "contact", "conduct", "commerce"}
	natures = []lifeguard.Nature{"aggressive", "sexual", "values", "commercial"}
)

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// risks is the heat map of the 4Cs by nature and the table of concern
// types, one network: a heat map cell is the sum of the types in it. When
// the heat map would hide most of its concerns to protect small numbers,
// the section shows the coarser grouping instead: the concerns by risk area
// alone, without the nature of the harm, protected with the types in the
// same way, and says why.
func (b *builder) risks() (Section, error) {
	types := lifeguard.ConcernTypes()
	count := map[lifeguard.ConcernType]int64{}
	for _, t := range b.rc.Types {
		for _, code := range strings.Split(t.Key, ",") {
			if code == "" {
				continue
			}
			if _, ok := lifeguard.LookupConcernType(lifeguard.ConcernType(code)); !ok {
				types = append(types, lifeguard.ConcernTypeInfo{Code: lifeguard.ConcernType(code), Label: code})
			}
			count[lifeguard.ConcernType(code)] += t.N
		}
	}
	sec := Section{ID: "risks", Title: "What the concerns were about",
		Intro: "The 4Cs of online risk (content, contact, conduct and commerce) by the nature of the harm."}
	hm, tt, share := b.riskTables(types, count, true)
	if share < mostHidden {
		hm, tt, _ = b.riskTables(types, count, false)
		sec.Intro = "The 4Cs of online risk (content, contact, conduct and commerce)."
		sec.Notes = append(sec.Notes, "The risk areas are shown without the nature of the harm: split by it, most of "+
			"their concerns would have had to be hidden to protect small numbers.")
	}
	sec.Tables = []Table{hm, tt}
	return sec, nil
}

// mostHidden is the share of a table's concerns below which too much of
// it is hidden to show it: the report shows a coarser grouping instead.
const mostHidden = 0.5

// riskTables protects and builds the heat map (byNature) or the table of
// risk areas, and the table of concern types. share is the share of the
// heat map's concerns in cells it shows.
func (b *builder) riskTables(types []lifeguard.ConcernTypeInfo, count map[lifeguard.ConcernType]int64,
	byNature bool) (hm, tt Table, share float64) {
	typeCells := make([]*cell, len(types))
	var sum int64
	for i, t := range types {
		typeCells[i] = &cell{v: count[t.Code]}
		sum += count[t.Code]
	}
	typesTotal := &cell{v: sum}

	n := &network{}
	top, bottom, r4 := n.node(), n.node(), n.node()
	grand := &cell{}
	n.add(top, r4, grand)
	areaNode, natureNode := map[lifeguard.Area]int{}, map[lifeguard.Nature]int{}
	areaCell, natureCell := map[lifeguard.Area]*cell{}, map[lifeguard.Nature]*cell{}
	heat := map[[2]string]*cell{}
	heatNode := map[[2]string]int{}
	for _, a := range areas {
		areaNode[a], areaCell[a] = n.node(), &cell{}
		n.add(r4, areaNode[a], areaCell[a])
	}
	if byNature {
		for _, nat := range natures {
			natureNode[nat], natureCell[nat] = n.node(), &cell{}
			n.add(natureNode[nat], bottom, natureCell[nat])
		}
	}
	for i, t := range types {
		c := typeCells[i]
		if !slices.Contains(areas, t.Area) || !slices.Contains(natures, t.Nature) {
			n.add(top, bottom, c) // outside the 4Cs
			continue
		}
		areaCell[t.Area].v += c.v
		grand.v += c.v
		if !byNature {
			// Without the nature of harm a type flows from its area's sum
			// straight to the sum of the types.
			n.add(areaNode[t.Area], bottom, c)
			continue
		}
		k := [2]string{string(t.Area), string(t.Nature)}
		if heat[k] == nil {
			heat[k], heatNode[k] = &cell{}, n.node()
			n.add(areaNode[t.Area], heatNode[k], heat[k])
		}
		heat[k].v += c.v
		natureCell[t.Nature].v += c.v
		n.add(heatNode[k], natureNode[t.Nature], c)
	}
	n.add(bottom, top, typesTotal)
	b.protect(n)
	share = publishedShare(maps.Values(heat))

	if byNature {
		hm = Table{ID: "heatmap", Title: "Concerns by risk area and nature",
			Caption: "Each concern is counted once for every concern type it has; " +
				"a cell with no concern type in it reads " + MarkNone + ".",
			RowHead: "Risk area", Chart: "heatmap"}
		for _, nat := range natures {
			hm.Columns = append(hm.Columns, title(string(nat)))
		}
	} else {
		hm = Table{ID: "areas", Title: "Concerns by risk area",
			Caption: "Each concern is counted once for every concern type it has. Shown without the nature of " +
				"the harm, which would have hidden most of the figures.",
			RowHead: "Risk area", Chart: "bars"}
	}
	hm.Columns = append(hm.Columns, "Total")
	for _, a := range areas {
		row := Row{Key: string(a), Label: title(string(a))}
		if byNature {
			for _, nat := range natures {
				if c := heat[[2]string{string(a), string(nat)}]; c != nil {
					row.Cells = append(row.Cells, c.figure())
				} else {
					row.Cells = append(row.Cells, textFigure(MarkNone))
				}
			}
		}
		row.Cells = append(row.Cells, areaCell[a].figure())
		hm.Rows = append(hm.Rows, row)
	}
	totals := Row{Key: "total", Label: "Total"}
	if byNature {
		for _, nat := range natures {
			totals.Cells = append(totals.Cells, natureCell[nat].figure())
		}
	}
	totals.Cells = append(totals.Cells, grand.figure())
	hm.Totals = &totals

	caption := "A concern with more than one type is counted under each, so the total counts types, not concerns."
	for _, t := range types {
		if n, ok := typeNotes[t.Code]; ok {
			caption += " " + n + "."
		}
	}
	tt = Table{ID: "types", Title: "Concerns by concern type", Caption: caption,
		RowHead: "Concern type", Columns: []string{"Concerns"}, Chart: "bars"}
	for i, t := range types {
		tt.Rows = append(tt.Rows, Row{Key: string(t.Code), Label: t.Label, Cells: figures(typeCells[i])})
	}
	tt.Totals = &Row{Key: "total", Label: "Total", Cells: figures(typesTotal)}
	return hm, tt, share
}

// ageBand is a band of the child's age, in years, both ends included.
type ageBand struct {
	key, label string
	lo, hi     int
}

// Age bands of the report, and the coarser ones it shows when the others
// would hide most of the concerns (merged by stage: primary, early and
// late secondary).
var (
	ageBands = []ageBand{
		{"0-4", "0 to 4", 0, 4}, {"5-10", "5 to 10", 5, 10}, {"11-13", "11 to 13", 11, 13},
		{"14-15", "14 to 15", 14, 15}, {"16-17", "16 to 17", 16, 17}, {"18+", "18 or over", 18, 1 << 30},
	}
	coarseAgeBands = []ageBand{
		{"0-10", "0 to 10", 0, 10}, {"11-13", "11 to 13", 11, 13}, {"14-17", "14 to 17", 14, 17},
		{"18+", "18 or over", 18, 1 << 30},
	}
)

// children is the age bands and the repeat concerns, one network: both
// split the concerns about a child, by age and by how many concerns about
// the same child came before. When the age bands would hide most of the
// concerns, coarser bands are shown, and the section says why.
func (b *builder) children() (Section, error) {
	sec, share, err := b.childrenBy(ageBands)
	if err != nil || share >= mostHidden {
		return sec, err
	}
	sec, _, err = b.childrenBy(coarseAgeBands)
	sec.Notes = append(sec.Notes, "The ages are shown in wider bands: in the usual ones, most of the concerns "+
		"would have had to be hidden to protect small numbers.")
	return sec, err
}

// childrenBy builds the section with the age bands given; share is the
// share of the concerns about a child in the age bands it shows.
func (b *builder) childrenBy(ageBands []ageBand) (sec Section, share float64, err error) {
	bands := make([]*cell, len(ageBands))
	for i := range bands {
		bands[i] = &cell{}
	}
	noChild := &cell{}
	for _, t := range b.rc.Ages {
		if t.Key == "" {
			noChild.v += t.N
			continue
		}
		age, err := strconv.Atoi(t.Key)
		if err != nil {
			return Section{}, 0, fmt.Errorf("report: age %q: %w", t.Key, err)
		}
		for i, band := range ageBands {
			if age >= band.lo && age <= band.hi {
				bands[i].v += t.N
			}
		}
	}
	priorLabels := []string{"The first in 12 months", "The second", "The third", "The fourth", "The fifth or later"}
	prior := make([]*cell, len(priorLabels))
	for i := range prior {
		prior[i] = &cell{}
	}
	for _, t := range b.rc.Prior {
		k, err := strconv.Atoi(t.Key)
		if err != nil || k < 0 {
			return Section{}, 0, fmt.Errorf("report: prior concerns %q", t.Key)
		}
		prior[min(k, 4)].v += t.N
	}
	withChild, repeat := &cell{}, &cell{}
	var byAge int64
	for _, c := range bands {
		byAge += c.v
	}
	for i, c := range prior {
		withChild.v += c.v
		if i > 0 {
			repeat.v += c.v
		}
	}
	total := b.total()

	// N = no child + with a child; with a child = the age bands = the
	// first concerns + the repeats; repeats = second + third + …. The
	// split of each age band by repeats is not published: any split that
	// fits the sums stands for it (northWest), which is all the search
	// needs, since it asks what else fits what is published.
	n := &network{}
	top, bottom, x, m := n.node(), n.node(), n.node(), n.node()
	n.add(bottom, top, total)
	n.add(top, bottom, noChild)
	n.add(top, x, withChild)
	pn := make([]int, len(prior))
	for j := range prior {
		pn[j] = n.node()
	}
	n.add(pn[0], bottom, prior[0])
	n.add(m, bottom, repeat)
	for j := 1; j < len(prior); j++ {
		n.add(pn[j], m, prior[j])
	}
	if byAge == withChild.v {
		split := northWest(bands, prior)
		for i, c := range bands {
			an := n.node()
			n.add(x, an, c)
			for j := range prior {
				n.add(an, pn[j], &cell{v: split[i][j], state: unshown})
			}
		}
	} else {
		// The counts disagree (a concern with a child's record but no age,
		// which validation does not allow): publish the two apart.
		for j := range prior {
			n.add(x, pn[j], &cell{v: prior[j].v, state: unshown})
		}
		a := &network{}
		s, t := a.node(), a.node()
		for _, c := range bands {
			a.add(s, t, c)
		}
		a.add(t, s, &cell{v: byAge, state: unshown})
		b.protect(a)
	}
	b.protect(n)

	at := Table{ID: "ages", Title: "Concerns by the child's age", RowHead: "Age when reported",
		Columns: []string{"Concerns"}, Chart: "bars"}
	for i, band := range ageBands {
		at.Rows = append(at.Rows, Row{Key: band.key, Label: band.label, Cells: figures(bands[i])})
	}
	at.Rows = append(at.Rows, Row{Key: "none", Label: "No child (about a worker)", Cells: figures(noChild)})
	at.Totals = &Row{Key: "total", Label: "Total", Cells: figures(total)}

	rt := Table{ID: "repeats", Title: "Repeat concerns about the same child",
		Caption: "Concerns about a child by how many concerns about the same child were recorded before " +
			"them in the 12 months before. A child is counted by their record in the organisation that " +
			"recorded the concern.",
		RowHead: "The concern was", Columns: []string{"Concerns"}, Chart: "bars"}
	for i, l := range priorLabels {
		rt.Rows = append(rt.Rows, Row{Key: strconv.Itoa(i + 1), Label: l, Cells: figures(prior[i])})
	}
	rt.Rows = append(rt.Rows, Row{Key: "repeat", Label: "A repeat (second or later)", Cells: figures(repeat)})
	rt.Totals = &Row{Key: "total", Label: "Concerns about a child", Cells: figures(withChild)}

	vulns := lifeguard.Vulnerabilities()
	count := map[lifeguard.Vulnerability]int64{}
	for _, t := range b.rc.Vulns {
		for _, code := range strings.Split(t.Key, ",") {
			if code == "" {
				continue
			}
			v := lifeguard.Vulnerability(code)
			if !slices.Contains(vulns, v) {
				vulns = append(vulns, v)
			}
			count[v] += t.N
		}
	}
	vt := Table{ID: "vulnerabilities", Title: "Concerns by the child's vulnerabilities",
		Caption: "A child may have several vulnerabilities or none, so these do not add up to the concerns; " +
			"the table has no total.",
		RowHead: "Vulnerability", Columns: []string{"Concerns"}, Chart: "bars"}
	for _, v := range vulns {
		c := &cell{v: count[v]}
		b.alone(c)
		vt.Rows = append(vt.Rows, Row{Key: string(v), Label: v.Label(), Cells: figures(c)})
	}
	share = publishedShare(slices.Values(bands))
	return Section{ID: "children", Title: "The children", Tables: []Table{at, vt, rt}}, share, nil
}

func (b *builder) organisations() (Section, error) {
	settings := lifeguard.Settings()
	count := map[lifeguard.Setting]int64{}
	for _, t := range b.rc.Settings {
		s := lifeguard.Setting(t.Key)
		if !slices.Contains(settings, s) {
			settings = append(settings, s)
		}
		count[s] += t.N
	}
	cells := make([]*cell, len(settings))
	for i, s := range settings {
		cells[i] = &cell{v: count[s]}
	}
	total := b.total()
	b.protect(line(cells, total))
	t := Table{ID: "settings", Title: "Concerns by the kind of organisation that recorded them",
		RowHead: "Organisation", Columns: []string{"Concerns"}, Chart: "bars"}
	for i, s := range settings {
		t.Rows = append(t.Rows, Row{Key: string(s), Label: s.GroupLabel(), Cells: figures(cells[i])})
	}
	t.Totals = &Row{Key: "total", Label: "Total", Cells: figures(total)}
	sec := Section{ID: "organisations", Title: "Who recorded them", Tables: []Table{t}}
	if rt, ok := b.rateTable(settings, cells); ok {
		sec.Tables = append(sec.Tables, rt)
	}
	return sec, nil
}

// routes is the routes taken and their timeliness, one network per route:
// the concerns given it split by what was decided, and the decided ones by
// whether they were decided by the deadline.
func (b *builder) routes() (Section, error) {
	given := map[lifeguard.RouteCode]int64{}
	var codes []lifeguard.RouteCode
	note := func(c lifeguard.RouteCode) {
		if !slices.Contains(codes, c) {
			codes = append(codes, c)
		}
	}
	for _, t := range b.rc.Given {
		for _, code := range strings.Split(t.Key, ",") {
			if code != "" {
				note(lifeguard.RouteCode(code))
				given[lifeguard.RouteCode(code)] += t.N
			}
		}
	}
	type atoms struct{ byKind [2][3]int64 } // [declined, followed][no deadline, late, on time]
	decided := map[lifeguard.RouteCode]*atoms{}
	for _, t := range b.rc.Routes {
		note(t.Route)
		a := decided[t.Route]
		if a == nil {
			a = &atoms{}
			decided[t.Route] = a
		}
		i, j := 0, 0
		if t.Followed {
			i = 1
		}
		if t.Deadline {
			j = 1
			if t.OnTime {
				j = 2
			}
		}
		a.byKind[i][j] += t.N
	}
	slices.SortFunc(codes, func(x, y lifeguard.RouteCode) int { return strings.Compare(b.routeTitle(x), b.routeTitle(y)) })

	taken := Table{ID: "routes", Title: "Routes taken",
		Caption: "For each route the procedure gave, the concerns where it was followed (accepted or done), " +
			"declined with a reason, or not yet decided.",
		RowHead: "Route", Columns: []string{"Followed", "Declined", "Not yet decided", "Given"}, Chart: "bars"}
	timely := Table{ID: "timeliness", Title: "Decisions by the deadline",
		Caption: "For each route with a deadline, whether its first decision was made by it. A route due now " +
			"(immediate) counts as decided by its deadline when decided within the procedure's window of \"now\" " +
			"after the report, an hour unless the partnership's procedure says otherwise.",
		RowHead: "Route", Columns: []string{"By the deadline", "After it", "Decided", "Share by the deadline"},
		Chart: "bars"}
	for _, code := range codes {
		a := decided[code]
		if a == nil {
			a = &atoms{}
		}
		var fol, dec, late, ontime, none int64
		for j := range 3 {
			dec += a.byKind[0][j]
			fol += a.byKind[1][j]
		}
		for i := range 2 {
			none += a.byKind[i][0]
			late += a.byKind[i][1]
			ontime += a.byKind[i][2]
		}
		undecided := max(0, given[code]-fol-dec)
		cFol, cDec, cUnd := &cell{v: fol}, &cell{v: dec}, &cell{v: undecided}
		cGiven := &cell{v: fol + dec + undecided}
		cOn, cLate, cWith := &cell{v: ontime}, &cell{v: late}, &cell{v: ontime + late}
		n := &network{}
		top, bottom := n.node(), n.node()
		kind := [2]int{n.node(), n.node()}
		n.add(top, kind[0], cDec)
		n.add(top, kind[1], cFol)
		n.add(top, bottom, cUnd)
		when := [3]int{n.node(), n.node(), n.node()}
		with := n.node()
		n.add(when[0], bottom, &cell{v: none, state: unshown})
		n.add(when[1], with, cLate)
		n.add(when[2], with, cOn)
		n.add(with, bottom, cWith)
		for i := range 2 {
			for j := range 3 {
				n.add(kind[i], when[j], &cell{v: a.byKind[i][j], state: unshown})
			}
		}
		n.add(bottom, top, cGiven)
		b.protect(n)
		label := b.routeTitle(code)
		taken.Rows = append(taken.Rows, Row{Key: string(code), Label: label, Cells: figures(cFol, cDec, cUnd, cGiven)})
		if cWith.v == 0 {
			continue
		}
		share := textFigure(MarkNone)
		on, okOn := cOn.published()
		late, okLate := cLate.published()
		if okOn && okLate && on+late > 0 {
			share = textFigure(fmt.Sprintf("%.0f%%", 100*float64(on)/float64(on+late)))
		}
		timely.Rows = append(timely.Rows, Row{Key: string(code), Label: label,
			Cells: append(figures(cOn, cLate, cWith), share)})
	}
	return Section{ID: "routes", Title: "What was done",
		Intro: "The response routes that the partnership's procedure gave for the concerns of the period, and " +
			"what the safeguarding leads decided. Share by the deadline is shown only where neither of its " +
			"figures is suppressed.",
		Tables: []Table{taken, timely, b.addedRoutes()}}, nil
}

// addedRoutes is the routes that safeguarding leads added to concerns
// whose triage did not give them, counted apart from the procedure's: a
// route added often says where the procedure falls short. A concern counts
// once under each route added to it, so each row stands alone.
func (b *builder) addedRoutes() Table {
	t := Table{ID: "added_routes", Title: "Routes added by safeguarding leads",
		Caption: "Routes of the procedure that it did not give a concern but its safeguarding lead added, " +
			"with a reason. They are not counted in the tables above.",
		RowHead: "Route", Columns: []string{"Concerns"}, Chart: "bars"}
	count := map[lifeguard.RouteCode]int64{}
	var codes []lifeguard.RouteCode
	for _, a := range b.rc.Added {
		code := lifeguard.RouteCode(a.Key)
		if !slices.Contains(codes, code) {
			codes = append(codes, code)
		}
		count[code] += a.N
	}
	slices.SortFunc(codes, func(x, y lifeguard.RouteCode) int { return strings.Compare(b.routeTitle(x), b.routeTitle(y)) })
	for _, code := range codes {
		c := &cell{v: count[code]}
		b.alone(c)
		t.Rows = append(t.Rows, Row{Key: string(code), Label: b.routeTitle(code), Cells: figures(c)})
	}
	return t
}

func (b *builder) routeTitle(code lifeguard.RouteCode) string {
	if b.opt.RouteTitle != nil {
		if t, ok := b.opt.RouteTitle(code); ok {
			return t
		}
	}
	return string(code)
}

// trend is concerns by month against the previous period's months.
func (b *builder) trend() (Section, error) {
	months := func(from, to time.Time, tallies []lifeguard.Tally) ([]string, []*cell) {
		var keys []string
		byKey := map[string]int64{}
		for _, t := range tallies {
			byKey[t.Key] += t.N
		}
		for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); m.Before(to); m = m.AddDate(0, 1, 0) {
			keys = append(keys, m.Format("2006-01"))
		}
		cells := make([]*cell, len(keys))
		for i, k := range keys {
			cells[i] = &cell{v: byKey[k]}
		}
		return keys, cells
	}
	q := b.rc.Query
	from, to := q.From.In(time.UTC), q.To.In(time.UTC).AddDate(0, 0, 1)
	days := int(to.Sub(from).Hours()/24 + 0.5)
	keys, now := months(from, to, b.rc.Months)
	pkeys, prev := months(from.AddDate(0, 0, -days), from, b.rc.PrevMonths)
	nowTotal, prevTotal := b.total(), &cell{v: b.rc.Previous, fixed: true}
	for _, n := range []*network{line(now, nowTotal), line(prev, prevTotal)} {
		b.protect(n)
	}
	t := Table{ID: "trend", Title: "Concerns by month, against the previous period",
		Caption: "Month by month (UTC), against the previous period, which has as many days as this one " +
			"and ends the day before it starts. A month cut by the start or end of a period counts only " +
			"its days in the period.",
		RowHead: "Month", Columns: []string{"This period", "Previous period"}, Chart: "pair"}
	for i := range max(len(keys), len(pkeys)) {
		row := Row{Key: strconv.Itoa(i + 1)}
		var parts []string
		if i < len(keys) {
			parts = append(parts, monthLabel(keys[i]))
			row.Cells = append(row.Cells, now[i].figure())
		} else {
			row.Cells = append(row.Cells, textFigure(MarkNone))
		}
		if i < len(pkeys) {
			parts = append(parts, "previous: "+monthLabel(pkeys[i]))
			row.Cells = append(row.Cells, prev[i].figure())
		} else {
			row.Cells = append(row.Cells, textFigure(MarkNone))
		}
		row.Label = strings.Join(parts, "; ")
		t.Rows = append(t.Rows, row)
	}
	t.Totals = &Row{Key: "total", Label: "Total", Cells: figures(nowTotal, prevTotal)}
	return Section{ID: "trend", Title: "Trend", Tables: []Table{t}}, nil
}

func monthLabel(key string) string {
	m, err := time.Parse("2006-01", key)
	if err != nil {
		return key
	}
	return m.Format("Jan 2006")
}

// northWest fills a table whose row sums are rows and column sums are cols
// (equal in total) by the north-west corner rule: one split that fits.
func northWest(rows, cols []*cell) [][]int64 {
	out := make([][]int64, len(rows))
	r := make([]int64, len(rows))
	c := make([]int64, len(cols))
	for i, x := range rows {
		r[i] = x.v
		out[i] = make([]int64, len(cols))
	}
	for j, x := range cols {
		c[j] = x.v
	}
	for i, j := 0, 0; i < len(rows) && j < len(cols); {
		v := min(r[i], c[j])
		out[i][j] += v
		r[i], c[j] = r[i]-v, c[j]-v
		if r[i] == 0 {
			i++
		} else {
			j++
		}
	}
	return out
}

func count(n int64) Figure { return Figure{Value: &n, Text: strconv.FormatInt(n, 10)} }

// audits is the self-audit coverage and the spread of strand scores. These
// count organisations, not children, and are published as they are.
func (b *builder) audits() (Section, error) {
	sec := Section{ID: "audits", Title: "Self-audit",
		Intro: "Organisations with a self-audit completed in the 12 months to the end of the period, and the " +
			"strand scores of each one's latest such audit (1 is not in place, 4 is embedded). These count " +
			"organisations, not children, so no figure is suppressed."}
	a := b.rc.Audits
	if a == nil {
		return sec, nil
	}
	cov := Table{ID: "audit_coverage", Title: "Organisations with a self-audit in the last 12 months",
		RowHead: "Organisation", Columns: []string{"Audited", "Organisations", "Share audited"}, Chart: "bars"}
	audited := map[string]int64{}
	for _, t := range a.Audited {
		audited[t.Key] = t.N
	}
	var all, done int64
	for _, t := range a.Organisations {
		all, done = all+t.N, done+audited[t.Key]
		cov.Rows = append(cov.Rows, Row{Key: t.Key, Label: lifeguard.Setting(t.Key).GroupLabel(),
			Cells: []Figure{count(audited[t.Key]), count(t.N), share(audited[t.Key], t.N)}})
	}
	cov.Totals = &Row{Key: "total", Label: "Total", Cells: []Figure{count(done), count(all), share(done, all)}}

	bands := []struct {
		label  string
		lo, hi int
	}{{"1.0 to 1.9", 10, 19}, {"2.0 to 2.9", 20, 29}, {"3.0 to 3.9", 30, 39}, {"4.0", 40, 40}}
	sc := Table{ID: "strand_scores", Title: "Strand scores of the latest audits",
		Caption: "How many organisations scored in each band on each strand.",
		RowHead: "Strand", Chart: "stack"}
	for _, band := range bands {
		sc.Columns = append(sc.Columns, band.label)
	}
	sc.Columns = append(sc.Columns, "Organisations")
	var strands []string
	byStrand := map[string][]int64{}
	for _, t := range a.Scores {
		if byStrand[t.Strand] == nil {
			strands = append(strands, t.Strand)
			byStrand[t.Strand] = make([]int64, len(bands))
		}
		for i, band := range bands {
			if t.Tenths >= band.lo && t.Tenths <= band.hi {
				byStrand[t.Strand][i] += t.N
			}
		}
	}
	for _, st := range strands {
		label := st
		if b.opt.StrandTitle != nil {
			if t, ok := b.opt.StrandTitle(st); ok {
				label = t
			}
		}
		row := Row{Key: st, Label: label}
		var total int64
		for _, n := range byStrand[st] {
			row.Cells = append(row.Cells, count(n))
			total += n
		}
		row.Cells = append(row.Cells, count(total))
		sc.Rows = append(sc.Rows, row)
	}
	sec.Tables = []Table{cov, sc}
	return sec, nil
}

func share(n, of int64) Figure {
	if of == 0 {
		return textFigure(MarkNone)
	}
	return textFigure(fmt.Sprintf("%.0f%%", 100*float64(n)/float64(of)))
}

// plan is the strategy action plan's status and the escalated barriers.
func (b *builder) plan() (Section, error) {
	sec := Section{ID: "plan", Title: "Strategy action plan",
		Intro: "The partnership's actions by strand and status today, and the barriers escalated to the board " +
			"that are not yet resolved."}
	p := b.rc.Plan
	if p == nil {
		return Section{}, errNoSection
	}
	rags := lifeguard.RAGs()
	st := Table{ID: "plan_status", Title: "Actions by strand and status", RowHead: "Strand", Chart: "stack"}
	for _, r := range rags {
		st.Columns = append(st.Columns, title(string(r)))
	}
	st.Columns = append(st.Columns, "Total", "Overdue")
	counts := map[lifeguard.PlanStrand]map[lifeguard.RAG]int64{}
	overdue := map[lifeguard.PlanStrand]int64{}
	for _, t := range p.Actions {
		if counts[t.Strand] == nil {
			counts[t.Strand] = map[lifeguard.RAG]int64{}
		}
		counts[t.Strand][t.RAG] += t.N
	}
	for _, t := range p.Overdue {
		overdue[t.Strand] += t.N
	}
	totals := make([]int64, len(rags)+2)
	for _, strand := range lifeguard.PlanStrands() {
		row := Row{Key: string(strand), Label: strand.Label()}
		var total int64
		for i, r := range rags {
			n := counts[strand][r]
			row.Cells = append(row.Cells, count(n))
			total += n
			totals[i] += n
		}
		totals[len(rags)] += total
		totals[len(rags)+1] += overdue[strand]
		row.Cells = append(row.Cells, count(total), count(overdue[strand]))
		st.Rows = append(st.Rows, row)
	}
	tr := Row{Key: "total", Label: "Total"}
	for _, n := range totals {
		tr.Cells = append(tr.Cells, count(n))
	}
	st.Totals = &tr
	sec.Tables = []Table{st}
	bt := Table{ID: "barriers", Title: "Barriers escalated to the board",
		Caption: "Each barrier stays here until it is resolved.", RowHead: "Action",
		Columns: []string{"Strand", "Owner", "Escalated", "Barrier"}}
	for i, br := range p.Barriers {
		bt.Rows = append(bt.Rows, Row{Key: strconv.Itoa(i + 1), Label: br.Action, Cells: []Figure{
			textFigure(br.Strand.Label()), textFigure(br.Owner), textFigure(br.EscalatedAt.UTC().Format("2 January 2006")),
			textFigure(br.Text)}})
	}
	sec.Tables = append(sec.Tables, bt)
	return sec, nil
}

// errNoSection leaves a section out of the report: the plan is the
// partnership's, so an organisation's own report has none.
var errNoSection = errors.New("report: no such section in this report")
