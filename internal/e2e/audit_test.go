package e2e

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/cli"
	"github.com/lifeguard-scp/lifeguard/internal/framework"
)

// manager adds a school that gives internet access, with an online safety
// lead (the manager role), to the running demo.
func (a *app) manager(t *testing.T, name string) string {
	t.Helper()
	var out, errb strings.Builder
	if code := cli.Run(context.Background(), []string{"org", "add", "--data", a.data, "--name", name, "--setting", "school",
		"--internet"}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("org add: %s", errb.String())
	}
	m := regexp.MustCompile(`Organisation (\d+) added`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("org add said %q", out.String())
	}
	email := fmt.Sprintf("manager.%d@demo.test", time.Now().UnixNano())
	errb.Reset()
	if code := cli.Run(context.Background(), []string{"user", "add", "--data", a.data, "--email", email, "--name",
		"Online safety lead of " + name, "--role", "manager", "--org", m[1]}, strings.NewReader(demoPassword+"\n"),
		&out, &errb); code != 0 {
		t.Fatalf("user add: %s", errb.String())
	}
	return email
}

// TestCompleteAnAudit is an online safety lead's audit, through the pages
// in a real browser: start it, answer each strand (once with a mistake the
// page explains), complete it, and see it beside the demo's, with axe-core
// at zero violations on every page on the way. The partnership officer
// then reads the overview and the action plan.
func TestCompleteAnAudit(t *testing.T) {
	a := startApp(t)
	fw, err := framework.Baseline()
	if err != nil {
		t.Fatal(err)
	}
	email := a.manager(t, "Brookside High School")
	b := newBrowser(t)
	b.signIn(a.url, email)
	b.run(chromedp.Navigate(a.url + "/audits"))
	if !strings.Contains(b.text(), "No audit yet") {
		t.Fatalf("a new school's audits page:\n%s", b.text())
	}
	b.checkAccessible("audits, none yet")
	b.submit(`form[action="/audits"] button[type=submit]`)
	if !strings.Contains(b.text(), "0 of 28 aspects rated") {
		t.Fatalf("the new audit:\n%.600s", b.text())
	}
	b.checkAccessible("audit overview")
	base := strings.TrimSuffix(b.location(), "/")

	// Level 3 without evidence: the page says what to change and keeps the rest.
	b.run(chromedp.Navigate(base + "/strands/L"))
	b.run(chromedp.Click("#L1-level-3", chromedp.ByQuery))
	b.fill("#L1-comment", "The deputy head leads.")
	b.submit(`button[name=next]`)
	if txt := b.text(); !strings.Contains(txt, "L1: evidence is required at level 3") {
		t.Fatalf("no problem shown:\n%.800s", txt)
	}
	var kept string
	b.run(chromedp.Value("#L1-comment", &kept, chromedp.ByQuery))
	if kept != "The deputy head leads." {
		t.Errorf("the comment was not kept: %q", kept)
	}
	b.checkAccessible("audit strand with a problem")

	// Every strand: L at 3 with evidence, the others at 2 but E3 at 4.
	for i, s := range fw.Strands {
		if i > 0 {
			b.run(chromedp.Navigate(base + "/strands/" + s.Code))
		}
		for _, asp := range s.Aspects {
			l := lifeguard.Level(2)
			switch {
			case s.Code == "L":
				l = 3
			case asp.ID == "E3":
				l = 4
			}
			b.run(chromedp.Click(fmt.Sprintf("#%s-level-%d", asp.ID, l), chromedp.ByQuery))
			if l.NeedsEvidence() {
				b.fill("#"+asp.ID+"-evidence", "Policy signed off on 2026-09-14")
			}
		}
		if i == 1 {
			b.checkAccessible("audit strand filled in")
			b.screenshot("audit-strand")
		}
		b.submit(`form[method=post] .actions button:last-child`)
		if !strings.Contains(b.text(), s.Title+": saved.") {
			t.Fatalf("strand %s not saved:\n%.600s", s.Code, b.text())
		}
	}
	if !strings.Contains(b.text(), "28 of 28 aspects rated") {
		t.Fatalf("after every strand:\n%.600s", b.text())
	}
	b.submit(`form[action$="/complete"] button[type=submit]`)
	txt := b.text()
	// T (7), E but E3 (7) and I (3) at level 2: seventeen actions.
	for _, want := range []string{"The audit is completed. 17 improvement actions are added.", "Audits side by side",
		"3 Established", "2 Developing", "4 Embedded"} {
		if !strings.Contains(txt, want) {
			t.Errorf("the organisation's page lacks %q", want)
		}
	}
	b.checkAccessible("audits side by side")
	b.screenshot("audits-side-by-side")

	// The partnership officer: the overview, the school's audit, the plan.
	p := newBrowser(t)
	p.signIn(a.url, "partnership@demo.test")
	p.run(chromedp.Navigate(a.url + "/audits"))
	if txt := p.text(); !strings.Contains(txt, "Brookside High School") || !strings.Contains(txt, "Riverside Academy") {
		t.Errorf("the overview:\n%.800s", txt)
	}
	p.checkAccessible("audit overview for the partnership")
	p.run(chromedp.Navigate(base + "/strands/L"))
	if txt := p.text(); strings.Contains(txt, "Policy signed off") || !strings.Contains(txt, "Level 3") {
		t.Errorf("the partnership's view of a strand:\n%.800s", txt)
	}
	p.run(chromedp.Navigate(a.url + "/plan"))
	if txt := p.text(); !strings.Contains(txt, "Escalated to the board") || !strings.Contains(txt, "Prosecution and diversion") {
		t.Errorf("the plan:\n%.800s", txt)
	}
	p.checkAccessible("action plan")
	p.screenshot("action-plan")
	p.run(chromedp.Click(`section[aria-labelledby="escalated-heading"] a`, chromedp.ByQuery))
	p.run(chromedp.WaitVisible(`#notes-heading`, chromedp.ByQuery))
	if txt := p.text(); !strings.Contains(txt, "Escalated to the board") || !strings.Contains(txt, "Change the action") {
		t.Errorf("the escalated action:\n%.800s", txt)
	}
	p.checkAccessible("plan action")
	p.run(chromedp.Click(`p.step-count a`, chromedp.ByQuery))
	p.run(chromedp.WaitVisible(`#actions-heading`, chromedp.ByQuery))
	p.checkAccessible("plan objective")
}
