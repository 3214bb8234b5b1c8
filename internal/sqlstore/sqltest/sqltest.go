// Package sqltest opens stores for tests: a new SQLite file in the test's
// temporary directory, or a new database of its own on the PostgreSQL
// server that LIFEGUARD_TEST_POSTGRES names (pgtest). The store's tests,
// and those of the packages built on it, open their stores here rather than
// each with its own copy of the same lines.
//
// It cannot serve the tests inside package sqlstore itself (an import
// cycle); those use openTest (sqlstore/open_test.go), which does the same.
package sqltest

import (
	"path/filepath"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// Engine is a database engine the store runs on.
type Engine string

const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Engines are the engines a test runs on to hold on both.
func Engines() []Engine { return []Engine{SQLite, Postgres} }

// Open opens a new, empty store of engine for the test, not migrated, and
// closes it when the test ends. On PostgreSQL the test skips when no server
// is configured, or fails under CI (pgtest.Server).
func Open(tb testing.TB, engine Engine) *sqlstore.DB {
	tb.Helper()
	return OpenWith(tb, engine, sqlstore.Config{})
}

// OpenWith is Open with cfg, whose Path or DSN it fills in: a test sets the
// clock, the journal key or the logger there.
func OpenWith(tb testing.TB, engine Engine, cfg sqlstore.Config) *sqlstore.DB {
	tb.Helper()
	switch engine {
	case SQLite:
		cfg.Path = filepath.Join(tb.TempDir(), "lifeguard.db")
	case Postgres:
		cfg.DSN = pgtest.Database(tb)
	default:
		tb.Fatalf("sqltest: no engine %q", engine)
	}
	return OpenConfig(tb, cfg)
}

// OpenConfig opens the store cfg names, as it is, and closes it when the
// test ends: for a test that opens one database twice, or a file it made.
func OpenConfig(tb testing.TB, cfg sqlstore.Config) *sqlstore.DB {
	tb.Helper()
	db, err := sqlstore.Open(tb.Context(), cfg)
	if err != nil {
		tb.Fatalf("open the store: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close the store: %v", err)
		}
	})
	return db
}

// Migrated is Open, then Migrate.
func Migrated(tb testing.TB, engine Engine) *sqlstore.DB {
	tb.Helper()
	db := Open(tb, engine)
	if err := db.Migrate(lifeguard.WithActor(tb.Context(), lifeguard.SystemActor())); err != nil {
		tb.Fatalf("migrate the store: %v", err)
	}
	return db
}
