package report

import (
	_ "embed"
	"fmt"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The report on paper. A board reads it as a paper among others: a title
// page, then pages that each say whose report it is, for which period, how
// it is to be handled, and which page of how many they are. The browser
// prints that from CSS paged media: print.css holds the rules every report
// shares (where a page may break), and PageCSS the page boxes, whose words
// differ from report to report. Chromium draws the page boxes of @page
// rules in its own print to PDF, so a board member who prints the page
// from the browser gets the same paper as the PDF the tests check.

// Marking is the handling marking of the UK government's security
// classifications that a partnership's board papers about children carry.
const Marking = "OFFICIAL-SENSITIVE"

//go:embed print.css
var printCSS string

// PrintCSS returns the rules of the printed report that do not depend on
// the report: page breaks, the title page, tables that repeat their
// headings on a new page.
func PrintCSS() string { return printCSS }

// Period is the report's period in words, as a reader writes it: "1 June
// 2026 to 30 November 2026".
func (r *Report) Period() string {
	return longDate(r.From) + " to " + longDate(r.To)
}

// LongFrom and LongTo are the period's first and last days in words.
func (r *Report) LongFrom() string { return longDate(r.From) }
func (r *Report) LongTo() string   { return longDate(r.To) }

// Marking is the report's handling marking, for its title page.
func (r *Report) Marking() string { return Marking }

// Heading is what the running header names: the partnership (or the
// organisation, for an organisation's own report) and the period.
func (r *Report) Heading() string {
	who := r.Partnership
	if r.OrganisationID != 0 || who == "" {
		who = r.Scope
	}
	return who + ": " + r.Period()
}

func longDate(d lifeguard.Date) string {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC).Format("2 January 2006")
}

// PageCSS returns the @page rules of the report: on every page but the
// title page, the running header (whose report, for which period, and the
// marking) and the page number, "Page 3 of 12", in the footer.
func PageCSS(r *Report) string {
	var b strings.Builder
	fmt.Fprintf(&b, `@page {
  size: A4;
  margin: 20mm 16mm 18mm 16mm;
  @top-left { content: %s; font: 9pt system-ui, sans-serif; color: #1b1b1b; vertical-align: bottom; padding-bottom: 3mm; }
  @top-right { content: %s; font: 700 9pt system-ui, sans-serif; color: #1b1b1b; vertical-align: bottom; padding-bottom: 3mm; }
  @bottom-left { content: %s; font: 700 9pt system-ui, sans-serif; color: #1b1b1b; vertical-align: top; padding-top: 3mm; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt system-ui, sans-serif; color: #1b1b1b; vertical-align: top; padding-top: 3mm; }
}
@page :first {
  @top-left { content: none; }
  @top-right { content: %s; }
  @bottom-right { content: none; }
}
`, cssString(r.Heading()), cssString(Marking), cssString(Marking), cssString(Marking))
	return b.String()
}

// cssString quotes s as a CSS string. Every character that is not a
// letter, a digit, a space or plain punctuation is written as an escape, so
// that no name (a partnership's, typed by an administrator) can end the
// string or the rule, or close a <style> element the rules are put in.
func cssString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9',
			strings.ContainsRune(" .,:'()&-+!?@#%", r):
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, `\%06x`, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
