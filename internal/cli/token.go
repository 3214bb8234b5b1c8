package cli

import (
	"context"
	"fmt"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
)

func (e *env) token(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("token needs a subcommand: create, list or revoke")
	}
	sub, args := args[0], args[1:]
	fs := e.storeCommand("token "+sub, "token create --email E [--name N] | token list --email E | token revoke ID  (each with --data DIR or --database URL)")
	email := fs.String("email", "", "the user the token acts as")
	name := fs.String("name", "command line", "what the token is for, shown in lists")
	if err := fs.parse(args); err != nil {
		return err
	}
	db, _, err := fs.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	svc := auth.New(db, auth.Config{})
	// The operator runs this on the server, as Lifeguard itself.
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	user := func() (*lifeguard.User, error) { return userByEmail(ctx, db, *email) }
	switch sub {
	case "create":
		u, err := user()
		if err != nil {
			return err
		}
		plain, tok, err := svc.CreateToken(sys, u.ID, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Token %d for %s (%s). It is shown once: keep it secret.\n", tok.ID, u.Email, u.Role)
		fmt.Fprintln(e.stdout, plain)
		return nil
	case "list":
		u, err := user()
		if err != nil {
			return err
		}
		toks, err := svc.Tokens(sys, u.ID)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tPREFIX\tNAME\tCREATED\tLAST USED\tREVOKED")
		for _, t := range toks {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Prefix, t.Name, t.CreatedAt.Format(time.DateTime), when(t.LastUsedAt), when(t.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return usageError("token revoke needs the token's ID (see token list)")
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil || id <= 0 {
			return usageError("%q is not a token ID", fs.Arg(0))
		}
		if err := svc.RevokeToken(sys, id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Token %d revoked.\n", id)
		return nil
	}
	return usageError("unknown token subcommand %q: use create, list or revoke", sub)
}

func when(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.DateTime)
}
