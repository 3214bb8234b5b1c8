package server

import (
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// testPages are the real pages over a fresh SQLite file with every store
// they need and no users: enough for the answers a visitor who is not
// signed in meets.
func testPages(t *testing.T) *web.Web {
	t.Helper()
	return pagesOn(t, testDB(t), nil)
}

// testDB is a fresh, migrated SQLite file.
func testDB(t *testing.T) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: filepath.Join(t.TempDir(), "lifeguard.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// pagesOn are the real pages over db, with every store they need, signing
// in with auth (nil when no test signs in or sends a cookie).
func pagesOn(t *testing.T, db *sqlstore.DB, auth web.Auth) *web.Web {
	t.Helper()
	wb, err := web.New(web.Config{Logger: slog.New(slog.DiscardHandler), Auth: auth,
		Stores: web.Stores{Concerns: db, Children: db, Orgs: db, Preferences: db, Transfers: db, Reminders: db,
			Drafts: db, Audits: db, Plan: db, Reports: db, Filter: db}})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}
