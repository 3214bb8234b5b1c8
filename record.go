package lifeguard

import "time"

// ConcernStatus is where a concern is in its life: new until someone works
// on it, in progress until it is closed with an outcome.
type ConcernStatus string

const (
	StatusNew        ConcernStatus = "new"
	StatusInProgress ConcernStatus = "in_progress"
	StatusClosed     ConcernStatus = "closed"
)

// Valid reports whether s is a known status.
func (s ConcernStatus) Valid() bool {
	return s == StatusNew || s == StatusInProgress || s == StatusClosed
}

var statusWords = map[ConcernStatus]string{
	StatusNew:        "New",
	StatusInProgress: "In progress",
	StatusClosed:     "Closed",
}

// Label is the words people read for the status, or the code itself.
func (s ConcernStatus) Label() string { return wordsFor(statusWords, s) }

// Concern is one recorded online-safety concern: its facts, the triage the
// procedure gave when it was recorded (with the procedure's version), and
// everything done about it.
type Concern struct {
	ID             int64         `json:"id"`
	OrganisationID int64         `json:"organisation_id"`
	ChildID        *int64        `json:"child_id"`
	ReporterID     int64         `json:"reporter_id"`
	Status         ConcernStatus `json:"status"`
	Facts          Facts         `json:"facts"`
	Triage         Triage        `json:"triage"`
	// Due is the earliest deadline among the routes not yet decided, which
	// orders the DSL's inbox; nil when nothing is due.
	Due       *time.Time `json:"due"`
	Decisions []Decision `json:"decisions"`
	Actions   []Action   `json:"actions"`
	Evidence  []Evidence `json:"evidence"`
	Notes     []Note     `json:"notes"`
	// AddedRoutes are the routes of the procedure that its triage did not
	// give but a DSL added, each with the reason; they are decided like
	// the triage's routes.
	AddedRoutes []AddedRoute `json:"added_routes"`
	Outcome     *Outcome     `json:"outcome"`
	// Risk is the level a safeguarding lead rated the concern at; nil
	// when nobody has.
	Risk *RiskRating `json:"risk"`
	// Assignment is who works the concern; nil when it is unassigned.
	Assignment *Assignment `json:"assignment"`
	// FirstOpenedAt is when a safeguarding lead or deputy of the
	// organisation first read the whole concern; nil while nobody has.
	FirstOpenedAt *time.Time `json:"first_opened_at"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

// ConcernSummary is a concern as a list shows it: no description, no notes.
type ConcernSummary struct {
	ID             int64         `json:"id"`
	OrganisationID int64         `json:"organisation_id"`
	ChildID        *int64        `json:"child_id"`
	ChildRef       string        `json:"child_ref"`
	ReporterID     int64         `json:"reporter_id"`
	Status         ConcernStatus `json:"status"`
	ConcernTypes   []ConcernType `json:"concern_types"`
	ReportedAt     time.Time     `json:"reported_at"`
	Due            *time.Time    `json:"due"`
	// Overdue says that a route without a decision is late: past its
	// deadline, or for an immediate route past the window of "now" after
	// it (timing.go). Never for a closed concern.
	Overdue bool `json:"overdue"`
	// Now lists the routes without a decision that are due now: immediate
	// routes still within the window of "now". Empty when there are none.
	Now    []NowRoute  `json:"now"`
	Routes []RouteCode `json:"routes"`
	// ClosedAt is when the concern was closed; nil while it is open.
	ClosedAt *time.Time `json:"closed_at"`
	// FirstOpenedAt is when a lead or deputy first read the whole concern;
	// nil while nobody has.
	FirstOpenedAt *time.Time `json:"first_opened_at"`
	// RiskLevel is the lead's rating, "" when not rated.
	RiskLevel RiskLevel `json:"risk_level"`
	// AssignedTo is who the concern is assigned to; nil when nobody.
	AssignedTo *Assignee `json:"assigned_to"`
}

// NowRoute is a route due now, with what to do, for a list to show.
type NowRoute struct {
	Code   RouteCode `json:"code"`
	Title  string    `json:"title"`
	Action string    `json:"action"`
}

// DecisionKind is what the DSL decided about a route.
type DecisionKind string

const (
	DecisionAccepted DecisionKind = "accepted" // the route will be followed
	DecisionDeclined DecisionKind = "declined" // not followed; a reason is required
	DecisionDone     DecisionKind = "done"     // followed; a referral's reference if there is one
)

// Valid reports whether k is a known decision.
func (k DecisionKind) Valid() bool {
	return k == DecisionAccepted || k == DecisionDeclined || k == DecisionDone
}

var decisionWords = map[DecisionKind]string{
	DecisionAccepted: "Accepted: it will be done",
	DecisionDeclined: "Declined",
	DecisionDone:     "Done",
}

// Label is the words people read for the decision, or the code itself.
func (k DecisionKind) Label() string { return wordsFor(decisionWords, k) }

// ProposalRoute is the route code a decision names to confirm or reject the
// triage's proposed decision (handled within the setting).
const ProposalRoute RouteCode = "PROPOSED_DECISION"

// Decision records what the DSL decided about one route of a concern, and
// when, so that a decision not to refer is as recorded as a referral.
type Decision struct {
	ID        int64        `json:"id"`
	ConcernID int64        `json:"concern_id"`
	Route     RouteCode    `json:"route"`
	Decision  DecisionKind `json:"decision"`
	Reason    string       `json:"reason"`
	Reference string       `json:"reference"`
	// OnTime says whether the decision was made by the route's deadline;
	// nil when the route has none.
	OnTime    *bool     `json:"on_time"`
	DecidedBy int64     `json:"decided_by"`
	DecidedAt time.Time `json:"decided_at"`
}

// NewDecision is the input to record a decision.
type NewDecision struct {
	Route     RouteCode    `json:"route"`
	Decision  DecisionKind `json:"decision"`
	Reason    string       `json:"reason"`
	Reference string       `json:"reference"`
}

// Action is a task that follows from a concern, with an owner and a due date.
// It ends done or cancelled (with a reason), each recorded with who and when.
type Action struct {
	ID           int64        `json:"id"`
	ConcernID    int64        `json:"concern_id"`
	Title        string       `json:"title"`
	Owner        string       `json:"owner"`
	Due          Date         `json:"due"`
	Status       ActionStatus `json:"status"`
	DoneAt       *time.Time   `json:"done_at"`
	DoneBy       int64        `json:"done_by,omitempty"`
	CancelledAt  *time.Time   `json:"cancelled_at"`
	CancelledBy  int64        `json:"cancelled_by,omitempty"`
	CancelReason string       `json:"cancel_reason,omitempty"`
	CreatedBy    int64        `json:"created_by"`
	CreatedAt    time.Time    `json:"created_at"`
}

// ActionStatus is where an action is: to do until it is done or
// cancelled. An action still to do when its concern was closed (which
// needs the DSL's reason for closing anyway) is left open: it is no longer
// to do in Lifeguard, since a closed concern cannot change, but nobody
// decided it would not happen either, so it is not shown as cancelled.
type ActionStatus string

const (
	ActionToDo      ActionStatus = "to_do"
	ActionDone      ActionStatus = "done"
	ActionCancelled ActionStatus = "cancelled"
	ActionLeftOpen  ActionStatus = "left_open"
)

var actionStatusWords = map[ActionStatus]string{
	ActionToDo:      "To do",
	ActionDone:      "Done",
	ActionCancelled: "Cancelled",
	ActionLeftOpen:  "Left open when the concern was closed",
}

// Label is the words people read for the status, or the code itself.
func (s ActionStatus) Label() string { return wordsFor(actionStatusWords, s) }

// Open reports whether the action is still to do.
func (x *Action) Open() bool { return x.DoneAt == nil && x.CancelledAt == nil }

// NewAction is the input to set an action.
type NewAction struct {
	Title string `json:"title"`
	Owner string `json:"owner"`
	Due   Date   `json:"due"`
}

// Evidence describes something that exists: what it is, where it is held, who
// holds it and, when there is a file, its SHA-256. Lifeguard never stores the
// thing itself, and never an image of a child.
type Evidence struct {
	ID         int64     `json:"id"`
	ConcernID  int64     `json:"concern_id"`
	What       string    `json:"what"`
	Location   string    `json:"location"`
	HeldBy     string    `json:"held_by"`
	SHA256     string    `json:"sha256"`
	RecordedBy int64     `json:"recorded_by"`
	RecordedAt time.Time `json:"recorded_at"`
}

// NewEvidence is the input to record evidence.
type NewEvidence struct {
	What     string `json:"what"`
	Location string `json:"location"`
	HeldBy   string `json:"held_by"`
	SHA256   string `json:"sha256"`
}

// Note is a dated entry in a concern's record.
type Note struct {
	ID        int64     `json:"id"`
	ConcernID int64     `json:"concern_id"`
	Text      string    `json:"text"`
	AuthorID  int64     `json:"author_id"`
	CreatedAt time.Time `json:"created_at"`
}

// OutcomeCode is how a concern ended.
type OutcomeCode string

// Outcomes lists the outcome codes in the order a form offers them.
func Outcomes() []OutcomeCode {
	return []OutcomeCode{"referred_csc", "referred_police", "referred_other", "early_help", "handled_in_setting",
		"no_further_action", "transferred"}
}

var outcomeWords = map[OutcomeCode]string{
	"referred_csc":       "Referred to children's social care",
	"referred_police":    "Referred to the police",
	"referred_other":     "Referred to another service",
	"early_help":         "Early help started",
	"handled_in_setting": "Handled within our organisation",
	"no_further_action":  "No further action needed",
	"transferred":        "The child's file went to another organisation",
}

// Label is the words people read for the outcome, or the code itself.
func (o OutcomeCode) Label() string { return wordsFor(outcomeWords, o) }

// Outcome is recorded when a concern is closed, with a summary in the DSL's
// words. A concern can end in several ways at once (referred to social
// care and to the police): Codes is that set, in Outcomes' order, and Code
// its first, for clients that know one outcome only.
type Outcome struct {
	Code    OutcomeCode   `json:"code"`
	Codes   []OutcomeCode `json:"codes"`
	Summary string        `json:"summary"`
	// CloseAnyway is the DSL's reason for closing with routes undecided or
	// actions open; empty when nothing was left.
	CloseAnyway string    `json:"close_anyway"`
	ClosedBy    int64     `json:"closed_by"`
	ClosedAt    time.Time `json:"closed_at"`
}

// NewOutcome is the input to close a concern. The outcomes are Codes and
// Code together (Code alone is the form of the first version of the API);
// at least one is required.
type NewOutcome struct {
	Code    OutcomeCode   `json:"code"`
	Codes   []OutcomeCode `json:"codes"`
	Summary string        `json:"summary"`
	// CloseAnyway is required when routes are undecided or actions open,
	// and says why the concern closes all the same.
	CloseAnyway string `json:"close_anyway"`
}

// OutcomeSet returns the outcomes of in, Code and Codes together, once
// each, in Outcomes' order, followed by any code that is not an outcome
// (for the store to refuse by name).
func (in *NewOutcome) OutcomeSet() []OutcomeCode {
	given := append([]OutcomeCode{}, in.Codes...)
	if in.Code != "" {
		given = append(given, in.Code)
	}
	var out []OutcomeCode
	for _, o := range Outcomes() {
		for _, g := range given {
			if g == o {
				out = append(out, o)
				break
			}
		}
	}
	for _, g := range given {
		known := false
		for _, o := range out {
			known = known || o == g
		}
		if !known {
			out = append(out, g)
		}
	}
	return out
}

// AddedRoute is a route of the procedure that a DSL added to a concern
// whose triage did not give it, with the reason. Route is as the procedure
// defines it, its deadline counted from when it was added.
type AddedRoute struct {
	Route   Route     `json:"route"`
	Reason  string    `json:"reason"`
	AddedBy int64     `json:"added_by"`
	AddedAt time.Time `json:"added_at"`
}

// NewRoute is the input to add a route: the route as the procedure gives it
// (RouteCatalogue) and the DSL's reason, which is required.
type NewRoute struct {
	Route  Route  `json:"route"`
	Reason string `json:"reason"`
}

// Limits on free text in records.
const (
	MaxNote      = 20000
	MaxShortText = 500
	MaxReason    = 5000
)
