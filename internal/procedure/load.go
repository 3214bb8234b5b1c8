package procedure

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"go.yaml.in/yaml/v3"
)

//go:embed baseline.yaml
var baselineYAML []byte

const baselineFile = "baseline.yaml"

var ruleIDPattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// Load builds the procedure from the embedded England baseline and, when local
// is not nil, the partnership's local file named file. Every problem in either
// is reported at once in a *LoadError, with its file, line and rule.
func Load(file string, local []byte) (*Procedure, error) {
	return load(baselineYAML, file, local)
}

// load builds the procedure from the baseline given, so that tests can load
// an earlier baseline and compare.
func load(baseline []byte, file string, local []byte) (*Procedure, error) {
	var base baselineDoc
	baseRoot, err := decodeStrict(baselineFile, baseline, &base)
	if err != nil {
		return nil, err
	}
	m := &merge{doc: base, errs: &LoadError{}, localKeys: map[string]int{}}
	m.checkHistory(&base)
	m.origin = make(map[string]origin, len(base.Rules))
	ruleLines := itemLines(baseRoot, "rules")
	for i, r := range base.Rules {
		m.origin[r.ID] = origin{file: baselineFile, line: itemLine(ruleLines, i)}
	}
	m.routeLines = itemLines(baseRoot, "routes")
	m.warnLines = itemLines(baseRoot, "warnings")
	m.warnFiles = slices.Repeat([]string{baselineFile}, len(base.Warnings))

	// The baseline is copied before a local file changes it, so that check can
	// compare the two and the embedded data is never written to.
	m.doc.Routes = slices.Clone(base.Routes)
	m.doc.Rules = slices.Clone(base.Rules)
	m.doc.Warnings = slices.Clone(base.Warnings)
	m.doc.Guidance = slices.Clone(base.Guidance)
	sets := make(map[string][]string, len(base.Sets))
	for k, v := range base.Sets {
		sets[k] = v
	}
	m.doc.Sets = sets

	p := &Procedure{
		baseline: lifeguard.ProcedureRef{Name: base.Name, Version: base.Version},
	}
	p.ref = p.baseline
	if local != nil {
		var loc localDoc
		root, err := decodeStrict(file, local, &loc)
		if err != nil {
			return nil, err
		}
		m.applyLocal(file, root, &loc)
		p.local = &LocalInfo{File: file, Name: loc.Name, Version: loc.Version, WrittenFor: loc.BaselineVersion,
			Overrides: m.overrides, Changes: m.changes, Review: reviews(base.History, m.writtenFor, m.overrides)}
		p.ref = lifeguard.ProcedureRef{
			Name:    fmt.Sprintf("%s (on %s %s)", loc.Name, base.Name, base.Version),
			Version: base.Version + "+" + loc.Version,
		}
	}
	m.compile(p)
	if err := m.errs.err(); err != nil {
		return nil, err
	}
	p.doc = m.doc
	p.holidays = m.holidays
	if local != nil {
		p.source = slices.Clone(local)
	}
	return p, nil
}

// LocalInfo describes the local file over the baseline: what it is and what it
// changes, for procedure check and for the record.
type LocalInfo struct {
	File    string
	Name    string
	Version string
	// WrittenFor is the baseline version the file says it was written for,
	// "" when it does not say.
	WrittenFor string
	Overrides  []Override
	Changes    []string
	// Review lists the overrides of baseline rules that changed after the
	// version the file was written for (after the first baseline, when
	// the file does not say), for the partnership to review.
	Review []Review
}

// Override is a baseline rule that a local file changed, with the recorded
// reason for the change.
type Override struct {
	Rule     string
	Reason   string
	Disabled bool
}

// origin is where a rule or warning came from, for error messages.
type origin struct {
	file string
	line int
}

// merge applies a local file to the baseline document and compiles the result.
type merge struct {
	doc        baselineDoc
	errs       *LoadError
	origin     map[string]origin
	routeLines []int
	warnLines  []int
	warnFiles  []string
	holidays   []Holiday
	overrides  []Override
	changes    []string
	localFile  string
	localKeys  map[string]int // top-level keys of the local file and their lines
	writtenFor string         // the baseline version the local file was written for
}

func (m *merge) changef(format string, args ...any) {
	m.changes = append(m.changes, fmt.Sprintf(format, args...))
}

func (m *merge) applyLocal(file string, root *yaml.Node, loc *localDoc) {
	m.localFile = file
	for i := 0; i+1 < len(root.Content); i += 2 {
		m.localKeys[root.Content[i].Value] = root.Content[i].Line
	}
	if strings.TrimSpace(loc.Name) == "" {
		m.errs.add(file, 0, "", "name is required: the partnership's name for its procedure")
	}
	if strings.TrimSpace(loc.Version) == "" {
		m.errs.add(file, 0, "", "version is required, so that every triage records which version of the local file produced it")
	}
	m.writtenFor = loc.BaselineVersion
	if loc.BaselineVersion != "" && historyIndex(m.doc.History, loc.BaselineVersion) < 0 {
		m.errs.add(file, keyLine(root, "baseline_version"), "", "baseline_version %q is not a version of the %s that this Lifeguard knows (%s)",
			loc.BaselineVersion, m.doc.Name, knownVersions(m.doc.History))
	}
	if loc.TimeZone != "" && loc.TimeZone != m.doc.TimeZone {
		m.changef("time zone %s (baseline %s)", loc.TimeZone, m.doc.TimeZone)
		m.doc.TimeZone = loc.TimeZone
	}
	if loc.NowWindow != "" && loc.NowWindow != m.doc.NowWindow {
		m.changef("now lasts %s when timeliness is judged (baseline %s)", loc.NowWindow, m.doc.NowWindow)
		m.doc.NowWindow = loc.NowWindow
	}
	if loc.WorkingDay.Start != "" && loc.WorkingDay.Start != m.doc.WorkingDay.Start {
		m.changef("working day starts at %s (baseline %s)", loc.WorkingDay.Start, m.doc.WorkingDay.Start)
		m.doc.WorkingDay.Start = loc.WorkingDay.Start
	}
	if loc.WorkingDay.Close != "" && loc.WorkingDay.Close != m.doc.WorkingDay.Close {
		m.changef("working day closes at %s (baseline %s)", loc.WorkingDay.Close, m.doc.WorkingDay.Close)
		m.doc.WorkingDay.Close = loc.WorkingDay.Close
	}
	holidayLines := itemLines(root, "holidays")
	for i, h := range loc.Holidays {
		d, err := lifeguard.ParseDate(h.Date)
		if err != nil {
			m.errs.add(file, itemLine(holidayLines, i), "", "holidays: %v", err)
			continue
		}
		if strings.TrimSpace(h.Name) == "" {
			m.errs.add(file, itemLine(holidayLines, i), "", "holidays: %s needs a name", d)
			continue
		}
		m.holidays = append(m.holidays, Holiday{Date: d, Name: h.Name})
		m.changef("holiday %s added (%s)", d, h.Name)
	}
	for name, vals := range loc.Sets {
		if _, ok := m.doc.Sets[name]; ok {
			m.errs.add(file, keyLine(root, "sets"), "", "sets: %q is a baseline set and cannot be redefined; choose another name", name)
			continue
		}
		m.doc.Sets[name] = vals
		m.changef("set %s added", name)
	}
	codes := slices.Sorted(mapKeys(loc.Routes))
	for _, code := range codes {
		lr := loc.Routes[code]
		i := slices.IndexFunc(m.doc.Routes, func(r routeDoc) bool { return r.Code == code })
		if i < 0 {
			m.errs.add(file, keyLine(root, "routes"), "", "routes: %q is not a route code; local files set the contact, title and action of existing routes", code)
			continue
		}
		r := &m.doc.Routes[i]
		if lr.Title != "" && lr.Title != r.Title {
			m.changef("route %s: title %q (baseline %q)", code, lr.Title, r.Title)
			r.Title = lr.Title
		}
		if lr.Action != "" && lr.Action != r.Action {
			m.changef("route %s: action %q", code, lr.Action)
			r.Action = lr.Action
		}
		if lr.Contact != "" {
			c := lr.Contact
			r.Contact = &c
			m.changef("route %s: contact %q", code, c)
		}
	}
	if loc.EarlyHelpDays != 0 {
		i := slices.IndexFunc(m.doc.Routes, func(r routeDoc) bool { return r.Code == "EARLY_HELP" })
		switch {
		case loc.EarlyHelpDays < 1 || loc.EarlyHelpDays > 60:
			m.errs.add(file, keyLine(root, "early_help_days"), "", "early_help_days must be a whole number of working days from 1 to 60")
		case i >= 0 && m.doc.Routes[i].Days != loc.EarlyHelpDays:
			m.changef("early help within %d working days (baseline %d)", loc.EarlyHelpDays, m.doc.Routes[i].Days)
			m.doc.Routes[i].Days = loc.EarlyHelpDays
		}
	}
	if len(loc.Guidance) > 0 {
		m.doc.Guidance = append(m.doc.Guidance, loc.Guidance...)
		m.changef("%d guidance line(s) added", len(loc.Guidance))
	}

	overrideLines := itemLines(root, "overrides")
	seen := map[string]bool{}
	for i, o := range loc.Overrides {
		line := itemLine(overrideLines, i)
		j := slices.IndexFunc(m.doc.Rules, func(r ruleDoc) bool { return r.ID == o.ID })
		switch {
		case o.ID == "":
			m.errs.add(file, line, "", "an override needs the id of the baseline rule it changes")
			continue
		case j < 0:
			m.errs.add(file, line, o.ID, "there is no baseline rule with this id to override")
			continue
		case seen[o.ID]:
			m.errs.add(file, line, o.ID, "this rule is overridden twice; put every change in one override")
			continue
		case strings.TrimSpace(o.Reason) == "":
			m.errs.add(file, line, o.ID, "an override needs a reason: the partnership's recorded reason for changing a baseline rule")
			continue
		}
		seen[o.ID] = true
		m.overrides = append(m.overrides, Override{Rule: o.ID, Reason: o.Reason, Disabled: o.Disabled})
		m.origin[o.ID] = origin{file: file, line: line}
		if o.Disabled {
			m.doc.Rules = slices.Delete(m.doc.Rules, j, j+1)
			m.changef("rule %s switched off; reason: %s", o.ID, o.Reason)
			continue
		}
		r := &m.doc.Rules[j]
		var what []string
		if o.When != "" {
			r.When, what = o.When, append(what, "condition")
		}
		if o.Routes != nil {
			r.Routes, what = o.Routes, append(what, "routes")
		}
		if o.Removes != nil {
			r.Removes, what = o.Removes, append(what, "removes")
		}
		if o.Explanation != "" {
			r.Reason, what = o.Explanation, append(what, "explanation")
		}
		if o.Guidance != nil {
			r.Guidance, what = o.Guidance, append(what, "guidance")
		}
		if o.Offences != nil {
			r.Offences, what = o.Offences, append(what, "offences")
		}
		if o.Source != "" {
			r.Source, what = o.Source, append(what, "source")
		}
		if len(what) == 0 {
			m.errs.add(file, line, o.ID, "this override changes nothing; give a new when, routes, removes, explanation, guidance, offences or source, or disabled: true")
			continue
		}
		m.changef("rule %s: %s changed; reason: %s", o.ID, strings.Join(what, ", "), o.Reason)
	}

	ruleLines := itemLines(root, "rules")
	for i, r := range loc.Rules {
		if _, dup := m.origin[r.ID]; dup && r.ID != "" {
			if v := addedSince(m.doc.History, m.writtenFor, r.ID); v != "" {
				m.errs.add(file, itemLine(ruleLines, i), r.ID, "the %s %s added a rule with this id; give the local rule another id, and check whether the baseline's rule now does what it did",
					m.doc.Name, v)
				continue
			}
			m.errs.add(file, itemLine(ruleLines, i), r.ID, "a rule with this id already exists; to change a baseline rule, use overrides with a reason")
			continue
		}
		m.origin[r.ID] = origin{file: file, line: itemLine(ruleLines, i)}
		m.doc.Rules = append(m.doc.Rules, r)
		m.changef("rule %s added", r.ID)
	}
	warnLines := itemLines(root, "warnings")
	for i, w := range loc.Warnings {
		m.doc.Warnings = append(m.doc.Warnings, w)
		m.warnLines = append(m.warnLines, itemLine(warnLines, i))
		m.warnFiles = append(m.warnFiles, file)
	}
	if len(loc.Warnings) > 0 {
		m.changef("%d warning(s) added", len(loc.Warnings))
	}
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// compile checks the merged document and turns it into p's routes, calendar
// and rules, adding every problem to m.errs.
func (m *merge) compile(p *Procedure) {
	d := &m.doc
	loc, err := time.LoadLocation(d.TimeZone)
	if err != nil || d.TimeZone == "" {
		m.problemAt("time_zone", "time_zone %q is not a known IANA time zone such as Europe/London", d.TimeZone)
		loc = time.UTC
	}
	start, err := ParseClock(d.WorkingDay.Start)
	if err != nil {
		m.problemAt("working_day", "working_day.start: %v", err)
	}
	closing, err := ParseClock(d.WorkingDay.Close)
	if err != nil {
		m.problemAt("working_day", "working_day.close: %v", err)
	}
	p.nowWindow = lifeguard.DefaultNowWindow
	if d.NowWindow != "" {
		w, err := ParseNowWindow(d.NowWindow)
		if err != nil {
			m.problemAt("now_window", "now_window: %v", err)
		}
		p.nowWindow = w
	}
	base, err := DefaultHolidays()
	if err != nil {
		m.errs.add(baselineFile, 0, "", "bank holidays: %v", err)
	}
	m.holidays = append(base, m.holidays...)
	if len(m.errs.Problems) == 0 {
		cal, err := NewCalendar(loc, start, closing, m.holidays)
		if err != nil {
			m.problemAt("working_day", "working_day: %v", err)
		}
		p.cal = cal
	}

	p.routeIndex = make(map[lifeguard.RouteCode]int, len(d.Routes))
	for i, r := range d.Routes {
		line := itemLine(m.routeLines, i)
		code := lifeguard.RouteCode(r.Code)
		u := lifeguard.Urgency(r.Urgency)
		switch {
		case !ruleIDPattern.MatchString(r.Code):
			m.errs.add(baselineFile, line, "", "route code %q must be capital letters, digits and underscores", r.Code)
		case p.hasRoute(code):
			m.errs.add(baselineFile, line, "", "route %s is listed twice", r.Code)
		case !u.Valid():
			m.errs.add(baselineFile, line, "", "route %s: urgency %q is not one of immediate, same_working_day, working_days, as_soon_as_possible, advice", r.Code, r.Urgency)
		case u == lifeguard.WorkingDays && r.Days < 1:
			m.errs.add(baselineFile, line, "", "route %s: working_days needs days of 1 or more", r.Code)
		case r.Title == "" || r.Action == "":
			m.errs.add(baselineFile, line, "", "route %s needs a title and an action", r.Code)
		}
		p.routeIndex[code] = len(p.routes)
		p.routes = append(p.routes, routeDef{code: code, title: r.Title, action: r.Action, contact: r.Contact, urgency: u, days: r.Days})
	}
	p.guidance = d.Guidance

	env, err := newEnv(d.Sets)
	if err != nil {
		m.problemAt("sets", "sets: %v", err)
		return
	}
	ids := map[string]bool{}
	for _, r := range d.Rules {
		o := m.origin[r.ID]
		if !ruleIDPattern.MatchString(r.ID) {
			m.errs.add(o.file, o.line, "", "rule id %q must be capital letters, digits and underscores, starting with a letter", r.ID)
			continue
		}
		if ids[r.ID] {
			m.errs.add(o.file, o.line, r.ID, "two rules have this id")
			continue
		}
		ids[r.ID] = true
		cr, problems := compileRule(env, p, r)
		for _, pr := range problems {
			m.errs.add(o.file, o.line, r.ID, "%s", pr)
		}
		if len(problems) == 0 {
			if cr.late {
				p.late = append(p.late, cr)
			} else {
				p.early = append(p.early, cr)
			}
		}
	}
	for i, w := range d.Warnings {
		file, line := m.warnFiles[i], itemLine(m.warnLines, i)
		prg, late, err := compileCondition(env, w.When)
		switch {
		case err != nil:
			m.errs.add(file, line, "", "warning: when: %v", err)
		case late:
			m.errs.add(file, line, "", "warning: when: a warning reads the facts only, not routes or fired")
		case strings.TrimSpace(w.Text) == "":
			m.errs.add(file, line, "", "warning: text is required")
		default:
			p.warnings = append(p.warnings, warning{when: prg, text: w.Text})
		}
	}
}

func (m *merge) problemAt(key, format string, args ...any) {
	file, line := m.at(key)
	m.errs.add(file, line, "", format, args...)
}

// at names the file and line that set a top-level key: the local file when it
// has the key, else the baseline.
func (m *merge) at(key string) (string, int) {
	if line, ok := m.localKeys[key]; ok {
		return m.localFile, line
	}
	return baselineFile, 0
}

// ParseNowWindow reads how long "now" lasts: a duration such as 1h, 45m or
// 1h30m, from lifeguard.MinNowWindow to lifeguard.MaxNowWindow.
func ParseNowWindow(s string) (time.Duration, error) {
	w, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a length of time; write it like 1h, 45m or 1h30m", s)
	}
	if w < lifeguard.MinNowWindow || w > lifeguard.MaxNowWindow {
		return 0, fmt.Errorf("%q must be from %s to %s", s, ShowWindow(lifeguard.MinNowWindow), ShowWindow(lifeguard.MaxNowWindow))
	}
	return w, nil
}

// ShowWindow says a window of "now" as people say it: "1 hour",
// "45 minutes", "1 hour 30 minutes".
func ShowWindow(w time.Duration) string {
	h, m := int(w/time.Hour), int(w%time.Hour/time.Minute)
	unit := func(n int, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return fmt.Sprintf("%d %ss", n, one)
	}
	switch {
	case h > 0 && m > 0:
		return unit(h, "hour") + " " + unit(m, "minute")
	case h > 0:
		return unit(h, "hour")
	case m > 0:
		return unit(m, "minute")
	}
	return w.String()
}

// windowText writes a window of "now" as a procedure file would: 1h, 45m,
// 1h30m.
func windowText(w time.Duration) string {
	s := w.String()
	s = strings.TrimSuffix(s, "0s")
	if strings.Contains(s, "h") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
