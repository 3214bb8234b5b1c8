package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// command is how every subcommand starts: a flag set that reports errors on
// the command's stderr and leaves the exit code to Run, and, for a command
// that uses the database, the flags that choose it. Flags, usage and
// opening the database are written here once, not in each command.
type command struct {
	*flag.FlagSet
	e     *env
	where *storeFlags // nil for a command that uses no database
}

// command starts the subcommand name ("token create"); synopsis is its
// usage line after "lifeguard ".
func (e *env) command(name, synopsis string) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: lifeguard %s\n", synopsis)
		fs.PrintDefaults()
	}
	return &command{FlagSet: fs, e: e}
}

// storeCommand is command with the flags that choose the database
// (--data, --database and --journal-key).
func (e *env) storeCommand(name, synopsis string) *command {
	c := e.command(name, synopsis)
	c.where = addStoreFlags(c.FlagSet)
	return c
}

// parse parses the flags. A flag error is a usage error, already explained
// on stderr by the flag set; -h gives flag.ErrHelp, which Run ends with 0.
func (c *command) parse(args []string) error {
	if err := c.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &exitError{code: exitInvalid}
	}
	return nil
}

// parseArgs is parse, then a usage error saying msg unless exactly n
// arguments follow the flags.
func (c *command) parseArgs(args []string, n int, msg string) error {
	if err := c.parse(args); err != nil {
		return err
	}
	if c.NArg() != n {
		return usageError("%s", msg)
	}
	return nil
}

// open opens the database the flags name, which must already hold
// Lifeguard's records (openExisting), logging warnings only.
func (c *command) open(ctx context.Context) (*sqlstore.DB, store, error) {
	s, err := c.where.store()
	if err != nil {
		return nil, s, err
	}
	db, err := openExisting(ctx, s, c.e.quietLogger())
	return db, s, err
}

// openOrCreate opens the database the flags name, creating and migrating
// it if needed (openData), logging warnings only.
func (c *command) openOrCreate(ctx context.Context) (*sqlstore.DB, store, error) {
	s, err := c.where.store()
	if err != nil {
		return nil, s, err
	}
	db, err := openData(ctx, s, nil, c.e.quietLogger())
	return db, s, err
}

// given reports whether the flag name was given on the command line.
func given(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(fl *flag.Flag) { found = found || fl.Name == name })
	return found
}
