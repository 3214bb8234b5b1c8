package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestAlertChoicesPage has the demo's DSL open the alerts page from the
// settings, find immediate alerts shown always on, turn the daily digest
// off and set the organisation's digest time, in a real browser, with axe
// finding nothing at desktop and phone widths.
func TestAlertChoicesPage(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "dsl@demo.test")
	b.run(chromedp.Navigate(a.url+"/account/settings"), chromedp.WaitVisible(`a[href="/account/alerts"]`, chromedp.ByQuery))
	b.next(chromedp.Click(`a[href="/account/alerts"]`, chromedp.ByQuery))
	b.run(chromedp.WaitVisible("#immediate", chromedp.ByQuery))
	var disabled, checked bool
	b.run(chromedp.Evaluate(`document.querySelector('#immediate').disabled`, &disabled),
		chromedp.Evaluate(`document.querySelector('#immediate').checked`, &checked))
	if !disabled || !checked {
		t.Errorf("immediate alerts: disabled %v, checked %v; want shown always on", disabled, checked)
	}
	b.checkAccessible("alerts page")
	b.screenshot("alert-choices")
	b.noHorizontalScroll("alerts page")

	b.run(chromedp.Click("#digest", chromedp.ByQuery))
	b.submit(`form[action="/account/alerts"] button[type=submit]`)
	b.run(chromedp.WaitVisible(".flash", chromedp.ByQuery))
	var digest bool
	b.run(chromedp.Evaluate(`document.querySelector('#digest').checked`, &digest))
	if digest {
		t.Error("the digest is still ticked after turning it off")
	}

	// A time that is not one comes back with the problem, linked to the
	// field, and axe still finds nothing.
	b.run(chromedp.SetValue("#digest_at", "teatime", chromedp.ByQuery))
	b.submit(`form[action="/account/alerts/organisation"] button[type=submit]`)
	b.run(chromedp.WaitVisible("#problems", chromedp.ByQuery))
	if !strings.Contains(b.text(), "must be a time of day as HH:MM") {
		t.Errorf("no problem shown for a bad time:\n%.1500s", b.text())
	}
	b.checkAccessible("alerts page with a problem")
	b.screenshot("alert-choices-problem")

	b.run(chromedp.SetValue("#digest_at", "08:15", chromedp.ByQuery))
	b.submit(`form[action="/account/alerts/organisation"] button[type=submit]`)
	b.run(chromedp.WaitVisible(".flash", chromedp.ByQuery))
	var at string
	b.run(chromedp.Value("#digest_at", &at, chromedp.ByQuery))
	if at != "08:15" {
		t.Errorf("digest time after saving %q, want 08:15", at)
	}
}
