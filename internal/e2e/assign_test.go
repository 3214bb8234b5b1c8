package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard/internal/cli"
)

// TestRiskAndAssignment is a lead sharing the work with their deputy: a
// member of staff reports a concern, the lead opens it from the inbox,
// rates its risk high and assigns it to the deputy; the deputy finds it
// under "Assigned to me". Every page passes axe, at desktop and phone
// width.
func TestRiskAndAssignment(t *testing.T) {
	a := startApp(t)
	dsl, staff := a.school(t, "Oakfield High School")
	// The deputy of the same school, added as the operator would.
	deputy := "deputy." + fmt.Sprint(time.Now().UnixNano()) + "@demo.test"
	var out, errb strings.Builder
	org := ""
	if code := cli.Run(context.Background(), []string{"org", "list", "--data", a.data}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("org list: %s", errb.String())
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, "Oakfield High School") {
			org = strings.Fields(line)[0]
		}
	}
	if org == "" {
		t.Fatalf("org list does not show the school:\n%s", out.String())
	}
	out.Reset()
	if code := cli.Run(context.Background(), []string{"user", "add", "--data", a.data, "--email", deputy, "--name", "Oakfield Deputy",
		"--role", "dsl", "--deputy", "--org", org}, strings.NewReader(demoPassword+"\n"), &out, &errb); code != 0 ||
		!strings.Contains(out.String(), "dsl, deputy") {
		t.Fatalf("user add --deputy: %s %s", out.String(), errb.String())
	}

	sb := newBrowser(t)
	sb.signIn(a.url, staff)
	id := reportNudesByKeyboard(t, sb, a.url)
	concern := fmt.Sprintf("/concerns/%d", id)

	lead := newBrowser(t)
	lead.signInWithFactor(a.url, dsl)
	lead.run(chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if !strings.Contains(lead.text(), "Not yet opened") {
		t.Errorf("the new concern is not marked as not yet opened:\n%.1500s", lead.text())
	}
	lead.next(chromedp.Click(fmt.Sprintf(`main li.card a[href=%q]`, concern), chromedp.ByQuery))
	if !strings.Contains(lead.text(), "Risk and who works it") || !strings.Contains(lead.text(), "Nobody yet") {
		t.Fatalf("the concern page has no risk and assignment:\n%.1500s", lead.text())
	}

	lead.run(chromedp.Click(`input[name=risk_level][value=high]`, chromedp.ByQuery))
	lead.submit(`form[action$="/risk"] button[type=submit]`)
	if text := lead.text(); !strings.Contains(text, "The risk level is recorded: high risk.") || !strings.Contains(text, "High risk set by") {
		t.Errorf("the risk level is not shown after setting it:\n%.1500s", text)
	}
	var value string
	lead.run(chromedp.Evaluate(`[...document.querySelectorAll('#assigned-to option')].find(o => o.textContent.includes('Oakfield Deputy (deputy)')).value`, &value))
	if value == "" {
		t.Fatal("the deputy is not among the people the concern can be assigned to")
	}
	lead.run(chromedp.SetValue(`#assigned-to`, value, chromedp.ByQuery))
	lead.submit(`form[action$="/assignment"] button[type=submit]`)
	if text := lead.text(); !strings.Contains(text, "The concern is assigned to Oakfield Deputy (deputy).") ||
		!strings.Contains(text, "Oakfield Deputy (deputy) assigned by") {
		t.Errorf("the assignment is not shown after making it:\n%.1500s", text)
	}
	lead.checkAccessible("concern page with risk and assignment")
	lead.screenshot("concern-risk-assigned")

	dep := newBrowser(t)
	dep.signInWithFactor(a.url, deputy)
	dep.run(chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible("main", chromedp.ByQuery))
	dep.next(chromedp.Click(`nav.view-links a[href="/inbox?assigned=me"]`, chromedp.ByQuery))
	text := dep.text()
	if !strings.Contains(text, "Concerns assigned to you") || !strings.Contains(text, "Assigned to you") ||
		!strings.Contains(text, "High risk") {
		t.Errorf("the deputy's assigned concerns:\n%.1500s", text)
	}
	var first string
	dep.run(chromedp.AttributeValue(`main li.card a[href^="/concerns/"]`, "href", &first, nil, chromedp.ByQuery))
	if first != concern {
		t.Errorf("the deputy's first assigned concern is %s, want %s", first, concern)
	}
	dep.checkAccessible("inbox assigned to me")
	dep.screenshot("inbox-assigned-to-me")
}
