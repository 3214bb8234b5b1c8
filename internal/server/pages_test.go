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
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: filepath.Join(t.TempDir(), "lifeguard.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	wb, err := web.New(web.Config{Logger: slog.New(slog.DiscardHandler),
		Stores: web.Stores{Concerns: db, Children: db, Orgs: db, Preferences: db, Transfers: db, Reminders: db,
			Drafts: db, Audits: db, Plan: db, Reports: db, Filter: db}})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}
