package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// History is the rest of the partnership's year of concerns (bulk.go),
// added after the stories so that serve --demo can listen while it is
// added. It is also its own checkpoint: Add passes it to save as it goes,
// and a History read back from what save kept carries on where the last
// one stopped, so that a server stopped half way neither seeds twice nor
// leaves the year half told.
type History struct {
	// Now is the end of the demo's two years, as the stories were seeded.
	Now time.Time `json:"now"`
	// PerYear is how many concerns the year holds.
	PerYear int `json:"per_year"`
	// Next is the number of the year's concerns already recorded and
	// worked; Recorded counts them.
	Next     int `json:"next"`
	Recorded int `json:"recorded"`
	// Done is set when the whole year has been added.
	Done bool `json:"done"`
	// Children are the children of each organisation's concerns so far, by
	// its children's reference prefix, for the repeat concerns.
	Children map[string][]int64 `json:"children"`
}

// NewHistory is a year of perYear concerns up to now, none yet added.
func NewHistory(now time.Time, perYear int) *History {
	return &History{Now: now, PerYear: perYear, Children: map[string][]int64{}}
}

// historySave is how often Add passes its progress to save.
const historySave = 50

// Add records the year's concerns not yet recorded, through the stores as
// the stories were, with clock walking through the year (the stores must
// read the time from it, and from nothing else while Add runs). It passes
// its progress to save every few concerns and when it stops. When ctx ends
// it stops between two concerns, never half way through one, saves, and
// returns ctx's error.
func (h *History) Add(ctx context.Context, s Stores, clock *Clock, save func(*History) error) error {
	defer clock.release()
	if h.Children == nil {
		h.Children = map[string][]int64{}
	}
	orgs, err := historyOrgs(ctx, s)
	if err != nil {
		return err
	}
	rec := &record.Recorder{Concerns: s.Concerns, Orgs: s.Orgs, Triager: s.Triager, Now: clock.Now}
	b := newBulk(s, clock, rec, orgs, h.Now, h.PerYear)
	if h.Next > 0 {
		// The draws of a year carried on are its own: the generator's
		// state where the last one stopped is not kept.
		b.rng = rand.New(rand.NewPCG(2026, 14+uint64(h.Next)))
	}
	for _, o := range orgs {
		b.children[o] = h.Children[o.spec.prefix]
	}
	keep := func() error {
		for _, o := range orgs {
			if ids := b.children[o]; len(ids) > 0 {
				h.Children[o.spec.prefix] = ids
			}
		}
		if save == nil {
			return nil
		}
		if err := save(h); err != nil {
			return fmt.Errorf("saving the demo history's progress: %w", err)
		}
		return nil
	}
	// Each concern is recorded and worked whole even when ctx ends during
	// it, so that a concern is never left recorded but not counted.
	whole := context.WithoutCancel(ctx)
	for h.Next < len(b.events) {
		if err := ctx.Err(); err != nil {
			return errJoin(err, keep())
		}
		if err := b.one(whole, b.events[h.Next]); err != nil {
			return fmt.Errorf("demo concern %d of the partnership: %w", h.Next, err)
		}
		h.Next++
		h.Recorded++
		if h.Next%historySave == 0 {
			if err := keep(); err != nil {
				return err
			}
		}
	}
	// The year's children are named as the stories' were, so that a DSL
	// finds every child of the demo by name (children.go).
	if s.Children != nil {
		if err := NameChildren(whole, s.Orgs, s.Children, h.Now); err != nil {
			return errJoin(err, keep())
		}
	}
	h.Done = true
	return keep()
}

func errJoin(err, also error) error {
	if also != nil {
		return fmt.Errorf("%w (and %w)", err, also)
	}
	return err
}

// historyOrgs finds the organisations that record the year's concerns, and
// their people, as SeedStories created them.
func historyOrgs(ctx context.Context, s Stores) ([]*bulkOrg, error) {
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	all, err := s.Orgs.Organisations(sys)
	if err != nil {
		return nil, fmt.Errorf("the demo's organisations: %w", err)
	}
	users, err := s.Orgs.Users(sys)
	if err != nil {
		return nil, fmt.Errorf("the demo's users: %w", err)
	}
	byName := map[string]*lifeguard.Organisation{}
	for i := range all {
		byName[all[i].Name] = &all[i]
	}
	byEmail := map[string]*lifeguard.User{}
	for i := range users {
		byEmail[users[i].Email] = &users[i]
	}
	find := func(spec orgSpec, dsl string, staff ...string) (*bulkOrg, error) {
		o := &bulkOrg{spec: spec, org: byName[spec.name], dsl: byEmail[dsl]}
		if o.org == nil || o.dsl == nil {
			return nil, fmt.Errorf("the demo's %s or its lead %s is missing", spec.name, dsl)
		}
		for _, e := range staff {
			u := byEmail[e]
			if u == nil {
				return nil, fmt.Errorf("the demo's user %s is missing", e)
			}
			o.staff = append(o.staff, u)
		}
		return o, nil
	}
	var out []*bulkOrg
	for i, b := range bulkSpecs() {
		o, err := find(b.orgSpec, fmt.Sprintf("dsl.b%d@demo.test", i),
			fmt.Sprintf("staff.b%d.0@demo.test", i), fmt.Sprintf("staff.b%d.1@demo.test", i))
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	// The stories' agencies record some of the year's concerns too, by
	// their leads and staff of the stories (seedStories names them by the
	// organisation's place in orgSpecs).
	index := map[string]int{}
	specs := orgSpecs()
	for i, spec := range specs {
		index[spec.name] = i
	}
	for _, x := range storyBulkShares() {
		i := index[x.name]
		spec := specs[i]
		spec.share, spec.prefix = x.share, spec.prefix+"B"
		o, err := find(spec, fmt.Sprintf("dsl.%d@demo.test", i), fmt.Sprintf("staff.%d.0@demo.test", i),
			fmt.Sprintf("staff.%d.1@demo.test", i), fmt.Sprintf("staff.%d.2@demo.test", i))
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}
