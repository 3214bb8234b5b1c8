package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// backupFlags are serve's settings for scheduled backups
// (docs/operations.md, "Backups").
type backupFlags struct {
	every *time.Duration
	dir   *string
	keep  *int
}

func (b *backupFlags) register(fs *flag.FlagSet) {
	b.every = fs.Duration("backup-every", 0, "take a backup of the SQLite database this often, such as 6h or 24h (default: none; PostgreSQL is backed up with pg_dump)")
	b.dir = fs.String("backup-dir", "", "the directory scheduled backups are written to (with --backup-every)")
	b.keep = fs.Int("backup-keep", 14, "how many scheduled backups to keep in --backup-dir; older ones are deleted")
}

// minBackupEvery keeps a mistyped period (1s for 1h) from filling the disk.
const minBackupEvery = time.Minute

// check refuses settings that cannot work, naming the flag.
func (b *backupFlags) check(fset *flag.FlagSet, s store) error {
	if *b.every == 0 {
		if *b.dir != "" || given(fset, "backup-keep") {
			return usageError("--backup-dir and --backup-keep go with --backup-every")
		}
		return nil
	}
	switch {
	case s.postgres():
		// Said plainly rather than half done: a consistent copy of a
		// PostgreSQL database is pg_dump's work, and it runs where the
		// operator's other PostgreSQL backups run.
		return usageError("--backup-every backs up a SQLite data directory; back a PostgreSQL database up with pg_dump (docs/operations.md)")
	case *b.every < 0:
		return usageError("--backup-every must not be negative")
	case *b.every < minBackupEvery:
		return usageError("--backup-every must be at least %s", minBackupEvery)
	case *b.dir == "":
		return usageError("--backup-every needs --backup-dir DIR, where the backups go")
	case *b.keep < 1:
		return usageError("--backup-keep must be at least 1")
	}
	abs, err := filepath.Abs(*b.dir)
	if err != nil {
		return usageError("--backup-dir: %v", err)
	}
	data, err := filepath.Abs(s.dir)
	if err != nil {
		return usageError("--data: %v", err)
	}
	if abs == data {
		return usageError("--backup-dir must not be the data directory: a backup belongs somewhere else")
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return usageError("--backup-dir: %v", err)
	}
	return nil
}

// backupPrefix and backupSuffix frame a scheduled backup's name; the time
// between them sorts as the names do, so the oldest are found by name.
const (
	backupPrefix = "lifeguard-"
	backupSuffix = ".db"
	backupLayout = "20060102T150405Z"
)

// backupJob takes a backup every period into dir, once across servers (the
// scheduler's slots), and keeps the newest keep. Each copy is checked
// before it is given its name, so a file named like a backup is a whole
// one; the store journals each copy with its hash.
func backupJob(db *sqlstore.DB, dir string, every time.Duration, keep int, log *slog.Logger) jobs.Job {
	return jobs.Job{Name: "backup", Every: every, Run: func(ctx context.Context, slot time.Time) error {
		name := filepath.Join(dir, backupPrefix+slot.UTC().Format(backupLayout)+backupSuffix)
		if _, err := os.Stat(name); err == nil {
			// A run of this slot made it and stopped before the job table
			// said so: do not take it twice.
			return pruneBackups(dir, keep, log)
		}
		partial := name + ".partial"
		// A run that died mid-copy left its partial file; this run starts
		// again from the beginning.
		if err := os.Remove(partial); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		start := time.Now()
		if err := db.Backup(lifeguard.WithActor(ctx, lifeguard.SystemActor()), partial); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		if _, err := sqlstore.InspectBackup(ctx, partial); err != nil {
			os.Remove(partial)
			return fmt.Errorf("backup: the copy does not check: %w", err)
		}
		if err := syncFile(partial); err != nil {
			return err
		}
		if err := os.Rename(partial, name); err != nil {
			return err
		}
		if err := syncFile(dir); err != nil {
			return err
		}
		fi, _ := os.Stat(name)
		log.Info("scheduled backup taken", slog.String("file", filepath.Base(name)), slog.Int64("bytes", fi.Size()),
			slog.Duration("took", time.Since(start)))
		return pruneBackups(dir, keep, log)
	}}
}

// pruneBackups deletes the oldest scheduled backups in dir beyond keep. It
// touches only files named as the job names them.
func pruneBackups(dir string, keep int, log *slog.Logger) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if !e.Type().IsRegular() || !strings.HasPrefix(n, backupPrefix) || !strings.HasSuffix(n, backupSuffix) {
			continue
		}
		if _, err := time.Parse(backupLayout, strings.TrimSuffix(strings.TrimPrefix(n, backupPrefix), backupSuffix)); err != nil {
			continue
		}
		names = append(names, n)
	}
	slices.Sort(names)
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			return err
		}
		log.Info("old backup deleted", slog.String("file", names[0]))
		names = names[1:]
	}
	return nil
}

// syncFile flushes a file or a directory to the disk, so that a backup
// and its name survive a power cut.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
