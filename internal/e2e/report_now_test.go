package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReportNowTellsReporterToFindDSL walks issue 13's concern in Chromium:
// a member of staff reports that a 14-year-old has arranged to meet an
// adult from a game on Saturday. The referral is due now, so the
// confirmation's first words tell them to find the safeguarding lead in
// person now, with Riverside Academy's safeguarding contact number, and
// never that the DSL "will review it by 17:00".
func TestReportNowTellsReporterToFindDSL(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "staff@demo.test")
	b.startReport(a.url, "14", "She has arranged to meet a man she plays a game with, on Saturday in town.")
	b.click(`input[name=type][value=grooming]`)
	b.click(`input[name=role][value=victim]`)
	b.click(`input[name=party][value=adult]`)
	b.submit(`.actions button[value=next]`)
	b.click(`input[name=detail][value=meeting_arranged]`)
	b.submit(`.actions button[value=next]`)

	if !strings.Contains(b.location(), "/done") {
		t.Fatalf("not on the confirmation: %s\n%.800s", b.location(), b.text())
	}
	var h1 string
	b.run(chromedp.Text("main h1", &h1, chromedp.ByQuery))
	if h1 != "Find your safeguarding lead now" {
		t.Errorf("the confirmation's heading is %q", h1)
	}
	text := b.text()
	for _, want := range []string{"in person now", "01632 960 100", "If a child is in immediate danger, call 999.",
		"Due now: Refer to children's social care", "Your report is recorded."} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "by 17:00") {
		t.Errorf("the confirmation promises a review by 17:00 for a concern due now:\n%s", text)
	}
	if now, rec := strings.Index(text, "in person now"), strings.Index(text, "Your report is recorded."); now > rec {
		t.Error("the confirmation comes before what to do now")
	}
	b.checkAccessible("report confirmation: due now")
	b.screenshot("report-now-done")
	m := regexp.MustCompile(`/report/(\d+)/done$`).FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("not on a confirmation page: %s", b.location())
	}
	concern := "/concerns/" + m[1]

	// The DSL sees it as due now, with its action, not overdue.
	d := newBrowser(t)
	d.signIn(a.url, "dsl@demo.test")
	d.run(chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible("main", chromedp.ByQuery))
	var entry string
	d.run(chromedp.Text(`//ol[contains(@class,"inbox")]/li[.//a[@href="`+concern+`"]]`, &entry, chromedp.BySearch))
	if !strings.Contains(entry, "Now") || strings.Contains(entry, "Overdue") || !strings.Contains(entry, "Phone children's social care now") {
		t.Errorf("the inbox's entry of the new concern:\n%s", entry)
	}
	d.checkAccessible("inbox with a concern due now")
	d.screenshot("inbox-now")
	d.run(chromedp.Navigate(a.url+concern), chromedp.WaitVisible("main", chromedp.ByQuery))
	var route string
	d.run(chromedp.Text(`article[aria-labelledby="route-CSC_REFERRAL"]`, &route, chromedp.ByQuery))
	if !strings.Contains(route, "Now") || strings.Contains(route, "Overdue") || !strings.Contains(route, "counts as on time until") {
		t.Errorf("the concern page's referral:\n%s", route)
	}
	d.checkAccessible("concern page with a route due now")
	d.screenshot("concern-now")
}
