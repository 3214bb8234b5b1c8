package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Periods of the alert jobs. Escalation looks every minute, so that an
// escalation goes at most a minute (and a scheduler tick) after its time;
// the digests look every five minutes for organisations whose digest time
// has come, each organisation choosing its own time.
const (
	EscalationEvery = time.Minute
	DigestEvery     = 5 * time.Minute
)

// Escalations escalates immediate concerns that no DSL or deputy has
// opened within their organisation's time (lifeguard.AlertJobStore).
func Escalations(s lifeguard.AlertJobStore, now func() time.Time, log *slog.Logger) Job {
	return Job{Name: "escalations", Every: EscalationEvery, Run: func(ctx context.Context, _ time.Time) error {
		n, err := s.EscalateUnopened(ctx, now())
		if n > 0 {
			log.Info("escalations written", slog.Int("messages", n))
		}
		return err
	}}
}

// Digests sends each organisation, at its digest time, the digest of
// kind: the new concerns not alerted at once, or the overdue ones.
func Digests(s lifeguard.AlertJobStore, kind lifeguard.DigestKind, now func() time.Time, log *slog.Logger) Job {
	name := "digest"
	if kind == lifeguard.DigestOverdue {
		name = "overdue-digest"
	}
	return Job{Name: name, Every: DigestEvery, Run: func(ctx context.Context, _ time.Time) error {
		n, err := s.SendDigests(ctx, kind, now())
		if n > 0 {
			log.Info("digests written", slog.String("kind", string(kind)), slog.Int("messages", n))
		}
		return err
	}}
}
