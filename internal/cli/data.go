package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// databaseEnv names the PostgreSQL database when --database is not given,
// so that the URL, which holds a password, need not be typed where the
// process list and the shell's history would show it.
const databaseEnv = "LIFEGUARD_DATABASE"

// store is where a command's database is: the embedded SQLite database in
// a directory, or a PostgreSQL database. Exactly one of dir and url is set.
// key is the journal key's file (journal_key.go), "" for none;
// keyDefault says it is the data directory's own, chosen by no flag.
type store struct {
	dir        string
	url        string
	key        string
	keyDefault bool
	// noSync opens a SQLite store without syncing its commits
	// (sqlstore.Config.NoSync): only for the demo's history.
	noSync bool
}

// storeFlags are the flags that choose the database: --data DIR for the
// embedded SQLite database (the default), or --database URL (or
// LIFEGUARD_DATABASE) for PostgreSQL; and --journal-key FILE.
type storeFlags struct {
	fs       *flag.FlagSet
	data     *string
	database *string
	key      *string
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	return &storeFlags{
		fs:       fs,
		data:     fs.String("data", "./lifeguard-data", "the directory of the embedded SQLite database"),
		database: fs.String("database", "", "a PostgreSQL database, postgres://USER:PASSWORD@HOST:PORT/NAME?sslmode=…, instead of --data (default $"+databaseEnv+")"),
		key:      fs.String("journal-key", "", "the file of the key that seals the journal (default $"+journalKeyEnv+", else journal.key in --data DIR; none for PostgreSQL)"),
	}
}

// set reports whether the flag was given on the command line.
func (f *storeFlags) set(name string) bool { return given(f.fs, name) }

// store returns the database the flags and the environment name. Naming
// both a data directory and a PostgreSQL database is a usage error rather
// than one quietly winning: the two hold different records.
func (f *storeFlags) store() (store, error) {
	s, err := f.database0()
	if err != nil {
		return s, err
	}
	switch {
	case f.set("journal-key"):
		if *f.key == "" {
			return store{}, usageError("--journal-key needs a FILE")
		}
		s.key = *f.key
	case os.Getenv(journalKeyEnv) != "":
		s.key = os.Getenv(journalKeyEnv)
	case !s.postgres():
		s.key, s.keyDefault = defaultJournalKey(s.dir), true
	}
	return s, nil
}

// database0 is the database part of store.
func (f *storeFlags) database0() (store, error) {
	u, from := *f.database, "--database"
	if !f.set("database") {
		u, from = os.Getenv(databaseEnv), databaseEnv
	}
	if u == "" {
		return store{dir: *f.data}, nil
	}
	if f.set("data") {
		if from == "--database" {
			return store{}, usageError("give --data DIR (SQLite) or --database URL (PostgreSQL), not both")
		}
		return store{}, usageError("--data DIR (SQLite) was given while %s names a PostgreSQL database; unset one of them", databaseEnv)
	}
	if p, err := url.Parse(u); err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		// Not the URL itself: it may hold a password.
		return store{}, usageError("%s must be a postgres:// URL", from)
	}
	return store{url: u}, nil
}

// postgres reports whether the store is a PostgreSQL database.
func (s store) postgres() bool { return s.url != "" }

// String names the database for messages: the directory, or the
// PostgreSQL database and its server without the user or password.
func (s store) String() string {
	if !s.postgres() {
		return s.dir
	}
	p, err := url.Parse(s.url)
	if err != nil {
		return "the PostgreSQL database"
	}
	name := p.Path
	if len(name) > 0 && name[0] == '/' {
		name = name[1:]
	}
	return fmt.Sprintf("PostgreSQL database %s on %s", name, p.Host)
}

// where is the flag that names the database, for the commands a message
// tells the operator to run (never the PostgreSQL URL: it holds a password).
func (s store) where() string {
	w := "--data " + s.dir
	if s.postgres() {
		w = "--database URL"
	}
	if !s.keyDefault && s.key != "" {
		w += " --journal-key " + s.key
	}
	return w
}

// dbFile is the database inside a data directory.
func dbFile(dir string) string { return filepath.Join(dir, "lifeguard.db") }

// journalUse is what a command does with the journal's seal when it opens
// the store.
type journalUse int

const (
	// journalWrite: the command may append, so the head must carry the
	// key's seal. A data directory's first key is made and the journal
	// sealed with it.
	journalWrite journalUse = iota
	// journalVerify: read the key if there is one, check nothing.
	journalVerify
	// journalSeal: read the key, or make a new one; check nothing.
	journalSeal
)

// opened is a store as a command opened it.
type opened struct {
	db  *sqlstore.DB
	key []byte
	// fresh: key was made now and is not in its file yet.
	fresh bool
	// created: the database held no Lifeguard records before this open,
	// so nothing in its journal can have been cut off.
	created bool
}

// openData opens and migrates the store's database: for SQLite, creating
// the directory and the file if needed; for PostgreSQL, the database must
// exist (Lifeguard creates the tables), and Open waits for the server if it
// is not up yet. A data directory and its files are private to the user
// running Lifeguard: they hold the most sensitive records there are.
func openData(ctx context.Context, s store, now func() time.Time, logger *slog.Logger) (*sqlstore.DB, error) {
	o, err := openStore(ctx, s, now, logger, false, journalWrite)
	if err != nil {
		return nil, err
	}
	return o.db, nil
}

// openExisting opens a database that must already hold Lifeguard's
// records, for the tools that read or change one (token, user, backup,
// journal), so that a mistyped --data or --database does not quietly
// create an empty Lifeguard database.
func openExisting(ctx context.Context, s store, logger *slog.Logger) (*sqlstore.DB, error) {
	o, err := openStore(ctx, s, time.Now, logger, true, journalWrite)
	if err != nil {
		return nil, err
	}
	return o.db, nil
}

// openStore opens the store, checks a SQLite file for damage, migrates the
// schema and deals with the journal's key as use says.
func openStore(ctx context.Context, s store, now func() time.Time, logger *slog.Logger, existing bool,
	use journalUse) (*opened, error) {
	if existing && !s.postgres() {
		if _, err := os.Stat(dbFile(s.dir)); err != nil {
			return nil, usageError("there is no Lifeguard database in %s (give --data DIR or --database URL)", s.dir)
		}
	}
	o := &opened{}
	if s.key != "" {
		key, err := readJournalKey(s.key)
		switch {
		case err == nil:
			o.key = key
		case !journalKeyMissing(err):
			return nil, err
		case use == journalSeal || (use == journalWrite && s.keyDefault):
			o.key, o.fresh = newJournalKey(), true
		case use == journalWrite:
			return nil, usageError("there is no journal key at %s: make one and seal the journal with it with "+
				"lifeguard journal seal %s (docs/operations.md)", s.key, s.where())
		}
	}
	cfg := sqlstore.Config{DSN: s.url, Now: now, Logger: logger, JournalKey: o.key, NoSync: s.noSync}
	if !s.postgres() {
		_, err := os.Stat(dbFile(s.dir))
		o.created = errors.Is(err, os.ErrNotExist)
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		cfg.Path = dbFile(s.dir)
	}
	db, err := sqlstore.Open(ctx, cfg)
	if err == nil {
		err = db.CheckFile(ctx)
	}
	if err == nil && existing && s.postgres() {
		var current int
		current, _, err = db.MigrationStatus(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
		if err == nil && current == 0 {
			err = usageError("there is no Lifeguard database in the %s (run lifeguard migrate or serve on it first)", s)
		}
	}
	if err == nil && s.postgres() && use == journalWrite {
		var current int
		current, _, err = db.MigrationStatus(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
		o.created = current == 0
	}
	if err == nil {
		err = db.Migrate(ctx)
	}
	if err == nil && use == journalWrite {
		err = checkJournalHead(ctx, db, s, o)
		if b, ok := errors.AsType[*brokenJournal](err); ok {
			// A journal broken before it was ever sealed: seal nothing and
			// run as before, unsealed, rather than refuse a deployment that
			// ran until this version. journal verify goes on naming the break.
			logger.Error("the journal is broken and was not sealed; run lifeguard journal verify (docs/operations.md)",
				slog.Int64("first_broken", b.rep.FirstBroken))
			db.Close()
			o.key, o.fresh = nil, false
			cfg.JournalKey = nil
			db, err = sqlstore.Open(ctx, cfg)
		}
	}
	if err != nil {
		if db != nil {
			db.Close()
		}
		if !s.postgres() && sqlstore.Damaged(err) {
			return nil, damagedError(s, err)
		}
		return nil, err
	}
	o.db = db
	return o, nil
}

// checkJournalHead makes sure that a command that may append to the
// journal appends to a head sealed with its key: otherwise the newest
// entries may have been cut off, and appending would seal the shortened
// journal. A data directory's first key seals the journal here.
func checkJournalHead(ctx context.Context, db *sqlstore.DB, s store, o *opened) error {
	hasSeal, matches, err := db.JournalHeadSealed(ctx)
	switch {
	case err != nil:
		return err
	case o.key == nil && hasSeal:
		return usageError("the journal in the %s is sealed, but no journal key was given: give --journal-key FILE "+
			"(or %s) to every server and tool that opens it", s, journalKeyEnv)
	case o.key == nil || matches:
		return nil
	case o.fresh && hasSeal:
		// A key file gone, or a database copied without it: do not seal
		// over a seal that may show a cut journal.
		return &exitError{code: exitFailure, msg: fmt.Sprintf("The journal is sealed, but there is no journal key at %s. "+
			"Put back the key file it was sealed with (keep it with the backups; docs/operations.md), or, after "+
			"lifeguard journal verify %s, seal it with a new key: lifeguard journal seal %s", s.key, s.where(), s.where())}
	case o.fresh, o.created && !hasSeal:
		// A data directory's first key, or a new database given a key
		// made beforehand (--journal-key, or the variable on a new
		// PostgreSQL database): there is nothing to have been cut off.
		return sealWithNewKey(ctx, db, s, o)
	}
	return &exitError{code: exitFailure, msg: fmt.Sprintf("The journal's head is not sealed with the journal key in %s "+
		"(key %s): entries may have been cut off from the end of the journal, or this is not the key the journal "+
		"was sealed with. Lifeguard has not started. Run lifeguard journal verify %s to see which entry is first "+
		"missing; if the journal is whole and you mean to use this key, run lifeguard journal seal %s "+
		"(docs/operations.md).", s.key, sqlstore.KeyFingerprint(o.key), s.where(), s.where())}
}

// sealWithNewKey seals the journal with the key and then, for a key made
// now, writes it to its file. In that order, a failure between the two leaves a
// journal sealed with a key no one has, which the next start finds sealed
// without a key and refuses, rather than a key that seals nothing.
func sealWithNewKey(ctx context.Context, db *sqlstore.DB, s store, o *opened) error {
	_, rep, err := db.SealJournal(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err != nil {
		return err
	}
	if rep.FirstBroken != 0 {
		return &brokenJournal{rep: rep}
	}
	if !o.fresh {
		return nil
	}
	if err := writeJournalKey(s.key, o.key); err != nil {
		return err
	}
	o.fresh = false
	return nil
}

// brokenJournal is a journal whose chain was already broken when a data
// directory's first key was to seal it.
type brokenJournal struct{ rep *lifeguard.JournalReport }

func (b *brokenJournal) Error() string {
	return fmt.Sprintf("the journal is broken at entry %d: %s", b.rep.FirstBroken, b.rep.Problem)
}

// damagedError is the message for a SQLite file that is damaged.
func damagedError(s store, err error) error {
	return &exitError{code: exitFailure, msg: fmt.Sprintf("The database %s is damaged (%v). Lifeguard has not "+
		"started, so that no one works on damaged records. Restore the newest backup made with lifeguard backup: "+
		"move lifeguard.db, lifeguard.db-wal and lifeguard.db-shm out of %s (keep them for investigation), then "+
		"run lifeguard restore --data %s FILE, which checks the backup and its journal as it copies it to %s. "+
		"See \"A damaged database\" in docs/operations.md.", dbFile(s.dir), err, s.dir, s.dir, dbFile(s.dir))}
}

// quietLogger logs warnings and errors only, as JSON on standard error; the
// command-line tools print their own results on standard output.
func (e *env) quietLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// userByEmail finds a user for the operator's tools, as Lifeguard itself;
// an unknown address is a usage error the operator can fix.
func userByEmail(ctx context.Context, db *sqlstore.DB, email string) (*lifeguard.User, error) {
	if strings.TrimSpace(email) == "" {
		return nil, usageError("give the user's --email")
	}
	cred, err := db.CredentialsByEmail(lifeguard.WithActor(ctx, lifeguard.SystemActor()), email)
	if err != nil {
		if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
			return nil, usageError("there is no user with that email address")
		}
		return nil, err
	}
	return &cred.User, nil
}
