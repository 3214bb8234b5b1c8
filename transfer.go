package lifeguard

import (
	"context"
	"time"
)

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
	// ReceivedChildID is the child's record in the receiving organisation:
	// created on receipt, or the pupil already on roll the receiving DSL
	// accepted the file onto.
	ReceivedChildID *int64 `json:"received_child_id"`
	// Child is who the child is, as the sending organisation records them:
	// the transfer carries it to the receiving DSL, to find the pupil on
	// roll. Nil when the sender holds no name or identifier.
	Child *ChildIdentity `json:"child,omitempty"`
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
	// ReceiveTransferOnto is ReceiveTransfer onto a child already recorded
	// in the receiving organisation (onto 0: a new record, as
	// ReceiveTransfer): the file joins that child's chronology. EINVALID at
	// "onto" for a record that is not one of the organisation's, or that
	// already holds a received file.
	ReceiveTransferOnto(ctx context.Context, id, onto int64) (*Transfer, error)
	// TransferMatches lists the children of the receiving organisation the
	// transfer's child may be: the one with the same UPN, and those with
	// the same legal forename, surname and date of birth. For the
	// receiving DSL, while the transfer waits.
	TransferMatches(ctx context.Context, id int64) ([]Child, error)
}

// ChronTransferred and ChronReceived are chronology entries of transfers.
const (
	ChronTransferred = "transferred"
	ChronReceived    = "transfer_received"
)
