package sqlstore

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// problems collects what is wrong with an input, so that one answer lists
// every problem and the form can mark every field at once.
type problems []lifeguard.Problem

func (p *problems) add(path, format string, args ...any) {
	*p = append(*p, lifeguard.Problem{Path: path, Problem: fmt.Sprintf(format, args...)})
}

// text checks a free-text field: text every engine keeps as given
// (lifeguard.CheckText), at most max characters, and not blank when
// required.
func (p *problems) text(path, s string, max int, required bool) {
	switch {
	case lifeguard.TextProblem(s) != "":
		p.check(path, s)
	case required && strings.TrimSpace(s) == "":
		p.add(path, "is required")
	case len(s) > max: // cannot have more characters than bytes
		if n := utf8.RuneCountInString(s); n > max {
			p.add(path, "is %d characters long; the most allowed is %d", n, max)
		}
	}
}

// check checks a value that is looked up or stored as it is, with no limit
// of its own (a code, an address, a search): it must be text every engine
// keeps (lifeguard.CheckText).
func (p *problems) check(path, s string) {
	if pr := lifeguard.CheckText(path, s); pr != nil {
		*p = append(*p, *pr)
	}
}

// facts checks the facts of a new concern, unless the caller gives them
// already checked (lifeguard.ValidFacts), which then become in.Facts: the
// proof is taken in place of checking again, and facts given both ways are
// refused rather than one of them quietly dropped.
// phone checks an optional phone number (lifeguard.PhoneProblem); empty
// is none.
func (p *problems) phone(path, s string) {
	if s == "" {
		return
	}
	if msg := lifeguard.PhoneProblem(s); msg != "" {
		p.add(path, "%s", msg)
	}
}

func (p *problems) facts(in *lifeguard.NewConcern) {
	switch {
	case in.Valid.IsZero():
		*p = append(*p, in.Facts.Validate()...)
	case !in.Facts.IsZero():
		p.add("facts", "give the facts or the checked facts, not both")
	default:
		in.Facts = in.Valid.Facts()
	}
}

// err returns the EINVALID error for the problems, or nil when there are none.
func (p problems) err(message string) error {
	if len(p) == 0 {
		return nil
	}
	return lifeguard.Invalid(message, p)
}

// routeCodePattern is the shape of a route code, as the procedure loader
// enforces it; the store relies on it to keep route codes comma-separated.
var routeCodePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)

// checkTriage checks the triage a caller passes with facts: it must come from
// a named procedure, with well-formed and distinct route codes.
func (p *problems) triage(t *lifeguard.Triage) {
	if t.Procedure.Name == "" {
		p.add("triage", "is required: triage the facts with the procedure in force first")
		return
	}
	seen := make(map[lifeguard.RouteCode]bool, len(t.Routes))
	for i, r := range t.Routes {
		path := fmt.Sprintf("triage.routes[%d].code", i)
		switch {
		case !routeCodePattern.MatchString(string(r.Code)) || r.Code == lifeguard.ProposalRoute:
			p.add(path, "%q is not a route code", r.Code)
		case seen[r.Code]:
			p.add(path, "repeats route %s", r.Code)
		}
		seen[r.Code] = true
	}
	// Zero is a triage that does not say, judged with the default; any
	// other window is the procedure's, which keeps to these bounds.
	if w := t.NowWindow; w != 0 && (w < lifeguard.MinNowWindow || w > lifeguard.MaxNowWindow) {
		p.add("triage.now_window", "must be from %s to %s", lifeguard.MinNowWindow, lifeguard.MaxNowWindow)
	}
}

// normaliseTriage makes every list present, empty rather than null, as the
// Triage type promises, so stored triages read back alike.
func normaliseTriage(t *lifeguard.Triage) {
	if t.Routes == nil {
		t.Routes = []lifeguard.Route{}
	}
	if t.Guidance == nil {
		t.Guidance = []string{}
	}
	if t.Offences == nil {
		t.Offences = []lifeguard.Offence{}
	}
	if t.RiskAreas == nil {
		t.RiskAreas = []lifeguard.RiskArea{}
	}
	if t.Warnings == nil {
		t.Warnings = []string{}
	}
	if t.NowWindow == 0 {
		t.NowWindow = lifeguard.DefaultNowWindow
	}
	for i := range t.Routes {
		r := &t.Routes[i]
		if r.Rules == nil {
			r.Rules = []string{}
		}
		if r.Why == nil {
			r.Why = []string{}
		}
	}
}

// realDate reports whether d is a day on the calendar.
func realDate(d lifeguard.Date) bool {
	return d.Year > 0 && d.Year <= 9999 && lifeguard.DateOf(d.In(time.UTC)) == d
}

// sha256Pattern is a SHA-256 as evidence records it: 64 lowercase hex digits.
var sha256Pattern = regexp.MustCompile(`^[0-9a-f]{64}$`)
