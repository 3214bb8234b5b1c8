package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestLegalHoldPages: the DSL sets a hold on a child's file from the child
// page (a form missing its basis and reason is refused naming both), sees
// it with its reason there and on the concern page, the administrator
// sees it on the retention page without the reason, and the DSL releases
// it. Staff may not set one.
func TestLegalHoldPages(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslGroomed13, dslStart)
	child := "/children/" + strconv.FormatInt(*c.ChildID, 10)
	concern := "/concerns/" + strconv.FormatInt(c.ID, 10)

	p := f.get("dsl", child)
	checkPage(t, p)
	mustContain(t, p, "Legal hold", "Nothing here is held.", "Set a legal hold on this child&#39;s whole file")

	bad := f.post("dsl", child+"/holds", url.Values{"reason": {"  "}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("an empty hold: %d %s", bad.status, bad.body)
	}
	checkPage(t, bad)
	mustContain(t, bad, "There is a problem", `href="#hold-basis"`, `href="#hold-reason"`)

	if got := f.post("staff", child+"/holds", url.Values{"basis": {"police_investigation"}, "reason": {"x"}}); got.status != http.StatusForbidden {
		t.Errorf("staff set a hold: %d", got.status)
	}

	reason := "Police ref 44/2026: keep everything until the trial."
	p = f.postThen("dsl", child+"/holds", url.Values{"basis": {"police_investigation"}, "reason": {reason}})
	mustContain(t, p, "The legal hold is set", "Held:", "Police investigation", "Police ref 44/2026")
	p = f.get("dsl", concern)
	checkPage(t, p)
	mustContain(t, p, "Held:", "The child&#39;s whole file", "Police ref 44/2026", "Set a legal hold on this concern")

	admin := f.get("alertsadmin", "/admin/retention")
	checkPage(t, admin)
	mustContain(t, admin, "Legal holds", "Police investigation", f.orgA.Name+": the child&#39;s whole file")
	if strings.Contains(admin.body, "Police ref") {
		t.Error("the administrator sees the hold's reason")
	}

	release := between(p.body, `action="/holds/`, `/release"`)
	if release == "" {
		t.Fatalf("no release form on the concern page")
	}
	p = f.postThen("dsl", "/holds/"+release+"/release", url.Values{"back": {concern}})
	mustContain(t, p, "The legal hold is released", "Nothing here is held.")
	// A release elsewhere than Lifeguard's own pages goes to the retention page.
	if got := f.post("dsl", "/holds/"+release+"/release", url.Values{"back": {"https://example.org/"}}); got.status != http.StatusConflict {
		t.Errorf("released twice: %d", got.status)
	}
}

// between is the text of s between the first before and the after that
// follows it, or "".
func between(s, before, after string) string {
	_, rest, ok := strings.Cut(s, before)
	if !ok {
		return ""
	}
	v, _, ok := strings.Cut(rest, after)
	if !ok {
		return ""
	}
	return v
}
