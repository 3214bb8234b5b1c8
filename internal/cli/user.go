package cli

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
)

// user adds users and sets passwords on the server, as the operator: how a
// new deployment gets its first administrator, and how a locked-out user
// gets a new password, a second factor reset or a sign-in throttle cleared.
func (e *env) user(ctx context.Context, args []string) error {
	const subs = "add, password, reset-factor, throttles or clear-throttle"
	if len(args) == 0 {
		return usageError("user needs a subcommand: %s", subs)
	}
	sub, args := args[0], args[1:]
	fs := e.storeCommand("user "+sub, "user add --email E --name N --role R --org ID [--deputy] | user password --email E | user reset-factor --email E | user throttles | user clear-throttle [--email E] [--address A]  (each with --data DIR or --database URL; a password is read from standard input)")
	email := fs.String("email", "", "the user's email address")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "", "staff, dsl, manager, partnership, admin, or filter (a DNS filter's account: API token only)")
	org := fs.Int64("org", 0, "the id of the user's organisation (see org list)")
	deputy := fs.Bool("deputy", false, "add: a deputy safeguarding lead (role dsl only)")
	address := fs.String("address", "", "clear-throttle: the client IP address (an IPv6 address stands for its /64)")
	if err := fs.parse(args); err != nil {
		return err
	}
	switch sub {
	case "add", "password", "reset-factor", "throttles", "clear-throttle":
	default:
		return usageError("unknown user subcommand %q: use %s", sub, subs)
	}
	if fs.NArg() != 0 {
		return usageError("user %s takes no arguments", sub)
	}
	s, err := fs.where.store()
	if err != nil {
		return err
	}
	var password string
	if sub == "add" || sub == "password" {
		if password, err = e.readPassword(); err != nil {
			return err
		}
	}
	db, err := openExisting(ctx, s, e.quietLogger())
	if err != nil {
		return err
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	svc := auth.New(db, auth.Config{Factors: db})
	switch sub {
	case "add":
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		u, err := db.CreateUser(sys, lifeguard.NewUser{Email: *email, Name: *name, Role: lifeguard.Role(*role), OrganisationID: *org, Deputy: *deputy, PasswordHash: hash})
		if err != nil {
			return e.problems(err)
		}
		kind := string(u.Role)
		if u.Deputy {
			kind += ", deputy"
		}
		fmt.Fprintf(e.stdout, "User %d added: %s (%s).\n", u.ID, u.Email, kind)
	case "password":
		u, err := userByEmail(ctx, db, *email)
		if err != nil {
			return err
		}
		if err := svc.SetPassword(sys, u.ID, password); err != nil {
			return e.problems(err)
		}
		fmt.Fprintf(e.stdout, "Password set for user %d; their sessions have ended.\n", u.ID)
	case "reset-factor":
		u, err := userByEmail(ctx, db, *email)
		if err != nil {
			return err
		}
		if err := svc.ResetSecondFactor(sys, u.ID); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Second factor removed for user %d; their sessions have ended. They set up a new one at their next sign-in (reset their password too if it may be known).\n", u.ID)
	case "throttles":
		return e.throttles(sys, svc)
	case "clear-throttle":
		if strings.TrimSpace(*email) == "" && strings.TrimSpace(*address) == "" {
			return usageError("give --email, --address or both")
		}
		n, err := svc.ClearThrottle(sys, *email, *address)
		if err != nil {
			return e.problems(err)
		}
		fmt.Fprintf(e.stdout, "Cleared %d throttling counts.\n", n)
	}
	return nil
}

// throttles lists the sign-in failures counted in the current window.
func (e *env) throttles(ctx context.Context, svc *auth.Service) error {
	ts, err := svc.Throttles(ctx)
	if err != nil {
		return err
	}
	if len(ts) == 0 {
		fmt.Fprintln(e.stdout, "No failed sign-ins in the last 15 minutes.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tACCOUNT\tADDRESS\tFAILURES\tLIMIT\tLAST (UTC)\tREFUSING")
	for _, t := range ts {
		refusing := "no"
		switch {
		case t.Refusing() && (t.Kind == "pair" || t.Kind == "code"):
			refusing = "yes"
		case t.Refusing():
			refusing = "new addresses"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n", t.Kind, dash(t.Account), dash(t.Address), t.Failures, t.Limit,
			t.Last.UTC().Format("2006-01-02 15:04:05"), refusing)
	}
	return tw.Flush()
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// readPassword reads one line from standard input, so the password never
// appears in the process list or the shell's history; it is checked against
// the password policy before anything is stored.
func (e *env) readPassword() (string, error) {
	line, err := bufio.NewReader(e.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", usageError("give the password on standard input, e.g. from a password manager")
	}
	pw := strings.TrimRight(line, "\r\n")
	if problems := auth.CheckPassword(pw); len(problems) > 0 {
		return "", usageError("password: %s", problems[0].Problem)
	}
	return pw, nil
}

// problems turns an invalid-input error into a usage error that lists its
// problems.
func (e *env) problems(err error) error {
	if le, ok := err.(*lifeguard.Error); ok && le.Code == lifeguard.EINVALID {
		var parts []string
		for _, p := range le.Problems {
			parts = append(parts, p.String())
		}
		return usageError("%s: %s", le.Message, strings.Join(parts, "; "))
	}
	return err
}

// org adds and lists organisations, and sets an organisation's
// safeguarding contact number.
func (e *env) org(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("org needs a subcommand: add, list, set-phone or set-children")
	}
	sub, args := args[0], args[1:]
	fs := e.storeCommand("org "+sub, "org add --name N --setting S [--partnership P] [--internet] [--phone NUMBER] | org list | org set-phone --id ID --phone NUMBER | org set-children --id ID --children N  (each with --data DIR or --database URL)")
	name := fs.String("name", "", "the organisation's name")
	setting := fs.String("setting", "", "school, college, early_years, childrens_social_care, police, health, youth_service, youth_justice, probation, voluntary or other")
	partnership := fs.String("partnership", "", "the partnership's name, for its first organisation")
	internet := fs.Bool("internet", false, "the organisation gives children internet access on its own devices or network")
	phone := fs.String("phone", "", "the number staff ring to reach the organisation's safeguarding lead; set-phone with \"\" clears it")
	id := fs.Int64("id", 0, "the organisation's id (see org list), for set-phone and set-children")
	children := fs.String("children", "", "the number of children the organisation serves, 1 to 1000000, for set-children; \"\" clears it")
	if err := fs.parse(args); err != nil {
		return err
	}
	db, _, err := fs.openOrCreate(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	orgs, err := db.Organisations(sys)
	if err != nil {
		return err
	}
	switch sub {
	case "list":
		for _, o := range orgs {
			fmt.Fprintf(e.stdout, "%d\t%s\t%s\t%s\n", o.ID, o.Setting, o.Name, o.SafeguardingPhone)
		}
		return nil
	case "set-phone":
		if *id == 0 {
			return usageError("org set-phone needs --id, the organisation's id (see org list)")
		}
		o, err := db.SetSafeguardingPhone(sys, *id, *phone)
		if err != nil {
			return e.problems(err)
		}
		if o.SafeguardingPhone == "" {
			fmt.Fprintf(e.stdout, "Organisation %d (%s) has no safeguarding contact number now.\n", o.ID, o.Name)
		} else {
			fmt.Fprintf(e.stdout, "Organisation %d (%s): safeguarding contact number %s.\n", o.ID, o.Name, o.SafeguardingPhone)
		}
		return nil
	case "set-children":
		if *id == 0 {
			return usageError("org set-children needs --id, the organisation's id (see org list)")
		}
		var n *int64
		if *children != "" {
			v, err := strconv.ParseInt(*children, 10, 64)
			if err != nil {
				return usageError("--children must be a whole number from 1 to 1000000, or \"\" to clear it")
			}
			n = &v
		}
		o, err := db.SetChildrenCount(sys, *id, n)
		if err != nil {
			return e.problems(err)
		}
		if o.ChildrenCount == nil {
			fmt.Fprintf(e.stdout, "Organisation %d (%s) has no number of children now.\n", o.ID, o.Name)
		} else {
			fmt.Fprintf(e.stdout, "Organisation %d (%s): %d children.\n", o.ID, o.Name, *o.ChildrenCount)
		}
		return nil
	case "add":
		var pid int64
		if len(orgs) > 0 {
			pid = orgs[0].PartnershipID
		} else {
			if strings.TrimSpace(*partnership) == "" {
				return usageError("the first organisation needs --partnership, the partnership's name")
			}
			p, err := db.CreatePartnership(sys, *partnership)
			if err != nil {
				return e.problems(err)
			}
			pid = p.ID
		}
		o, err := db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: pid, Name: *name, Setting: lifeguard.Setting(*setting), ProvidesInternet: *internet,
			SafeguardingPhone: *phone})
		if err != nil {
			return e.problems(err)
		}
		fmt.Fprintf(e.stdout, "Organisation %d added: %s (%s).\n", o.ID, o.Name, o.Setting)
		return nil
	}
	return usageError("unknown org subcommand %q: use add, list or set-phone", sub)
}
