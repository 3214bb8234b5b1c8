package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// seedRetention records, seven and a half years back, concerns at
// Riverside Academy about sixth-formers who turn 25 in the next weeks,
// closed a month later, so that the administrator's retention page
// (/admin/retention) has child protection files falling due; then works
// out every retention date, as the erasure job does each day. Nothing is
// seeded without the retention store.
func seedRetention(ctx context.Context, s Stores, clock *Clock, rec *record.Recorder, named map[string]*lifeguard.User,
	now time.Time) error {
	if s.Retention == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(2026, 19))
	staff, dsl := named["staff@demo.test"], named["dsl@demo.test"]
	academy := orgSpecs()[0]
	for i, days := range []int{12, 33, 47, 61, 85} {
		born := lifeguard.DateOf(now.AddDate(-25, 0, days))
		at := weekdayAt(now.AddDate(-7, -6, i*9), 11)
		clock.at(at)
		f := storyNamed("sextortion").facts(rng, academy, at)
		f.Child = &lifeguard.ChildFacts{DateOfBirth: &born}
		c, _, err := rec.Concern(lifeguard.WithActor(ctx, actorOf(staff)), record.Report{Facts: f,
			ChildRef: fmt.Sprintf("RA-X%03d", i+1)})
		if err != nil {
			return fmt.Errorf("retention concern %d: %w", i, err)
		}
		clock.at(at.AddDate(0, 1, 0))
		if _, err := s.Concerns.CloseConcern(lifeguard.WithActor(ctx, actorOf(dsl)), c.ID, lifeguard.NewOutcome{
			Code: "early_help", Summary: "Supported in school; the images were taken down.",
			CloseAnyway: "Recorded before Lifeguard tracked each route."}); err != nil {
			return fmt.Errorf("close retention concern %d: %w", i, err)
		}
	}
	clock.at(now)
	_, err := s.Retention.RefreshRetention(lifeguard.WithActor(ctx, lifeguard.SystemActor()), lifeguard.ShippedRetentionSchedule())
	return err
}
