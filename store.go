package lifeguard

import (
	"context"
	"time"
)

// The stores below are implemented by internal/sqlstore for SQLite and
// PostgreSQL. Every method reads the acting user from the context
// (ActorFrom) and enforces access itself, so that a handler that forgets a
// check cannot leak a record. The contract, for every method:
//
//   - EUNAUTHORIZED when the context has no actor;
//   - ENOTFOUND when the record does not exist or the actor may not know it
//     exists (another organisation's concern answers exactly as a missing one);
//   - EFORBIDDEN when the actor can see the record but not do this to it;
//   - EINVALID with Problems when the input breaks a rule;
//   - ECONFLICT when the record's state forbids the change (a closed concern);
//   - EUNAVAILABLE when the database cannot be reached.
//
// Every create, update and read of a concern or a child's record appends an
// entry to the journal in the same transaction as the change.

// NewConcern is what a reporter records. The caller triages the facts with
// the procedure in force and passes the result, so the store keeps exactly
// what the reporter was shown.
type NewConcern struct {
	Facts Facts
	// Valid, when not zero, is facts already checked (Facts.Check), given in
	// place of Facts, which is then left zero: the store does not check
	// them again. A caller that gives Facts has them checked by the store.
	Valid  ValidFacts
	Triage Triage
	// ChildID links the concern to a child already recorded in the actor's
	// organisation; zero records a new child from the facts.
	ChildID int64
	// ChildRef is the reference for a new child; empty gives a generated one.
	ChildRef string
	// ChildLegalForename and ChildLegalSurname name a new child (each
	// optional), kept on its record and seen only inside the organisation,
	// as the register's names are.
	ChildLegalForename, ChildLegalSurname string
	// DifferentChild says that a new child whose surname and date of birth
	// (and forename, when both have one) match a child on record in the
	// organisation is another child. Without it such a new child is refused
	// with ECONFLICT, naming the child on record (DuplicateChild), so that
	// the reporter can choose that child instead.
	DifferentChild bool
}

// ConcernKey makes recording a concern idempotent. Key is the caller's:
// the token a report form was issued with, or an API client's
// Idempotency-Key, each with a prefix that keeps the two apart. Digest is a
// hash of the request that carried the key, or empty when any request
// carrying the key means the same report (the form's token).
type ConcernKey struct {
	Key    string
	Digest string
}

// MaxConcernKey is the longest key the store keeps, in bytes.
const MaxConcernKey = 300

// ConcernFilter selects concerns for a list. Zero fields do not filter.
type ConcernFilter struct {
	// Status is a status, or StatusOpen for every concern not closed.
	Status  ConcernStatus
	Type    ConcernType
	ChildID int64
	// From and To bound reported_at: From inclusive, To exclusive.
	From, To time.Time
	// AssignedTo keeps the concerns assigned to this user; 0 does not
	// filter.
	AssignedTo int64
	// ReportedByMe keeps to the concerns the actor reported: a member of
	// staff's "My reports" (for staff and managers it changes nothing, as
	// they see only those).
	ReportedByMe bool
	// Order is OrderPriority (the inbox: see OrderPriority), OrderDue (by
	// earliest deadline) or OrderReported (newest first, the default).
	Order string
	// Cursor continues a previous page; Limit is 1–200, default 50.
	Cursor string
	Limit  int
}

// StatusOpen is a filter, not a status a concern has: it selects the
// concerns that are not closed (new or in progress), as a DSL's inbox shows
// them.
const StatusOpen ConcernStatus = "open"

// Orders of a concern list.
const (
	OrderReported = "reported"
	OrderDue      = "due"
	// OrderPriority is the inbox's order, the most urgent first: new
	// concerns (never opened by a lead or deputy) with a route due now,
	// then the other concerns never opened, then by earliest deadline, then
	// the rest. It lists open concerns only: a closed concern never
	// appears in it, and a filter for closed ones is EINVALID.
	OrderPriority = "priority"
)

// ConcernPage is one page of a list; Next is the cursor of the next page, or
// empty on the last page.
type ConcernPage struct {
	Concerns []ConcernSummary `json:"concerns"`
	Next     string           `json:"next"`
}

// ConcernStore keeps concerns and everything done about them.
//
// Access: staff and managers create concerns in their organisation and see,
// and add notes and evidence to, only the concerns they reported; a DSL sees
// and works every concern of their organisation; partnership officers and
// administrators see no individual concern (lists are EFORBIDDEN, single
// concerns ENOTFOUND) and cannot create one.
type ConcernStore interface {
	CreateConcern(ctx context.Context, in NewConcern) (*Concern, error)
	// CreateConcernOnce is CreateConcern made idempotent by key, which is
	// unique per acting user. The first call with a key records the concern
	// and keeps the key with it, in the same transaction. A later call by
	// the same user with the same key and digest records nothing (no
	// concern, no child) and returns the concern first recorded, journaled
	// as a read, with replayed true. The same key with another digest is
	// EINVALID on the path "idempotency_key": the key was used for a
	// different request.
	CreateConcernOnce(ctx context.Context, key ConcernKey, in NewConcern) (c *Concern, replayed bool, err error)
	// Concern returns the whole record, journaled as a read.
	Concern(ctx context.Context, id int64) (*Concern, error)
	// ListConcerns returns summaries, journaled as one read naming them.
	ListConcerns(ctx context.Context, f ConcernFilter) (*ConcernPage, error)
	// UpdateFacts replaces the facts and the triage (the caller re-runs it);
	// decisions already made stay.
	UpdateFacts(ctx context.Context, id int64, f Facts, t Triage) (*Concern, error)
	// UpdateValidFacts is UpdateFacts for facts already checked, which the
	// store does not check again.
	UpdateValidFacts(ctx context.Context, id int64, f ValidFacts, t Triage) (*Concern, error)
	AddDecision(ctx context.Context, concernID int64, in NewDecision) (*Decision, error)
	AddAction(ctx context.Context, concernID int64, in NewAction) (*Action, error)
	CompleteAction(ctx context.Context, concernID, actionID int64) (*Action, error)
	// CancelAction ends an action that will not be done, with the reason
	// (required, EINVALID on "reason"); ECONFLICT when it is already done
	// or cancelled.
	CancelAction(ctx context.Context, concernID, actionID int64, reason string) (*Action, error)
	// AddRoute adds a route of the procedure that the concern's triage did
	// not give, with the DSL's reason (required); EINVALID on "route" when
	// the concern has the route already. It is journaled, and then decided
	// like any other route.
	AddEvidence(ctx context.Context, concernID int64, in NewEvidence) (*Evidence, error)
	AddNote(ctx context.Context, concernID int64, text string) (*Note, error)
	AddRoute(ctx context.Context, concernID int64, in NewRoute) (*AddedRoute, error)
	// CloseConcern closes the concern with its outcomes. A concern with a
	// route not decided (the proposed decision included) or an action
	// still to do is refused, EINVALID on "close_anyway" with a message
	// naming each by its title, unless in.CloseAnyway gives the reason for
	// closing all the same; the reason is kept with the outcome.
	CloseConcern(ctx context.Context, concernID int64, in NewOutcome) (*Concern, error)
	// SetRiskLevel rates the concern's risk, or clears the rating when
	// level is ""; it returns the rating, nil when cleared. A level that
	// is not one is EINVALID on the path "risk_level".
	SetRiskLevel(ctx context.Context, concernID int64, level RiskLevel) (*RiskRating, error)
	// AssignConcern assigns the concern to the user, or unassigns it when
	// userID is 0; it returns the assignment, nil when unassigned. Anyone
	// but an enabled lead or deputy (role dsl) of the concern's
	// organisation is EINVALID on the path "assigned_to".
	AssignConcern(ctx context.Context, concernID, userID int64) (*Assignment, error)
	// Assignees lists who the concern can be assigned to: the enabled
	// leads and deputies of its organisation, by name. Access is that of
	// working the concern.
	Assignees(ctx context.Context, concernID int64) ([]User, error)
}

// ChildStore keeps children's records. A DSL reads the records and
// chronologies of their organisation's children, and of children whose file
// their organisation has received by transfer (see TransferStore); staff and
// managers can find a child to link a new concern to (reference only) but
// not read a chronology (EFORBIDDEN); others get ENOTFOUND.
type ChildStore interface {
	Child(ctx context.Context, id int64) (*Child, error)
	// ChildRecord reads what a child's page shows, in one transaction: the
	// record (as Child), its chronology (as Chronology) and, for the
	// organisation that holds a record not merged away, the merges into it
	// (as ChildMerges; nil otherwise). Access and the journal's entries are
	// those of the three calls.
	ChildRecord(ctx context.Context, id int64) (*ChildRecord, error)
	// FindChildren finds the organisation's children whose reference starts
	// with prefix, for the report form; at most 20.
	FindChildren(ctx context.Context, prefix string) ([]Child, error)
	Chronology(ctx context.Context, childID int64) ([]ChronologyEntry, error)
	// SetChildIdentity sets who the child is (ChildIdentity): the
	// organisation's DSL or manager may (OpImportChildren); staff get
	// EFORBIDDEN, others ENOTFOUND; EINVALID names each bad field, and a
	// UPN another child of the organisation holds.
	SetChildIdentity(ctx context.Context, childID int64, id ChildIdentity) (*Child, error)
	// ImportChildren imports lines of the organisation's register in one
	// transaction (ChildImport): each line matches a child by UPN, else by
	// legal forename, surname and date of birth, else adds one; a line that
	// changes nothing changes nothing, so importing a file twice is the
	// same as once. The organisation's DSL or manager may. When any line
	// is bad nothing is written and the error is EINVALID naming each bad
	// line ("lines[12].upn"), and the result still says, line by line,
	// what the import would have done.
	ImportChildren(ctx context.Context, in ChildImport) (*ChildImportResult, error)
	// SearchChildren finds the children of the actor's organisation whose
	// names, reference, identifiers or groups hold every word of q; at
	// most 20, on roll first, by name.
	SearchChildren(ctx context.Context, q string) ([]Child, error)
	// MergeChildren merges record merge into record keep, two records of
	// the same child of the DSL's organisation (ChildMerge): ECONFLICT when
	// either is already merged, or both have a file waiting to be
	// received, or both were received by transfer; EINVALID for a record
	// merged into itself.
	MergeChildren(ctx context.Context, keep, merge int64) (*ChildMerge, error)
	// ChildMerges lists the merges into a child's record, newest first, for
	// the DSL who reads the record.
	ChildMerges(ctx context.Context, childID int64) ([]ChildMerge, error)
	// DiscloseChronology is Chronology for a copy that leaves Lifeguard (a
	// CSV file, a printout): the same entries, journaled as a disclosure of
	// the record, with how it left ("csv" or "print").
	DiscloseChronology(ctx context.Context, childID int64, how string) ([]ChronologyEntry, error)
	// ListChildren pages through an organisation's register: its records
	// (merged ones left out) with ids after after, by id, at most limit
	// (1 to 1,000). Those who keep the register may (OpImportChildren).
	ListChildren(ctx context.Context, org, after int64, limit int) ([]Child, error)
}

// NewUser is the input to create a user. Password is the plain password,
// hashed by the caller's auth package before it reaches the store: the store
// receives PasswordHash only.
type NewUser struct {
	Email          string `json:"email"`
	Name           string `json:"name"`
	Role           Role   `json:"role"`
	OrganisationID int64  `json:"organisation_id"`
	// Deputy makes a user of role dsl a deputy safeguarding lead; EINVALID
	// on the path "deputy" for any other role.
	Deputy       bool   `json:"deputy"`
	PasswordHash string `json:"-"`
}

// OrgStore keeps partnerships, organisations and users. Administrators (and
// the system actor) create and change them; any signed-in user reads their
// own organisation and user.
type OrgStore interface {
	CreatePartnership(ctx context.Context, name string) (*Partnership, error)
	// Partnership returns a partnership by id: any signed-in user reads
	// their own partnership's (its name heads the board report), and no
	// other (ENOTFOUND).
	Partnership(ctx context.Context, id int64) (*Partnership, error)
	CreateOrganisation(ctx context.Context, o Organisation) (*Organisation, error)
	Organisation(ctx context.Context, id int64) (*Organisation, error)
	// Organisations lists the partnership's organisations (for transfers and
	// reports); every signed-in user may list their own partnership's.
	Organisations(ctx context.Context) ([]Organisation, error)
	CreateUser(ctx context.Context, in NewUser) (*User, error)
	User(ctx context.Context, id int64) (*User, error)
	Users(ctx context.Context) ([]User, error)
	SetUserDisabled(ctx context.Context, id int64, disabled bool) (*User, error)
	// SetSafeguardingPhone sets (or, with "", clears) the organisation's
	// safeguarding contact number. Administrators of its partnership may;
	// EINVALID naming safeguarding_phone for a number of the wrong shape,
	// ENOTFOUND for an organisation the actor cannot see.
	SetSafeguardingPhone(ctx context.Context, orgID int64, phone string) (*Organisation, error)
	// SetChildrenCount sets (or, with nil, clears) the number of children
	// the organisation serves: its manager, or an administrator of its
	// partnership (OpSetChildrenCount). EINVALID names children_count when
	// it is not from 1 to MaxChildrenCount; ENOTFOUND for an organisation
	// beyond the actor's reach, EFORBIDDEN for a role without the rule.
	// The change is journaled.
	SetChildrenCount(ctx context.Context, orgID int64, n *int64) (*Organisation, error)
}

// Credentials are what sign-in needs about a user: read by the system actor
// only, never returned through the API.
type Credentials struct {
	User         User
	PasswordHash string
	TOTPSecret   string
}

// Session is a signed-in browser session. The store keeps only a hash of the
// session token.
type Session struct {
	ID        int64
	UserID    int64
	TokenHash []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	LastSeen  time.Time
	// SecondFactor is true once the user has passed the second factor.
	SecondFactor bool
}

// APIToken is a bearer token for the API. The store keeps only its hash.
type APIToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"` // the first characters, to tell tokens apart
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// AuthStore keeps what authentication needs in the database, so that several
// servers behind a load balancer share sessions, tokens and throttling. Its
// methods are for the auth package, which calls them as the system actor.
type AuthStore interface {
	CredentialsByEmail(ctx context.Context, email string) (*Credentials, error)
	SetPasswordHash(ctx context.Context, userID int64, hash string) error
	RecordSignIn(ctx context.Context, userID int64, at time.Time) error

	CreateSession(ctx context.Context, s Session) (*Session, error)
	// SessionByHash returns the live session with the token hash and its
	// user, ENOTFOUND when there is none or it has expired.
	SessionByHash(ctx context.Context, hash []byte, now time.Time) (*Session, *User, error)
	TouchSession(ctx context.Context, id int64, now, expires time.Time) error
	SetSessionSecondFactor(ctx context.Context, id int64) error
	DeleteSession(ctx context.Context, hash []byte) error
	DeleteUserSessions(ctx context.Context, userID int64) error

	CreateToken(ctx context.Context, userID int64, name, prefix string, hash []byte) (*APIToken, error)
	// TokenByHash returns the unrevoked token and its enabled user, and
	// records its use; ENOTFOUND otherwise.
	TokenByHash(ctx context.Context, hash []byte, now time.Time) (*APIToken, *User, error)
	Tokens(ctx context.Context, userID int64) ([]APIToken, error)
	RevokeToken(ctx context.Context, id int64, now time.Time) error

	// CountFailures counts sign-in failures for key (an account or an
	// address) since the time given; RecordFailure adds one; ClearFailures
	// forgets them after a successful sign-in.
	CountFailures(ctx context.Context, key string, since time.Time) (int, error)
	RecordFailure(ctx context.Context, key string, at time.Time) error
	ClearFailures(ctx context.Context, key string) error
	// Failures lists every key with failures since the time given, the
	// most failures first, for an administrator to see who is throttled.
	Failures(ctx context.Context, since time.Time) ([]FailureCount, error)

	// RecordFailures adds a failure to each key, in one transaction.
	RecordFailures(ctx context.Context, at time.Time, keys ...string) error

	// SignedIn records, in one transaction, a successful sign-in of the
	// user at the time given: their last sign-in, address as known for
	// account, and the end of the failures of clear. KnownAddress reports
	// whether account has signed in from address since the time given.
	// Both take the auth package's throttling keys.
	SignedIn(ctx context.Context, userID int64, account, address, clear string, at time.Time) error
	KnownAddress(ctx context.Context, account, address string, since time.Time) (bool, error)
}

// FailureCount is one throttling key's recent sign-in failures.
type FailureCount struct {
	Key      string
	Failures int
	Last     time.Time
}

// JournalEntry is one line of the append-only journal of reads and writes of
// concerns and children's records. Hash chains each entry to the one before,
// so a changed or deleted row breaks the chain from there on.
type JournalEntry struct {
	Seq            int64     `json:"seq"`
	At             time.Time `json:"at"`
	UserID         int64     `json:"user_id"`
	Role           Role      `json:"role"`
	OrganisationID int64     `json:"organisation_id"`
	Via            string    `json:"via"`
	Action         string    `json:"action"` // create, read, update, list, disclose
	Record         string    `json:"record"` // concern, child, ...
	RecordID       int64     `json:"record_id"`
	Detail         string    `json:"detail"` // what changed, by code: never free text
	PrevHash       string    `json:"prev_hash"`
	Hash           string    `json:"hash"`
}

// JournalReport is the result of verifying the journal's chain.
type JournalReport struct {
	Entries int64 `json:"entries"`
	// FirstBroken is the sequence number of the first entry whose hash does
	// not match, or 0 when the chain is whole.
	FirstBroken int64  `json:"first_broken"`
	Problem     string `json:"problem"`
	// Head is the sequence number the journal's head row names.
	Head int64 `json:"head"`
	// Sealed is true when the store holds a journal key and the head
	// carries its seal, so that a journal cut short would have shown.
	Sealed bool `json:"sealed"`
}

// Journal reads the journal. Verify is for administrators and the system.
type Journal interface {
	VerifyJournal(ctx context.Context) (*JournalReport, error)
}
