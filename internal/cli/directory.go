package cli

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// directory loads a local procedure file as the next version of the
// partnership's directory, or exports a version, acting as the partnership
// officer named by --email so that the access rules and the journal apply as
// on the pages (docs/procedure.md, "Kept on pages").
func (e *env) directory(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("directory needs a subcommand: load LOCAL.yaml --email E --summary S, or export --email E [--version N]")
	}
	sub, args := args[0], args[1:]
	fs := e.storeCommand("directory "+sub, "directory load --email E --summary S LOCAL.yaml | directory export --email E [--version N]  (each with --data DIR or --database URL)")
	email := fs.String("email", "", "the partnership officer or administrator acting")
	summary := fs.String("summary", "", "what the version changes, kept with it")
	version := fs.Int("version", 0, "the version to export; the newest when not given")
	switch sub {
	case "load":
		if err := fs.parseArgs(args, 1, "directory load needs exactly one local procedure file"); err != nil {
			return err
		}
	case "export":
		if err := fs.parseArgs(args, 0, "directory export takes no file: it writes to standard output"); err != nil {
			return err
		}
	default:
		return usageError("unknown directory subcommand %q: use load or export", sub)
	}
	db, _, err := fs.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	u, err := userByEmail(ctx, db, *email)
	if err != nil {
		return err
	}
	as := lifeguard.WithActor(ctx, auth.New(db, auth.Config{}).Actor(u, "session"))
	if sub == "export" {
		var v lifeguard.DirectoryVersion
		if *version != 0 {
			v, err = db.DirectoryVersionAt(as, 0, *version)
		} else if v, err = db.CurrentDirectory(as, 0); err == nil && v.Version == 0 {
			return usageError("no version of the directory has been saved yet")
		}
		if err != nil {
			return err
		}
		_, err = fmt.Fprint(e.stdout, v.Document)
		return err
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return err
	}
	cur, err := db.CurrentDirectory(as, 0)
	if err != nil {
		return err
	}
	if _, err := procedure.LoadDirectory(cur.Version+1, data); err != nil {
		var le *procedure.LoadError
		if errors.As(err, &le) {
			for i := range le.Problems {
				le.Problems[i].File = fs.Arg(0)
			}
		}
		return &exitError{code: exitInvalid, msg: "the procedure file has problems:\n" + err.Error()}
	}
	v, err := db.SaveDirectoryVersion(as, 0, cur.Version, string(data), *summary)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Saved as version %d of the directory. Concerns reported from now on are triaged under it.\n", v.Version)
	return nil
}
