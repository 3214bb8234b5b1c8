package cli

import (
	"bufio"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// serveOutcome runs serve with args and reports whether it started
// listening (it is then stopped) or else its exit code and standard error.
func serveOutcome(t *testing.T, args ...string) (started bool, code int, stderr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var errOut strings.Builder
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, &errOut)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	for sc.Scan() {
		if runningAt.MatchString(sc.Text()) {
			started = true
			cancel()
			go io.Copy(io.Discard, pr)
			break
		}
	}
	code = <-done
	return started, code, errOut.String()
}

// addConcerns records n concerns, each a child and a concern in the
// journal, through a store opened with cfg (and so sealed with its key).
func addConcerns(t *testing.T, cfg sqlstore.Config, n int) {
	t.Helper()
	db, err := sqlstore.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	p, err := db.CreatePartnership(ctx, "P")
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: p.ID, Name: "O", Setting: "school"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(ctx, lifeguard.NewUser{Email: "dsl@example.org", Name: "D", Role: lifeguard.RoleDSL,
		OrganisationID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	dsl := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: o.ID,
		PartnershipID: p.ID, Via: "session"})
	age := 14
	for range n {
		if _, err := db.CreateConcern(dsl, lifeguard.NewConcern{
			Facts: lifeguard.Facts{ReportedAt: time.Now(), Setting: "school", ConcernTypes: []lifeguard.ConcernType{"cyberbullying"},
				Child: &lifeguard.ChildFacts{Age: &age}, Parties: lifeguard.Parties{PeerInvolved: true}},
			Triage: lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "1"}},
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// tamper runs statements on the database behind Lifeguard's back, as an
// intruder with the database's password would.
func tamper(t *testing.T, driver, dsn string, stmts ...string) {
	t.Helper()
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range stmts {
		if _, err := conn.ExecContext(t.Context(), q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// The newest three of eleven entries cut off, and the head rewound to
// the last one left: a whole chain, as far as the hashes go.
var cutAndRewind = []string{
	`DELETE FROM journal WHERE seq > 8`,
	`UPDATE journal_head SET seq = 8, hash = (SELECT hash FROM journal WHERE seq = 8) WHERE id = 1`,
}

func wantMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != want {
		t.Errorf("%s has mode %v, want %v", filepath.Base(path), fi.Mode().Perm(), want)
	}
}

// TestJournalCutOffSQLite cuts the newest entries off a data directory's
// journal and rewinds its head, as an intruder with the database file but
// not the key would, and checks that journal verify names the first
// missing entry and that serve refuses to start on it.
func TestJournalCutOffSQLite(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := run(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	// The first open made the data directory's key and sealed the
	// journal with it (entry 1).
	keyFile := defaultJournalKey(dir)
	wantMode(t, keyFile, 0o600)
	key, err := readJournalKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	addConcerns(t, sqlstore.Config{Path: dbFile(dir), JournalKey: key}, 5) // entries 2 to 11

	code, out, stderr := run(t, "", "journal", "verify", "--data", dir)
	if code != 0 || !strings.Contains(out, "whole: 11 entries") || !strings.Contains(out, "entry 11, is sealed") {
		t.Fatalf("verify before tampering: %d %s %s", code, out, stderr)
	}
	if started, code, stderr := serveOutcome(t, "--data", dir); !started {
		t.Fatalf("serve on a whole journal: %d %s", code, stderr)
	}

	// A copy to tamper with, so the original stays whole for what follows.
	cut := filepath.Join(t.TempDir(), "cut")
	copyDir(t, dir, cut)
	tamper(t, "sqlite", dbFile(cut), cutAndRewind...)
	code, out, _ = run(t, "", "journal", "verify", "--data", cut)
	if code != 1 || !strings.Contains(out, "BROKEN at entry 9:") || !strings.Contains(out, "from 9 on have been cut off") {
		t.Errorf("verify of a cut journal: %d %s", code, out)
	}
	started, code, stderr := serveOutcome(t, "--data", cut)
	if started || code != 1 || !strings.Contains(stderr, "not sealed with the journal key") ||
		!strings.Contains(stderr, "lifeguard journal verify --data "+cut) {
		t.Errorf("serve on a cut journal: started %v, %d %s", started, code, stderr)
	}

	// Deleting the newest entries and leaving the head: the message used
	// to say "BROKEN at entry 9 of 8".
	left := filepath.Join(t.TempDir(), "left")
	copyDir(t, dir, left)
	tamper(t, "sqlite", dbFile(left), `DELETE FROM journal WHERE seq > 8`)
	code, out, _ = run(t, "", "journal", "verify", "--data", left)
	if code != 1 || !strings.Contains(out, "BROKEN at entry 9: entry 9 is missing: the journal's head names entry 11, "+
		"but the entries stop at 8.") || strings.Contains(out, " of 8") {
		t.Errorf("verify of a journal with its last entries deleted: %d %s", code, out)
	}

	middle := filepath.Join(t.TempDir(), "middle")
	copyDir(t, dir, middle)
	tamper(t, "sqlite", dbFile(middle), `UPDATE journal SET detail = 'x' WHERE seq = 5`)
	if code, out, _ = run(t, "", "journal", "verify", "--data", middle); code != 1 ||
		!strings.Contains(out, "BROKEN at entry 5: entry 5 has been changed") {
		t.Errorf("verify of a changed entry: %d %s", code, out)
	}

	// Moving to a new key: the old one no longer matches, the new one does.
	newKey := filepath.Join(t.TempDir(), "new.key")
	code, out, stderr = run(t, "", "journal", "seal", "--data", dir, "--journal-key", newKey)
	if code != 0 || !strings.Contains(out, "sealed at entry 12") {
		t.Fatalf("journal seal with a new key: %d %s %s", code, out, stderr)
	}
	wantMode(t, newKey, 0o600)
	if code, out, _ := run(t, "", "journal", "verify", "--data", dir); code != 1 || !strings.Contains(out, "BROKEN at entry 13") {
		t.Errorf("verify with the old key after a new seal: %d %s", code, out)
	}
	if code, out, _ := run(t, "", "journal", "verify", "--data", dir, "--journal-key", newKey); code != 0 {
		t.Errorf("verify with the new key: %d %s", code, out)
	}
}

// copyDir copies the files of a data directory, stopped, to dst, owner-only
// as Lifeguard keeps them.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	files, err := os.ReadDir(dst)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if err := os.Chmod(filepath.Join(dst, f.Name()), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// TestJournalCutOffPostgres does the same on PostgreSQL, where the key is
// given to every server and tool and the journal is sealed by an
// administrator's journal seal.
func TestJournalCutOffPostgres(t *testing.T) {
	dsn := pgtest.Database(t)
	keyFile := filepath.Join(t.TempDir(), "journal.key")
	t.Setenv(journalKeyEnv, keyFile) // set before the key exists, as a new deployment might
	if code, _, stderr := run(t, "", "migrate", "--database", dsn); code != 2 || !strings.Contains(stderr, "lifeguard journal seal") {
		t.Fatalf("migrate before the key exists: %d %s", code, stderr)
	}
	os.Unsetenv(journalKeyEnv)
	if code, _, stderr := run(t, "", "journal", "seal", "--database", dsn); code != 2 || !strings.Contains(stderr, "--journal-key") {
		t.Errorf("journal seal without a key file: %d %s", code, stderr)
	}
	code, out, stderr := run(t, "", "journal", "seal", "--database", dsn, "--journal-key", keyFile)
	if code != 0 || !strings.Contains(out, "sealed at entry 1") || !strings.Contains(out, "made now") {
		t.Fatalf("journal seal: %d %s %s", code, out, stderr)
	}
	wantMode(t, keyFile, 0o600)
	if started, code, stderr := serveOutcome(t, "--database", dsn); started || code != 2 ||
		!strings.Contains(stderr, "no journal key was given") {
		t.Errorf("serve on a sealed journal without its key: started %v, %d %s", started, code, stderr)
	}
	if code, out, _ := run(t, "", "journal", "verify", "--database", dsn); code != 1 ||
		!strings.Contains(out, "not checked: it is sealed, but no journal key was given") {
		t.Errorf("verify of a sealed journal without its key: %d %s", code, out)
	}
	key, err := readJournalKey(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	addConcerns(t, sqlstore.Config{DSN: dsn, JournalKey: key}, 5) // entries 2 to 11
	code, out, _ = run(t, "", "journal", "verify", "--database", dsn, "--journal-key", keyFile)
	if code != 0 || !strings.Contains(out, "whole: 11 entries") || !strings.Contains(out, "is sealed") {
		t.Fatalf("verify before tampering: %d %s", code, out)
	}
	t.Setenv(journalKeyEnv, keyFile) // as every server of a deployment would have it
	if started, code, stderr := serveOutcome(t, "--database", dsn); !started {
		t.Fatalf("serve with the key: %d %s", code, stderr)
	}

	tamper(t, "pgx", dsn, cutAndRewind...)
	code, out, _ = run(t, "", "journal", "verify", "--database", dsn)
	if code != 1 || !strings.Contains(out, "BROKEN at entry 9:") || !strings.Contains(out, "from 9 on have been cut off") {
		t.Errorf("verify of a cut journal: %d %s", code, out)
	}
	if started, code, stderr := serveOutcome(t, "--database", dsn); started || code != 1 ||
		!strings.Contains(stderr, "not sealed with the journal key") {
		t.Errorf("serve on a cut journal: started %v, %d %s", started, code, stderr)
	}
	tamper(t, "pgx", dsn, `UPDATE journal SET detail = 'x' WHERE seq = 5`)
	if code, out, _ = run(t, "", "journal", "verify", "--database", dsn); code != 1 ||
		!strings.Contains(out, "BROKEN at entry 5: entry 5 has been changed") {
		t.Errorf("verify of a changed entry: %d %s", code, out)
	}
}

// TestJournalSealedOnUpgrade opens data directories made before journals
// were sealed: a whole journal is sealed with a new key at the first open;
// one already broken is left unsealed, and the server still starts, as it
// did before, while journal verify goes on naming the break.
func TestJournalSealedOnUpgrade(t *testing.T) {
	old := func(t *testing.T) string {
		dir := filepath.Join(t.TempDir(), "data")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: dbFile(dir)})
		if err != nil {
			t.Fatal(err)
		}
		err = db.Migrate(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()))
		db.Close()
		if err != nil {
			t.Fatal(err)
		}
		addConcerns(t, sqlstore.Config{Path: dbFile(dir)}, 3) // entries 1 to 6, no key
		return dir
	}

	t.Run("whole", func(t *testing.T) {
		dir := old(t)
		if started, code, stderr := serveOutcome(t, "--data", dir); !started {
			t.Fatalf("serve: %d %s", code, stderr)
		}
		wantMode(t, defaultJournalKey(dir), 0o600)
		code, out, _ := run(t, "", "journal", "verify", "--data", dir)
		if code != 0 || !strings.Contains(out, "whole: 7 entries") || !strings.Contains(out, "entry 7, is sealed") {
			t.Errorf("verify after the first start: %d %s", code, out)
		}
	})

	t.Run("broken", func(t *testing.T) {
		dir := old(t)
		tamper(t, "sqlite", dbFile(dir), `UPDATE journal SET detail = 'x' WHERE seq = 3`)
		started, code, stderr := serveOutcome(t, "--data", dir)
		if !started || !strings.Contains(stderr, "the journal is broken and was not sealed") {
			t.Fatalf("serve on a journal broken before sealing: started %v, %d %s", started, code, stderr)
		}
		if _, err := os.Stat(defaultJournalKey(dir)); err == nil {
			t.Error("a key was kept for a journal that was not sealed")
		}
		code, out, _ := run(t, "", "journal", "verify", "--data", dir)
		if code != 1 || !strings.Contains(out, "BROKEN at entry 3: entry 3 has been changed") {
			t.Errorf("verify: %d %s", code, out)
		}
	})
}

// TestJournalKeyFile checks that a key file others can read, or one that is
// not a key, is refused with a message that says what to do.
func TestJournalKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := run(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	keyFile := defaultJournalKey(dir)
	if err := os.Chmod(keyFile, 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "migrate", "--data", dir); code != 2 || !strings.Contains(stderr, "chmod 600 "+keyFile) {
		t.Errorf("a key others can read: %d %s", code, stderr)
	}
	other := filepath.Join(t.TempDir(), "not-a-key")
	if err := os.WriteFile(other, []byte("hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := run(t, "", "migrate", "--data", dir, "--journal-key", other); code != 2 ||
		!strings.Contains(stderr, "is not a key written by Lifeguard") || strings.Contains(stderr, "hunter2") {
		t.Errorf("a file that is not a key: %d %s", code, stderr)
	}
	missing := filepath.Join(t.TempDir(), "missing.key")
	if code, _, stderr := run(t, "", "migrate", "--data", dir, "--journal-key", missing); code != 2 ||
		!strings.Contains(stderr, "no journal key at "+missing) || !strings.Contains(stderr, "lifeguard journal seal") {
		t.Errorf("a key file given but missing: %d %s", code, stderr)
	}
}

// TestNewDatabaseTakesAGivenKey: a key made beforehand (for a new
// deployment, or in LIFEGUARD_JOURNAL_KEY_FILE) seals a database created
// with it, rather than the new database being refused as if its journal
// had been cut.
func TestNewDatabaseTakesAGivenKey(t *testing.T) {
	base := t.TempDir()
	first := filepath.Join(base, "first")
	if code, _, stderr := run(t, "", "migrate", "--data", first); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	key := defaultJournalKey(first)
	second := filepath.Join(base, "second")
	if code, _, stderr := run(t, "", "org", "add", "--data", second, "--journal-key", key, "--name", "Hillside School",
		"--setting", "school", "--partnership", "Hillside SCP"); code != 0 {
		t.Fatalf("a new database with a key made beforehand: %d %s", code, stderr)
	}
	if code, out, stderr := run(t, "", "journal", "verify", "--data", second, "--journal-key", key); code != 0 {
		t.Fatalf("verify: %d %s %s", code, out, stderr)
	}
	if _, err := os.Stat(defaultJournalKey(second)); err == nil {
		t.Error("a key file was written beside the database although a key was given")
	}
}
