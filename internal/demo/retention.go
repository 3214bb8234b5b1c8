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

// seedOldRegisters records, at Riverside Academy, a few register entries
// old enough that the schedule's six years end in the next weeks: a
// member of staff's training that ran out, a lesson of the teaching
// record and a parents' session, so that the administrator's retention
// page lists the kinds kept years from a date of their own beside the
// child protection files. The training matrix and the teaching coverage
// read the newer entries, so their figures do not move.
func seedOldRegisters(ctx context.Context, s Stores, clock *Clock, named map[string]*lifeguard.User, now time.Time) error {
	if s.Retention == nil || s.Training == nil || s.Prevention == nil {
		return nil
	}
	manager, staff := named["manager@demo.test"], named["staff@demo.test"]
	as := lifeguard.WithActor(ctx, actorOf(manager))
	years := lifeguard.ShippedRetentionSchedule()
	// back is the day whose years end days from now.
	back := func(k lifeguard.RetentionKind, days int) lifeguard.Date {
		return lifeguard.DateOf(now.AddDate(-years.Rule(k).Years, 0, days))
	}
	// A yearly course runs out a year after it was done.
	done := lifeguard.DateOf(back(lifeguard.RetainTraining, 26).In(time.UTC).AddDate(-1, 0, 0))
	clock.at(done.In(time.UTC).Add(15 * time.Hour))
	if _, err := s.Training.RecordTraining(as, lifeguard.NewTraining{UserID: staff.ID, Type: lifeguard.TrainingOnlineSafety,
		Course: "Online safety for all staff", Provider: "In house (online-safety lead)", CompletedOn: done}); err != nil {
		return fmt.Errorf("old training: %w", err)
	}
	taught := back(lifeguard.RetainTeaching, 44)
	clock.at(taught.In(time.UTC).Add(16 * time.Hour))
	if _, err := s.Prevention.RecordTeaching(as, lifeguard.NewTeaching{YearGroup: "8", Strand: lifeguard.StrandPrivacy,
		TaughtOn: taught, Taught: demoLessons[lifeguard.StrandPrivacy][1], TaughtBy: "Computing department"}); err != nil {
		return fmt.Errorf("old teaching: %w", err)
	}
	held := back(lifeguard.RetainParentContact, 67)
	clock.at(held.In(time.UTC).Add(18 * time.Hour))
	if _, err := s.Prevention.RecordParentContact(as, lifeguard.NewParentContact{On: held,
		Topic: "Online safety evening for new Year 7 parents", Kind: lifeguard.ParentSession, Reached: 54}); err != nil {
		return fmt.Errorf("old parents' session: %w", err)
	}
	clock.at(now)
	return nil
}
