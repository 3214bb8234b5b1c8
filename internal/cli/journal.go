package cli

import (
	"context"
	"fmt"

	"github.com/lifeguard-scp/lifeguard"
)

func (e *env) journal(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError("journal needs a subcommand: verify")
	}
	fs := e.newFlags("journal verify", "journal verify [--data DIR | --database URL]")
	where := addStoreFlags(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	s, err := where.store()
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, s, e.quietLogger())
	if err != nil {
		return err
	}
	defer db.Close()
	rep, err := db.VerifyJournal(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err != nil {
		return err
	}
	if rep.FirstBroken != 0 {
		fmt.Fprintf(e.stdout, "The journal is BROKEN at entry %d of %d: %s\n", rep.FirstBroken, rep.Entries, rep.Problem)
		return &exitError{code: exitFailure, msg: "journal chain broken"}
	}
	fmt.Fprintf(e.stdout, "The journal is whole: %d entries, every hash matches.\n", rep.Entries)
	return nil
}
