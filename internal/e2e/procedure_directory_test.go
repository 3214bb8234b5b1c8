package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLocalProcedureOnPages: the partnership officer changes the close of
// business and the Front Door's contact on the local procedure page, sees
// what that does to the spec's scenarios before saving, saves it, and a
// concern reported afterwards records the version in its triage. The
// officer then puts the baseline's values back, so that the other tests of
// the shared demo see the baseline's deadlines. Every page passes axe.
func TestLocalProcedureOnPages(t *testing.T) {
	a := startApp(t)
	officer := newBrowser(t)
	officer.signIn(a.url, "partnership@demo.test")
	officer.run(chromedp.Navigate(a.url+"/directory/procedure"), chromedp.WaitVisible("#close", chromedp.ByQuery))
	officer.checkAccessible("local procedure form")
	officer.screenshot("procedure-directory")

	const name = "Riverside Safeguarding Children Partnership"
	const contact = "Riverside Front Door, 0100 000 0000, 8am to 6pm (out of hours 0100 000 0001)"
	// Each route is a <details>, closed until the partnership changes it.
	officer.run(chromedp.Click("#route-CSC_REFERRAL summary", chromedp.ByQuery),
		chromedp.WaitVisible("#route-CSC_REFERRAL-contact", chromedp.ByQuery))
	officer.run(
		chromedp.SetValue("#name", name, chromedp.ByQuery),
		chromedp.SetValue("#close", "15:00", chromedp.ByQuery),
		chromedp.SetValue("#route-CSC_REFERRAL-contact", contact, chromedp.ByQuery),
	)
	officer.submit(`form[action$="/preview"] button[type=submit]`)
	text := officer.text()
	for _, want := range []string{"Check the change before saving it", "CSC_REFERRAL: contact", "was 17:00", "working day closes at 15:00"} {
		if !strings.Contains(text, want) {
			t.Fatalf("the preview lacks %q:\n%.3000s", want, text)
		}
	}
	m := regexp.MustCompile(`Save version (\d+)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no save button:\n%.2000s", text)
	}
	officer.checkAccessible("local procedure preview")
	officer.screenshot("procedure-directory-preview")
	officer.run(chromedp.SendKeys("#summary", "Front Door hours; close at three", chromedp.ByQuery))
	officer.submit(`form[action="/directory/procedure"] button[type=submit]`)
	if want := "Saved as version " + m[1]; !strings.Contains(officer.text(), want) {
		t.Fatalf("saving said:\n%.1500s", officer.text())
	}
	officer.checkAccessible("local procedure saved")

	// A concern reported now is triaged under the version saved.
	dsl, staff := a.school(t, "Directory Academy")
	sb := newBrowser(t)
	sb.signIn(a.url, staff)
	id := reportNudesByKeyboard(t, sb, a.url)
	lead := newBrowser(t)
	lead.signInWithFactor(a.url, dsl)
	lead.run(chromedp.Navigate(fmt.Sprintf("%s/concerns/%d", a.url, id)), chromedp.WaitVisible("main", chromedp.ByQuery))
	if want := name + " directory v" + m[1]; !strings.Contains(lead.text(), want) {
		t.Errorf("the concern's triage does not record %q:\n%.2000s", want, lead.text())
	}

	// The old version stays readable; then the baseline's values go back.
	officer.run(chromedp.Navigate(fmt.Sprintf("%s/directory/procedure/versions/%s", a.url, m[1])), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(officer.text(), contact) {
		t.Errorf("version %s does not show the contact:\n%.1500s", m[1], officer.text())
	}
	officer.checkAccessible("local procedure version")
	officer.run(chromedp.Navigate(a.url+"/directory/procedure"), chromedp.WaitVisible("#close", chromedp.ByQuery),
		chromedp.Clear("#close", chromedp.ByQuery),
		chromedp.Clear("#route-CSC_REFERRAL-contact", chromedp.ByQuery))
	officer.submit(`form[action$="/preview"] button[type=submit]`)
	officer.run(chromedp.SendKeys("#summary", "Back to the baseline's close and contact", chromedp.ByQuery))
	officer.submit(`form[action="/directory/procedure"] button[type=submit]`)
	if !strings.Contains(officer.text(), "Saved as version") {
		t.Fatalf("putting the baseline back said:\n%.1500s", officer.text())
	}
}
