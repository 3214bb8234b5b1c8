package sqltest

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// The organisations of a seeded partnership, as a Member names them.
const (
	SchoolA = "A"
	SchoolB = "B"
	Team    = "team" // the partnership team's organisation
)

// Member is a user Seed creates: Key is the start of the email address and
// the key in Partnership.Users.
type Member struct {
	Key  string
	Role lifeguard.Role
	Org  string // SchoolA, SchoolB or Team
}

// Partnership is what Seed made: "Test Partnership" with the schools
// "School A" and "School B" and, when a member belongs to it, the
// "Partnership Team" organisation, and the members as users.
type Partnership struct {
	Partnership      *lifeguard.Partnership
	OrgA, OrgB, Team *lifeguard.Organisation
	Users            map[string]*lifeguard.User
}

// Seed creates a Partnership in db, which must be migrated: each member
// is "User <key>", <key>@<domain>, with passwordHash. The organisations are
// made first, in the order above, then the members in the order given.
func Seed(tb testing.TB, db *sqlstore.DB, domain, passwordHash string, members ...Member) *Partnership {
	tb.Helper()
	ctx := lifeguard.WithActor(tb.Context(), lifeguard.SystemActor())
	p := &Partnership{Users: map[string]*lifeguard.User{}}
	var err error
	if p.Partnership, err = db.CreatePartnership(ctx, "Test Partnership"); err != nil {
		tb.Fatal(err)
	}
	org := func(name string, s lifeguard.Setting) *lifeguard.Organisation {
		o, err := db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: p.Partnership.ID, Name: name, Setting: s})
		if err != nil {
			tb.Fatal(err)
		}
		return o
	}
	p.OrgA, p.OrgB = org("School A", "school"), org("School B", "school")
	for _, m := range members {
		if m.Org == Team {
			p.Team = org("Partnership Team", "other")
			break
		}
	}
	for _, m := range members {
		o := map[string]*lifeguard.Organisation{SchoolA: p.OrgA, SchoolB: p.OrgB, Team: p.Team}[m.Org]
		if o == nil {
			tb.Fatalf("sqltest: member %s of no organisation %q", m.Key, m.Org)
		}
		u, err := db.CreateUser(ctx, lifeguard.NewUser{Email: m.Key + "@" + domain, Name: "User " + m.Key, Role: m.Role,
			OrganisationID: o.ID, PasswordHash: passwordHash})
		if err != nil {
			tb.Fatal(err)
		}
		p.Users[m.Key] = u
	}
	return p
}
