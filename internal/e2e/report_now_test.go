package e2e

import (
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
	click := func(sel string) { b.run(chromedp.Click(sel, chromedp.ByQuery)) }
	b.run(chromedp.Navigate(a.url+"/report"), chromedp.WaitVisible("main form", chromedp.ByQuery))
	click(`input[name=danger][value=no]`)
	b.submit(`.actions button[value=next]`)
	click(`input[name=child][value=new]`)
	b.run(chromedp.SendKeys("#child-age", "14", chromedp.ByQuery))
	b.submit(`.actions button[value=next]`)
	b.run(chromedp.SendKeys("#description", "She has arranged to meet a man she plays a game with, on Saturday in town.", chromedp.ByQuery))
	b.submit(`.actions button[value=next]`)
	click(`input[name=type][value=grooming]`)
	click(`input[name=role][value=victim]`)
	click(`input[name=party][value=adult]`)
	b.submit(`.actions button[value=next]`)
	click(`input[name=detail][value=meeting_arranged]`)
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
}
