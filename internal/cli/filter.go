package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/filter"
	"github.com/lifeguard-scp/lifeguard/internal/metrics"
)

// policyEngine is the policy engine as the filter command uses it: it
// checks and builds the policy part of a configuration.
type policyEngine interface {
	filter.PolicyBuilder
	Check(doc []byte) []lifeguard.Problem
}

func (e *env) filter(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "check" {
		return e.filterCheck(ctx, args[1:])
	}
	fs := e.command("filter", "filter [--config filter.yaml] [--server URL] [--metrics-listen ADDR]\n       lifeguard filter check filter.yaml")
	config := fs.String("config", "filter.yaml", "the filter's configuration file (docs/filter.md)")
	server := fs.String("server", "", "a Lifeguard server to take the policy from and send records to")
	token := fs.String("token", "", "the server's API token (default $LIFEGUARD_FILTER_TOKEN)")
	metricsAddr := fs.String("metrics-listen", "", "an address to serve Prometheus metrics on at /metrics, such as 127.0.0.1:9153 (default: none)")
	debug := fs.Bool("debug", false, "log debugging detail (never a name a client asked for)")
	if err := fs.parseArgs(args, 0, "filter takes no arguments; give the configuration with --config"); err != nil {
		return err
	}
	if *server == "" && *token != "" {
		return usageError("--token goes with --server; without them the filter runs standalone")
	}
	if *server != "" && *token == "" {
		if *token = os.Getenv("LIFEGUARD_FILTER_TOKEN"); *token == "" {
			return usageError("--server needs the filter account's token: --token, or $LIFEGUARD_FILTER_TOKEN (kept out of the process list)")
		}
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: level}))

	file, err := filter.LoadFile(*config)
	if err != nil {
		return e.filterProblems(*config, err)
	}
	engine, err := newPolicyEngine()
	if err != nil {
		return err
	}
	// At the end: stop the goroutines, let them finish (the records are
	// written, the spool flushed), then close the server link.
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var closers []func() error
	defer func() {
		cancel()
		wg.Wait()
		for _, c := range closers {
			c()
		}
	}()
	opts := filter.Options{Config: file.Config, BaseDir: file.BaseDir, Logger: log}
	var built filter.BuiltPolicy
	var poller *filter.Poller
	if *server == "" {
		if built, err = engine.Build(ctx, file.PolicyDoc, file.BaseDir); err != nil {
			return e.filterProblems(*config, err)
		}
		for _, s := range built.Skipped {
			log.Warn("list line skipped", slog.String("problem", s))
		}
		records, err := filter.OpenLocalRecords(file.Config.Records, file.BaseDir, nil, log)
		if err != nil {
			return err
		}
		wg.Go(func() { records.Run(ctx) })
		opts.Policy, opts.Events, opts.Reports = built.Decider, records, records
	} else {
		spool := file.Resolve(file.Config.Records.SpoolDir)
		link, err := newServerLink(*server, *token, spool, log)
		if err != nil {
			return err
		}
		closers = append(closers, link.Close)
		wg.Go(func() { link.Run(ctx) })
		poller = &filter.Poller{Source: link, Builder: engine, BaseDir: file.BaseDir, CacheFile: filepath.Join(spool, "policy.json"),
			Interval: file.Config.Reload.ServerInterval, Logger: log}
		first, cancelFirst := context.WithTimeout(ctx, 30*time.Second)
		d, err := poller.Poll(first)
		cancelFirst()
		if err != nil {
			log.Warn("the server's policy could not be had; starting with the copy kept from before", slog.String("error", err.Error()))
			if d, err = poller.Cached(ctx); err != nil {
				return fmt.Errorf("no policy to start with: the server gave none and no copy was kept: %w", err)
			}
		}
		opts.Policy, opts.Events, opts.Reports, opts.Attached = d, link, link, true
	}
	f, err := filter.New(opts)
	if err != nil {
		return err
	}
	l, err := f.Listen(ctx)
	if err != nil {
		return err
	}
	if *metricsAddr != "" {
		reg := metrics.NewRegistry()
		f.RegisterMetrics(reg)
		ms, err := metrics.Listen(*metricsAddr, reg, log)
		if err != nil {
			return usageError("--metrics-listen: %v", err)
		}
		log.Info("serving metrics", slog.String("addr", ms.Addr()))
		wg.Go(func() { ms.Serve(ctx) })
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	if poller == nil {
		rl := &filter.Reloader{Path: file.Path, Builder: engine, Filter: f, Running: file.Config, Interval: file.Config.Reload.PollInterval, Logger: log}
		rl.Start(built, file.BaseDir)
		wg.Go(func() { rl.Watch(ctx, hup) })
	} else {
		poller.Filter = f
		wg.Go(func() { poller.Run(ctx, hup) })
	}
	var addrs []string
	for _, u := range l.UDP {
		addrs = append(addrs, u.LocalAddr().String())
	}
	attrs := []any{slog.String("dns", strings.Join(addrs, " ")), slog.Bool("attached", poller != nil)}
	if l.DoH != nil {
		attrs = append(attrs, slog.String("doh", l.DoH.Addr().String()))
	}
	if l.BlockPage != nil {
		attrs = append(attrs, slog.String("block_page", l.BlockPage.Addr().String()))
	}
	log.Info("filtering", attrs...)
	err = f.Serve(ctx, l)
	st := f.Stats()
	log.Info("stopped", slog.Uint64("queries", st.Queries.Load()), slog.Uint64("blocked", st.Blocked.Load()), slog.Uint64("cache_hits", st.CacheHits.Load()))
	return err
}

// serverLink is the filter's link to a Lifeguard server
// (internal/filter/attach): it takes the policy from the server and sends
// blocked attempts, review requests and worries, spooled on disk.
type serverLink interface {
	filter.EventSink
	filter.Reporter
	filter.PolicySource
	Run(ctx context.Context) error
	Close() error
}

// filterCheck validates a configuration file, the filter's part and the
// policy's, and names every problem by its field path.
func (e *env) filterCheck(_ context.Context, args []string) error {
	fs := e.command("filter check", "filter check filter.yaml")
	if err := fs.parseArgs(args, 1, "filter check needs exactly one configuration file"); err != nil {
		return err
	}
	path := fs.Arg(0)
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	file, problems := filter.Parse(data)
	if file != nil {
		engine, err := newPolicyEngine()
		if err != nil {
			return err
		}
		problems = append(problems, engine.Check(file.PolicyDoc)...)
	}
	if len(problems) > 0 {
		return e.filterProblems(path, lifeguard.Invalid("invalid filter configuration", problems))
	}
	fmt.Fprintf(e.stdout, "%s is valid.\n", path)
	return nil
}

// filterProblems prints each problem of an EINVALID error on its own line,
// field path first, and exits 2; other errors pass through.
func (e *env) filterProblems(path string, err error) error {
	le, ok := errors.AsType[*lifeguard.Error](err)
	if !ok || le.Code != lifeguard.EINVALID {
		return err
	}
	fmt.Fprintf(e.stderr, "%s: %s:\n", path, le.Message)
	for _, p := range le.Problems {
		fmt.Fprintf(e.stderr, "  %s\n", p)
	}
	return &exitError{code: exitInvalid}
}
