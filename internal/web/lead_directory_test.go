package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestLeadPages: the manager keeps the organisation's own leads on a form
// whose problems name the lead and the field; the officer keeps another
// organisation's; staff and another organisation's manager cannot; the
// leads show in the partnership's directory, beside the organisation that
// receives a referral route, and beside each organisation the transfer
// form finds.
func TestLeadPages(t *testing.T) {
	f := newAuditFixture(t)
	orgA, orgB := "/directory/leads/"+strconv.FormatInt(f.orgA.ID, 10), "/directory/leads/"+strconv.FormatInt(f.orgB.ID, 10)

	p := f.get("manager", orgA)
	if p.status != http.StatusOK {
		t.Fatalf("form: %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, `name="lead-0-name"`, `name="lead-1-name"`, "Online-safety lead")

	form := url.Values{"rows": {"3"},
		"lead-0-kind": {"dsl"}, "lead-0-name": {""}, "lead-0-role": {"Deputy head"}, "lead-0-email": {"asha at school"},
		"lead-1-kind": {"online_safety"}, "lead-1-name": {"Mo Khan"}, "lead-1-role": {"Computing lead"}, "lead-1-phone": {"ring me"},
		"lead-2-kind": {"dsl"}}
	bad := f.post("manager", orgA, form)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad leads: %d", bad.status)
	}
	checkPage(t, bad)
	mustContain(t, bad, `href="#lead-0-name"`, "Lead 1, name: is required", `href="#lead-0-email"`, "Lead 1, work email:",
		`href="#lead-1-phone"`, "Lead 2, work phone:", `id="lead-1-phone-error"`, `value="Mo Khan"`)
	if ls, _ := f.db.OrganisationLeads(f.ctx("manager"), f.orgA.ID); len(ls) != 0 {
		t.Fatalf("a refused form saved %+v", ls)
	}

	form.Set("lead-0-name", "Asha Patel")
	form.Set("lead-0-email", "a.patel@school-a.example")
	form.Set("lead-1-phone", "01632 960 112")
	saved := f.postThen("manager", orgA, form)
	mustContain(t, saved, "Saved the leads of School A", "Asha Patel", "a.patel@school-a.example", "Mo Khan", "01632 960 112",
		"Online-safety lead")
	checkPage(t, saved)

	for who, want := range map[string]int{"staff": http.StatusForbidden, "dsl": http.StatusForbidden, "managerB": http.StatusForbidden} {
		if s := f.get(who, orgA).status; s != want {
			t.Errorf("%s opens A's form: %d, want %d", who, s, want)
		}
		if s := f.post(who, orgA, form).status; s != want {
			t.Errorf("%s saves A's leads: %d, want %d", who, s, want)
		}
	}
	if s := f.get("staff", orgB).status; s != http.StatusNotFound {
		t.Errorf("staff open B's form: %d", s)
	}

	// The officer keeps B's; the referral directory and the transfer form
	// name them.
	f.postThen("officer", orgB, url.Values{"rows": {"1"}, "lead-0-kind": {"dsl"}, "lead-0-name": {"Bea Lund"},
		"lead-0-role": {"Head"}, "lead-0-email": {"b.lund@school-b.example"}})
	if err := f.db.SetReferralReceiver(f.ctx("officer"), 0, "CSC_REFERRAL", f.orgB.ID); err != nil {
		t.Fatal(err)
	}
	dir := f.get("officer", "/referrals/directory")
	checkPage(t, dir)
	mustContain(t, dir, "Bea Lund", "b.lund@school-b.example")
	all := f.get("dsl", "/directory/leads")
	mustContain(t, all, "Asha Patel", "Bea Lund")
	mustNotContain(t, all, "Change the leads")
	if own := f.get("staff", "/directory/leads"); own.status != http.StatusOK || !strings.Contains(own.body, "Asha Patel") || strings.Contains(own.body, "Bea Lund") {
		t.Errorf("staff see: %d, want their own organisation's leads only", own.status)
	}

	c := f.concern("staff", dslGroomed13, dslStart)
	child := f.get("dsl", "/children/"+strconv.FormatInt(*c.ChildID, 10)+"?to_q=School+B")
	checkPage(t, child)
	mustContain(t, child, "Bea Lund", "b.lund@school-b.example")
}
