package cli

import (
	"context"
	"fmt"

	"github.com/lifeguard-scp/lifeguard"
)

// backup takes a consistent copy of the database while the server runs.
func (e *env) backup(ctx context.Context, args []string) error {
	fs := e.storeCommand("backup", "backup [--data DIR] FILE")
	if err := fs.parse(args); err != nil {
		return err
	}
	s, err := fs.where.store()
	if err != nil {
		return err
	}
	if s.postgres() {
		// Said here, before connecting, rather than by the store after:
		// the answer does not depend on the database being up.
		return usageError("a PostgreSQL database is backed up with pg_dump, not lifeguard backup (see docs/postgres.md)")
	}
	if fs.NArg() != 1 {
		return usageError("backup needs the FILE to write the copy to")
	}
	db, err := openExisting(ctx, s, e.quietLogger())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(lifeguard.WithActor(ctx, lifeguard.SystemActor()), fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backed up %s to %s.\n", s, fs.Arg(0))
	return nil
}
