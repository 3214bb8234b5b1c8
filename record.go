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
	Outcome   *Outcome   `json:"outcome"`
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
	Overdue        bool          `json:"overdue"`
	Routes         []RouteCode   `json:"routes"`
	// FirstOpenedAt is when a lead or deputy first read the whole concern;
	// nil while nobody has.
	FirstOpenedAt *time.Time `json:"first_opened_at"`
	// RiskLevel is the lead's rating, "" when not rated.
	RiskLevel RiskLevel `json:"risk_level"`
	// AssignedTo is who the concern is assigned to; nil when nobody.
	AssignedTo *Assignee `json:"assigned_to"`
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
type Action struct {
	ID        int64      `json:"id"`
	ConcernID int64      `json:"concern_id"`
	Title     string     `json:"title"`
	Owner     string     `json:"owner"`
	Due       Date       `json:"due"`
	DoneAt    *time.Time `json:"done_at"`
	CreatedBy int64      `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
}

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
// words.
type Outcome struct {
	Code     OutcomeCode `json:"code"`
	Summary  string      `json:"summary"`
	ClosedBy int64       `json:"closed_by"`
	ClosedAt time.Time   `json:"closed_at"`
}

// NewOutcome is the input to close a concern.
type NewOutcome struct {
	Code    OutcomeCode `json:"code"`
	Summary string      `json:"summary"`
}

// Limits on free text in records.
const (
	MaxNote      = 20000
	MaxShortText = 500
	MaxReason    = 5000
)
