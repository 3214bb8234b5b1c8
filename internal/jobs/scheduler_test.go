package jobs_test

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// servers opens n stores on one database, as n Lifeguard servers would:
// each has its own pools and its own writer, so nothing but the database
// stands between them.
type servers func(t *testing.T, n int) []*sqlstore.DB

func sqliteServers(t *testing.T, n int) []*sqlstore.DB {
	return openN(t, n, sqlstore.Config{Path: filepath.Join(t.TempDir(), "lifeguard.db")})
}

func postgresServers(t *testing.T, n int) []*sqlstore.DB {
	return openN(t, n, sqlstore.Config{DSN: pgtest.Database(t)})
}

func openN(t *testing.T, n int, cfg sqlstore.Config) []*sqlstore.DB {
	t.Helper()
	dbs := make([]*sqlstore.DB, n)
	for i := range dbs {
		db, err := sqlstore.Open(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if i == 0 {
			if err := db.Migrate(lifeguard.WithActor(t.Context(), lifeguard.SystemActor())); err != nil {
				t.Fatal(err)
			}
		}
		dbs[i] = db
	}
	return dbs
}

func TestRunsOnceAcrossServers(t *testing.T) {
	for name, open := range map[string]servers{"SQLite": sqliteServers, "PostgreSQL": postgresServers} {
		t.Run(name, func(t *testing.T) { testRunsOnce(t, open) })
	}
}

// clock is a time every server of a test shares, moved by the test.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time      { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) add(d time.Duration) { c.ns.Add(int64(d)) }
func newClock(t0 time.Time) *clock   { c := &clock{}; c.ns.Store(t0.UnixNano()); return c }
func slotKey(t time.Time) string     { return t.UTC().Format(time.RFC3339) }
func minuteJob(run func(context.Context, time.Time) error) jobs.Job {
	return jobs.Job{Name: "count", Every: time.Minute, Run: run}
}

// testRunsOnce plays three servers ticking together over an hour of
// one-minute slots, with a fourth that claims some slots and dies before
// running them, and a job that fails on its first attempt at some slots.
// Every slot must run to completion exactly once.
func testRunsOnce(t *testing.T, open servers) {
	dbs := open(t, 3)
	clk := newClock(time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
	var mu sync.Mutex
	runs := map[string]int{}     // completed runs per slot
	attempts := map[string]int{} // attempts per slot, failed ones included
	job := minuteJob(func(ctx context.Context, slot time.Time) error {
		mu.Lock()
		defer mu.Unlock()
		k := slotKey(slot)
		attempts[k]++
		if slot.Minute()%7 == 3 && attempts[k] == 1 {
			return errors.New("the first attempt at this slot fails")
		}
		runs[k]++
		return nil
	})
	var scheds []*jobs.Scheduler
	for i, db := range dbs {
		s, err := jobs.New(jobs.Config{Store: db, Jobs: []jobs.Job{job}, Holder: string(rune('a' + i)),
			Lease: 90 * time.Second, Now: clk.now})
		if err != nil {
			t.Fatal(err)
		}
		scheds = append(scheds, s)
	}
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	const steps = 180 // 20-second ticks: an hour
	for step := range steps {
		// A dead server: claims the slot at its start and never runs it.
		if now := clk.now(); step%3 == 0 && now.Minute()%5 == 1 {
			if ok, err := dbs[step%3].ClaimJob(sys, lifeguard.JobClaim{Job: "count", Slot: jobs.Slot(now, time.Minute),
				Holder: "dead", Until: now.Add(40 * time.Second)}, now); err != nil || !ok {
				t.Fatalf("dead server's claim: %v %v", ok, err)
			}
		}
		var wg sync.WaitGroup
		for _, s := range scheds {
			wg.Go(func() { s.RunDue(t.Context()) })
		}
		wg.Wait()
		clk.add(20 * time.Second)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(runs) != steps/3 {
		t.Errorf("%d slots ran, want %d", len(runs), steps/3)
	}
	for k, n := range runs {
		if n != 1 {
			t.Errorf("slot %s ran %d times", k, n)
		}
	}
	retried := 0
	for k, n := range attempts {
		if n > 1 {
			retried++
		}
		if runs[k] != 1 {
			t.Errorf("slot %s never completed (%d attempts)", k, n)
		}
	}
	if retried == 0 {
		t.Error("no slot was retried after a failure; the test did not test retries")
	}
	recorded, err := dbs[0].JobRuns(sys, "count", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recorded {
		if r.Outcome != "done" {
			t.Errorf("slot %s: outcome %q, want done", slotKey(r.Slot), r.Outcome)
		}
	}
}

// TestLeaseRenewedDuringLongRun checks that a run longer than the lease
// keeps its slot: the lease is renewed while the run lasts, so another
// server never starts the same slot alongside it.
func TestLeaseRenewedDuringLongRun(t *testing.T) {
	dbs := sqliteServers(t, 2)
	const lease = 1500 * time.Millisecond
	started, release := make(chan struct{}), make(chan struct{})
	var runs atomic.Int32
	long := jobs.Job{Name: "long", Every: time.Hour, Run: func(ctx context.Context, _ time.Time) error {
		if runs.Add(1) == 1 {
			close(started)
			<-release
		}
		return nil
	}}
	a, err := jobs.New(jobs.Config{Store: dbs[0], Jobs: []jobs.Job{long}, Holder: "a", Lease: lease})
	if err != nil {
		t.Fatal(err)
	}
	b, err := jobs.New(jobs.Config{Store: dbs[1], Jobs: []jobs.Job{long}, Holder: "b", Lease: lease})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { a.RunDue(t.Context()); close(done) }()
	<-started
	time.Sleep(4 * lease) // long past the first lease: only renewals keep it
	b.RunDue(t.Context())
	close(release)
	<-done
	if n := runs.Load(); n != 1 {
		t.Errorf("the slot ran %d times, want once", n)
	}
}

func TestConfigErrors(t *testing.T) {
	db := sqliteServers(t, 1)[0]
	run := func(context.Context, time.Time) error { return nil }
	for name, cfg := range map[string]jobs.Config{
		"no store":   {Jobs: []jobs.Job{{Name: "x", Every: time.Minute, Run: run}}},
		"no name":    {Store: db, Jobs: []jobs.Job{{Every: time.Minute, Run: run}}},
		"no period":  {Store: db, Jobs: []jobs.Job{{Name: "x", Run: run}}},
		"no func":    {Store: db, Jobs: []jobs.Job{{Name: "x", Every: time.Minute}}},
		"same twice": {Store: db, Jobs: []jobs.Job{{Name: "x", Every: time.Minute, Run: run}, {Name: "x", Every: time.Hour, Run: run}}},
	} {
		if _, err := jobs.New(cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
