package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// TestRecordClassConsentsThenPhotoList records, as Riverside Academy's
// online safety lead in the demo, a class's consents on the class list
// (one child's website consent withdrawn), then opens the class's
// do-not-photograph list as a member of staff, who finds that child on
// it, on screen and as printed; axe-core at zero on every page.
func TestRecordClassConsentsThenPhotoList(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "manager@demo.test")
	b.run(chromedp.Navigate(a.url + "/consents/record"))
	b.checkAccessible("record consents, no class yet")
	var class string
	b.run(chromedp.Evaluate(`document.querySelector('#class optgroup[label="Registration groups"] option').value`, &class))
	if class == "" {
		t.Fatalf("no class to choose:\n%.800s", b.text())
	}
	b.run(chromedp.SetValue("#class", class, chromedp.ByQuery))
	b.submit(`form[method=get] button[type=submit]`)
	if !strings.Contains(b.text(), "Record consents: ") {
		t.Fatalf("the class list:\n%.800s", b.text())
	}
	b.checkAccessible("a class's consents")
	// The first child whose website consent is given has it withdrawn.
	var sel, name string
	b.run(chromedp.Evaluate(`(() => { for (const s of document.querySelectorAll('select[name$="-images_website"]')) {
		if (s.parentElement.querySelector('.consent-state').textContent.trim() === 'Given') { return s.id } } return '' })()`, &sel))
	if sel == "" {
		t.Fatalf("no child of %s with website consent", class)
	}
	b.run(chromedp.Evaluate(`document.getElementById('`+sel+`').closest('tr').querySelector('th').textContent.trim()`, &name))
	b.run(chromedp.SetValue("#"+sel, "withdrawn", chromedp.ByID))
	b.screenshot("consents-class-list")
	b.submit(`form[method=post][action="/consents/record"] button[type=submit]`)
	if !strings.Contains(b.text(), "1 consent is recorded.") {
		t.Fatalf("after recording:\n%.800s", b.text())
	}

	s := newBrowser(t)
	s.signIn(a.url, "staff@demo.test")
	s.run(chromedp.Navigate(a.url + "/consents"))
	s.checkAccessible("photographs and consents, no class yet")
	s.run(chromedp.SetValue("#class", class, chromedp.ByQuery))
	s.submit(`form[method=get] button[type=submit]`)
	txt := s.text()
	if !strings.Contains(txt, "Do not photograph: ") || !strings.Contains(txt, name) {
		t.Fatalf("%s is not on the do-not-photograph list:\n%.1200s", name, txt)
	}
	if strings.Contains(txt, "Record consents for") {
		t.Error("a member of staff is offered to record consents")
	}
	s.checkAccessible("a class's do-not-photograph list")
	s.noHorizontalScroll("the do-not-photograph list")
	s.screenshot("do-not-photograph")
	// On paper: the list without the navigation and the chooser.
	s.run(chromedp.ActionFunc(func(ctx context.Context) error {
		return emulation.SetEmulatedMedia().WithMedia("print").Do(ctx)
	}))
	var chooser, nav bool
	s.run(chromedp.Evaluate(`getComputedStyle(document.querySelector('form.no-print')).display !== 'none'`, &chooser),
		chromedp.Evaluate(`getComputedStyle(document.querySelector('.top')).display !== 'none'`, &nav))
	if chooser || nav {
		t.Errorf("printed, the list shows the chooser (%v) or the navigation (%v)", chooser, nav)
	}
	s.screenshot("do-not-photograph-print")
	s.run(chromedp.ActionFunc(func(ctx context.Context) error {
		return emulation.SetEmulatedMedia().WithMedia("").Do(ctx)
	}))
}

// TestTrainingMatrix records a course on the training page as the demo
// school's online safety lead and reads the matrix, with the share of
// staff in date; axe-core at zero.
func TestTrainingMatrix(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "manager@demo.test")
	b.run(chromedp.Navigate(a.url + "/training"))
	txt := b.text()
	for _, want := range []string{"staff are in date", "Overdue", "Due soon", "In date"} {
		if !strings.Contains(txt, want) {
			t.Fatalf("the demo's training matrix lacks %q:\n%.1500s", want, txt)
		}
	}
	b.checkAccessible("the training matrix")
	var person string
	b.run(chromedp.Evaluate(`document.querySelector('#training-person option[value]:not([value=""])').value`, &person))
	b.run(chromedp.SetValue("#training-person", person, chromedp.ByID),
		chromedp.SetValue("#training-type", "online_safety", chromedp.ByID))
	b.fill("#training-course", "Online safety: sharing images")
	b.fill("#training-provider", "Northshire Safeguarding Children Partnership")
	b.run(chromedp.SetValue("#training-completed", time.Now().AddDate(0, 0, -3).Format(time.DateOnly), chromedp.ByID))
	b.submit(`form[action="/training"] button[type=submit]`)
	if !strings.Contains(b.text(), "The training is recorded.") || !strings.Contains(b.text(), "Online safety: sharing images") {
		t.Fatalf("after recording:\n%.1200s", b.text())
	}
	b.checkAccessible("the training matrix after recording")
	b.screenshot("training-matrix")
}
