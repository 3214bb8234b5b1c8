package sqlstore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// BenchmarkStaffAgreementDue is the check every signed-in page and API call
// makes (is a staff agreement owed?), for a member of staff who has agreed
// to the current version: the usual answer, nothing owed. "none" is an
// organisation that publishes no agreement. "concern" reads one concern as
// a DSL (the store's cheapest journaled read, one commit) for scale.
func BenchmarkStaffAgreementDue(b *testing.B) {
	open := map[string]func(b *testing.B) *DB{
		"sqlite": func(b *testing.B) *DB {
			db, err := Open(b.Context(), Config{Path: filepath.Join(b.TempDir(), "bench.db")})
			if err != nil {
				b.Fatal(err)
			}
			return db
		},
		"postgres": func(b *testing.B) *DB {
			db, err := Open(b.Context(), Config{DSN: pgtest.Database(b)})
			if err != nil {
				b.Fatal(err)
			}
			return db
		},
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b.Run(engine, func(b *testing.B) {
			db := open[engine](b)
			b.Cleanup(func() { db.Close() })
			sys, o := school(b, db)
			user := func(email string, role lifeguard.Role) context.Context {
				u, err := db.CreateUser(sys, lifeguard.NewUser{Email: email, Name: "U", Role: role, OrganisationID: o.ID})
				if err != nil {
					b.Fatal(err)
				}
				return lifeguard.WithActor(b.Context(), &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: o.ID,
					PartnershipID: o.PartnershipID, Via: "session"})
			}
			staff, dsl, manager := user("s@example.org", lifeguard.RoleStaff), user("d@example.org", lifeguard.RoleDSL),
				user("m@example.org", lifeguard.RoleManager)
			c, err := db.CreateConcern(staff, benchConcern())
			if err != nil {
				b.Fatal(err)
			}
			due := func(b *testing.B, ctx context.Context) {
				for b.Loop() {
					if p, err := db.StaffAgreementDue(ctx); err != nil || p != nil {
						b.Fatal(p, err)
					}
				}
			}
			b.Run("none", func(b *testing.B) { due(b, staff) })
			p, err := db.CreatePolicy(manager, lifeguard.NewPolicy{Kind: lifeguard.AgreementStaff, Title: "Staff agreement"})
			if err != nil {
				b.Fatal(err)
			}
			if p, err = db.AddPolicyVersion(manager, p.ID, lifeguard.NewPolicyVersion{Text: "Use devices for school work.",
				ApprovedBy: "Governors", ApprovedOn: lifeguard.DateOf(db.now())}); err != nil {
				b.Fatal(err)
			}
			if _, err := db.Acknowledge(staff, p.Versions[0].ID); err != nil {
				b.Fatal(err)
			}
			b.Run("agreed", func(b *testing.B) { due(b, staff) })
			b.Run("concern", func(b *testing.B) {
				for b.Loop() {
					if _, err := db.Concern(dsl, c.ID); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
