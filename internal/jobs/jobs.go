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

// Erasure is the retention schedule's job, once a day: it works out every
// retention date afresh from the schedule and the records' state, erases
// what has fallen due, then deletes the monitoring captures past their
// date and the filter's blocked attempts past the filter_record rule
// (kept for ever when the rule keeps 0), and last the records kept years
// from a date of their own (consents, training, registers of counts,
// subject access and data requests, superseded policy versions and their
// acknowledgements, improvement actions and audits, completed actions of the plan, disabled staff accounts), batch
// records a transaction (the
// store journals each batch's counts). Only counts reach the log.
func Erasure(s lifeguard.RetentionEraser, sched lifeguard.RetentionSchedule, batch int, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "erasure", Every: RetentionEvery, Run: func(ctx context.Context, _ time.Time) error {
		if _, err := s.RefreshRetention(ctx, sched); err != nil {
			return err
		}
		at := now()
		n, err := s.EraseDue(ctx, at, batch)
		if err != nil {
			return err
		}
		captures, err := s.PruneRecords(ctx, lifeguard.RetainCapture, at, batch)
		if err != nil {
			return err
		}
		var filtered int64
		if keep := sched.Rule(lifeguard.RetainFilterRecord).Keep; keep > 0 {
			if filtered, err = s.PruneRecords(ctx, lifeguard.RetainFilterRecord, at.Add(-keep), batch); err != nil {
				return err
			}
		}
		attrs := []any{slog.Int64("concerns", n.Concerns), slog.Int64("children", n.Children),
			slog.Int64("referrals", n.Referrals), slog.Int64("captures", captures), slog.Int64("filter_records", filtered)}
		// Then each record kept years from a date of its own, a user's
		// account blanked rather than deleted.
		for _, k := range lifeguard.YearsKinds {
			m, err := s.PruneRecords(ctx, k, sched.PruneBefore(k, at), batch)
			if err != nil {
				return err
			}
			attrs = append(attrs, slog.Int64(string(k), m))
		}
		log.Info("erasure", attrs...)
		return nil
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
