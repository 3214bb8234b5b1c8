package lifeguard

import (
	"context"
	"time"
)

// RouteCode is a stable code for a response the procedure can require
// (procedure.md, "Routes"): EMERGENCY_999, CSC_REFERRAL and so on.
type RouteCode string

// Urgency says how soon a route must be acted on.
type Urgency string

const (
	Immediate        Urgency = "immediate"
	SameWorkingDay   Urgency = "same_working_day"
	WorkingDays      Urgency = "working_days"
	AsSoonAsPossible Urgency = "as_soon_as_possible"
	Advice           Urgency = "advice"
)

var urgencyWords = map[Urgency]string{
	Immediate:        "Now",
	SameWorkingDay:   "Today: by the end of the working day",
	WorkingDays:      "Within working days",
	AsSoonAsPossible: "As soon as possible",
	Advice:           "Advice: no deadline",
}

// Label is the words people read for the urgency, or the code itself.
func (u Urgency) Label() string { return wordsFor(urgencyWords, u) }

// Rank orders urgencies from the strictest (0, immediate) to the least strict;
// an unknown urgency ranks last.
func (u Urgency) Rank() int {
	switch u {
	case Immediate:
		return 0
	case SameWorkingDay:
		return 1
	case WorkingDays:
		return 2
	case AsSoonAsPossible:
		return 3
	case Advice:
		return 4
	}
	return 5
}

// Valid reports whether u is one of the five urgencies.
func (u Urgency) Valid() bool { return u.Rank() < 5 }

// Triage is what the procedure gives for one concern's facts, in the shape of
// procedure.md's Output section. Every list is present, empty rather than null.
type Triage struct {
	Procedure        ProcedureRef      `json:"procedure"`
	Routes           []Route           `json:"routes"`
	Guidance         []string          `json:"guidance"`
	Offences         []Offence         `json:"offences"`
	RiskAreas        []RiskArea        `json:"risk_areas"`
	ProposedDecision *ProposedDecision `json:"proposed_decision"`
	Warnings         []string          `json:"warnings"`

	// NowWindow is how long "now" lasts when the timeliness of an
	// immediate route is judged: the procedure's setting when it
	// triaged (see timing.go). It is not part of the triage's JSON,
	// whose shape is the contract's; the store keeps it beside the
	// triage, and zero means DefaultNowWindow.
	NowWindow time.Duration `json:"-"`
}

// ProcedureRef names the procedure, local file included, and its version, so a
// stored triage says which procedure produced it.
type ProcedureRef struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Route is one response the concern needs, with the rules that asked for it
// and their reasons in plain English. Due is nil when the urgency has no
// deadline (as_soon_as_possible, advice).
type Route struct {
	Code    RouteCode  `json:"code"`
	Title   string     `json:"title"`
	Action  string     `json:"action"`
	Contact *string    `json:"contact"`
	Urgency Urgency    `json:"urgency"`
	Due     *time.Time `json:"due"`
	Rules   []string   `json:"rules"`
	Why     []string   `json:"why"`
}

// Offence is a law that may apply to what happened.
type Offence struct {
	Law     string `json:"law"`
	Section string `json:"section"`
	Title   string `json:"title"`
}

// RiskArea is a 4Cs area and nature that the concern touches.
type RiskArea struct {
	Area   Area   `json:"area"`
	Nature Nature `json:"nature"`
}

// ProposedDecision is a decision the procedure proposes and the DSL must
// confirm, with a reason, before it stands: for now only that a nudes incident
// is handled within the setting.
type ProposedDecision struct {
	Code  string `json:"code"`
	Title string `json:"title"`
	Rule  string `json:"rule"`
	Why   string `json:"why"`
}

// HasRoute reports whether the triage includes the route code.
func (t *Triage) HasRoute(code RouteCode) bool {
	return t.Route(code) != nil
}

// Route returns the route with the code, or nil.
func (t *Triage) Route(code RouteCode) *Route {
	for i := range t.Routes {
		if t.Routes[i].Code == code {
			return &t.Routes[i]
		}
	}
	return nil
}

// Triager turns a concern's facts into the routes the procedure gives.
//
// Triage returns an EINVALID *Error listing every problem when the facts are
// invalid, and never routes for invalid facts. It is deterministic: the same
// facts and procedure give the same Triage.
//
// TriageValid is Triage for facts already checked, which it does not check
// again: a caller that has the proof (see ValidFacts) triages with it.
type Triager interface {
	Triage(ctx context.Context, f *Facts) (*Triage, error)
	TriageValid(ctx context.Context, f ValidFacts) (*Triage, error)
}

// RouteCatalogueSource gives the route catalogue in force for the actor
// in ctx: a triager whose procedure depends on the actor's partnership (its
// directory) has one, so that a route a DSL adds takes its words from the
// same directory version as a new concern's triage.
type RouteCatalogueSource interface {
	CatalogueFor(ctx context.Context) (RouteCatalogue, error)
}

// RouteCatalogue gives the routes of the procedure by their codes, for a
// DSL adding to a concern a route that its triage did not give.
type RouteCatalogue interface {
	// AddedRoute returns the route with the code as the procedure defines
	// it, its deadline counted by its own urgency from at, the moment the
	// DSL adds it; false when the procedure has no such route.
	AddedRoute(code RouteCode, at time.Time) (Route, bool)
	// RouteCodes lists the procedure's routes, each with its title.
	RouteCodes() []Route
}
