package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

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
	db := openTest(t, "sqlite", Config{})
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
	db := openTest(t, "sqlite", Config{})
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Logf("open and migrate an empty database: %v", time.Since(start))
}

// TestClock checks that the store takes its time from Config.Now, to the
// microsecond.
func TestClock(t *testing.T) {
	at := time.Date(2026, 11, 18, 10, 0, 0, 123456789, time.UTC)
	db := openTest(t, "sqlite", Config{Now: func() time.Time { return at }})
	ctx, o := school(t, db)
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

// forEachEngine runs fn on a new database of each engine: SQLite always, PostgreSQL
// when LIFEGUARD_TEST_POSTGRES names a server (pgtest skips or fails the
// subtest otherwise).
func forEachEngine(t *testing.T, fn func(t *testing.T, db *DB)) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) { fn(t, openTest(t, engine, Config{})) })
	}
}

// TestUniqueViolation breaks each unique constraint the store relies on, as
// a write racing the store's own check would, and checks that both engines
// answer with the domain error that check gives.
func TestUniqueViolation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx, o := school(t, db)
		if _, err := db.CreateUser(ctx, lifeguard.NewUser{Email: "a@example.org", Name: "A", Role: lifeguard.RoleDSL,
			OrganisationID: o.ID}); err != nil {
			t.Fatal(err)
		}
		raw := func(q string, args ...any) error {
			return db.inWrite(ctx, "raced", func(tx *tx) error {
				_, err := tx.exec(ctx, q, args...)
				return err
			})
		}
		err := raw(`INSERT INTO users (organisation_id, email, name, role, created_at) VALUES (?, ?, ?, ?, ?)`,
			o.ID, "a@example.org", "B", "staff", 0)
		if le, ok := errors.AsType[*lifeguard.Error](err); !ok || le.Code != lifeguard.EINVALID ||
			len(le.Problems) != 1 || le.Problems[0].Path != "email" {
			t.Errorf("duplicate email: %v, want invalid email", err)
		}
		for range 2 {
			err = raw(`INSERT INTO children (organisation_id, ref, created_at) VALUES (?, ?, ?)`, o.ID, "Y7", 0)
		}
		if le, ok := errors.AsType[*lifeguard.Error](err); !ok || le.Code != lifeguard.EINVALID ||
			len(le.Problems) != 1 || le.Problems[0].Path != "child_ref" {
			t.Errorf("duplicate child reference: %v, want invalid child_ref", err)
		}
		for range 2 {
			err = raw(`INSERT INTO transfers (child_id, from_organisation_id, to_organisation_id, status, note, sent_at,
				due_by) VALUES ((SELECT MIN(id) FROM children), ?, ?, 'pending', '', 0, 0)`, o.ID, o.ID)
		}
		if lifeguard.ErrorCode(err) != lifeguard.ECONFLICT || !strings.Contains(err.Error(), "already been sent") {
			t.Errorf("second pending transfer: %v, want conflict", err)
		}
		err = raw(`INSERT INTO partnerships (id, name, created_at) VALUES (?, 'Q', 0)`, o.PartnershipID)
		if lifeguard.ErrorCode(err) != lifeguard.ECONFLICT {
			t.Errorf("duplicate id: %v, want conflict", err)
		}
		// The failed writes rolled back alone: the store goes on.
		if _, err := db.CreatePartnership(ctx, "R"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPostgresPools checks the pools and transactions on PostgreSQL: one
// write connection whose transactions are READ COMMITTED and hold the write
// lock, and read transactions that are read-only snapshots.
func TestPostgresPools(t *testing.T) {
	db := openTest(t, "postgres", Config{})
	if n := db.write.Stats().MaxOpenConnections; n != 1 {
		t.Errorf("write pool has %d connections, want 1", n)
	}
	if n := db.read.Stats().MaxOpenConnections; n != pgReadConns {
		t.Errorf("read pool has %d connections, want %d", n, pgReadConns)
	}
	ctx := t.Context()
	var level, readOnly string
	var locks int
	if err := db.inWrite(ctx, "test", func(tx *tx) error {
		if err := tx.row(ctx, `SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')`).
			Scan(&level, &readOnly); err != nil {
			return err
		}
		return tx.row(ctx, `SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
			AND objid = ?`, pgWriteLock).Scan(&locks)
	}); err != nil {
		t.Fatal(err)
	}
	if level != "read committed" || readOnly != "off" || locks != 1 {
		t.Errorf("write transaction: %s, read only %s, %d write locks; want read committed, off, 1", level, readOnly, locks)
	}
	if err := db.inRead(ctx, "test", func(tx *tx) error {
		return tx.row(ctx, `SELECT current_setting('transaction_isolation'), current_setting('transaction_read_only')`).
			Scan(&level, &readOnly)
	}); err != nil {
		t.Fatal(err)
	}
	if level != "repeatable read" || readOnly != "on" {
		t.Errorf("read transaction: %s, read only %s; want repeatable read, on", level, readOnly)
	}
}

// TestPostgresUnavailable checks which errors mean "not now".
func TestPostgresUnavailable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{&pgconn.PgError{Code: "08006"}, true},  // connection failure
		{&pgconn.PgError{Code: "57P01"}, true},  // admin shutdown
		{&pgconn.PgError{Code: "57P03"}, true},  // cannot connect now
		{&pgconn.PgError{Code: "53300"}, true},  // too many connections
		{&pgconn.PgError{Code: "55P03"}, true},  // lock timeout
		{&pgconn.PgError{Code: "23505"}, false}, // unique violation
		{&pgconn.PgError{Code: "42P01"}, false}, // no such table
		{fmt.Errorf("x: %w", &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}), true},
		{fmt.Errorf("x: %w", pgconn.ErrConnClosed), true},
		{sql.ErrNoRows, false},
	}
	for _, tt := range tests {
		if got := postgresUnavailable(tt.err); got != tt.want {
			t.Errorf("postgresUnavailable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
	if key, ok := postgresUnique(&pgconn.PgError{Code: "23505", ConstraintName: "users_email_unique"}); !ok || key != "users.email" {
		t.Errorf("postgresUnique = %q, %v", key, ok)
	}
}
