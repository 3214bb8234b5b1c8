package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// dataFlag adds --data, where the embedded SQLite database lives.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "./lifeguard-data", "the directory of the embedded SQLite database")
}

// dbFile is the database inside a data directory.
func dbFile(dir string) string { return filepath.Join(dir, "lifeguard.db") }

// openData opens (creating it if needed) and migrates the database in dir.
// The directory is private to the user running Lifeguard: it holds the most
// sensitive records there are.
func openData(ctx context.Context, dir string, now func() time.Time, logger *slog.Logger) (*sqlstore.DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	db, err := sqlstore.Open(ctx, sqlstore.Config{Path: dbFile(dir), Now: now, Logger: logger})
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openExisting opens a database that must already exist, for the tools
// that read or change one (token, backup, journal), so that a mistyped
// --data does not quietly create an empty database.
func openExisting(ctx context.Context, dir string, logger *slog.Logger) (*sqlstore.DB, error) {
	if _, err := os.Stat(dbFile(dir)); err != nil {
		return nil, usageError("there is no Lifeguard database in %s (give --data DIR)", dir)
	}
	return openData(ctx, dir, time.Now, logger)
}

// quietLogger logs warnings and errors only, as JSON on standard error; the
// command-line tools print their own results on standard output.
func (e *env) quietLogger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}
