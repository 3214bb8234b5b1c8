package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
)

// user adds users and sets passwords on the server, as the operator: how a
// new deployment gets its first administrator, and how a locked-out user
// gets a new password.
func (e *env) user(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("user needs a subcommand: add or password")
	}
	sub, args := args[0], args[1:]
	fs := e.newFlags("user "+sub, "user add --email E --name N --role R --org ID | user password --email E  (each with --data DIR or --database URL; the password is read from standard input)")
	where := addStoreFlags(fs)
	email := fs.String("email", "", "the user's email address")
	name := fs.String("name", "", "the user's name")
	role := fs.String("role", "", "staff, dsl, manager, partnership, admin, or filter (a DNS filter's account: API token only)")
	org := fs.Int64("org", 0, "the id of the user's organisation (see org list)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if sub != "add" && sub != "password" {
		return usageError("unknown user subcommand %q: use add or password", sub)
	}
	s, err := where.store()
	if err != nil {
		return err
	}
	password, err := e.readPassword()
	if err != nil {
		return err
	}
	db, err := openExisting(ctx, s, e.quietLogger())
	if err != nil {
		return err
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	switch sub {
	case "add":
		hash, err := auth.HashPassword(password)
		if err != nil {
			return err
		}
		u, err := db.CreateUser(sys, lifeguard.NewUser{Email: *email, Name: *name, Role: lifeguard.Role(*role), OrganisationID: *org, PasswordHash: hash})
		if err != nil {
			return e.problems(err)
		}
		fmt.Fprintf(e.stdout, "User %d added: %s (%s).\n", u.ID, u.Email, u.Role)
	case "password":
		u, err := userByEmail(ctx, db, *email)
		if err != nil {
			return err
		}
		svc := auth.New(db, auth.Config{})
		if err := svc.SetPassword(sys, u.ID, password); err != nil {
			return e.problems(err)
		}
		fmt.Fprintf(e.stdout, "Password set for user %d; their sessions have ended.\n", u.ID)
	}
	return nil
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

// org adds and lists organisations.
func (e *env) org(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("org needs a subcommand: add or list")
	}
	sub, args := args[0], args[1:]
	fs := e.newFlags("org "+sub, "org add --name N --setting S [--partnership P] [--internet] | org list  (each with --data DIR or --database URL)")
	where := addStoreFlags(fs)
	name := fs.String("name", "", "the organisation's name")
	setting := fs.String("setting", "", "school, college, early_years, childrens_social_care, police, health, youth_service, youth_justice, probation, voluntary or other")
	partnership := fs.String("partnership", "", "the partnership's name, for its first organisation")
	internet := fs.Bool("internet", false, "the organisation gives children internet access on its own devices or network")
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := where.store()
	if err != nil {
		return err
	}
	db, err := openData(ctx, s, nil, e.quietLogger())
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
			fmt.Fprintf(e.stdout, "%d\t%s\t%s\n", o.ID, o.Setting, o.Name)
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
		o, err := db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: pid, Name: *name, Setting: lifeguard.Setting(*setting), ProvidesInternet: *internet})
		if err != nil {
			return e.problems(err)
		}
		fmt.Fprintf(e.stdout, "Organisation %d added: %s (%s).\n", o.ID, o.Name, o.Setting)
		return nil
	}
	return usageError("unknown org subcommand %q: use add or list", sub)
}
