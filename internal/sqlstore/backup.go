package sqlstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"

	"github.com/lifeguard-scp/lifeguard"
)

// Backup writes a consistent copy of the live database to a new file at
// path, while the store goes on serving. It refuses to overwrite a file
// that exists: a backup must never destroy an older one. Administrators and
// the system may back up.
func (db *DB) Backup(ctx context.Context, path string) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !isAdmin(a) {
		return errAdminOnly()
	}
	if db.d.backup == nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "%s", db.d.ownBackup)
	}
	if path == "" {
		return lifeguard.Invalid("The backup is not valid", []lifeguard.Problem{{Path: "path", Problem: "is required"}})
	}
	if _, err := os.Lstat(path); err == nil {
		return lifeguard.Errorf(lifeguard.ECONFLICT, "A file already exists at the backup path; choose a new name.")
	} else if !errors.Is(err, fs.ErrNotExist) {
		return db.fail("backup", err)
	}
	if err := db.d.backup(ctx, path); err != nil {
		return db.fail("backup", err)
	}
	sum, err := fileSHA256(path)
	if err != nil {
		return db.fail("backup", err)
	}
	// The journal says who took a copy of every record, and when; the
	// copy's hash ties a file found later to this entry. The copy itself
	// was taken before the entry, so it does not hold it.
	if err := db.inWrite(ctx, "backup", func(t *tx) error {
		return journal(ctx, t, a, db.now(), jBackup, jDatabase, 0, "sha256="+sum)
	}); err != nil {
		return err
	}
	db.log.Info("database backed up", slog.String("sha256", sum))
	return nil
}

// fileSHA256 is the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
