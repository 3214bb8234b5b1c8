package sqlstore

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestStmtCacheKeepsWritesPrepared checks that, on SQLite once migrated,
// the writer keeps the statements of its writes prepared (stmt_cache.go):
// a write done again runs the prepared statement, and its result is what
// the statement parsed afresh would give.
func TestStmtCacheKeepsWritesPrepared(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "s.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if db.stmts.Load() != nil {
		t.Fatal("a statement cache before Migrate: the migrations would fill it")
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := db.stmts.Load()
	if c == nil {
		t.Fatal("no statement cache after Migrate on SQLite")
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	for i := range 3 {
		if _, err := db.CreatePartnership(sys, "Partnership "+string(rune('A'+i))); err != nil {
			t.Fatal(err)
		}
	}
	c.mu.Lock()
	n := len(c.stmts)
	c.mu.Unlock()
	if n == 0 {
		t.Fatal("no statement kept prepared after the same write three times")
	}
	for i := int64(1); i <= 3; i++ {
		p, err := db.Partnership(sys, i)
		if err != nil || p.Name != "Partnership "+string(rune('A'+i-1)) {
			t.Errorf("partnership %d: %+v (%v)", i, p, err)
		}
	}
}

// TestStmtCacheKeepsReadsPrepared: the read pool keeps its statements
// prepared too (on SQLite). Every API call reads its token and most read
// settings; parsed afresh each time, SQLite's parser was a quarter of the
// capture endpoint's CPU (bench/README.md).
func TestStmtCacheKeepsReadsPrepared(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Config{Path: filepath.Join(t.TempDir(), "s.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	if _, err := db.CreatePartnership(sys, "Partnership A"); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		p, err := db.Partnership(sys, 1)
		if err != nil || p.Name != "Partnership A" {
			t.Fatalf("partnership 1: %+v (%v)", p, err)
		}
	}
	// Readers at once, on several connections, while statements are
	// prepared: each gets the right answer (and -race sees the cache).
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				if p, err := db.Partnership(sys, 1); err != nil || p.Name != "Partnership A" {
					t.Errorf("partnership 1 at once: %+v (%v)", p, err)
				}
			}
		})
	}
	wg.Wait()
	c := db.readStmts.Load()
	if c == nil {
		t.Fatal("no read statement cache after Migrate on SQLite")
	}
	c.mu.Lock()
	n := len(c.stmts)
	c.mu.Unlock()
	if n == 0 {
		t.Fatal("no read statement kept prepared after the same read three times")
	}
}
