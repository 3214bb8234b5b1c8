package demo_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/demo"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// TestNothingReportedLaterThanNow seeds the demo's concerns as serve --demo does, on a
// real SQLite file, at moments where moving reports into office hours would
// push them past now (early on a weekday, at a weekend), and finds no
// concern reported, created or worked after now.
func TestNothingReportedLaterThanNow(t *testing.T) {
	proc, err := procedure.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	// One seeding takes seconds; a Sunday is enough to show the fault
	// (a weekend report moved to Monday), and the fix keeps any time moved
	// into office hours before now, whatever the day.
	for name, now := range map[string]time.Time{
		"Sunday noon": time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC),
	} {
		t.Run(name, func(t *testing.T) {
			clock := &demo.Clock{}
			db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: filepath.Join(t.TempDir(), "lifeguard.db"), Now: clock.Now})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
			if err := db.Migrate(sys); err != nil {
				t.Fatal(err)
			}
			n, err := demo.Seed(t.Context(), demo.Stores{Orgs: db, Concerns: db, Triager: proc},
				clock, "$argon2id$demo", now)
			if err != nil {
				t.Fatal(err)
			}
			late := 0
			for id := int64(1); id <= int64(n); id++ {
				c, err := db.Concern(sys, id)
				if err != nil {
					t.Fatal(err)
				}
				if c.Facts.ReportedAt.After(now) || c.CreatedAt.After(now) || c.UpdatedAt.After(now) {
					late++
					if late <= 3 {
						t.Errorf("concern %d reported %s, updated %s: later than now, %s", c.ID, c.Facts.ReportedAt, c.UpdatedAt, now)
					}
				}
			}
			if late > 0 {
				t.Errorf("%d of %d concerns are dated later than now", late, n)
			}
		})
	}
}
