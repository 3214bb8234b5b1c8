package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLeadsOnPages: the manager changes the organisation's leads on the
// form (a bad email refused by name first), the partnership's directory of
// leads shows them, and the officer sees the leads of each receiving agency
// on the directory of referrals; every page passes axe at desktop and
// phone widths, and is photographed at both.
func TestLeadsOnPages(t *testing.T) {
	a := startApp(t)
	manager := newBrowser(t)
	manager.signIn(a.url, "manager@demo.test")
	manager.run(chromedp.Navigate(a.url+"/directory/leads"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	if !strings.Contains(manager.text(), "Riverside Academy") {
		t.Fatalf("the directory of leads lacks the manager's school:\n%.2000s", manager.text())
	}
	manager.checkAccessible("leads directory")
	manager.screenshot("leads-directory")

	var href string
	manager.run(chromedp.AttributeValue(`a[href^="/directory/leads/"]`, "href", &href, nil, chromedp.ByQuery))
	if !regexp.MustCompile(`^/directory/leads/\d+$`).MatchString(href) {
		t.Fatalf("no link to change the leads: %q", href)
	}
	manager.run(chromedp.Navigate(a.url+href), chromedp.WaitVisible("form button.primary", chromedp.ByQuery))
	manager.checkAccessible("leads form")
	manager.screenshot("leads-form")

	// The first blank lead is open to fill in.
	var open string
	manager.run(chromedp.Evaluate(`(() => { const d = [...document.querySelectorAll("details.lead-row")].find(d => d.open && !d.querySelector("input[name$='-name']").value); return d ? d.querySelector("input[name$='-name']").id : ""; })()`, &open))
	if open == "" {
		t.Fatal("no blank lead is open to fill in")
	}
	row := strings.TrimSuffix(open, "name")
	manager.run(
		chromedp.SetValue("#"+row+"kind", "online_safety", chromedp.ByQuery),
		chromedp.SendKeys("#"+row+"name", "Dana Whitfield", chromedp.ByQuery),
		chromedp.SendKeys("#"+row+"role", "Computing teacher", chromedp.ByQuery),
		chromedp.SendKeys("#"+row+"email", "dana at school", chromedp.ByQuery),
	)
	manager.submit(`form button.primary`)
	if text := manager.text(); !strings.Contains(text, "work email: must be a work email address") {
		t.Fatalf("the bad email was not refused by name:\n%.2000s", text)
	}
	manager.checkAccessible("leads form with a problem")
	manager.screenshot("leads-form-problem")
	manager.run(chromedp.Clear("#"+row+"email", chromedp.ByQuery), chromedp.SendKeys("#"+row+"email", "d.whitfield@riverside-academy.example", chromedp.ByQuery))
	manager.submit(`form button.primary`)
	if text := manager.text(); !strings.Contains(text, "Saved the leads of Riverside Academy") || !strings.Contains(text, "Dana Whitfield") {
		t.Fatalf("saving said:\n%.2000s", text)
	}
	manager.checkAccessible("leads saved")

	officer := newBrowser(t)
	officer.signIn(a.url, "partnership@demo.test")
	officer.run(chromedp.Navigate(a.url+"/referrals/directory"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	if text := officer.text(); !strings.Contains(text, "Its safeguarding and online-safety leads") || !strings.Contains(text, "Designated safeguarding lead") {
		t.Errorf("the directory of referrals shows no receiver's leads:\n%.2000s", text)
	}
	officer.checkAccessible("referral directory with leads")
	officer.screenshot("referral-directory-leads")
}
