package web

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/csvsafe"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// A chronology a DSL can take to a meeting: printed, with the child's
// name, the organisation, the date printed and page numbers on every page,
// or as a CSV file. Either is a copy of the record leaving Lifeguard, and
// is journaled as a disclosure (ChildStore.DiscloseChronology).

// printView is the chronology as printed.
type printView struct {
	Name, Ref, Org, Printed string
	Who                     []factPair
	Entries                 []chronologyItem
	CSSURL, BackURL         string
}

func (wb *Web) chronologyPrint(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReadChild, "read a child's record"); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	v, err := wb.childView(r, id)
	if err != nil {
		return err
	}
	// The entries again, through the disclosure, which the journal records.
	if _, err := wb.cfg.Stores.Children.DiscloseChronology(r.Context(), id, "print"); err != nil {
		return err
	}
	org, err := wb.childOrgName(r, id)
	if err != nil {
		return err
	}
	pv := &printView{Name: v.Name, Ref: v.Ref, Org: org, Printed: wb.showTime(wb.cfg.Now()), Who: v.Who,
		Entries: v.Entries, CSSURL: v.URL + "/print.css", BackURL: v.URL}
	return wb.render(w, r, http.StatusOK, "child_print.html", page{Title: "Chronology: " + v.Name, Nav: "inbox", Data: pv})
}

// childOrgName is the name of the organisation that holds child id's record.
func (wb *Web) childOrgName(r *http.Request, id int64) (string, error) {
	c, err := wb.cfg.Stores.Children.Child(r.Context(), id)
	if err != nil {
		return "", err
	}
	o, err := wb.cfg.Stores.Orgs.Organisation(r.Context(), c.OrganisationID)
	if err != nil {
		return "", err
	}
	return o.Name, nil
}

// chronologyPrintCSS serves the printed chronology's page boxes: the
// child's name and the organisation at the head of every page, the date
// printed and "Page N of M" at its foot. They are a stylesheet of their
// own because the pages' policy lets in no inline style, and they hold
// the child's name, so the sheet is served to the DSL who may read the
// record, and never cached.
func (wb *Web) chronologyPrintCSS(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReadChild, "read a child's record"); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	c, err := wb.cfg.Stores.Children.Child(r.Context(), id)
	if err != nil {
		return err
	}
	org, err := wb.cfg.Stores.Orgs.Organisation(r.Context(), c.OrganisationID)
	if err != nil {
		return err
	}
	name := c.DisplayName()
	if name == c.Ref {
		name = "Child " + c.Ref
	}
	setPageHeaders(w)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = fmt.Fprintf(w, `@page {
  size: A4;
  margin: 20mm 16mm 18mm 16mm;
  @top-left { content: %s; font: 700 9pt system-ui, sans-serif; vertical-align: bottom; padding-bottom: 3mm; }
  @top-right { content: %s; font: 9pt system-ui, sans-serif; vertical-align: bottom; padding-bottom: 3mm; }
  @bottom-left { content: %s; font: 9pt system-ui, sans-serif; vertical-align: top; padding-top: 3mm; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt system-ui, sans-serif; vertical-align: top; padding-top: 3mm; }
}
`, cssString(name+" ("+c.Ref+")"), cssString(org.Name), cssString("Printed "+wb.showTime(wb.cfg.Now())+". Official-Sensitive."))
	return err
}

// cssString quotes s as a CSS string, every character but letters, digits,
// spaces and plain punctuation escaped, so that no name can end the string
// or the rule.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune(" .,:()&-+!?#%", r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, `\%06x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// chronologyCSV gives the chronology as a CSV file, each cell escaped
// against spreadsheet formulas (csvsafe), journaled as a disclosure.
func (wb *Web) chronologyCSV(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReadChild, "read a child's record"); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	c, err := wb.cfg.Stores.Children.Child(r.Context(), id)
	if err != nil {
		return err
	}
	entries, err := wb.cfg.Stores.Children.DiscloseChronology(r.Context(), id, "csv")
	if err != nil {
		return err
	}
	proc, err := wb.procedureFor(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="chronology-`+safeFileName(c.Ref)+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	return writeChronologyCSV(w, wb, proc, c, entries)
}

func writeChronologyCSV(w io.Writer, wb *Web, proc *procedure.Procedure, c *lifeguard.Child, entries []lifeguard.ChronologyEntry) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	rows := [][]string{{"Child", c.DisplayName(), "Reference", c.Ref}, {"When", "What", "Summary", "By", "Concern"}}
	for _, e := range entries {
		by := "Lifeguard"
		if e.ActorID != 0 {
			by = e.ActorRole.Label()
		}
		concern := ""
		if e.ConcernID != nil {
			concern = strconv.FormatInt(*e.ConcernID, 10)
		}
		rows = append(rows, []string{e.At.In(wb.zone()).Format(time.DateTime), lifeguard.ChronologyLabel(e.Kind),
			chronologySummary(proc, e), by, concern})
	}
	for _, row := range rows {
		if err := cw.Write(csvsafe.Row(row)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// safeFileName keeps letters, digits and - _ of a reference, for a file's
// name.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return -1
	}, s)
}
