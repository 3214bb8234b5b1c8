package sqlstore

import (
	"path/filepath"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestMigrateKeepsSecondFactor migrates a database of schema version 1
// whose user already has a TOTP secret, and checks that version 2 reads it
// as an enrolled second factor and gives the user default preferences.
func TestMigrateKeepsSecondFactor(t *testing.T) {
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	db, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "m.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.d.migrations()
	if err != nil {
		t.Fatal(err)
	}
	const created = 1_700_000_000_000_000
	for _, q := range []string{
		ms[0].sql,
		`INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0)`,
		`INSERT INTO partnerships (id, name, created_at) VALUES (1, 'P', 0)`,
		`INSERT INTO organisations (id, partnership_id, name, setting, created_at) VALUES (1, 1, 'O', 'school', 0)`,
		`INSERT INTO users (id, organisation_id, email, name, role, totp_secret, created_at)
			VALUES (1, 1, 'a@example.org', 'A', 'dsl', 'JBSWY3DPEHPK3PXP', 1700000000000000)`,
	} {
		if _, err := db.write.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := db.SecondFactor(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if f.Secret != "JBSWY3DPEHPK3PXP" || len(f.RecoveryHashes) != 0 || f.LastStep != 0 ||
		!f.EnrolledAt.Equal(fromMicros(created)) {
		t.Errorf("migrated factor %+v", f)
	}
	user := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: 1, Role: lifeguard.RoleDSL, OrganisationID: 1,
		PartnershipID: 1, Via: "session"})
	p, err := db.Preferences(user)
	if err != nil {
		t.Fatal(err)
	}
	if *p != (lifeguard.Preferences{TextSize: lifeguard.TextMedium}) {
		t.Errorf("migrated preferences %+v", p)
	}
}
