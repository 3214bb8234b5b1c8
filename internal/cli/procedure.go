package cli

import (
	"context"
	"fmt"
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
	fs := e.newFlags("procedure check", "procedure check LOCAL.yaml")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError("procedure check needs exactly one local procedure file")
	}
	p, err := loadProcedure(fs.Arg(0))
	if err != nil {
		return err
	}
	l := p.Local()
	ref := p.Ref()
	fmt.Fprintf(e.stdout, "%s is valid.\nProcedure: %s, version %s\n", l.File, ref.Name, ref.Version)
	if len(l.Changes) == 0 {
		fmt.Fprintln(e.stdout, "It changes nothing in the baseline.")
		return nil
	}
	fmt.Fprintf(e.stdout, "Changes against the baseline (%d):\n", len(l.Changes))
	for _, c := range l.Changes {
		fmt.Fprintf(e.stdout, "  - %s\n", c)
	}
	return nil
}

func (e *env) procedureShow(args []string) error {
	fs := e.newFlags("procedure show", "procedure show [--procedure LOCAL.yaml]")
	local := fs.String("procedure", "", "a local procedure file over the England baseline")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usageError("procedure show takes no arguments; give a local file with --procedure")
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
