package sqlstore

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/metrics"
	"github.com/lifeguard-scp/lifeguard/internal/metrics/metricstest"
)

// TestStoreMetrics counts on each engine what the store does: writes that
// arrive together and commit in batches, a write that fails alone, reads,
// both pools, and the outbox's undelivered messages by state, read at the
// scrape.
func TestStoreMetrics(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			db := openTest(t, engine, Config{})
			ctx, o := school(t, db)
			reg := metrics.NewRegistry()
			db.RegisterMetrics(reg)

			var msgs []lifeguard.OutboxMessage
			for i := range 3 {
				u, err := db.CreateUser(ctx, lifeguard.NewUser{Email: fmt.Sprintf("d%d@example.org", i), Name: "D",
					Role: lifeguard.RoleDSL, OrganisationID: o.ID})
				if err != nil {
					t.Fatal(err)
				}
				msgs = append(msgs, lifeguard.OutboxMessage{Kind: lifeguard.AlertDigest, Channel: lifeguard.ChannelEmail,
					UserID: u.ID, OrganisationID: o.ID, DedupeKey: fmt.Sprintf("digest:%d", i)})
			}
			if err := db.inWrite(ctx, "test", func(t *tx) error { return enqueue(ctx, t, lifeguard.SystemActor(), db.now(), msgs...) }); err != nil {
				t.Fatal(err)
			}
			if err := db.UncheckedExec(ctx, `UPDATE outbox SET failed_at = 1 WHERE id = (SELECT MIN(id) FROM outbox)`); err != nil {
				t.Fatal(err)
			}

			// Sixteen writes at once, and one that fails among them.
			var wg sync.WaitGroup
			for i := range 16 {
				wg.Go(func() {
					db.inWrite(ctx, "test", func(t *tx) error {
						if i == 7 {
							return errors.New("this write fails alone")
						}
						_, err := t.exec(ctx, `UPDATE organisations SET name = name WHERE id = ?`, o.ID)
						return err
					})
				})
			}
			wg.Wait()
			if _, err := db.Organisations(ctx); err != nil {
				t.Fatal(err)
			}

			var sb strings.Builder
			if err := reg.WriteText(&sb); err != nil {
				t.Fatal(err)
			}
			fams := metricstest.Parse(t, sb.String())
			for _, tc := range []struct {
				name   string
				labels map[string]string
				min    float64
				max    float64
			}{
				{"lifeguard_outbox_messages", map[string]string{"channel": "email", "state": "waiting"}, 2, 2},
				{"lifeguard_outbox_messages", map[string]string{"channel": "email", "state": "given_up"}, 1, 1},
				{"lifeguard_outbox_messages", map[string]string{"channel": "webhook", "state": "waiting"}, 0, 0},
				{"lifeguard_db_writes_total", map[string]string{"outcome": "committed"}, 15, 1e9},
				{"lifeguard_db_writes_total", map[string]string{"outcome": "failed"}, 1, 1},
				{"lifeguard_db_write_batch_size", nil, 1, 17},
				{"lifeguard_db_transactions_total", map[string]string{"pool": "write", "outcome": "commit"}, 1, 17},
				{"lifeguard_db_transactions_total", map[string]string{"pool": "read", "outcome": "commit"}, 1, 1e9},
				{"lifeguard_db_pool_max_open_connections", map[string]string{"pool": "write"}, 1, 1},
				{"lifeguard_db_pool_open_connections", map[string]string{"pool": "read"}, 1, 1e9},
			} {
				got, ok := metricstest.Value(fams, tc.name, tc.labels)
				if !ok || got < tc.min || got > tc.max {
					t.Errorf("%s%v = %v (found: %v), want %v to %v", tc.name, tc.labels, got, ok, tc.min, tc.max)
				}
			}
			batches, _ := metricstest.Value(fams, "lifeguard_db_write_batch_size", nil)
			t.Logf("%s: the 20 writes since the registry was given went in %v group commits", engine, batches)
		})
	}
}
