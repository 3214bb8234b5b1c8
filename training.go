package lifeguard

import (
	"context"
	"time"
)

// Staff training (issue 17, item 4): each member of staff's safeguarding
// and online-safety training, with the course, the provider and the date
// completed. Whether a member of staff is in date is worked out from the
// rules of their role (TrainingRules), the one place the periods are
// written; docs/consents-and-training.md says where they come from.

// TrainingType is a kind of training.
type TrainingType string

const (
	TrainingSafeguarding TrainingType = "safeguarding"  // safeguarding and child protection
	TrainingOnlineSafety TrainingType = "online_safety" // online safety
	TrainingDSL          TrainingType = "dsl"           // the designated safeguarding lead's full training
	TrainingDSLRefresher TrainingType = "dsl_refresher" // the lead's refresher (an update of knowledge and skills)
)

// TrainingRule is what a role must have of one type of training: a
// record of the type (or of one in MetBy) completed within Months.
type TrainingRule struct {
	Type   TrainingType   `json:"type"`
	Label  string         `json:"label"`
	Roles  []Role         `json:"roles"`
	Months int            `json:"months"`
	MetBy  []TrainingType `json:"met_by,omitempty"`
}

// TrainingRules are the rules of Keeping children safe in education (DfE,
// 2024), Part two and Annex C (docs/consents-and-training.md): every member of staff
// is trained in safeguarding, online safety included, at induction and
// updated at least once a year; the designated safeguarding lead and their
// deputies take the lead's full training at least every two years and
// refresh it at least once a year, which the full training itself does in
// the year it is taken. A DSL's full training covers safeguarding too.
func TrainingRules() []TrainingRule {
	staff := []Role{RoleStaff, RoleDSL, RoleManager}
	return []TrainingRule{
		{Type: TrainingSafeguarding, Label: "Safeguarding and child protection", Roles: staff, Months: 12,
			MetBy: []TrainingType{TrainingDSL}},
		{Type: TrainingOnlineSafety, Label: "Online safety", Roles: staff, Months: 12},
		{Type: TrainingDSL, Label: "Designated safeguarding lead", Roles: []Role{RoleDSL}, Months: 24},
		{Type: TrainingDSLRefresher, Label: "DSL refresher", Roles: []Role{RoleDSL}, Months: 12,
			MetBy: []TrainingType{TrainingDSL}},
	}
}

// TrainingRuleOf is the rule of type t.
func TrainingRuleOf(t TrainingType) (TrainingRule, bool) {
	for _, r := range TrainingRules() {
		if r.Type == t {
			return r, true
		}
	}
	return TrainingRule{}, false
}

// Valid reports whether t is a known type.
func (t TrainingType) Valid() bool { _, ok := TrainingRuleOf(t); return ok }

// Label is the words people read for the type.
func (t TrainingType) Label() string {
	if r, ok := TrainingRuleOf(t); ok {
		return r.Label
	}
	return string(t)
}

// Applies reports whether the rule applies to role r.
func (r TrainingRule) Applies(role Role) bool {
	for _, x := range r.Roles {
		if x == role {
			return true
		}
	}
	return false
}

// Expiry is when training of the rule's type completed on done runs out:
// done plus the rule's months.
func (r TrainingRule) Expiry(done Date) Date {
	return DateOf(done.In(time.UTC).AddDate(0, r.Months, 0))
}

// TrainingDueWarning is how many days before training expires it shows as
// due and its reminders go.
const TrainingDueWarning = 30

// TrainingStatus is where a member of staff stands on one rule.
type TrainingStatus string

const (
	TrainingInDate  TrainingStatus = "in_date"
	TrainingDueSoon TrainingStatus = "due"     // expires within TrainingDueWarning days
	TrainingOverdue TrainingStatus = "overdue" // expired
	TrainingNone    TrainingStatus = "none"    // never recorded
	TrainingNotDue  TrainingStatus = "n/a"     // the rule is not for the role
)

// Limits of a training record's text.
const (
	MaxTrainingCourse   = 200
	MaxTrainingProvider = 200
)

// Training is one course completed by a member of staff. ExpiresOn is the
// completion date plus its type's months.
type Training struct {
	ID             int64        `json:"id"`
	OrganisationID int64        `json:"organisation_id"`
	UserID         int64        `json:"user_id"`
	UserName       string       `json:"user_name"`
	Type           TrainingType `json:"type"`
	Course         string       `json:"course"`
	Provider       string       `json:"provider"`
	CompletedOn    Date         `json:"completed_on"`
	ExpiresOn      Date         `json:"expires_on"`
	RecordedBy     int64        `json:"recorded_by"`
	RecordedAt     time.Time    `json:"recorded_at"`
}

// NewTraining is a course to record for UserID (0: the actor).
type NewTraining struct {
	UserID      int64        `json:"user_id"`
	Type        TrainingType `json:"type"`
	Course      string       `json:"course"`
	Provider    string       `json:"provider"`
	CompletedOn Date         `json:"completed_on"`
}

// TrainingImportLine is one line of a training CSV file: the member of
// staff by email, and the course. Problems are what was wrong already as
// read (a date that is not one).
type TrainingImportLine struct {
	Line     int         `json:"line"`
	Email    string      `json:"email"`
	Training NewTraining `json:"training"`
	Problems []Problem   `json:"problems,omitempty"`
}

// MaxTrainingImportLines bounds one import.
const MaxTrainingImportLines = 20000

// TrainingImportResult is what an import did, or would do (DryRun): a
// report per line. Nothing is written when a line is bad.
type TrainingImportResult struct {
	DryRun    bool                   `json:"dry_run"`
	Imported  bool                   `json:"imported"`
	Added     int                    `json:"added"`
	Unchanged int                    `json:"unchanged"`
	Bad       int                    `json:"bad"`
	Lines     []TrainingImportReport `json:"lines"`
}

// TrainingImportReport is the outcome of one line: added, unchanged (the
// same course is recorded already) or bad, with its problems.
type TrainingImportReport struct {
	Line     int           `json:"line"`
	Outcome  ImportOutcome `json:"outcome"`
	UserID   int64         `json:"user_id,omitempty"`
	Problems []Problem     `json:"problems,omitempty"`
}

// TrainingCell is one member of staff's standing on one rule: the status
// today and the date the latest qualifying training runs out.
type TrainingCell struct {
	Type      TrainingType   `json:"type"`
	Status    TrainingStatus `json:"status"`
	ExpiresOn *Date          `json:"expires_on"`
}

// TrainingRow is one member of staff in the matrix. InDate says every
// rule of their role is in date or due soon (not overdue, not missing).
type TrainingRow struct {
	UserID int64          `json:"user_id"`
	Name   string         `json:"name"`
	Role   Role           `json:"role"`
	InDate bool           `json:"in_date"`
	Cells  []TrainingCell `json:"cells"`
}

// TrainingMatrix is staff by type of training, on a day; InDate of Staff
// are in date.
type TrainingMatrix struct {
	On     Date           `json:"on"`
	Types  []TrainingType `json:"types"`
	Rows   []TrainingRow  `json:"rows"`
	InDate int            `json:"in_date"`
	Staff  int            `json:"staff"`
}

// TrainingCoverage is how many staff are in date: of one organisation, or
// of the partnership's organisations of one setting.
type TrainingCoverage struct {
	Setting       Setting `json:"setting"`
	Organisations int     `json:"organisations"`
	InDate        int     `json:"in_date"`
	Staff         int     `json:"staff"`
}

// TrainingStore keeps staff training.
//
// Access (the rows OpRecordTraining and OpReadTraining of the access
// table): staff record and read their own training; the organisation's
// managers and DSLs record and read everyone's of the organisation; the
// partnership reads counts only (TrainingCoverage).
type TrainingStore interface {
	RecordTraining(ctx context.Context, in NewTraining) (*Training, error)
	// Trainings lists training records, newest first: userID's, or (0)
	// every record the actor may read of their organisation.
	Trainings(ctx context.Context, userID int64) ([]Training, error)
	// TrainingMatrix is the actor's organisation's staff by type on day
	// on; a member of staff sees their own row only.
	TrainingMatrix(ctx context.Context, on Date) (*TrainingMatrix, error)
	// ImportTraining records the lines of a CSV file in one transaction,
	// matching staff by email within the actor's organisation; a line
	// whose course is recorded already is unchanged, so an import run
	// twice records once. With dryRun, or any line bad, nothing is written.
	ImportTraining(ctx context.Context, lines []TrainingImportLine, dryRun bool) (*TrainingImportResult, error)
	// RaiseTrainingReminders emails each member of staff whose training
	// falls due within TrainingDueWarning days of today or is overdue,
	// and their organisation's managers, once per training, kind and
	// expiry date however often it runs. System actor only.
	RaiseTrainingReminders(ctx context.Context, today Date) (int, error)
	// TrainingCoverage counts staff in date on day on: of organisation
	// organisationID (one entry, partnershipID unused), or, with
	// organisationID 0, of partnership partnershipID, one entry per
	// setting. An organisation's figures are read by whoever reads its
	// self-audits; a partnership's by whoever reads its board report.
	TrainingCoverage(ctx context.Context, partnershipID, organisationID int64, on Date) ([]TrainingCoverage, error)
}
