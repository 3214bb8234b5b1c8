package lifeguard

import (
	"context"
	"time"
)

// Alerts are written to an outbox in the same transaction as the event
// that causes them, and delivered afterwards by a job (internal/jobs) that
// retries with back-off. An outbox message holds codes and ids only: the
// words of an email and the body of a webhook call are made at delivery
// from its kind, urgency and ids, so no message can carry a child's name
// or reference, a concern's text or its facts.

// AlertKind says what an outbox message tells of. Webhooks subscribe to
// kinds by these codes.
type AlertKind string

const (
	AlertNewConcern  AlertKind = "new_concern"  // a concern needing attention now or today was recorded
	AlertEscalation  AlertKind = "escalation"   // an urgent concern was not opened in time
	AlertFilterAlert AlertKind = "filter_alert" // the DNS filter saw something a DSL must know
	AlertDigest      AlertKind = "digest"       // a summary of work waiting (email only)

	// Referrals (referral.go): a referral or a referrer's reply reached
	// the receiving agency; the agency answered or asked for more.
	AlertReferral       AlertKind = "referral"
	AlertReferralAnswer AlertKind = "referral_answer"
	AlertCapture        AlertKind = "capture" // a monitoring capture of severity 4 or 5
	// AlertTraining tells a member of staff, and their organisation's
	// managers, that the person's training falls due or is overdue
	// (training.go); RecordID is the member of staff.
	AlertTraining AlertKind = "training"
)

// WebhookEvents are the kinds a webhook may subscribe to.
func WebhookEvents() []AlertKind {
	return []AlertKind{AlertNewConcern, AlertEscalation, AlertFilterAlert, AlertReferral, AlertReferralAnswer, AlertCapture}
}

// Valid reports whether k is a known kind.
func (k AlertKind) Valid() bool {
	switch k {
	case AlertNewConcern, AlertEscalation, AlertFilterAlert, AlertDigest, AlertReferral, AlertReferralAnswer, AlertCapture,
		AlertTraining:
		return true
	}
	return false
}

var alertWords = map[AlertKind]string{
	AlertNewConcern:  "New concern",
	AlertEscalation:  "Escalated concern",
	AlertFilterAlert: "Filter alert",
	AlertDigest:      "Digest",

	AlertReferral:       "Referral received",
	AlertReferralAnswer: "Referral answered",
	AlertCapture:        "Monitoring capture",
	AlertTraining:       "Training falls due",
}

// Label names the kind for a page.
func (k AlertKind) Label() string { return wordsFor(alertWords, k) }

// Channel is how a message is delivered.
type Channel string

const (
	ChannelEmail   Channel = "email"   // to a user's address, through the operator's SMTP server
	ChannelWebhook Channel = "webhook" // a signed POST to a webhook's URL
)

// OutboxMessage is one alert to deliver to one recipient: a user (email)
// or a webhook.
type OutboxMessage struct {
	ID             int64     `json:"id"`
	Kind           AlertKind `json:"kind"`
	Channel        Channel   `json:"channel"`
	UserID         int64     `json:"user_id,omitempty"`    // the recipient of an email
	WebhookID      int64     `json:"webhook_id,omitempty"` // the webhook called
	OrganisationID int64     `json:"organisation_id"`
	ConcernID      int64     `json:"concern_id,omitempty"`
	// RecordID is another record the alert is about (a filter alert's or
	// a capture's id).
	RecordID int64   `json:"record_id,omitempty"`
	Urgency  Urgency `json:"urgency,omitempty"`
	// DedupeKey, when not empty, makes the message once only: writing a
	// second message with the same key writes nothing.
	DedupeKey string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	// RetryFrom is when back-off and giving up count from: the creation,
	// or an administrator's retry.
	RetryFrom     time.Time  `json:"retry_from"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error,omitempty"`
	DeliveredAt   *time.Time `json:"delivered_at"`
	// FailedAt is when delivery was given up; an administrator may retry.
	FailedAt *time.Time `json:"failed_at"`
}

// OutboxState is where a message is in its delivery.
type OutboxState string

const (
	OutboxPending   OutboxState = "pending"
	OutboxDelivered OutboxState = "delivered"
	OutboxFailed    OutboxState = "failed" // given up
)

// State is the message's state.
func (m *OutboxMessage) State() OutboxState {
	switch {
	case m.DeliveredAt != nil:
		return OutboxDelivered
	case m.FailedAt != nil:
		return OutboxFailed
	}
	return OutboxPending
}

// OutboxDelivery is a message claimed for delivery, with what is needed to
// send it: the recipient's address for an email, the webhook's URL and
// secret for a call. It is never returned through the API or a page.
type OutboxDelivery struct {
	Message OutboxMessage
	// Address is the recipient's email address (ChannelEmail).
	Address string
	// URL and Secret are the webhook's (ChannelWebhook).
	URL    string
	Secret string
	// Gone says why the message cannot be delivered at all (the user was
	// disabled, the webhook removed); the job gives it up at once.
	Gone string
	// Digest is what a digest message (AlertDigest) tells of: counts
	// only, which name no one.
	Digest *DigestCounts
}

// DigestCounts are the counts of one organisation's digest: which digest,
// how many concerns it lists and, for the digest of new work, how many
// monitoring captures wait for review.
type DigestCounts struct {
	Kind     DigestKind
	Concerns int
	Captures int
}

// OutboxClaim asks for due messages to deliver.
type OutboxClaim struct {
	Holder   string    // which server, as in JobClaim
	Until    time.Time // the lease: no other server takes them before
	Channels []Channel // only these channels (email needs an SMTP server)
	Limit    int       // at most this many; 1–500
}

// OutboxResult is the outcome of one attempt to deliver a message.
type OutboxResult struct {
	// Error is empty when the message was delivered; otherwise the reason,
	// with no address or personal data, kept on the message and its
	// attempt.
	Error string
	// Next is when to try again after an error; zero gives up.
	Next time.Time
}

// OutboxAttempt is one recorded attempt to deliver a message.
type OutboxAttempt struct {
	At     time.Time `json:"at"`
	Holder string    `json:"holder"`
	Error  string    `json:"error,omitempty"`
}

// OutboxFilter selects messages for an administrator's page. Zero fields
// do not filter.
type OutboxFilter struct {
	State OutboxState
	Limit int // 1–500, default 100
}

// OutboxStore delivers the outbox. ClaimOutbox and FinishOutbox are for
// the system actor only (the delivery job); OutboxMessages,
// OutboxAttempts and RetryOutbox are for administrators, over the
// organisations of their partnership. Contract as for the other stores,
// and:
//
//   - ClaimOutbox leases due messages not delivered, not given up and not
//     leased by another holder whose lease is current; a message is never
//     leased to two holders at once;
//   - FinishOutbox returns ECONFLICT when the holder no longer holds the
//     message's lease (another server took it after the lease lapsed);
//   - RetryOutbox makes a given-up or pending message due now, with its
//     back-off started afresh; ECONFLICT for one already delivered.
type OutboxStore interface {
	ClaimOutbox(ctx context.Context, c OutboxClaim, now time.Time) ([]OutboxDelivery, error)
	FinishOutbox(ctx context.Context, id int64, holder string, now time.Time, r OutboxResult) error
	OutboxMessages(ctx context.Context, f OutboxFilter) ([]OutboxMessage, error)
	OutboxAttempts(ctx context.Context, id int64) ([]OutboxAttempt, error)
	RetryOutbox(ctx context.Context, id int64) error
}

// Webhook is another system that Lifeguard tells of events: for one
// organisation, or every organisation of the partnership when
// OrganisationID is 0. Its secret is returned once, when it is made.
type Webhook struct {
	ID             int64       `json:"id"`
	PartnershipID  int64       `json:"partnership_id"`
	OrganisationID int64       `json:"organisation_id,omitempty"`
	URL            string      `json:"url"`
	Events         []AlertKind `json:"events"`
	CreatedAt      time.Time   `json:"created_at"`
	// Secret is set only in the answer to CreateWebhook.
	Secret string `json:"secret,omitempty"`
}

// NewWebhook is what an administrator gives to make a webhook. The store
// makes the secret.
type NewWebhook struct {
	OrganisationID int64       `json:"organisation_id"` // 0: every organisation of the partnership
	URL            string      `json:"url"`
	Events         []AlertKind `json:"events"`
}

// MaxWebhookURL is the longest webhook URL kept, in bytes.
const MaxWebhookURL = 2000

// WebhookStore keeps webhooks. Administrators make, list and remove the
// webhooks of their partnership. The URL must be https, or http to a
// loopback address (for a receiver on the same machine): EINVALID naming
// "url" otherwise.
type WebhookStore interface {
	CreateWebhook(ctx context.Context, in NewWebhook) (*Webhook, error)
	Webhooks(ctx context.Context) ([]Webhook, error)
	RemoveWebhook(ctx context.Context, id int64) error
}
