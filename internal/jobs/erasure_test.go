package jobs_test

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// TestErasureDeletesFilterRecords: the one erasure job deletes the DNS
// filter's blocked attempts past the schedule's filter_record rule (there
// is no separate filter-retention job), and keeps them all when the
// deprecated --filter-retention 0 overrides the rule; both engines.
func TestErasureDeletesFilterRecords(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			db := sqltest.Open(t, engine)
			ctx := t.Context()
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			p := sqltest.Seed(t, db, "jobs.example", "", sqltest.Member{Key: "filter", Role: "filter", Org: sqltest.SchoolA})
			filter := lifeguard.WithActor(ctx, &lifeguard.Actor{UserID: p.Users["filter"].ID, Role: lifeguard.RoleFilter,
				OrganisationID: p.OrgA.ID, PartnershipID: p.OrgA.PartnershipID})
			sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
			now := time.Now().UTC().Truncate(time.Second)
			var events []lifeguard.FilterEvent
			for i, age := range []int{120, 100, 10, 0} { // days ago
				events = append(events, lifeguard.FilterEvent{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i+1),
					Time: now.AddDate(0, 0, -age), Client: "10.0.0.7", Group: "secondary", Name: "a.example", Category: "gambling"})
			}
			record := func() *lifeguard.FilterReceipt {
				t.Helper()
				r, err := db.RecordFilterEvents(filter, events)
				if err != nil {
					t.Fatal(err)
				}
				return r
			}
			record()
			local, err := lifeguard.ParseRetentionSchedule(strings.NewReader("filter_record days=90 source=local\n"))
			if err != nil {
				t.Fatal(err)
			}
			sched := lifeguard.ShippedRetentionSchedule().Adapt(local)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			clock := func() time.Time { return now }
			run := func(s lifeguard.RetentionSchedule) {
				t.Helper()
				if err := jobs.Erasure(db, s, 1, clock, log).Run(sys, now); err != nil {
					t.Fatal(err)
				}
			}
			// For ever: nothing goes.
			run(sched.WithFilterRetention(0))
			if r := record(); r.Duplicates != 4 {
				t.Fatalf("kept for ever, %d of 4 are still held", r.Duplicates)
			}
			run(sched)
			// The two older than 90 days are new again; the two within are held.
			if r := record(); r.Duplicates != 2 {
				t.Errorf("after the erasure job: %+v, want the two older than 90 days gone", r)
			}
		})
	}
}
