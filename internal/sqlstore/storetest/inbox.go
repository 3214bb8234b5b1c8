package storetest

import (
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testDeputies checks that a deputy safeguarding lead is a user of role dsl
// marked deputy, kept and read back, and that no other role can be one.
func testDeputies(t *testing.T, open Opener) {
	f := newFixture(t, open)
	admin := as(t.Context(), f.admin)

	t.Run("a dsl can be a deputy", func(t *testing.T) {
		u, err := f.db.CreateUser(admin, lifeguard.NewUser{Email: "deputy@example.org", Name: "Dee Deputy",
			Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, Deputy: true})
		if err != nil {
			t.Fatal(err)
		}
		if !u.Deputy {
			t.Errorf("created user %+v is not a deputy", u)
		}
		back, err := f.db.User(admin, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !back.Deputy || back.Role != lifeguard.RoleDSL {
			t.Errorf("read back %+v", back)
		}
		lead, err := f.db.User(admin, f.dsl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if lead.Deputy {
			t.Errorf("a lead added without deputy reads back as one")
		}
		creds, err := f.db.CredentialsByEmail(sys(t.Context()), "deputy@example.org")
		if err != nil {
			t.Fatal(err)
		}
		if !creds.User.Deputy {
			t.Errorf("credentials' user %+v is not a deputy", creds.User)
		}
	})

	for _, role := range []lifeguard.Role{lifeguard.RoleStaff, lifeguard.RoleManager, lifeguard.RolePartnership,
		lifeguard.RoleAdmin, lifeguard.RoleFilter} {
		t.Run("refused for "+string(role), func(t *testing.T) {
			_, err := f.db.CreateUser(admin, lifeguard.NewUser{Email: "not-" + string(role) + "@example.org",
				Name: "Not a deputy", Role: role, OrganisationID: f.orgA.ID, Deputy: true})
			wantProblem(t, err, "deputy")
		})
	}
}

// testFirstOpened checks when a concern counts as opened: the first read of
// the whole concern by a safeguarding lead of its organisation, stamped
// once, in the same transaction as the read's journal entry, and by no
// other reader.
func testFirstOpened(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.report(t, f.staff)
	if c.FirstOpenedAt != nil {
		t.Fatalf("a new concern is opened at %v", c.FirstOpenedAt)
	}
	opened := func(t *testing.T) *time.Time {
		t.Helper()
		// The reporter's read does not stamp it, so it can look.
		got, err := f.db.Concern(as(t.Context(), f.staff), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return got.FirstOpenedAt
	}

	step(t, "others' reads do not open it", func(t *testing.T) {
		if _, err := f.db.Concern(sys(t.Context()), c.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.Concern(as(t.Context(), f.dslB), c.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		if at := opened(t); at != nil {
			t.Errorf("opened at %v by a read that is not its lead's", at)
		}
		page, err := f.db.ListConcerns(as(t.Context(), f.dsl), lifeguard.ConcernFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Concerns) != 1 {
			t.Fatalf("listed %d concerns", len(page.Concerns))
		}
		if at := opened(t); at != nil {
			t.Errorf("opened at %v by the lead's list, which shows no text", at)
		}
	})

	first := f.now().UTC().Truncate(time.Microsecond)
	step(t, "the lead's read opens it", func(t *testing.T) {
		before := journalLen(t, f.db)
		got, err := f.db.Concern(as(t.Context(), f.dsl), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstOpenedAt == nil || !got.FirstOpenedAt.Equal(first) {
			t.Errorf("the lead's read returned first_opened_at %v, want %v", got.FirstOpenedAt, first)
		}
		es := journalAfter(t, f.db, before)
		if len(es) != 1 || es[0].Action != "read" || es[0].RecordID != c.ID || es[0].UserID != f.dsl.ID {
			t.Errorf("journal after the read: %+v", es)
		}
		if at := opened(t); at == nil || !at.Equal(first) {
			t.Errorf("stored first_opened_at %v, want %v", at, first)
		}
	})

	step(t, "a later read keeps the first time", func(t *testing.T) {
		f.clock.Advance(time.Hour)
		deputy, err := f.db.CreateUser(sys(t.Context()), lifeguard.NewUser{Email: "dep@example.org", Name: "Dep",
			Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, Deputy: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Concern(as(t.Context(), deputy), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstOpenedAt == nil || !got.FirstOpenedAt.Equal(first) {
			t.Errorf("first_opened_at %v after a later read, want %v", got.FirstOpenedAt, first)
		}
	})

	step(t, "a deputy's read opens a concern", func(t *testing.T) {
		c2 := f.report(t, f.staff)
		deputy, err := f.db.CreateUser(sys(t.Context()), lifeguard.NewUser{Email: "dep2@example.org", Name: "Dep",
			Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, Deputy: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Concern(as(t.Context(), deputy), c2.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FirstOpenedAt == nil {
			t.Errorf("a deputy's read did not open the concern")
		}
	})
}
