package cli

import (
	"context"
	"fmt"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

func (e *env) journal(ctx context.Context, args []string) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "seal") {
		return usageError("journal needs a subcommand: verify or seal")
	}
	cmd := args[0]
	fs := e.storeCommand("journal "+cmd, "journal "+cmd+" [--data DIR | --database URL] [--journal-key FILE]")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	s, err := fs.where.store()
	if err != nil {
		return err
	}
	if cmd == "seal" {
		return e.journalSeal(ctx, s)
	}
	o, err := openStore(ctx, s, nil, e.quietLogger(), true, journalVerify)
	if err != nil {
		return err
	}
	defer o.db.Close()
	rep, err := o.db.VerifyJournal(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err != nil {
		return err
	}
	if rep.FirstBroken != 0 {
		fmt.Fprintf(e.stdout, "The journal is BROKEN at entry %d: %s.\n", rep.FirstBroken, rep.Problem)
		fmt.Fprintf(e.stdout, "Entries 1 to %d are whole; the journal's head names entry %d.\n", rep.FirstBroken-1, rep.Head)
		return &exitError{code: exitFailure, msg: "journal chain broken"}
	}
	fmt.Fprintf(e.stdout, "The journal is whole: %d entries, every hash matches.\n", rep.Entries)
	if rep.Sealed {
		fmt.Fprintf(e.stdout, "Its head, entry %d, is sealed with the journal key %s (%s).\n", rep.Head,
			sqlstore.KeyFingerprint(o.key), s.key)
	} else {
		// Whole, but a journal cut short would look the same: say so.
		hasSeal, _, err := o.db.JournalHeadSealed(ctx)
		if err != nil {
			return err
		}
		why := "there is no journal key"
		if hasSeal {
			why = "it is sealed, but no journal key was given to check the seal with"
			if s.key != "" {
				why = "it is sealed, but there is no journal key at " + s.key
			}
		}
		fmt.Fprintf(e.stdout, "Its head is not checked: %s, so entries cut off from the end would not show "+
			"(give --journal-key FILE; docs/operations.md).\n", why)
		if hasSeal {
			// A check run from cron without the key must not pass for one
			// that checked everything.
			return &exitError{code: exitFailure, msg: "the journal's sealed head was not checked: no journal key"}
		}
	}
	return nil
}

// journalSeal seals the journal's head with the key in --journal-key (or
// the data directory's), making the key first when its file does not
// exist. It is how a PostgreSQL journal is first sealed and how an
// operator moves to a new key; it refuses a broken chain.
func (e *env) journalSeal(ctx context.Context, s store) error {
	if s.key == "" {
		return usageError("journal seal needs the key's file: give --journal-key FILE (or %s)", journalKeyEnv)
	}
	// On PostgreSQL sealing may be the first command a new deployment
	// runs (its key's variable set before the file exists stops the
	// others), so it migrates a new database as serve does; a data
	// directory must exist.
	o, err := openStore(ctx, s, nil, e.quietLogger(), !s.postgres(), journalSeal)
	if err != nil {
		return err
	}
	defer o.db.Close()
	head, rep, err := o.db.SealJournal(lifeguard.WithActor(ctx, lifeguard.SystemActor()))
	if err != nil {
		return err
	}
	if rep.FirstBroken != 0 {
		fmt.Fprintf(e.stdout, "The journal is BROKEN at entry %d: %s. It was not sealed.\n", rep.FirstBroken, rep.Problem)
		return &exitError{code: exitFailure, msg: "journal chain broken"}
	}
	made := ""
	if o.fresh {
		if err := writeJournalKey(s.key, o.key); err != nil {
			return err
		}
		made = ", made now: keep a copy with the backups"
	}
	fmt.Fprintf(e.stdout, "The journal is sealed at entry %d with the key in %s (key %s%s).\n", head, s.key,
		sqlstore.KeyFingerprint(o.key), made)
	return nil
}
