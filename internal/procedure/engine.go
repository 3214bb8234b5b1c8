package procedure

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/types"

	"github.com/lifeguard-scp/lifeguard"
)

// Procedure is a loaded and compiled procedure: the baseline, perhaps with a
// partnership's local file over it. It is immutable and safe for concurrent
// use, and it implements lifeguard.Triager.
type Procedure struct {
	ref      lifeguard.ProcedureRef
	baseline lifeguard.ProcedureRef
	local    *LocalInfo
	// source is the local file as read, for the directory's pages to
	// start from (directory.go); nil without one.
	source     []byte
	cal        *Calendar
	nowWindow  time.Duration
	routes     []routeDef
	routeIndex map[lifeguard.RouteCode]int
	guidance   []string
	early      []*rule // conditions that read only the facts
	late       []*rule // conditions that read routes or fired, in file order
	warnings   []warning
	doc        baselineDoc
	holidays   []Holiday
}

var _ lifeguard.Triager = (*Procedure)(nil)

type routeDef struct {
	code    lifeguard.RouteCode
	title   string
	action  string
	contact *string
	urgency lifeguard.Urgency
	days    int
}

type rule struct {
	id       string
	when     cel.Program
	late     bool
	routes   []addRoute
	removes  []int
	proposes *lifeguard.ProposedDecision
	reason   string
	guidance []string
	offences []offence
}

type addRoute struct {
	route   int // index into Procedure.routes
	when    cel.Program
	reason  string
	urgency lifeguard.Urgency // "" for the route's own
	days    int
}

type offence struct {
	lifeguard.Offence
	when cel.Program
}

type warning struct {
	when cel.Program
	text string
}

// Ref names the procedure and its version, local file included.
func (p *Procedure) Ref() lifeguard.ProcedureRef { return p.ref }

// Baseline names the England baseline and its version, without the local
// file.
func (p *Procedure) Baseline() lifeguard.ProcedureRef { return p.baseline }

// Local describes the local file, or is nil for the baseline alone.
func (p *Procedure) Local() *LocalInfo { return p.local }

// NowWindow is how long "now" lasts when the timeliness of an immediate
// route is judged (lifeguard.Triage.NowWindow).
func (p *Procedure) NowWindow() time.Duration { return p.nowWindow }

// Calendar returns the procedure's working-day calendar.
func (p *Procedure) Calendar() *Calendar { return p.cal }

func (p *Procedure) hasRoute(code lifeguard.RouteCode) bool {
	_, ok := p.routeIndex[code]
	return ok
}

func compileRule(env *cel.Env, p *Procedure, d ruleDoc) (*rule, []string) {
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	r := &rule{id: d.ID, reason: strings.TrimSpace(d.Reason), guidance: d.Guidance}
	var late bool
	var err error
	if r.when, late, err = compileCondition(env, d.When); err != nil {
		bad("when: %v", err)
	}
	r.late = r.late || late
	if r.reason == "" {
		bad("reason is required: say in plain English why the rule applies")
	}
	if strings.TrimSpace(d.Source) == "" {
		bad("source is required: the law, guidance or decision the rule comes from")
	}
	for _, rr := range d.Routes {
		i, ok := p.routeIndex[lifeguard.RouteCode(rr.Code)]
		if !ok {
			bad("routes: %q is not a route code", rr.Code)
			continue
		}
		a := addRoute{route: i, reason: r.reason, urgency: lifeguard.Urgency(rr.Urgency), days: rr.Days}
		if rr.Reason != "" {
			a.reason = rr.Reason
		}
		if a.urgency != "" && !a.urgency.Valid() {
			bad("routes: %s: urgency %q is not one of immediate, same_working_day, working_days, as_soon_as_possible, advice", rr.Code, rr.Urgency)
		}
		if a.urgency == lifeguard.WorkingDays && a.days < 1 {
			bad("routes: %s: working_days needs days of 1 or more", rr.Code)
		}
		if rr.When != "" {
			if a.when, late, err = compileCondition(env, rr.When); err != nil {
				bad("routes: %s: when: %v", rr.Code, err)
			}
			r.late = r.late || late
		}
		r.routes = append(r.routes, a)
	}
	for _, code := range d.Removes {
		i, ok := p.routeIndex[lifeguard.RouteCode(code)]
		if !ok {
			bad("removes: %q is not a route code", code)
			continue
		}
		r.removes = append(r.removes, i)
	}
	if d.Proposes != nil {
		if d.Proposes.Code == "" || d.Proposes.Title == "" {
			bad("proposes needs a code and a title")
		}
		r.proposes = &lifeguard.ProposedDecision{Code: d.Proposes.Code, Title: d.Proposes.Title, Rule: d.ID, Why: r.reason}
	}
	for _, o := range d.Offences {
		if o.Law == "" || o.Section == "" || o.Title == "" {
			bad("offences: each offence needs a law, a section and a title")
			continue
		}
		off := offence{Offence: lifeguard.Offence{Law: o.Law, Section: o.Section, Title: o.Title}}
		if o.When != "" {
			if off.when, late, err = compileCondition(env, o.When); err != nil {
				bad("offences: %s %s: when: %v", o.Law, o.Section, err)
			}
			r.late = r.late || late
		}
		r.offences = append(r.offences, off)
	}
	if len(d.Routes) == 0 && len(d.Removes) == 0 && d.Proposes == nil && len(d.Guidance) == 0 && len(d.Offences) == 0 {
		bad("the rule does nothing: give it routes, removes, proposes, guidance or offences")
	}
	return r, problems
}

// Triage evaluates the procedure for one concern's facts. Invalid facts give
// an EINVALID error and no routes.
func (p *Procedure) Triage(_ context.Context, f *lifeguard.Facts) (*lifeguard.Triage, error) {
	if problems := f.Validate(); len(problems) > 0 {
		return nil, lifeguard.Invalid("invalid concern", problems)
	}
	return p.evaluate(f)
}

// TriageValid evaluates the procedure for facts already checked, without
// checking them again. The zero ValidFacts proves nothing and is refused.
func (p *Procedure) TriageValid(_ context.Context, f lifeguard.ValidFacts) (*lifeguard.Triage, error) {
	if f.IsZero() {
		return nil, lifeguard.Invalid("invalid concern", []lifeguard.Problem{{Path: "facts", Problem: "are required"}})
	}
	facts := f.Facts()
	return p.evaluate(&facts)
}

// picked is one route while rules are being evaluated.
type picked struct {
	on      bool
	urgency lifeguard.Urgency
	days    int
	rules   []string
	why     []string
}

type evaluation struct {
	p        *Procedure
	a        *activation
	picked   []picked
	fired    []string
	removed  []*rule
	proposal *lifeguard.ProposedDecision
	guidance []string
	offences []lifeguard.Offence
}

func (p *Procedure) evaluate(f *lifeguard.Facts) (*lifeguard.Triage, error) {
	e, err := p.run(f)
	if err != nil {
		return nil, err
	}
	return e.result(f)
}

// run evaluates every rule; tests read which rules fired from the evaluation.
func (p *Procedure) run(f *lifeguard.Facts) (*evaluation, error) {
	e := &evaluation{p: p, a: newActivation(f), picked: make([]picked, len(p.routes))}
	for _, r := range p.early {
		if err := e.apply(r); err != nil {
			return nil, err
		}
	}
	if len(p.late) > 0 {
		e.refreshLists()
		for _, r := range p.late {
			n := len(e.fired)
			if err := e.apply(r); err != nil {
				return nil, err
			}
			if len(e.fired) != n {
				e.refreshLists()
			}
		}
	}
	return e, nil
}

func (e *evaluation) test(prg cel.Program, id string) (bool, error) {
	if prg == nil {
		return true, nil
	}
	v, _, err := prg.Eval(e.a)
	if err != nil {
		return false, fmt.Errorf("rule %s: %w", id, err)
	}
	b, ok := v.(types.Bool)
	if !ok {
		return false, fmt.Errorf("rule %s: the condition gave %v, not true or false", id, v)
	}
	return bool(b), nil
}

func (e *evaluation) apply(r *rule) error {
	ok, err := e.test(r.when, r.id)
	if err != nil || !ok {
		return err
	}
	e.fired = append(e.fired, r.id)
	for _, a := range r.routes {
		ok, err := e.test(a.when, r.id)
		if err != nil {
			return err
		}
		if ok {
			e.add(a, r.id)
		}
	}
	if len(r.removes) > 0 {
		e.removed = append(e.removed, r)
	}
	if r.proposes != nil && e.proposal == nil {
		e.proposal = r.proposes
	}
	for _, g := range r.guidance {
		if !slices.Contains(e.guidance, g) {
			e.guidance = append(e.guidance, g)
		}
	}
	for _, o := range r.offences {
		ok, err := e.test(o.when, r.id)
		if err != nil {
			return err
		}
		if ok && !slices.ContainsFunc(e.offences, func(x lifeguard.Offence) bool { return x.Law == o.Law && x.Section == o.Section }) {
			e.offences = append(e.offences, o.Offence)
		}
	}
	return nil
}

// add merges one rule's route into the result: one entry per code, with the
// strictest urgency and every rule and reason kept.
func (e *evaluation) add(a addRoute, id string) {
	def := &e.p.routes[a.route]
	u, days := a.urgency, a.days
	if u == "" {
		u, days = def.urgency, def.days
	}
	pk := &e.picked[a.route]
	if !pk.on || stricter(u, days, pk.urgency, pk.days) {
		pk.urgency, pk.days = u, days
	}
	pk.on = true
	pk.rules = append(pk.rules, id)
	if !slices.Contains(pk.why, a.reason) {
		pk.why = append(pk.why, a.reason)
	}
}

func stricter(u lifeguard.Urgency, days int, than lifeguard.Urgency, thanDays int) bool {
	if u.Rank() != than.Rank() {
		return u.Rank() < than.Rank()
	}
	return u == lifeguard.WorkingDays && days < thanDays
}

// refreshLists gives late conditions the routes and rules so far.
func (e *evaluation) refreshLists() {
	codes := make([]string, 0, 16)
	for i := range e.picked {
		if e.picked[i].on {
			codes = append(codes, string(e.p.routes[i].code))
		}
	}
	e.a.routes = types.NewStringList(types.DefaultTypeAdapter, codes)
	e.a.fired = types.NewStringList(types.DefaultTypeAdapter, slices.Clip(e.fired))
}

func (e *evaluation) result(f *lifeguard.Facts) (*lifeguard.Triage, error) {
	// Removals apply after every rule has added its routes, so a route cannot
	// come back through a rule that happens to run later. The reason goes to
	// the safeguarding lead's review, which is where the decision is recorded.
	review := e.p.routeIndex["DSL_REVIEW"]
	var warnings []string
	for _, r := range e.removed {
		for _, i := range r.removes {
			e.picked[i] = picked{}
		}
		if pk := &e.picked[review]; pk.on {
			pk.rules = append(pk.rules, r.id)
			pk.why = append(pk.why, r.reason)
		} else {
			warnings = append(warnings, r.reason)
		}
	}
	t := &lifeguard.Triage{
		Procedure:        e.p.ref,
		NowWindow:        e.p.nowWindow,
		Routes:           make([]lifeguard.Route, 0, 16),
		Guidance:         append(e.guidance, e.p.guidance...),
		Offences:         e.offences,
		RiskAreas:        riskAreas(f),
		ProposedDecision: e.proposal,
	}
	if t.Offences == nil {
		t.Offences = []lifeguard.Offence{}
	}
	order := make([]int, 0, 16)
	for i := range e.picked {
		pk := &e.picked[i]
		if !pk.on {
			continue
		}
		def := &e.p.routes[i]
		r := lifeguard.Route{Code: def.code, Title: def.title, Action: def.action, Contact: def.contact,
			Urgency: pk.urgency, Rules: pk.rules, Why: pk.why}
		if due, ok := e.p.cal.Due(f.ReportedAt, pk.urgency, pk.days); ok {
			r.Due = &due
		}
		t.Routes = append(t.Routes, r)
		order = append(order, i)
	}
	// Sort by urgency, then due time, then the route table's order; order[]
	// travels with the routes so the last key needs no lookup.
	idx := make([]int, len(t.Routes))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ra, rb := &t.Routes[a], &t.Routes[b]
		if c := cmp.Compare(ra.Urgency.Rank(), rb.Urgency.Rank()); c != 0 {
			return c
		}
		if c := compareDue(ra.Due, rb.Due); c != 0 {
			return c
		}
		return cmp.Compare(order[a], order[b])
	})
	sorted := make([]lifeguard.Route, len(t.Routes))
	for i, j := range idx {
		sorted[i] = t.Routes[j]
	}
	t.Routes = sorted

	for _, w := range e.p.warnings {
		ok, err := e.test(w.when, "warning")
		if err != nil {
			return nil, err
		}
		if ok {
			warnings = append(warnings, w.text)
		}
	}
	if warnings == nil {
		warnings = []string{}
	}
	t.Warnings = warnings
	return t, nil
}

func compareDue(a, b *time.Time) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Compare(*b)
}

// riskAreas lists the 4Cs areas and natures the concern types touch, in a
// fixed order so the output is the same whatever order the types came in.
func riskAreas(f *lifeguard.Facts) []lifeguard.RiskArea {
	out := make([]lifeguard.RiskArea, 0, len(f.ConcernTypes))
	for _, t := range f.ConcernTypes {
		info, ok := lifeguard.LookupConcernType(t)
		if !ok || info.Nature == "" {
			continue // adults at work and "other" are not child risk areas
		}
		ra := lifeguard.RiskArea{Area: info.Area, Nature: info.Nature}
		if !slices.Contains(out, ra) {
			out = append(out, ra)
		}
	}
	slices.SortFunc(out, func(a, b lifeguard.RiskArea) int {
		if c := cmp.Compare(areaRank(a.Area), areaRank(b.Area)); c != 0 {
			return c
		}
		return cmp.Compare(natureRank(a.Nature), natureRank(b.Nature))
	})
	return out
}

func areaRank(a lifeguard.Area) int {
	return rankIn([]lifeguard.Area{"content", "contact", "conduct", "commerce", "cross-cutting"}, a)
}

func natureRank(n lifeguard.Nature) int {
	return rankIn([]lifeguard.Nature{"aggressive", "sexual", "values", "commercial", "privacy", "health"}, n)
}

func rankIn[T comparable](order []T, v T) int {
	if i := slices.Index(order, v); i >= 0 {
		return i
	}
	return len(order)
}

// rule returns the compiled rule with the id, or nil.
func (p *Procedure) rule(id string) *rule {
	for _, r := range slices.Concat(p.early, p.late) {
		if r.id == id {
			return r
		}
	}
	return nil
}

// RouteUrgency returns the urgency the procedure gives a route, for the
// report to find the most urgent routes.
func (p *Procedure) RouteUrgency(code lifeguard.RouteCode) (lifeguard.Urgency, bool) {
	i, ok := p.routeIndex[code]
	if !ok {
		return "", false
	}
	return p.routes[i].urgency, true
}

// RouteTitle returns the title of the route with the code, as this
// procedure (local file included) names it.
func (p *Procedure) RouteTitle(code lifeguard.RouteCode) (string, bool) {
	i, ok := p.routeIndex[code]
	if !ok {
		return "", false
	}
	return p.routes[i].title, true
}

// RouteContact returns the contact of the route with the code, as this
// procedure (local file included) gives it; false when it gives none.
func (p *Procedure) RouteContact(code lifeguard.RouteCode) (string, bool) {
	i, ok := p.routeIndex[code]
	if !ok || p.routes[i].contact == nil || *p.routes[i].contact == "" {
		return "", false
	}
	return *p.routes[i].contact, true
}

var _ lifeguard.RouteCatalogue = (*Procedure)(nil)

// AddedRoute returns the route with the code as this procedure defines it,
// for a DSL adding it to a concern whose triage did not give it. Its
// deadline counts from at, the moment it is added, by the route's own
// urgency: the DSL adds a route because they now judge it needed, and a
// deadline counted from the report would often have passed before anyone
// could act. No rule asked for it, so Rules and Why are empty; the DSL's
// reason is kept beside it (lifeguard.AddedRoute).
func (p *Procedure) AddedRoute(code lifeguard.RouteCode, at time.Time) (lifeguard.Route, bool) {
	i, ok := p.routeIndex[code]
	if !ok {
		return lifeguard.Route{}, false
	}
	def := &p.routes[i]
	r := lifeguard.Route{Code: def.code, Title: def.title, Action: def.action, Contact: def.contact,
		Urgency: def.urgency, Rules: []string{}, Why: []string{}}
	if due, ok := p.cal.Due(at, def.urgency, def.days); ok {
		r.Due = &due
	}
	return r, true
}

// RouteCodes lists the procedure's routes in the order of its route
// table, each with its code, title, action and urgency (no deadline).
func (p *Procedure) RouteCodes() []lifeguard.Route {
	out := make([]lifeguard.Route, len(p.routes))
	for i, def := range p.routes {
		out[i] = lifeguard.Route{Code: def.code, Title: def.title, Action: def.action, Contact: def.contact,
			Urgency: def.urgency, Rules: []string{}, Why: []string{}}
	}
	return out
}
