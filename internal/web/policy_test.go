package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// staffAgreement makes, through the pages as the manager, school A's staff
// agreement with one version, and returns its page and the version's id.
func staffAgreement(t *testing.T, f *auditFixture) (string, int64) {
	t.Helper()
	p := f.post("manager", "/policies", url.Values{"kind": {"aup_staff"}, "title": {"Staff acceptable use"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("start policy: %d %s", p.status, pageTitle(p.body))
	}
	pol := p.location
	p = f.post("manager", pol+"/versions", url.Values{"text": {"I keep my password to myself."},
		"approved_by": {"Governing board"}, "approved_on": {"2026-09-01"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("add version: %d %s", p.status, pageTitle(p.body))
	}
	// The manager who published it owes it too: the next page asks.
	if p := f.get("manager", pol); !strings.HasPrefix(p.location, "/agreement") {
		t.Fatalf("the manager does not owe the new version: %d %q", p.status, p.location)
	}
	pl, err := f.db.Policy(f.ctx("manager"), v1Policy(t, pol))
	if err != nil {
		t.Fatal(err)
	}
	v := pl.Versions[len(pl.Versions)-1].ID
	if _, err := f.db.Acknowledge(f.ctx("manager"), v); err != nil {
		t.Fatal(err)
	}
	p = f.get("manager", pol)
	mustContain(t, p, "Version 1 is added.", "Staff will be asked to agree")
	return pol, v
}

// TestStaffAgreementCannotBeSkipped publishes a staff agreement and then
// tries, as a member of staff who owes it, every way round the page: other
// pages, forms, the agreement posted without its tick, with another
// version, with an old version, and a next that leaves the site. Only
// reporting a concern goes through; everything else ends at the agreement.
func TestStaffAgreementCannotBeSkipped(t *testing.T) {
	f := newAuditFixture(t)
	pol, v1 := staffAgreement(t, f)

	for _, path := range []string{"/my-reports", "/plan", "/policies", pol, "/account/settings", "/audits", "/plan.csv"} {
		p := f.get("staff", path)
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/agreement") {
			t.Errorf("GET %s while owing: %d to %q", path, p.status, p.location)
		}
	}
	for _, path := range []string{"/account/settings", "/policies", pol + "/agreements"} {
		p := f.post("staff", path, url.Values{"name": {"x"}})
		if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/agreement") {
			t.Errorf("POST %s while owing: %d to %q", path, p.status, p.location)
		}
	}
	// The DSL owes it too; the inbox waits.
	if p := f.get("dsl", "/inbox"); !strings.HasPrefix(p.location, "/agreement") {
		t.Errorf("the DSL's inbox while owing: %d %q", p.status, p.location)
	}
	// Reporting a concern is never held up.
	if p := f.get("staff", "/report"); p.status != http.StatusOK {
		t.Errorf("the report form while owing: %d", p.status)
	}

	p := f.get("staff", "/agreement?next=%2Fmy-reports")
	checkPage(t, p)
	mustContain(t, p, "Staff acceptable use", "I keep my password to myself.", "Governing board")
	id := strconv.FormatInt(v1, 10)
	if p := f.post("staff", "/agreement", url.Values{"version": {id}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("without the tick: %d", p.status)
	}
	if p := f.post("staff", "/agreement", url.Values{"version": {"999999"}, "agree": {"yes"}}); p.status != http.StatusNotFound {
		t.Errorf("another version: %d", p.status)
	}
	if p := f.post("staff", "/agreement", url.Values{"version": {"x"}, "agree": {"yes"}}); p.status != http.StatusUnprocessableEntity {
		t.Errorf("no version: %d", p.status)
	}
	// A new version comes while the page is open: the old one is not enough.
	if p := f.post("manager", pol+"/versions", url.Values{"link": {"https://school.example/aup-v2.pdf"},
		"approved_by": {"Head"}, "approved_on": {"2026-10-01"}}); p.status != http.StatusSeeOther {
		t.Fatalf("version 2: %d", p.status)
	}
	if p := f.post("staff", "/agreement", url.Values{"version": {id}, "agree": {"yes"}}); p.status != http.StatusConflict ||
		!strings.Contains(p.body, "has changed since you opened it") {
		t.Errorf("an old version: %d", p.status)
	}
	if p := f.get("staff", "/my-reports"); !strings.HasPrefix(p.location, "/agreement") {
		t.Errorf("still owing after refusals: %d %q", p.status, p.location)
	}
	pl, _ := f.db.Policy(f.ctx("manager"), v1Policy(t, pol))
	v2 := strconv.FormatInt(pl.Versions[1].ID, 10)
	p = f.post("staff", "/agreement", url.Values{"version": {v2}, "agree": {"yes"}, "next": {"//evil.example/x"}})
	if p.status != http.StatusSeeOther || strings.Contains(p.location, "evil") {
		t.Fatalf("acknowledging: %d to %q", p.status, p.location)
	}
	if p := f.get("staff", "/my-reports"); p.status != http.StatusOK {
		t.Errorf("after acknowledging: %d", p.status)
	}
	if p := f.get("staff", "/agreement?next=%2Fmy-reports"); p.location != "/my-reports" {
		t.Errorf("the agreement page once agreed goes on: %q", p.location)
	}
	st, err := f.db.AgreementStatus(f.ctx("manager"), pl.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	agreed := map[int64]bool{}
	for _, x := range st.Agreed {
		agreed[x.UserID] = true
	}
	if !agreed[f.users["staff"].ID] || agreed[f.users["dsl"].ID] {
		t.Errorf("agreed %+v", st.Agreed)
	}
	// School B's people owe nothing of school A's.
	if p := f.get("dslB", "/inbox"); p.status != http.StatusOK {
		t.Errorf("school B's DSL: %d", p.status)
	}
}

func v1Policy(t *testing.T, pol string) int64 {
	id, err := strconv.ParseInt(strings.TrimPrefix(pol, "/policies/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestClassAgreements records a class's agreements from the register, a
// tick each, as a member of staff, and a visitor's by name, and checks
// what the manager then sees and that bad input is named on the form.
func TestClassAgreements(t *testing.T) {
	f := newAuditFixture(t)
	p := f.postThen("manager", "/policies", url.Values{"kind": {"aup_pupils"}, "title": {"KS3 agreement"}, "age_group": {"Key stage 3"}})
	pol := regexp1(p.body, `action="(/policies/[0-9]+)/versions"`)
	if pol == "" {
		t.Fatalf("no version form on %s", pageTitle(p.body))
	}
	f.postThen("manager", pol+"/versions", url.Values{"text": {"I am kind online."}, "approved_by": {"Head"}, "approved_on": {"2026-09-01"}})
	var kids []int64
	for i, name := range []string{"Ada", "Ben", "Cal"} {
		c := f.concern("staff", harassmentFacts, time.Now().Add(-time.Hour))
		group := "8A"
		if i == 2 {
			group = "8B"
		}
		if _, err := f.db.SetChildIdentity(f.ctx("dsl"), *c.ChildID, lifeguard.ChildIdentity{LegalForename: name,
			LegalSurname: "Lark", RegGroup: group}); err != nil {
			t.Fatal(err)
		}
		kids = append(kids, *c.ChildID)
	}
	p = f.get("staff", pol+"/agreements")
	checkPage(t, p)
	mustContain(t, p, `<option value="8A">8A</option>`, "Choose a class to record its agreements.")
	mustNotContain(t, p, "Ada Lark")
	p = f.get("staff", pol+"/agreements?class=8A")
	checkPage(t, p)
	mustContain(t, p, "Ada Lark", "Ben Lark")
	mustNotContain(t, p, "Cal Lark")
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	p = f.post("staff", pol+"/agreements", url.Values{"class": {"8A"}, "child": {id(kids[0])}, "agreed_on": {"2026-02-30"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad date: %d", p.status)
	}
	mustContain(t, p, "The date they agreed must be a real date", `value="2026-02-30"`)
	p = f.post("staff", pol+"/agreements", url.Values{"class": {"8A"}, "child": {id(kids[2] + 1000)}, "agreed_on": {"2026-09-02"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Errorf("a child not of the school: %d", p.status)
	}
	p = f.postThen("staff", pol+"/agreements", url.Values{"class": {"8A"}, "child": {id(kids[0]), id(kids[1])}, "agreed_on": {"2026-09-02"}})
	mustContain(t, p, "2 agreements are recorded.", "Everyone on this list has agreed.", "2 Sep 2026")
	p = f.get("manager", pol+"/agreements")
	checkPage(t, p)
	mustContain(t, p, "Cal Lark (8B)", "Ada Lark")
	if p := f.get("officer", pol+"/agreements"); p.status != http.StatusNotFound {
		t.Errorf("the partnership reads the class list: %d", p.status)
	}
	if p := f.get("staff", pol+"/agreements?class=8%00A"); p.status != http.StatusUnprocessableEntity && p.status != http.StatusBadRequest {
		t.Errorf("a NUL in the class: %d", p.status)
	}

	p = f.postThen("manager", "/policies", url.Values{"kind": {"aup_visitors"}, "title": {"Visitors"}})
	vis := regexp1(p.body, `action="(/policies/[0-9]+)/versions"`)
	f.postThen("manager", vis+"/versions", url.Values{"text": {"Ask before you photograph."}, "approved_by": {"Head"}, "approved_on": {"2026-09-01"}})
	if p := f.post("staff", vis+"/agreements", url.Values{"name": {" "}, "agreed_on": {"2026-09-02"}}); p.status != http.StatusUnprocessableEntity ||
		!strings.Contains(p.body, "The visitor&#39;s name is required") {
		t.Errorf("a visitor with no name: %d", p.status)
	}
	p = f.postThen("staff", vis+"/agreements", url.Values{"name": {"Visiting author"}, "agreed_on": {"2026-09-02"}})
	mustContain(t, p, "1 agreement is recorded.")
	mustContain(t, f.get("manager", vis+"/agreements"), "Visiting author", "2 Sep 2026")
}

// TestPolicyPages starts a model as the partnership and adopts it as a
// school, with bad input named on the forms, and checks who may do what.
func TestPolicyPages(t *testing.T) {
	f := newAuditFixture(t)
	p := f.post("manager", "/policies", url.Values{"kind": {"poster"}, "title": {""}, "review_due": {"2026-13-01"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad policy: %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, "The review date must be a real date")
	p = f.post("manager", "/policies", url.Values{"kind": {"poster"}, "title": {""}})
	mustContain(t, p, "The kind &#34;poster&#34; is not a kind of policy", "The title is required")
	if p := f.post("staff", "/policies", url.Values{"kind": {"aup_parents"}, "title": {"x"}}); p.status != http.StatusForbidden {
		t.Errorf("staff starting a policy: %d", p.status)
	}

	p = f.postThen("officer", "/policies", url.Values{"kind": {"online_safety"}, "title": {"Model online-safety policy"}})
	model := regexp1(p.body, `action="(/policies/[0-9]+)/versions"`)
	p = f.post("officer", model+"/versions", url.Values{"link": {"javascript:alert(1)"}, "approved_by": {"Board"}, "approved_on": {"2026-09-01"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "The link must be a web address") {
		t.Errorf("a javascript link: %d", p.status)
	}
	f.postThen("officer", model+"/versions", url.Values{"text": {"Every school names an online-safety lead."},
		"approved_by": {"Partnership board"}, "approved_on": {"2026-09-01"}})
	p = f.get("manager", model)
	checkPage(t, p)
	mustContain(t, p, "Adopt it as your organisation", "A model policy of the partnership")
	mustNotContain(t, p, "Add a version")
	p = f.postThen("manager", model+"/adopt", url.Values{"approved_by": {"Governors"}, "approved_on": {"2026-09-05"}, "review_due": {"2027-09-05"}})
	mustContain(t, p, "The model is adopted", "Every school names an online-safety lead.", "Governors", "5 Sep 2027")
	p = f.get("manager", "/policies")
	checkPage(t, p)
	mustContain(t, p, "Model online-safety policy", "version 1, approved Sat 5 Sep 2026")
	own := regexp1(p.body, `<a href="(/policies/[0-9]+)">Model online-safety policy</a></p>\s*<dl class="facts"><dt>Kind</dt><dd>Online-safety policy</dd><dt>Current</dt><dd>version 1, approved Sat 5 Sep 2026`)
	if own == "" {
		t.Fatalf("the adopted policy is not listed")
	}
	for who, want := range map[string]int{"staff": 200, "dsl": 200, "officer": 404, "dslB": 404, "admin": 404} {
		if p := f.get(who, own); p.status != want {
			t.Errorf("%s reads the school's policy: %d, want %d", who, p.status, want)
		}
	}
}

// TestSignInLandsOnTheAgreement signs in as a member of staff who owes the
// staff agreement: sign-in ends on it, not on the report form that is
// staff's home and that stays open while the agreement is owed.
func TestSignInLandsOnTheAgreement(t *testing.T) {
	f := newAuditFixture(t)
	staffAgreement(t, f)
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(f.url+"/signin", url.Values{"email": {f.users["staff"].Email}, "password": {dslPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != "/agreement?next=%2Freport" {
		t.Errorf("sign-in ended at %d %q", res.StatusCode, loc)
	}
}

// TestPolicyReviewReminders shows a raised reminder of a review to the
// school's manager on the policies page, and dismisses it there.
func TestPolicyReviewReminders(t *testing.T) {
	f := newAuditFixture(t)
	review := lifeguard.Date{Year: 2026, Month: 1, Day: 5}
	if _, err := f.db.CreatePolicy(f.ctx("manager"), lifeguard.NewPolicy{Kind: lifeguard.PolicyOnlineSafety,
		Title: "Online safety", ReviewDue: &review}); err != nil {
		t.Fatal(err)
	}
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	if n, err := f.db.RaisePolicyReminders(sys, lifeguard.DateOf(time.Now())); err != nil || n != 1 {
		t.Fatalf("raised %d %v", n, err)
	}
	p := f.get("manager", "/policies")
	checkPage(t, p)
	mustContain(t, p, "Reviews due", "review was due by Mon 5 Jan 2026")
	mustNotContain(t, f.get("staff", "/policies"), "Reviews due")
	action := regexp1(p.body, `action="(/policy-reminders/[0-9]+/dismiss)"`)
	if pg := f.post("staff", action, url.Values{}); pg.status != http.StatusForbidden {
		t.Errorf("staff dismissing: %d", pg.status)
	}
	p = f.postThen("dsl", action, url.Values{})
	mustContain(t, p, "The reminder is dismissed.")
	mustNotContain(t, p, "Reviews due")
}

// TestAuditShowsRegisterFigures checks that the self-audit's policy and
// agreement aspects show the policy library's figures beside the rating,
// with the level they suggest, to the school and (counts only) to the
// partnership.
func TestAuditShowsRegisterFigures(t *testing.T) {
	f := newAuditFixture(t)
	au, err := f.db.StartAudit(f.ctx("manager"), f.fw)
	if err != nil {
		t.Fatal(err)
	}
	strand := "/audits/" + strconv.FormatInt(au.ID, 10) + "/strands/L"
	p := f.get("manager", strand)
	checkPage(t, p)
	mustContain(t, p, "From the registers now: No online-safety policy in the policy library yet. Suggested level: <strong>1 Not in place</strong>",
		"No staff acceptable use agreement in the policy library yet.")
	staffAgreement(t, f)
	p = f.get("manager", strand)
	mustContain(t, p, "staff agreement v1: 1 of ", "Suggested level: <strong>2 Developing</strong>")
	p = f.get("officer", strand)
	checkPage(t, p)
	mustContain(t, p, "staff agreement v1: 1 of ")
}
