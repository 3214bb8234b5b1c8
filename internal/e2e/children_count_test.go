package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestChildrenCountPage has the demo's online safety lead (a manager) open
// the organisation's number of children from the settings, find the number
// the demo gave, be refused a number that is not one with the problem named,
// and save a new one, in a real browser with axe finding nothing.
func TestChildrenCountPage(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "manager@demo.test")
	b.run(chromedp.Navigate(a.url+"/account/settings"), chromedp.WaitVisible(`a[href="/account/organisation"]`, chromedp.ByQuery))
	b.next(chromedp.Click(`a[href="/account/organisation"]`, chromedp.ByQuery))
	b.run(chromedp.WaitVisible("#children_count", chromedp.ByQuery))
	var given string
	b.run(chromedp.Value("#children_count", &given, chromedp.ByQuery))
	if given != "1450" {
		t.Errorf("the number shown is %q, want the demo's 1450", given)
	}
	b.checkAccessible("number of children")
	b.screenshot("children-count")
	b.noHorizontalScroll("number of children")

	b.run(chromedp.SetValue("#children_count", "0", chromedp.ByQuery))
	b.submit(`form[action="/account/organisation"] button[type=submit]`)
	b.run(chromedp.WaitVisible("#problems", chromedp.ByQuery))
	if txt := b.text(); !strings.Contains(txt, "must be a whole number from 1 to 1,000,000") {
		t.Errorf("no problem shown for 0:\n%.1500s", txt)
	}
	b.checkAccessible("number of children with a problem")

	b.run(chromedp.SetValue("#children_count", "1,460", chromedp.ByQuery))
	b.submit(`form[action="/account/organisation"] button[type=submit]`)
	b.run(chromedp.WaitVisible(".flash", chromedp.ByQuery))
	b.run(chromedp.Value("#children_count", &given, chromedp.ByQuery))
	if given != "1460" {
		t.Errorf("after saving the number reads %q, want 1460", given)
	}
	// Put the demo's number back: the board report's tests read it.
	b.run(chromedp.SetValue("#children_count", "1450", chromedp.ByQuery))
	b.submit(`form[action="/account/organisation"] button[type=submit]`)
	b.run(chromedp.WaitVisible(".flash", chromedp.ByQuery))
}
