package filter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// Reloading. A new policy is always built aside, from the files as they are
// now, and swapped in whole only when it built; a configuration or list that
// is broken leaves the policy in force untouched and says why in the log.
// Queries never wait for a reload: they read whichever policy is in force.

// Reloader rebuilds the policy from the configuration file on SIGHUP and
// when the file or one of its lists changes.
type Reloader struct {
	Path     string // the configuration file
	Builder  PolicyBuilder
	Filter   *Filter
	Running  Config // the DNS side in force: changes to it need a restart
	Interval time.Duration
	Logger   *slog.Logger

	mu     sync.Mutex // one reload at a time
	stamps map[string]stamp
}

type stamp struct {
	size int64
	mod  time.Time
	ok   bool
}

func statStamp(path string) stamp {
	fi, err := os.Stat(path)
	if err != nil {
		return stamp{}
	}
	return stamp{size: fi.Size(), mod: fi.ModTime(), ok: true}
}

// Start records what to watch for the policy built at start: the
// configuration file and the list files it was built from.
func (rl *Reloader) Start(built BuiltPolicy, baseDir string) {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	rl.stamps = map[string]stamp{rl.Path: statStamp(rl.Path)}
	for _, p := range built.Files {
		if !filepath.IsAbs(p) {
			p = filepath.Join(baseDir, p)
		}
		rl.stamps[p] = statStamp(p)
	}
}

// Reload rebuilds the policy and swaps it in, or keeps the one in force and
// returns why not.
func (rl *Reloader) Reload(ctx context.Context) error {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	log := rl.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	// Take the stamps first: a change made while building is seen next time.
	files := []string{rl.Path}
	for f := range rl.stamps {
		if f != rl.Path {
			files = append(files, f)
		}
	}
	stamps := make(map[string]stamp, len(files))
	for _, f := range files {
		stamps[f] = statStamp(f)
	}
	err := rl.reload(ctx, log, stamps)
	if rl.stamps == nil || err == nil {
		rl.stamps = stamps
	} else {
		// Remember what was seen, so a broken file is not rebuilt on every
		// poll, but keep watching the files of the policy in force.
		for f, s := range stamps {
			rl.stamps[f] = s
		}
	}
	if err != nil {
		log.Error("reload failed; the policy in force stays", slog.String("file", rl.Path), slog.String("error", err.Error()))
	}
	return err
}

func (rl *Reloader) reload(ctx context.Context, log *slog.Logger, stamps map[string]stamp) error {
	start := time.Now()
	f, err := LoadFile(rl.Path)
	if err != nil {
		return err
	}
	if !f.Config.equal(rl.Running) {
		log.Warn("settings outside the policy changed; they take effect when the filter restarts", slog.String("file", rl.Path))
	}
	built, err := rl.Builder.Build(ctx, f.PolicyDoc, f.BaseDir)
	if err != nil {
		return fmt.Errorf("building the policy: %w", err)
	}
	for _, s := range built.Skipped {
		log.Warn("list line skipped", slog.String("problem", s))
	}
	rl.Filter.SetPolicy(built.Decider)
	for _, p := range built.Files {
		if !filepath.IsAbs(p) {
			p = filepath.Join(f.BaseDir, p)
		}
		if _, ok := stamps[p]; !ok {
			stamps[p] = statStamp(p)
		}
	}
	log.Info("policy reloaded", slog.Int("lists", len(built.Files)), slog.Int("skipped_lines", len(built.Skipped)), slog.Duration("took", time.Since(start)))
	return nil
}

// changed reports whether any watched file differs from its stamp.
func (rl *Reloader) changed() bool {
	rl.mu.Lock()
	defer rl.mu.Unlock()
	for f, s := range rl.stamps {
		if statStamp(f) != s {
			return true
		}
	}
	return false
}

// Watch reloads on every signal on hup and, every Interval (when not 0),
// when a watched file changed, until ctx ends. Call Start or Reload first:
// they record what to watch.
func (rl *Reloader) Watch(ctx context.Context, hup <-chan os.Signal) {
	var tick <-chan time.Time
	if rl.Interval > 0 {
		t := time.NewTicker(rl.Interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			rl.Reload(ctx)
		case <-tick:
			if rl.changed() {
				rl.Reload(ctx)
			}
		}
	}
}

// PolicySource is where an attached filter takes its policy from: the
// Lifeguard server (attach.Client satisfies it).
type PolicySource interface {
	Policy(ctx context.Context, etag string) (doc []byte, newETag string, changed bool, err error)
}

// Poller keeps an attached filter's policy in step with the server: it asks
// with the ETag of the policy in force and rebuilds only on change. The last
// document that built is kept in CacheFile, so a restart while the server is
// unreachable starts with the organisation's policy, not none.
type Poller struct {
	Source    PolicySource
	Builder   PolicyBuilder
	Filter    *Filter // nil until the filter exists: Poll then only builds
	BaseDir   string
	CacheFile string
	Interval  time.Duration
	Logger    *slog.Logger

	etag string
}

// ErrNoPolicy means the server has no policy for the organisation and none
// was kept from before.
var ErrNoPolicy = errors.New("the server has no filter policy for this organisation")

// Poll asks the server once. It returns the newly built policy (nil when
// nothing changed); it swaps it into Filter when there is one.
func (p *Poller) Poll(ctx context.Context) (Decider, error) {
	doc, etag, changed, err := p.Source.Policy(ctx, p.etag)
	if err != nil {
		return nil, err
	}
	if !changed {
		return nil, nil
	}
	built, err := p.Builder.Build(ctx, doc, p.BaseDir)
	p.etag = etag // a document that does not build is not rebuilt until it changes
	if err != nil {
		return nil, fmt.Errorf("building the server's policy: %w", err)
	}
	if p.CacheFile != "" {
		if err := writeFileAtomic(p.CacheFile, doc); err != nil && p.Logger != nil {
			p.Logger.Warn("keeping a copy of the server's policy failed", slog.String("error", err.Error()))
		}
	}
	if p.Filter != nil {
		p.Filter.SetPolicy(built.Decider)
	}
	return built.Decider, nil
}

// Cached builds the policy kept from the server's last document, for a
// start while the server is unreachable.
func (p *Poller) Cached(ctx context.Context) (Decider, error) {
	doc, err := os.ReadFile(p.CacheFile)
	if err != nil {
		return nil, err
	}
	built, err := p.Builder.Build(ctx, doc, p.BaseDir)
	if err != nil {
		return nil, err
	}
	return built.Decider, nil
}

// Run polls every Interval until ctx ends, and at once on every signal on
// hup, which also rebuilds an unchanged document (to pick up changed list
// files). Failures are logged; the policy in force stays.
func (p *Poller) Run(ctx context.Context, hup <-chan os.Signal) {
	t := time.NewTicker(p.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			p.etag = ""
		case <-t.C:
		}
		if _, err := p.Poll(ctx); err != nil && ctx.Err() == nil && p.Logger != nil {
			p.Logger.Error("policy update from the server failed; the policy in force stays", slog.String("error", err.Error()))
		}
	}
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".policy-*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err = errors.Join(err, tmp.Sync(), tmp.Close()); err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
