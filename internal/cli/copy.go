package cli

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"text/tabwriter"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

const copySynopsis = `copy --from DIR --to postgres://… [--force]

Copies the whole partnership, every record with its id, the journal included,
from the embedded SQLite database in DIR to a PostgreSQL database, in one
transaction: if it fails, the PostgreSQL database is left as it was. Stop the
server on DIR first. The PostgreSQL database is migrated to this Lifeguard's
schema; the database in DIR must already be at it (lifeguard migrate --data DIR).
Afterwards both sides' rows are counted and the copy's journal is verified.

A PostgreSQL database that already holds Lifeguard records is refused unless
--force is given. --force DELETES EVERY LIFEGUARD RECORD IN THE POSTGRESQL
DATABASE (users, concerns, children, the journal, everything) and replaces them
with the copy.`

func (e *env) copy(ctx context.Context, args []string) error {
	fs := e.command("copy", copySynopsis)
	from := fs.String("from", "", "the directory of the embedded SQLite database to copy")
	to := fs.String("to", "", "the PostgreSQL database to copy to, postgres://USER:PASSWORD@HOST:PORT/NAME?sslmode=… (default $"+databaseEnv+")")
	force := fs.Bool("force", false, "delete every Lifeguard record already in the PostgreSQL database before copying")
	if err := fs.parseArgs(args, 0, "copy takes no arguments; give --from DIR and --to URL"); err != nil {
		return err
	}
	if *from == "" {
		return usageError("copy needs --from DIR, the data directory of the SQLite database")
	}
	toFrom := "--to"
	if !given(fs.FlagSet, "to") {
		*to, toFrom = os.Getenv(databaseEnv), databaseEnv
	}
	if *to == "" {
		return usageError("copy needs --to postgres://… (or %s)", databaseEnv)
	}
	if p, err := url.Parse(*to); err != nil || (p.Scheme != "postgres" && p.Scheme != "postgresql") {
		return usageError("%s must be a postgres:// URL", toFrom) // not the URL: it may hold a password
	}
	src, dst := store{dir: *from}, store{url: *to}
	if _, err := os.Stat(dbFile(src.dir)); err != nil {
		return usageError("there is no Lifeguard database in %s", src.dir)
	}

	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	// Opened, not migrated: the source is copied as it is or not at all.
	srcDB, err := sqlstore.Open(ctx, sqlstore.Config{Path: dbFile(src.dir), Logger: e.quietLogger()})
	if err != nil {
		return err
	}
	defer srcDB.Close()
	dstDB, err := sqlstore.Open(ctx, sqlstore.Config{DSN: dst.url, Logger: e.quietLogger()})
	if err != nil {
		return err
	}
	defer dstDB.Close()

	err = sqlstore.Copy(sys, srcDB, dstDB, *force, nil)
	if se, ok := errors.AsType[*sqlstore.SchemaError](err); ok {
		if se.Have > se.Want {
			return usageError("the database in %s has schema version %d, newer than this Lifeguard's %d; run a newer Lifeguard",
				src.dir, se.Have, se.Want)
		}
		return usageError("the database in %s has schema version %d, not this Lifeguard's %d: run lifeguard migrate --data %s first",
			src.dir, se.Have, se.Want, src.dir)
	}
	if le, ok := errors.AsType[*lifeguard.Error](err); ok && le.Code == lifeguard.ECONFLICT {
		return usageError("%s", le.Message)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Copied the database in %s to the %s.\n", src, dst)

	check, err := sqlstore.CheckCopy(sys, srcDB, dstDB)
	if err != nil {
		return fmt.Errorf("the copy was committed but could not be checked: %w", err)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "table\tSQLite\tPostgreSQL")
	for _, t := range check.Tables {
		mark := ""
		if t.Source != t.Target {
			mark = "  DIFFERENT"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d%s\n", t.Table, t.Source, t.Target, mark)
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "Journal: %d entries in SQLite, %d in PostgreSQL", check.Source.Entries, check.Target.Entries)
	if check.Target.FirstBroken != 0 {
		fmt.Fprintf(e.stdout, "; the copy's is BROKEN at entry %d: %s", check.Target.FirstBroken, check.Target.Problem)
	}
	if check.Source.FirstBroken != 0 {
		fmt.Fprintf(e.stdout, "; the source's is BROKEN at entry %d: %s", check.Source.FirstBroken, check.Source.Problem)
	}
	fmt.Fprintln(e.stdout, ".")
	if !check.OK() {
		return &exitError{code: exitFailure, msg: "the copy does not match its source; do not use it (was the server on " +
			src.dir + " still running?)"}
	}
	fmt.Fprintln(e.stdout, "The copy matches: every table has the same rows and the journal is whole.")
	return nil
}
