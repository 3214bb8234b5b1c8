package e2e

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestSubjectAccess has the demo's DSL find the demo's request falling due,
// start a subject access request for the same child from the register,
// mark a name to redact, and open the printable copy, in which the name is
// redacted: every page in a real browser with axe finding nothing, at
// desktop and phone widths.
func TestSubjectAccess(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "dsl@demo.test")
	b.run(chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible(`.nav-wide a[href="/registers"]`, chromedp.ByQuery))
	if txt := b.text(); !strings.Contains(txt, "Subject access request") {
		t.Errorf("the inbox does not remind of the demo's request falling due:\n%.1500s", txt)
	}
	// Data requests is on the navigation's hub page, Registers.
	b.next(chromedp.Click(`.nav-wide a[href="/registers"]`, chromedp.ByQuery))
	b.next(chromedp.Click(`main a[href="/data-rights"]`, chromedp.ByQuery))
	if txt := b.text(); !strings.Contains(txt, "Due soon") || !strings.Contains(txt, "A parent or carer") {
		t.Fatalf("the list lacks the demo's request falling due:\n%.1500s", txt)
	}
	b.checkAccessible("data-rights")
	b.screenshot("data-rights")

	// The demo's request names the child; a new request finds them in the register.
	b.next(chromedp.Click(`table a[href^="/subject-access/"]`, chromedp.ByQuery))
	var person string
	b.run(chromedp.Text(`dl.facts dd`, &person, chromedp.ByQuery))
	b.run(chromedp.Navigate(a.url+"/subject-access/new?subject=child&q="+url.QueryEscape(person)),
		chromedp.WaitVisible(`input[name=child_id]`, chromedp.ByQuery))
	b.checkAccessible("subject-access-new")
	b.run(chromedp.Click(`input[name=child_id]`, chromedp.ByQuery),
		chromedp.Click(`#requester-self`, chromedp.ByQuery),
		chromedp.SendKeys(`#requester_name`, person, chromedp.ByQuery),
		chromedp.Click(`#verified-known_in_person`, chromedp.ByQuery))
	b.submit(`form[action="/subject-access"] button[type=submit]`)
	if txt := b.text(); !strings.Contains(txt, "The request is recorded") || !strings.Contains(txt, "Other people named") {
		t.Fatalf("the new request's page:\n%.2000s", txt)
	}

	var named string
	b.run(chromedp.Text(`#names ~ form tbody td`, &named, chromedp.ByQuery))
	b.run(chromedp.Click(`#m0-redact`, chromedp.ByQuery))
	b.submit(`form[action$="/redactions"] button[type=submit]`)
	if txt := b.text(); !strings.Contains(txt, "Your choices are saved") {
		t.Fatalf("the choices were not saved:\n%.1500s", txt)
	}
	var checked bool
	b.run(chromedp.Evaluate(`document.querySelector("#m0-redact").checked`, &checked))
	if !checked {
		t.Error("the redaction chosen is not shown as chosen")
	}
	b.checkAccessible("subject-access")
	b.screenshot("subject-access")

	b.next(chromedp.Click(`a[href$="/print"]`, chromedp.ByQuery))
	txt := b.text()
	if !strings.Contains(txt, "Records held about "+person) || !strings.Contains(txt, "[redacted]") {
		t.Errorf("the printable copy of %q:\n%.600s", person, txt)
	}
	if named != "" && strings.Contains(txt, named) {
		t.Errorf("the printable copy still names %q", named)
	}
	b.checkAccessible("subject-access-print")
	b.screenshot("subject-access-print")
}
