package sqltest

import (
	"context"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// School is the least a test of recording a concern needs: a partnership
// "P" with one school "O" and its DSL, dsl@example.org.
type School struct {
	Partnership *lifeguard.Partnership
	Org         *lifeguard.Organisation
	DSL         *lifeguard.User
}

// NewSchool creates a School in db, which must be migrated.
func NewSchool(tb testing.TB, db *sqlstore.DB) *School {
	tb.Helper()
	ctx := lifeguard.WithActor(tb.Context(), lifeguard.SystemActor())
	var s School
	var err error
	if s.Partnership, err = db.CreatePartnership(ctx, "P"); err != nil {
		tb.Fatal(err)
	}
	if s.Org, err = db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: s.Partnership.ID, Name: "O",
		Setting: "school"}); err != nil {
		tb.Fatal(err)
	}
	if s.DSL, err = db.CreateUser(ctx, lifeguard.NewUser{Email: "dsl@example.org", Name: "D", Role: lifeguard.RoleDSL,
		OrganisationID: s.Org.ID}); err != nil {
		tb.Fatal(err)
	}
	return &s
}

// AsDSL returns ctx acting as the school's DSL, signed in.
func (s *School) AsDSL(ctx context.Context) context.Context {
	return lifeguard.WithActor(ctx, &lifeguard.Actor{UserID: s.DSL.ID, Role: s.DSL.Role, OrganisationID: s.Org.ID,
		PartnershipID: s.Partnership.ID, Via: "session"})
}

// Concern is a valid concern reported at: a 14-year-old bullied online by
// a peer, with an empty triage.
func Concern(at time.Time) lifeguard.NewConcern {
	age := 14
	return lifeguard.NewConcern{
		Facts: lifeguard.Facts{ReportedAt: at, Setting: "school", ConcernTypes: []lifeguard.ConcernType{"cyberbullying"},
			Child: &lifeguard.ChildFacts{Age: &age}, Parties: lifeguard.Parties{PeerInvolved: true}},
		Triage: lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "1"}},
	}
}
