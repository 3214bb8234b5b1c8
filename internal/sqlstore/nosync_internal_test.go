package sqlstore

import (
	"path/filepath"
	"testing"
)

// TestNoSync checks that Config.NoSync turns syncing off on that store's
// write connection alone: another store on the same file, as serve --demo's
// server beside the demo history's, still syncs every commit.
func TestNoSync(t *testing.T) {
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "s.db")
	for _, c := range []struct {
		noSync bool
		want   int // PRAGMA synchronous: 0 OFF, 2 FULL
	}{{false, 2}, {true, 0}, {false, 2}} {
		db, err := Open(ctx, Config{Path: path, NoSync: c.noSync})
		if err != nil {
			t.Fatal(err)
		}
		var got int
		if err := db.write.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("NoSync %v: synchronous is %d, want %d", c.noSync, got, c.want)
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}
	}
}
