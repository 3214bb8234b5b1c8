package sqlstore

import (
	"path/filepath"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// openTest opens a new store for a test inside this package, on a new
// SQLite file ("sqlite") or a new PostgreSQL database of its own
// ("postgres"), with cfg, and closes it when the test ends. It is the
// in-package counterpart of sqltest.OpenWith, which these tests cannot
// import: sqltest imports this package.
func openTest(tb testing.TB, engine string, cfg Config) *DB {
	tb.Helper()
	switch engine {
	case "sqlite":
		cfg.Path = filepath.Join(tb.TempDir(), "lifeguard.db")
	case "postgres":
		cfg.DSN = pgtest.Database(tb)
	default:
		tb.Fatalf("no engine %q", engine)
	}
	db, err := Open(tb.Context(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("close the store: %v", err)
		}
	})
	return db
}
