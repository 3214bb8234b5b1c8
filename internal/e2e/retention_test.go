package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestRetentionPage has the demo's administrator open the page of what
// falls due for erasure in the next 90 days, from the navigation, and find
// the demo's child protection files and old register entries falling due,
// by kind and number only,
// in a real browser with axe finding nothing.
func TestRetentionPage(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "admin@demo.test")
	b.run(chromedp.Navigate(a.url+"/account/settings"), chromedp.WaitVisible(`a[href="/admin/retention"]`, chromedp.ByQuery))
	b.next(chromedp.Click(`a[href="/admin/retention"]`, chromedp.ByQuery))
	b.run(chromedp.WaitVisible(`a[href="/admin/retention.csv"]`, chromedp.ByQuery))
	txt := b.text()
	for _, want := range []string{"Falling due for erasure", "Concerns, with their notes", "Children's records", "Riverside Academy",
		"Monitoring captures", "Training record", "Teaching entry", "Contact with parents"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the page lacks %q:\n%.2000s", want, txt)
		}
	}
	if strings.Contains(txt, "images were taken down") || strings.Contains(txt, "RA-X00") {
		t.Errorf("the page shows a concern's words or a child's reference:\n%.2000s", txt)
	}
	b.checkAccessible("retention")
	b.screenshot("retention")
	b.noHorizontalScroll("retention")
}
