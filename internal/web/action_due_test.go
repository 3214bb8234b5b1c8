package web_test

import (
	"net/http"
	"net/url"
	"testing"
)

// TestActionDueInThePast sets an action's due date before today on the
// concern page: refused beside the field, with today named; today is fine.
func TestActionDueInThePast(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslBullying, dslStart)
	path := concernPath(c)
	for _, due := range []string{"1970-01-01", "2026-11-17"} {
		p := f.post("dsl", path+"/actions", url.Values{"title": {"Meet the parents"}, "owner": {"Head of year 8"}, "due": {due}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("due %s: status %d", due, p.status)
		}
		checkPage(t, p)
		mustContain(t, p, `<a href="#action-due">Due date must be today (2026-11-18) or later; `+due+` has passed</a>`, `value="`+due+`"`)
	}
	p := f.postThen("dsl", path+"/actions", url.Values{"title": {"Meet the parents"}, "owner": {"Head of year 8"}, "due": {"2026-11-18"}})
	mustContain(t, p, "The action is added.")
}
