package cli

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// loadedStore is a data directory's store with a DSL recording concerns on
// it from several goroutines, each concern counted once acknowledged.
type loadedStore struct {
	db    *sqlstore.DB
	dsl   lifeguard.Actor
	mu    sync.Mutex
	acked []int64
}

func (l *loadedStore) ackedSoFar() []int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.acked)
}

// startLoad records concerns from clients goroutines until stop closes.
func (l *loadedStore) startLoad(t *testing.T, clients int, stop <-chan struct{}) (wait func()) {
	var wg sync.WaitGroup
	ctx := lifeguard.WithActor(t.Context(), &l.dsl)
	age := 13
	for range clients {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, err := l.db.CreateConcern(ctx, lifeguard.NewConcern{
					Facts: lifeguard.Facts{ReportedAt: time.Now(), Setting: "school",
						ConcernTypes: []lifeguard.ConcernType{"cyberbullying"}, Child: &lifeguard.ChildFacts{Age: &age},
						Parties: lifeguard.Parties{PeerInvolved: true}},
					Triage: lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "1"}},
				})
				if err != nil {
					t.Errorf("a concern under load: %v", err)
					return
				}
				l.mu.Lock()
				l.acked = append(l.acked, c.ID)
				l.mu.Unlock()
			}
		})
	}
	return wg.Wait
}

// openLoaded makes a data directory with "lifeguard migrate" (which makes
// its journal key) and opens its store with that key, with one school and
// its DSL.
func openLoaded(t *testing.T, dir string) *loadedStore {
	t.Helper()
	if code, _, stderr := run(t, "", "migrate", "--data", dir); code != 0 {
		t.Fatalf("migrate: %s", stderr)
	}
	key, err := readJournalKey(defaultJournalKey(dir))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: dbFile(dir), JournalKey: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	p, err := db.CreatePartnership(sys, "P")
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: p.ID, Name: "O", Setting: "school"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(sys, lifeguard.NewUser{Email: "dsl@example.org", Name: "D", Role: lifeguard.RoleDSL, OrganisationID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	return &loadedStore{db: db, dsl: lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: o.ID, PartnershipID: p.ID, Via: "session"}}
}

func sha256File(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// TestScheduledBackupUnderLoadRestores runs serve's backup job three times
// while four clients record concerns, keeping two backups; restores the
// newest into an empty data directory; verifies its journal against the
// key; and finds in it every concern acknowledged before that backup began.
// It then checks that restore refuses what it must.
func TestScheduledBackupUnderLoadRestores(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	backups := filepath.Join(t.TempDir(), "backups")
	if err := os.MkdirAll(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	l := openLoaded(t, dir)
	job := backupJob(l.db, backups, time.Hour, 2, slog.New(slog.DiscardHandler))
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())

	stop := make(chan struct{})
	wait := l.startLoad(t, 4, stop)
	slot := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	var before []int64
	for i := range 3 {
		time.Sleep(300 * time.Millisecond)
		before = l.ackedSoFar()
		if err := job.Run(ctx, slot.Add(time.Duration(i)*time.Hour)); err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	close(stop)
	wait()
	if len(before) == 0 || len(l.ackedSoFar()) <= len(before) {
		t.Fatalf("%d concerns before the last backup, %d in all: no load to speak of", len(before), len(l.ackedSoFar()))
	}

	// Two kept, the oldest deleted, nothing partial left.
	entries, err := os.ReadDir(backups)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	want := []string{"lifeguard-20261207T110000Z.db", "lifeguard-20261207T120000Z.db"}
	if !slices.Equal(names, want) {
		t.Fatalf("backup directory holds %v, want %v", names, want)
	}
	wantMode(t, filepath.Join(backups, want[1]), 0o600)
	// Each backup is in the live journal, with its file's hash.
	var es []lifeguard.JournalEntry
	for {
		page, err := l.db.JournalEntries(ctx, int64(len(es)), 1000)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, page...)
		if len(page) < 1000 {
			break
		}
	}
	var sums []string
	for _, e := range es {
		if e.Action == "backup" {
			if e.Record != "database" || e.UserID != 0 {
				t.Errorf("backup journalled as %+v", e)
			}
			sums = append(sums, strings.TrimPrefix(e.Detail, "sha256="))
		}
	}
	if len(sums) != 3 || sums[1] != sha256File(t, filepath.Join(backups, want[0])) ||
		sums[2] != sha256File(t, filepath.Join(backups, want[1])) {
		t.Errorf("journalled backups %v do not match the files kept", sums)
	}
	// Running a slot again that already has its file takes no second copy.
	if err := job.Run(ctx, slot.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}

	newest := filepath.Join(backups, want[1])
	key := defaultJournalKey(dir)
	restored := filepath.Join(t.TempDir(), "restored")
	code, out, stderr := run(t, "", "restore", "--data", restored, "--journal-key", key, newest)
	if code != 0 || !strings.Contains(out, "The journal is whole") || !strings.Contains(out, "is sealed with the journal key") {
		t.Fatalf("restore: %d\n%s%s", code, out, stderr)
	}
	wantMode(t, restored, 0o700)
	wantMode(t, dbFile(restored), 0o600)
	if code, out, _ := run(t, "", "journal", "verify", "--data", restored, "--journal-key", key); code != 0 || !strings.Contains(out, "whole") {
		t.Fatalf("journal verify of the restored database: %d %s", code, out)
	}
	keyBytes, err := readJournalKey(key)
	if err != nil {
		t.Fatal(err)
	}
	rdb, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: dbFile(restored), JournalKey: keyBytes})
	if err != nil {
		t.Fatal(err)
	}
	dsl := lifeguard.WithActor(t.Context(), &l.dsl)
	for _, id := range before {
		if _, err := rdb.Concern(dsl, id); err != nil {
			t.Fatalf("concern %d, acknowledged before the backup began, is not in the restored database: %v", id, err)
		}
	}
	rdb.Close()
	t.Logf("%d concerns acknowledged before the newest backup began, all restored (%d in all under load)",
		len(before), len(l.ackedSoFar()))

	t.Run("refusals", func(t *testing.T) {
		testRestoreRefusals(t, newest, key)
	})
}

// testRestoreRefusals damages copies of a good backup in each way restore
// must refuse, and checks that each is refused with its reason and that
// nothing is left in the data directory.
func testRestoreRefusals(t *testing.T, good, key string) {
	variant := func(t *testing.T, change func(path string)) string {
		path := filepath.Join(t.TempDir(), "backup.db")
		b, err := os.ReadFile(good)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		if change != nil {
			change(path)
		}
		return path
	}
	exec := func(path string, stmts ...string) func(string) {
		return func(string) {
			conn, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, s := range stmts {
				if _, err := conn.Exec(s); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	tests := []struct {
		name   string
		file   func(t *testing.T) string
		dir    func(t *testing.T, dir string)
		code   int
		reason string
	}{
		{"a damaged file", func(t *testing.T) string {
			return variant(t, func(path string) {
				size, off := concernPage(t, path)
				f, err := os.OpenFile(path, os.O_WRONLY, 0)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				if _, err := f.WriteAt([]byte(strings.Repeat("\xa5", size/2)), off+int64(size/4)); err != nil {
					t.Fatal(err)
				}
			})
		}, nil, 1, "is damaged"},
		{"a backup of a newer schema", func(t *testing.T) string {
			p := variant(t, nil)
			exec(p, `INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`)(p)
			return p
		}, nil, 1, "was made by a newer Lifeguard: its schema version is 9999"},
		{"a broken journal", func(t *testing.T) string {
			p := variant(t, nil)
			exec(p, `UPDATE journal SET detail = 'changed' WHERE seq = 3`)(p)
			return p
		}, nil, 1, "journal is BROKEN at entry 3"},
		{"a database that is not Lifeguard's", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "other.db")
			exec(p, `CREATE TABLE notes (x TEXT)`, `INSERT INTO notes VALUES ('a')`)(p)
			return p
		}, nil, 1, "is not a backup of Lifeguard's database"},
		{"a file that is no database", func(t *testing.T) string {
			p := filepath.Join(t.TempDir(), "notes.txt")
			os.WriteFile(p, []byte(strings.Repeat("not a database\n", 500)), 0o600)
			return p
		}, nil, 1, "is damaged"},
		{"no file", func(t *testing.T) string { return filepath.Join(t.TempDir(), "missing.db") }, nil, 2, "there is no backup at"},
		{"a data directory that holds a database", func(t *testing.T) string { return variant(t, nil) },
			func(t *testing.T, dir string) {
				os.MkdirAll(dir, 0o700)
				os.WriteFile(dbFile(dir), []byte("x"), 0o600)
			}, 2, "is not empty (it holds lifeguard.db)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			if tc.dir != nil {
				tc.dir(t, dir)
			}
			file := tc.file(t)
			code, out, stderr := run(t, "", "restore", "--data", dir, "--journal-key", key, file)
			if code != tc.code || !strings.Contains(stderr, tc.reason) {
				t.Fatalf("restore: %d, want %d with %q\n%s%s", code, tc.code, tc.reason, out, stderr)
			}
			if tc.dir == nil {
				if entries, _ := os.ReadDir(dir); len(entries) > 0 {
					t.Errorf("a refused restore left %v in the data directory", entries)
				}
			}
		})
	}
	if code, _, stderr := run(t, "", "restore", "--database", "postgres://x@127.0.0.1/x", good); code != 2 ||
		!strings.Contains(stderr, "pg_restore") {
		t.Errorf("restore into PostgreSQL: %d %s", code, stderr)
	}
}

// TestServeBackupFlags checks that serve refuses backup settings that
// cannot work, naming the flag, before it opens anything.
func TestServeBackupFlags(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--backup-every", "1h"}, "--backup-every needs --backup-dir"},
		{[]string{"--backup-every", "1s", "--backup-dir", t.TempDir()}, "--backup-every must be at least 1m0s"},
		{[]string{"--backup-every", "-1h", "--backup-dir", t.TempDir()}, "--backup-every must not be negative"},
		{[]string{"--backup-every", "1h", "--backup-dir", t.TempDir(), "--backup-keep", "0"}, "--backup-keep must be at least 1"},
		{[]string{"--backup-dir", t.TempDir()}, "--backup-dir and --backup-keep go with --backup-every"},
		{[]string{"--backup-every", "1h", "--backup-dir", dir}, "--backup-dir must not be the data directory"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, stderr := run(t, "", append([]string{"serve", "--data", dir}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.want) {
				t.Errorf("%d %s, want 2 with %q", code, stderr, tc.want)
			}
		})
	}
	code, _, stderr := run(t, "", "serve", "--database", "postgres://x@127.0.0.1/x", "--backup-every", "1h", "--backup-dir", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "pg_dump") {
		t.Errorf("scheduled backup on PostgreSQL: %d %s", code, stderr)
	}
	if _, err := os.Stat(dir); err == nil {
		t.Errorf("a refused serve made the data directory")
	}
}
