// Package cli holds Lifeguard's subcommands: one file per command, each with
// its own flag.FlagSet, and Run, which main and the end-to-end tests share.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// Exit codes. 2 is a usage or input problem the user can fix; 1 is anything
// else.
const (
	exitOK      = 0
	exitFailure = 1
	exitInvalid = 2
)

// env is what a command runs with: its streams, so tests can give their own.
type env struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// exitError carries an exit code other than 1 and a message for stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageError(format string, args ...any) error {
	return &exitError{code: exitInvalid, msg: fmt.Sprintf(format, args...)}
}

const usage = `Lifeguard runs a Safeguarding Children Partnership's online-safety procedure.

Usage:
  lifeguard serve [--data DIR] [--listen ADDR] [--demo]  run the server (--demo: a demo partnership)
  lifeguard migrate [--data DIR]                       bring the database schema up to date
  lifeguard org add|list                               organisations of the partnership
  lifeguard user add|password --email E                users, with the password on standard input
  lifeguard user reset-factor --email E                remove a user's second factor (journalled)
  lifeguard user throttles | clear-throttle [--email E] [--address A]
                                                       see and clear sign-in throttling
  lifeguard token create|list|revoke --email E         API tokens (stored hashed)
  lifeguard sso add|update|list|remove                 single sign-on providers (docs/sign-in.md),
                                                       with the client secret on standard input
  lifeguard backup [--data DIR] FILE                   a consistent copy of the running database
  lifeguard restore [--data DIR] FILE                  put a backup into an empty data directory, checked
  lifeguard journal verify [--data DIR]                check the journal's hash chain and its sealed head
  lifeguard journal seal --journal-key FILE            seal the journal's head with a key (new or rotated)
  lifeguard copy --from DIR --to postgres://… [--force] move the SQLite database in DIR to PostgreSQL
                                                       (--force: first delete every record there)
  lifeguard triage [--procedure LOCAL.yaml] [FILE|-]   triage one concern's facts (JSON)
  lifeguard procedure check LOCAL.yaml                 validate a local procedure file
  lifeguard procedure show [--procedure LOCAL.yaml]    print the procedure in force
  lifeguard directory load --email E --summary S LOCAL.yaml
                                                       save a local procedure file as the directory's next version
  lifeguard directory export --email E [--version N]   print a version of the directory as a local procedure file
  lifeguard filter [--config filter.yaml]              run the DNS filter (docs/filter.md)
  lifeguard filter check filter.yaml                   validate a filter configuration
  lifeguard framework check LOCAL.yaml                 validate a local self-audit framework file
  lifeguard report board [--from D] [--to D] [--format html|csv|json] [--organisation ID]
                                                       the board report (default: the last six months)
  lifeguard monitor scan [--library FILE] [FILE|-]     match JSON Lines {"id","text"} against the monitoring
                                                       library, one JSON line of matches per input (docs/monitor.md)
  lifeguard monitor check [--library FILE]             validate local monitoring library files
  lifeguard children import --organisation ID [--dry-run] [--full-roll] [--mapping FILE] FILE.csv
                                                       import the register of children from a school's
                                                       MIS export (docs/children.md)
  lifeguard version                                    print the version

The commands that use the database take --data DIR, the embedded SQLite database
(default ./lifeguard-data), or --database postgres://… (default $LIFEGUARD_DATABASE)
for PostgreSQL 15 or later; see docs/postgres.md. They also take --journal-key FILE
(default $LIFEGUARD_JOURNAL_KEY_FILE, else journal.key in the data directory), the key
that seals the journal's head; see docs/operations.md.

Run "lifeguard COMMAND -h" for a command's flags.
`

// Run runs the command in args and returns the process exit code.
func Run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitInvalid
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "triage":
		err = e.triage(ctx, rest)
	case "procedure":
		err = e.procedure(ctx, rest)
	case "directory":
		err = e.directory(ctx, rest)
	case "framework":
		err = e.framework(ctx, rest)
	case "serve":
		err = e.serve(ctx, rest)
	case "migrate":
		err = e.migrate(ctx, rest)
	case "token":
		err = e.token(ctx, rest)
	case "backup":
		err = e.backup(ctx, rest)
	case "restore":
		err = e.restore(ctx, rest)
	case "user":
		err = e.user(ctx, rest)
	case "org":
		err = e.org(ctx, rest)
	case "sso":
		err = e.sso(ctx, rest)
	case "journal":
		err = e.journal(ctx, rest)
	case "copy":
		err = e.copy(ctx, rest)
	case "filter":
		err = e.filter(ctx, rest)
	case "report":
		err = e.report(ctx, rest)
	case "monitor":
		err = e.monitor(ctx, rest)
	case "children":
		err = e.children(ctx, rest)
	case "version":
		fmt.Fprintln(stdout, "lifeguard", Version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "lifeguard: unknown command %q\n\n%s", cmd, usage)
		return exitInvalid
	}
	if err == nil {
		return exitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "lifeguard:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "lifeguard:", err)
	return exitFailure
}

// Version is the release, set at build time with -ldflags "-X".
var Version = "dev"
