package lifeguard

import (
	"context"
	"time"
)

// The policy library and the agreements made under it (issue 17, items 1
// and 2). Each organisation keeps its online-safety policy and its
// acceptable-use agreements (for staff, for pupils by age group, for
// visitors and for parents), each a series of numbered versions with the
// text or a link, who approved it and when. A partnership publishes model
// policies that its organisations adopt and then adapt as their own.
//
// Staff acknowledge the current staff agreement themselves, on their next
// sign-in after a new version: until they do, every page and the API send
// them to it. Pupils, parents and visitors do not sign in, so staff record
// their agreement: a class at a time from the register of children, or a
// visitor by name and date.

// PolicyKind is which policy or agreement a policy is.
type PolicyKind string

const (
	PolicyOnlineSafety PolicyKind = "online_safety" // the online-safety policy
	AgreementStaff     PolicyKind = "aup_staff"     // acceptable use: staff and volunteers
	AgreementPupils    PolicyKind = "aup_pupils"    // acceptable use: pupils of an age group
	AgreementVisitors  PolicyKind = "aup_visitors"  // acceptable use: visitors
	AgreementParents   PolicyKind = "aup_parents"   // acceptable use: parents and carers
)

// PolicyKinds lists the kinds in the order the pages show them.
func PolicyKinds() []PolicyKind {
	return []PolicyKind{PolicyOnlineSafety, AgreementStaff, AgreementPupils, AgreementVisitors, AgreementParents}
}

// Valid reports whether k is a known kind.
func (k PolicyKind) Valid() bool {
	switch k {
	case PolicyOnlineSafety, AgreementStaff, AgreementPupils, AgreementVisitors, AgreementParents:
		return true
	}
	return false
}

var policyKindWords = map[PolicyKind]string{
	PolicyOnlineSafety: "Online-safety policy",
	AgreementStaff:     "Acceptable use agreement: staff",
	AgreementPupils:    "Acceptable use agreement: pupils",
	AgreementVisitors:  "Acceptable use agreement: visitors",
	AgreementParents:   "Acceptable use agreement: parents and carers",
}

// Label is the words people read for the kind.
func (k PolicyKind) Label() string { return wordsFor(policyKindWords, k) }

// IsAgreement reports whether people agree to the kind (every kind but the
// online-safety policy itself).
func (k PolicyKind) IsAgreement() bool { return k.Valid() && k != PolicyOnlineSafety }

// Limits of a policy's text.
const (
	MaxPolicyText = 100_000
	MaxPolicyLink = 2000
	MaxAgeGroup   = 60
)

// Policy is one policy or agreement of an organisation, or a model policy
// of the partnership (OrganisationID 0). Versions are oldest first; the
// last is the current one.
type Policy struct {
	ID             int64           `json:"id"`
	PartnershipID  int64           `json:"partnership_id"`
	OrganisationID int64           `json:"organisation_id"`
	Kind           PolicyKind      `json:"kind"`
	AgeGroup       string          `json:"age_group"`
	Title          string          `json:"title"`
	ReviewDue      *Date           `json:"review_due"`
	AdoptedFrom    int64           `json:"adopted_from"`
	CreatedAt      time.Time       `json:"created_at"`
	Versions       []PolicyVersion `json:"versions"`
}

// Current is the policy's current version, if it has one.
func (p *Policy) Current() (*PolicyVersion, bool) {
	if len(p.Versions) == 0 {
		return nil, false
	}
	return &p.Versions[len(p.Versions)-1], true
}

// PolicyVersion is one approved version of a policy: its text, or a link
// to where the text is kept, or both.
type PolicyVersion struct {
	ID         int64     `json:"id"`
	PolicyID   int64     `json:"policy_id"`
	Number     int       `json:"number"`
	Text       string    `json:"text"`
	Link       string    `json:"link"`
	ApprovedBy string    `json:"approved_by"`
	ApprovedOn Date      `json:"approved_on"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// NewPolicy is the input to start a policy: its kind (and, for pupils'
// agreements, the age group it is written for), a title, and when it is
// next to be reviewed.
type NewPolicy struct {
	Kind      PolicyKind `json:"kind"`
	AgeGroup  string     `json:"age_group"`
	Title     string     `json:"title"`
	ReviewDue *Date      `json:"review_due"`
}

// NewPolicyVersion is the input of a new version: the text or a link (at
// least one), who approved it and on what date, and the next review date
// (nil keeps the one the policy has).
type NewPolicyVersion struct {
	Text       string `json:"text"`
	Link       string `json:"link"`
	ApprovedBy string `json:"approved_by"`
	ApprovedOn Date   `json:"approved_on"`
	ReviewDue  *Date  `json:"review_due"`
}

// Agreement records that someone agreed to a version of an agreement:
// a member of staff (UserID, who acknowledged it themselves), a child
// (ChildID, recorded by staff, for the child or the child's parents) or a
// visitor (Name, recorded by staff).
type Agreement struct {
	ID             int64     `json:"id"`
	VersionID      int64     `json:"version_id"`
	OrganisationID int64     `json:"organisation_id"`
	UserID         int64     `json:"user_id,omitempty"`
	ChildID        int64     `json:"child_id,omitempty"`
	Name           string    `json:"name,omitempty"`
	AgreedOn       Date      `json:"agreed_on"`
	RecordedBy     int64     `json:"recorded_by"`
	RecordedAt     time.Time `json:"recorded_at"`
}

// AgreementInput is one agreement recorded by staff: a child of the
// organisation or a visitor's name, and the date they agreed.
type AgreementInput struct {
	ChildID  int64  `json:"child_id"`
	Name     string `json:"name"`
	AgreedOn Date   `json:"agreed_on"`
}

// AgreementStatus is who has and who has not agreed to the current
// version of an agreement: staff for the staff agreement, the children
// on roll for pupils' and parents' agreements (of one registration group
// when asked), and the visitors recorded for the visitors'.
type AgreementStatus struct {
	Policy  *Policy          `json:"policy"`
	Version *PolicyVersion   `json:"version"`
	Agreed  []AgreementParty `json:"agreed"`
	Missing []AgreementParty `json:"missing"`
}

// AgreementParty is one person in an AgreementStatus: a user, a child or
// a visitor by name, with the date they agreed when they have.
type AgreementParty struct {
	UserID   int64  `json:"user_id,omitempty"`
	ChildID  int64  `json:"child_id,omitempty"`
	Name     string `json:"name"`
	RegGroup string `json:"reg_group,omitempty"`
	AgreedOn *Date  `json:"agreed_on"`
}

// PolicyStore keeps the policy library and the agreements.
//
// Access (the rows OpReadPolicies, OpKeepPolicies, OpAcknowledge,
// OpRecordAgreements and OpReadAgreements of the access table):
//   - everyone of an organisation reads its policies (staff must be able to
//     read what they agree to); its manager and DSL keep them;
//   - a partnership officer keeps the partnership's model policies, which
//     everyone of the partnership reads; an organisation's own policies
//     are not theirs (ENOTFOUND): the partnership sees aggregates only;
//   - every user acknowledges their own organisation's staff agreement;
//   - staff, managers and DSLs record agreements of their organisation's
//     children (a class list at a time) and visitors; managers and DSLs
//     see who has not agreed across the organisation.
//
// Errors beyond the common contract: CreatePolicy is ECONFLICT when the
// organisation already has a policy of that kind (and age group);
// Acknowledge is ECONFLICT for a version that is not the current staff
// agreement of the actor's organisation.
type PolicyStore interface {
	// Policies lists an organisation's policies (organisationID 0: the
	// partnership's model policies), in kind order, with their versions.
	Policies(ctx context.Context, organisationID int64) ([]Policy, error)
	Policy(ctx context.Context, id int64) (*Policy, error)
	// CreatePolicy starts a policy of the actor's organisation, or a
	// model policy when the actor is a partnership officer.
	CreatePolicy(ctx context.Context, in NewPolicy) (*Policy, error)
	AddPolicyVersion(ctx context.Context, policyID int64, in NewPolicyVersion) (*Policy, error)
	// AdoptPolicy makes a model policy the actor's organisation's own: a
	// new policy of its kind whose version 1 is the model's current text
	// and link, approved as in says.
	AdoptPolicy(ctx context.Context, modelID int64, in NewPolicyVersion) (*Policy, error)
	// StaffAgreementDue returns the current version of the staff agreement
	// of the actor's organisation when the actor has not acknowledged it,
	// and nil when there is none to acknowledge.
	StaffAgreementDue(ctx context.Context) (*Policy, error)
	// Acknowledge records that the actor agrees to version versionID of
	// their organisation's staff agreement, now.
	Acknowledge(ctx context.Context, versionID int64) (*Agreement, error)
	// RecordAgreements records agreements of children or visitors to the
	// current version of an agreement of the actor's organisation; one
	// already recorded for a child is left as it is.
	RecordAgreements(ctx context.Context, policyID int64, in []AgreementInput) (int, error)
	// AgreementStatus says who has and has not agreed to the current
	// version; regGroup narrows children to one registration group. Staff
	// who record agreements read one class of a pupils' or parents'
	// agreement (the class list they tick); the rest is for the manager
	// and DSL.
	AgreementStatus(ctx context.Context, policyID int64, regGroup string) (*AgreementStatus, error)
	// RegGroups lists the registration groups of the actor's organisation's
	// children on roll, for choosing a class to record; for those who
	// record agreements.
	RegGroups(ctx context.Context) ([]string, error)

	// RaisePolicyReminders raises a reminder for every organisation policy
	// whose review is due within PolicyReviewWarning of today (due_soon)
	// or has passed (overdue), at most once per policy, review date and
	// kind however often it runs. System actor only.
	RaisePolicyReminders(ctx context.Context, today Date) (int, error)
	// PolicyReminders lists the reminders not yet dismissed of the actor's
	// organisation, for those who keep its policies.
	PolicyReminders(ctx context.Context) ([]PolicyReminder, error)
	DismissPolicyReminder(ctx context.Context, id int64) error
	// PolicyFigures counts an organisation's policy library for its
	// self-audit: whoever reads the organisation's audits reads them
	// (the partnership too: they are counts).
	PolicyFigures(ctx context.Context, organisationID int64) (*PolicyFigures, error)
}

// PolicyReviewWarning is how long before a policy's review date its
// keepers are reminded.
const PolicyReviewWarning = 30 // days

// PolicyReminder tells an organisation's manager and DSL that a policy's
// review is near or past.
type PolicyReminder struct {
	ID             int64        `json:"id"`
	PolicyID       int64        `json:"policy_id"`
	OrganisationID int64        `json:"organisation_id"`
	Title          string       `json:"title"`
	ReviewDue      Date         `json:"review_due"`
	Kind           ReminderKind `json:"kind"`
	CreatedAt      time.Time    `json:"created_at"`
}
