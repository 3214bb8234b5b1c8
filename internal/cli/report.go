package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/report"
)

// report board writes the board report, or one organisation's, as the
// pages show it: HTML (a document of its own, with its charts), CSV of
// every figure, or JSON.
func (e *env) report(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "board" {
		return usageError("report needs a subcommand: board")
	}
	fs := e.storeCommand("report board", "report board [--data DIR | --database URL] [--from YYYY-MM-DD] [--to YYYY-MM-DD] "+
		"[--format html|csv|json] [--rule suppress|round5] [--organisation ID] [--partnership ID] [--out FILE]")
	fromFlag := fs.String("from", "", "the first day of the period (default: six months before --to)")
	toFlag := fs.String("to", "", "the last day of the period (default: today, UTC)")
	format := fs.String("format", "html", "html, csv or json")
	rule := fs.String("rule", report.RuleSuppress, "how small numbers are protected: suppress (<5 and *) or round5 "+
		"(every figure rounded to the nearest 5, <5 for 1 to 4)")
	org := fs.Int64("organisation", 0, "report on this organisation only, as its own leaders see it")
	part := fs.Int64("partnership", 0, "the partnership (needed only when the database holds more than one)")
	out := fs.String("out", "", "write to this file instead of standard output")
	local := fs.String("procedure", "", "the local procedure file in force, for the routes' titles")
	localFramework := fs.String("audit-framework", "", "the local self-audit framework in force, for the strands' titles")
	if err := fs.parse(args[1:]); err != nil {
		return err
	}
	write := map[string]func(*bytes.Buffer, *report.Report) error{
		"html": func(b *bytes.Buffer, r *report.Report) error { return report.WriteHTML(b, r) },
		"csv":  func(b *bytes.Buffer, r *report.Report) error { return report.WriteCSV(b, r) },
		"json": func(b *bytes.Buffer, r *report.Report) error { return report.WriteJSON(b, r) },
	}[*format]
	if write == nil {
		return usageError("--format: %q is not a format; use html, csv or json", *format)
	}
	if !slices.Contains(report.Rules(), *rule) {
		return usageError("--rule: %q is not a rule; use suppress or round5", *rule)
	}
	q := lifeguard.ReportQuery{OrganisationID: *org, PartnershipID: *part}
	q.From, q.To = report.DefaultPeriod(time.Now())
	if *toFlag != "" {
		d, err := lifeguard.ParseDate(*toFlag)
		if err != nil {
			return usageError("--to: %v", err)
		}
		q.To = d
		if *fromFlag == "" {
			q.From = lifeguard.DateOf(d.In(time.UTC).AddDate(0, -6, 1))
		}
	}
	if *fromFlag != "" {
		d, err := lifeguard.ParseDate(*fromFlag)
		if err != nil {
			return usageError("--from: %v", err)
		}
		q.From = d
	}
	proc, err := loadProcedure(*local)
	if err != nil {
		return err
	}
	fw, err := loadFramework(*localFramework)
	if err != nil {
		return err
	}
	db, _, err := fs.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	orgs, err := db.Organisations(sys)
	if err != nil {
		return err
	}
	scope := "All organisations of the partnership"
	parts := map[int64]bool{}
	for _, o := range orgs {
		parts[o.PartnershipID] = true
		if o.ID == q.OrganisationID {
			scope = o.Name
			if q.PartnershipID == 0 {
				q.PartnershipID = o.PartnershipID
			}
		}
	}
	if q.OrganisationID != 0 && scope == "All organisations of the partnership" {
		return usageError("--organisation: there is no organisation %d", q.OrganisationID)
	}
	if q.PartnershipID == 0 {
		if len(parts) != 1 {
			return usageError("the database holds %d partnerships: give --partnership ID", len(parts))
		}
		for p := range parts {
			q.PartnershipID = p
		}
	}
	counts, err := db.ReportCounts(sys, q)
	if err != nil {
		return err
	}
	partnership, err := db.Partnership(sys, q.PartnershipID)
	if err != nil {
		return err
	}
	opt := report.Options{Scope: scope, Partnership: partnership.Name, RouteTitle: proc.RouteTitle,
		RouteUrgency: proc.RouteUrgency, Now: time.Now(), Rule: *rule,
		StrandTitle: func(code string) (string, bool) {
			if st, ok := fw.Strand(code); ok {
				return st.Title, true
			}
			return "", false
		}}
	rep, err := report.Build(counts, opt)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := write(&buf, rep); err != nil {
		return err
	}
	if *out == "" {
		_, err = e.stdout.Write(buf.Bytes())
		return err
	}
	if err := os.WriteFile(*out, buf.Bytes(), 0o600); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	fmt.Fprintf(e.stderr, "Wrote the report of %s to %s to %s.\n", rep.From, rep.To, *out)
	return nil
}
