package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrNotLifeguard is the error of a file that is a SQLite database but not
// one of Lifeguard's.
var ErrNotLifeguard = errors.New("the file is not a Lifeguard database")

// NewerSchemaError is the error of a backup made by a newer Lifeguard: its
// schema has migrations this binary does not know, and an older binary
// must not write to a schema it does not understand.
type NewerSchemaError struct{ Version, Latest int }

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("the backup has schema version %d, newer than the %d this Lifeguard knows", e.Version, e.Latest)
}

// InspectBackup checks a SQLite backup file without changing it: that it is
// a whole SQLite file (PRAGMA quick_check, as CheckFile), a Lifeguard
// database, and of a schema this binary can run (its version, returned,
// is at most the latest). A damaged file's error satisfies Damaged.
func InspectBackup(ctx context.Context, path string) (version int, err error) {
	if strings.ContainsAny(path, "?#") {
		return 0, fmt.Errorf("sqlstore: a backup's path must not hold ? or #")
	}
	if _, err := os.Stat(path); err != nil {
		return 0, err
	}
	// Read-only and immutable: nothing is written beside the file (no -wal
	// or -shm), and the file is not changed, whatever its journal mode.
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro&immutable=1")
	if err != nil {
		return 0, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `PRAGMA quick_check(10)`)
	if err != nil {
		return 0, markDamaged(fmt.Errorf("sqlstore: check the backup: %w", err))
	}
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			rows.Close()
			return 0, markDamaged(fmt.Errorf("sqlstore: check the backup: %w", err))
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, markDamaged(fmt.Errorf("sqlstore: check the backup: %w", err))
	}
	rows.Close()
	if len(problems) > 0 {
		return 0, fmt.Errorf("%w: %s", ErrDamaged, strings.Join(problems, "; "))
	}
	var tables int
	if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema
		WHERE type = 'table' AND name IN ('schema_migrations', 'journal_head')`).Scan(&tables); err != nil {
		return 0, markDamaged(err)
	}
	if tables != 2 {
		return 0, ErrNotLifeguard
	}
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return 0, markDamaged(err)
	}
	ms, err := sqliteDialect(path).migrations()
	if err != nil {
		return 0, err
	}
	if version > len(ms) {
		return version, &NewerSchemaError{Version: version, Latest: len(ms)}
	}
	if version == 0 {
		return 0, ErrNotLifeguard
	}
	return version, nil
}
