package sqlstore

import (
	"io/fs"
	"slices"
	"strings"
	"testing"
)

// TestMigrationsMatch fails when one engine has a migration, by number and
// name, that another lacks: every engine's schema must be the same
// sequence of changes, so that a database moved from one engine to another
// (or a binary that knows version N) means the same schema on both.
func TestMigrationsMatch(t *testing.T) {
	engines, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	names := map[string][]string{}
	for _, e := range engines {
		if !e.IsDir() {
			continue
		}
		files, err := fs.ReadDir(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f.Name(), ".sql") {
				names[e.Name()] = append(names[e.Name()], f.Name())
			}
		}
	}
	for _, want := range []string{"sqlite", "postgres"} {
		if len(names[want]) == 0 {
			t.Errorf("no migrations for %s", want)
		}
	}
	for a, as := range names {
		for b, bs := range names {
			for _, n := range as {
				if !slices.Contains(bs, n) {
					t.Errorf("%s has migration %s; %s has none of that number and name", a, n, b)
				}
			}
		}
	}
	// Each engine's own list must also load: numbered from 1 with no gap.
	for name, files := range names {
		ms, err := (&dialect{name: name}).migrations()
		if err != nil {
			t.Errorf("%s: %v", name, err)
		}
		if len(ms) != len(files) {
			t.Errorf("%s: %d migrations loaded, %d files", name, len(ms), len(files))
		}
	}
}
