package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/lifeguard-scp/lifeguard/internal/cli"
)

// school adds an organisation with a DSL and a member of staff to the
// running demo, through the operator's commands, so that a test has an
// inbox of its own. The DSL is not a demo account, whatever the ending of
// the address, so signs in with a second factor (signInWithFactor).
func (a *app) school(t *testing.T, name string) (dsl, staff string) {
	t.Helper()
	slug := fmt.Sprintf("%d", time.Now().UnixNano())
	run := func(stdin string, args ...string) string {
		var out, errb strings.Builder
		if code := cli.Run(context.Background(), append(args[:1:1], append([]string{args[1], "--data", a.data}, args[2:]...)...),
			strings.NewReader(stdin), &out, &errb); code != 0 {
			t.Fatalf("%v: %s", args, errb.String())
		}
		return out.String()
	}
	out := run("", "org", "add", "--name", name, "--setting", "school", "--internet")
	m := regexp.MustCompile(`Organisation (\d+) added`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("org add said %q", out)
	}
	dsl, staff = "dsl."+slug+"@demo.test", "staff."+slug+"@demo.test"
	run(demoPassword+"\n", "user", "add", "--email", dsl, "--name", "Lead of "+name, "--role", "dsl", "--org", m[1])
	run(demoPassword+"\n", "user", "add", "--email", staff, "--name", "Teacher at "+name, "--role", "staff", "--org", m[1])
	return dsl, staff
}

// signInWithFactor signs in as a user who is not a demo account and has
// no second factor yet, and sets one up on the page it leads to, as the
// user would with an authenticator app.
func (b *browser) signInWithFactor(base, email string) {
	b.t.Helper()
	b.signIn(base, email)
	if !strings.Contains(b.location(), "/account/second-factor") {
		b.t.Fatalf("signing in as %s led to %s, not the second-factor set-up", email, b.location())
	}
	var secret string
	b.run(chromedp.Text("#secret", &secret, chromedp.ByQuery))
	b.run(chromedp.SendKeys("#code", totp(strings.TrimSpace(secret), time.Now()), chromedp.ByQuery))
	b.submit("main button[type=submit]")
}

// decide records a decision on one route of the open concern page.
func (b *browser) decide(route, decision, reference string) {
	b.t.Helper()
	has := fmt.Sprintf(`:has(input[name=route][value=%q])`, route)
	form := "form" + has
	b.run(chromedp.Click(fmt.Sprintf(`details%s > summary`, has), chromedp.ByQuery),
		chromedp.Click(fmt.Sprintf(`%s input[name=decision][value=%q]`, form, decision), chromedp.ByQuery))
	if reference != "" {
		b.run(chromedp.SendKeys(fmt.Sprintf(`%s input[name=reference]`, form), reference, chromedp.ByQuery))
	}
	b.submit(fmt.Sprintf(`%s button[type=submit]`, form))
}

// decideByKeyboard records a decision on a route by keyboard alone: Tab to
// the route's "Record a decision", Enter to open it, arrow keys to choose,
// Tab to the button, Enter to send.
func (b *browser) decideByKeyboard(route, decision string) {
	b.t.Helper()
	has := fmt.Sprintf(`:has(input[name=route][value=%q])`, route)
	b.run(chromedp.Focus("main", chromedp.ByQuery))
	b.tabTo(fmt.Sprintf(`details%s > summary`, has))
	b.run(chromedp.KeyEvent(kb.Enter))
	b.tabTo(fmt.Sprintf(`form%s input[name=decision]`, has))
	b.run(chromedp.KeyEvent(" "))
	for range 4 {
		var ok bool
		b.run(chromedp.Evaluate(fmt.Sprintf(`document.querySelector('form%s input[name=decision][value=%q]').checked`, has, decision), &ok))
		if ok {
			break
		}
		b.run(chromedp.KeyEvent(kb.ArrowDown))
	}
	b.tabTo(fmt.Sprintf(`form%s button[type=submit]`, has))
	b.press(kb.Enter)
}

// TestReportToOutcome is the safeguarding lead's day: a member of staff
// reports a concern with images, the DSL sees it first in the inbox,
// records a referral done with its reference, accepts another route and
// closes the concern with an outcome. A DSL of another organisation cannot
// open it.
func TestReportToOutcome(t *testing.T) {
	a := startApp(t)
	dsl, staff := a.school(t, "Brookside Academy")

	sb := newBrowser(t)
	sb.signIn(a.url, staff)
	id := reportNudesByKeyboard(t, sb, a.url)
	concern := fmt.Sprintf("/concerns/%d", id)

	db := newBrowser(t)
	db.signInWithFactor(a.url, dsl)
	db.run(chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible("main", chromedp.ByQuery))
	var first, title string
	db.run(chromedp.AttributeValue(`main li.card a[href^="/concerns/"]`, "href", &first, nil, chromedp.ByQuery), chromedp.Title(&title))
	if first != concern {
		t.Errorf("the first concern in the inbox is %s, want the one just reported, %s", first, concern)
	}
	if !strings.Contains(title, "1 new") {
		t.Errorf("the inbox title %q does not count the new concern", title)
	}
	db.checkAccessible("inbox")
	db.screenshot("inbox")

	db.run(chromedp.Navigate(a.url+concern), chromedp.WaitVisible("#routes-heading", chromedp.ByQuery))
	text := db.text()
	for _, want := range []string{"Never upload, view or keep the images", "Report to the police on 101", "NUDES_MALICIOUS"} {
		if !strings.Contains(text, want) {
			t.Errorf("the concern page lacks %q", want)
		}
	}
	var files int
	db.run(chromedp.Evaluate(`document.querySelectorAll('input[type=file]').length`, &files))
	if files != 0 {
		t.Errorf("the concern page of an image concern has %d file inputs", files)
	}
	db.checkAccessible("concern page")
	db.screenshot("concern")

	db.run(chromedp.Navigate(a.url+concern+"/facts"), chromedp.WaitVisible("main form", chromedp.ByQuery))
	db.checkAccessible("change the facts")
	db.screenshot("facts")
	db.run(chromedp.Navigate(a.url+concern), chromedp.WaitVisible("#routes-heading", chromedp.ByQuery))

	db.decide("POLICE_101", "done", "POL-2026-04417")
	if !strings.Contains(db.text(), "POL-2026-04417") {
		t.Errorf("the referral's reference is not shown after recording it:\n%.2000s", db.text())
	}
	db.decideByKeyboard("NUDES_INITIAL_REVIEW", "accepted")
	if !strings.Contains(db.text(), "Accepted: it will be done") {
		t.Errorf("the decision made by keyboard is not shown")
	}
	db.checkAccessible("concern page after decisions")

	// Routes are still undecided: closing is refused with the list of them,
	// and the form keeps what was typed and asks for a reason.
	db.run(chromedp.Click(`input[name=code][value=referred_police]`, chromedp.ByQuery),
		chromedp.Click(`input[name=code][value=handled_in_setting]`, chromedp.ByQuery),
		chromedp.SendKeys(`#close-summary`, "Referred to the police; images removed through Report Remove; support in place.", chromedp.ByQuery))
	db.submit(`form[action$="/close"] button[type=submit]`)
	text = db.text()
	for _, want := range []string{"A reason for closing anyway is required while", "Not finished yet",
		"Route not decided: Tell parents or carers", "Reason for closing anyway"} {
		if !strings.Contains(text, want) {
			t.Errorf("the refused close lacks %q:\n%.3000s", want, text)
		}
	}
	db.checkAccessible("close refused")
	db.screenshot("concern-close-refused")

	db.run(chromedp.SendKeys(`#close-anyway`, "The police lead the response now; the school's remaining steps are in the police plan.", chromedp.ByQuery))
	db.submit(`form[action$="/close"] button[type=submit]`)
	text = db.text()
	for _, want := range []string{"Outcomes", "Referred to the police", "Handled within our organisation",
		"Referred to the police; images removed", "Closed with work left, because", "The police lead the response now"} {
		if !strings.Contains(text, want) {
			t.Errorf("the closed concern lacks %q:\n%.1500s", want, text)
		}
	}
	// Nothing is left to work on a closed concern; the one form it keeps is
	// the lead's legal hold, which matters most once a file is closed.
	var forms int
	db.run(chromedp.Evaluate(`[...document.querySelectorAll('main form')].filter(f => !f.action.match(/\/holds(\/\d+\/release)?$/)).length`, &forms))
	if forms != 0 {
		t.Errorf("a closed concern still shows %d forms besides the legal hold's", forms)
	}
	db.checkAccessible("closed concern")
	db.screenshot("concern-closed")

	// The member of staff who reported it sees it closed on "My reports",
	// and nothing of what the DSL decided or wrote.
	sb.run(chromedp.Navigate(a.url+"/"), chromedp.WaitVisible("main", chromedp.ByQuery))
	sb.next(chromedp.Click(`nav a[href="/my-reports"]`, chromedp.ByQuery))
	text = sb.text()
	if !strings.Contains(text, fmt.Sprintf("Concern %d", id)) || !strings.Contains(text, "Closed") {
		t.Errorf("My reports does not show the closed concern:\n%.1500s", text)
	}
	for _, secret := range []string{"police lead the response", "images removed through Report Remove", "POL-2026-04417"} {
		if strings.Contains(text, secret) {
			t.Errorf("My reports shows the DSL's %q", secret)
		}
	}
	sb.checkAccessible("my reports")
	sb.screenshot("my-reports")

	// Another organisation's DSL gets "not found", as for a concern that
	// does not exist.
	other := newBrowser(t)
	other.signIn(a.url, "dsl2@demo.test")
	other.run(chromedp.Navigate(a.url+concern), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(other.text(), "Page not found") {
		t.Errorf("a DSL of another organisation saw:\n%.500s", other.text())
	}
	other.checkAccessible("not found page")
}

// TestTransferAndReceipt sends a child's file from one school to another:
// the receiving DSL accepts it, and the sending side sees the receipt.
func TestTransferAndReceipt(t *testing.T) {
	a := startApp(t)
	dsl, staff := a.school(t, "Millbrook School")
	sb := newBrowser(t)
	sb.signIn(a.url, staff)
	id := reportNudesByKeyboard(t, sb, a.url)

	send := newBrowser(t)
	send.signInWithFactor(a.url, dsl)
	send.run(chromedp.Navigate(fmt.Sprintf("%s/concerns/%d", a.url, id)), chromedp.WaitVisible("main", chromedp.ByQuery))
	var child string
	send.run(chromedp.AttributeValue(`main a[href^="/children/"]`, "href", &child, nil, chromedp.ByQuery))
	send.run(chromedp.Navigate(a.url+child), chromedp.WaitVisible("#transfer-heading", chromedp.ByQuery))
	send.checkAccessible("child page")
	send.screenshot("child")
	// The receiving organisation is found by search (the page lists none
	// until asked), then chosen.
	send.run(chromedp.SendKeys("#transfer-q", "Riverside Academy", chromedp.ByQuery))
	send.submit(`form[aria-label="Find the receiving organisation"] button`)
	send.run(chromedp.Click(`input[name=to][value="1"]`, chromedp.ByQuery)) // Riverside Academy
	send.submit(`form[action$="/transfers"] button[type=submit]`)
	send.run(chromedp.Navigate(a.url+"/transfers"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(send.text(), "Pending") {
		t.Errorf("the sending side does not show the pending transfer:\n%.1000s", send.text())
	}

	recv := newBrowser(t)
	recv.signIn(a.url, "dsl@demo.test")
	recv.run(chromedp.Navigate(a.url+"/transfers"), chromedp.WaitVisible("main", chromedp.ByQuery))
	recv.checkAccessible("transfers page, incoming")
	recv.screenshot("transfers")
	// Accept by keyboard alone.
	recv.tabTo(`form[action$="/receive"] button[type=submit]`)
	recv.press(kb.Enter)
	if !strings.Contains(recv.location(), "/children/") {
		t.Errorf("accepting did not open the received child's record: %s", recv.location())
	}
	recv.checkAccessible("received child")

	send.run(chromedp.Navigate(a.url+"/transfers"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(send.text(), "Received on") {
		t.Errorf("the sending side does not show the receipt:\n%.1000s", send.text())
	}
}
