package server

import (
	"log/slog"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// testPages are the real pages over a fresh SQLite file with every store
// they need and no users: enough for the answers a visitor who is not
// signed in meets.
func testPages(t *testing.T) *web.Web {
	t.Helper()
	return PagesOver(t, testDB(t), nil, nil)
}

// testDB is a fresh, migrated SQLite file.
func testDB(t *testing.T) *sqlstore.DB {
	t.Helper()
	return sqltest.Migrated(t, sqltest.SQLite)
}

// PagesOver are the real pages over db, with every store they need,
// signing in with auth (nil when no test signs in or sends a cookie) and
// routing with proc (nil when no test records a concern). It is exported
// for the package's outside tests (server_test) too, so that both build
// the pages the same way.
func PagesOver(t *testing.T, db *sqlstore.DB, auth web.Auth, proc *procedure.Procedure) *web.Web {
	t.Helper()
	wb, err := web.New(web.Config{Logger: slog.New(slog.DiscardHandler), Auth: auth, Procedure: proc,
		Stores: web.Stores{Concerns: db, Children: db, Orgs: db, Preferences: db, Alerts: db, Transfers: db, Referrals: db, Reminders: db,
			Drafts: db, Audits: db, Plan: db, Reports: db, Filter: db, Outbox: db, Webhooks: db, Monitor: db, Providers: db, Policies: db, Directory: db, Retention: db, Rights: db, Consents: db, Training: db, Prevention: db}})
	if err != nil {
		t.Fatal(err)
	}
	return wb
}
