// Package jobs runs Lifeguard's scheduled work (deadline reminders,
// retention, delivering the alerts in the outbox) on every server, with
// each run of a job happening once across all of them. The store decides
// who runs a slot (lifeguard.JobStore); this package ticks, claims, runs,
// renews the lease while a run lasts, and finishes or releases the slot.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Job is one piece of scheduled work. Run is given the slot it runs for
// (the start of its period) and must be safe to run again over the same
// slot: a server that dies mid-run leaves the slot to another, which runs it
// from the start.
type Job struct {
	Name  string
	Every time.Duration // the period: one run per slot of this length
	Run   func(ctx context.Context, slot time.Time) error
}

// Config configures a Scheduler. Zero durations take the defaults shown.
type Config struct {
	Store lifeguard.JobStore
	Jobs  []Job
	// Holder names this server in the job table; default host:pid.
	Holder string
	// Tick is how often due slots are looked for (default 30s). A slot
	// starts at most one Tick late.
	Tick time.Duration
	// Lease is how long a claim holds without renewal (default 2m); a run
	// renews it every Lease/3. A dead server's slot waits this long.
	Lease  time.Duration
	Now    func() time.Time
	Logger *slog.Logger
	// Metrics counts runs; nil counts nothing.
	Metrics *Metrics
}

// Scheduler runs its jobs' due slots.
type Scheduler struct {
	cfg Config
}

// New checks cfg and returns its Scheduler.
func New(cfg Config) (*Scheduler, error) {
	if cfg.Store == nil {
		return nil, fmt.Errorf("jobs: no store")
	}
	seen := map[string]bool{}
	for _, j := range cfg.Jobs {
		if j.Name == "" || j.Every <= 0 || j.Run == nil {
			return nil, fmt.Errorf("jobs: job %q needs a name, a period and a function", j.Name)
		}
		if seen[j.Name] {
			return nil, fmt.Errorf("jobs: job %q twice", j.Name)
		}
		seen[j.Name] = true
	}
	if cfg.Holder == "" {
		host, _ := os.Hostname()
		cfg.Holder = fmt.Sprintf("%s:%d", host, os.Getpid())
	}
	if cfg.Tick <= 0 {
		cfg.Tick = 30 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{cfg: cfg}, nil
}

// Run ticks until ctx ends, running each job's current slot once it is due
// and not already done or held by another server.
func (s *Scheduler) Run(ctx context.Context) error {
	t := time.NewTicker(s.cfg.Tick)
	defer t.Stop()
	for {
		s.RunDue(ctx)
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// RunDue runs, one after another, the current slot of every job that this
// server can claim now. Tests call it directly, from several schedulers at
// once, to play several servers.
func (s *Scheduler) RunDue(ctx context.Context) {
	ctx = lifeguard.WithActor(ctx, lifeguard.SystemActor())
	for _, j := range s.cfg.Jobs {
		if ctx.Err() != nil {
			return
		}
		now := s.cfg.Now()
		slot := Slot(now, j.Every)
		// Earlier slots first, so work is done in order: only those a
		// server started and did not finish (see lifeguard.JobClaim.Retry).
		for back := retrySlots; back > 0; back-- {
			s.runOne(ctx, j, slot.Add(-time.Duration(back)*j.Every), true)
		}
		s.runOne(ctx, j, slot, false)
	}
}

// retrySlots is how many past slots of a job are retried if unfinished: a
// run that keeps failing is given up after this many periods, and its
// failures stay in the job table for the operator.
const retrySlots = 3

// Slot is the slot of a job with period every that now falls in: periods
// are counted from the Unix epoch in UTC, so every server agrees on them.
func Slot(now time.Time, every time.Duration) time.Time {
	return now.UTC().Truncate(every)
}

func (s *Scheduler) runOne(ctx context.Context, j Job, slot time.Time, retry bool) {
	now := s.cfg.Now()
	c := lifeguard.JobClaim{Job: j.Name, Slot: slot, Holder: s.cfg.Holder, Until: now.Add(s.cfg.Lease), Retry: retry}
	log := s.cfg.Logger.With(slog.String("job", j.Name), slog.Time("slot", c.Slot))
	ok, err := s.cfg.Store.ClaimJob(ctx, c, now)
	if err != nil {
		log.Warn("job not claimed", slog.String("err", err.Error()))
		return
	}
	if !ok {
		return
	}
	runCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.renew(runCtx, cancel, c, log)
	}()
	start := time.Now()
	runErr := s.safeRun(runCtx, j, c.Slot)
	lost := runCtx.Err() != nil && ctx.Err() == nil
	cancel()
	wg.Wait()
	if lost {
		// Another server took the slot over; its run is the one that counts.
		s.cfg.Metrics.run(j.Name, "lost", time.Since(start))
		log.Warn("job lease lost during the run")
		return
	}
	if runErr != nil {
		s.cfg.Metrics.run(j.Name, "failed", time.Since(start))
	} else {
		s.cfg.Metrics.run(j.Name, "done", time.Since(start))
	}
	failure := ""
	if runErr != nil {
		failure = runErr.Error()
	}
	if err := s.cfg.Store.FinishJob(context.WithoutCancel(ctx), c, s.cfg.Now(), failure); err != nil {
		log.Warn("job not finished", slog.String("err", err.Error()))
		return
	}
	if runErr != nil {
		log.Warn("job failed; another tick will retry", slog.String("err", failure))
		return
	}
	log.Info("job done", slog.Duration("took", time.Since(start)))
}

// safeRun runs the job, turning a panic into an error so one bad run
// cannot take the server down or hold the slot until the lease lapses.
func (s *Scheduler) safeRun(ctx context.Context, j Job, slot time.Time) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v", v)
		}
	}()
	return j.Run(ctx, slot)
}

// renew extends the lease every Lease/3 until ctx ends, and cancels the run
// if the claim was lost.
func (s *Scheduler) renew(ctx context.Context, cancel context.CancelFunc, c lifeguard.JobClaim, log *slog.Logger) {
	t := time.NewTicker(s.cfg.Lease / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		c.Until = s.cfg.Now().Add(s.cfg.Lease)
		if err := s.cfg.Store.RenewJob(ctx, c); err != nil {
			if lifeguard.ErrorCode(err) == lifeguard.ECONFLICT {
				cancel()
				return
			}
			log.Warn("job lease not renewed", slog.String("err", err.Error()))
		}
	}
}
