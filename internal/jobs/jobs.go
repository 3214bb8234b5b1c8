package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Defaults of the standard jobs.
const (
	ReminderEvery  = 5 * time.Minute
	ReminderWarn   = 2 * time.Hour
	RetentionEvery = 24 * time.Hour
)

// DefaultRetention keeps login failures a day (longer than any throttling
// window), revoked tokens 90 days (so an operator can still see what was
// revoked and when), finished job runs 30 days, and alerts 90 days after
// they were delivered or given up (the journal keeps that they were
// written, and to whom).
func DefaultRetention() lifeguard.RetentionPeriods {
	return lifeguard.RetentionPeriods{
		LoginFailures: 24 * time.Hour,
		RevokedTokens: 90 * 24 * time.Hour,
		JobRuns:       30 * 24 * time.Hour,
		Outbox:        90 * 24 * time.Hour,
	}
}

// Reminders raises deadline reminders every five minutes: due soon within
// warn of the deadline, and overdue once it has passed (for an immediate
// route, once the window of "now" after it has passed: lifeguard.Judge).
func Reminders(s lifeguard.ReminderStore, warn time.Duration, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "reminders", Every: ReminderEvery, Run: func(ctx context.Context, _ time.Time) error {
		n, err := s.RaiseReminders(ctx, now(), warn)
		if n > 0 {
			log.Info("reminders raised", slog.Int("count", n))
		}
		return err
	}}
}

// Retention deletes expired housekeeping records once a day.
func Retention(s lifeguard.RetentionStore, keep lifeguard.RetentionPeriods, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "retention", Every: RetentionEvery, Run: func(ctx context.Context, _ time.Time) error {
		n, err := s.PurgeExpired(ctx, now(), keep)
		if err == nil {
			log.Info("retention purge", slog.Int64("sessions", n.Sessions), slog.Int64("login_failures", n.LoginFailures),
				slog.Int64("tokens", n.Tokens), slog.Int64("job_runs", n.JobRuns), slog.Int64("outbox", n.Outbox))
		}
		return err
	}}
}

// FilterRetention deletes the DNS filter's blocked attempts older than
// keep, every hour; keep 0 keeps them for ever and the job does nothing.
// Alerts, review requests and worries are not deleted.
func FilterRetention(s lifeguard.FilterStore, keep time.Duration, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "filter-retention", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error {
		if keep == 0 {
			return nil
		}
		n, err := s.PruneFilterEvents(ctx, now().Add(-keep))
		if n > 0 {
			log.Info("filter retention", slog.Int64("deleted", n))
		}
		return err
	}}
}

// CaptureRetention deletes monitoring captures whose retention has ended
// (each carries its own date, from its organisation's settings and its
// review), every hour.
func CaptureRetention(s lifeguard.MonitorStore, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "capture-retention", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error {
		n, err := s.PruneCaptures(ctx, now())
		if n > 0 {
			log.Info("capture retention", slog.Int64("deleted", n))
		}
		return err
	}}
}

// Erasure is the retention schedule's job, once a day: it works out every
// retention date afresh from the schedule and the records' state, then
// erases what has fallen due, batch records a transaction (the store
// journals each batch's counts). Only counts reach the log.
func Erasure(s lifeguard.RetentionEraser, sched lifeguard.RetentionSchedule, batch int, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "erasure", Every: RetentionEvery, Run: func(ctx context.Context, _ time.Time) error {
		if _, err := s.RefreshRetention(ctx, sched); err != nil {
			return err
		}
		n, err := s.EraseDue(ctx, now(), batch)
		if err == nil {
			log.Info("erasure", slog.Int64("concerns", n.Concerns), slog.Int64("children", n.Children),
				slog.Int64("referrals", n.Referrals))
		}
		return err
	}}
}

// PolicyReviews raises reminders of policy reviews due within
// lifeguard.PolicyReviewWarning days or past, every six hours (a review
// date is a day, so the job need not run often); today is the date in
// zone.
func PolicyReviews(s lifeguard.PolicyStore, zone *time.Location, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "policy-reviews", Every: 6 * time.Hour, Run: func(ctx context.Context, _ time.Time) error {
		n, err := s.RaisePolicyReminders(ctx, lifeguard.DateOf(now().In(zone)))
		if n > 0 {
			log.Info("policy review reminders raised", slog.Int("count", n))
		}
		return err
	}}
}

// ErasureBatch is how many records one transaction of the erasure job
// erases: small enough that the writer is never held for long.
const ErasureBatch = 200

// TrainingReminders emails staff whose training falls due within
// lifeguard.TrainingDueWarning days or has run out, and their managers,
// every six hours (the store sends each reminder once); today is the date
// in zone.
func TrainingReminders(s lifeguard.TrainingStore, zone *time.Location, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "training-reminders", Every: 6 * time.Hour, Run: func(ctx context.Context, _ time.Time) error {
		n, err := s.RaiseTrainingReminders(ctx, lifeguard.DateOf(now().In(zone)))
		if n > 0 {
			log.Info("training reminders written", slog.Int("count", n))
		}
		return err
	}}
}
