package e2e

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var bornShown = regexp.MustCompile(`born (\w{3} \d{1,2} \w{3} \d{4})`)

// TestPartnershipAccess has the partnership officer start a
// partnership-wide subject access request for a child of the demo school,
// typing the name and date of birth the requester gave; the school's DSL
// finds the request in the inbox's reminders (and among the data
// requests), checks the match and agrees;
// the officer then sees the school's part as agreed. Every page in a real
// browser with axe finding nothing, at desktop and phone widths.
func TestPartnershipAccess(t *testing.T) {
	a := startApp(t)
	dsl := newBrowser(t)
	dsl.signIn(a.url, "dsl@demo.test")
	// The requester's details: a child of the school's register.
	dsl.run(chromedp.Navigate(a.url+"/children?q="+url.QueryEscape("a")),
		chromedp.WaitVisible(`ul.found-children li`, chromedp.ByQuery))
	var name, by string
	dsl.run(chromedp.Text(`ul.found-children li .record-title a`, &name, chromedp.ByQuery),
		chromedp.Text(`ul.found-children li .by`, &by, chromedp.ByQuery))
	m := bornShown.FindStringSubmatch(by)
	if m == nil {
		t.Fatalf("the first child found, %q, shows no date of birth: %q", name, by)
	}
	born, err := time.Parse("Mon 2 Jan 2006", m[1])
	if err != nil {
		t.Fatal(err)
	}

	officer := newBrowser(t)
	officer.signIn(a.url, "partnership@demo.test")
	officer.next(chromedp.Click(`nav a[href="/partnership-access"]`, chromedp.ByQuery))
	officer.checkAccessible("partnership-access-list")
	officer.next(chromedp.Click(`main a[href="/partnership-access/new"]`, chromedp.ByQuery))
	officer.run(chromedp.SendKeys(`#child_name`, name, chromedp.ByQuery),
		chromedp.SetValue(`#born_on`, born.Format("2006-01-02"), chromedp.ByQuery),
		chromedp.Click(`#requester-parent`, chromedp.ByQuery),
		chromedp.SendKeys(`#requester_name`, "Mrs Requester", chromedp.ByQuery),
		chromedp.Click(`#verified-parental_responsibility`, chromedp.ByQuery))
	officer.checkAccessible("partnership-access-new")
	officer.screenshot("partnership-access-new")
	officer.submit(`form[action="/partnership-access"] button[type=submit]`)
	requestURL := officer.location()
	if txt := officer.text(); !strings.Contains(txt, "The request is recorded") || !strings.Contains(txt, "Riverside Academy") {
		t.Fatalf("the officer's request page:\n%.2000s", txt)
	}
	if txt := officer.text(); strings.Contains(txt, name) {
		t.Errorf("the officer's page shows the child's name %q", name)
	}
	officer.checkAccessible("partnership-access")

	// The DSL's inbox reminds them of the part to answer; the data
	// requests page lists it too.
	dsl.run(chromedp.Navigate(a.url+"/data-rights"), chromedp.WaitVisible(`#asks a`, chromedp.ByQuery))
	dsl.run(chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible(`.reminders a[href^="/partnership-access/parts/"]`, chromedp.ByQuery))
	dsl.checkAccessible("inbox-partnership-ask")
	var part string
	dsl.run(chromedp.AttributeValue(`.reminders a[href^="/partnership-access/parts/"]`, "href", &part, nil, chromedp.ByQuery))
	dsl.next(chromedp.Click(`.reminders a[href^="/partnership-access/parts/"]`, chromedp.ByQuery))
	if txt := dsl.text(); !strings.Contains(txt, name) || !strings.Contains(txt, "Asked") {
		t.Fatalf("the DSL's part does not show the child matched:\n%.1500s", txt)
	}
	dsl.checkAccessible("partnership-ask")
	dsl.screenshot("partnership-ask")
	dsl.submit(`#agree`)
	if txt := dsl.text(); !strings.Contains(txt, "You agreed") || !strings.Contains(txt, "Other people named") && !strings.Contains(txt, "Records held") {
		t.Errorf("after agreeing, the DSL's own request:\n%.1500s", txt)
	}

	// Answered, it leaves the inbox's reminders.
	dsl.run(chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
	var still bool
	dsl.run(chromedp.Evaluate(`!!document.querySelector('.reminders a[href="`+part+`"]')`, &still))
	if still {
		t.Errorf("the inbox still reminds the DSL of %s after they agreed", part)
	}

	officer.run(chromedp.Navigate(requestURL), chromedp.WaitVisible(`#parts`, chromedp.ByQuery))
	var row string
	officer.run(chromedp.Evaluate(`[...document.querySelectorAll("#parts tbody tr")].map(r => r.innerText).find(t => t.includes("Riverside Academy")) || ""`, &row))
	if !strings.Contains(row, "Agreed") {
		t.Errorf("the officer sees the school's part as %q, want agreed", row)
	}
	officer.checkAccessible("partnership-access-agreed")
	officer.screenshot("partnership-access-agreed")
}
