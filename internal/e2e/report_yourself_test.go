package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestReportEvidenceIsForTheReporter walks a cyberbullying report in
// Chromium. Its only immediate route is "keep the evidence", which the
// reporter does themselves: the confirmation says so first, under "Do this
// now yourself", then gives the lead's real first deadline, and never sends
// the reporter to find the lead in person.
func TestReportEvidenceIsForTheReporter(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "staff@demo.test")
	b.startReport(a.url, "12", "Children in her class post unkind messages about her in a group chat.")
	b.click(`input[name=type][value=cyberbullying]`)
	b.click(`input[name=role][value=victim]`)
	for range 3 {
		if strings.Contains(b.location(), "/done") {
			break
		}
		b.submit(`.actions button[value=next]`)
	}
	if !strings.Contains(b.location(), "/done") {
		t.Fatalf("not on the confirmation: %s\n%.800s", b.location(), b.text())
	}
	var h1 string
	b.run(chromedp.Text("main h1", &h1, chromedp.ByQuery))
	if h1 != "Your report is recorded" {
		t.Errorf("the confirmation's heading is %q", h1)
	}
	text := b.text()
	for _, want := range []string{"Do this now yourself", "Keep the evidence.", "has it now. The first step is due by"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, text)
		}
	}
	for _, never := range []string{"Find your safeguarding lead now", "in person now", "Due now"} {
		if strings.Contains(text, never) {
			t.Errorf("the confirmation of a cyberbullying report says %q:\n%s", never, text)
		}
	}
	if do, next := strings.Index(text, "Do this now yourself"), strings.Index(text, "The first step is due"); do > next {
		t.Error("what to do now yourself comes after the first deadline")
	}
	b.checkAccessible("report confirmation: evidence to keep")
	b.screenshot("report-evidence-done")
}
