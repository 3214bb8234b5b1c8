package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard/internal/cli"
)

// registerSchool adds a school with a DSL and a member of staff, and imports
// the demo's MIS export (docs/examples/mis-export.csv) as its register.
func (a *app) registerSchool(t *testing.T, name string) (org, dsl, staff string) {
	t.Helper()
	dsl, staff = a.school(t, name)
	var out, errb strings.Builder
	if code := cli.Run(context.Background(), []string{"org", "list", "--data", a.data}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("org list: %s", errb.String())
	}
	for _, line := range strings.Split(out.String(), "\n") {
		if strings.Contains(line, name) {
			org = strings.Fields(line)[0]
		}
	}
	out.Reset()
	if code := cli.Run(context.Background(), []string{"children", "import", "--data", a.data, "--organisation", org,
		filepath.Join(repoRoot(t), "docs", "examples", "mis-export.csv")}, strings.NewReader(""), &out, &errb); code != 0 {
		t.Fatalf("children import: %s %s", out.String(), errb.String())
	}
	return org, dsl, staff
}

// waitText waits until the main content holds s.
func (b *browser) waitText(s string) string {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if text := b.text(); strings.Contains(text, s) {
			return text
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.t.Fatalf("the page never showed %q:\n%.1500s", s, b.text())
	return ""
}

// TestFindChildByTyping: a teacher reporting a concern types a few letters
// of a pupil's name and picks the pupil from the list that appears, with
// year group and date of birth; the concern is recorded about that pupil.
// A report about a "new" child with a pupil's name and date of birth comes
// back offering the pupil.
func TestFindChildByTyping(t *testing.T) {
	a := startApp(t)
	_, _, staff := a.registerSchool(t, fmt.Sprintf("Find Test School %d", time.Now().UnixNano()))
	b := newBrowser(t)
	b.signIn(a.url, staff)
	b.run(chromedp.Navigate(a.url+"/report"), chromedp.WaitVisible("#danger-no", chromedp.ByQuery),
		chromedp.Click("#danger-no", chromedp.ByQuery))
	b.submit(`main .actions button[value=next]`)
	b.run(chromedp.WaitVisible("#find", chromedp.ByQuery), chromedp.SendKeys("#find", "amara pud", chromedp.ByQuery))
	text := b.waitText("Amara Puddleby")
	if !strings.Contains(text, "Year 7") || !strings.Contains(text, "born") || !strings.Contains(text, "1 found") {
		t.Errorf("the child found lacks year group or date of birth:\n%.1500s", text)
	}
	b.checkAccessible("report form, child found by typing")
	b.screenshot("report-find-child")
	b.run(chromedp.Click(`main [data-found] input[type=radio]`, chromedp.ByQuery),
		chromedp.SendKeys("#child-age", "11", chromedp.ByQuery))
	b.submit(`main .actions button[value=next]`)
	if text := b.text(); !strings.Contains(text, "step 3 of 5") {
		t.Fatalf("the chosen child did not lead to step 3:\n%.1500s", text)
	}

	// A second report about "a child not yet recorded here", typed with
	// Amara's name and date of birth: on sending, the form comes back to the
	// child step and offers Amara, with what was typed kept.
	b.run(chromedp.Navigate(a.url+"/report"), chromedp.WaitVisible("#danger-no", chromedp.ByQuery),
		chromedp.Click("#danger-no", chromedp.ByQuery))
	b.submit(`main .actions button[value=next]`)
	b.run(chromedp.WaitVisible("#child-new", chromedp.ByQuery), chromedp.Click("#child-new", chromedp.ByQuery),
		chromedp.SendKeys("#child-forename", "Amara", chromedp.ByQuery),
		chromedp.SendKeys("#child-surname", "Puddleby", chromedp.ByQuery),
		chromedp.SetValue("#child-dob", "2015-01-07", chromedp.ByQuery))
	b.submit(`main .actions button[value=next]`)
	b.run(chromedp.WaitVisible("#description", chromedp.ByQuery),
		chromedp.SendKeys("#description", "She was sent a link to a private chat by someone she does not know.", chromedp.ByQuery))
	b.submit(`main .actions button[value=next]`)
	b.run(chromedp.WaitVisible("#type-grooming", chromedp.ByQuery), chromedp.Click("#type-grooming", chromedp.ByQuery))
	b.submit(`main .actions button[value=next]`)
	b.submit(`main .actions button[value=next]`)
	text = b.waitText("already recorded here")
	if !strings.Contains(text, "step 2 of 5") || !strings.Contains(text, "Amara Puddleby") || !strings.Contains(text, "This is a different child") {
		t.Errorf("the duplicate is not offered:\n%.2000s", text)
	}
	var surname string
	b.run(chromedp.Value("#child-surname", &surname, chromedp.ByQuery))
	if surname != "Puddleby" {
		t.Errorf("the surname typed is not kept: %q", surname)
	}
	b.checkAccessible("report form, duplicate child offered")
	b.screenshot("report-duplicate-offered")

	b.run(chromedp.Navigate(a.url+"/children?q=puddleby"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if text := b.text(); !strings.Contains(text, "Amara Puddleby") || !strings.Contains(text, "Orla Puddleby") {
		t.Errorf("the register's search without script:\n%.1500s", text)
	}
	b.checkAccessible("children search")
	b.screenshot("children-search")
}

// TestMergeTwoRecords: a pupil recorded twice (on the register, and again
// by a report under another reference) is merged by the DSL; the kept
// record's chronology holds the report, and the merge is listed.
func TestMergeTwoRecords(t *testing.T) {
	a := startApp(t)
	_, dsl, staff := a.registerSchool(t, fmt.Sprintf("Merge Test School %d", time.Now().UnixNano()))
	token := a.token(t, staff)
	body := `{"setting":"school","concern_types":["cyberbullying"],"child":{"age":12},"child_role":"victim",` +
		`"description":"Messages in a group chat calling her names."}`
	if code := apiCall(t, "POST", a.url+"/api/v1/concerns?child_ref=DUP-BERTIE", token, body, nil); code != 201 {
		t.Fatalf("recording the duplicate's concern: %d", code)
	}
	lead := newBrowser(t)
	lead.signInWithFactor(a.url, dsl)
	lead.run(chromedp.Navigate(a.url+"/children?q=bertie+thistle"), chromedp.WaitVisible("main", chromedp.ByQuery))
	lead.next(chromedp.Click(`main .found-children a`, chromedp.ByQuery))
	record := lead.location()
	lead.run(chromedp.SendKeys("#merge-q", "DUP-BERTIE", chromedp.ByQuery))
	lead.submit(`form[aria-label="Find the other record"] button`)
	lead.run(chromedp.Click(`input[name=other]`, chromedp.ByQuery), chromedp.Click("#merge-confirm", chromedp.ByQuery))
	lead.checkAccessible("child page, merge chosen")
	lead.submit(`form[action$="/merge"] button[type=submit]`)
	text := lead.text()
	if !strings.Contains(text, "is merged into this one: 1 concern and 0 transfers moved") || !strings.Contains(text, "Records merged into this one") ||
		!strings.Contains(text, "Concern reported: Cyberbullying") {
		t.Errorf("after the merge:\n%.2500s", text)
	}
	if lead.location() != record {
		t.Errorf("after the merge the DSL is on %s, not the kept record %s", lead.location(), record)
	}
	lead.checkAccessible("child page after a merge")
	lead.screenshot("child-merged")

	// The chronology prints with the child's name on the page, and its
	// page boxes carry the name and page numbers.
	lead.run(chromedp.Navigate(record+"/print"), chromedp.WaitVisible("main", chromedp.ByQuery))
	if text := lead.text(); !strings.Contains(text, "Chronology: Bertie Thistlewood") || !strings.Contains(text, "Printed") {
		t.Errorf("the printable chronology:\n%.1500s", text)
	}
	var css string
	lead.run(chromedp.Evaluate(`fetch(document.querySelector('link[media=print]').href).then(r => r.text())`, &css,
		func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if !strings.Contains(css, `counter(pages)`) || !strings.Contains(css, "Thistlewood") {
		t.Errorf("the print page boxes: %s", css)
	}
	lead.checkAccessible("printable chronology")
}

// TestReceiveTransferOntoPupil: a pupil moves between two schools that both
// hold them on their registers; the receiving DSL sees the pupil on roll
// the file matches, accepts it onto that record, and the chronology joins.
func TestReceiveTransferOntoPupil(t *testing.T) {
	a := startApp(t)
	slug := time.Now().UnixNano()
	_, dslFrom, staffFrom := a.registerSchool(t, fmt.Sprintf("Sending School %d", slug))
	toName := fmt.Sprintf("Receiving School %d", slug)
	_, dslTo, _ := a.registerSchool(t, toName)

	token := a.token(t, staffFrom)
	body := `{"setting":"school","concern_types":["gambling"],"child":{"age":13},"child_role":"victim",` +
		`"description":"Spending lunch money on loot boxes."}`
	var created struct {
		ChildID int64 `json:"child_id"`
	}
	if code := apiCall(t, "POST", a.url+"/api/v1/concerns", token, body, &created); code != 201 {
		t.Fatalf("recording the concern: %d", code)
	}
	from := newBrowser(t)
	from.signInWithFactor(a.url, dslFrom)
	// The concern's child is merged into the pupil on the register, so the
	// file the sender sends carries the pupil's name and UPN.
	from.run(chromedp.Navigate(a.url+"/children?q=clemmie+marchbank"), chromedp.WaitVisible("main", chromedp.ByQuery))
	from.next(chromedp.Click(`main .found-children a`, chromedp.ByQuery))
	pupil := from.location()
	from.run(chromedp.Navigate(fmt.Sprintf("%s?merge_q=C-%06d", pupil, created.ChildID)), chromedp.WaitVisible("main", chromedp.ByQuery),
		chromedp.Click(`input[name=other]`, chromedp.ByQuery), chromedp.Click("#merge-confirm", chromedp.ByQuery))
	from.submit(`form[action$="/merge"] button[type=submit]`)
	from.run(chromedp.SendKeys("#transfer-q", "receiving school "+fmt.Sprint(slug), chromedp.ByQuery))
	from.submit(`form[aria-label="Find the receiving organisation"] button`)
	from.checkAccessible("child page, receiving organisation found")
	from.run(chromedp.Click(`input[name=to]`, chromedp.ByQuery))
	from.submit(`form[action$="/transfers"] button[type=submit]`)
	if text := from.text(); !strings.Contains(text, "is sent to "+toName) {
		t.Fatalf("sending the file:\n%.1500s", text)
	}

	to := newBrowser(t)
	to.signInWithFactor(a.url, dslTo)
	to.run(chromedp.Navigate(a.url+"/transfers"), chromedp.WaitVisible("main", chromedp.ByQuery))
	text := to.text()
	if !strings.Contains(text, "The sender records the child as Clemmie Marchbank") || !strings.Contains(text, "already on your roll") {
		t.Fatalf("the receiving DSL does not see the pupil on roll:\n%.2000s", text)
	}
	to.checkAccessible("transfers with a pupil on roll")
	to.screenshot("transfer-onto-pupil")
	to.submit(`main form[action$="/receive"] button[type=submit]`)
	text = to.text()
	if !strings.Contains(text, "Clemmie Marchbank") || !strings.Contains(text, "Concern reported: Gambling") ||
		!strings.Contains(text, "File received by "+toName) {
		t.Errorf("the pupil's record after receipt:\n%.2500s", text)
	}
	if m := regexp.MustCompile(`Reference\s+(\S+)`).FindStringSubmatch(text); m == nil || strings.Contains(m[1], "-T") {
		t.Errorf("the file went to a new record, not the pupil on roll:\n%.800s", text)
	}
	to.checkAccessible("pupil's record with the received file")
}

// apiCall calls the API with a token and decodes the answer into out.
func apiCall(t *testing.T, method, url, token, body string, out any) int {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			t.Fatal(err)
		}
	}
	return res.StatusCode
}
