package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestBoardReport reads the board report of the demo partnership as the
// partnership officer, and an organisation's own figures as its DSL, in a
// real browser with axe-core at zero violations; and checks that the
// print layout, from which the browser makes a PDF, leaves out the
// navigation and the period form but keeps the charts and tables.
func TestBoardReport(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "partnership@demo.test")
	b.run(chromedp.Navigate(a.url + "/reports?from=2025-01-01&to=2026-12-31"))
	txt := b.text()
	for _, want := range []string{"Board report: online-safety concerns", "Concerns by risk area and nature",
		"Routes taken", "Decisions by the deadline", "Concerns per 1,000 children, by kind of organisation",
		"Self-audit", "Strategy action plan"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("the board report lacks %q:\n%.1500s", want, txt)
		}
	}
	b.checkAccessible("board report")
	b.screenshot("board-report")
	b.noHorizontalScroll("board report")

	var navShown, formShown bool
	var charts, tables int
	b.run(chromedp.ActionFunc(func(ctx context.Context) error {
		return emulation.SetEmulatedMedia().WithMedia("print").Do(ctx)
	}),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('nav')).display !== 'none'`, &navShown),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('form.report-period')).display !== 'none'`, &formShown),
		chromedp.Evaluate(`document.querySelectorAll('svg.chart').length`, &charts),
		chromedp.Evaluate(`[...document.querySelectorAll('.report-table table')].filter(t => getComputedStyle(t).display !== 'none').length`, &tables),
	)
	if navShown || formShown {
		t.Errorf("in print, navigation shown %v, period form shown %v; want neither", navShown, formShown)
	}
	if charts < 5 || tables < 8 {
		t.Errorf("in print, %d charts and %d tables; want the report's", charts, tables)
	}
	b.run(chromedp.ActionFunc(func(ctx context.Context) error {
		return emulation.SetEmulatedMedia().WithMedia("").Do(ctx)
	}))

	d := newBrowser(t)
	d.signIn(a.url, "dsl@demo.test")
	d.run(chromedp.Navigate(a.url + "/reports"))
	if txt := d.text(); !strings.Contains(txt, "Online-safety report for Riverside Academy") {
		t.Fatalf("the DSL's own report:\n%.800s", txt)
	}
	d.checkAccessible("an organisation's own report")
}
