package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/lifeguard-scp/lifeguard"
)

// sso connects the partnership, or one of its organisations, to an OpenID
// Connect provider from the server's command line, as the administrator's
// page does (docs/sign-in.md). The client secret is read from standard
// input, so that it appears in no process list or shell history.
func (e *env) sso(ctx context.Context, args []string) error {
	const subs = "add, update, list or remove"
	if len(args) == 0 {
		return usageError("sso needs a subcommand: %s", subs)
	}
	sub, args := args[0], args[1:]
	fs := e.storeCommand("sso "+sub, "sso add --name N --issuer URL --client-id ID --domains D1,D2 (--org ID | --partnership ID) [--create-users] [--trust-mfa [--mfa-acr V]] [--password-off] | sso update --id N … | sso list | sso remove --id N  (each with --data DIR or --database URL; add and update read the client secret from standard input, update keeps it when the line is empty)")
	id := fs.Int64("id", 0, "update, remove: the provider's id (see sso list)")
	name := fs.String("name", "", "what the sign-in button says: Sign in with NAME")
	issuer := fs.String("issuer", "", "the provider's issuer URL (https)")
	clientID := fs.String("client-id", "", "the client (application) id Lifeguard has at the provider")
	domains := fs.String("domains", "", "the email domains the provider covers, separated by commas")
	org := fs.Int64("org", 0, "the organisation it signs in to (see org list)")
	partnership := fs.Int64("partnership", 0, "or the partnership, for a provider of all its organisations")
	createUsers := fs.Bool("create-users", false, "create a member of staff on a first sign-in (an organisation's provider only)")
	trustMFA := fs.Bool("trust-mfa", false, "the provider enforces a second factor: accept it for safeguarding leads when the token says so")
	mfaACR := fs.String("mfa-acr", "", "with --trust-mfa: the acr value meaning a second factor (otherwise amr must hold \"mfa\")")
	passwordOff := fs.Bool("password-off", false, "turn password sign-in off for the covered domains")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch sub {
	case "add", "update", "list", "remove":
	default:
		return usageError("unknown sso subcommand %q: use %s", sub, subs)
	}
	if fs.NArg() != 0 {
		return usageError("sso %s takes no arguments", sub)
	}
	if (sub == "update" || sub == "remove") && *id <= 0 {
		return usageError("sso %s needs --id (see sso list)", sub)
	}
	s, err := fs.where.store()
	if err != nil {
		return err
	}
	var secret string
	if sub == "add" || sub == "update" {
		line, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && line == "" && sub == "add" {
			return usageError("give the client secret on standard input")
		}
		secret = strings.TrimRight(line, "\r\n")
	}
	db, err := openExisting(ctx, s, e.quietLogger())
	if err != nil {
		return err
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	switch sub {
	case "add", "update":
		var ds []string
		for d := range strings.SplitSeq(*domains, ",") {
			if d = strings.TrimSpace(d); d != "" {
				ds = append(ds, d)
			}
		}
		p, err := db.SaveSignInProvider(sys, lifeguard.SignInProvider{ID: *id, OrganisationID: *org, PartnershipID: *partnership,
			Name: *name, Issuer: *issuer, ClientID: *clientID, ClientSecret: secret, Domains: ds, CreateUsers: *createUsers,
			TrustMFA: *trustMFA, MFAACR: *mfaACR, PasswordOff: *passwordOff})
		if err != nil {
			return e.problems(err)
		}
		fmt.Fprintf(e.stdout, "Sign-in provider %d saved: %s for %s. Register the redirect URI https://YOUR-HOST/signin/sso/callback at the provider.\n",
			p.ID, p.Name, strings.Join(p.Domains, ", "))
	case "list":
		ps, err := db.SignInProviders(sys)
		if err != nil {
			return err
		}
		if len(ps) == 0 {
			fmt.Fprintln(e.stdout, "No sign-in providers.")
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPARTNERSHIP\tORG\tDOMAINS\tISSUER\tCREATE\tTRUST MFA\tPASSWORD")
		for _, p := range ps {
			pw := "on"
			if p.PasswordOff {
				pw = "off"
			}
			fmt.Fprintf(tw, "%d\t%s\t%d\t%s\t%s\t%s\t%t\t%t\t%s\n", p.ID, p.Name, p.PartnershipID, orgOrAll(p.OrganisationID),
				strings.Join(p.Domains, ","), p.Issuer, p.CreateUsers, p.TrustMFA, pw)
		}
		return tw.Flush()
	case "remove":
		if err := db.RemoveSignInProvider(sys, *id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Sign-in provider %d removed; its users sign in with a password again.\n", *id)
	}
	return nil
}

func orgOrAll(id int64) string {
	if id == 0 {
		return "all"
	}
	return fmt.Sprint(id)
}
