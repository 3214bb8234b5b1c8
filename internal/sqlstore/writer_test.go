package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestGroupCommitIsolatesFailures holds the writer busy so that twenty
// writes queue into one batch, half of which fail after writing a row: the
// failed ones leave nothing behind, the others all commit, and each caller
// gets its own outcome. Each write also journals: the failed ones' entries
// go with them, and the chain the batch writes at its end is whole.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	db, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "w.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE probe (n INTEGER PRIMARY KEY)`); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	started := make(chan struct{})
	go db.inWrite(ctx, "hold", func(*tx) error {
		close(started)
		<-release
		return nil
	})
	<-started
	errBoom := errors.New("boom")
	results := make([]error, 20)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			results[i] = db.inWrite(ctx, "probe", func(tx *tx) error {
				if _, err := tx.exec(ctx, `INSERT INTO probe (n) VALUES (?)`, i); err != nil {
					return err
				}
				if err := journal(ctx, tx, lifeguard.SystemActor(), db.now(), jCreate, "probe", int64(i), ""); err != nil {
					return err
				}
				if i%2 == 1 {
					return fmt.Errorf("write %d: %w", i, errBoom)
				}
				return nil
			})
		})
	}
	// The writers block on the queue while the held write runs; a moment
	// lets them all get there, so the writer takes them as one batch. The
	// assertions hold however they are batched; the pause only makes the
	// batch the case under test.
	time.Sleep(200 * time.Millisecond)
	close(release)
	wg.Wait()
	for i, err := range results {
		if i%2 == 1 && !errors.Is(err, errBoom) {
			t.Errorf("write %d: got %v, want its own error", i, err)
		}
		if i%2 == 0 && err != nil {
			t.Errorf("write %d failed with %v although it did nothing wrong", i, err)
		}
	}
	var count, odd int
	db.read.QueryRowContext(ctx, `SELECT count(*), count(CASE WHEN n % 2 = 1 THEN 1 END) FROM probe`).Scan(&count, &odd)
	if count != 10 || odd != 0 {
		t.Errorf("probe holds %d rows, %d from failed writes; want the 10 successful ones only", count, odd)
	}
	db.read.QueryRowContext(ctx, `SELECT count(*), count(CASE WHEN record_id % 2 = 1 THEN 1 END) FROM journal
		WHERE record = 'probe'`).Scan(&count, &odd)
	if count != 10 || odd != 0 {
		t.Errorf("the journal holds %d probe entries, %d from failed writes; want the 10 successful ones only", count, odd)
	}
	rep, err := db.VerifyJournal(ctx)
	if err != nil || rep.FirstBroken != 0 || rep.Entries < 10 {
		t.Errorf("journal after the batch: %+v, %v", rep, err)
	}
}

// TestWriteAfterCancelledContext checks that a caller whose context ends
// before its turn gets an error and leaves no row.
func TestWriteAfterCancelledContext(t *testing.T) {
	db, err := Open(t.Context(), Config{Path: filepath.Join(t.TempDir(), "w.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	called := false
	if err := db.inWrite(ctx, "late", func(*tx) error { called = true; return nil }); err == nil || called {
		t.Errorf("a cancelled write ran (called=%v) or reported no error (%v)", called, err)
	}
}
