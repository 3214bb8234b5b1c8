package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

func (e *env) procedure(_ context.Context, args []string) error {
	if len(args) == 0 {
		return usageError("procedure needs a subcommand: check LOCAL.yaml, or show [--procedure LOCAL.yaml]")
	}
	switch args[0] {
	case "check":
		return e.procedureCheck(args[1:])
	case "show":
		return e.procedureShow(args[1:])
	}
	return usageError("unknown procedure subcommand %q: use check or show", args[0])
}

// procedureCheck validates a local file and says what it changes, so that a
// partnership officer can review a change before it goes live.
func (e *env) procedureCheck(args []string) error {
	fs := e.command("procedure check", "procedure check LOCAL.yaml")
	if err := fs.parseArgs(args, 1, "procedure check needs exactly one local procedure file"); err != nil {
		return err
	}
	p, err := loadProcedure(fs.Arg(0))
	if err != nil {
		return err
	}
	l := p.Local()
	ref := p.Ref()
	fmt.Fprintf(e.stdout, "%s is valid.\nProcedure: %s, version %s\n", l.File, ref.Name, ref.Version)
	fmt.Fprintf(e.stdout, "Now lasts %s: a decision on an immediate route within it is on time, and until it has passed the route is due now, not overdue.\n",
		procedure.ShowWindow(p.NowWindow()))
	if len(l.Changes) == 0 {
		fmt.Fprintln(e.stdout, "It changes nothing in the baseline.")
	} else {
		fmt.Fprintf(e.stdout, "Changes against the baseline (%d):\n", len(l.Changes))
		for _, c := range l.Changes {
			fmt.Fprintf(e.stdout, "  - %s\n", c)
		}
	}
	e.printReviews(p)
	return nil
}

// printReviews lists the overrides of baseline rules that changed after the
// version the file was written for: an override replaces the new rule, not
// the one the partnership decided about, so it needs another look.
func (e *env) printReviews(p *procedure.Procedure) {
	l, base := p.Local(), p.Baseline()
	written := l.WrittenFor
	if written != "" {
		fmt.Fprintf(e.stdout, "It was written for the %s %s.\n", base.Name, written)
	} else {
		fmt.Fprintf(e.stdout, "The file does not say which version of the %s it was written for (baseline_version), so every change since the first version is checked.\n", base.Name)
	}
	if len(l.Review) == 0 {
		if written == "" {
			fmt.Fprintf(e.stdout, "None of its overrides is of a rule that has changed; add baseline_version: %q to the file.\n", base.Version)
		}
		return
	}
	fmt.Fprintf(e.stdout, "To review (%d): the %s changed these rules after the version this file was written for, and the file overrides them:\n",
		len(l.Review), base.Name)
	for _, r := range l.Review {
		what := "your override replaces the new rule"
		if r.Disabled {
			what = "your override switches the new rule off"
		}
		fmt.Fprintf(e.stdout, "  - %s, changed in %s: %s.\n    %s; your reason: %s\n", r.Rule, r.Version, r.Change, capitalise(what), r.Reason)
	}
	fmt.Fprintf(e.stdout, "When the partnership has reviewed them, set baseline_version: %q in the file.\n", base.Version)
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (e *env) procedureShow(args []string) error {
	fs := e.command("procedure show", "procedure show [--procedure LOCAL.yaml]")
	local := fs.String("procedure", "", "a local procedure file over the England baseline")
	if err := fs.parseArgs(args, 0, "procedure show takes no arguments; give a local file with --procedure"); err != nil {
		return err
	}
	p, err := loadProcedure(*local)
	if err != nil {
		return err
	}
	out, err := p.YAML()
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}
