package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/report"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// BenchmarkCreateConcern records concerns, each with a new child, as
// reporters do: validation, JSON, the child, the concern, its types and two
// journal entries, committed with synchronous=FULL on SQLite. "serial" is
// one reporter after another; "parallel16" is sixteen at once, where group
// commit shares transactions. On PostgreSQL each statement is a round trip
// to the server, so the count of statements per write is what matters.
func BenchmarkCreateConcern(b *testing.B) {
	open := map[string]func(b *testing.B) *DB{
		"sqlite": func(b *testing.B) *DB {
			db, err := Open(b.Context(), Config{Path: filepath.Join(b.TempDir(), "bench.db")})
			if err != nil {
				b.Fatal(err)
			}
			return db
		},
		// As every SQLite deployment runs: the journal's head sealed with a
		// key at every commit (journal_seal.go).
		"sqlite-sealed": func(b *testing.B) *DB {
			db, err := Open(b.Context(), Config{Path: filepath.Join(b.TempDir(), "bench.db"), JournalKey: bytes.Repeat([]byte{7}, JournalKeySize)})
			if err != nil {
				b.Fatal(err)
			}
			sys := lifeguard.WithActor(b.Context(), lifeguard.SystemActor())
			if err := db.Migrate(sys); err != nil {
				b.Fatal(err)
			}
			if _, _, err := db.SealJournal(sys); err != nil {
				b.Fatal(err)
			}
			return db
		},
		"postgres": func(b *testing.B) *DB {
			db, err := Open(b.Context(), Config{DSN: pgtest.Database(b)})
			if err != nil {
				b.Fatal(err)
			}
			return db
		},
	}
	for _, engine := range []string{"sqlite", "sqlite-sealed", "postgres"} {
		for _, par := range []int{1, 16} {
			name := engine + "/serial"
			if par > 1 {
				name = fmt.Sprintf("%s/parallel%d", engine, par)
			}
			b.Run(name, func(b *testing.B) {
				db := open[engine](b)
				defer db.Close()
				staff := benchReporter(b, db)
				in := benchConcern()
				b.ReportAllocs()
				b.SetParallelism((par + 1) / 2) // GOMAXPROCS is 2 here
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := db.CreateConcern(staff, in); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "concerns/s")
			})
		}
	}
}

// BenchmarkCreateConcernAlerts is the cost of writing alerts on the create
// path: the same concern recorded by sixteen reporters at once, with the
// school's two DSLs and a webhook to alert. "off" gives its routes an
// urgency that alerts no one (working days), so the store takes exactly
// the path it took before alerts existed; "on" makes them due the same
// working day, which writes three outbox rows in the concern's
// transaction, after looking up the DSLs and the webhooks.
func BenchmarkCreateConcernAlerts(b *testing.B) {
	for _, engine := range []string{"sqlite", "postgres"} {
		for _, alerts := range []string{"off", "on"} {
			b.Run(engine+"/alerts-"+alerts+"/parallel16", func(b *testing.B) {
				cfg := Config{Path: filepath.Join(b.TempDir(), "bench.db")}
				if engine == "postgres" {
					cfg = Config{DSN: pgtest.Database(b)}
				}
				db, err := Open(b.Context(), cfg)
				if err != nil {
					b.Fatal(err)
				}
				defer db.Close()
				staff := benchReporter(b, db)
				org := lifeguard.ActorFrom(staff).OrganisationID
				sys := lifeguard.WithActor(b.Context(), lifeguard.SystemActor())
				for _, email := range []string{"dsl@example.org", "deputy@example.org"} {
					if _, err := db.CreateUser(sys, lifeguard.NewUser{Email: email, Name: "D", Role: lifeguard.RoleDSL,
						OrganisationID: org}); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := db.CreateWebhook(sys, lifeguard.NewWebhook{OrganisationID: org, URL: "https://hooks.example.org/",
					Events: lifeguard.WebhookEvents()}); err != nil {
					b.Fatal(err)
				}
				in := benchConcern()
				if alerts == "off" {
					for i := range in.Triage.Routes {
						in.Triage.Routes[i].Urgency = lifeguard.WorkingDays
					}
				}
				b.ReportAllocs()
				b.SetParallelism(8) // sixteen reporters on GOMAXPROCS 2
				start := time.Now()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := db.CreateConcern(staff, in); err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "concerns/s")
				b.StopTimer()
				ms, err := db.OutboxMessages(sys, lifeguard.OutboxFilter{Limit: 500})
				if err != nil {
					b.Fatal(err)
				}
				if want := map[string]bool{"off": false, "on": true}[alerts]; (len(ms) > 0) != want {
					b.Fatalf("alerts %s wrote %d outbox rows", alerts, len(ms))
				}
			})
		}
	}
}

// benchReporter migrates db, makes a school with a member of staff, and
// returns a context acting as them.
func benchReporter(b *testing.B, db *DB) context.Context {
	ctx, o := school(b, db)
	u, err := db.CreateUser(ctx, lifeguard.NewUser{Email: "s@example.org", Name: "S", Role: lifeguard.RoleStaff,
		OrganisationID: o.ID})
	if err != nil {
		b.Fatal(err)
	}
	return lifeguard.WithActor(b.Context(), &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: o.ID,
		PartnershipID: o.PartnershipID, Via: "session"})
}

// benchConcern is a grooming concern with a realistic triage: five routes
// with their reasons.
func benchConcern() lifeguard.NewConcern {
	age := 13
	now := time.Now().UTC()
	due := now.Add(2 * time.Hour)
	f := lifeguard.Facts{ReportedAt: now, Setting: "school", Description: strings.Repeat("What the child said. ", 20),
		Child: &lifeguard.ChildFacts{Age: &age, Vulnerabilities: []lifeguard.Vulnerability{"send"}}, ChildRole: "victim",
		ConcernTypes: []lifeguard.ConcernType{"grooming", "sexual_communication"},
		Parties:      lifeguard.Parties{UnknownInvolved: true}, Details: lifeguard.Details{Platform: "a game chat"}}
	t := lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "2026.1"}}
	for _, code := range []lifeguard.RouteCode{"CSC_REFERRAL", "POLICE_101", "CEOP_REPORT", "PRESERVE_EVIDENCE", "ADVICE_PARENTS"} {
		t.Routes = append(t.Routes, lifeguard.Route{Code: code, Title: "Refer to children's social care",
			Action: "Phone the front door and follow up in writing within 48 hours.", Urgency: lifeguard.SameWorkingDay,
			Due: &due, Rules: []string{"GROOMING_CSC"}, Why: []string{"Grooming of a child is significant harm."}})
	}
	return lifeguard.NewConcern{Facts: f, Triage: t}
}

// The benchmark database: a million concerns over 600 organisations.
//
// LIFEGUARD_BENCH_CONCERNS sets another number of concerns, with as many
// organisations in proportion (at least 10), so that the benchmarks can be
// tried quickly at a small scale; the figures in bench/README.md are at the
// default, a million.
const (
	benchDefaultConcerns = 1_000_000
	// benchGenerator changes when the generator below changes, so that an
	// old cached file is not reused. 2: organisations of every kind,
	// vulnerabilities, route mixes and the report's columns. 3: the
	// report's counts, rebuilt by Migrate. 4: report_rebuild's flag. 5:
	// concerns opened by their lead, routes due now, risk levels and
	// assignments (migration 0012), and late_at (migration 0011).
	benchGenerator = 5
)

// benchConcerns is the number of concerns in the benchmark database.
func benchConcerns() int {
	if n, err := strconv.Atoi(os.Getenv("LIFEGUARD_BENCH_CONCERNS")); err == nil && n >= 1000 {
		return n
	}
	return benchDefaultConcerns
}

// benchOrgs is the number of organisations: 600 for a million concerns.
func benchOrgs() int { return max(10, benchConcerns()*600/benchDefaultConcerns) }

// benchTag names the scale in the cached file and database: "1m" for the
// default, the number of concerns otherwise.
func benchTag() string {
	if n := benchConcerns(); n != benchDefaultConcerns {
		return strconv.Itoa(n)
	}
	return "1m"
}

// benchDB opens the cached benchmark database, building it first when it is
// not there. The file lives in os.TempDir(), named by the generator's
// version, so later runs and other packages' runs reuse it; a file built
// before a new migration is migrated forward when opened (migrations add
// tables and indexes, and the benchmarks read what the generator wrote).
func benchDB(b *testing.B) *DB {
	b.Helper()
	path := filepath.Join(os.TempDir(), fmt.Sprintf("lifeguard-bench-%s-gen%d.db", benchTag(), benchGenerator))
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		start := time.Now()
		if err := buildBenchDB(b.Context(), path); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %v", path, time.Since(start).Round(time.Second))
	} else if err != nil {
		b.Fatal(err)
	}
	db, err := Open(b.Context(), Config{Path: path})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(lifeguard.WithActor(b.Context(), lifeguard.SystemActor())); err != nil {
		b.Fatal(err)
	}
	return db
}

// benchPostgres opens the same million concerns on the PostgreSQL server
// in LIFEGUARD_TEST_POSTGRES (skipping without it), in a database of its
// own that is kept between runs (.ci/run drops only lg_test_ databases).
// The first run fills it with lifeguard copy's code from the SQLite file,
// then analyses it; later runs check it is whole and migrate it forward.
func benchPostgres(b *testing.B) *DB {
	b.Helper()
	server := pgtest.Server(b)
	name := fmt.Sprintf("lg_bench%s_gen%d", benchTag(), benchGenerator)
	admin, err := sql.Open("pgx", server)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	var exists bool
	if err := admin.QueryRowContext(b.Context(), `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`,
		name).Scan(&exists); err != nil {
		b.Fatal(err)
	}
	if !exists {
		if _, err := admin.ExecContext(b.Context(), `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
			b.Fatal(err)
		}
	}
	u, err := url.Parse(server)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	db, err := Open(b.Context(), Config{DSN: u.String()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	sys := lifeguard.WithActor(b.Context(), lifeguard.SystemActor())
	if err := db.Migrate(sys); err != nil {
		b.Fatal(err)
	}
	var n int
	if err := db.read.QueryRowContext(b.Context(), `SELECT COUNT(*) FROM concerns`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n != benchConcerns() {
		src := benchDB(b)
		start := time.Now()
		if err := Copy(sys, src, db, true, nil); err != nil {
			b.Fatal(err)
		}
		if _, err := db.write.ExecContext(b.Context(), `ANALYZE`); err != nil {
			b.Fatal(err)
		}
		b.Logf("copied the %d concerns to PostgreSQL in %v", benchConcerns(), time.Since(start).Round(time.Second))
	}
	return db
}

// engines runs fn on the million-concern database of each engine:
// SQLite always, PostgreSQL when LIFEGUARD_TEST_POSTGRES names a server.
func engines(b *testing.B, fn func(b *testing.B, db *DB)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, benchDB(b)) })
	b.Run("postgres", func(b *testing.B) { fn(b, benchPostgres(b)) })
}

// buildBenchDB writes the benchmark database to path. It does not go through
// CreateConcern, which would take an hour: it migrates an empty file with
// the store, drops the indexes, inserts rows in batches of many rows per
// statement in a few large transactions with journaling and syncing off,
// then builds the indexes again from the schema's own text, which is far
// quicker than keeping them up to date row by row. The file is renamed into
// place only when complete.
func buildBenchDB(ctx context.Context, path string) error {
	tmp := path + ".building"
	os.Remove(tmp)
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	db, err := Open(ctx, Config{Path: tmp})
	if err != nil {
		return err
	}
	if err := db.Migrate(sys); err != nil {
		db.Close()
		return err
	}
	db.Close()
	os.Remove(tmp + "-wal")
	os.Remove(tmp + "-shm")

	conn, err := sql.Open("sqlite", tmp+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-262144)&_pragma=foreign_keys(OFF)")
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	var indexes []string
	rows, err := conn.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var names []string
	for rows.Next() {
		var name, q string
		if err := rows.Scan(&name, &q); err != nil {
			return err
		}
		names, indexes = append(names, name), append(indexes, q)
	}
	rows.Close()
	for _, n := range names {
		if _, err := conn.ExecContext(ctx, "DROP INDEX "+n); err != nil {
			return err
		}
	}

	g := &benchGen{rng: rand.New(rand.NewPCG(1, 2)), conn: conn}
	if err := g.build(ctx); err != nil {
		return err
	}
	for _, q := range indexes {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	// Ask Migrate to count the report's figures from the new concerns.
	if _, err := conn.ExecContext(ctx, `UPDATE report_rebuild SET needed = 1 WHERE id = 1`); err != nil {
		return err
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA journal_mode = WAL`); err != nil {
		return err
	}
	conn.Close()
	if db, err = Open(ctx, Config{Path: tmp}); err != nil {
		return err
	}
	err = db.Migrate(sys)
	db.Close()
	if err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// benchGen generates the rows. Times run over three years up to the present;
// concerns come in time order from organisations at random, as they would.
// The newest 3 % and a random 1 % of the rest are open (about 65 per
// organisation: a busy inbox), with deadlines around their report; closed
// ones have every route decided.
type benchGen struct {
	rng  *rand.Rand
	conn *sql.DB
}

func (g *benchGen) build(ctx context.Context) error {
	now := time.Now().UTC()
	start := now.Add(-3 * 365 * 24 * time.Hour)
	const childrenPerOrg = 555 // about three concerns per child
	tx, err := g.conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	at := micros(start)
	if _, err := tx.ExecContext(ctx, `INSERT INTO partnerships (id, name, created_at) VALUES (1, 'Benchshire', ?)`, at); err != nil {
		return err
	}
	orgs := newBatch(tx, "organisations", "id, partnership_id, name, setting, provides_internet, created_at", 6)
	users := newBatch(tx, "users", "id, organisation_id, email, name, role, created_at", 6)
	children := newBatch(tx, "children", "id, organisation_id, ref, age, age_as_of, vulnerabilities, created_at", 7)
	for o := 1; o <= benchOrgs(); o++ {
		setting := benchSettings[o%len(benchSettings)]
		if err := orgs.add(ctx, o, 1, fmt.Sprintf("Organisation %d", o), setting, setting == "school", at); err != nil {
			return err
		}
		for i, role := range []string{"dsl", "staff", "staff"} {
			id := (o-1)*3 + i + 1
			if err := users.add(ctx, id, o, fmt.Sprintf("u%d@example.org", id), fmt.Sprintf("User %d", id), role, at); err != nil {
				return err
			}
		}
		for c := 1; c <= childrenPerOrg; c++ {
			id := (o-1)*childrenPerOrg + c
			if err := children.add(ctx, id, o, fmt.Sprintf("C-%06d", id), 5+g.rng.IntN(13), "2026-01-01",
				`["send"]`, at); err != nil {
				return err
			}
		}
	}
	for _, bt := range []*batch{orgs, users, children} {
		if err := bt.flush(ctx); err != nil {
			return err
		}
	}

	concerns := newBatch(tx, "concerns", "id, organisation_id, child_id, reporter_id, status, facts, triage, types, "+
		"routes, reported_at, due, created_at, updated_at, closed_at, closed_by, outcome, outcome_summary, "+
		"child_age, vulns, first_decided_at, first_opened_at, risk_level, risk_set_by, risk_set_at, assigned_to, "+
		"assigned_by, assigned_at, late_at", 28)
	types := newBatch(tx, "concern_types", "concern_id, type", 2)
	decisions := newBatch(tx, "decisions", "concern_id, route, decision, reason, reference, on_time, decided_by, decided_at", 8)
	notes := newBatch(tx, "notes", "concern_id, text, author_id, created_at", 4)
	kinds := []string{"grooming", "cyberbullying", "nudes_sharing", "self_harm", "pornography", "sextortion",
		"hate", "radicalisation", "gambling", "oversharing"}
	span := now.Sub(start)
	total, orgCount := benchConcerns(), benchOrgs()
	for i := 1; i <= total; i++ {
		org := 1 + g.rng.IntN(orgCount)
		child := (org-1)*childrenPerOrg + 1 + g.rng.IntN(childrenPerOrg)
		reporter := (org-1)*3 + 2 + g.rng.IntN(2)
		dsl := (org-1)*3 + 1
		reported := start.Add(time.Duration(float64(span) * float64(i) / float64(total)))
		t1, t2 := kinds[g.rng.IntN(len(kinds))], kinds[g.rng.IntN(len(kinds))]
		typeList := []string{t1}
		if t2 != t1 && g.rng.IntN(3) == 0 {
			typeList = append(typeList, t2)
		}
		due := reported.Add(time.Duration(g.rng.IntN(5*24)) * time.Hour)
		open := i > total*97/100 || g.rng.IntN(100) == 0
		status, closedAt, closedBy, outcome, summary := "closed", any(micros(reported.Add(72*time.Hour))), any(dsl), any("early_help"), any("Early help offered.")
		var dueCol any
		if open {
			status, closedAt, closedBy, outcome, summary = "new", nil, nil, nil, nil
			if g.rng.IntN(2) == 0 {
				status = "in_progress"
			}
			if g.rng.IntN(5) > 0 {
				dueCol = micros(due)
			}
		}
		age := 5 + i%13
		vulns := benchVulns[g.rng.IntN(len(benchVulns))]
		vulnJSON := ""
		if vulns != "" {
			vulnJSON = `,"vulnerabilities":["` + strings.ReplaceAll(vulns, ",", `","`) + `"]`
		}
		facts := fmt.Sprintf(`{"reported_at":%q,"setting":"school","description":"What the child said, in the reporter's words, about what happened online and who was involved.","child":{"age":%d%s},"child_role":"victim","concern_types":["%s"],"parties":{"peer_involved":true}}`,
			reported.Format(time.RFC3339), age, vulnJSON, strings.Join(typeList, `","`))
		routes := benchRoutes[g.rng.IntN(len(benchRoutes))]
		decided := !open || status == "in_progress"
		var firstDecided any
		if decided {
			firstDecided = micros(reported.Add(time.Duration(1+g.rng.IntN(48)) * time.Hour))
		}
		// Who has read it, and what they made of it (migration 0012): a
		// concern worked on or closed has been opened by its lead, and half
		// the new ones; a new concern nobody has opened has a route due now
		// (due at the report) one time in four. The lead rates two in three
		// of the open concerns they have read, and assigns one in three to
		// themselves.
		var opened, risk, riskBy, riskAt, assigned, assignedBy, assignedAt any
		if !open || status == "in_progress" || g.rng.IntN(2) == 0 {
			opened = micros(reported.Add(30 * time.Minute))
		}
		if open && opened == nil && g.rng.IntN(4) == 0 {
			dueCol = micros(reported)
		}
		if open && opened != nil {
			if g.rng.IntN(3) > 0 {
				risk, riskBy, riskAt = [...]string{"high", "medium", "low"}[g.rng.IntN(3)], dsl, opened
			}
			if g.rng.IntN(3) == 0 {
				assigned, assignedBy, assignedAt = dsl, dsl, opened
			}
		}
		// When it becomes overdue (migration 0011): an hour after a route
		// due now, at the deadline otherwise.
		late := dueCol
		if open && dueCol == any(micros(reported)) {
			late = micros(reported.Add(time.Hour))
		}
		triage := fmt.Sprintf(`{"procedure":{"name":"England baseline","version":"2026.1"},"routes":[{"code":"CSC_REFERRAL","title":"Refer to children's social care","action":"Phone the front door.","contact":null,"urgency":"working_days","due":%q,"rules":["R1"],"why":["A child at risk of significant harm."]},{"code":"ADVICE_PARENTS","title":"Advise the parents","action":"Talk to the parents.","contact":null,"urgency":"advice","due":null,"rules":["R2"],"why":["Parents can help."]}],"guidance":["Do not view or forward images."],"offences":[],"risk_areas":[{"area":"contact","nature":"sexual"}],"proposed_decision":null,"warnings":[]}`,
			due.Format(time.RFC3339))
		if err := concerns.add(ctx, i, org, child, reporter, status, facts, triage, strings.Join(typeList, ","),
			routes, micros(reported), dueCol, micros(reported), micros(reported), closedAt,
			closedBy, outcome, summary, age, vulns, firstDecided, opened, risk, riskBy, riskAt, assigned, assignedBy,
			assignedAt, late); err != nil {
			return err
		}
		for _, ty := range typeList {
			if err := types.add(ctx, i, ty); err != nil {
				return err
			}
		}
		if decided {
			for _, r := range strings.Split(routes, ",") {
				kind := [...]string{"accepted", "done", "done", "declined"}[g.rng.IntN(4)]
				var onTime any
				if r != "ADVICE_PARENTS" {
					onTime = g.rng.IntN(10) > 0
				}
				if err := decisions.add(ctx, i, r, kind, "Below the threshold.", "", onTime, dsl,
					firstDecided); err != nil {
					return err
				}
			}
		}
		if i%4 == 0 {
			if err := notes.add(ctx, i, "Spoke to the child and the parents.", dsl, micros(reported.Add(2*time.Hour))); err != nil {
				return err
			}
		}
		if i%100_000 == 0 { // a few large transactions
			for _, bt := range []*batch{concerns, types, decisions, notes} {
				if err := bt.flush(ctx); err != nil {
					return err
				}
			}
			if err := tx.Commit(); err != nil {
				return err
			}
			if tx, err = g.conn.BeginTx(ctx, nil); err != nil {
				return err
			}
			for _, bt := range []*batch{concerns, types, decisions, notes} {
				bt.tx = tx
			}
		}
	}
	for _, bt := range []*batch{concerns, types, decisions, notes} {
		if err := bt.flush(ctx); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// The mixes of the benchmark's organisations, vulnerabilities and routes.
var (
	benchSettings = []string{"school", "school", "school", "school", "school", "school", "college", "early_years",
		"childrens_social_care", "police", "health", "youth_service", "voluntary"}
	benchVulns = []string{"", "", "", "", "", "", "send", "looked_after", "child_in_need", "send,mental_health",
		"disadvantaged", "child_protection_plan,looked_after"}
	benchRoutes = []string{"CSC_REFERRAL,ADVICE_PARENTS", "ADVICE_PARENTS", "POLICE_101,CSC_REFERRAL,PRESERVE_EVIDENCE",
		"EARLY_HELP", "CEOP_REPORT,CSC_REFERRAL", "HANDLE_IN_SETTING"}
)

// batch inserts rows many at a time: one INSERT with up to batchRows rows.
type batch struct {
	tx    *sql.Tx
	table string
	cols  string
	width int
	args  []any
}

const batchRows = 200

func newBatch(tx *sql.Tx, table, cols string, width int) *batch {
	return &batch{tx: tx, table: table, cols: cols, width: width, args: make([]any, 0, batchRows*width)}
}

func (bt *batch) add(ctx context.Context, vals ...any) error {
	bt.args = append(bt.args, vals...)
	if len(bt.args) == batchRows*bt.width {
		return bt.flush(ctx)
	}
	return nil
}

func (bt *batch) flush(ctx context.Context) error {
	n := len(bt.args) / bt.width
	if n == 0 {
		return nil
	}
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", bt.width), ",") + ")"
	q := "INSERT INTO " + bt.table + " (" + bt.cols + ") VALUES " + strings.TrimSuffix(strings.Repeat(row+",", n), ",")
	if _, err := bt.tx.ExecContext(ctx, q, bt.args...); err != nil {
		return fmt.Errorf("%s: %w", bt.table, err)
	}
	bt.args = bt.args[:0]
	return nil
}

// dslOf is the actor of organisation org's DSL in the benchmark database.
func dslOf(org int) *lifeguard.Actor {
	return &lifeguard.Actor{UserID: int64((org-1)*3 + 1), Role: lifeguard.RoleDSL, OrganisationID: int64(org),
		PartnershipID: 1, Via: "session"}
}

// BenchmarkListInbox1M lists the first page of a DSL's inbox (open
// concerns, earliest deadline first) in a database of a million concerns,
// journal entry included. Each iteration is a different organisation's DSL,
// so pages are not all served from one warm cache. It reports the median
// and the 90th percentile.
func BenchmarkListInbox1M(b *testing.B) { engines(b, benchListInbox) }

func benchListInbox(b *testing.B, db *DB) {
	var times []time.Duration
	org := 0
	for b.Loop() {
		org = org%benchOrgs() + 1
		ctx := lifeguard.WithActor(b.Context(), dslOf(org))
		t0 := time.Now()
		page, err := db.ListConcerns(ctx, lifeguard.ConcernFilter{Status: lifeguard.StatusOpen, Order: lifeguard.OrderDue})
		times = append(times, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		if len(page.Concerns) == 0 {
			b.Fatalf("organisation %d has an empty inbox", org)
		}
	}
	reportPercentiles(b, times)
}

// BenchmarkList1M measures the other lists a DSL and staff use on the
// million-concern database: newest first, a later page, filtered by type,
// and a member of staff's own concerns.
func BenchmarkList1M(b *testing.B) { engines(b, benchList) }

func benchList(b *testing.B, db *DB) {
	staff := func(org int) *lifeguard.Actor {
		return &lifeguard.Actor{UserID: int64((org-1)*3 + 2), Role: lifeguard.RoleStaff, OrganisationID: int64(org),
			PartnershipID: 1, Via: "session"}
	}
	cases := []struct {
		name  string
		actor func(org int) *lifeguard.Actor
		f     lifeguard.ConcernFilter
		pages int
	}{
		{"newest", dslOf, lifeguard.ConcernFilter{}, 1},
		{"newest-page3", dslOf, lifeguard.ConcernFilter{}, 3},
		{"type", dslOf, lifeguard.ConcernFilter{Type: "grooming"}, 1},
		{"open-type", dslOf, lifeguard.ConcernFilter{Status: lifeguard.StatusOpen, Type: "self_harm", Order: lifeguard.OrderDue}, 1},
		{"staff-own", staff, lifeguard.ConcernFilter{}, 1},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			org := 0
			for b.Loop() {
				org = org%benchOrgs() + 1
				ctx := lifeguard.WithActor(b.Context(), c.actor(org))
				f := c.f
				var t0 time.Time
				for range c.pages {
					t0 = time.Now()
					page, err := db.ListConcerns(ctx, f)
					if err != nil {
						b.Fatal(err)
					}
					f.Cursor = page.Next
				}
				times = append(times, time.Since(t0)) // the last page's time
			}
			reportPercentiles(b, times)
		})
	}
}

// BenchmarkChronology reads the chronology of a child with several concerns
// in the million-concern database.
func BenchmarkChronology(b *testing.B) { engines(b, benchChronology) }

func benchChronology(b *testing.B, db *DB) {
	// Children of organisation 1 with the most concerns.
	var kids []int64
	rows, err := db.read.QueryContext(b.Context(), `SELECT child_id FROM concerns WHERE organisation_id = 1
		GROUP BY child_id ORDER BY COUNT(*) DESC, child_id LIMIT 20`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		kids = append(kids, id)
	}
	rows.Close()
	ctx := lifeguard.WithActor(b.Context(), dslOf(1))
	var times []time.Duration
	entries := 0
	i := 0
	for b.Loop() {
		t0 := time.Now()
		es, err := db.Chronology(ctx, kids[i%len(kids)])
		times = append(times, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		entries += len(es)
		i++
	}
	b.ReportMetric(float64(entries)/float64(len(times)), "entries/op")
	reportPercentiles(b, times)
}

func reportPercentiles(b *testing.B, times []time.Duration) {
	if len(times) == 0 {
		return
	}
	slices.Sort(times)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
	b.ReportMetric(ms(times[len(times)*9/10]), "p90-ms")
	b.ReportMetric(ms(times[len(times)*99/100]), "p99-ms")
}

// BenchmarkInboxPriority1M lists a DSL's inbox in the priority order
// (lifeguard.OrderPriority: new concerns with a route due now, then those
// nobody has opened, then by deadline) in the million-concern database,
// journal entry included: the first page as the inbox opens, the second
// page through the cursor, and the concerns assigned to the DSL. Each
// iteration is a different organisation's DSL. It reports the median, the
// 90th and the 99th percentile.
func BenchmarkInboxPriority1M(b *testing.B) { engines(b, benchInboxPriority) }

func benchInboxPriority(b *testing.B, db *DB) {
	cases := []struct {
		name  string
		f     func(org int) lifeguard.ConcernFilter
		pages int
	}{
		{"first-page", func(int) lifeguard.ConcernFilter { return lifeguard.ConcernFilter{} }, 1},
		// 20 a page, so that the second page crosses from the unopened
		// concerns into those with a deadline in most organisations.
		{"second-page", func(int) lifeguard.ConcernFilter { return lifeguard.ConcernFilter{Limit: 20} }, 2},
		{"assigned-to-me", func(org int) lifeguard.ConcernFilter {
			return lifeguard.ConcernFilter{AssignedTo: dslOf(org).UserID}
		}, 1},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			org, listed := 0, 0
			for b.Loop() {
				org = org%benchOrgs() + 1
				ctx := lifeguard.WithActor(b.Context(), dslOf(org))
				f := c.f(org)
				f.Order = lifeguard.OrderPriority
				var t0 time.Time
				for range c.pages {
					t0 = time.Now()
					page, err := db.ListConcerns(ctx, f)
					if err != nil {
						b.Fatal(err)
					}
					f.Cursor = page.Next
					listed += len(page.Concerns)
				}
				times = append(times, time.Since(t0)) // the last page's time
			}
			if listed == 0 {
				b.Fatal("every inbox was empty")
			}
			b.ReportMetric(float64(listed)/float64(len(times)), "concerns/op")
			reportPercentiles(b, times)
		})
	}
}

// BenchmarkReportCounts1M gathers the board report's aggregates over the
// last six months of the million-concern database, as a partnership
// officer: every query the report runs, with the previous period's.
func BenchmarkReportCounts1M(b *testing.B) {
	db := benchDB(b)
	ctx := lifeguard.WithActor(b.Context(), &lifeguard.Actor{UserID: 1, Role: lifeguard.RolePartnership,
		OrganisationID: 1, PartnershipID: 1, Via: "session"})
	to := time.Now().UTC()
	q := lifeguard.ReportQuery{From: lifeguard.DateOf(to.AddDate(0, -6, 0)), To: lifeguard.DateOf(to)}
	var times []time.Duration
	var n int64
	for b.Loop() {
		t0 := time.Now()
		r, err := db.ReportCounts(ctx, q)
		times = append(times, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		n = r.Concerns
	}
	b.ReportMetric(float64(n), "concerns")
	reportPercentiles(b, times)
}

// BenchmarkBoardReport1M makes the whole board report of the last six
// months from the million-concern database, as the page and the command
// do: the store's counts (with the audits and the plan), the report with
// its suppression, and the HTML with its charts.
func BenchmarkBoardReport1M(b *testing.B) {
	db := benchDB(b)
	ctx := lifeguard.WithActor(b.Context(), &lifeguard.Actor{UserID: 1, Role: lifeguard.RolePartnership,
		OrganisationID: 1, PartnershipID: 1, Via: "session"})
	q := lifeguard.ReportQuery{}
	q.From, q.To = report.DefaultPeriod(time.Now())
	var times []time.Duration
	var size int
	for b.Loop() {
		t0 := time.Now()
		counts, err := db.ReportCounts(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		r, err := report.Build(counts, report.Options{Scope: "Benchshire", Now: time.Now()})
		if err != nil {
			b.Fatal(err)
		}
		var buf bytes.Buffer
		if err := report.WriteHTML(&buf, r); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(t0))
		size = buf.Len()
		if counts.Concerns < 100_000 {
			b.Fatalf("only %d concerns in six months", counts.Concerns)
		}
	}
	b.ReportMetric(float64(size), "html-bytes")
	reportPercentiles(b, times)
}
