package lifeguard

import (
	"context"
	"time"
)

// Scheduled work (deadline reminders, retention) runs on every server, but
// each run of a job must happen once across all of them: not twice, and not
// never. A run is identified by its job's name and its slot, the start of
// the period it belongs to (the hour, the day). A server claims a slot for a
// lease; while it works it renews the lease; when it is done it finishes the
// slot. A server that dies mid-run stops renewing, its lease lapses, and
// another server claims the slot and runs it again from the start, so every
// job is written to be safe to run twice over the same slot. A run that
// fails, or whose server dies, late in its period is retried after the
// period ends; a period in which no server was up at all is not replayed,
// and the next run catches up (the jobs work from the state of the records,
// not from the slot).

// JobClaim is one server's hold on one slot of a job.
type JobClaim struct {
	Job    string
	Slot   time.Time
	Holder string // which server: host and process, for the operator
	Until  time.Time
	// Retry claims only a slot that some server started and did not
	// finish: a run that failed, or whose server died, after its period
	// ended. A slot nobody started stays unclaimed.
	Retry bool
}

// JobRun is what the store knows of one slot of a job.
type JobRun struct {
	Job        string
	Slot       time.Time
	Holder     string
	ClaimedAt  time.Time
	LeaseUntil time.Time
	Attempts   int
	FinishedAt *time.Time
	// Outcome is "" while running, "done", or the error of the last
	// attempt, which a later tick retries.
	Outcome string
}

// JobStore keeps the claims. Only the system actor may call it. Contract as
// for the other stores, and:
//
//   - ClaimJob returns ok=false, with no error, when the slot is finished or
//     another holder's lease has not lapsed at now;
//   - RenewJob and FinishJob return ECONFLICT when the holder no longer holds
//     the slot (its lease lapsed and another server claimed it).
type JobStore interface {
	ClaimJob(ctx context.Context, c JobClaim, now time.Time) (ok bool, err error)
	RenewJob(ctx context.Context, c JobClaim) error
	// FinishJob ends the holder's claim: with failure "" the slot is done;
	// otherwise the slot is released at once for a retry.
	FinishJob(ctx context.Context, c JobClaim, now time.Time, failure string) error
	JobRuns(ctx context.Context, job string, limit int) ([]JobRun, error)
}

// Reminder tells an organisation's DSLs that a concern's deadline is near
// or has passed. The reminders job raises them; a DSL dismisses them.
type Reminder struct {
	ID             int64
	ConcernID      int64
	OrganisationID int64
	Kind           ReminderKind
	Due            time.Time
	CreatedAt      time.Time
	DismissedAt    *time.Time
	DismissedBy    int64
}

// ReminderKind says which deadline moment a reminder marks.
type ReminderKind string

const (
	ReminderDueSoon ReminderKind = "due_soon" // the deadline is within the warning period, or has come within the window of "now"
	ReminderOverdue ReminderKind = "overdue"  // a route without a decision is late (lifeguard.Judge)
)

// ReminderStore raises and shows reminders. RaiseReminders is for the
// system actor only; it raises at most one reminder per concern, kind and
// deadline, however often it runs. Reminders and DismissReminder follow
// the access of the concern: its organisation's DSLs.
type ReminderStore interface {
	RaiseReminders(ctx context.Context, now time.Time, warn time.Duration) (raised int, err error)
	Reminders(ctx context.Context) ([]Reminder, error)
	DismissReminder(ctx context.Context, id int64) error
}

// RetentionStore deletes what Lifeguard no longer needs to keep: sessions
// past their end, login failures past the throttling window, API tokens
// revoked long ago, records of finished job runs, and alerts long since
// delivered or given up. It never deletes a
// concern, a child's record or the journal. System actor only.
type RetentionStore interface {
	PurgeExpired(ctx context.Context, now time.Time, keep RetentionPeriods) (PurgeCounts, error)
}

// RetentionPeriods says how long each kind of housekeeping record is kept
// after it stops mattering.
type RetentionPeriods struct {
	LoginFailures time.Duration // after the failure
	RevokedTokens time.Duration // after revocation
	JobRuns       time.Duration // after the slot
	// Outbox is how long an alert delivered or given up is kept, with its
	// attempts, after that; 0 keeps them for ever.
	Outbox time.Duration
}

// PurgeCounts reports what a purge deleted, by kind.
type PurgeCounts struct {
	Sessions, LoginFailures, Tokens, JobRuns, Drafts int64
	Outbox                                           int64 // alerts delivered or given up
}
