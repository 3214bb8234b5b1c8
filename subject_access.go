package lifeguard

import (
	"context"
	"strings"
	"time"
)

// Subject access (issue 19, item 3): a child, a parent for a young child,
// someone acting for them, or a member of staff asks for a copy of what
// Lifeguard holds about them. A DSL or an administrator records the
// request; the organisation's DSL gathers every record about the person,
// chooses which mentions of other people to redact, and discloses the
// bundle, printed or as JSON. UK GDPR Article 12(3) gives one calendar
// month from receipt, which may be extended by two further months with a
// reason (docs/retention.md#subject-access).

// DataSubject is whose data a request is about.
type DataSubject string

const (
	SubjectChild DataSubject = "child" // a child of the register
	SubjectStaff DataSubject = "staff" // a member of staff (a user)
)

// Requester is who made a request.
type Requester string

const (
	RequesterSelf           Requester = "self"           // the person themselves
	RequesterParent         Requester = "parent"         // a parent or carer for a child
	RequesterRepresentative Requester = "representative" // someone acting for them (a solicitor, an advocate)
)

// Requesters lists who may make a request, in the order of the form.
func Requesters() []Requester {
	return []Requester{RequesterSelf, RequesterParent, RequesterRepresentative}
}

// IdentityCheck is how the person's identity (and a representative's
// authority) was verified before anything is disclosed.
type IdentityCheck string

const (
	CheckKnownInPerson          IdentityCheck = "known_in_person"
	CheckPhotoID                IdentityCheck = "photo_id"
	CheckParentalResponsibility IdentityCheck = "parental_responsibility"
	CheckWrittenAuthority       IdentityCheck = "written_authority"
	CheckOther                  IdentityCheck = "other"
)

// IdentityChecks lists the checks, in the order of the form.
func IdentityChecks() []IdentityCheck {
	return []IdentityCheck{CheckKnownInPerson, CheckPhotoID, CheckParentalResponsibility, CheckWrittenAuthority, CheckOther}
}

// Label words a check for a page or a letter.
func (c IdentityCheck) Label() string {
	switch c {
	case CheckKnownInPerson:
		return "Known to us and seen in person"
	case CheckPhotoID:
		return "Photographic identity document seen"
	case CheckParentalResponsibility:
		return "Parental responsibility checked against our records"
	case CheckWrittenAuthority:
		return "Signed authority to act for the person seen"
	case CheckOther:
		return "Other (see the note)"
	}
	return string(c)
}

// Label words who asked.
func (r Requester) Label() string {
	switch r {
	case RequesterSelf:
		return "The person themselves"
	case RequesterParent:
		return "A parent or carer"
	case RequesterRepresentative:
		return "Someone acting for them"
	}
	return string(r)
}

// Bounds of a request's free text.
const (
	MaxRequesterName  = 200
	MaxVerifiedNote   = 1000
	MaxExtendReason   = 1000
	MaxRequestHistory = 1000 // requests one list returns
)

// SubjectAccessStatus is where a request stands.
type SubjectAccessStatus string

const (
	AccessOpen      SubjectAccessStatus = "open"
	AccessDisclosed SubjectAccessStatus = "disclosed"
)

// NewSubjectAccess is a request as it is recorded: about a child of the
// register (ChildID) or a member of staff (UserID), one of the two.
type NewSubjectAccess struct {
	Subject       DataSubject   `json:"subject"`
	ChildID       int64         `json:"child_id,omitempty"`
	UserID        int64         `json:"user_id,omitempty"`
	Requester     Requester     `json:"requester"`
	RequesterName string        `json:"requester_name"`
	ReceivedOn    Date          `json:"received_on"`
	Verified      IdentityCheck `json:"verified"`
	VerifiedNote  string        `json:"verified_note,omitempty"`
}

// SubjectAccess is a request with its deadline.
type SubjectAccess struct {
	ID             int64               `json:"id"`
	OrganisationID int64               `json:"organisation_id"`
	Subject        DataSubject         `json:"subject"`
	ChildID        int64               `json:"child_id,omitempty"`
	UserID         int64               `json:"user_id,omitempty"`
	Requester      Requester           `json:"requester"`
	RequesterName  string              `json:"requester_name"`
	ReceivedOn     Date                `json:"received_on"`
	Verified       IdentityCheck       `json:"verified"`
	VerifiedNote   string              `json:"verified_note,omitempty"`
	Due            Date                `json:"due"`
	ExtendReason   string              `json:"extend_reason,omitempty"`
	Status         SubjectAccessStatus `json:"status"`
	StartedBy      int64               `json:"started_by"`
	StartedAt      time.Time           `json:"started_at"`
	DisclosedAt    *time.Time          `json:"disclosed_at,omitempty"`
}

// Extended reports whether the deadline was extended.
func (s SubjectAccess) Extended() bool { return s.ExtendReason != "" }

// AddCalendarMonths is the day months calendar months after d: the same
// day of the month, or the month's last day when it has no such day (a
// request received on 31 January is due on 28 or 29 February, not in
// March, as the ICO reads "one month").
func AddCalendarMonths(d Date, months int) Date {
	first := time.Date(d.Year, time.Month(d.Month)+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	day := min(d.Day, last)
	return DateOf(time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC))
}

// AccessDeadline is when a request received on received must be answered;
// extended, two months later.
func AccessDeadline(received Date, extended bool) Date {
	if extended {
		return AddCalendarMonths(received, 3)
	}
	return AddCalendarMonths(received, 1)
}

// AccessWarningDays is how long before its deadline a request is reminded.
const AccessWarningDays = 7

// BundleItem is one record in a bundle: its section (identity, concern,
// note, decision, action, evidence, transfer, referral, message,
// agreement, capture, account), a stable key, a title, when and by whom,
// and its text. Mentions are the names of other people it holds.
type BundleItem struct {
	Section  string     `json:"section"`
	Key      string     `json:"key"`
	Title    string     `json:"title"`
	At       *time.Time `json:"at,omitempty"`
	By       string     `json:"by,omitempty"`
	Text     string     `json:"text,omitempty"`
	Mentions []Mention  `json:"mentions,omitempty"`
}

// Mention is a third party named in an item: another child of the
// register, a member of staff, the reporter. Key is the same for the same
// name in every item, so that one choice covers it everywhere; Redact is
// the choice made (nil while none is, which redacts: the safe default).
type Mention struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Kind   string `json:"kind"` // child, staff
	Redact *bool  `json:"redact,omitempty"`
}

// Redacted reports whether the mention is redacted from the disclosure.
func (m Mention) Redacted() bool { return m.Redact == nil || *m.Redact }

// RedactionMark replaces a redacted name.
const RedactionMark = "[redacted]"

// SubjectAccessBundle is everything held about the person. Disclosed
// bundles have the redactions applied: no redacted name is left in any
// text, and their Mentions keep only the key, kind and choice.
type SubjectAccessBundle struct {
	Request      SubjectAccess `json:"request"`
	Person       string        `json:"person"`
	Organisation string        `json:"organisation"`
	Items        []BundleItem  `json:"items"`
	Disclosed    bool          `json:"disclosed"`
	MadeAt       time.Time     `json:"made_at"`
}

// Redaction is one choice: redact the mention with Key, or keep it.
type Redaction struct {
	Key    string `json:"key"`
	Redact bool   `json:"redact"`
}

// MaxRedactions bounds the choices one call records.
const MaxRedactions = 1000

// Redact applies the mentions' choices to the bundle's items: every
// redacted name is replaced, whatever its case, in the text, the title and
// the author, and the mention keeps no name.
func (b *SubjectAccessBundle) Redact() {
	for i := range b.Items {
		it := &b.Items[i]
		for j := range it.Mentions {
			m := &it.Mentions[j]
			if m.Redacted() {
				it.Text = replaceFold(it.Text, m.Name, RedactionMark)
				it.Title = replaceFold(it.Title, m.Name, RedactionMark)
				it.By = replaceFold(it.By, m.Name, RedactionMark)
				m.Name = ""
			}
		}
	}
	b.Disclosed = true
}

// replaceFold replaces every occurrence of old in s, matched without
// regard to case, by repl.
func replaceFold(s, old, repl string) string {
	if old == "" {
		return s
	}
	ls, lo := strings.ToLower(s), strings.ToLower(old)
	if len(ls) != len(s) || len(lo) != len(old) { // case folding changed the length: match exactly
		return strings.ReplaceAll(s, old, repl)
	}
	var b strings.Builder
	for {
		i := strings.Index(ls, lo)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteString(repl)
		s, ls = s[i+len(old):], ls[i+len(old):]
	}
}

// SubjectAccessStore keeps subject access requests. Contract as for the
// other stores, and:
//
//   - StartSubjectAccess, SubjectAccesses, SubjectAccess and
//     ExtendSubjectAccess are for a DSL of the person's organisation, or an
//     administrator of its partnership (OpStartDataRights); a child's
//     request is started by the DSL, who alone sees the register's names
//     (EFORBIDDEN for an administrator);
//   - SubjectAccessBundle and SetRedactions are for a DSL of the request's
//     organisation (OpWorkDataRights): the bundle holds concerns' text.
//     Reading the bundle is journalled as a read of the request, disclosing
//     it (disclose true: redactions applied, the request marked disclosed)
//     as a disclosure;
//   - a request outside the actor's reach is ENOTFOUND;
//   - extending an extended or disclosed request is ECONFLICT.
type SubjectAccessStore interface {
	StartSubjectAccess(ctx context.Context, in NewSubjectAccess) (*SubjectAccess, error)
	SubjectAccesses(ctx context.Context) ([]SubjectAccess, error)
	SubjectAccess(ctx context.Context, id int64) (*SubjectAccess, error)
	ExtendSubjectAccess(ctx context.Context, id int64, reason string) (*SubjectAccess, error)
	SubjectAccessBundle(ctx context.Context, id int64, disclose bool) (*SubjectAccessBundle, error)
	SetRedactions(ctx context.Context, id int64, rs []Redaction) error
	// SubjectAccessReminders lists the open requests of the DSL's
	// organisation due within AccessWarningDays of today, or past due.
	SubjectAccessReminders(ctx context.Context, today Date) ([]SubjectAccess, error)
	// RequestStaff lists the members of staff a request may be about:
	// the DSL's organisation's, the administrator's partnership's (id,
	// name, organisation and role only).
	RequestStaff(ctx context.Context) ([]User, error)

	DataRightsStore
	PartnershipAccessStore
}
