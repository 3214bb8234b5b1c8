package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// pickRadio chooses a radio button by keyboard: Tab into its group, Space to
// choose the first, arrow keys to move the choice to the one wanted.
func (b *browser) pickRadio(name, value string) {
	b.t.Helper()
	b.tabTo(fmt.Sprintf(`input[name=%q]`, name))
	b.run(chromedp.KeyEvent(" "))
	for range 12 {
		var ok bool
		b.run(chromedp.Evaluate(fmt.Sprintf(`document.querySelector('input[name=%q][value=%q]').checked`, name, value), &ok))
		if ok {
			return
		}
		b.run(chromedp.KeyEvent(kb.ArrowDown))
	}
	b.t.Fatalf("could not choose %s=%s with the arrow keys", name, value)
}

// tick ticks a checkbox by keyboard.
func (b *browser) tick(name, value string) {
	b.t.Helper()
	b.tabTo(fmt.Sprintf(`input[name=%q][value=%q]`, name, value))
	b.run(chromedp.KeyEvent(" "))
}

// fill types into a text field by keyboard.
func (b *browser) fill(selector, text string) {
	b.t.Helper()
	b.tabTo(selector)
	b.typeKeys(text)
}

// reportNudesByKeyboard records a nudes-sharing concern with images as a
// member of staff, by keyboard alone, checking every step with axe-core,
// and returns the concern's id from the confirmation page.
func reportNudesByKeyboard(t *testing.T, b *browser, base string) int64 {
	t.Helper()
	b.run(chromedp.Navigate(base+"/report"), chromedp.WaitVisible("main form", chromedp.ByQuery))
	b.checkAccessible("report step 1: danger")
	b.screenshot("report-1-danger")
	b.pickRadio("danger", "no")
	b.press(kb.Enter)

	b.checkAccessible("report step 2: the child")
	b.screenshot("report-2-child")
	b.pickRadio("child", "new")
	b.fill("#child-age", "14")
	b.press(kb.Enter)

	b.checkAccessible("report step 3: what happened")
	b.screenshot("report-3-what")
	b.fill("#description", "She said a boy in Year 10 has shared a photo she sent him with his friends.")
	// Enter in a text area starts a new line, so a keyboard user tabs on to
	// the Continue button.
	b.tabTo(".actions button[value=next]")
	b.press(kb.Enter)

	b.checkAccessible("report step 4: kinds of concern")
	b.screenshot("report-4-types")
	b.tick("type", "nudes_sharing")
	b.pickRadio("role", "victim")
	b.tick("party", "peer")
	b.pickRadio("harm", "no")
	b.press(kb.Enter)

	b.checkAccessible("report step 5: the images")
	b.screenshot("report-5-images")
	if !strings.Contains(b.text(), "never stores images") {
		t.Errorf("the images step does not say that Lifeguard never stores images:\n%s", b.text())
	}
	var files int
	b.run(chromedp.Evaluate(`document.querySelectorAll('input[type=file]').length`, &files))
	if files != 0 {
		t.Errorf("the report form has %d file inputs; it must have none", files)
	}
	b.tick("img", "involved")
	b.tick("img", "self_generated")
	b.tick("img", "malicious_sharing")
	b.press(kb.Enter)

	text := b.text()
	for _, want := range []string{"safeguarding lead", "Do not look at, copy"} {
		if !strings.Contains(text, want) {
			t.Errorf("the confirmation lacks %q:\n%s", want, text)
		}
	}
	b.checkAccessible("report confirmation")
	b.screenshot("report-6-done")
	m := regexp.MustCompile(`/report/(\d+)/done`).FindStringSubmatch(b.location())
	if m == nil {
		t.Fatalf("not on a confirmation page: %s", b.location())
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

func TestReportEmergencyShowsCall999First(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "staff@demo.test")
	b.run(chromedp.Navigate(a.url+"/report"), chromedp.WaitVisible("main form", chromedp.ByQuery),
		chromedp.Click(`input[name=danger][value=yes]`, chromedp.ByQuery))
	b.submit(`.actions button[value=next]`)
	var first string
	b.run(chromedp.Text("main > :first-child", &first, chromedp.ByQuery))
	if !strings.Contains(first, "Call 999 now") {
		t.Errorf("the first thing after 'immediate danger' is %q, want Call 999 now", first)
	}
	b.checkAccessible("report with the 999 banner")
	b.screenshot("report-999")
}

func TestStaffReportsByKeyboard(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "staff@demo.test")
	reportNudesByKeyboard(t, b, a.url)
}

func TestHelpPage(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.run(chromedp.Navigate(a.url+"/help"), chromedp.WaitVisible("main", chromedp.ByQuery))
	for _, want := range []string{"CEOP", "Childline", "Report Remove", "Internet Watch Foundation", "Report Harmful Content", "Report Fraud", "Professionals Online Safety Helpline", "NSPCC"} {
		if !strings.Contains(b.text(), want) {
			t.Errorf("the help page does not mention %s", want)
		}
	}
	b.checkAccessible("help page")
	b.screenshot("help")
}
