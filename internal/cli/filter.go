package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/filter"
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
	fs := e.newFlags("filter", "filter [--config filter.yaml] [--server URL]\n       lifeguard filter check filter.yaml")
	config := fs.String("config", "filter.yaml", "the filter's configuration file (docs/filter.md)")
	server := fs.String("server", "", "a Lifeguard server to take the policy from and send records to")
	token := fs.String("token", "", "the server's API token (default $LIFEGUARD_FILTER_TOKEN)")
	debug := fs.Bool("debug", false, "log debugging detail (never names or addresses)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("filter takes no arguments; give the configuration with --config")
	}
	if *token == "" {
		*token = os.Getenv("LIFEGUARD_FILTER_TOKEN")
	}
	if *server != "" || *token != "" {
		return usageError("--server and --token: attaching to a Lifeguard server needs internal/filter/attach, which this build does not have yet; run standalone from --config")
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
	built, err := engine.Build(ctx, file.PolicyDoc, file.BaseDir)
	if err != nil {
		return e.filterProblems(*config, err)
	}
	for _, s := range built.Skipped {
		log.Warn("list line skipped", slog.String("problem", s))
	}
	records, err := filter.OpenLocalRecords(file.Config.Records, file.BaseDir, nil, log)
	if err != nil {
		return err
	}
	f, err := filter.New(filter.Options{
		Config: file.Config, BaseDir: file.BaseDir, Policy: built.Decider,
		Events: records, Reports: records, Logger: log,
	})
	if err != nil {
		return err
	}
	l, err := f.Listen(ctx)
	if err != nil {
		return err
	}
	rl := &filter.Reloader{Path: file.Path, Builder: engine, Filter: f, Running: file.Config, Interval: file.Config.Reload.PollInterval, Logger: log}
	rl.Start(built, file.BaseDir)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{}, 2)
	go func() { rl.Watch(ctx, hup); done <- struct{}{} }()
	go func() { records.Run(ctx); done <- struct{}{} }()
	var addrs []string
	for _, u := range l.UDP {
		addrs = append(addrs, u.LocalAddr().String())
	}
	attrs := []any{slog.String("dns", strings.Join(addrs, " ")), slog.Int("lists", len(built.Files)), slog.Int("skipped_lines", len(built.Skipped))}
	if l.DoH != nil {
		attrs = append(attrs, slog.String("doh", l.DoH.Addr().String()))
	}
	if l.BlockPage != nil {
		attrs = append(attrs, slog.String("block_page", l.BlockPage.Addr().String()))
	}
	log.Info("filtering", attrs...)
	err = f.Serve(ctx, l)
	cancel()
	<-done
	<-done
	s := f.Stats()
	log.Info("stopped", slog.Uint64("queries", s.Queries.Load()), slog.Uint64("blocked", s.Blocked.Load()), slog.Uint64("cache_hits", s.CacheHits.Load()))
	return err
}

// filterCheck validates a configuration file, the filter's part and the
// policy's, and names every problem by its field path.
func (e *env) filterCheck(_ context.Context, args []string) error {
	fs := e.newFlags("filter check", "filter check filter.yaml")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("filter check needs exactly one configuration file")
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
