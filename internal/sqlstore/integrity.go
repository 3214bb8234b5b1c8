package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrDamaged is the error of a SQLite file whose pages are not what SQLite
// wrote: a disk or a copy went wrong, or someone wrote into the file. Test
// for it with Damaged, which also recognises the engine's own errors.
var ErrDamaged = errors.New("the database file is damaged")

// CheckFile checks the SQLite file's structure with PRAGMA quick_check
// before the store is used, so that a damaged file is found at start-up
// rather than by a user whose page answers 500. quick_check reads every
// page of every table and index once and checks each b-tree and each
// record's format, but not that every index matches its table (that is
// integrity_check, five to eight times slower). With the file in the page
// cache it took 0.35 s at 100,000 concerns (180 MB) and 6.2 s at a million
// (1.76 GB) on a shared 2-core machine: it grows with the file's size
// (docs/operations.md). PostgreSQL checks its
// own pages (data checksums); there is nothing to do for it here.
func (db *DB) CheckFile(ctx context.Context) error {
	if db.d.name != "sqlite" {
		return nil
	}
	// Ten problems at most: enough to say where, and the check stops there
	// on a badly damaged file.
	rows, err := db.read.QueryContext(ctx, `PRAGMA quick_check(10)`)
	if err != nil {
		return markDamaged(fmt.Errorf("sqlstore: check the database file: %w", err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return markDamaged(fmt.Errorf("sqlstore: check the database file: %w", err))
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return markDamaged(fmt.Errorf("sqlstore: check the database file: %w", err))
	}
	if len(problems) > 0 {
		// The lines name pages, tables and indexes, never a row's contents.
		return fmt.Errorf("%w: %s", ErrDamaged, strings.Join(problems, "; "))
	}
	return nil
}

// Damaged reports whether err says that the SQLite file is damaged: from
// CheckFile, or an engine error met while opening or migrating it.
func Damaged(err error) bool {
	if errors.Is(err, ErrDamaged) {
		return true
	}
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff {
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// markDamaged adds ErrDamaged to an engine error that says the file is
// damaged, and leaves any other error as it is.
func markDamaged(err error) error {
	if Damaged(err) && !errors.Is(err, ErrDamaged) {
		return fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	return err
}
