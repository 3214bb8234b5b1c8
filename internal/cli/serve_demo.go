package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/demo"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// serve --demo seeds the stories, which the demo logins use, before it
// listens, and the rest of the partnership's year (demo.History, some six
// thousand concerns, a minute or more) after, in the background, so that the
// first run prints its address and logins quickly. Its progress is kept in
// the data directory (demoHistoryFile), so that a server stopped half way
// carries on at its next start rather than seeding again or leaving the
// year half told. PostgreSQL has no data directory to keep it in: there the
// year is added before the server listens, as before.

// demoHistoryFile holds a demo.History not yet wholly added.
func demoHistoryFile(dir string) string { return filepath.Join(dir, "demo-history.json") }

// seedDemo seeds the demonstration partnership into an empty database, and
// leaves a database that already has one as it is. It returns the number
// of concerns seeded and the history still to add in the background: a new
// one, or one that a server stopped before it was done.
func seedDemo(ctx context.Context, db *sqlstore.DB, s store, proc *procedure.Procedure, fw *lifeguard.Framework, clock *demo.Clock,
	password string, size demo.Size, scan lifeguard.CaptureScanner, logger *slog.Logger) (int, *demo.History, error) {
	orgs, err := db.Organisations(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err != nil {
		return 0, nil, err
	}
	if len(orgs) > 0 {
		if s.postgres() {
			return 0, nil, nil
		}
		h, err := readDemoHistory(s.dir)
		return 0, h, err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return 0, nil, err
	}
	seed := db
	if !s.postgres() {
		// On SQLite the stories go through a store of their own whose
		// commits are not synced, as the history's (demoHistory.start):
		// a demo cut off by a power cut is made again, in a new directory
		// or by deleting the old one.
		unsynced := s
		unsynced.noSync = true
		if seed, err = openData(ctx, unsynced, clock.Now, logger); err != nil {
			return 0, nil, err
		}
		defer seed.Close()
	}
	stores := demo.Stores{Orgs: seed, Concerns: seed, Triager: proc, Audits: seed, Plan: seed, Framework: fw, Policies: seed,
		Accounts: seed, Children: seed, Referrals: seed, Calendar: proc.Calendar(), Monitor: seed, Scan: scan, Retention: seed, Rights: seed, Consents: seed, Training: seed, Leads: seed, Prevention: seed}
	n, h, err := demo.SeedStories(ctx, stores, clock, hash, time.Now(), size)
	if err != nil || h == nil {
		return n, nil, err
	}
	if s.postgres() {
		err := h.Add(ctx, stores, clock, nil)
		return n + h.Recorded, nil, err
	}
	// Kept before the server listens, so that a stop at any moment
	// afterwards leaves the history to be carried on.
	if err := writeDemoHistory(s.dir, h); err != nil {
		return n, nil, err
	}
	return n, h, nil
}

// readDemoHistory returns the history kept in dir, or nil when there is
// none or it is done.
func readDemoHistory(dir string) (*demo.History, error) {
	b, err := os.ReadFile(demoHistoryFile(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("the demo's history: %w", err)
	}
	var h demo.History
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("the demo's history in %s: %w", demoHistoryFile(dir), err)
	}
	if h.Done {
		return nil, nil
	}
	return &h, nil
}

// writeDemoHistory keeps h in dir, whole or not at all.
func writeDemoHistory(dir string, h *demo.History) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	tmp := demoHistoryFile(dir) + ".new"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("keeping the demo's history: %w", err)
	}
	if err := os.Rename(tmp, demoHistoryFile(dir)); err != nil {
		return fmt.Errorf("keeping the demo's history: %w", err)
	}
	return nil
}

// demoHistory adds a demo's history in the background.
type demoHistory struct {
	pending atomic.Bool
	done    chan struct{}
}

// Pending reports whether the history is still being added: the report
// pages say so, so that nobody reads half a year as the partnership's.
func (d *demoHistory) Pending() bool { return d != nil && d.pending.Load() }

// start adds h through a store of its own, whose clock walks through the
// demo's year while the server's reads the real time. It stops, between
// two concerns, when ctx ends; wait waits for it.
func (d *demoHistory) start(ctx context.Context, s store, proc *procedure.Procedure, h *demo.History, e *env, logger *slog.Logger) error {
	clock := &demo.Clock{}
	// The demo's history can be made again, and on a power cut at worst a
	// few of its concerns are missing: its commits are not synced, which
	// makes adding it a good deal cheaper. Its writes are otherwise the
	// real ones.
	unsynced := s
	unsynced.noSync = true
	db, err := openData(ctx, unsynced, clock.Now, logger)
	if err != nil {
		if ctx.Err() != nil {
			return nil // stopped before it began: the next start begins it
		}
		return err
	}
	d.done = make(chan struct{})
	d.pending.Store(true)
	began, from := time.Now(), h.Next
	logger.Info("adding the demo's history", slog.Int("from", from))
	go func() {
		defer close(d.done)
		defer db.Close()
		err := h.Add(ctx, demo.Stores{Orgs: db, Concerns: db, Triager: proc, Children: db}, clock, func(h *demo.History) error {
			return writeDemoHistory(s.dir, h)
		})
		took := slog.Duration("took", time.Since(began).Round(time.Millisecond))
		switch {
		case err == nil:
			d.pending.Store(false)
			if err := os.Remove(demoHistoryFile(s.dir)); err != nil {
				logger.Warn("removing the demo's history file", slog.String("error", err.Error()))
			}
			logger.Info("demo history added", slog.Int("concerns", h.Next-from), slog.Int("of", h.Next), took)
			fmt.Fprintf(e.stdout, "Demo history added: the partnership's year of %d concerns is all there.\n", h.Recorded)
		case ctx.Err() != nil:
			logger.Info("demo history stopped; the next start carries on", slog.Int("added", h.Next), took)
		default:
			logger.Error("adding the demo's history", slog.String("error", err.Error()))
		}
	}()
	return nil
}

// wait waits for the history to stop, when one was started.
func (d *demoHistory) wait() {
	if d != nil && d.done != nil {
		<-d.done
	}
}
