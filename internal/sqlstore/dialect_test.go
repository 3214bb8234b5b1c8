package sqlstore

import (
	"database/sql"
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func TestRebindDollar(t *testing.T) {
	tests := []struct{ in, want string }{
		{`SELECT 1`, `SELECT 1`},
		{`WHERE a = ? AND b = ?`, `WHERE a = $1 AND b = $2`},
		{`WHERE a = '?' AND b = ?`, `WHERE a = '?' AND b = $1`},
		{`WHERE "we?ird" = ? AND c IN ('it''s?', ?)`, `WHERE "we?ird" = $1 AND c IN ('it''s?', $2)`},
	}
	for _, tt := range tests {
		if got := rebindDollar(tt.in); got != tt.want {
			t.Errorf("rebindDollar(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestSQLitePragmas checks the settings every connection of both pools has,
// and that the write pool is one connection.
func TestSQLitePragmas(t *testing.T) {
	db, err := Open(t.Context(), Config{Path: filepath.Join(t.TempDir(), "p.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	want := map[string]string{"journal_mode": "wal", "synchronous": "2", "foreign_keys": "1", "busy_timeout": "10000"}
	for pool, sdb := range map[string]*sql.DB{"read": db.read, "write": db.write} {
		for pragma, v := range want {
			var got string
			if err := sdb.QueryRowContext(t.Context(), "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != v {
				t.Errorf("%s pool: %s = %s, want %s", pool, pragma, got, v)
			}
		}
	}
	var readOnly string
	if err := db.read.QueryRowContext(t.Context(), "PRAGMA query_only").Scan(&readOnly); err != nil || readOnly != "1" {
		t.Errorf("read pool query_only = %q, %v", readOnly, err)
	}
	if n := db.write.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("write pool has %d connections, want 1", n)
	}
}

// TestStartUp checks that opening and migrating an empty database is quick;
// it reports the time rather than asserting it, since the machine is shared.
func TestStartUp(t *testing.T) {
	start := time.Now()
	db, err := Open(t.Context(), Config{Path: filepath.Join(t.TempDir(), "s.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Logf("open and migrate an empty database: %v", time.Since(start))
}

// TestClock checks that the store takes its time from Config.Now, to the
// microsecond.
func TestClock(t *testing.T) {
	at := time.Date(2026, 11, 18, 10, 0, 0, 123456789, time.UTC)
	db, err := Open(t.Context(), Config{Path: filepath.Join(t.TempDir(), "c.db"), Now: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
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
	if want := at.Truncate(time.Microsecond); !o.CreatedAt.Equal(want) {
		t.Errorf("created at %v, want %v", o.CreatedAt, want)
	}
	got, err := db.Organisation(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.CreatedAt.Equal(o.CreatedAt) {
		t.Errorf("read back %v, want %v", got.CreatedAt, o.CreatedAt)
	}
}
