package cli

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// TestServeRefusesDamagedDatabase overwrites pages in the middle of a real
// SQLite file, as a failing disk or a bad copy would, and checks that
// serve, and the tools, refuse to start on it with a message that says how
// to restore, rather than starting and answering 500 on some pages.
func TestServeRefusesDamagedDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := run(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	key, err := readJournalKey(defaultJournalKey(dir))
	if err != nil {
		t.Fatal(err)
	}
	addConcerns(t, sqlstore.Config{Path: dbFile(dir), JournalKey: key}, 200)
	if started, code, stderr := serveOutcome(t, "--data", dir); !started {
		t.Fatalf("serve on the whole file: %d %s", code, stderr)
	}

	// Overwrite a page in the middle of the concerns' table, which
	// nothing reads at start-up: only a check of the file finds it.
	path := dbFile(dir)
	page, at := concernPage(t, path)
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(bytes.Repeat([]byte{0xA5}, page), at); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	started, code, stderr := serveOutcome(t, "--data", dir)
	if started || code != 1 {
		t.Fatalf("serve on a damaged file: started %v, exit %d, %s", started, code, stderr)
	}
	for _, want := range []string{"The database " + path + " is damaged", "Lifeguard has not started",
		"lifeguard backup", "lifeguard restore --data " + dir + " FILE", "to " + path, "docs/operations.md"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("serve's message does not say %q:\n%s", want, stderr)
		}
	}
	if code, _, stderr := run(t, "", "token", "list", "--data", dir, "--email", "dsl@example.org"); code != 1 ||
		!strings.Contains(stderr, "is damaged") {
		t.Errorf("a tool on the damaged file: %d %s", code, stderr)
	}
}

// concernPage finds the page size of the SQLite file at path and the offset
// of the middle one of the leaf pages that hold the concerns table.
func concernPage(t *testing.T, path string) (size int, offset int64) {
	t.Helper()
	conn, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := conn.QueryRow(`PRAGMA page_size`).Scan(&size); err != nil {
		t.Fatal(err)
	}
	rows, err := conn.Query(`SELECT pageno FROM dbstat WHERE name = 'concerns' AND pagetype = 'leaf' ORDER BY pageno`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var pages []int64
	for rows.Next() {
		var n int64
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		pages = append(pages, n)
	}
	if len(pages) < 3 {
		t.Fatalf("the concerns fill %d leaf pages: too few to damage one in the middle", len(pages))
	}
	return size, (pages[len(pages)/2] - 1) * int64(size)
}

// TestDatabaseFilesOwnerOnly checks that the data directory, the database
// file and the files SQLite makes beside it, the journal key and a backup
// are readable by their owner only: they hold every record there is.
func TestDatabaseFilesOwnerOnly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := run(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	wantMode(t, dir, 0o700)
	wantMode(t, dbFile(dir), 0o600)
	wantMode(t, defaultJournalKey(dir), 0o600)
	// -wal and -shm exist while the database is open.
	key, err := readJournalKey(defaultJournalKey(dir))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: dbFile(dir), JournalKey: key})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.CheckFile(t.Context()); err != nil {
		t.Fatal(err)
	}
	wantMode(t, dbFile(dir)+"-wal", 0o600)
	wantMode(t, dbFile(dir)+"-shm", 0o600)

	backup := filepath.Join(t.TempDir(), "backup.db")
	if code, _, stderr := run(t, "", "backup", "--data", dir, backup); code != 0 {
		t.Fatalf("backup: %d %s", code, stderr)
	}
	wantMode(t, backup, 0o600)
}
