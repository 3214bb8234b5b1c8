package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// migrationFiles holds the forward-only migrations of each engine, named
// NNNN_what.sql and numbered from 1 without gaps.
//
//go:embed migrations
var migrationFiles embed.FS

// createMigrationsTable is the same text on both engines: BIGINT holds
// microseconds on PostgreSQL, where INTEGER is 32 bits, and is an integer
// on SQLite.
const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	applied_at BIGINT  NOT NULL
)`

type migration struct {
	version int
	name    string
	sql     string
}

// migrations returns the engine's migrations in order, checking that they
// are numbered 1, 2, 3, … with no gap or repeat.
func (d *dialect) migrations() ([]migration, error) {
	dir := path.Join("migrations", d.name)
	entries, err := fs.ReadDir(migrationFiles, dir)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("sqlstore: migration %s: name must start with its version, as in 0001_init.sql", name)
		}
		b, err := fs.ReadFile(migrationFiles, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("sqlstore: migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlstore: migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// MigrationStatus returns the schema version of the database and the latest
// version this binary knows. Current is 0 for a database never migrated.
func (db *DB) MigrationStatus(ctx context.Context) (current, latest int, err error) {
	ms, err := db.d.migrations()
	if err != nil {
		return 0, 0, err
	}
	err = db.inRead(ctx, "migration status", func(tx *tx) error {
		return tx.row(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current)
	})
	return current, len(ms), err
}

// Migrate brings the schema up to the latest version, each migration in its
// own transaction with its row in schema_migrations, so that a failure leaves
// the database at the last version that applied whole. It refuses a database
// whose version is newer than this binary knows: an older binary must not
// write to a schema it does not understand. Migrating a database that is up
// to date does nothing.
func (db *DB) Migrate(ctx context.Context) error {
	ms, err := db.d.migrations()
	if err != nil {
		return err
	}
	if db.d.lockMigrations != nil {
		unlock, err := db.d.lockMigrations(ctx, db.read)
		if err != nil {
			return db.fail("migrate", err)
		}
		defer unlock()
	}
	for {
		// One migration per transaction; the version is read again inside
		// each, under the write lock, so two processes migrating at once
		// cannot apply the same migration twice.
		var applied *migration
		err := db.inWrite(ctx, "migrate", func(tx *tx) error {
			var current int
			if err := tx.row(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
				return err
			}
			if current > len(ms) {
				return lifeguard.Errorf(lifeguard.ECONFLICT,
					"The database has schema version %d, newer than the %d this Lifeguard knows; run a newer Lifeguard.",
					current, len(ms))
			}
			if current == len(ms) {
				return nil
			}
			m := ms[current]
			if _, err := tx.exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.exec(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`,
				m.version, micros(db.now())); err != nil {
				return err
			}
			applied = &m
			return nil
		})
		if err != nil {
			return err
		}
		if applied == nil {
			if err := db.rebuildReportCounts(ctx); err != nil {
				return err
			}
			// The schema is the one the store's statements are written
			// for: from now on the writer may keep them prepared. Only on
			// SQLite (stmt_cache.go); migrations never use the cache.
			if db.d.name == "sqlite" && db.stmts.Load() == nil {
				db.stmts.CompareAndSwap(nil, newStmtCache(db.write))
			}
			if db.d.name == "sqlite" && db.readStmts.Load() == nil {
				db.readStmts.CompareAndSwap(nil, newStmtCache(db.read))
			}
			return nil
		}
		db.log.Info("schema migrated", slog.Int("version", applied.version), slog.String("migration", applied.name))
	}
}
