package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestTeachingCoverage records, as Riverside Academy's online safety lead
// in the demo, that Year 8 was taught copyright, a gap of its coverage
// map, and sees the map change; then reads the parents' and access pages
// and the board report's prevention section as the partnership officer,
// with axe-core at zero on each.
func TestTeachingCoverage(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "manager@demo.test")
	b.run(chromedp.Navigate(a.url + "/teaching"))
	covered := regexp.MustCompile(`(\d+) of (\d+) year-group strands taught`)
	before := covered.FindStringSubmatch(b.text())
	if before == nil {
		t.Fatalf("no coverage map:\n%.1500s", b.text())
	}
	var gap string
	b.run(chromedp.Text(`//table[contains(@class,"coverage")]//tr[th[starts-with(normalize-space(.),"Year 8")]]/td[8]`, &gap,
		chromedp.BySearch))
	if strings.TrimSpace(gap) != "Not taught" {
		t.Fatalf("Year 8's copyright cell reads %q, want the demo's gap", gap)
	}
	b.checkAccessible("teaching coverage map")
	b.screenshot("teaching-coverage")

	b.run(chromedp.SetValue("#teaching-year-group", "8", chromedp.ByQuery),
		chromedp.SetValue("#teaching-strand", "copyright", chromedp.ByQuery))
	b.fill("#teaching-taught", "Copyright and fair use when making a video for homework")
	b.fill("#teaching-taught-by", "Computing, Ms Okafor")
	b.submit(`form[action="/teaching"] button[type=submit]`)
	if !strings.Contains(b.text(), "Recorded: Year 8, Copyright and ownership.") {
		t.Fatalf("after recording:\n%.1500s", b.text())
	}
	after := covered.FindStringSubmatch(b.text())
	if after == nil || after[1] == before[1] || after[2] != before[2] {
		t.Errorf("coverage went from %v to %v; want one more strand taught", before, after)
	}
	b.run(chromedp.Text(`//table[contains(@class,"coverage")]//tr[th[starts-with(normalize-space(.),"Year 8")]]/td[8]`, &gap,
		chromedp.BySearch))
	if !strings.HasPrefix(strings.TrimSpace(gap), "✓ Taught") {
		t.Errorf("Year 8's copyright cell reads %q after recording", gap)
	}

	// A refused entry says what is wrong, next to the field.
	b.run(chromedp.SetValue("#teaching-strand", "", chromedp.ByQuery))
	b.submit(`form[action="/teaching"] button[type=submit]`)
	if !strings.Contains(b.text(), "Strand of Education for a Connected World is required") {
		t.Errorf("a refused entry:\n%.1200s", b.text())
	}
	b.checkAccessible("teaching entry with a problem")

	b.run(chromedp.Navigate(a.url + "/parents"))
	if !strings.Contains(b.text(), "Online safety at the autumn parents' evening") {
		t.Errorf("the parents' page lacks the demo's parents' evening:\n%.1200s", b.text())
	}
	b.checkAccessible("parents and children's voice")
	b.screenshot("parents")
	b.run(chromedp.Navigate(a.url + "/internet-access"))
	if !strings.Contains(b.text(), "Sixth form") || !strings.Contains(b.text(), "No filter") {
		t.Errorf("the access record:\n%.1200s", b.text())
	}
	b.checkAccessible("internet access record")
	b.screenshot("internet-access")

	p := newBrowser(t)
	p.signIn(a.url, "partnership@demo.test")
	p.run(chromedp.Navigate(a.url + "/reports"))
	txt := p.text()
	for _, want := range []string{"Prevention by type of organisation", "Staff who agreed to the current staff agreement",
		"Parents and carers reached", "Teaching by strand and key stage", "Copyright and ownership"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("the board report lacks %q", want)
		}
	}
	p.checkAccessible("board report with prevention")
	p.run(chromedp.ScrollIntoView("#sec-prevention", chromedp.ByQuery))
	p.screenshot("board-prevention")
}
