package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// restore puts a backup into an empty data directory, after checking that
// it is whole and of a schema this binary runs, and then checks its
// journal. It never writes over a database: restoring over one is how the
// newest records get lost.
func (e *env) restore(ctx context.Context, args []string) error {
	cmd := e.storeCommand("restore", "restore [--data DIR] [--journal-key FILE] FILE")
	if err := cmd.parse(args); err != nil {
		return err
	}
	s, err := cmd.where.store()
	if err != nil {
		return err
	}
	if s.postgres() {
		return usageError("restore puts a backup of a SQLite data directory back; a PostgreSQL database is restored with pg_restore from its pg_dump (docs/operations.md)")
	}
	if cmd.NArg() != 1 {
		return usageError("restore needs the backup FILE to restore")
	}
	file := cmd.Arg(0)
	if err := emptyDataDir(s); err != nil {
		return err
	}
	version, err := sqlstore.InspectBackup(ctx, file)
	var newer *sqlstore.NewerSchemaError
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return usageError("there is no backup at %s", file)
	case sqlstore.Damaged(err):
		return &exitError{code: exitFailure, msg: fmt.Sprintf("The backup %s is damaged (%v). Nothing was restored. "+
			"Restore an older backup, and keep this file for investigation.", file, err)}
	case errors.Is(err, sqlstore.ErrNotLifeguard):
		return &exitError{code: exitFailure, msg: fmt.Sprintf("%s is not a backup of Lifeguard's database. Nothing was restored.", file)}
	case errors.As(err, &newer):
		return &exitError{code: exitFailure, msg: fmt.Sprintf("The backup %s was made by a newer Lifeguard: its schema "+
			"version is %d, and this Lifeguard knows versions up to %d. Nothing was restored. Restore it with the "+
			"Lifeguard that made it, or a newer one.", file, newer.Version, newer.Latest)}
	case err != nil:
		return err
	}
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	if err := copyInto(file, dbFile(s.dir)); err != nil {
		return err
	}

	// The journal is checked as journal verify does; a copy whose journal
	// is broken is taken out again, so that no one starts on it unawares.
	o, err := openStore(ctx, s, nil, e.quietLogger(), true, journalVerify)
	if err != nil {
		removeDatabase(s.dir)
		return err
	}
	rep, err := o.db.VerifyJournal(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err != nil {
		o.db.Close()
		removeDatabase(s.dir)
		return err
	}
	hasSeal, _, err := o.db.JournalHeadSealed(ctx)
	o.db.Close()
	if err != nil {
		removeDatabase(s.dir)
		return err
	}
	if rep.FirstBroken != 0 {
		removeDatabase(s.dir)
		return &exitError{code: exitFailure, msg: fmt.Sprintf("The backup's journal is BROKEN at entry %d: %s. "+
			"Nothing was restored. Restore an older backup, and keep this file for investigation.", rep.FirstBroken, rep.Problem)}
	}
	fmt.Fprintf(e.stdout, "Restored %s into %s (schema version %d).\n", file, s.dir, version)
	fmt.Fprintf(e.stdout, "The journal is whole: %d entries, every hash matches.\n", rep.Entries)
	switch {
	case rep.Sealed:
		fmt.Fprintf(e.stdout, "Its head, entry %d, is sealed with the journal key %s (%s).\n", rep.Head,
			sqlstore.KeyFingerprint(o.key), s.key)
	case hasSeal:
		fmt.Fprintf(e.stdout, "Its head is sealed, but there is no journal key at %s to check it with: put back the "+
			"key the journal was sealed with (kept with the backups) before lifeguard serve, which needs it.\n", s.key)
	}
	fmt.Fprintf(e.stdout, "Everything recorded after the backup was taken is not in it. Start Lifeguard with: lifeguard serve %s\n", s.where())
	return nil
}

// emptyDataDir refuses a data directory that holds anything but the journal
// key (which an operator puts back first).
func emptyDataDir(s store) error {
	entries, err := os.ReadDir(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	for _, e := range entries {
		if filepath.Join(s.dir, e.Name()) == s.key {
			continue
		}
		return usageError("the data directory %s is not empty (it holds %s): restore into an empty one, so that "+
			"no database is written over; move a damaged database's files out first (docs/operations.md)", s.dir, e.Name())
	}
	return nil
}

// copyInto copies the backup to dst, a new file readable by its owner
// only, synced, and given its name only once whole.
func copyInto(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp := dst + ".restoring"
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Close(); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncFile(filepath.Dir(dst))
}

// removeDatabase takes a restored database out of the data directory again,
// with the files SQLite made beside it.
func removeDatabase(dir string) {
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(dbFile(dir) + suffix)
	}
}
