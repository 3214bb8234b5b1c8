package record_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/record"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// fixture is a college on a real SQLite file with a member of staff, its
// DSL and its DNS filter's account, and a recorder over the real store and
// the default procedure. The college's setting is not the facts' default
// ("school"), so a test can tell where a concern's setting came from.
type fixture struct {
	db                *sqlstore.DB
	proc              *procedure.Procedure
	rec               *record.Recorder
	org               *lifeguard.Organisation
	staff, dsl, guard context.Context
	now               time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := t.Context()
	dir, err := os.MkdirTemp("", "lifeguard-record-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	db, err := sqlstore.Open(ctx, sqlstore.Config{Path: filepath.Join(dir, "lifeguard.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	proc, err := procedure.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	p, err := db.CreatePartnership(sys, "Test Partnership")
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: p.ID, Name: "College A", Setting: "college"})
	if err != nil {
		t.Fatal(err)
	}
	as := func(role lifeguard.Role) context.Context {
		u, err := db.CreateUser(sys, lifeguard.NewUser{Email: string(role) + "@test.example", Name: "User " + string(role),
			Role: role, OrganisationID: org.ID, PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U"})
		if err != nil {
			t.Fatal(err)
		}
		return lifeguard.WithActor(ctx, &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: u.OrganisationID,
			PartnershipID: u.PartnershipID, Via: "test"})
	}
	f := &fixture{db: db, proc: proc, org: org, now: time.Now().UTC().Truncate(time.Second)}
	f.staff, f.dsl, f.guard = as(lifeguard.RoleStaff), as(lifeguard.RoleDSL), as(lifeguard.RoleFilter)
	f.rec = &record.Recorder{Concerns: db, Orgs: db, Filter: db, Triager: proc, Now: func() time.Time { return f.now }}
	return f
}

// grooming is the facts of a grooming concern about a 13-year-old, without
// a setting.
func (f *fixture) grooming() lifeguard.Facts {
	age := 13
	return lifeguard.Facts{ReportedAt: f.now, Description: "A stranger asked to meet.", Child: &lifeguard.ChildFacts{Age: &age},
		ChildRole: "victim", ConcernTypes: []lifeguard.ConcernType{"grooming"}, Parties: lifeguard.Parties{UnknownInvolved: true}}
}

// concerns counts the college's concerns, as its DSL sees them.
func (f *fixture) concerns(t *testing.T) int {
	t.Helper()
	page, err := f.db.ListConcerns(f.dsl, lifeguard.ConcernFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(page.Concerns)
}

func routeCodes(t *lifeguard.Triage) []lifeguard.RouteCode {
	var codes []lifeguard.RouteCode
	for _, r := range t.Routes {
		codes = append(codes, r.Code)
	}
	return codes
}

func TestConcern(t *testing.T) {
	t.Run("the setting comes from the organisation when asked", func(t *testing.T) {
		f := newFixture(t)
		c, replayed, err := f.rec.Concern(f.staff, record.Report{Facts: f.grooming(), SettingFromOrganisation: true})
		if err != nil || replayed {
			t.Fatalf("Concern: %v, replayed %v", err, replayed)
		}
		if c.Facts.Setting != f.org.Setting {
			t.Errorf("setting %q, want the organisation's %q", c.Facts.Setting, f.org.Setting)
		}
		want := f.grooming()
		want.Setting = f.org.Setting
		tr, err := f.proc.Triage(t.Context(), &want)
		if err != nil {
			t.Fatal(err)
		}
		if got := routeCodes(&c.Triage); !slices.Equal(got, routeCodes(tr)) || len(got) == 0 {
			t.Errorf("routes %v, want the procedure's %v", got, routeCodes(tr))
		}
	})
	t.Run("the setting the facts give is kept otherwise", func(t *testing.T) {
		f := newFixture(t)
		in := f.grooming()
		in.Setting = "school"
		c, _, err := f.rec.Concern(f.staff, record.Report{Facts: in})
		if err != nil {
			t.Fatal(err)
		}
		if c.Facts.Setting != "school" {
			t.Errorf("setting %q, want school as given", c.Facts.Setting)
		}
	})
	t.Run("invalid facts name the field and store nothing", func(t *testing.T) {
		f := newFixture(t)
		in := f.grooming()
		in.ConcernTypes = nil
		_, _, err := f.rec.Concern(f.staff, record.Report{Facts: in, SettingFromOrganisation: true})
		e, ok := err.(*lifeguard.Error)
		if !ok || e.Code != lifeguard.EINVALID || !slices.ContainsFunc(e.Problems, func(p lifeguard.Problem) bool {
			return p.Path == "concern_types"
		}) {
			t.Fatalf("err %v, want EINVALID naming concern_types", err)
		}
		if n := f.concerns(t); n != 0 {
			t.Errorf("%d concerns stored, want none", n)
		}
	})
	t.Run("the same key records once", func(t *testing.T) {
		f := newFixture(t)
		rep := record.Report{Facts: f.grooming(), SettingFromOrganisation: true, Key: &lifeguard.ConcernKey{Key: "test:1"}}
		first, replayed, err := f.rec.Concern(f.staff, rep)
		if err != nil || replayed {
			t.Fatalf("first: %v, replayed %v", err, replayed)
		}
		again, replayed, err := f.rec.Concern(f.staff, rep)
		if err != nil || !replayed || again.ID != first.ID {
			t.Fatalf("again: %v, replayed %v, id %d, want %d replayed", err, replayed, again.ID, first.ID)
		}
		if n := f.concerns(t); n != 1 {
			t.Errorf("%d concerns stored, want 1", n)
		}
	})
	t.Run("a role that does not report is refused by the store", func(t *testing.T) {
		f := newFixture(t)
		_, _, err := f.rec.Concern(f.guard, record.Report{Facts: f.grooming(), SettingFromOrganisation: true})
		if lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
			t.Fatalf("err %v, want forbidden", err)
		}
	})
}

func TestChangeFacts(t *testing.T) {
	f := newFixture(t)
	c, _, err := f.rec.Concern(f.staff, record.Report{Facts: f.grooming(), SettingFromOrganisation: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Run("invalid facts change nothing", func(t *testing.T) {
		bad := c.Facts
		bad.ConcernTypes = []lifeguard.ConcernType{}
		if _, err := f.rec.ChangeFacts(f.dsl, c.ID, bad); lifeguard.ErrorCode(err) != lifeguard.EINVALID {
			t.Fatalf("err %v, want invalid", err)
		}
		got, err := f.db.Concern(f.dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Facts.ConcernTypes, c.Facts.ConcernTypes) {
			t.Errorf("types %v, want %v unchanged", got.Facts.ConcernTypes, c.Facts.ConcernTypes)
		}
	})
	t.Run("new facts are triaged again", func(t *testing.T) {
		nf := c.Facts
		nf.ConcernTypes = []lifeguard.ConcernType{"sextortion"}
		changed, err := f.rec.ChangeFacts(f.dsl, c.ID, nf)
		if err != nil {
			t.Fatal(err)
		}
		tr, err := f.proc.Triage(t.Context(), &nf)
		if err != nil {
			t.Fatal(err)
		}
		if got := routeCodes(&changed.Triage); !slices.Equal(got, routeCodes(tr)) {
			t.Errorf("routes %v, want the procedure's %v", got, routeCodes(tr))
		}
		if !slices.Equal(changed.Facts.ConcernTypes, nf.ConcernTypes) {
			t.Errorf("types %v, want %v", changed.Facts.ConcernTypes, nf.ConcernTypes)
		}
	})
}

func TestFilterWorry(t *testing.T) {
	f := newFixture(t)
	in := lifeguard.NewFilterWorry{FilterAttempt: lifeguard.FilterAttempt{ID: "00000000-0000-4000-8000-000000000001",
		Time: f.now.Add(-time.Minute), Client: "10.0.0.7", Group: "students", Name: "example.com", Category: "gambling"},
		Text: "Someone keeps messaging me."}
	first, err := f.rec.FilterWorry(f.guard, in)
	if err != nil || !first.Created {
		t.Fatalf("FilterWorry: %v, created %v", err, first != nil && first.Created)
	}
	again, err := f.rec.FilterWorry(f.guard, in)
	if err != nil || again.Created || again.ConcernID != first.ConcernID {
		t.Fatalf("again: %v, %+v, want concern %d not created", err, again, first.ConcernID)
	}
	c, err := f.db.Concern(f.dsl, first.ConcernID)
	if err != nil {
		t.Fatal(err)
	}
	// ChildUnidentified is not kept with the facts (it is never in their
	// JSON): that the worry names no child shows as no child.
	if c.Facts.Setting != f.org.Setting || c.Facts.Child != nil || !slices.Equal(c.Facts.ConcernTypes, []lifeguard.ConcernType{"other"}) ||
		c.Facts.Description != in.Text || c.Facts.OccurredAt == nil || !c.Facts.OccurredAt.Equal(in.Time) {
		t.Errorf("facts %+v, want the college's setting, no child, type other, the child's words and the filter's time", c.Facts)
	}
	if len(c.Triage.Routes) == 0 {
		t.Error("no routes: the worry was not triaged")
	}

	t.Run("an invalid worry names the field and records nothing", func(t *testing.T) {
		bad := in
		bad.ID = "not-a-uuid"
		_, err := f.rec.FilterWorry(f.guard, bad)
		e, ok := err.(*lifeguard.Error)
		if !ok || e.Code != lifeguard.EINVALID || !slices.ContainsFunc(e.Problems, func(p lifeguard.Problem) bool { return p.Path == "id" }) {
			t.Fatalf("err %v, want EINVALID naming id", err)
		}
		if n := f.concerns(t); n != 1 {
			t.Errorf("%d concerns, want only the first worry's", n)
		}
	})
}
