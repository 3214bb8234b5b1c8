package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// bulk is the rest of the partnership's year of concerns: recorded by its
// organisations' staff and worked by their safeguarding leads through the
// same recorder and stores as the stories, so every one is validated,
// triaged, journaled and counted as a real one. A lead works them briefly
// (the routes decided and the concern closed, without the notes, actions
// and evidence of the stories) because nobody reads those records in the
// demo and they would only make the first start slower.
type bulk struct {
	s        Stores
	clock    *Clock
	rng      *rand.Rand
	rec      *record.Recorder
	now      time.Time
	orgs     []*bulkOrg
	agencies []*bulkOrg
	weights  int
	children map[*bulkOrg][]int64
	events   []time.Time
	n        int
}

type bulkOrg struct {
	spec  orgSpec
	org   *lifeguard.Organisation
	dsl   *lifeguard.User
	staff []*lifeguard.User
}

// bulkPerYear is how many concerns the rest of the partnership records in
// the demo's last year: some 2,900 in the half year before last and 3,100
// in the last (fewer in August, when schools are closed), the rise a
// partnership sees as staff are trained to notice.
const bulkPerYear = 6000

// newBulk times the year's concerns. Schools record few in August.
func newBulk(s Stores, clock *Clock, rec *record.Recorder, orgs []*bulkOrg, now time.Time, perYear int) *bulk {
	b := &bulk{s: s, clock: clock, rng: rand.New(rand.NewPCG(2026, 14)), rec: rec, now: now, orgs: orgs,
		children: map[*bulkOrg][]int64{}}
	for _, o := range orgs {
		b.weights += o.spec.share
		switch o.spec.setting {
		case "school", "college", "early_years":
		default:
			b.agencies = append(b.agencies, o)
		}
	}
	year := now.Sub(now.AddDate(-1, 0, 0))
	for len(orgs) > 0 && len(b.events) < perYear {
		// A rising density: a time drawn from the year with weight growing
		// by a third from its start to its end.
		f := b.rng.Float64()
		if b.rng.Float64()*1.35 > 1+0.35*f {
			continue
		}
		at := now.Add(-year + time.Duration(f*float64(year-3*time.Hour)))
		if at.Month() == time.August && b.rng.IntN(4) > 0 {
			continue
		}
		b.events = append(b.events, officeHours(at, now, b.rng))
	}
	slices.SortFunc(b.events, func(x, y time.Time) int { return x.Compare(y) })
	return b
}

func (b *bulk) one(ctx context.Context, at time.Time) error {
	rng := b.rng
	pick := rng.IntN(b.weights)
	var o *bulkOrg
	for _, x := range b.orgs {
		if pick < x.spec.share {
			o = x
			break
		}
		pick -= x.spec.share
	}
	if at.Month() == time.August && o.spec.setting == "school" {
		// Schools are closed; the agencies work through the holidays.
		o = b.agencies[rng.IntN(len(b.agencies))]
	}
	reporter := o.staff[rng.IntN(len(o.staff))]
	if rng.IntN(5) == 0 {
		reporter = o.dsl
	}
	b.clock.at(at)
	story := pickBulkStory(rng)
	for story.minAge > o.spec.ages[1] {
		story = pickBulkStory(rng)
	}
	f := story.facts(rng, o.spec, at)
	if f.Child != nil && *f.Child.Age < story.minAge {
		*f.Child.Age = story.minAge
	}
	in := record.Report{Facts: f}
	ids := b.children[o]
	if len(ids) > 0 && f.Child != nil && rng.IntN(4) == 0 {
		in.ChildID = ids[rng.IntN(len(ids))]
	} else if f.Child != nil {
		in.ChildRef = fmt.Sprintf("%s-%04d", o.spec.prefix, len(ids)+1)
	}
	c, _, err := b.rec.Concern(lifeguard.WithActor(ctx, actorOf(reporter)), in)
	if err != nil {
		return fmt.Errorf("%s: %w", story.name, err)
	}
	if in.ChildID == 0 && c.ChildID != nil {
		b.children[o] = append(ids, *c.ChildID)
	}
	b.n++
	if err := b.work(ctx, o.dsl, c, at); err != nil {
		return fmt.Errorf("working concern %d: %w", c.ID, err)
	}
	return nil
}

// work has the lead work a concern as a lead with many does: open it;
// decide every route due now or today in one sitting, most within the
// window of "now" and some an hour or more later; decide the other routes
// with a deadline and the proposed decision in a second sitting later that
// day, or, for one in ten, days later; and close it a week or more later with
// the advice given. The newest concerns are still waiting or in hand.
func (b *bulk) work(ctx context.Context, dsl *lifeguard.User, c *lifeguard.Concern, at time.Time) error {
	rng, now := b.rng, b.now
	ctx = lifeguard.WithActor(ctx, actorOf(dsl))
	age := now.Sub(at)
	if age < 36*time.Hour && rng.IntN(3) > 0 {
		return nil // still waiting for the safeguarding lead
	}
	step := at.Add(time.Duration(2+rng.IntN(20)) * time.Minute)
	if !b.at(step) {
		return nil
	}
	if _, err := b.s.Concerns.Concern(ctx, c.ID); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	decide := func(r lifeguard.RouteCode, k lifeguard.DecisionKind, reason string) error {
		d := lifeguard.NewDecision{Route: r, Decision: k, Reason: reason}
		if k == lifeguard.DecisionDone && isReferral(r) {
			d.Reference = fmt.Sprintf("%s-%d-%04d", refPrefix(r), step.Year(), rng.IntN(10000))
		}
		if _, err := b.s.Concerns.AddDecision(ctx, c.ID, d); err != nil {
			return fmt.Errorf("decision on %s: %w", r, err)
		}
		return nil
	}
	// Due now or today: within 45 minutes for nine in ten, else one to
	// three hours.
	if rng.IntN(10) > 0 {
		step = step.Add(time.Duration(3+rng.IntN(40)) * time.Minute)
	} else {
		step = step.Add(time.Duration(60+rng.IntN(120)) * time.Minute)
	}
	if !b.at(step) {
		return nil
	}
	decided := map[lifeguard.RouteCode]bool{}
	for _, r := range c.Triage.Routes {
		if r.Urgency == lifeguard.Immediate || r.Urgency == lifeguard.SameWorkingDay {
			if err := decide(r.Code, lifeguard.DecisionDone, ""); err != nil {
				return err
			}
			decided[r.Code] = true
		}
	}
	// The rest with a deadline, and the proposed decision.
	if rng.IntN(10) > 0 {
		step = step.Add(time.Duration(20+rng.IntN(4*60)) * time.Minute)
	} else {
		step = step.Add(time.Duration(1+rng.IntN(5)) * 24 * time.Hour)
	}
	if age < 14*24*time.Hour && rng.IntN(2) == 0 || !b.at(step) {
		return nil // in hand: the inbox shows it
	}
	for _, r := range c.Triage.Routes {
		if decided[r.Code] || r.Urgency == lifeguard.Advice {
			continue
		}
		k, reason := lifeguard.DecisionDone, ""
		switch {
		case r.Code == "CSC_CONSULT" && rng.IntN(4) == 0:
			k, reason = lifeguard.DecisionDeclined, "Discussed with the deputy safeguarding lead; the threshold is clearly not met and support is in place."
		case r.Code == "INFORM_PARENTS" && rng.IntN(10) == 0:
			k, reason = lifeguard.DecisionDeclined, "The young person asked for time to tell their parents themselves; reviewed at the end of the week."
		}
		if err := decide(r.Code, k, reason); err != nil {
			return err
		}
		decided[r.Code] = true
	}
	if c.Triage.ProposedDecision != nil {
		if err := decide(lifeguard.ProposalRoute, lifeguard.DecisionAccepted,
			"Initial review held: no reason for referral; handled in the setting with support."); err != nil {
			return err
		}
	}
	// Closed a week to a month later, the advice given; one in twelve
	// stays open a while longer.
	step = step.Add(time.Duration(7+rng.IntN(24)) * 24 * time.Hour)
	if rng.IntN(12) == 0 || !b.at(step) {
		return nil
	}
	for _, r := range c.Triage.Routes {
		if !decided[r.Code] {
			if err := decide(r.Code, lifeguard.DecisionDone, ""); err != nil {
				return err
			}
		}
	}
	out := lifeguard.NewOutcome{Code: outcomeFor(c, rng), Summary: "Routes followed as recorded; support in place and reviewed."}
	if _, err := b.s.Concerns.CloseConcern(ctx, c.ID, out); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

// at sets the clock to t, and reports false when t is not yet past.
func (b *bulk) at(t time.Time) bool {
	if !t.Before(b.now) {
		return false
	}
	b.clock.at(t)
	return true
}
