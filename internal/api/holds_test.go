package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestLegalHoldsAPI: a DSL sets a hold on a child's file through the API,
// lists it with its reason, an administrator lists it without, staff and
// another school's DSL are refused, bad input names its field, and the DSL
// releases it. Every answer is checked against the OpenAPI document.
func TestLegalHoldsAPI(t *testing.T) {
	f := newFixture(t)
	_, child := f.concern("staff")
	set := fmt.Sprintf(`{"child_id":%d,"basis":"litigation","reason":"Claim 2026/77 against the school."}`, child)
	for _, tc := range []struct {
		role, body, field string
		status            int
	}{
		{"staff", set, "", http.StatusForbidden},
		{"admin", set, "", http.StatusForbidden},
		{"dslB", set, "", http.StatusNotFound},
		{"dsl", fmt.Sprintf(`{"child_id":%d,"reason":"x"}`, child), "basis", http.StatusUnprocessableEntity},
		{"dsl", fmt.Sprintf(`{"child_id":%d,"basis":"because","reason":"x"}`, child), "basis", http.StatusUnprocessableEntity},
		{"dsl", fmt.Sprintf(`{"child_id":%d,"basis":"other"}`, child), "reason", http.StatusUnprocessableEntity},
		{"dsl", `{"basis":"other","reason":"x"}`, "child_id", http.StatusUnprocessableEntity},
	} {
		r := f.call(tc.role, "POST", "/legal-holds", "/legal-holds", tc.body)
		if r.status != tc.status || !strings.Contains(string(r.body), tc.field) {
			t.Errorf("set as %s with %s: %d, want %d naming %q: %s", tc.role, tc.body, r.status, tc.status, tc.field, r.body)
		}
	}
	r := f.call("dsl", "POST", "/legal-holds", "/legal-holds", set)
	if r.status != http.StatusCreated {
		t.Fatalf("set: %d %s", r.status, r.body)
	}
	var h lifeguard.LegalHold
	r.decode(t, &h)

	var mine, theirs struct{ Holds []lifeguard.LegalHold }
	f.call("dsl", "GET", "/legal-holds", fmt.Sprintf("/legal-holds?child_id=%d", child), "").decode(t, &mine)
	if len(mine.Holds) != 1 || mine.Holds[0].Reason == "" || mine.Holds[0].Basis != lifeguard.HoldLitigation {
		t.Errorf("the DSL's list: %+v", mine.Holds)
	}
	f.call("admin", "GET", "/legal-holds", "/legal-holds", "").decode(t, &theirs)
	if len(theirs.Holds) != 1 || theirs.Holds[0].Reason != "" || theirs.Holds[0].ID != h.ID {
		t.Errorf("the administrator's list: %+v", theirs.Holds)
	}
	for _, q := range []string{"child_id=x", "concern_id=-1", "released=maybe"} {
		if r := f.call("dsl", "GET", "/legal-holds", "/legal-holds?"+q, ""); r.status != http.StatusUnprocessableEntity ||
			!strings.Contains(string(r.body), strings.Split(q, "=")[0]) {
			t.Errorf("?%s: %d %s", q, r.status, r.body)
		}
	}
	if r := f.call("staff", "GET", "/legal-holds", "/legal-holds", ""); r.status != http.StatusForbidden {
		t.Errorf("staff list: %d", r.status)
	}

	release := fmt.Sprintf("/legal-holds/%d/release", h.ID)
	if r := f.call("dslB", "POST", "/legal-holds/{id}/release", release, ""); r.status != http.StatusNotFound {
		t.Errorf("another school's DSL releases: %d %s", r.status, r.body)
	}
	if r := f.call("dsl", "POST", "/legal-holds/{id}/release", release, ""); r.status != http.StatusNoContent {
		t.Fatalf("release: %d %s", r.status, r.body)
	}
	if r := f.call("dsl", "POST", "/legal-holds/{id}/release", release, ""); r.status != http.StatusConflict {
		t.Errorf("released twice: %d %s", r.status, r.body)
	}
	var all struct{ Holds []lifeguard.LegalHold }
	f.call("admin", "GET", "/legal-holds", "/legal-holds?released=true", "").decode(t, &all)
	if len(all.Holds) != 1 || all.Holds[0].ReleasedAt == nil {
		t.Errorf("released holds: %+v", all.Holds)
	}
}
