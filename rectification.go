package lifeguard

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Rectification and erasure on request (issue 19, item 4). A person asks
// for a record to be corrected or erased; the organisation's DSL decides,
// with a reason. A correction of a child's identity changes the register
// (the change is journalled like any other); a correction of a concern's
// facts is appended to the concern as a note, so the original stays
// visible as corrected. An erasure of safeguarding records is refused
// with the lawful basis (ErasureRefusalBasis); what the law lets go (a
// concern recorded in error, a member of staff's optional preferences) is
// erased by the erasure job's own statements.

// DataRequestKind is what the person asks.
type DataRequestKind string

const (
	RequestRectify DataRequestKind = "rectify"
	RequestErase   DataRequestKind = "erase"
)

// DataTarget is the record a request is about.
type DataTarget string

const (
	TargetChildIdentity DataTarget = "child_identity" // a field of a child's identity (rectify)
	TargetConcernFact   DataTarget = "concern_fact"   // a fact of a concern (rectify)
	TargetConcern       DataTarget = "concern"        // a whole concern (erase)
	TargetChildFile     DataTarget = "child_file"     // a child's whole safeguarding file (erase)
	TargetPreferences   DataTarget = "preferences"    // a member of staff's optional preferences (erase)
)

// RectifiableIdentity lists the identity fields a correction may change.
func RectifiableIdentity() []string {
	return []string{"legal_forename", "legal_surname", "preferred_forename", "date_of_birth", "upn", "nhs_number", "la_number"}
}

// RectifiableFacts lists the facts of a concern a correction may correct.
func RectifiableFacts() []string {
	return []string{"description", "occurred_at", "setting", "platform"}
}

// DataOutcome is the DSL's decision.
type DataOutcome string

const (
	OutcomeOpen    DataOutcome = ""        // not decided yet
	OutcomeApplied DataOutcome = "applied" // corrected or erased
	OutcomeRefused DataOutcome = "refused" // refused, with the reason (and the basis, for an erasure)
)

// Bounds of a data request's text.
const (
	MaxDataValue  = 4000
	MaxDataReason = 2000
)

// NewDataRequest is a request to correct (Field to Value) or erase a record.
type NewDataRequest struct {
	Kind          DataRequestKind `json:"kind"`
	Target        DataTarget      `json:"target"`
	ChildID       int64           `json:"child_id,omitempty"`
	ConcernID     int64           `json:"concern_id,omitempty"`
	UserID        int64           `json:"user_id,omitempty"`
	Field         string          `json:"field,omitempty"`
	Value         string          `json:"value,omitempty"`
	Requester     Requester       `json:"requester"`
	RequesterName string          `json:"requester_name"`
	ReceivedOn    Date            `json:"received_on"`
	Reason        string          `json:"reason"` // what the person says is wrong, or why they ask
}

// DataDecision is the DSL's decision on a request. MadeInError says a
// concern was recorded in error (about the wrong person, or never a
// concern): the one case the law lets a concern be erased on request.
type DataDecision struct {
	Outcome     DataOutcome `json:"outcome"`
	Reason      string      `json:"reason"`
	MadeInError bool        `json:"made_in_error,omitempty"`
}

// DataRequest is a request with its decision.
type DataRequest struct {
	ID             int64           `json:"id"`
	OrganisationID int64           `json:"organisation_id"`
	Kind           DataRequestKind `json:"kind"`
	Target         DataTarget      `json:"target"`
	ChildID        int64           `json:"child_id,omitempty"`
	ConcernID      int64           `json:"concern_id,omitempty"`
	UserID         int64           `json:"user_id,omitempty"`
	Field          string          `json:"field,omitempty"`
	Value          string          `json:"value,omitempty"`
	Original       string          `json:"original,omitempty"`
	Requester      Requester       `json:"requester"`
	RequesterName  string          `json:"requester_name"`
	ReceivedOn     Date            `json:"received_on"`
	Reason         string          `json:"reason"`
	RecordedBy     int64           `json:"recorded_by"`
	RecordedAt     time.Time       `json:"recorded_at"`
	Outcome        DataOutcome     `json:"outcome"`
	DecisionReason string          `json:"decision_reason,omitempty"`
	Basis          string          `json:"basis,omitempty"`
	DecidedBy      int64           `json:"decided_by,omitempty"`
	DecidedAt      *time.Time      `json:"decided_at,omitempty"`
}

// ErasureRefusalBasis is the lawful basis on which Lifeguard keeps
// safeguarding records when a person asks for them to be erased. It is
// worded once, here; its sources are in docs/retention.md
// (#erasure-on-request).
const ErasureRefusalBasis = "We keep safeguarding records because the law requires us to and because " +
	"keeping children safe is a task we carry out in the public interest. The right to have personal data " +
	"erased does not apply where keeping it is needed to meet a legal obligation or to carry out such a task " +
	"(UK GDPR Article 17(3)(b)). Safeguarding records are also kept under the condition for safeguarding " +
	"children and individuals at risk in the Data Protection Act 2018 (Schedule 1, paragraph 18). The records " +
	"will be erased when their retention period ends, as our retention schedule sets out."

// ErasureRefused reports whether an erasure of target must be refused as
// a safeguarding record: a child's file always; a concern unless it was
// recorded in error.
func ErasureRefused(target DataTarget, madeInError bool) bool {
	return target == TargetChildFile || target == TargetConcern && !madeInError
}

// Letter is the text of the response to the person, printed and sent by
// the organisation: the decision and, for a refused erasure, the basis.
// org is the organisation's name; it holds no record's content beyond
// what the person asked to change.
func (r DataRequest) Letter(org string) string {
	var b strings.Builder
	name := r.RequesterName
	if name == "" {
		name = "Sir or Madam"
	}
	fmt.Fprintf(&b, "Dear %s,\n\n", name)
	what := "correct a record"
	if r.Kind == RequestErase {
		what = "erase a record"
	}
	fmt.Fprintf(&b, "On %s you asked %s to %s we hold.\n\n", r.ReceivedOn.In(time.UTC).Format("2 January 2006"), org, what)
	switch {
	case r.Outcome == OutcomeOpen:
		b.WriteString("We are considering your request and will reply within one month of receiving it.\n")
	case r.Kind == RequestRectify && r.Outcome == OutcomeApplied:
		b.WriteString("We have corrected the record as you asked. Where the record is part of a safeguarding file, " +
			"the correction has been added to it and the original wording is kept, marked as corrected, " +
			"so that the file shows what was known and when.\n")
	case r.Kind == RequestErase && r.Outcome == OutcomeApplied:
		b.WriteString("We have erased the record as you asked.\n")
	case r.Kind == RequestErase && r.Basis != "":
		b.WriteString("We cannot erase the record. " + r.Basis + "\n")
	default:
		b.WriteString("We have decided not to make the change you asked for.\n")
	}
	if r.Outcome != OutcomeOpen && r.DecisionReason != "" {
		fmt.Fprintf(&b, "\nOur reasons: %s\n", r.DecisionReason)
	}
	b.WriteString("\nIf you are unhappy with this answer you may complain to the Information Commissioner's Office " +
		"(ico.org.uk) or ask a court to enforce your rights.\n\nYours sincerely,\n\n" + org + "\n")
	return b.String()
}

// DataRightsStore keeps requests to correct and to erase. Contract:
//
//   - RecordDataRequest, DataRequests and DataRequest are for a DSL of the
//     record's organisation or an administrator of its partnership
//     (OpStartDataRights); a request about a child or a concern is
//     recorded by the DSL (EFORBIDDEN for an administrator);
//   - DecideDataRequest is for a DSL of the organisation
//     (OpWorkDataRights); applying an erasure the law refuses is
//     ECONFLICT naming the basis; deciding twice is ECONFLICT.
type DataRightsStore interface {
	RecordDataRequest(ctx context.Context, in NewDataRequest) (*DataRequest, error)
	DataRequests(ctx context.Context) ([]DataRequest, error)
	DataRequest(ctx context.Context, id int64) (*DataRequest, error)
	DecideDataRequest(ctx context.Context, id int64, d DataDecision) (*DataRequest, error)
}
