package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestConsentTrainingEndpointsEveryRole is the access matrix of the
// consent and training endpoints, each response checked against the
// OpenAPI document.
func TestConsentTrainingEndpointsEveryRole(t *testing.T) {
	f := newFixture(t)
	type want [9]int // in the order of fixtureRoles
	const ok, created, unauth, forbidden, notFound = 200, 201, 401, 403, 404
	_, child := f.concern("staff")
	today := lifeguard.DateOf(time.Now().UTC()).String()
	staff2 := f.users["staff2"].ID
	cases := []struct {
		method, route, path, body string
		want                      want
	}{
		{"GET", "/consents", "/consents", "", want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, forbidden, forbidden}},
		{"POST", "/consents", "/consents", fmt.Sprintf(`{"consents":[{"child_id":%d,"kind":"images_press","given":true,"on":%q}]}`, child, today),
			want{unauth, forbidden, forbidden, ok, ok, 422, forbidden, forbidden, forbidden}},
		{"GET", "/consents/class", "/consents/class", "", want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, forbidden, forbidden}},
		{"GET", "/consents/photo-list", "/consents/photo-list", "", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden}},
		{"GET", "/training", "/training", "", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden}},
		{"GET", "/training", fmt.Sprintf("/training?user_id=%d", staff2), "", want{unauth, forbidden, ok, ok, ok, notFound, forbidden, forbidden, forbidden}},
		{"POST", "/training", "/training", fmt.Sprintf(`{"user_id":%d,"type":"online_safety","course":"Update","provider":"In house","completed_on":%q}`, staff2, today),
			want{unauth, forbidden, created, created, created, notFound, forbidden, forbidden, forbidden}},
		{"GET", "/training/matrix", "/training/matrix", "", want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden}},
	}
	for _, c := range cases {
		for i, role := range fixtureRoles {
			t.Run(fmt.Sprintf("%s %s as %s", c.method, c.path, role), func(t *testing.T) {
				f.t = t
				r := f.call(role, c.method, c.route, c.path, c.body)
				if r.status != c.want[i] {
					t.Errorf("got %d, want %d: %s", r.status, c.want[i], r.body)
				}
			})
		}
	}
	f.t = t
}

// TestConsentTrainingEndpointsWork records a class's consents and reads
// the do-not-photograph list as CSV, records training, imports a file
// with a bad line and then without, and refuses bad input naming the field.
func TestConsentTrainingEndpointsWork(t *testing.T) {
	f := newFixture(t)
	_, child := f.concern("staff")
	today := lifeguard.DateOf(time.Now().UTC()).String()
	r := f.call("dsl", "POST", "/consents", "/consents",
		fmt.Sprintf(`{"consents":[{"child_id":%d,"kind":"images_website","given":true,"on":%q}]}`, child, today))
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"changed":1`) {
		t.Fatalf("record: %d %s", r.status, r.body)
	}
	for body, field := range map[string]string{
		fmt.Sprintf(`{"consents":[{"child_id":%d,"kind":"images_website","given":true,"on":"31/12/2026"}]}`, child): "consents[0].on",
		fmt.Sprintf(`{"consents":[{"child_id":%d,"kind":"images_website","on":%q}]}`, child, today):                 "consents[0].given",
		fmt.Sprintf(`{"consents":[{"child_id":%d,"kind":"tv","given":true,"on":%q}]}`, child, today):                "consents[0].kind",
	} {
		if r := f.call("dsl", "POST", "/consents", "/consents", body); r.status != 422 || !strings.Contains(string(r.body), field) {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	r = f.call("staff", "GET", "/consents/photo-list", "/consents/photo-list?format=csv", "")
	if r.status != http.StatusOK || !strings.HasPrefix(string(r.body), "name,reg_group,do_not_photograph") ||
		!strings.Contains(string(r.body), ",no,yes,no,no") {
		t.Errorf("photo list CSV: %d %s", r.status, r.body)
	}
	if r := f.call("dsl", "GET", "/consents", "/consents?format=csv", ""); r.status != 200 || !strings.Contains(string(r.body), "images_website") {
		t.Errorf("consents CSV: %d %s", r.status, r.body)
	}

	staff := f.users["staff"]
	file := "email,type,course,provider,completed_on\n" +
		staff.Email + ",Safeguarding and child protection,Level 1,Northshire SCP," + today + "\n" +
		"nobody@example.org,online_safety,Update,In house," + today + "\n"
	r = f.callWith("manager", "POST", "/training/import", "/training/import", file, "text/csv")
	if r.status != 422 || !strings.Contains(string(r.body), `"line":3`) || !strings.Contains(string(r.body), `"imported":false`) {
		t.Errorf("import with a bad line: %d %s", r.status, r.body)
	}
	file = strings.Replace(file, "nobody@example.org", staff.Email, 1)
	r = f.callWith("manager", "POST", "/training/import", "/training/import?dry_run=true", file, "text/csv")
	if r.status != 200 || !strings.Contains(string(r.body), `"added":2`) || !strings.Contains(string(r.body), `"imported":false`) {
		t.Errorf("dry run: %d %s", r.status, r.body)
	}
	r = f.callWith("manager", "POST", "/training/import", "/training/import", file, "text/csv")
	if r.status != 200 || !strings.Contains(string(r.body), `"imported":true`) {
		t.Errorf("import: %d %s", r.status, r.body)
	}
	r = f.callWith("manager", "POST", "/training/import", "/training/import", file, "text/csv")
	if r.status != 200 || !strings.Contains(string(r.body), `"unchanged":2`) {
		t.Errorf("import again: %d %s", r.status, r.body)
	}
	if r := f.callWith("staff", "POST", "/training/import", "/training/import", file, "text/csv"); r.status != 403 {
		t.Errorf("staff imported: %d %s", r.status, r.body)
	}
	if r := f.call("staff", "POST", "/training", "/training", `{"type":"online_safety","course":"","provider":"x","completed_on":"2026-02-30"}`); r.status != 422 ||
		!strings.Contains(string(r.body), "completed_on") {
		t.Errorf("a date that is not one: %d %s", r.status, r.body)
	}
	r = f.call("staff", "GET", "/training/matrix", "/training/matrix?format=csv", "")
	if r.status != 200 || strings.Count(string(r.body), "\n") != 2 || !strings.Contains(string(r.body), "in_date") {
		t.Errorf("staff's matrix CSV: %d %s", r.status, r.body)
	}
	r = f.call("dsl", "GET", "/training/matrix", "/training/matrix?on=2026-13-01", "")
	if r.status != 422 || !strings.Contains(string(r.body), `"on"`) {
		t.Errorf("a bad day: %d %s", r.status, r.body)
	}
}
