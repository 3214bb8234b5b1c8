package cli

import (
	"context"
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
type store struct {
	dir string
	url string
}

// storeFlags are the flags that choose the database: --data DIR for the
// embedded SQLite database (the default), or --database URL (or
// LIFEGUARD_DATABASE) for PostgreSQL.
type storeFlags struct {
	fs       *flag.FlagSet
	data     *string
	database *string
}

func addStoreFlags(fs *flag.FlagSet) *storeFlags {
	return &storeFlags{
		fs:       fs,
		data:     fs.String("data", "./lifeguard-data", "the directory of the embedded SQLite database"),
		database: fs.String("database", "", "a PostgreSQL database, postgres://USER:PASSWORD@HOST:PORT/NAME?sslmode=…, instead of --data (default $"+databaseEnv+")"),
	}
}

// set reports whether the flag was given on the command line.
func (f *storeFlags) set(name string) bool {
	given := false
	f.fs.Visit(func(fl *flag.Flag) { given = given || fl.Name == name })
	return given
}

// store returns the database the flags and the environment name. Naming
// both a data directory and a PostgreSQL database is a usage error rather
// than one quietly winning: the two hold different records.
func (f *storeFlags) store() (store, error) {
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

// dbFile is the database inside a data directory.
func dbFile(dir string) string { return filepath.Join(dir, "lifeguard.db") }

// openData opens and migrates the store's database: for SQLite, creating
// the directory and the file if needed; for PostgreSQL, the database must
// exist (Lifeguard creates the tables), and Open waits for the server if it
// is not up yet. A data directory is private to the user running
// Lifeguard: it holds the most sensitive records there are.
func openData(ctx context.Context, s store, now func() time.Time, logger *slog.Logger) (*sqlstore.DB, error) {
	cfg := sqlstore.Config{DSN: s.url, Now: now, Logger: logger}
	if !s.postgres() {
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return nil, fmt.Errorf("data directory: %w", err)
		}
		cfg.Path = dbFile(s.dir)
	}
	db, err := sqlstore.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openExisting opens a database that must already hold Lifeguard's
// records, for the tools that read or change one (token, user, backup,
// journal), so that a mistyped --data or --database does not quietly
// create an empty Lifeguard database.
func openExisting(ctx context.Context, s store, logger *slog.Logger) (*sqlstore.DB, error) {
	if !s.postgres() {
		if _, err := os.Stat(dbFile(s.dir)); err != nil {
			return nil, usageError("there is no Lifeguard database in %s (give --data DIR or --database URL)", s.dir)
		}
		return openData(ctx, s, time.Now, logger)
	}
	db, err := sqlstore.Open(ctx, sqlstore.Config{DSN: s.url, Logger: logger})
	if err != nil {
		return nil, err
	}
	current, _, err := db.MigrationStatus(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err == nil && current == 0 {
		err = usageError("there is no Lifeguard database in the %s (run lifeguard migrate or serve on it first)", s)
	}
	if err == nil {
		err = db.Migrate(ctx)
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
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
