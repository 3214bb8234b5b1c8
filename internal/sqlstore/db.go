// Package sqlstore is Lifeguard's one database/sql store. It implements
// every store of package lifeguard: ConcernStore, ChildStore, OrgStore,
// AuthStore, Journal, PreferenceStore, SecondFactorStore, TransferStore,
// DraftStore, AuditStore, PlanStore, ReportStore, FilterStore, JobStore,
// ReminderStore and RetentionStore, for SQLite
// (modernc.org/sqlite, pure Go) and PostgreSQL 15 or later
// (github.com/jackc/pgx/v5 through database/sql) with the same code: what
// differs between the engines is kept in dialect.go.
//
// Every method takes the acting user from the context and enforces access
// itself (access.go), and every create, update and read of a concern or a
// child's record appends to a hash-chained journal in the same transaction
// (journal.go). Those reads therefore run in a write transaction: that is the
// price of accountability, kept small by doing little else in them.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Config configures a store.
type Config struct {
	// Path is the SQLite database file, created when missing.
	Path string
	// DSN is a PostgreSQL database's URL,
	// postgres://user:password@host:port/database?sslmode=…, used instead
	// of Path. The database must exist; Migrate creates the tables.
	DSN string
	// ConnectTimeout is how long Open waits for PostgreSQL to answer,
	// retrying while it is down or starting up; 60 s when zero. SQLite
	// does not wait.
	ConnectTimeout time.Duration
	// Now is the clock; time.Now when nil. Tests set it.
	Now func() time.Time
	// JournalKey, when set, seals the journal's head at every append and
	// is checked by VerifyJournal (journal_seal.go); JournalKeySize bytes,
	// kept outside the database. Every server and tool that writes to one
	// database must be given the same key.
	JournalKey []byte
	// NoSync, on SQLite, leaves this store's commits unsynced to disk
	// (synchronous=OFF on its write connection): they survive the process
	// stopping but perhaps not a power cut. Only for data that can be made
	// again: serve --demo adds the demo's history through a store of its own
	// with it. Everything else about a write (validation, access, journal,
	// report counts) is the same; other stores on the same file keep their
	// own setting.
	NoSync bool
	// Logger receives ids and codes only, never personal data or free text;
	// nothing is logged when nil.
	Logger *slog.Logger
}

// DB is the store. It is safe for concurrent use.
type DB struct {
	read    *sql.DB // several connections, read-only transactions: OrgStore, AuthStore, verification
	write   *sql.DB // exactly one connection: every write and every journaled read
	d       *dialect
	nowFunc func() time.Time
	log     *slog.Logger
	writer  *writer
	// journalKey seals the journal's head; nil when the store has none.
	journalKey []byte
	// outboxWake is signalled after a commit that wrote to the outbox
	// (OutboxWritten).
	outboxWake chan struct{}
	// reports keeps the report sums of the periods asked for
	// (report_cache.go).
	reports *reportCache
	// metrics is set by RegisterMetrics, perhaps after the writer has
	// started; nil counts nothing.
	metrics atomic.Pointer[storeMetrics]
	// stmts keeps the write connection's statements prepared, on SQLite
	// once migrated; nil on PostgreSQL and before Migrate (stmt_cache.go).
	stmts atomic.Pointer[stmtCache]
	// readStmts keeps the read pool's statements prepared, on SQLite once
	// migrated: every API call reads its token, and a capture its
	// organisation's settings, with the same few statements.
	readStmts atomic.Pointer[stmtCache]
}

// Open opens the PostgreSQL database at cfg.DSN, waiting for the server
// when it is not up yet (see Config.ConnectTimeout), or else the SQLite
// database at cfg.Path, creating it when missing. It does not migrate: call
// Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	if cfg.JournalKey != nil && len(cfg.JournalKey) != JournalKeySize {
		return nil, fmt.Errorf("sqlstore: a journal key must be %d bytes, not %d", JournalKeySize, len(cfg.JournalKey))
	}
	db := &DB{nowFunc: cfg.Now, log: cfg.Logger, journalKey: cfg.JournalKey, outboxWake: make(chan struct{}, 1),
		reports: newReportCache()}
	if db.nowFunc == nil {
		db.nowFunc = time.Now
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	var err error
	switch {
	case cfg.DSN != "" && cfg.Path != "":
		return nil, fmt.Errorf("sqlstore: give either a SQLite path or a PostgreSQL URL, not both")
	case cfg.DSN != "":
		db.d = postgresDialect()
		db.read, db.write, err = openPostgres(ctx, cfg.DSN, cfg.ConnectTimeout, db.log)
	default:
		if err := createPrivate(cfg.Path); err != nil {
			return nil, err
		}
		db.d = sqliteDialect(cfg.Path)
		db.read, db.write, err = openSQLite(cfg.Path, cfg.NoSync)
	}
	if err != nil {
		return nil, markDamaged(err)
	}
	db.writer = newWriter(db)
	// The migrations table exists from the first open, so that
	// MigrationStatus can answer on a database never migrated. It is made
	// in a write transaction so that, on PostgreSQL, two servers opening a
	// new database at once take turns (postgresLockWrites) rather than race
	// in CREATE TABLE IF NOT EXISTS, which is not safe against itself there.
	if err := db.inWrite(ctx, "open", func(tx *tx) error {
		_, err := tx.exec(ctx, createMigrationsTable)
		return err
	}); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// createPrivate creates the SQLite file at path, empty and readable by its
// owner only, when there is none. SQLite would create it with mode 0644,
// and it gives the -wal and -shm files it makes later the mode of the
// database file: so all three hold the records for the owner alone.
func createPrivate(path string) error {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil // openSQLite refuses these and says why
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sqlstore: create %s: %w", path, err)
	}
	return f.Close()
}

// Close closes both pools.
func (db *DB) Close() error {
	db.writer.shutdown()
	if c := db.stmts.Load(); c != nil {
		c.close()
	}
	if c := db.readStmts.Load(); c != nil {
		c.close()
	}
	return errors.Join(db.read.Close(), db.write.Close())
}

// now reads the clock once, in UTC, at the precision the database keeps.
func (db *DB) now() time.Time { return db.nowFunc().UTC().Truncate(time.Microsecond) }

// tx is a transaction with the store's placeholders rebound for the engine.
type tx struct {
	tx *sql.Tx
	d  *dialect
	// detach is set on the writes of a group-commit batch when the engine
	// wants it (dialect.detachWrites).
	detach bool
	// jnl, on the writes of a group-commit batch, collects their journal
	// entries to be written just before the commit (journal_batch.go).
	jnl *journalBatch
	// enqueued is set when a write of the batch wrote to the outbox, so
	// that the delivery job is woken once the batch commits.
	enqueued bool
	// stmts, on the writes of a batch, are the write connection's
	// prepared statements (stmt_cache.go); nil elsewhere.
	stmts *stmtCache
}

// c is the context a statement runs with: the caller's, or, in a batch
// that must not be torn down by one caller leaving, the caller's values
// without its cancellation.
func (t *tx) c(ctx context.Context) context.Context {
	if t.detach {
		return context.WithoutCancel(ctx)
	}
	return ctx
}

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	if err := checkArgs(args); err != nil {
		return nil, err
	}
	q = t.d.rebind(q)
	if s := t.stmt(t.c(ctx), q); s != nil {
		return s.ExecContext(t.c(ctx), args...)
	}
	return t.tx.ExecContext(t.c(ctx), q, args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if err := checkArgs(args); err != nil {
		return nil, err
	}
	q = t.d.rebind(q)
	if s := t.stmt(t.c(ctx), q); s != nil {
		return s.QueryContext(t.c(ctx), args...)
	}
	return t.tx.QueryContext(t.c(ctx), q, args...)
}

func (t *tx) row(ctx context.Context, q string, args ...any) *row {
	if err := checkArgs(args); err != nil {
		return &row{err: err}
	}
	q = t.d.rebind(q)
	if s := t.stmt(t.c(ctx), q); s != nil {
		return &row{r: s.QueryRowContext(t.c(ctx), args...)}
	}
	return &row{r: t.tx.QueryRowContext(t.c(ctx), q, args...)}
}

// row is a *sql.Row, or the error that kept its query from being sent.
type row struct {
	r   *sql.Row
	err error
}

func (r *row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	return r.r.Scan(dest...)
}

// checkArgs refuses a statement any of whose text arguments one engine
// would keep and the other refuse (lifeguard.TextProblem). Every input's
// validation checks its own text fields and names them; this is the net
// under a field that a later change forgets to check, so that it is still
// refused alike on SQLite and PostgreSQL (EINVALID, not a server error on
// one engine and a stored value on the other). Its problem cannot name the
// field: a test that finds it should add the field's own check.
func checkArgs(args []any) error {
	for _, a := range args {
		var s string
		switch v := a.(type) {
		case string:
			s = v
		case nil, int64, int, bool, []byte:
			continue
		default:
			// Named string types (a role, a status) reach the driver as
			// their string.
			if rv := reflect.ValueOf(a); rv.Kind() == reflect.String {
				s = rv.String()
			} else {
				continue
			}
		}
		if msg := lifeguard.TextProblem(s); msg != "" {
			return lifeguard.Invalid("The input is not valid", []lifeguard.Problem{{Problem: "a text value " + msg}})
		}
	}
	return nil
}

// insert runs an INSERT … RETURNING id and returns the id.
func (t *tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := t.row(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// inWrite runs fn in a transaction on the write pool (BEGIN IMMEDIATE on
// SQLite; READ COMMITTED under the store's write lock on PostgreSQL),
// shared with other writes that arrive at the same moment (see writer.go),
// and returns once it is committed, or with fn's error or the commit's. op
// names the operation in wrapped errors.
func (db *DB) inWrite(ctx context.Context, op string, fn func(*tx) error) error {
	return db.writer.do(ctx, op, fn)
}

// inRead runs fn in a read-only transaction on the read pool, which gives fn
// one consistent snapshot.
func (db *DB) inRead(ctx context.Context, op string, fn func(*tx) error) error {
	return db.inTx(ctx, db.read, db.d.readTx, op, fn)
}

func (db *DB) inTx(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, op string, fn func(*tx) error) error {
	name := "read" // the write pool's transactions are the writer's
	var stmts *stmtCache
	if pool == db.read {
		// Prepared before the transaction begins: preparing takes a
		// connection of the pool for a moment, which must not be done
		// while holding one.
		if stmts = db.readStmts.Load(); stmts != nil {
			stmts.prepare(ctx)
		}
	}
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		db.metrics.Load().tx(name, "error")
		return db.fail(op, err)
	}
	if err := fn(&tx{tx: stx, d: db.d, stmts: stmts}); err != nil {
		stx.Rollback()
		db.metrics.Load().tx(name, "rollback")
		return db.fail(op, err)
	}
	if err := stx.Commit(); err != nil {
		db.metrics.Load().tx(name, "error")
		return db.fail(op, err)
	}
	db.metrics.Load().tx(name, "commit")
	return nil
}

// fail turns an error from the database into the store's contract: a
// *lifeguard.Error passes through as it is; a database that cannot answer
// now becomes EUNAVAILABLE; anything else is wrapped with the operation's
// name and reported as EINTERNAL by lifeguard.ErrorCode.
func (db *DB) fail(op string, err error) error {
	if _, ok := errors.AsType[*lifeguard.Error](err); ok {
		return err
	}
	if key, ok := db.d.unique(err); ok {
		return fmt.Errorf("sqlstore: %s: %w", op, uniqueError(key))
	}
	if db.d.unavailable(err) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, context.DeadlineExceeded) ||
		err.Error() == "sql: database is closed" {
		db.log.Warn("database unavailable", slog.String("op", op), slog.String("err", err.Error()))
		return fmt.Errorf("sqlstore: %s: %w", op, &lifeguard.Error{
			Code:    lifeguard.EUNAVAILABLE,
			Message: "The database is not available just now. Please try again.",
		})
	}
	return fmt.Errorf("sqlstore: %s: %w", op, err)
}

// uniqueError is the domain error for a broken unique constraint, by its
// columns. The store checks before it inserts and answers with these same
// errors, so a constraint breaks only when that check is raced; the caller
// then gets the answer the check would have given.
func uniqueError(key string) *lifeguard.Error {
	switch key {
	case "users.email":
		return lifeguard.Invalid("The user is not valid", []lifeguard.Problem{{
			Path: "email", Problem: "is already the address of another user"}})
	case "children.organisation_id, children.ref":
		return lifeguard.Invalid("The concern is not valid", []lifeguard.Problem{{Path: "child_ref",
			Problem: "is already the reference of a child in your organisation; link the concern to that child or choose another reference"}})
	case "transfers.child_id":
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The child's file has already been sent and is waiting to be received.")
	case "audits.organisation_id":
		return errAuditOpen()
	case "transfers.received_child_id":
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The file has already been received.")
	}
	return lifeguard.Errorf(lifeguard.ECONFLICT, "Someone else changed this at the same moment. Please try again.")
}

// Times are kept as integer Unix microseconds, UTC: they index well and
// compare as integers on SQLite and PostgreSQL alike, and microseconds are
// the finest precision PostgreSQL keeps, so both engines give back the same
// instant.

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(n int64) time.Time { return time.UnixMicro(n).UTC() }

// nullMicros is the column value of an optional time.
func nullMicros(t *time.Time) any {
	if t == nil {
		return nil
	}
	return micros(*t)
}

// timePtr is the optional time in a nullable column.
func timePtr(n sql.NullInt64) *time.Time {
	if !n.Valid {
		return nil
	}
	t := fromMicros(n.Int64)
	return &t
}

// nullID is the column value of an actor's user id: NULL for the system
// actor, which has none.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nullDate is the column value of an optional date.
func nullDate(d *lifeguard.Date) any {
	if d == nil {
		return nil
	}
	return d.String()
}

// datePtr parses an optional date column.
func datePtr(s sql.NullString) (*lifeguard.Date, error) {
	if !s.Valid {
		return nil, nil
	}
	d, err := lifeguard.ParseDate(s.String)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// UncheckedExec runs one statement on the write pool outside every access
// check and outside the journal. It exists for the shared test suite, which
// must tamper with the journal to show that verification catches it on
// every engine, and for an operator's repair by hand; Lifeguard itself never
// calls it.
func (db *DB) UncheckedExec(ctx context.Context, query string, args ...any) error {
	_, err := db.write.ExecContext(ctx, db.d.rebind(query), args...)
	return err
}
