package lifeguard

import (
	"context"
	"time"
)

// ReportQuery chooses the concerns a report counts: those reported in
// [From, To), in the whole partnership or in one organisation.
type ReportQuery struct {
	From, To time.Time
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
	// TypeSets counts concerns by their set of concern types (Key is the
	// comma-separated codes), VulnSets by the child's vulnerabilities
	// ("" for none), RouteSets by the routes their triage gave.
	TypeSets  []Tally `json:"type_sets"`
	VulnSets  []Tally `json:"vuln_sets"`
	RouteSets []Tally `json:"route_sets"`
	// Ages counts concerns by the child's age when reported; Key "" is a
	// concern about no child.
	Ages []Tally `json:"ages"`
	// Settings counts concerns by the kind of organisation that recorded them.
	Settings []Tally `json:"settings"`
	// Months counts concerns by calendar month (UTC) of report, in this
	// period and in PrevMonths the period of the same length before it.
	Months     []Tally `json:"months"`
	PrevMonths []Tally `json:"prev_months"`
	Previous   int64   `json:"previous"`
	// PerChild counts children by how many concerns about them were
	// reported in the period (Key "1", "2", …).
	PerChild []Tally `json:"per_child"`
	// Routes are the decisions on each route (not the proposed decision).
	Routes []RouteTally `json:"routes"`
	// Decided is the number of concerns with at least one decision, and
	// MedianToDecision the median time from report to the first of them
	// (zero when Decided is zero).
	Decided          int64         `json:"decided"`
	MedianToDecision time.Duration `json:"median_to_decision"`
}

// ReportStore gives the aggregates of the board report and of an
// organisation's own report.
//
// Access: a partnership officer reads the counts of their own partnership
// (any organisation of it or all of them); a DSL or manager reads only
// their own organisation's (OrganisationID must be theirs, EFORBIDDEN
// otherwise); staff and administrators read none (EFORBIDDEN). EINVALID when
// the period is empty, reversed or longer than ten years.
type ReportStore interface {
	ReportCounts(ctx context.Context, q ReportQuery) (*ReportCounts, error)
}

// MaxReportPeriod is the longest period a report covers.
const MaxReportPeriod = 10 * 366 * 24 * time.Hour
