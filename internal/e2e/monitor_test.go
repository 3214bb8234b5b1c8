package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCaptureQueueInChromium: Riverside Academy's DSL works the demo's
// monitoring captures: the queue by severity with the match marked, a
// capture made a concern in one step, another marked a true positive with
// a note, and the monitoring settings refusing a bad site; each page
// checked with axe and photographed at desktop and phone widths.
func TestCaptureQueueInChromium(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "dsl@demo.test")
	b.run(chromedp.Navigate(a.url+"/monitor/captures"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	// The most severe first: the search for suicide (severity 4 or 5),
	// then the bullying (lower); the homework matched nothing and was not
	// kept, and the game's trash talk is already a false positive. (Other
	// tests of the package may have added captures of their own.)
	const first, second = "ul.records > li:nth-child(1)", `li[data-entry="bu-nobody-likes-you"]`
	text := b.text()
	suicide, bullying := strings.Index(text, "kill myself"), strings.Index(text, "nobody likes you")
	if suicide < 0 || bullying < 0 || suicide > bullying || strings.Contains(text, "water cycle") ||
		strings.Contains(text, "next round") {
		t.Fatalf("the queue:\n%.1500s", text)
	}
	// Each card names its category in words, not the library's code.
	var firstTitle, secondTitle string
	b.run(chromedp.Text(first+" h2", &firstTitle, chromedp.ByQuery), chromedp.Text(second+" h2", &secondTitle, chromedp.ByQuery))
	if !strings.Contains(firstTitle, "Suicide") && !strings.Contains(firstTitle, "Self-harm") || !strings.Contains(secondTitle, "Bullying") {
		t.Errorf("the cards' titles: %q, %q", firstTitle, secondTitle)
	}
	var marked string
	b.run(chromedp.Text(first+" mark", &marked, chromedp.ByQuery))
	if !strings.EqualFold(marked, "kill myself") {
		t.Errorf("the match marked is %q", marked)
	}
	b.checkAccessible("capture queue")
	b.screenshot("monitor-captures")

	// The bullying capture: a true positive, with a note.
	b.run(chromedp.SendKeys(second+` textarea[name=note]`, "Spoke to the class teacher.", chromedp.ByQuery))
	b.submit(second + ` button[value=true]`)
	if text := b.text(); !strings.Contains(text, "marked as a true positive") || strings.Contains(text, "nobody likes you") {
		t.Fatalf("after marking a true positive:\n%.1500s", text)
	}
	b.run(chromedp.Navigate(a.url+"/monitor/captures?verdict=true"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	if text := b.text(); !strings.Contains(text, "Spoke to the class teacher.") {
		t.Errorf("the true positives:\n%.1500s", text)
	}

	// The suicide search becomes a concern in one step.
	b.run(chromedp.Navigate(a.url+"/monitor/captures"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	b.submit(first + ` form[action$="/concern"] button`)
	if !strings.Contains(b.location(), "/concerns/") {
		t.Fatalf("recording a concern went to %s:\n%.1500s", b.location(), b.text())
	}
	if text := b.text(); !strings.Contains(text, "kill myself") || !strings.Contains(text, "Self-harm") {
		t.Errorf("the concern from the capture:\n%.2000s", text)
	}

	b.run(chromedp.Navigate(a.url+"/monitor/settings"), chromedp.WaitVisible("main h1", chromedp.ByQuery))
	b.checkAccessible("monitoring settings")
	b.screenshot("monitor-settings")
	b.run(chromedp.SendKeys("#excluded_sites", "childline.org.uk\nnot a site", chromedp.ByQuery))
	b.submit(`main form button[type=submit]`)
	if text := b.text(); !strings.Contains(text, "Sites never monitored: must be a host name") {
		t.Fatalf("a bad site:\n%.1500s", text)
	}
	b.checkAccessible("monitoring settings with a problem")
}
