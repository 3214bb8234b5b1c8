package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/metrics"
)

// storeMetrics are the store's figures for /metrics: its transactions, the
// group commit's batches (writer.go), its two connection pools and the
// outbox's queue. Labels are fixed words; no id or text of a record.
type storeMetrics struct {
	batch  *metrics.Histogram
	txs    *metrics.Counter
	writes *metrics.Counter
}

// batchBounds are the group commit's batch sizes, up to maxBatch.
var batchBounds = []float64{1, 2, 4, 8, 16, 32, 64}

// RegisterMetrics registers the store's families in r and starts counting.
// It is called once, after Open: a command that opens its store again (as
// serve does when the journal was broken before it was sealed) registers
// only the store it keeps.
func (db *DB) RegisterMetrics(r *metrics.Registry) {
	if r != nil {
		db.metrics.Store(newStoreMetrics(r, db))
	}
}

func newStoreMetrics(r *metrics.Registry, db *DB) *storeMetrics {
	m := &storeMetrics{
		batch: r.Histogram("lifeguard_db_write_batch_size",
			"Writes committed together by one group commit (internal/sqlstore/writer.go).", batchBounds),
		txs: r.Counter("lifeguard_db_transactions_total",
			"Database transactions, by pool (read or write) and outcome (commit; rollback, when its work failed or a batch kept nothing; error, when the database refused to begin or commit).",
			"pool", "outcome"),
		writes: r.Counter("lifeguard_db_writes_total",
			"Write operations of the store, by outcome (committed, or failed with an error of their own or of their batch).",
			"outcome"),
	}
	pools := []struct {
		name string
		db   *sql.DB
	}{{"read", db.read}, {"write", db.write}}
	stats := func(f func(sql.DBStats) float64) func(metrics.Emit) {
		return func(emit metrics.Emit) {
			for _, p := range pools {
				emit(f(p.db.Stats()), p.name)
			}
		}
	}
	pool := []string{"pool"}
	r.Collect("lifeguard_db_pool_max_open_connections", "The pool's limit on open connections (0: none).",
		metrics.KindGauge, pool, stats(func(s sql.DBStats) float64 { return float64(s.MaxOpenConnections) }))
	r.Collect("lifeguard_db_pool_open_connections", "Connections open, in use or idle.",
		metrics.KindGauge, pool, stats(func(s sql.DBStats) float64 { return float64(s.OpenConnections) }))
	r.Collect("lifeguard_db_pool_in_use_connections", "Connections in use.",
		metrics.KindGauge, pool, stats(func(s sql.DBStats) float64 { return float64(s.InUse) }))
	r.Collect("lifeguard_db_pool_idle_connections", "Idle connections.",
		metrics.KindGauge, pool, stats(func(s sql.DBStats) float64 { return float64(s.Idle) }))
	r.Collect("lifeguard_db_pool_waits_total", "Times a caller waited for a connection.",
		metrics.KindCounter, pool, stats(func(s sql.DBStats) float64 { return float64(s.WaitCount) }))
	r.Collect("lifeguard_db_pool_wait_seconds_total", "Time callers spent waiting for a connection.",
		metrics.KindCounter, pool, stats(func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }))
	r.Collect("lifeguard_db_pool_closed_idle_total", "Connections closed because too many were idle.",
		metrics.KindCounter, pool, stats(func(s sql.DBStats) float64 { return float64(s.MaxIdleClosed + s.MaxIdleTimeClosed) }))
	r.Collect("lifeguard_db_pool_closed_lifetime_total", "Connections closed at the end of their lifetime.",
		metrics.KindCounter, pool, stats(func(s sql.DBStats) float64 { return float64(s.MaxLifetimeClosed) }))
	r.Collect("lifeguard_outbox_messages",
		"Alerts in the outbox not delivered, by channel and state (waiting: still to be tried; given_up: shown to administrators, kept 90 days).",
		metrics.KindGauge, []string{"channel", "state"}, db.collectOutbox)
	return m
}

// tx counts a transaction's outcome.
func (m *storeMetrics) tx(pool, outcome string) {
	if m != nil {
		m.txs.Inc(pool, outcome)
	}
}

// batchDone counts a group commit: its size and its writes' outcomes.
func (m *storeMetrics) batchDone(size, committed int) {
	if m == nil {
		return
	}
	m.batch.Observe(float64(size))
	m.writes.Add(uint64(committed), "committed")
	m.writes.Add(uint64(size-committed), "failed")
}

// collectOutbox counts the outbox's undelivered messages at a scrape. It
// reads the database, so it is bounded in time; when the database does not
// answer the family is written without samples (the pool figures and
// /readyz say why).
func (db *DB) collectOutbox(emit metrics.Emit) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	counts := map[[2]string]float64{
		{"email", "waiting"}: 0, {"email", "given_up"}: 0, {"webhook", "waiting"}: 0, {"webhook", "given_up"}: 0,
	}
	err := db.inTx(ctx, db.read, db.d.readTx, "count outbox", func(t *tx) error {
		rows, err := t.query(ctx, `SELECT channel, failed_at IS NOT NULL, COUNT(*) FROM outbox
			WHERE delivered_at IS NULL GROUP BY channel, failed_at IS NOT NULL`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var ch string
			var failed bool
			var n int64
			if err := rows.Scan(&ch, &failed, &n); err != nil {
				return err
			}
			state := "waiting"
			if failed {
				state = "given_up"
			}
			counts[[2]string{ch, state}] = float64(n)
		}
		return rows.Err()
	})
	if err != nil {
		db.log.Warn("metrics: outbox not counted", "err", err.Error())
		return
	}
	for _, k := range [][2]string{{"email", "given_up"}, {"email", "waiting"}, {"webhook", "given_up"}, {"webhook", "waiting"}} {
		emit(counts[k], k[0], k[1])
	}
}
