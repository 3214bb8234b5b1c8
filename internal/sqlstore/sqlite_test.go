package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/storetest"
)

func TestSQLite(t *testing.T) {
	storetest.Run(t, sqltest.SQLite)
}

// TestBackup copies a live database, checks the copy is whole and usable,
// and that a second backup to the same file is refused.
func TestBackup(t *testing.T) {
	db := sqltest.Migrated(t, sqltest.SQLite)
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	dsl := sqltest.NewSchool(t, db).AsDSL(t.Context())
	c, err := db.CreateConcern(dsl, sqltest.Concern(time.Now()))
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

	cp := sqltest.OpenConfig(t, sqlstore.Config{Path: path})
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
	storetest.JournalSeal(t, sqltest.SQLite)
}

// TestUnkeyedStoreLeavesSealedHead: a store opened without the journal key
// (a tool of one's own, a forgotten flag) must not write an unsealed head
// over a sealed one, which would stop every server holding the key.
func TestUnkeyedStoreLeavesSealedHead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sealed.db")
	key := make([]byte, sqlstore.JournalKeySize)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	keyed := sqltest.OpenConfig(t, sqlstore.Config{Path: path, JournalKey: key})
	if err := keyed.Migrate(sys); err != nil {
		t.Fatal(err)
	}
	if _, _, err := keyed.SealJournal(sys); err != nil {
		t.Fatal(err)
	}
	school := sqltest.NewSchool(t, keyed)

	plain := sqltest.OpenConfig(t, sqlstore.Config{Path: path})
	if _, err := plain.CreateConcern(school.AsDSL(t.Context()), sqltest.Concern(time.Now())); err == nil {
		t.Fatal("a store without the key appended to a sealed journal")
	}
	if _, err := keyed.CreateConcern(school.AsDSL(t.Context()), sqltest.Concern(time.Now())); err != nil {
		t.Fatalf("the keyed store cannot record after the unkeyed one tried: %v", err)
	}
}
