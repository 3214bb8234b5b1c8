package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestSubjectAccessAPI starts a subject access request for a child,
// reads the bundle, records a redaction choice and takes the disclosure;
// then records a request to erase the child's file and refuses it with
// the basis. Every answer is checked against the OpenAPI document.
func TestSubjectAccessAPI(t *testing.T) {
	f := newFixture(t)
	_, child := f.concern("staff")
	today := time.Now().UTC().Format(time.DateOnly)
	start := fmt.Sprintf(`{"subject":"child","child_id":%d,"requester":"parent","requester_name":"Ms Parent","received_on":%q,"verified":"parental_responsibility"}`,
		child, today)
	for _, tc := range []struct {
		role, body string
		status     int
	}{
		{"staff", start, http.StatusForbidden},
		{"admin", start, http.StatusForbidden},
		{"dslB", start, http.StatusNotFound},
		{"dsl", `{"subject":"child","child_id":1,"requester":"aunt","received_on":"2026-02-30"}`, http.StatusUnprocessableEntity},
		{"dsl", strings.Replace(start, `"verified"`, `"surprise":1,"verified"`, 1), http.StatusUnprocessableEntity},
	} {
		if r := f.call(tc.role, "POST", "/subject-access", "/subject-access", tc.body); r.status != tc.status {
			t.Errorf("start as %s with %s: %d, want %d: %s", tc.role, tc.body, r.status, tc.status, r.body)
		}
	}
	r := f.call("dsl", "POST", "/subject-access", "/subject-access", start)
	if r.status != http.StatusCreated {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	var s lifeguard.SubjectAccess
	r.decode(t, &s)
	if s.Due.IsZero() || s.Status != lifeguard.AccessOpen {
		t.Fatalf("started %+v", s)
	}
	id := fmt.Sprintf("/subject-access/%d", s.ID)
	var list struct{ Requests []lifeguard.SubjectAccess }
	f.call("dsl", "GET", "/subject-access", "/subject-access", "").decode(t, &list)
	if len(list.Requests) != 1 {
		t.Errorf("list: %+v", list.Requests)
	}
	f.call("dsl", "GET", "/subject-access/{id}", id, "").decode(t, &s)
	var b lifeguard.SubjectAccessBundle
	f.call("dsl", "GET", "/subject-access/{id}/bundle", id+"/bundle", "").decode(t, &b)
	var key string
	for _, it := range b.Items {
		for _, m := range it.Mentions {
			key = m.Key
		}
	}
	if len(b.Items) == 0 || key == "" {
		t.Fatalf("bundle without items or mentions: %+v", b)
	}
	if r := f.call("admin", "GET", "/subject-access/{id}/bundle", id+"/bundle", ""); r.status != http.StatusForbidden {
		t.Errorf("the administrator reads the bundle: %d", r.status)
	}
	if r := f.call("dsl", "PUT", "/subject-access/{id}/redactions", id+"/redactions",
		fmt.Sprintf(`{"redactions":[{"key":%q,"redact":false}]}`, key)); r.status != http.StatusNoContent {
		t.Fatalf("redactions: %d %s", r.status, r.body)
	}
	if r := f.call("dsl", "PUT", "/subject-access/{id}/redactions", id+"/redactions", `{"redactions":[{"key":"nobody"}]}`); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a bad key: %d %s", r.status, r.body)
	}
	if r := f.call("dsl", "POST", "/subject-access/{id}/extend", id+"/extend", `{"reason":""}`); r.status != http.StatusUnprocessableEntity {
		t.Errorf("extend with no reason: %d", r.status)
	}
	f.call("dsl", "POST", "/subject-access/{id}/extend", id+"/extend", `{"reason":"Records from two schools."}`).decode(t, &s)
	if !s.Extended() {
		t.Errorf("not extended: %+v", s)
	}
	f.call("dsl", "POST", "/subject-access/{id}/disclosure", id+"/disclosure", "").decode(t, &b)
	if !b.Disclosed || b.Request.Status != lifeguard.AccessDisclosed {
		t.Errorf("disclosure: %+v", b.Request)
	}

	erase := fmt.Sprintf(`{"kind":"erase","target":"child_file","child_id":%d,"requester":"parent","requester_name":"Ms Parent","received_on":%q,"reason":"Please delete it."}`,
		child, today)
	r = f.call("dsl", "POST", "/data-requests", "/data-requests", erase)
	if r.status != http.StatusCreated {
		t.Fatalf("record: %d %s", r.status, r.body)
	}
	var d struct {
		lifeguard.DataRequest
		Letter string
	}
	r.decode(t, &d)
	path := fmt.Sprintf("/data-requests/%d", d.ID)
	if r := f.call("dsl", "POST", "/data-requests/{id}/decision", path+"/decision", `{"outcome":"applied","reason":"Asked."}`); r.status != http.StatusConflict ||
		!strings.Contains(string(r.body), "17(3)(b)") {
		t.Errorf("apply an erasure of a child's file: %d %s", r.status, r.body)
	}
	f.call("dsl", "POST", "/data-requests/{id}/decision", path+"/decision", `{"outcome":"refused","reason":"Kept by law."}`).decode(t, &d)
	if d.Outcome != lifeguard.OutcomeRefused || !strings.Contains(d.Letter, "Article 17(3)(b)") {
		t.Errorf("refused: %+v", d)
	}
	var dl struct{ Requests []lifeguard.DataRequest }
	f.call("admin", "GET", "/data-requests", "/data-requests", "").decode(t, &dl)
	f.call("dsl", "GET", "/data-requests/{id}", path, "")
}
