package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestDataRequests has the demo school's DSL record two requests about
// personal data (issue 19 item 4), as a person would: a parent asks to
// correct their child's preferred name, which the DSL makes, and the
// register then shows; the parent asks to erase a concern about the
// child, which a safeguarding record cannot be, so the DSL refuses and the
// letter states the lawful basis. In a real browser with axe finding
// nothing.
func TestDataRequests(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "dsl@demo.test")
	// A child of the register, and a concern from its chronology.
	b.run(chromedp.Navigate(a.url+"/children?q=y9"), chromedp.WaitVisible(`ul.found-children li .record-title a`, chromedp.ByQuery))
	b.next(chromedp.Click(`ul.found-children li .record-title a`, chromedp.ByQuery))
	childURL := strings.TrimPrefix(b.location(), a.url)
	childID := childURL[strings.LastIndex(childURL, "/")+1:]
	var concern string
	b.run(chromedp.AttributeValue(`.chronology a[href^="/concerns/"]`, "href", &concern, nil, chromedp.ByQuery))
	concernID := concern[strings.LastIndex(concern, "/")+1:]

	record := func(target, id string, fill ...chromedp.Action) {
		t.Helper()
		b.run(chromedp.Navigate(a.url+"/data-requests/new"), chromedp.WaitVisible(`#target-`+target, chromedp.ByQuery))
		b.run(chromedp.Click(`#target-`+target, chromedp.ByQuery), chromedp.SendKeys(`#record`, id, chromedp.ByQuery),
			chromedp.Click(`#requester-parent`, chromedp.ByQuery), chromedp.SendKeys(`#requester_name`, "Mrs Requester", chromedp.ByQuery))
		b.run(fill...)
	}

	// A correction, made.
	record(`rectify\/child_identity`, childID, chromedp.SetValue(`#field`, "preferred_forename", chromedp.ByQuery),
		chromedp.SendKeys(`#value`, "Jojo", chromedp.ByQuery),
		chromedp.SendKeys(`#reason`, "Everyone calls her Jojo.", chromedp.ByQuery))
	b.checkAccessible("data-request-new")
	b.submit(`form[action="/data-requests"] button[type=submit]`)
	if txt := b.text(); !strings.Contains(txt, "Jojo") || !strings.Contains(txt, "Your decision") {
		t.Fatalf("the correction request's page:\n%.1500s", txt)
	}
	b.checkAccessible("data-request")
	b.run(chromedp.Click(`#outcome-applied`, chromedp.ByQuery),
		chromedp.SendKeys(`#reason`, "The school calls her by this name.", chromedp.ByQuery))
	b.submit(`form[action$="/decision"] button[type=submit]`)
	b.run(chromedp.Navigate(a.url+childURL), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
	if txt := b.text(); !strings.Contains(txt, "Jojo") {
		t.Errorf("after the correction the child's record does not show the name asked for:\n%.1000s", txt)
	}

	// An erasure of a safeguarding record, refused with the basis.
	record(`erase\/concern`, concernID, chromedp.SendKeys(`#reason`, "I want it removed.", chromedp.ByQuery))
	b.submit(`form[action="/data-requests"] button[type=submit]`)
	if txt := b.text(); !strings.Contains(txt, "kept by law") {
		t.Fatalf("the erasure request's page does not say safeguarding records are kept:\n%.1500s", txt)
	}
	b.run(chromedp.Click(`#outcome-refused`, chromedp.ByQuery),
		chromedp.SendKeys(`#reason`, "The concern is a safeguarding record.", chromedp.ByQuery))
	b.submit(`form[action$="/decision"] button[type=submit]`)
	if txt := b.text(); !strings.Contains(txt, "Lawful basis") {
		t.Errorf("the refused request does not state the lawful basis:\n%.1500s", txt)
	}
	b.screenshot("data-request-refused")
	b.next(chromedp.Click(`a[href$="/letter"]`, chromedp.ByQuery))
	if txt := b.text(); !strings.Contains(txt, "Mrs Requester") {
		t.Errorf("the letter is not addressed to the person who asked:\n%.1500s", txt)
	}
	b.checkAccessible("data-request-letter")
	// The concern is still there.
	b.run(chromedp.Navigate(a.url+concern), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
	if txt := b.text(); strings.Contains(txt, "not found") || strings.Contains(txt, "no such") {
		t.Errorf("the concern is gone after a refused erasure:\n%.800s", txt)
	}
}
