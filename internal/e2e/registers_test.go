package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard/internal/cli"
)

// userIn adds a user of the role to the organisation of the manager's
// email, through the command line, and returns its email.
func (a *app) userIn(t *testing.T, org, role string) string {
	t.Helper()
	email := fmt.Sprintf("%s.%d@demo.test", role, time.Now().UnixNano())
	var out, errb strings.Builder
	if code := cli.Run(context.Background(), []string{"user", "add", "--data", a.data, "--email", email, "--name",
		"A " + role, "--role", role, "--org", org}, strings.NewReader(demoPassword+"\n"), &out, &errb); code != 0 {
		t.Fatalf("user add: %s", errb.String())
	}
	return email
}

// orgWithManager adds a school with a manager and returns the manager's
// email and the school's id.
func (a *app) orgWithManager(t *testing.T, name string) (string, string) {
	t.Helper()
	var out, errb strings.Builder
	if code := cli.Run(context.Background(), []string{"org", "add", "--data", a.data, "--name", name, "--setting", "school"},
		strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("org add: %s", errb.String())
	}
	m := regexp.MustCompile(`Organisation (\d+) added`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("org add said %q", out.String())
	}
	return a.userIn(t, m[1], "manager"), m[1]
}

// TestAcknowledgeAgreementAtSignIn publishes a staff agreement through the
// pages as a school's online safety lead, who is then asked for it at
// once, and signs in as a member of staff, who cannot reach any page until
// they have agreed, with axe-core at zero on the way.
func TestAcknowledgeAgreementAtSignIn(t *testing.T) {
	a := startApp(t)
	manager, org := a.orgWithManager(t, "Hillside Primary School")
	staff := a.userIn(t, org, "staff")

	b := newBrowser(t)
	b.signIn(a.url, manager)
	b.run(chromedp.Navigate(a.url + "/policies"))
	b.checkAccessible("policies, none yet")
	b.run(chromedp.SetValue("#policy-kind", "aup_staff", chromedp.ByQuery))
	b.fill("#policy-title", "Staff acceptable use agreement")
	b.submit(`form[action="/policies"] button[type=submit]`)
	if !strings.Contains(b.text(), "The policy is started") {
		t.Fatalf("starting the agreement:\n%.800s", b.text())
	}
	b.checkAccessible("a policy with no version")
	b.fill("#version-text", "I use the school's devices for school work. I keep my password to myself. I report any worry about a child to the safeguarding lead.")
	b.fill("#version-approved-by", "Governing board")
	b.submit(`form[action$="/versions"] button[type=submit]`)
	// The lead who published it owes it too.
	if !strings.Contains(b.location(), "/agreement") {
		t.Fatalf("the manager was not asked to agree: %s\n%.600s", b.location(), b.text())
	}
	b.submit(`form[action="/agreement"] button[type=submit]`)
	if !strings.Contains(b.text(), "Tick the box to say you have read the agreement") {
		t.Fatalf("agreeing without the tick:\n%.600s", b.text())
	}
	b.checkAccessible("the agreement with a problem")
	b.run(chromedp.Click("#agree", chromedp.ByQuery))
	b.submit(`form[action="/agreement"] button[type=submit]`)
	if !strings.Contains(b.text(), "Version 1 is added.") && !strings.Contains(b.text(), "your agreement is recorded") {
		t.Fatalf("after agreeing: %s\n%.600s", b.location(), b.text())
	}

	s := newBrowser(t)
	s.signIn(a.url, staff)
	if !strings.Contains(s.location(), "/agreement") {
		t.Fatalf("staff signed in to %s, not the agreement", s.location())
	}
	txt := s.text()
	if !strings.Contains(txt, "Staff acceptable use agreement") || !strings.Contains(txt, "I keep my password to myself") {
		t.Fatalf("the agreement page:\n%.800s", txt)
	}
	s.checkAccessible("the staff agreement at sign-in")
	s.screenshot("agreement-at-sign-in")
	for _, path := range []string{"/my-reports", "/plan", "/policies"} {
		s.run(chromedp.Navigate(a.url + path))
		if !strings.Contains(s.location(), "/agreement") {
			t.Errorf("%s opened before agreeing: %s", path, s.location())
		}
	}
	s.run(chromedp.Click("#agree", chromedp.ByQuery))
	s.submit(`form[action="/agreement"] button[type=submit]`)
	if !strings.Contains(s.text(), "your agreement is recorded") || !strings.Contains(s.location(), "/policies") {
		t.Fatalf("after agreeing: %s\n%.600s", s.location(), s.text())
	}
	s.run(chromedp.Navigate(a.url + "/my-reports"))
	if strings.Contains(s.location(), "/agreement") {
		t.Errorf("still asked after agreeing")
	}
}

// TestRecordClassAgreements records, as Riverside Academy's online safety
// lead in the demo, the pupils' agreements of children who have not yet
// agreed: a list with a tick each and the date.
func TestRecordClassAgreements(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "manager@demo.test")
	b.run(chromedp.Navigate(a.url + "/policies"))
	txt := b.text()
	if !strings.Contains(txt, "Model acceptable use agreement for key stage 2") || !strings.Contains(txt, "Review by") {
		t.Fatalf("the demo school's policies:\n%.1200s", txt)
	}
	b.checkAccessible("the school's policies")
	b.screenshot("policies")
	var href string
	b.run(chromedp.AttributeValue(`//a[contains(., "key stage 2")][starts-with(@href, "/policies/")]`, "href", &href, nil, chromedp.BySearch))
	b.run(chromedp.Navigate(a.url + href + "/agreements"))
	txt = b.text()
	if !strings.Contains(txt, "Not agreed yet") || !strings.Contains(txt, "Agreed") {
		t.Fatalf("the pupils' agreements:\n%.1200s", txt)
	}
	b.checkAccessible("who has agreed")
	var boxes []string
	b.run(chromedp.Evaluate(`[...document.querySelectorAll('input[name=child]')].slice(0, 2).map(e => e.id)`, &boxes))
	if len(boxes) != 2 {
		t.Fatalf("%d children to tick", len(boxes))
	}
	for _, id := range boxes {
		b.run(chromedp.Click("#"+id, chromedp.ByQuery))
	}
	b.screenshot("class-agreements")
	b.submit(`form[method=post][action$="/agreements"] button[type=submit]`)
	if !strings.Contains(b.text(), "2 agreements are recorded.") {
		t.Fatalf("after recording:\n%.800s", b.text())
	}
	for _, id := range boxes {
		var n int
		b.run(chromedp.Evaluate(fmt.Sprintf(`document.querySelectorAll('#%s').length`, id), &n))
		if n != 0 {
			t.Errorf("%s is still offered after it was recorded", id)
		}
	}
	b.checkAccessible("who has agreed, after recording")
}
