package sqlstore

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
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

// school migrates db and makes a partnership with one school in it, the
// least that users and concerns need. It returns a context acting as the
// system, and the school (its PartnershipID is the partnership's).
func school(tb testing.TB, db *DB) (context.Context, *lifeguard.Organisation) {
	tb.Helper()
	ctx := lifeguard.WithActor(tb.Context(), lifeguard.SystemActor())
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	p, err := db.CreatePartnership(ctx, "P")
	if err != nil {
		tb.Fatal(err)
	}
	o, err := db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: p.ID, Name: "O", Setting: "school"})
	if err != nil {
		tb.Fatal(err)
	}
	return ctx, o
}
