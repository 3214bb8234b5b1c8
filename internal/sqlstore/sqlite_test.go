package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/storetest"
)

// openSQLite opens a new SQLite database in the test's temporary directory.
func openSQLite(t *testing.T) *sqlstore.DB {
	t.Helper()
	return openSQLiteWith(t, sqlstore.Config{})
}

// openSQLiteWith opens a new SQLite database in the test's temporary
// directory with cfg: the storetest.Opener of SQLite.
func openSQLiteWith(t *testing.T, cfg sqlstore.Config) *sqlstore.DB {
	t.Helper()
	cfg.Path = filepath.Join(t.TempDir(), "lifeguard.db")
	db, err := sqlstore.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func TestSQLite(t *testing.T) {
	storetest.Run(t, openSQLiteWith)
}

// TestBackup copies a live database, checks the copy is whole and usable,
// and that a second backup to the same file is refused.
func TestBackup(t *testing.T) {
	db := openSQLite(t)
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePartnership(ctx, "P")
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: p.ID, Name: "O", Setting: "school"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, lifeguard.NewUser{Email: "dsl@example.org", Name: "D", Role: lifeguard.RoleDSL,
		OrganisationID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	dsl := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: o.ID,
		PartnershipID: p.ID, Via: "session"})
	age := 14
	c, err := db.CreateConcern(dsl, lifeguard.NewConcern{
		Facts: lifeguard.Facts{ReportedAt: time.Now(), Setting: "school", ConcernTypes: []lifeguard.ConcernType{"cyberbullying"},
			Child: &lifeguard.ChildFacts{Age: &age}, Parties: lifeguard.Parties{PeerInvolved: true}},
		Triage: lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "1"}},
	})
	if err != nil {
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "backup.db")
	if err := db.Backup(dsl, path); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Fatalf("backup by a DSL: %v, want forbidden", err)
	}
	if err := db.Backup(ctx, path); err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); lifeguard.ErrorCode(err) != lifeguard.ECONFLICT {
		t.Fatalf("second backup to the same file: %v, want conflict", err)
	}

	cp, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close()
	if cur, latest, err := cp.MigrationStatus(ctx); err != nil || cur != latest {
		t.Fatalf("backup's schema: %d of %d, %v", cur, latest, err)
	}
	r, err := cp.VerifyJournal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if r.FirstBroken != 0 || r.Entries != 2 {
		t.Errorf("backup's journal: %+v", r)
	}
	got, err := cp.Concern(dsl, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Facts.ConcernTypes[0] != "cyberbullying" {
		t.Errorf("backup's concern %+v", got.Facts)
	}
}

// TestSQLiteJournalSeal runs the sealed journal's tests on SQLite files.
func TestSQLiteJournalSeal(t *testing.T) {
	storetest.JournalSeal(t, openSQLiteWith)
}
