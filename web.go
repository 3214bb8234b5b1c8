package lifeguard

import (
	"context"
	"time"
)

// TextSize is a user's chosen text size for the pages.
type TextSize string

const (
	TextSmall  TextSize = "small"
	TextMedium TextSize = "medium"
	TextLarge  TextSize = "large"
)

// Valid reports whether s is a known text size.
func (s TextSize) Valid() bool { return s == TextSmall || s == TextMedium || s == TextLarge }

// Preferences are a user's display settings, kept with the user so they
// follow them from device to device.
type Preferences struct {
	TextSize       TextSize `json:"text_size"`
	HighVisibility bool     `json:"high_visibility"`
}

// PreferenceStore keeps each user's own display settings. A user reads and
// changes only their own; no other role can.
type PreferenceStore interface {
	Preferences(ctx context.Context) (*Preferences, error)
	SetPreferences(ctx context.Context, p Preferences) (*Preferences, error)
}

// SecondFactor is a user's enrolled second factor: the TOTP secret, the
// SHA-256 hashes of unused recovery codes, and the last time step accepted,
// so that a code cannot be used twice.
type SecondFactor struct {
	Secret         string
	RecoveryHashes []string
	LastStep       int64
	EnrolledAt     time.Time
}

// SecondFactorStore keeps second factors. Its methods are for the auth
// package, which calls them as the system actor.
type SecondFactorStore interface {
	// SecondFactor returns the user's enrolled factor, ENOTFOUND when none.
	SecondFactor(ctx context.Context, userID int64) (*SecondFactor, error)
	// EnrolSecondFactor stores a new factor, replacing any earlier one
	// unconditionally: for seeding and tests. Sign-in uses
	// ReplaceSecondFactor.
	EnrolSecondFactor(ctx context.Context, userID int64, f SecondFactor) error
	// ReplaceSecondFactor stores f in place of the factor whose secret is
	// current, or as the first factor when current is "" and the user has
	// none. ECONFLICT when the user's factor is not current (another
	// enrolment won, or there is one the caller did not prove), ENOTFOUND
	// when there is no such user.
	ReplaceSecondFactor(ctx context.Context, userID int64, current string, f SecondFactor) error
	// ResetSecondFactor removes the user's factor and ends their sessions,
	// journalled: the administrator's way back for a lost phone.
	ResetSecondFactor(ctx context.Context, userID int64) error
	// AcceptStep records that a TOTP code of step was used; it returns
	// ECONFLICT when step is not after the last accepted one (a replay).
	AcceptStep(ctx context.Context, userID int64, step int64) error
	// UseRecoveryCode removes the recovery code with the hash; ENOTFOUND
	// when it is not an unused code of the user.
	UseRecoveryCode(ctx context.Context, userID int64, hash string) error
}

// TransferStatus is where a transfer of a child's file is.
type TransferStatus string

const (
	TransferPending  TransferStatus = "pending"  // sent, not yet received
	TransferReceived TransferStatus = "received" // the receiving DSL has accepted it
)

// Transfer is a child's safeguarding file sent to another organisation of
// the partnership, when the child moves. The receiving DSL must accept it;
// the time of receipt is recorded and the sending side sees it. DueBy is
// the deadline for the transfer (five school days from sending).
type Transfer struct {
	ID          int64          `json:"id"`
	ChildID     int64          `json:"child_id"`
	ChildRef    string         `json:"child_ref"`
	FromOrgID   int64          `json:"from_organisation_id"`
	FromOrgName string         `json:"from_organisation"`
	ToOrgID     int64          `json:"to_organisation_id"`
	ToOrgName   string         `json:"to_organisation"`
	Status      TransferStatus `json:"status"`
	Note        string         `json:"note"`
	SentBy      int64          `json:"sent_by"`
	SentAt      time.Time      `json:"sent_at"`
	DueBy       time.Time      `json:"due_by"`
	ReceivedBy  *int64         `json:"received_by"`
	ReceivedAt  *time.Time     `json:"received_at"`
	// ReceivedChildID is the child's record in the receiving organisation,
	// created on receipt.
	ReceivedChildID *int64 `json:"received_child_id"`
}

// TransferStore moves children's files between organisations. Only DSLs
// transfer and receive. The sending DSL sends a child of their
// organisation to another organisation of the same partnership; the
// receiving DSL sees pending transfers to their organisation and accepts
// them, which creates the child's record there and lets them read the
// transferred chronology; both sides see the transfer and its receipt.
type TransferStore interface {
	// SendTransfer records the transfer; dueBy is computed by the caller
	// from the procedure's calendar (five school days).
	SendTransfer(ctx context.Context, childID, toOrgID int64, note string, dueBy time.Time) (*Transfer, error)
	// Transfers lists the transfers to and from the actor's organisation,
	// pending first.
	Transfers(ctx context.Context) ([]Transfer, error)
	Transfer(ctx context.Context, id int64) (*Transfer, error)
	// ReceiveTransfer records receipt by the actor, a DSL of the receiving
	// organisation; ECONFLICT when already received.
	ReceiveTransfer(ctx context.Context, id int64) (*Transfer, error)
}

// ChronTransferred and ChronReceived are chronology entries of transfers.
const (
	ChronTransferred = "transferred"
	ChronReceived    = "transfer_received"
)
