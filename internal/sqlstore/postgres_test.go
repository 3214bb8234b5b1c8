package sqlstore_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/storetest"
)

// The PostgreSQL tests run on the server LIFEGUARD_TEST_POSTGRES names, each
// on a new database of its own (pgtest.Database). Without the variable they
// skip, except under CI, where they fail.

// TestPostgres runs the whole shared suite on PostgreSQL.
func TestPostgres(t *testing.T) {
	pgtest.Server(t)
	storetest.Run(t, sqltest.Postgres)
}

// sys acts as Lifeguard itself.
func sys(ctx context.Context) context.Context {
	return lifeguard.WithActor(ctx, lifeguard.SystemActor())
}

// newDSL creates a partnership, a school and its DSL, and returns a context
// acting as the DSL.
func newDSL(t *testing.T, db *sqlstore.DB) context.Context {
	t.Helper()
	return sqltest.NewSchool(t, db).AsDSL(t.Context())
}

func newConcern() lifeguard.NewConcern { return sqltest.Concern(time.Now()) }

// TestPostgresTwoServers is two servers on one database: both migrate at
// once, then eight goroutines on each record concerns, read them and add
// notes to one concern they share, and the journal is still one whole
// chain with every entry in it. Without the write lock every write
// transaction takes first (postgresLockWrites), this fails within a few
// runs with a deadlock (SQLSTATE 40P01) between two servers' batches.
func TestPostgresTwoServers(t *testing.T) {
	dsn := pgtest.Database(t)
	servers := []*sqlstore.DB{sqltest.OpenConfig(t, sqlstore.Config{DSN: dsn}), sqltest.OpenConfig(t, sqlstore.Config{DSN: dsn})}

	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for _, db := range servers {
		wg.Go(func() { errs <- db.Migrate(sys(t.Context())) })
	}
	wg.Wait()
	for range servers {
		if err := <-errs; err != nil {
			t.Fatalf("Migrate: %v", err)
		}
	}
	for _, db := range servers {
		if cur, latest, err := db.MigrationStatus(t.Context()); err != nil || cur != latest {
			t.Fatalf("schema version %d of %d, %v", cur, latest, err)
		}
	}

	dsl := newDSL(t, servers[0])
	shared, err := servers[0].CreateConcern(dsl, newConcern())
	if err != nil {
		t.Fatal(err)
	}
	const perServer, each = 8, 5
	for _, db := range servers {
		for g := range perServer {
			wg.Go(func() {
				var last int64
				create := func() error {
					c, err := db.CreateConcern(dsl, newConcern())
					if err == nil {
						last = c.ID
					}
					return err
				}
				read := func() error { _, err := db.Concern(dsl, last); return err }
				// Every goroutine of both servers updates this one concern.
				note := func() error { _, err := db.AddNote(dsl, shared.ID, "Spoke to the class teacher."); return err }
				// The goroutines take their steps in different orders, so
				// that a batch mixes notes with the rest: one batch holds
				// the journal head's row lock before it updates the shared
				// concern, another the other way round.
				steps := [][]func() error{{create, read, note}, {note, create, read}, {create, note, read}}[g%3]
				for range each {
					for _, step := range steps {
						if err := step(); err != nil {
							errs <- err
							return
						}
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	// The shared concern: its child and itself; then for each round a
	// child, a concern, a read and a note.
	want := int64(2 + len(servers)*perServer*each*4)
	for i, db := range servers {
		r, err := db.VerifyJournal(sys(t.Context()))
		if err != nil {
			t.Fatal(err)
		}
		if r.FirstBroken != 0 || r.Entries != want {
			t.Errorf("server %d sees journal %+v, want %d whole entries", i, r, want)
		}
	}
	c, err := servers[1].Concern(dsl, shared.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.Notes); n != len(servers)*perServer*each {
		t.Errorf("%d notes on the shared concern, want %d", n, len(servers)*perServer*each)
	}
}

// freeAddr returns a loopback address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// proxy forwards connections to addr on to target until the test ends.
func proxy(t *testing.T, addr, target string) error {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, c, s)
			mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() { io.Copy(c, s); c.Close() }()
		}
	}()
	return nil
}

// TestPostgresWaitsForServer starts the store while the server is not yet
// reachable: Open logs that it waits, once per attempt and without the
// password, and succeeds once the server answers.
func TestPostgresWaitsForServer(t *testing.T) {
	u, err := url.Parse(pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	password, _ := u.User.Password()
	u.Host = freeAddr(t)
	up := make(chan error, 1)
	time.AfterFunc(1500*time.Millisecond, func() { up <- proxy(t, u.Host, target) })

	var logs sqltest.Logs
	start := time.Now()
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{DSN: u.String(), ConnectTimeout: 30 * time.Second,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err != nil {
		t.Fatalf("Open: %v\n%s", err, logs.String())
	}
	defer db.Close()
	if err := <-up; err != nil {
		t.Fatal(err)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("Open returned after %v, before the server was reachable", waited)
	}
	if err := db.Migrate(sys(t.Context())); err != nil {
		t.Fatal(err)
	}
	out := logs.String()
	if n := strings.Count(out, "waiting for PostgreSQL"); n < 2 || !strings.Contains(out, "attempt=2") ||
		!strings.Contains(out, "connection refused") {
		t.Errorf("want a line per attempt saying the connection was refused; log:\n%s", out)
	}
	if len(password) >= 10 && strings.Contains(out, password) { // a short one could be any word
		t.Errorf("the log shows the password:\n%s", out)
	}
	t.Logf("log:\n%s", out)
}

// TestPostgresGivesUp checks that Open stops waiting after ConnectTimeout
// for a server that never answers, and at once for a wrong password, and
// that neither error shows the password.
func TestPostgresGivesUp(t *testing.T) {
	u, err := url.Parse(pgtest.Database(t))
	if err != nil {
		t.Fatal(err)
	}
	down := *u
	down.Host = freeAddr(t)
	var logs sqltest.Logs
	start := time.Now()
	_, err = sqlstore.Open(t.Context(), sqlstore.Config{DSN: down.String(), ConnectTimeout: 1500 * time.Millisecond,
		Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	took := time.Since(start)
	if err == nil || !strings.Contains(err.Error(), "did not answer within") {
		t.Fatalf("Open on a server that is down: %v", err)
	}
	if took < time.Second || took > 10*time.Second {
		t.Errorf("gave up after %v, want about 1.5 s", took)
	}
	if password, _ := u.User.Password(); len(password) >= 10 && strings.Contains(err.Error()+logs.String(), password) {
		t.Errorf("the password shows in %q or the log", err)
	}
	t.Logf("error: %v\nlog:\n%s", err, logs.String())

	const wrong = "not-the-password-4f1d"
	bad := *u
	bad.User = url.UserPassword(u.User.Username(), wrong)
	start = time.Now()
	_, err = sqlstore.Open(t.Context(), sqlstore.Config{DSN: bad.String()})
	if err == nil {
		t.Fatal("Open with a wrong password succeeded")
	}
	if time.Since(start) > 10*time.Second {
		t.Errorf("a wrong password took %v to fail: it should not be retried", time.Since(start))
	}
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("the error shows the password: %v", err)
	}
	t.Logf("wrong password: %v", err)

	if _, err := sqlstore.Open(t.Context(), sqlstore.Config{DSN: "mysql://u:" + wrong + "@h/d"}); err == nil ||
		strings.Contains(err.Error(), wrong) {
		t.Errorf("a URL of another database: %v", err)
	}
}

// TestPostgresServerRestart ends every connection the store has, as a
// restart of the server would: each call after that either works, on a
// new connection, or answers EUNAVAILABLE, never an internal error, and
// the store is soon whole again.
func TestPostgresServerRestart(t *testing.T) {
	dsn := pgtest.Database(t)
	db := sqltest.OpenConfig(t, sqlstore.Config{DSN: dsn})
	ctx := sys(t.Context())
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dsl := newDSL(t, db)
	if _, err := db.CreateConcern(dsl, newConcern()); err != nil {
		t.Fatal(err)
	}

	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.ExecContext(t.Context(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	for {
		var n int
		if err := admin.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM pg_stat_activity
			WHERE datname = current_database() AND pid <> pg_backend_pid()`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	calls := map[string]func() error{
		"read": func() error { _, err := db.Organisations(ctx); return err },
		"write": func() error {
			_, err := db.CreateConcern(dsl, newConcern())
			return err
		},
	}
	for name, call := range calls {
		for attempt := 1; ; attempt++ {
			err := call()
			if err == nil {
				break
			}
			if code := lifeguard.ErrorCode(err); code != lifeguard.EUNAVAILABLE {
				t.Fatalf("%s after the restart: %v (code %s), want success or %s", name, err, code, lifeguard.EUNAVAILABLE)
			}
			if attempt == 25 {
				t.Fatalf("%s still fails after %d attempts: %v", name, attempt, err)
			}
			t.Logf("%s, attempt %d: %v", name, attempt, err)
		}
	}
	if r, err := db.VerifyJournal(ctx); err != nil || r.FirstBroken != 0 {
		t.Fatalf("journal %+v, %v", r, err)
	}
}

// TestPostgresBackup checks that Backup says to use pg_dump.
func TestPostgresBackup(t *testing.T) {
	db := sqltest.Open(t, sqltest.Postgres)
	err := db.Backup(sys(t.Context()), t.TempDir()+"/copy.db")
	if lifeguard.ErrorCode(err) != lifeguard.EINVALID || !strings.Contains(lifeguard.ErrorMessage(err), "pg_dump") {
		t.Fatalf("Backup on PostgreSQL: %v, want a message naming pg_dump", err)
	}
}

// TestPostgresJournalSeal runs the sealed journal's tests on PostgreSQL.
func TestPostgresJournalSeal(t *testing.T) {
	pgtest.Server(t)
	storetest.JournalSeal(t, sqltest.Postgres)
}
