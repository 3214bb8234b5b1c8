package sqlstore

import (
	"context"
	"errors"
	"io/fs"
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
	db.log.Info("database backed up")
	return nil
}
