package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/childcsv"
)

// children import reads an organisation's register of children from a CSV
// export of its management information system (docs/children.md). It prints
// each line's outcome by line number and reference, never a name: whoever
// runs the command holds the file, and the names stay in the organisation.
func (e *env) children(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		return usageError("children needs a subcommand: import")
	}
	fs := e.storeCommand("children import", "children import [--data DIR | --database URL] --organisation ID "+
		"[--dry-run] [--full-roll] [--mapping FILE] FILE.csv")
	org := fs.Int64("organisation", 0, "the organisation whose register this is (required)")
	dry := fs.Bool("dry-run", false, "say what the import would do, line by line, and change nothing")
	full := fs.Bool("full-roll", false, "the file lists every child on roll: mark the register's children it lacks as left")
	mapping := fs.String("mapping", "", "a mapping file for headers the presets do not know (docs/children.md)")
	if err := fs.parseArgs(args[1:], 1, "children import needs one CSV file"); err != nil {
		return err
	}
	if *org <= 0 {
		return usageError("--organisation: give the id of the organisation (lifeguard org list)")
	}
	var m childcsv.Mapping
	if *mapping != "" {
		mf, err := os.Open(*mapping)
		if err != nil {
			return usageError("--mapping: %v", err)
		}
		m, err = childcsv.ReadMapping(mf)
		mf.Close()
		if err != nil {
			return e.listProblems(*mapping, err)
		}
	}
	path := fs.Arg(0)
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return usageError("%v", err)
		}
		defer f.Close()
		r = f
	}
	file, err := childcsv.Read(r, m)
	if err != nil {
		return e.listProblems(path, err)
	}
	db, _, err := fs.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	res, err := db.ImportChildren(sys, lifeguard.ChildImport{OrganisationID: *org, Lines: file.Lines, FullRoll: *full,
		DryRun: *dry, Fields: file.Fields})
	if res != nil {
		writeImportResult(e.stdout, file, res)
	}
	if err != nil {
		if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
			return usageError("--organisation: there is no organisation %d", *org)
		}
		if res != nil && lifeguard.ErrorCode(err) == lifeguard.EINVALID {
			return &exitError{code: exitInvalid, msg: "the file has bad lines (above); nothing was imported"}
		}
		return e.problems(err)
	}
	return nil
}

// listProblems prints each problem of an EINVALID error on its own line and
// exits 2; other errors pass through.
func (e *env) listProblems(path string, err error) error {
	le, ok := err.(*lifeguard.Error)
	if !ok || le.Code != lifeguard.EINVALID {
		return err
	}
	fmt.Fprintf(e.stderr, "%s: %s:\n", path, le.Message)
	for _, p := range le.Problems {
		fmt.Fprintf(e.stderr, "  %s\n", p)
	}
	return &exitError{code: exitInvalid}
}

// writeImportResult prints the columns read, each line's outcome and the
// totals.
func writeImportResult(w io.Writer, file *childcsv.File, res *lifeguard.ChildImportResult) {
	var cols []string
	for _, f := range file.Fields {
		cols = append(cols, fmt.Sprintf("%s (%s)", f, file.Columns[f]))
	}
	fmt.Fprintf(w, "Columns read: %s\n", strings.Join(cols, ", "))
	if len(file.Ignored) > 0 {
		fmt.Fprintf(w, "Columns ignored: %s\n", strings.Join(file.Ignored, ", "))
	}
	done := res.Imported
	words := map[lifeguard.ImportOutcome][2]string{ // as done, as would be done
		lifeguard.ImportAdded:   {"added", "to add"},
		lifeguard.ImportChanged: {"changed", "to change"},
		lifeguard.ImportLeft:    {"marked as left", "to mark as left"},
		lifeguard.ImportBad:     {"bad", "bad"},
	}
	word := func(o lifeguard.ImportOutcome) string {
		if done {
			return words[o][0]
		}
		return words[o][1]
	}
	for _, l := range res.Lines {
		if l.Outcome == lifeguard.ImportUnchanged {
			continue // the totals count them
		}
		where := "        "
		if l.Line > 0 {
			where = fmt.Sprintf("line %-3d", l.Line)
		}
		parts := []string{where, word(l.Outcome)}
		if l.Ref != "" {
			parts = append(parts, l.Ref)
		}
		if l.Outcome == lifeguard.ImportChanged {
			parts = append(parts, "("+strings.Join(l.Fields, ", ")+")")
		}
		for i, p := range l.Problems {
			msg := strings.TrimPrefix(p.String(), fmt.Sprintf("lines[%d].", l.Line))
			if i == 0 {
				parts = append(parts, msg)
			} else {
				parts = append(parts, "\n                  "+msg)
			}
		}
		fmt.Fprintln(w, strings.ReplaceAll(strings.Join(parts, "  "), "  \n", "\n"))
	}
	switch {
	case done:
		fmt.Fprintf(w, "Imported: %d added, %d changed, %d unchanged, %d marked as left.\n", res.Added, res.Changed,
			res.Unchanged, res.Left)
	case res.DryRun && res.Bad == 0:
		fmt.Fprintf(w, "Dry run, nothing changed: %d to add, %d to change, %d unchanged, %d to mark as left.\n",
			res.Added, res.Changed, res.Unchanged, res.Left)
	default:
		fmt.Fprintf(w, "Nothing imported: %d bad lines. Without them: %d to add, %d to change, %d unchanged, %d to mark as left.\n",
			res.Bad, res.Added, res.Changed, res.Unchanged, res.Left)
	}
}
