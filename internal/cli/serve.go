package cli

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/api"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/demo"
	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/metrics"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/server"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

func (e *env) serve(ctx context.Context, args []string) error {
	fs := e.storeCommand("serve", "serve [--data DIR | --database URL] [--listen ADDR] [--procedure LOCAL.yaml] [--audit-framework LOCAL.yaml] [--demo [--demo-password P]]")
	listen := fs.String("listen", "127.0.0.1:8080", "the address to listen on")
	local := fs.String("procedure", "", "a local procedure file over the England baseline")
	localFramework := fs.String("audit-framework", "", "a local self-audit framework file over the baseline (docs/audit.md)")
	demoMode := fs.Bool("demo", false, "seed a demonstration partnership (in a new temporary directory unless --data or --database is given; into PostgreSQL only when its database is empty)")
	demoPassword := fs.String("demo-password", "", "the password of every demo account (random when not given)")
	demoSize := fs.String("demo-size", "full", "how much of the demo partnership to seed: full (a real area's year of concerns, tens of seconds) or stories (the demo logins' organisations alone, a few seconds)")
	retention := fs.Duration("filter-retention", 0, "deprecated: give the rule filter_record days=N in the --retention-schedule file instead; when given, how long the DNS filter's blocked attempts are kept in place of that rule (0 keeps them for ever)")
	metricsAddr := fs.String("metrics-listen", "", "an address to serve Prometheus metrics on at /metrics, such as 127.0.0.1:9090; keep it off the public network (default: none)")
	retentionFile := fs.String("retention-schedule", "", "a local retention schedule `FILE` whose rules replace the shipped ones (docs/retention.md)")
	monitorLibrary := fs.String("monitor-library", "", "a local phrase library `FILE` merged onto the baseline that captures are scanned with (docs/monitor.md)")
	secure := fs.Bool("secure-cookies", false, "mark the session cookie Secure: set it whenever users reach Lifeguard over HTTPS (directly or through a proxy)")
	trustProxy := fs.Bool("trust-proxy", false, "count sign-in failures against the client's address that the reverse proxy puts last in X-Forwarded-For; only when nothing but the proxy can reach --listen")
	var alerts alertFlags
	alerts.register(fs.FlagSet)
	var backups backupFlags
	backups.register(fs.FlagSet)
	if err := fs.parseArgs(args, 0, "serve takes no arguments"); err != nil {
		return err
	}
	sender, err := alerts.sender()
	if err != nil {
		return err
	}
	base, err := alerts.baseURL()
	if err != nil {
		return err
	}
	if *retention < 0 {
		return usageError("--filter-retention must not be negative")
	}
	if *retention != 0 && *retention < time.Hour {
		return usageError("--filter-retention must be at least 1h, or 0 to keep blocked attempts for ever")
	}
	if *demoPassword != "" && !*demoMode {
		return usageError("--demo-password goes with --demo")
	}
	size, ok := demo.ParseSize(*demoSize)
	if !ok {
		return usageError("--demo-size must be full or stories, not %q", *demoSize)
	}
	if given(fs.FlagSet, "demo-size") && !*demoMode {
		return usageError("--demo-size goes with --demo")
	}
	s, err := fs.where.store()
	if err != nil {
		return err
	}
	if err := backups.check(fs.FlagSet, s); err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	proc, err := loadProcedure(*local)
	if err != nil {
		return err
	}
	fw, err := loadFramework(*localFramework)
	if err != nil {
		return err
	}
	if *demoMode && !s.postgres() && !fs.where.set("data") {
		// A fresh directory each time, so the demo always starts whole.
		if s.dir, err = os.MkdirTemp("", "lifeguard-demo-"); err != nil {
			return err
		}
		if s.keyDefault {
			s.key = defaultJournalKey(s.dir)
		}
	}
	schedule, err := loadRetentionSchedule(*retentionFile)
	if err == nil && given(fs.FlagSet, "filter-retention") {
		// Kept working as an override of the schedule's rule, so that a
		// server started with it keeps its period; it says what replaces it.
		schedule = schedule.WithFilterRetention(*retention)
		fmt.Fprintln(e.stderr, "lifeguard serve: --filter-retention is deprecated and will be removed: put the rule "+
			"\"filter_record days=N\" in a --retention-schedule file instead (docs/retention.md). It overrides that rule for now.")
	}
	if err != nil {
		return err
	}
	library, err := loadMonitorLibrary(*monitorLibrary)
	if err != nil {
		return err
	}
	clock := &demo.Clock{}
	db, err := openData(ctx, s, clock.Now, logger)
	if err != nil {
		return err
	}
	defer db.Close()
	var reg *metrics.Registry
	if *metricsAddr != "" {
		reg = metrics.NewRegistry()
		db.RegisterMetrics(reg)
	}
	if s.key == "" {
		logger.Warn("the journal is not sealed: without --journal-key, entries cut off from its end would not show (docs/operations.md)")
	}

	var seeded int
	var history *demo.History
	var background *demoHistory
	password := *demoPassword
	if *demoMode {
		if password == "" {
			password = randomPassword()
		} else if problems := auth.CheckPassword(password); len(problems) > 0 {
			return usageError("--demo-password: %s", problems[0].Problem)
		}
		began := time.Now()
		if seeded, history, err = seedDemo(ctx, db, s, proc, fw, clock, password, size, library.CaptureScanner(), logger); err != nil {
			return err
		}
		if history != nil {
			background = &demoHistory{}
			background.pending.Store(true)
		}
		if seeded > 0 {
			logger.Info("demo seeded", slog.Int("concerns", seeded), slog.Duration("took", time.Since(began).Round(time.Millisecond)))
		}
	}

	// Only the accounts the demo seed created, by id, pass without a
	// second factor; a user added later does not, whatever their address.
	var demoAccounts []int64
	if *demoMode {
		if demoAccounts, err = db.DemoAccounts(lifeguard.WithActor(ctx, lifeguard.SystemActor())); err != nil {
			return err
		}
	}
	svc := auth.New(db, auth.Config{Factors: db, Logger: logger})
	// New concerns are triaged under the partnership's newest directory
	// version, read from the database at each triage so that every server
	// sharing it applies a saved version at once; proc is the procedure of
	// a partnership that has saved none.
	live := &procedure.Live{Base: proc, Store: db}
	pages, err := web.New(web.Config{
		Stores: web.Stores{Concerns: db, Children: db, Orgs: db, Preferences: db, Alerts: db, Transfers: db, Referrals: db, Reminders: db,
			Audits: db, Plan: db, Filter: db, Reports: db, Drafts: db, Outbox: db, Webhooks: db,
			Monitor: db, Providers: db, Policies: db, Directory: db, Retention: db, Rights: db, Consents: db, Training: db, Prevention: db},
		Framework:     fw,
		Retention:     &schedule,
		Auth:          svc,
		Procedure:     proc,
		Live:          live,
		Logger:        logger,
		Demo:          *demoMode,
		DemoAccounts:  demoAccounts,
		DemoPending:   background.Pending,
		SecureCookies: *secure,
		TrustProxy:    *trustProxy,
		// A nil *mail.Sender means none: email alerts wait in the outbox.
		MailConfigured: sender != nil,
	})
	if err != nil {
		return err
	}
	srv := server.New(server.Config{
		Addr:    *listen,
		Logger:  logger,
		Auth:    svc,
		Pages:   pages,
		Ready:   readiness{db},
		Metrics: reg,
		API: &api.API{Concerns: db, Children: db, Orgs: db, Triager: live, Directory: db, Procedure: proc, Filter: db, Webhooks: db, Referrals: db, Calendar: proc.Calendar(),
			Monitor: db, Scan: library.CaptureScanner(), Audits: db, Plan: db, Framework: fw, Policies: db, Rights: db, Consents: db, Training: db, Prevention: db, Retention: db,
			HashPassword: auth.HashPassword, CheckPassword: auth.CheckPassword, Logger: logger},
	})
	if err := srv.Listen(); err != nil {
		return err
	}
	url := "http://" + srv.Addr()
	if base == "" {
		base = url
	}
	fmt.Fprintf(e.stdout, "Lifeguard is running at %s (procedure: %s %s)\n", url, proc.Ref().Name, proc.Ref().Version)
	fmt.Fprintf(e.stdout, "Data: %s\n", s)
	if *demoMode {
		e.printDemo(url, s, seeded, password, history != nil)
	}
	logger.Info("serving", slog.String("addr", srv.Addr()))

	// Scheduled work runs on every server; the store lets one of them run
	// each slot (internal/jobs).
	delivery := newDelivery(db, sender, base, clock.Now, logger)
	jobMetrics := jobs.NewMetrics(reg)
	delivery.Metrics = jobMetrics
	scheduled := []jobs.Job{
		jobs.Reminders(db, jobs.ReminderWarn, clock.Now, logger),
		jobs.Retention(db, jobs.DefaultRetention(), clock.Now, logger),
		jobs.PolicyReviews(db, proc.Calendar().Location(), clock.Now, logger),
		jobs.TrainingReminders(db, proc.Calendar().Location(), clock.Now, logger),
		jobs.Erasure(db, schedule, jobs.ErasureBatch, clock.Now, logger),
		jobs.Escalations(db, clock.Now, logger),
		jobs.Digests(db, lifeguard.DigestNew, clock.Now, logger),
		jobs.Digests(db, lifeguard.DigestOverdue, clock.Now, logger),
		delivery.Job(),
	}
	if *backups.every > 0 {
		scheduled = append(scheduled, backupJob(db, *backups.dir, *backups.every, *backups.keep, logger))
		fmt.Fprintf(e.stdout, "Backups: every %s into %s, keeping %d\n", *backups.every, *backups.dir, *backups.keep)
	}
	sched, err := jobs.New(jobs.Config{Store: db, Now: clock.Now, Logger: logger, Holder: delivery.Holder, Metrics: jobMetrics,
		Jobs: scheduled})
	if err != nil {
		return err
	}
	jobCtx, stopJobs := context.WithCancel(ctx)
	if *metricsAddr != "" {
		ms, err := metrics.Listen(*metricsAddr, reg, logger)
		if err != nil {
			stopJobs()
			return usageError("--metrics-listen: %v", err)
		}
		fmt.Fprintf(e.stdout, "Metrics: http://%s/metrics\n", ms.Addr())
		logger.Info("serving metrics", slog.String("addr", ms.Addr()))
		metricsDone := make(chan struct{})
		go func() {
			defer close(metricsDone)
			ms.Serve(jobCtx)
		}()
		defer func() { <-metricsDone }()
	}
	jobsDone := make(chan struct{}, 2)
	go func() {
		defer func() { jobsDone <- struct{}{} }()
		sched.Run(jobCtx)
	}()
	// Alerts written on this server go out at once, not at the next slot.
	go func() {
		defer func() { jobsDone <- struct{}{} }()
		delivery.Listen(jobCtx, db.OutboxWritten())
	}()
	defer func() {
		stopJobs()
		<-jobsDone
		<-jobsDone
	}()
	if history != nil {
		if err := background.start(ctx, s, proc, history, e, logger); err != nil {
			return err
		}
		defer background.wait()
	}
	return srv.Serve(ctx)
}

func (e *env) printDemo(url string, s store, seeded int, password string, adding bool) {
	if seeded > 0 {
		fmt.Fprintf(e.stdout, "Demo partnership seeded: Riverside Safeguarding Children Partnership, %d concerns over two years.\n", seeded)
	}
	if adding {
		fmt.Fprintf(e.stdout, "The rest of the partnership's year of concerns is being added in the background (a minute or two);\n"+
			"until it is, the board report and Our figures say so.\n")
	}
	fmt.Fprintf(e.stdout, "Demo logins (password %s):\n", password)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, l := range demo.Logins() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Email, l.Kind(), l.Org)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "Try the API as the safeguarding lead:\n  TOKEN=$(go run ./cmd/lifeguard token create %s --email dsl@demo.test)\n  curl -H \"Authorization: Bearer $TOKEN\" '%s/api/v1/concerns?order=priority'\n", s.where(), url)
}

// randomPassword is a demo password that is easy to read and type.
func randomPassword() string {
	const letters = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 16)
	rand.Read(b)
	var sb strings.Builder
	for i, c := range b {
		if i > 0 && i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(letters[int(c)%len(letters)])
	}
	return sb.String()
}

// readiness tells the load balancer whether this server can serve: the
// database answers and its schema is the one this binary expects.
type readiness struct{ db *sqlstore.DB }

func (r readiness) Ready(ctx context.Context) error {
	current, latest, err := r.db.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if current != latest {
		return fmt.Errorf("schema version %d, this binary needs %d", current, latest)
	}
	return nil
}
