package lifeguard

import (
	"context"
	"time"
)

// A partnership-wide subject access request (issue 19, item 3): the
// partnership officer records a request about a child whose records may
// be held by several organisations. The officer sees no organisation's
// records: the store matches the name and date of birth the requester
// gave against each organisation's register and tells the officer only
// which organisations hold a match. Each of those is asked; its DSL checks
// the match and agrees, when the organisation's own subject access request
// is made for the child (worked and disclosed as any other, by the same
// deadline), or declines with a reason (docs/retention.md#subject-access).

// PartAnswer is where an organisation's part of a partnership-wide
// request stands.
type PartAnswer string

const (
	PartAsked    PartAnswer = "asked"
	PartAgreed   PartAnswer = "agreed"
	PartDeclined PartAnswer = "declined"
)

// Bounds of a partnership-wide request's text.
const (
	MaxChildNameTyped = 200
	MaxDeclineReason  = 1000
)

// NewPartnershipAccess is a partnership-wide request as the officer
// records it: the child as the requester named them (forename and
// surname) and their date of birth, who asked, when, and how their
// identity was checked.
type NewPartnershipAccess struct {
	ChildName     string        `json:"child_name"`
	BornOn        Date          `json:"born_on"`
	Requester     Requester     `json:"requester"`
	RequesterName string        `json:"requester_name"`
	ReceivedOn    Date          `json:"received_on"`
	Verified      IdentityCheck `json:"verified"`
	VerifiedNote  string        `json:"verified_note,omitempty"`
}

// PartnershipAccess is a partnership-wide request with its parts. The
// child's name and date of birth typed are not kept: once matched they
// are each organisation's to hold.
type PartnershipAccess struct {
	ID            int64                   `json:"id"`
	PartnershipID int64                   `json:"partnership_id"`
	Requester     Requester               `json:"requester"`
	RequesterName string                  `json:"requester_name"`
	ReceivedOn    Date                    `json:"received_on"`
	Verified      IdentityCheck           `json:"verified"`
	VerifiedNote  string                  `json:"verified_note,omitempty"`
	Due           Date                    `json:"due"`
	StartedBy     int64                   `json:"started_by"`
	StartedAt     time.Time               `json:"started_at"`
	Parts         []PartnershipAccessPart `json:"parts"`
}

// PartnershipAccessPart is one organisation's part: asked, agreed (with
// its own request, SubjectAccessID, and whether that is disclosed) or
// declined with the reason. ChildID, the matching record, is shown only
// to the organisation's DSL.
type PartnershipAccessPart struct {
	ID              int64      `json:"id"`
	RequestID       int64      `json:"request_id"`
	OrganisationID  int64      `json:"organisation_id"`
	Organisation    string     `json:"organisation"`
	ChildID         int64      `json:"child_id,omitempty"`
	Answer          PartAnswer `json:"answer"`
	DeclineReason   string     `json:"decline_reason,omitempty"`
	SubjectAccessID int64      `json:"subject_access_id,omitempty"`
	Disclosed       bool       `json:"disclosed"`
	Due             Date       `json:"due"`
	ReceivedOn      Date       `json:"received_on"`
	AnsweredAt      *time.Time `json:"answered_at,omitempty"`
}

// PartnershipAccessStore keeps partnership-wide requests. Contract as for
// the other stores, and:
//
//   - StartPartnershipAccess, PartnershipAccesses and PartnershipAccess
//     are for the partnership officer (OpStartPartnershipAccess); the
//     officer learns which organisations hold a match, never a record;
//   - PartnershipAccessAsks and AnswerPartnershipAccess are for a DSL of
//     the organisation asked (OpAnswerPartnershipAccess); agreeing makes
//     the organisation's subject access request for the matched child;
//   - a request or part outside the actor's reach is ENOTFOUND; answering
//     a part answered already is ECONFLICT.
type PartnershipAccessStore interface {
	StartPartnershipAccess(ctx context.Context, in NewPartnershipAccess) (*PartnershipAccess, error)
	PartnershipAccesses(ctx context.Context) ([]PartnershipAccess, error)
	PartnershipAccess(ctx context.Context, id int64) (*PartnershipAccess, error)
	PartnershipAccessAsks(ctx context.Context) ([]PartnershipAccessPart, error)
	AnswerPartnershipAccess(ctx context.Context, partID int64, agree bool, reason string) (*PartnershipAccessPart, error)
}
