package cli

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// seedData makes a SQLite data directory with a partnership, a DSL and a
// concern, and so some journal entries.
func seedData(t *testing.T, dir string, migrate bool) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: dbFile(dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if !migrate {
		return
	}
	if err := db.Migrate(lifeguard.WithActor(t.Context(), lifeguard.SystemActor())); err != nil {
		t.Fatal(err)
	}
	dsl := sqltest.NewSchool(t, db).AsDSL(t.Context())
	if _, err := db.CreateConcern(dsl, sqltest.Concern(time.Now())); err != nil {
		t.Fatal(err)
	}
}

// TestCopyCommand checks lifeguard copy's messages: what it needs, a
// source to migrate first, a copy with its counts, a second copy refused
// without --force and done with it, and never the password.
func TestCopyCommand(t *testing.T) {
	t.Setenv(databaseEnv, "")
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := run(t, "", "copy", "-h"); code != 0 || !strings.Contains(stderr, "--force DELETES EVERY LIFEGUARD RECORD") {
		t.Errorf("copy -h: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "copy", "--to", "postgres://h/db"); code != exitInvalid || !strings.Contains(stderr, "--from DIR") {
		t.Errorf("no --from: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "copy", "--from", dir); code != exitInvalid || !strings.Contains(stderr, "--to postgres://") {
		t.Errorf("no --to: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "copy", "--from", dir, "--to", "mysql://root:hunter2-secret@h/db"); code != exitInvalid ||
		!strings.Contains(stderr, "postgres:// URL") || strings.Contains(stderr, "hunter2") {
		t.Errorf("not postgres: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "copy", "--from", dir, "--to", "postgres://h/db"); code != exitInvalid ||
		!strings.Contains(stderr, "no Lifeguard database in "+dir) {
		t.Errorf("no source: %d %s", code, stderr)
	}

	dsn := pgtest.Database(t)
	u, _ := url.Parse(dsn)
	password, _ := u.User.Password()
	noSecret := func(s string) {
		t.Helper()
		if len(password) >= 10 && strings.Contains(s, password) {
			t.Errorf("the output shows the password:\n%s", s)
		}
	}

	old := filepath.Join(t.TempDir(), "old")
	seedData(t, old, false)
	if code, _, stderr := run(t, "", "copy", "--from", old, "--to", dsn); code != exitInvalid ||
		!strings.Contains(stderr, "run lifeguard migrate --data "+old) {
		t.Errorf("old schema: %d %s", code, stderr)
	}

	seedData(t, dir, true)
	code, stdout, stderr := run(t, "", "copy", "--from", dir, "--to", dsn)
	noSecret(stdout + stderr)
	if code != 0 {
		t.Fatalf("copy: %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"Copied the database in " + dir, "concerns", "journal_head", "Journal: 2 entries in SQLite, 2 in PostgreSQL",
		"The copy matches"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("copy's output lacks %q:\n%s", want, stdout)
		}
	}

	code, stdout, stderr = run(t, "", "copy", "--from", dir, "--to", dsn)
	noSecret(stdout + stderr)
	if code != exitInvalid || !strings.Contains(stderr, "already holds Lifeguard records") || !strings.Contains(stderr, "--force") {
		t.Errorf("a second copy: %d\n%s%s", code, stdout, stderr)
	}

	t.Setenv(databaseEnv, dsn) // --to defaults to it
	code, stdout, stderr = run(t, "", "copy", "--from", dir, "--force")
	noSecret(stdout + stderr)
	if code != 0 || !strings.Contains(stdout, "The copy matches") {
		t.Errorf("copy --force: %d\n%s%s", code, stdout, stderr)
	}
	if code, stdout, _ := run(t, "", "journal", "verify", "--database", dsn); code != 0 || !strings.Contains(stdout, "whole: 2 entries") {
		t.Errorf("journal verify of the copy: %d %s", code, stdout)
	}
}
