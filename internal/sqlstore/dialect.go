package sqlstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
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
// appends. Nor does it need LIKE, whose case sensitivity differs: a prefix
// search compares substr(ref, 1, n), which is exact on both.
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
	// unique reports whether err is a broken unique constraint and, if so,
	// which: its columns as SQLite names them ("users.email"), so that db.go
	// maps each to one domain error whatever the engine.
	unique func(err error) (key string, ok bool)
	// readTx and writeTx are the options of read and write transactions.
	readTx, writeTx *sql.TxOptions
	// lockWrites, when set, runs first in every write transaction, before
	// any write of the batch.
	lockWrites func(ctx context.Context, tx *sql.Tx) error
	// lockMigrations, when set, is held around the whole of Migrate; it
	// returns the function that releases it.
	lockMigrations func(ctx context.Context, pool *sql.DB) (unlock func(), err error)
	// detachWrites makes the statements of a write ignore the end of its
	// caller's context once the write has started (see tx.c).
	detachWrites bool
	// backup writes a consistent copy of the live database to a new file at
	// dst; nil when the engine is backed up by its own tools, and then
	// ownBackup says which.
	backup    func(ctx context.Context, dst string) error
	ownBackup string
	// splitList is a table expression "s" with one row per code (column
	// value) of a column of comma-separated codes.
	splitList func(col string) string
}

// sqliteDialect is SQLite through modernc.org/sqlite, for the file at path.
func sqliteDialect(path string) *dialect {
	return &dialect{
		name:   "sqlite",
		rebind: func(q string) string { return q },
		splitList: func(col string) string {
			return `json_each('["' || replace(` + col + `, ',', '","') || '"]') AS s`
		},
		unavailable: sqliteUnavailable,
		unique:      sqliteUnique,
		// A read transaction is a snapshot in WAL mode whatever the level;
		// a write transaction is BEGIN IMMEDIATE (sqliteDSN), which holds
		// the database's one write lock and so serialises every writer,
		// journal appends included, with no lock of the store's own.
		readTx:  &sql.TxOptions{ReadOnly: true},
		writeTx: nil,
		backup:  func(ctx context.Context, dst string) error { return sqliteBackup(ctx, path, dst) },
	}
}

// sqliteBackup copies the database at path to dst with VACUUM INTO, which
// reads in one transaction, so the copy is consistent while writers go on,
// and writes a compacted new file. It needs a connection of its own: the
// read pool's are query_only, which SQLite holds against VACUUM INTO, and
// the write pool's one connection must not be held for the seconds a large
// copy takes.
func sqliteBackup(ctx context.Context, path, dst string) error {
	// VACUUM INTO would make the file 0644; an empty file it fills keeps
	// the mode it was made with, so the copy is its owner's only, like the
	// database. O_EXCL: a backup never replaces an older one.
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	conn, err := sql.Open("sqlite", sqliteDSN(path, backupConn))
	if err != nil {
		os.Remove(dst)
		return err
	}
	defer conn.Close()
	if _, err = conn.ExecContext(ctx, `VACUUM INTO ?`, dst); err != nil {
		os.Remove(dst) // the empty or partial file made above
		return err
	}
	return nil
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

// sqliteUnique reads the columns of a broken unique constraint from the
// message SQLite gives, "UNIQUE constraint failed: users.email".
func sqliteUnique(err error) (string, bool) {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return "", false
	}
	if c := e.Code(); c != sqlite3.SQLITE_CONSTRAINT_UNIQUE && c != sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
		return "", false
	}
	_, key, _ := strings.Cut(e.Error(), "UNIQUE constraint failed: ")
	key, _, _ = strings.Cut(key, " (")
	return key, true
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
func openSQLite(path string, noSync bool) (read, write *sql.DB, err error) {
	if path == "" {
		return nil, nil, fmt.Errorf("sqlstore: no database path")
	}
	if strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		// The driver reads everything after '?' as its parameters.
		return nil, nil, fmt.Errorf("sqlstore: database path %q must be a plain file name", path)
	}
	dsn := sqliteDSN(path, writeConn)
	if noSync {
		// Config.NoSync: the pragmas run in order, so the later one wins.
		dsn += "&_pragma=synchronous(OFF)"
	}
	write, err = sql.Open("sqlite", dsn)
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

// PostgreSQL, version 15 or later, through pgx's database/sql driver.

// postgresDialect is PostgreSQL through github.com/jackc/pgx/v5/stdlib.
func postgresDialect() *dialect {
	return &dialect{
		name:   "postgres",
		rebind: rebindDollar,
		splitList: func(col string) string {
			return `unnest(string_to_array(` + col + `, ',')) AS s(value)`
		},
		unavailable: postgresUnavailable,
		unique:      postgresUnique,
		// A read is one snapshot, as on SQLite: VerifyJournal reads the
		// head and then the entries, and under READ COMMITTED each statement
		// would see a different moment. A read-only REPEATABLE READ
		// transaction never fails to serialise, so it costs nothing.
		readTx: &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead},
		// Writes are READ COMMITTED: each statement sees what was committed
		// before it, and postgresLockWrites makes sure nothing else is being
		// written meanwhile, so the store's check-then-write (an email not
		// yet taken, a transfer not yet received) holds as on SQLite, with
		// none of the serialisation failures REPEATABLE READ or SERIALIZABLE
		// would give a batch of many writes.
		writeTx:        &sql.TxOptions{Isolation: sql.LevelReadCommitted},
		lockWrites:     postgresLockWrites,
		lockMigrations: postgresLockMigrations,
		// pgx answers a cancelled context by closing the connection under
		// the statement. On the one write connection that would roll back
		// every other write of the batch as well, so once a write has begun
		// it runs to its end (its caller already waits for it to be
		// decided; see writer.do).
		detachWrites: true,
		ownBackup: "Lifeguard's database is PostgreSQL, which Lifeguard does not copy itself: " +
			"back it up with pg_dump (see docs/postgres.md).",
	}
}

// Advisory lock keys, in the database's own key space: chosen once, never
// to change, since two Lifeguard versions on one database must agree.
const (
	pgWriteLock   int64 = 0x4c47_5752 // "LGWR": held by every write transaction
	pgMigrateLock int64 = 0x4c47_4d47 // "LGMG": held around Migrate
)

// pgLockTimeout bounds how long a write transaction waits for another
// server's, and for any row lock after that: a server whose peer hangs
// answers EUNAVAILABLE (SQLSTATE 55P03) rather than queueing requests for
// ever.
const pgLockTimeout = "30s"

// postgresLockWrites takes the write lock for the rest of the transaction.
//
// Every write transaction of every server takes this one lock first, so
// writes are serialised across servers as SQLite serialises them within its
// file. The journal depends on it: a transaction reads the journal head
// once and chains its entries in memory (journal_batch.go), which is right
// only if no other transaction can append meanwhile. It also rules out
// deadlocks between two servers' group-commit batches, which would lock rows
// in different orders. It is an advisory lock rather than journal_head FOR
// UPDATE because it must also serialise the migrations that create
// journal_head.
func postgresLockWrites(ctx context.Context, tx *sql.Tx) error {
	// No arguments, so pgx sends both statements in one round trip.
	_, err := tx.ExecContext(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = '%s'; SELECT pg_advisory_xact_lock(%d)`,
		pgLockTimeout, pgWriteLock))
	return err
}

// postgresLockMigrations holds a session advisory lock on a connection of
// its own while Migrate runs, so that of two servers started at once one
// migrates and the other waits and then finds the schema up to date. Each
// migration's transaction also takes the write lock, which alone would stop
// a migration being applied twice; this lock keeps a second server from
// starting to serve between two migrations of the first.
func postgresLockMigrations(ctx context.Context, pool *sql.DB) (func(), error) {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, pgMigrateLock); err != nil {
		conn.Close()
		return nil, err
	}
	return func() {
		// Its own context: the caller's may have ended, and a lock left on
		// a pooled connection would hold every other server back.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, pgMigrateLock); err != nil {
			// Closing the connection ends its session, and the lock with it.
			conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}, nil
}

// postgresUnavailable picks out the errors that say "not now": no
// connection (refused, reset, timed out, closed), a server shutting down or
// starting up (SQLSTATE class 08, 57P01–57P03), too many connections
// (53300), and a lock not had within pgLockTimeout (55P03).
func postgresUnavailable(err error) bool {
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch c := pe.Code; {
		case strings.HasPrefix(c, "08"), c == "57P01", c == "57P02", c == "57P03", c == "53300", c == "55P03":
			return true
		}
		return false // the server answered: the statement, not the connection, is at fault
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if _, ok := errors.AsType[net.Error](err); ok {
		return true
	}
	return pgconn.Timeout(err) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, io.ErrUnexpectedEOF)
}

// pgUniqueKeys names the store's unique constraints (given their names in
// migrations/postgres) by their columns as SQLite reports them.
var pgUniqueKeys = map[string]string{
	"users_email_unique":       "users.email",
	"children_ref_unique":      "children.organisation_id, children.ref",
	"transfers_one_pending":    "transfers.child_id",
	"transfers_received_child": "transfers.received_child_id",
	"audits_one_open":          "audits.organisation_id",
}

// postgresUnique recognises SQLSTATE 23505, unique_violation.
func postgresUnique(err error) (string, bool) {
	pe, ok := errors.AsType[*pgconn.PgError](err)
	if !ok || pe.Code != "23505" {
		return "", false
	}
	if key, ok := pgUniqueKeys[pe.ConstraintName]; ok {
		return key, true
	}
	return pe.ConstraintName, true
}

// Pool sizes on PostgreSQL. The write pool is one connection, as on SQLite:
// the group-commit writer (writer.go) runs one transaction at a time on it,
// and more connections would only queue on postgresLockWrites while
// splitting the batches that let one commit (one WAL flush) serve many
// writes. Reads take up to pgReadConns connections, enough for a server's
// concurrent page and API reads, while several servers together stay
// within PostgreSQL's default max_connections of 100. All of them stay open
// between requests: a new PostgreSQL connection costs a server process and
// an authentication, and with only four kept a busy server spent its time
// reconnecting (121 concerns/s against 462/s with sixteen API clients).
const (
	pgReadConns     = 20
	pgReadIdleConns = 20
)

// pgConnectAttempt bounds one attempt to reach the server, so that a host
// that drops packets still gets a line in the log every few seconds.
const pgConnectAttempt = 10 * time.Second

// openPostgres opens the two pools on the database at dsn, a postgres://
// URL, and waits for the server to answer: at most timeout (60 s when
// zero), retrying with backoff while the server is down or starting, so
// that Lifeguard and its database can be started together. Errors that
// waiting will not cure (a wrong password, no such database) end it at once.
// Neither a log line nor an error carries the URL, which may hold the
// password.
func openPostgres(ctx context.Context, dsn string, timeout time.Duration, log *slog.Logger) (read, write *sql.DB, err error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, nil, fmt.Errorf("sqlstore: the database must be a postgres:// URL")
	}
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// The parser's message may quote the URL, password and all.
		return nil, nil, fmt.Errorf("sqlstore: the database URL is not a valid PostgreSQL URL")
	}
	if _, ok := cfg.RuntimeParams["application_name"]; !ok {
		cfg.RuntimeParams["application_name"] = "lifeguard" // seen in pg_stat_activity
	}
	server := net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))

	write = stdlib.OpenDB(*cfg)
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	read = stdlib.OpenDB(*cfg)
	read.SetMaxOpenConns(pgReadConns)
	read.SetMaxIdleConns(pgReadIdleConns)
	read.SetConnMaxIdleTime(5 * time.Minute)
	fail := func(err error) (*sql.DB, *sql.DB, error) {
		read.Close()
		write.Close()
		return nil, nil, err
	}

	if timeout <= 0 {
		timeout = 60 * time.Second
	}
	start := time.Now()
	deadline := start.Add(timeout)
	backoff := 250 * time.Millisecond
	class := ""
	for attempt := 1; ; attempt++ {
		until := time.Now().Add(pgConnectAttempt)
		if until.After(deadline) {
			until = deadline
		}
		actx, cancel := context.WithDeadline(ctx, until)
		err = write.PingContext(actx)
		cancel()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return fail(fmt.Errorf("sqlstore: waiting for PostgreSQL at %s: %w", server, ctx.Err()))
		}
		if !postgresUnavailable(err) {
			return fail(fmt.Errorf("sqlstore: open PostgreSQL at %s: %w", server, err))
		}
		// An attempt cut short by the end of the wait says only that time
		// ran out; the attempts before it say why.
		if c := pgErrorClass(err); class == "" || !until.Equal(deadline) {
			class = c
		}
		wait := min(backoff, time.Until(deadline)).Round(time.Millisecond)
		if wait <= 0 {
			return fail(fmt.Errorf("sqlstore: PostgreSQL at %s did not answer within %v (%d attempts): %s",
				server, timeout, attempt, class))
		}
		log.Warn("waiting for PostgreSQL", slog.String("server", server), slog.Int("attempt", attempt),
			slog.String("error", class), slog.String("retry_in", wait.String())) // "500ms" in JSON too, not nanoseconds
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return fail(fmt.Errorf("sqlstore: waiting for PostgreSQL at %s: %w", server, ctx.Err()))
		}
		backoff = min(2*backoff, 5*time.Second)
	}

	// The store relies on PostgreSQL 15's behaviour only as far as it was
	// tested there, and on UTF-8 text: in any other encoding substr and the
	// length checks would count bytes, not characters.
	var version int
	var encoding string
	if err := write.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int,
		current_setting('server_encoding')`).Scan(&version, &encoding); err != nil {
		return fail(fmt.Errorf("sqlstore: PostgreSQL at %s: %w", server, err))
	}
	if version < 150000 {
		return fail(fmt.Errorf("sqlstore: PostgreSQL at %s is version %d.%d; Lifeguard needs 15 or later",
			server, version/10000, version%10000))
	}
	if encoding != "UTF8" {
		return fail(fmt.Errorf("sqlstore: the database at %s has encoding %s; Lifeguard needs a UTF8 database "+
			"(CREATE DATABASE … ENCODING 'UTF8' TEMPLATE template0)", server, encoding))
	}
	log.Info("connected to PostgreSQL", slog.String("server", server), slog.String("database", cfg.Database),
		slog.Int("version", version), slog.String("waited", time.Since(start).Round(time.Millisecond).String()))
	return read, write, nil
}

// pgErrorClass describes why a connection failed, for the log: the kind of
// failure, never the URL or the server's whole message.
func pgErrorClass(err error) string {
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		switch pe.Code {
		case "57P03":
			return "the server is starting up or shutting down (SQLSTATE 57P03)"
		case "57P01", "57P02":
			return "the server is shutting down (SQLSTATE " + pe.Code + ")"
		case "53300":
			return "too many connections (SQLSTATE 53300)"
		}
		return "SQLSTATE " + pe.Code
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return "connection refused"
	}
	if errors.Is(err, syscall.ECONNRESET) {
		return "connection reset"
	}
	if _, ok := errors.AsType[*net.DNSError](err); ok {
		return "host name not found"
	}
	if pgconn.Timeout(err) || errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	if ne, ok := errors.AsType[net.Error](err); ok && ne.Timeout() {
		return "timed out"
	}
	return "cannot connect"
}
