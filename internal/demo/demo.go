// Package demo seeds a demonstration partnership: organisations of different
// kinds, their safeguarding leads and staff, children, and a few hundred
// concerns over two years worked to decisions, referrals and outcomes. It
// acts through the stores as the real users would, so the demo exercises the
// same access checks and journal as real use. Everything in it is fictional.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// Clock is the time the stores see. While seeding it walks through the
// demo's two years so that records carry their dates; afterwards it is the
// real time.
type Clock struct {
	mu  sync.Mutex
	set *time.Time
}

// Now returns the seeding time, or the real time when none is set.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.set != nil {
		return *c.set
	}
	return time.Now()
}

func (c *Clock) at(t time.Time) {
	c.mu.Lock()
	c.set = &t
	c.mu.Unlock()
}

func (c *Clock) release() {
	c.mu.Lock()
	c.set = nil
	c.mu.Unlock()
}

// Stores are what the seed writes through.
type Stores struct {
	Orgs     lifeguard.OrgStore
	Concerns lifeguard.ConcernStore
	Triager  lifeguard.Triager
	// Audits, Plan and Framework, when set, seed self-audits over time and
	// the strategy action plan.
	Audits    lifeguard.AuditStore
	Plan      lifeguard.PlanStore
	Framework *lifeguard.Framework
	// Referrals, when set, seeds the directory of referrals and
	// referrals at every stage (referrals.go).
	Referrals lifeguard.ReferralStore
	Calendar  lifeguard.WorkingDayCounter
	// Monitor and Scan, when set, seed monitoring captures (captures.go).
	Monitor lifeguard.MonitorStore
	Scan    lifeguard.CaptureScanner
	// Policies, when set, seeds the policy library and agreements
	// (registers.go).
	Policies lifeguard.PolicyStore
	// Prevention, when set, seeds the teaching, parents' and internet
	// access registers (teaching.go).
	Prevention lifeguard.PreventionStore
	// Accounts records which users the seed created, so that serve --demo
	// exempts exactly them from the second factor.
	Accounts AccountMarker
	// Children, when set, gives every demo child an invented name
	// (children.go).
	Children ChildNamer
	// Retention, when set, seeds child protection files falling due
	// (retention.go) and works out every retention date.
	Retention lifeguard.RetentionEraser
	// Rights, when set, seeds a subject access request falling due
	// (subject_access.go).
	Rights lifeguard.SubjectAccessStore
	// Consents and Training, when set, seed parents' consents and staff
	// training (consents.go).
	Consents lifeguard.ConsentStore
	Training lifeguard.TrainingStore
	// Leads, when set, gives each organisation its safeguarding and
	// online-safety leads (leads.go).
	Leads lifeguard.LeadStore
}

// AccountMarker records users as demo accounts, by id.
type AccountMarker interface {
	MarkDemoAccounts(ctx context.Context, ids []int64) error
}

// Login is a demo account.
type Login struct {
	Email string
	Role  lifeguard.Role
	Org   string
	// Deputy marks a deputy safeguarding lead (role dsl).
	Deputy bool
}

// Kind is the account's role as the start-up message names it.
func (l Login) Kind() string {
	if l.Deputy {
		return string(l.Role) + " (deputy)"
	}
	return string(l.Role)
}

// Logins are the accounts the README and the start-up message name.
func Logins() []Login {
	return []Login{
		{"staff@demo.test", lifeguard.RoleStaff, "Riverside Academy", false},
		{"dsl@demo.test", lifeguard.RoleDSL, "Riverside Academy", false},
		{"deputy@demo.test", lifeguard.RoleDSL, "Riverside Academy", true},
		{"dsl2@demo.test", lifeguard.RoleDSL, "Riverside Primary School", false},
		{"manager@demo.test", lifeguard.RoleManager, "Riverside Academy", false},
		{"partnership@demo.test", lifeguard.RolePartnership, "Riverside Partnership Team", false},
		{"admin@demo.test", lifeguard.RoleAdmin, "Riverside Partnership Team", false},
		{"csc@demo.test", lifeguard.RoleDSL, demoCSC, false},
		{"police@demo.test", lifeguard.RoleDSL, demoPolice, false},
		{"lado@demo.test", lifeguard.RoleDSL, demoLADO, false},
	}
}

type orgSpec struct {
	name     string
	setting  lifeguard.Setting
	internet bool
	ages     [2]int // children's ages, inclusive
	share    int    // relative share of the concerns
	prefix   string // children's reference prefix
}

func orgSpecs() []orgSpec {
	return []orgSpec{
		{"Riverside Academy", "school", true, [2]int{11, 17}, 30, "RA"},
		{"Riverside Primary School", "school", true, [2]int{5, 11}, 14, "RP"},
		{"Riverside College", "college", true, [2]int{16, 17}, 10, "RC"},
		{"Little Acorns Nursery", "early_years", true, [2]int{2, 4}, 2, "LA"},
		{"Riverside Children's Social Care", "childrens_social_care", false, [2]int{8, 17}, 12, "CSC"},
		{"Riverside Police Safeguarding Hub", "police", false, [2]int{10, 17}, 8, "POL"},
		{"Riverside Community Health", "health", false, [2]int{9, 17}, 6, "HLT"},
		{"Riverside Youth Service", "youth_service", true, [2]int{11, 17}, 8, "YS"},
		{"Riverside Partnership Team", "other", false, [2]int{0, 0}, 0, ""},
		// The LADO receives allegations (referrals.go); it reports none.
		{demoLADO, "childrens_social_care", false, [2]int{0, 0}, 0, ""},
	}
}

// Size is how much of the partnership the demo seeds.
type Size int

const (
	// Full is the partnership of a real area: the stories, and the rest
	// of its organisations with a year of concerns (bulk.go), some three
	// thousand in each half year, so that the board report reads like a
	// real one. It takes the store tens of seconds to record them.
	Full Size = iota
	// Stories is the stories' organisations and concerns alone, a few
	// hundred over two years, seeded in seconds: for the tests that start
	// servers on a demo and do not read the partnership's figures.
	Stories
)

// ParseSize reads a size as the command line gives it: full or stories.
func ParseSize(s string) (Size, bool) {
	switch s {
	case "full":
		return Full, true
	case "stories":
		return Stories, true
	}
	return Full, false
}

// Seed fills an empty database with the demo partnership. passwordHash is
// the stored form of the demo password, hashed once by the caller. now is the
// end of the demo's two years. It returns the number of concerns recorded.
func Seed(ctx context.Context, s Stores, clock *Clock, passwordHash string, now time.Time, size Size) (int, error) {
	n, h, err := SeedStories(ctx, s, clock, passwordHash, now, size)
	if err != nil || h == nil {
		return n, err
	}
	if err := h.Add(ctx, s, clock, nil); err != nil {
		return n + h.Recorded, err
	}
	return n + h.Recorded, nil
}

// SeedStories seeds what the demo logins use: the stories' organisations,
// people and concerns, and for Full the rest of the partnership's
// organisations and people too. It returns the number of concerns recorded
// and, for Full, the History still to add (History.Add), so that a server
// can listen before it is added.
func SeedStories(ctx context.Context, s Stores, clock *Clock, passwordHash string, now time.Time, size Size) (int, *History, error) {
	n, err := seedStories(ctx, s, clock, passwordHash, now, size)
	if err != nil || size == Stories {
		return n, nil, err
	}
	return n, NewHistory(now, bulkPerYear), nil
}

func seedStories(ctx context.Context, s Stores, clock *Clock, passwordHash string, now time.Time, size Size) (int, error) {
	defer clock.release()
	rng := rand.New(rand.NewPCG(2026, 11))
	start := now.AddDate(-2, 0, 0)
	clock.at(start)
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())

	p, err := s.Orgs.CreatePartnership(sys, "Riverside Safeguarding Children Partnership")
	if err != nil {
		return 0, fmt.Errorf("partnership: %w", err)
	}
	type org struct {
		spec  orgSpec
		org   *lifeguard.Organisation
		dsl   *lifeguard.User
		staff []*lifeguard.User
	}
	var orgs []*org
	byName := map[string]*org{}
	for i, spec := range orgSpecs() {
		// Safeguarding contact numbers from Ofcom's range for drama
		// (01632 960000 to 960999), which ring nobody.
		o, err := s.Orgs.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: p.ID, Name: spec.name,
			Setting: spec.setting, ProvidesInternet: spec.internet, SafeguardingPhone: fmt.Sprintf("01632 960 %03d", 100+i)})
		if err != nil {
			return 0, fmt.Errorf("organisation %s: %w", spec.name, err)
		}
		x := &org{spec: spec, org: o}
		orgs = append(orgs, x)
		byName[spec.name] = x
	}
	var bulkOrgs []*bulkOrg
	specs := bulkSpecs()
	if size == Stories {
		specs = nil
	}
	for i, b := range specs {
		o, err := s.Orgs.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: p.ID, Name: b.name,
			Setting: b.setting, ProvidesInternet: b.internet, SafeguardingPhone: fmt.Sprintf("01632 960 %03d", 200+i)})
		if err != nil {
			return 0, fmt.Errorf("organisation %s: %w", b.name, err)
		}
		bulkOrgs = append(bulkOrgs, &bulkOrg{spec: b.orgSpec, org: o})
	}
	var created []int64
	user := func(email, name string, role lifeguard.Role, o *org, deputy bool) (*lifeguard.User, error) {
		u, err := s.Orgs.CreateUser(sys, lifeguard.NewUser{Email: email, Name: name, Role: role,
			OrganisationID: o.org.ID, Deputy: deputy, PasswordHash: passwordHash})
		if err != nil {
			return nil, fmt.Errorf("user %s: %w", email, err)
		}
		created = append(created, u.ID)
		return u, nil
	}
	named := map[string]*lifeguard.User{}
	for _, l := range Logins() {
		u, err := user(l.Email, demoName(l.Email), l.Role, byName[l.Org], l.Deputy)
		if err != nil {
			return 0, err
		}
		named[l.Email] = u
	}
	byName["Riverside Academy"].dsl = named["dsl@demo.test"]
	byName["Riverside Academy"].staff = append(byName["Riverside Academy"].staff, named["staff@demo.test"])
	byName["Riverside Primary School"].dsl = named["dsl2@demo.test"]
	managers := map[string]*lifeguard.User{}
	for i, o := range orgs {
		if o.spec.share == 0 {
			continue
		}
		if o.dsl == nil {
			if o.dsl, err = user(fmt.Sprintf("dsl.%d@demo.test", i), fmt.Sprintf("Safeguarding lead %d", i), lifeguard.RoleDSL, o, false); err != nil {
				return 0, err
			}
		}
		for j := len(o.staff); j < 3; j++ {
			u, err := user(fmt.Sprintf("staff.%d.%d@demo.test", i, j), fmt.Sprintf("Staff member %d.%d", i, j), lifeguard.RoleStaff, o, false)
			if err != nil {
				return 0, err
			}
			o.staff = append(o.staff, u)
		}
		if o.spec.name == "Riverside Academy" {
			managers[o.spec.name] = named["manager@demo.test"]
			continue
		}
		m, err := user(fmt.Sprintf("manager.%d@demo.test", i), fmt.Sprintf("Online safety lead %d", i), lifeguard.RoleManager, o, false)
		if err != nil {
			return 0, err
		}
		managers[o.spec.name] = m
	}
	for i, b := range bulkOrgs {
		// Users of an organisation of their own kind, named by number.
		u, err := s.Orgs.CreateUser(sys, lifeguard.NewUser{Email: fmt.Sprintf("dsl.b%d@demo.test", i),
			Name: fmt.Sprintf("Safeguarding lead b%d", i), Role: lifeguard.RoleDSL, OrganisationID: b.org.ID, PasswordHash: passwordHash})
		if err != nil {
			return 0, fmt.Errorf("user of %s: %w", b.spec.name, err)
		}
		created = append(created, u.ID)
		b.dsl = u
		for j := range 2 {
			u, err := s.Orgs.CreateUser(sys, lifeguard.NewUser{Email: fmt.Sprintf("staff.b%d.%d@demo.test", i, j),
				Name: fmt.Sprintf("Staff member b%d.%d", i, j), Role: lifeguard.RoleStaff, OrganisationID: b.org.ID, PasswordHash: passwordHash})
			if err != nil {
				return 0, fmt.Errorf("user of %s: %w", b.spec.name, err)
			}
			created = append(created, u.ID)
			b.staff = append(b.staff, u)
		}
	}
	// The organisations' numbers of children, as their managers gave them
	// at the start of the school year, for the board report's concerns
	// per 1,000 children.
	clock.at(now.AddDate(0, -3, 0))
	counts := storyChildren()
	for _, o := range orgs {
		if n := counts[o.spec.name]; n > 0 {
			if err := setChildren(sys, s, o.org.ID, n); err != nil {
				return 0, err
			}
		}
	}
	for i, b := range specs {
		if b.children > 0 {
			if err := setChildren(sys, s, bulkOrgs[i].org.ID, b.children); err != nil {
				return 0, err
			}
		}
	}
	clock.at(start)
	if s.Accounts != nil {
		if err := s.Accounts.MarkDemoAccounts(sys, created); err != nil {
			return 0, fmt.Errorf("marking the demo accounts: %w", err)
		}
	}

	// A few hundred concerns spread over the two years, the older ones worked
	// to an outcome, the recent ones still open and some of them overdue.
	const total = 320
	span := now.Sub(start)
	times := make([]time.Time, total)
	recent := 30 * 24 * time.Hour
	for i := range times {
		// One in six falls in the last month, so that the inbox has the
		// new and in-progress work a safeguarding lead sees on a real day.
		if i%6 == 0 {
			times[i] = now.Add(-recent + time.Duration(rng.Int64N(int64(recent-2*time.Hour))))
			continue
		}
		times[i] = start.Add(time.Duration(rng.Int64N(int64(span - recent))))
	}
	sortTimes(times)
	weights := 0
	for _, o := range orgs {
		weights += o.spec.share
	}
	children := map[string][]int64{} // organisation name -> child ids
	// Each story gives its organisation's setting in the facts.
	rec := &record.Recorder{Concerns: s.Concerns, Orgs: s.Orgs, Triager: s.Triager, Now: clock.Now}
	n := 0
	// The rest of the partnership's concerns are added after (History),
	// from a generator of their own, so that the stories are the same
	// whether or not they are there.
	for _, at := range times {
		at = officeHours(at, now, rng)
		pick := rng.IntN(weights)
		var o *org
		for _, x := range orgs {
			if pick < x.spec.share {
				o = x
				break
			}
			pick -= x.spec.share
		}
		reporter := o.staff[rng.IntN(len(o.staff))]
		if rng.IntN(5) == 0 {
			reporter = o.dsl
		}
		clock.at(at)
		ctx := lifeguard.WithActor(ctx, actorOf(reporter))
		story := pickStory(rng)
		for story.minAge > o.spec.ages[1] {
			story = pickStory(rng)
		}
		f := story.facts(rng, o.spec, at)
		if f.Child != nil && *f.Child.Age < story.minAge {
			*f.Child.Age = story.minAge
		}
		in := record.Report{Facts: f}
		if ids := children[o.spec.name]; len(ids) > 0 && f.Child != nil && rng.IntN(3) == 0 {
			in.ChildID = ids[rng.IntN(len(ids))] // a repeat concern about the same child
		} else if f.Child != nil {
			in.ChildRef = fmt.Sprintf("%s-%04d", o.spec.prefix, len(ids)+1)
		}
		c, _, err := rec.Concern(ctx, in)
		if err != nil {
			return n, fmt.Errorf("demo concern %d (%s): %w", n, story.name, err)
		}
		if in.ChildID == 0 && c.ChildID != nil {
			children[o.spec.name] = append(children[o.spec.name], *c.ChildID)
		}
		n++
		if err := work(ctx, s, clock, rng, o.dsl, c, at, now); err != nil {
			return n, fmt.Errorf("working demo concern %d: %w", c.ID, err)
		}
	}

	// Two concerns reported at Riverside Academy in the last hour that
	// nobody has opened yet, the first with a route due now: the inbox's
	// first groups (docs/web.md, the inbox order). A generator of their
	// own, so that the rest of the demo stays as it was.
	fresh := rand.New(rand.NewPCG(2026, 13))
	academy := byName["Riverside Academy"]
	for i, name := range []string{"grooming in a game", "cyberbullying"} {
		at := now.Add(-time.Duration(40-25*i) * time.Minute)
		clock.at(at)
		f := storyNamed(name).facts(fresh, academy.spec, at)
		if i == 0 {
			f.Parties.AdultInvolved, f.Parties.UnknownInvolved = true, false
			f.Details.MeetingArranged, f.Risk.ImmediateDanger = true, true
		}
		ids := children[academy.spec.name]
		in := record.Report{Facts: f, ChildRef: fmt.Sprintf("%s-%04d", academy.spec.prefix, len(ids)+1)}
		c, _, err := rec.Concern(lifeguard.WithActor(ctx, actorOf(named["staff@demo.test"])), in)
		if err != nil {
			return n, fmt.Errorf("demo concern just reported (%s): %w", name, err)
		}
		children[academy.spec.name] = append(ids, *c.ChildID)
		n++
	}

	// Riverside Academy's leads share out the open concerns they have read.
	clock.at(now.Add(-10 * time.Minute))
	if err := shareOut(ctx, s, named["dsl@demo.test"], named["deputy@demo.test"]); err != nil {
		return n, fmt.Errorf("demo assignments: %w", err)
	}

	orgByName := map[string]*lifeguard.Organisation{}
	for _, o := range orgs {
		orgByName[o.spec.name] = o.org
	}
	if s.Audits != nil && s.Framework != nil {
		if err := seedAudits(ctx, s, clock, rng, managers, orgByName, now); err != nil {
			return n, fmt.Errorf("demo audits: %w", err)
		}
	}
	if err := seedReferrals(ctx, s, clock, rec, named, orgByName, now); err != nil {
		return n, fmt.Errorf("demo referrals: %w", err)
	}
	if err := seedCaptures(ctx, s, clock, byName["Riverside Academy"].org, named["dsl@demo.test"], now); err != nil {
		return n, fmt.Errorf("demo captures: %w", err)
	}
	if err := seedRetention(ctx, s, clock, rec, named, now); err != nil {
		return n, fmt.Errorf("demo retention: %w", err)
	}
	if s.Plan != nil {
		if err := seedPlan(ctx, s, clock, named["partnership@demo.test"], managers, orgByName, now); err != nil {
			return n, fmt.Errorf("demo plan: %w", err)
		}
	}
	if s.Children != nil {
		if err := NameChildren(ctx, s.Orgs, s.Children, now); err != nil {
			return n, err
		}
	}
	if err := seedRegisters(ctx, s, clock, named["partnership@demo.test"], managers, orgByName, children, now); err != nil {
		return n, fmt.Errorf("demo registers: %w", err)
	}
	if err := seedSubjectAccess(ctx, s, clock, named["dsl@demo.test"], now); err != nil {
		return n, fmt.Errorf("demo subject access: %w", err)
	}
	if err := seedConsents(ctx, s, clock, managers, orgByName, now); err != nil {
		return n, fmt.Errorf("demo consents and training: %w", err)
	}
	if err := seedLeads(ctx, s); err != nil {
		return n, fmt.Errorf("demo leads: %w", err)
	}
	if err := seedTeaching(ctx, s, clock, managers, orgByName, now); err != nil {
		return n, fmt.Errorf("demo teaching: %w", err)
	}
	if err := seedOldRegisters(ctx, s, clock, named, now); err != nil {
		return n, fmt.Errorf("demo old registers: %w", err)
	}
	return n, nil
}

func setChildren(ctx context.Context, s Stores, org int64, n int) error {
	v := int64(n)
	if _, err := s.Orgs.SetChildrenCount(ctx, org, &v); err != nil {
		return fmt.Errorf("children of organisation %d: %w", org, err)
	}
	return nil
}

func actorOf(u *lifeguard.User) *lifeguard.Actor {
	return &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: u.OrganisationID, PartnershipID: u.PartnershipID, Via: "demo"}
}

func demoName(email string) string {
	switch email {
	case "staff@demo.test":
		return "Sam Teacher"
	case "dsl@demo.test":
		return "Dana Lead"
	case "dsl2@demo.test":
		return "Priya Lead"
	case "deputy@demo.test":
		return "Dev Deputy"
	case "partnership@demo.test":
		return "Pat Officer"
	case "manager@demo.test":
		return "Morgan Online-Safety"
	case "csc@demo.test":
		return "Casey Front-Door"
	case "police@demo.test":
		return "Pol Hub-Officer"
	case "lado@demo.test":
		return "Lee Designated-Officer"
	}
	return "Alex Admin"
}

// officeHours moves a time to a weekday between 08:30 and 16:30, where most
// concerns are reported, and leaves one in ten where it fell. A time that
// the move would put after now (a weekend's report moved to Monday, a
// morning's to later today) stays where it fell: nothing is reported in the
// future.
func officeHours(t, now time.Time, rng *rand.Rand) time.Time {
	if rng.IntN(10) == 0 {
		return t
	}
	moved := t
	for moved.Weekday() == time.Saturday || moved.Weekday() == time.Sunday {
		moved = moved.AddDate(0, 0, 1)
	}
	y, m, d := moved.Date()
	moved = time.Date(y, m, d, 8, 30, 0, 0, time.UTC).Add(time.Duration(rng.IntN(8*60)) * time.Minute)
	if moved.After(now) {
		return t
	}
	return moved
}

func sortTimes(ts []time.Time) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j].Before(ts[j-1]); j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}
