package e2e

import (
	"context"
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// TestBoardReportPrintsAsABoardPaper prints the demo's board report to PDF
// in Chromium, as a partnership officer does for the board, and reads the
// PDF back with pdftotext (poppler-utils): a title page; on every other
// page the running header (partnership and period), the marking and "Page
// k of N"; no page that ends with a heading whose content went to the
// next; a summary of its own on page 2; and no other page left half
// empty before the last.
func TestBoardReportPrintsAsABoardPaper(t *testing.T) {
	pdftotext := pdfToText(t)
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "partnership@demo.test")
	b.run(chromedp.Navigate(a.url + "/reports?from=2026-06-01&to=2026-11-30"))
	var headings []string
	var pdf []byte
	b.run(chromedp.Evaluate(`[...document.querySelectorAll('main h2, main h3')].map(h => h.textContent.trim()).filter(h => h !== 'Contents')`, &headings),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var err error
			pdf, _, err = page.PrintToPDF().WithPreferCSSPageSize(true).Do(ctx)
			return err
		}))
	// Kept beside the screenshots, to be looked at.
	dir := filepath.Join(repoRoot(t), "internal", "e2e", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "board-report.pdf")
	if err := os.WriteFile(file, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(pdftotext, "-bbox-layout", file, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := readPDFPages(t, out)
	n := len(pages)
	t.Logf("the board report prints on %d A4 pages", n)
	if n < 3 {
		t.Fatalf("the report printed on %d pages", n)
	}
	const heading = "Riverside Safeguarding Children Partnership: 1 June 2026 to 30 November 2026"

	cover := pages[0].text()
	for _, want := range []string{"OFFICIAL-SENSITIVE", "Board report: online-safety", "Riverside Safeguarding Children Partnership",
		"1 June 2026", "30 November 2026", "Contents", "What was done"} {
		if !strings.Contains(cover, want) {
			t.Errorf("the title page lacks %q:\n%s", want, cover)
		}
	}
	if strings.Contains(cover, "Page 1 of") {
		t.Errorf("the title page is numbered:\n%s", cover)
	}
	if summary := pages[1].text(); !strings.Contains(summary, "Summary") || !strings.Contains(summary, "concerns were reported") {
		t.Errorf("page 2 is not the summary:\n%s", summary)
	}
	for i, p := range pages[1:] {
		k := i + 2
		txt := p.text()
		for _, want := range []string{heading, "OFFICIAL-SENSITIVE", fmt.Sprintf("Page %d of %d", k, n)} {
			if !strings.Contains(txt, want) {
				t.Errorf("page %d lacks %q:\n%.600s", k, want, txt)
			}
		}
	}

	// The body of a page is what lies between the running header and the
	// footer (the page's margins, 20 mm and 18 mm).
	const mm = 72 / 25.4
	for i, p := range pages {
		top, bottom := 20*mm, p.Height-18*mm
		var body []pdfLine
		for _, l := range p.Lines {
			if l.YMin >= top-1 && l.YMax <= bottom+1 {
				body = append(body, l)
			}
		}
		lowest := 0.0
		for _, l := range body {
			lowest = max(lowest, l.YMax)
		}
		for j, l := range body {
			// A heading stands on a row of its own: a table's first cell
			// that reads like one ("Prevention") has the row's other
			// cells beside it.
			if !isHeading(l.Text, headings) || sharesRow(l, body) {
				continue
			}
			below := false
			for _, m := range body[j+1:] {
				if m.YMin > l.YMax && !isHeading(m.Text, headings) {
					below = true
				}
			}
			if !below {
				t.Errorf("page %d ends with the heading %q; its content is on the next page", i+1, l.Text)
			}
		}
		// The title page and the one-page summary end where they do on
		// purpose; every other page but the last is to be at least half
		// filled (the "no empty half pages"): a chart or a table
		// kept whole may move to the next page and leave less than that
		// blank, never more.
		summary := len(body) > 0 && body[0].Text == "Summary"
		if i > 0 && i < n-1 && !summary {
			if used := (lowest - top) / (bottom - top); used < 0.5 {
				t.Errorf("page %d is %.0f%% empty", i+1, 100*(1-used))
			}
		}
	}
}

// isHeading reports whether a line of the PDF is one of the report's
// headings, or the first line of one that wraps.
// sharesRow reports whether another line of body stands beside l, at the
// same height on the page.
func sharesRow(l pdfLine, body []pdfLine) bool {
	for _, m := range body {
		if m != l && m.YMin < l.YMax && m.YMax > l.YMin {
			return true
		}
	}
	return false
}

func isHeading(line string, headings []string) bool {
	for _, h := range headings {
		if line == h || (len(line) > 12 && strings.HasPrefix(h, line+" ")) {
			return true
		}
	}
	return false
}

// pdfToText finds poppler's pdftotext; .ci/run installs poppler-utils.
func pdfToText(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("pdftotext")
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("pdftotext is not installed; .ci/run installs it from Debian's packages (apt-get install poppler-utils)")
	}
	t.Skip("pdftotext is not installed (apt-get install poppler-utils); CI runs this test")
	return ""
}

type pdfPage struct {
	Height float64
	Lines  []pdfLine
}

type pdfLine struct {
	Text       string
	YMin, YMax float64
}

func (p pdfPage) text() string {
	var b strings.Builder
	for _, l := range p.Lines {
		b.WriteString(l.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// readPDFPages reads pdftotext's -bbox-layout output: pages of lines, each
// with where it stands on the page, in points from the top.
func readPDFPages(t *testing.T, out []byte) []pdfPage {
	t.Helper()
	var doc struct {
		Pages []struct {
			Height float64 `xml:"height,attr"`
			Lines  []struct {
				YMin  float64  `xml:"yMin,attr"`
				YMax  float64  `xml:"yMax,attr"`
				Words []string `xml:"word"`
			} `xml:"flow>block>line"`
		} `xml:"body>doc>page"`
	}
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("reading pdftotext's output: %v", err)
	}
	var pages []pdfPage
	for _, p := range doc.Pages {
		pp := pdfPage{Height: p.Height}
		for _, l := range p.Lines {
			pp.Lines = append(pp.Lines, pdfLine{Text: strings.Join(l.Words, " "), YMin: l.YMin, YMax: l.YMax})
		}
		pages = append(pages, pp)
	}
	return pages
}
