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
	next     int
	n        int
}

type bulkOrg struct {
	spec  orgSpec
	org   *lifeguard.Organisation
	dsl   *lifeguard.User
	staff []*lifeguard.User
}

// bulkPerYear is how many concerns the rest of the partnership records in
// the demo's last year: some 2,850 in the half year before last and 3,150
// in the last, the rise a partnership sees as staff are trained to notice.
const bulkPerYear = 6000

// newBulk times the year's concerns. Schools record few in August.
func newBulk(s Stores, clock *Clock, rec *record.Recorder, orgs []*bulkOrg, now time.Time) *bulk {
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
	for len(orgs) > 0 && len(b.events) < bulkPerYear {
		// A rising density: a time drawn from the year with weight growing
		// by a fifth from its start to its end.
		f := b.rng.Float64()
		if b.rng.Float64()*1.2 > 1+0.2*f {
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

// until records the concerns timed before t.
func (b *bulk) until(ctx context.Context, t time.Time) error {
	for b.next < len(b.events) && b.events[b.next].Before(t) {
		if err := b.one(ctx, b.events[b.next]); err != nil {
			return fmt.Errorf("demo concern %d of the partnership: %w", b.next, err)
		}
		b.next++
	}
	return nil
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
	story := pickStory(rng)
	for story.minAge > o.spec.ages[1] {
		story = pickStory(rng)
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
	if err := work(ctx, b.s, b.clock, rng, o.dsl, c, at, b.now, true); err != nil {
		return fmt.Errorf("working concern %d: %w", c.ID, err)
	}
	return nil
}
