package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"
)

// TestReferralPages: the administrator names school B as receiving social
// care referrals in the directory; A's lead sends a concern's referral from
// its page; B's lead acknowledges and decides it; A's lead reads the
// decision; staff see none of it, and a bad choice is refused naming its
// field.
func TestReferralPages(t *testing.T) {
	f := newDSLFixture(t, nil)
	if s := f.get("dsl", "/referrals/directory").status; s != http.StatusForbidden {
		t.Errorf("a lead sees the directory: %d", s)
	}
	p := f.get("alertsadmin", "/referrals/directory")
	checkPage(t, p)
	mustContain(t, p, "Referral to children&#39;s social care", "Nobody in Lifeguard")
	bad := f.post("alertsadmin", "/referrals/directory", url.Values{"route": {"CSC_REFERRAL"}, "organisation_id": {"x"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad organisation: %d", bad.status)
	}
	p = f.postThen("alertsadmin", "/referrals/directory", url.Values{"route": {"CSC_REFERRAL"},
		"organisation_id": {strconv.FormatInt(f.orgB.ID, 10)}})
	mustContain(t, p, "Saved.", "Received by</dt><dd>"+f.orgB.Name)

	c := f.concern("staff", dslGroomed13, dslStart)
	concern := "/concerns/" + strconv.FormatInt(c.ID, 10)
	p = f.get("dsl", concern)
	checkPage(t, p)
	mustContain(t, p, "Referrals to other agencies", "Send to "+f.orgB.Name)
	p = f.postThen("dsl", concern+"/referrals", url.Values{"route": {"CSC_REFERRAL"}, "words": {"on"}})
	mustContain(t, p, "Sent to "+f.orgB.Name)
	m := regexp.MustCompile(`<h1>Referral (\d+):`).FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no referral page:\n%.2000s", p.body)
	}
	ref := "/referrals/" + m[1]
	if s := f.get("staff", ref).status; s != http.StatusForbidden && s != http.StatusNotFound {
		t.Errorf("staff read the referral: %d", s)
	}
	p = f.get("dslB", ref)
	checkPage(t, p)
	mustContain(t, p, "Arranged to meet a man", "Acknowledge the referral")
	mustNotContain(t, p, "Your concern")
	f.postThen("dslB", ref+"/acknowledge", url.Values{})
	if s := f.post("dslB", ref+"/answer", url.Values{"outcome": {"crime_recorded"}}).status; s != http.StatusUnprocessableEntity {
		t.Errorf("another agency's outcome: %d", s)
	}
	p = f.postThen("dslB", ref+"/answer", url.Values{"outcome": {"section_17"}, "note": {"A visit this week."}})
	mustContain(t, p, "Your decision is recorded")
	p = f.get("dsl", ref)
	checkPage(t, p)
	mustContain(t, p, "Assessment under section 17", "A visit this week.", "Your concern")
	p = f.get("dsl", concern)
	mustContain(t, p, "Their decision")
}
