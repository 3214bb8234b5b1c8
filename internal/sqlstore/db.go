// Package sqlstore is Lifeguard's one database/sql store. It implements
// lifeguard.ConcernStore, ChildStore, OrgStore, AuthStore, Journal,
// PreferenceStore, SecondFactorStore and TransferStore for SQLite
// (modernc.org/sqlite, pure Go) and is written so that PostgreSQL can be
// served by the same code: what differs between the engines is kept in
// dialect.go.
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
	"log/slog"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Config configures a store.
type Config struct {
	// Path is the SQLite database file, created when missing.
	Path string
	// Now is the clock; time.Now when nil. Tests set it.
	Now func() time.Time
	// Logger receives ids and codes only, never personal data or free text;
	// nothing is logged when nil.
	Logger *slog.Logger
}

// DB is the store. It is safe for concurrent use.
type DB struct {
	read    *sql.DB // several connections, query_only: OrgStore, AuthStore, verification
	write   *sql.DB // exactly one connection: every write and every journaled read
	d       *dialect
	nowFunc func() time.Time
	log     *slog.Logger
	writer  *writer
}

// Open opens the SQLite database at cfg.Path, creating it when missing. It
// does not migrate: call Migrate.
func Open(ctx context.Context, cfg Config) (*DB, error) {
	read, write, err := openSQLite(cfg.Path)
	if err != nil {
		return nil, err
	}
	db := &DB{read: read, write: write, d: sqliteDialect(cfg.Path), nowFunc: cfg.Now, log: cfg.Logger}
	db.writer = newWriter(db)
	if db.nowFunc == nil {
		db.nowFunc = time.Now
	}
	if db.log == nil {
		db.log = slog.New(slog.DiscardHandler)
	}
	// The migrations table exists from the first open, so that
	// MigrationStatus can answer on a database never migrated.
	if _, err := db.write.ExecContext(ctx, createMigrationsTable); err != nil {
		db.Close()
		return nil, db.fail("open", err)
	}
	return db, nil
}

// Close closes both pools.
func (db *DB) Close() error {
	db.writer.shutdown()
	return errors.Join(db.read.Close(), db.write.Close())
}

// now reads the clock once, in UTC, at the precision the database keeps.
func (db *DB) now() time.Time { return db.nowFunc().UTC().Truncate(time.Microsecond) }

// tx is a transaction with the store's placeholders rebound for the engine.
type tx struct {
	tx *sql.Tx
	d  *dialect
}

func (t *tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(ctx, t.d.rebind(q), args...)
}

func (t *tx) query(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(ctx, t.d.rebind(q), args...)
}

func (t *tx) row(ctx context.Context, q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, t.d.rebind(q), args...)
}

// insert runs an INSERT … RETURNING id and returns the id.
func (t *tx) insert(ctx context.Context, q string, args ...any) (int64, error) {
	var id int64
	err := t.row(ctx, q+" RETURNING id", args...).Scan(&id)
	return id, err
}

// inWrite runs fn in a transaction on the write pool (BEGIN IMMEDIATE on
// SQLite), shared with other writes that arrive at the same moment (see
// writer.go), and returns once it is committed, or with fn's error or the
// commit's. op names the operation in wrapped errors.
func (db *DB) inWrite(ctx context.Context, op string, fn func(*tx) error) error {
	return db.writer.do(ctx, op, fn)
}

// inRead runs fn in a read-only transaction on the read pool, which gives fn
// one consistent snapshot.
func (db *DB) inRead(ctx context.Context, op string, fn func(*tx) error) error {
	return db.inTx(ctx, db.read, &sql.TxOptions{ReadOnly: true}, op, fn)
}

func (db *DB) inTx(ctx context.Context, pool *sql.DB, opts *sql.TxOptions, op string, fn func(*tx) error) error {
	stx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return db.fail(op, err)
	}
	if err := fn(&tx{tx: stx, d: db.d}); err != nil {
		stx.Rollback()
		return db.fail(op, err)
	}
	if err := stx.Commit(); err != nil {
		return db.fail(op, err)
	}
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
