package lifeguard

import (
	"context"
	"time"
)

// ReportQuery chooses the concerns a report counts: those reported from
// the start of day From to the end of day To (UTC), in the whole
// partnership or in one organisation.
type ReportQuery struct {
	From, To Date
	// PartnershipID is the partnership reported on. The store sets it to the
	// actor's own; only the system actor (the command line) chooses it.
	PartnershipID int64
	// OrganisationID limits the report to one organisation; zero is the
	// whole partnership.
	OrganisationID int64
}

// Tally is a number of things with one key: a code, a comma-separated list
// of codes, a month ("2026-05") or a number written in decimal.
type Tally struct {
	Key string `json:"key"`
	N   int64  `json:"n"`
}

// RouteTally counts the concerns of the period with a decision on one
// route, by what was decided: Followed when a decision accepted the route or
// recorded it done (otherwise it was declined); Deadline when the route had
// one, and then OnTime when the first decision was made by it.
type RouteTally struct {
	Route    RouteCode `json:"route"`
	Followed bool      `json:"followed"`
	Deadline bool      `json:"deadline"`
	OnTime   bool      `json:"on_time"`
	N        int64     `json:"n"`
}

// ReportCounts are the raw aggregates behind a report: counts only, never a
// record, a name or a word of any concern's text. They are not for
// publication as they are: small numbers in them identify children, and
// internal/report suppresses them before anything is shown.
type ReportCounts struct {
	Query ReportQuery `json:"query"`
	// Concerns is the number of concerns reported in the period.
	Concerns int64 `json:"concerns"`
	// Types counts concerns by concern type, Vulns by the child's
	// vulnerabilities and Given by the routes their triage gave; a concern
	// counts once under each of its codes.
	Types []Tally `json:"types"`
	Vulns []Tally `json:"vulns"`
	Given []Tally `json:"given"`
	// Added counts the routes that DSLs added to concerns whose triage did
	// not give them, once per concern and route. Decisions on them are not
	// in Routes, which are the procedure's routes only.
	Added []Tally `json:"added"`
	// Ages counts concerns by the child's age when reported; Key "" is a
	// concern about no child.
	Ages []Tally `json:"ages"`
	// Settings counts concerns by the kind of organisation that recorded them.
	Settings []Tally `json:"settings"`
	// Months counts concerns by calendar month (UTC) of report, in this
	// period and in PrevMonths the period of the same number of days before
	// it, whose concerns number Previous.
	Months     []Tally `json:"months"`
	PrevMonths []Tally `json:"prev_months"`
	Previous   int64   `json:"previous"`
	// Prior counts the concerns about a child by how many concerns about
	// the same child were recorded before them in the 365 days before
	// ("0" to "3", and "4" for four or more).
	Prior []Tally `json:"prior"`
	// Routes are the decisions on each route (not the proposed decision).
	Routes []RouteTally `json:"routes"`
	// FirstDecision counts the concerns with a decision by the time from
	// report to the first: Key is the start, in minutes, of a band that is
	// 5 minutes wide under an hour, 30 minutes under two days, 6 hours under
	// 30 days and a day after that (FirstDecisionBand).
	FirstDecision []Tally `json:"first_decision"`

	// Referrals are the journeys of the referrals sent in the period to
	// another agency, by route (referral.go); an organisation's report has
	// its own referrals. Read afresh each time, like Audits.
	Referrals []ReferralTally `json:"referrals"`

	// Audits and Plan are about organisations and the partnership's plan,
	// not children. Plan is nil in an organisation's report.
	Audits *AuditCounts `json:"audits"`
	// Captures counts the monitoring captures kept in the period, by
	// category of their most severe match (MonitorCategory); they are
	// counted when received, so the count outlives the captures' deletion.
	Captures []Tally     `json:"captures"`
	Plan     *PlanCounts `json:"plan"`
	// Children are the organisations of each type in the partnership and
	// the children those that gave a number serve, for the board report's
	// concerns per 1,000 children; nil in an organisation's report.
	Children []SettingChildren `json:"children,omitempty"`
	// Prevention is the prevention registers across the scope
	// (prevention_report.go); nil when the store has none to give.
	Prevention *PreventionCounts `json:"prevention,omitempty"`
}

// AuditCounts are the self-audit figures of a report, over the 12 months
// (365 days) to the end of its period.
type AuditCounts struct {
	// Organisations counts the organisations by setting, and Audited those
	// of them with an audit completed in the 12 months.
	Organisations []Tally `json:"organisations"`
	Audited       []Tally `json:"audited"`
	// Scores counts strand scores of each organisation's latest audit
	// completed in the 12 months.
	Scores []ScoreTally `json:"scores"`
}

// ScoreTally is how many organisations scored Tenths on a strand.
type ScoreTally struct {
	Strand string `json:"strand"`
	Tenths int    `json:"tenths"`
	N      int64  `json:"n"`
}

// PlanCounts are the strategy action plan's figures: actions by strand and
// status, and the barriers escalated to the board and not yet resolved.
type PlanCounts struct {
	Actions  []PlanTally        `json:"actions"`
	Overdue  []PlanTally        `json:"overdue"`
	Barriers []EscalatedBarrier `json:"barriers"`
}

// PlanTally is how many actions of a strand have a status.
type PlanTally struct {
	Strand PlanStrand `json:"strand"`
	RAG    RAG        `json:"rag"`
	N      int64      `json:"n"`
}

// EscalatedBarrier is a barrier before the board, with its action.
type EscalatedBarrier struct {
	Strand      PlanStrand `json:"strand"`
	Objective   string     `json:"objective"`
	Action      string     `json:"action"`
	Owner       string     `json:"owner"`
	Text        string     `json:"text"`
	EscalatedAt time.Time  `json:"escalated_at"`
}

// FirstDecisionBand returns the band of FirstDecision that a time from
// report to first decision of m minutes falls in: its start and its end.
func FirstDecisionBand(m int64) (start, end int64) {
	var w int64
	switch {
	case m < 0:
		return 0, 5
	case m < 60:
		w = 5
	case m < 2*24*60:
		w = 30
	case m < 30*24*60:
		w = 6 * 60
	default:
		w = 24 * 60
	}
	return m / w * w, m/w*w + w
}

// ReportStore gives the aggregates of the board report and of an
// organisation's own report.
//
// Access: a partnership officer reads the counts of their own partnership
// (any organisation of it or all of them); a DSL or manager reads only
// their own organisation's (OrganisationID must be theirs, EFORBIDDEN
// otherwise); staff and administrators read none (EFORBIDDEN). EINVALID when
// the period is reversed or longer than ten years.
type ReportStore interface {
	ReportCounts(ctx context.Context, q ReportQuery) (*ReportCounts, error)
}

// MaxReportDays is the most days a report covers: ten years.
const MaxReportDays = 3653

// SettingChildren is one type of organisation of a partnership: how many
// organisations it has, how many of them gave their number of children
// (Organisation.ChildrenCount), and the sum of the numbers they gave.
type SettingChildren struct {
	Setting       Setting `json:"setting"`
	Organisations int64   `json:"organisations"`
	Counted       int64   `json:"counted"`
	Children      int64   `json:"children"`
}
