package web

import (
	"log/slog"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// TestNewNeedsEveryStore checks that the pages refuse to start without any
// one of their stores, naming it, so that no page has to ask whether its
// store is there. It walks the fields of Stores, so a store added later is
// covered too.
func TestNewNeedsEveryStore(t *testing.T) {
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: filepath.Join(t.TempDir(), "lifeguard.db")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	full := Stores{Concerns: db, Children: db, Orgs: db, Preferences: db, Alerts: db, Transfers: db, Referrals: db, Reminders: db,
		Drafts: db, Audits: db, Plan: db, Reports: db, Filter: db, Outbox: db, Webhooks: db, Monitor: db, Providers: db, Policies: db, Directory: db, Retention: db, Rights: db, Consents: db, Training: db, Prevention: db}
	logger := slog.New(slog.DiscardHandler)
	if _, err := New(Config{Stores: full, Logger: logger}); err != nil {
		t.Fatalf("every store given: %v", err)
	}
	typ := reflect.TypeFor[Stores]()
	for i := range typ.NumField() {
		name := typ.Field(i).Name
		t.Run(name, func(t *testing.T) {
			stores := full
			v := reflect.ValueOf(&stores).Elem().Field(i)
			if v.IsNil() {
				t.Fatalf("the full set leaves %s out", name)
			}
			v.SetZero()
			_, err := New(Config{Stores: stores, Logger: logger})
			if err == nil || !strings.Contains(err.Error(), "Stores."+name+" ") {
				t.Errorf("without %s: %v, want an error naming it", name, err)
			}
		})
	}
}
