package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is everything that differs between the engines the store serves.
// The rest of the package writes one SQL text for both: "?" placeholders
// (rebound here for PostgreSQL), INSERT … RETURNING id (SQLite 3.35 and
// PostgreSQL), row-value comparisons for cursors, booleans passed and scanned
// as Go bools, times as integer Unix microseconds (BIGINT in PostgreSQL),
// dates as 'YYYY-MM-DD' text and JSON as text. The store needs no upsert: the
// journal head is one row created by the first migration and changed with a
// plain UPDATE, which also takes PostgreSQL's row lock that serialises
// appends.
type dialect struct {
	// name is the engine and the directory of its migrations under
	// migrations/.
	name string
	// rebind turns the store's "?" placeholders into the engine's own.
	rebind func(query string) string
	// unavailable reports whether err means the database cannot be reached or
	// is too busy to answer now: the store reports those as EUNAVAILABLE so
	// the caller may try again.
	unavailable func(err error) bool
	// backup writes a consistent copy of the live database to a new file at
	// dst; nil when the engine is backed up by its own tools (pg_dump).
	backup func(ctx context.Context, dst string) error
}

// sqliteDialect is SQLite through modernc.org/sqlite, for the file at path.
func sqliteDialect(path string) *dialect {
	return &dialect{
		name:        "sqlite",
		rebind:      func(q string) string { return q },
		unavailable: sqliteUnavailable,
		backup:      func(ctx context.Context, dst string) error { return sqliteBackup(ctx, path, dst) },
	}
}

// sqliteBackup copies the database at path to dst with VACUUM INTO, which
// reads in one transaction, so the copy is consistent while writers go on,
// and writes a compacted new file. It needs a connection of its own: the
// read pool's are query_only, which SQLite holds against VACUUM INTO, and
// the write pool's one connection must not be held for the seconds a large
// copy takes.
func sqliteBackup(ctx context.Context, path, dst string) error {
	conn, err := sql.Open("sqlite", sqliteDSN(path, backupConn))
	if err != nil {
		return err
	}
	defer conn.Close()
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, dst)
	return err
}

// sqliteUnavailable picks out the result codes that say "not now" rather than
// "this statement is wrong": a lock held longer than busy_timeout, a file that
// cannot be opened or written, a full disk.
func sqliteUnavailable(err error) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code() & 0xff { // the primary code; extended codes add the high bits
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_IOERR,
		sqlite3.SQLITE_FULL, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PROTOCOL:
		return true
	}
	return false
}

// rebindDollar turns "?" placeholders into PostgreSQL's $1, $2, … It skips
// quoted strings and identifiers, which is all the store's own SQL needs: it
// has no comments or dollar-quoted strings in queries.
func rebindDollar(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 8)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// sqlitePragmas are run by the driver on every new connection, in this order.
//
//   - busy_timeout comes first so that even the switch to WAL below waits for
//     a lock held by another process instead of failing at once.
//   - WAL lets readers read while the one writer writes.
//   - synchronous=FULL syncs the WAL at every commit. NORMAL, the usual WAL
//     choice, survives a crash of the process but can lose the last
//     transactions on a power cut; a safeguarding record that a reporter was
//     told was saved must still be there after one.
//   - foreign_keys is off by default in SQLite and must be set per
//     connection.
//   - cache_size gives each connection 16 MB of page cache rather than 2 MB,
//     which keeps the indexes of a large database in memory.
var sqlitePragmas = [...]string{
	"busy_timeout(10000)",
	"journal_mode(WAL)",
	"synchronous(FULL)",
	"foreign_keys(ON)",
	"cache_size(-16000)",
	"temp_store(MEMORY)",
}

// sqliteDSN builds the DSN for the file at path. Write connections begin
// their transactions with BEGIN IMMEDIATE (_txlock): the write lock is taken
// at the start, where busy_timeout applies, rather than on the first write,
// where SQLite must fail a transaction that has already read (SQLITE_BUSY
// without waiting) to avoid a deadlock. Read connections are query_only, so
// that a write that wrongly goes through the read pool fails loudly instead
// of racing the writer.
func sqliteDSN(path string, use connUse) string {
	v := make([]string, 0, len(sqlitePragmas)+1)
	for _, p := range sqlitePragmas {
		v = append(v, "_pragma="+p)
	}
	switch use {
	case writeConn:
		v = append(v, "_txlock=immediate")
	case readConn:
		v = append(v, "_pragma=query_only(1)")
	}
	return path + "?" + strings.Join(v, "&")
}

// connUse is what a connection is opened for.
type connUse int

const (
	readConn connUse = iota
	writeConn
	backupConn
)

// openSQLite opens the two pools on the SQLite file at path.
//
// SQLite allows one writer at a time. The write pool therefore has exactly
// one connection: writers queue in database/sql, in Go, in the order they
// came, rather than each spinning on SQLITE_BUSY inside SQLite's busy
// handler, and a transaction never waits on a lock held by another
// connection of the same process. The read pool has several connections,
// which WAL lets read alongside the writer; reads that must be journaled
// (concerns and children) go through the write pool instead.
//
// The write pool is opened and pinged first, so that the file is created and
// switched to WAL before any query_only reader opens it.
func openSQLite(path string) (read, write *sql.DB, err error) {
	if path == "" {
		return nil, nil, fmt.Errorf("sqlstore: no database path")
	}
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		// The driver reads everything after '?' as its parameters.
		return nil, nil, fmt.Errorf("sqlstore: database path %q must be a plain file name", path)
	}
	write, err = sql.Open("sqlite", sqliteDSN(path, writeConn))
	if err != nil {
		return nil, nil, fmt.Errorf("sqlstore: open write pool: %w", err)
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0) // a new connection re-runs the pragmas; keep the one we have
	write.SetConnMaxIdleTime(0)
	if err := write.Ping(); err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("sqlstore: open %s: %w", path, err)
	}

	read, err = sql.Open("sqlite", sqliteDSN(path, readConn))
	if err != nil {
		write.Close()
		return nil, nil, fmt.Errorf("sqlstore: open read pool: %w", err)
	}
	n := max(4, runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	read.SetConnMaxLifetime(0)
	read.SetConnMaxIdleTime(0)
	return read, write, nil
}
