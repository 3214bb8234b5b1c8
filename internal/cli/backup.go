package cli

import (
	"context"
	"fmt"

	"github.com/lifeguard-scp/lifeguard"
)

// backup takes a consistent copy of the database while the server runs.
func (e *env) backup(ctx context.Context, args []string) error {
	fs := e.newFlags("backup", "backup [--data DIR] FILE")
	data := dataFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("backup needs the FILE to write the copy to")
	}
	db, err := openExisting(ctx, *data, e.quietLogger())
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(lifeguard.WithActor(ctx, lifeguard.SystemActor()), fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backed up %s to %s.\n", *data, fs.Arg(0))
	return nil
}
