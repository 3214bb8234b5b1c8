package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// engines are the two stores the tests that must answer alike run on.
func engines() []struct {
	name string
	new  func(t *testing.T) *fixture
} {
	return []struct {
		name string
		new  func(t *testing.T) *fixture
	}{
		{"sqlite", func(t *testing.T) *fixture { return newFixture(t) }},
		{"postgres", func(t *testing.T) *fixture { return newFixtureOn(t, sqlstore.Config{DSN: pgtest.Database(t)}) }},
	}
}

// TestDirectoryEndpoints: anyone of the partnership reads the procedure in
// force; the officer previews a change (refused field by field, or as 409
// from a stale version), saves what was previewed, and the new title is in
// force; versions are listed and read; leads are kept by the manager and
// read across the partnership; on both engines.
func TestDirectoryEndpoints(t *testing.T) {
	for _, eng := range engines() {
		t.Run(eng.name, func(t *testing.T) { testDirectoryEndpoints(t, eng.new(t)) })
	}
}

func testDirectoryEndpoints(t *testing.T, f *fixture) {
	type directory struct {
		Version int    `json:"version"`
		Close   string `json:"close"`
		Routes  []struct {
			Code  string `json:"code"`
			Title string `json:"title"`
			Local struct {
				Title string `json:"title"`
			} `json:"local"`
		} `json:"routes"`
	}
	var d directory
	r := f.call("staff", "GET", "/directory", "/directory", "")
	if r.status != http.StatusOK {
		t.Fatalf("directory: %d %s", r.status, r.body)
	}
	r.decode(t, &d)
	if d.Version != 0 || len(d.Routes) == 0 {
		t.Fatalf("directory before any version: %+v", d)
	}

	if r := f.call("dsl", "POST", "/directory/preview", "/directory/preview", `{"base":0,"name":"X"}`); r.status != http.StatusForbidden {
		t.Errorf("a lead previews: %d", r.status)
	}
	bad := `{"base":0,"name":"","close":"4pm","early_help_days":61,"routes":{"CSC_REFERRAL":{"contact":"Front\u0000Door"},"NOPE":{}}}`
	r = f.call("partnership", "POST", "/directory/preview", "/directory/preview", bad)
	for _, path := range []string{"name", "close", "early_help_days", "routes.CSC_REFERRAL.contact", "routes.NOPE"} {
		wantAPIProblem(t, r, path)
	}
	if r := f.call("partnership", "POST", "/directory/preview", "/directory/preview", `{"base":3,"name":"X"}`); r.status != http.StatusConflict {
		t.Errorf("a stale base: %d %s", r.status, r.body)
	}
	wantAPIProblem(t, f.call("partnership", "POST", "/directory/preview", "/directory/preview", `{"name":"X"}`), "base")
	r = f.call("partnership", "POST", "/directory/preview", "/directory/preview", `{"base":0,"document":"name: [unclosed\n"}`)
	wantAPIProblem(t, r, "document")
	if !strings.Contains(string(r.body), "Line ") {
		t.Errorf("a file's problems say no line: %s", r.body)
	}

	good := `{"base":0,"name":"Riverside Safeguarding Children Partnership","close":"15:00",` +
		`"routes":{"CSC_REFERRAL":{"title":"Riverside Front Door referral","contact":"Front Door 0100 000 0000, 8am to 6pm"}}}`
	r = f.call("partnership", "POST", "/directory/preview", "/directory/preview", good)
	if r.status != http.StatusOK {
		t.Fatalf("preview: %d %s", r.status, r.body)
	}
	var prop struct {
		Next     int    `json:"next"`
		Document string `json:"document"`
		Changes  []struct {
			Routes []struct {
				Code string   `json:"code"`
				What []string `json:"what"`
			} `json:"routes"`
		} `json:"changes"`
	}
	r.decode(t, &prop)
	if prop.Next != 1 || len(prop.Changes) == 0 || !strings.Contains(prop.Document, "Riverside Front Door referral") {
		t.Fatalf("preview: %+v", prop)
	}
	if cur, _ := f.db.CurrentDirectory(f.as("staff"), 0); cur.Version != 0 {
		t.Fatalf("the preview saved version %d", cur.Version)
	}

	save := func(base int, summary string) response {
		b, _ := json.Marshal(map[string]any{"base": base, "document": prop.Document, "summary": summary})
		return f.call("partnership", "POST", "/directory/versions", "/directory/versions", string(b))
	}
	if r := f.call("dsl", "POST", "/directory/versions", "/directory/versions", `{"base":0,"document":"name: X\n","summary":"x"}`); r.status != http.StatusForbidden {
		t.Errorf("a lead saves: %d", r.status)
	}
	if r := save(0, "Front Door"); r.status != http.StatusCreated {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	if r := save(0, "again"); r.status != http.StatusConflict {
		t.Errorf("a stale save: %d %s", r.status, r.body)
	}
	r = f.call("dsl", "GET", "/directory", "/directory", "")
	r.decode(t, &d)
	found := false
	for _, rt := range d.Routes {
		if rt.Code == "CSC_REFERRAL" {
			found = rt.Title == "Riverside Front Door referral" && rt.Local.Title == rt.Title
		}
	}
	if d.Version != 1 || d.Close != "15:00" || !found {
		t.Errorf("directory after saving: %+v", d)
	}
	if r := f.call("partnership", "GET", "/directory/versions", "/directory/versions", ""); r.status != 200 || !strings.Contains(string(r.body), `"Front Door"`) {
		t.Errorf("versions: %d %s", r.status, r.body)
	}
	if r := f.call("staff", "GET", "/directory/versions", "/directory/versions", ""); r.status != http.StatusForbidden {
		t.Errorf("staff list versions: %d", r.status)
	}
	if r := f.call("partnership", "GET", "/directory/versions/{n}", "/directory/versions/1", ""); r.status != 200 || !strings.Contains(string(r.body), "Riverside Front Door referral") {
		t.Errorf("version 1: %d %s", r.status, r.body)
	}
	if r := f.call("partnership", "GET", "/directory/versions/{n}", "/directory/versions/2", ""); r.status != http.StatusNotFound {
		t.Errorf("version 2: %d", r.status)
	}

	// Leads.
	a, b := fmt.Sprintf("/organisations/%d/leads", f.orgA.ID), fmt.Sprintf("/organisations/%d/leads", f.orgB.ID)
	const leads = `{"leads":[{"kind":"dsl","name":"Asha Patel","role":"Deputy head","email":"a.patel@school-a.example"},` +
		`{"kind":"online_safety","name":"Mo Khan","role":"Computing lead","phone":"01632 960 112"}]}`
	if r := f.call("staff", "PUT", "/organisations/{id}/leads", a, leads); r.status != http.StatusForbidden {
		t.Errorf("staff set leads: %d", r.status)
	}
	wantAPIProblem(t, f.call("manager", "PUT", "/organisations/{id}/leads", a,
		`{"leads":[{"kind":"dsl","name":"Asha","role":"Head","email":"asha at school"}]}`), "leads[0].email")
	wantAPIProblem(t, f.call("manager", "PUT", "/organisations/{id}/leads", a,
		`{"leads":[{"kind":"boss","name":"Asha","role":"Head","phone":"01632 960 111"}]}`), "leads[0].kind")
	wantAPIProblem(t, f.call("manager", "PUT", "/organisations/{id}/leads", a, `{}`), "leads")
	if r := f.call("manager", "PUT", "/organisations/{id}/leads", a, leads); r.status != 200 {
		t.Fatalf("set leads: %d %s", r.status, r.body)
	}
	if r := f.call("manager", "PUT", "/organisations/{id}/leads", b, leads); r.status != http.StatusForbidden {
		t.Errorf("A's manager sets B's leads: %d", r.status)
	}
	if r := f.call("partnership", "PUT", "/organisations/{id}/leads", b, `{"leads":[]}`); r.status != 200 {
		t.Errorf("the officer sets B's leads: %d %s", r.status, r.body)
	}
	var got struct {
		Leads []lifeguard.OrganisationLead `json:"leads"`
	}
	f.call("dslB", "GET", "/directory/leads", "/directory/leads", "").decode(t, &got)
	if len(got.Leads) != 2 || got.Leads[0].Name != "Asha Patel" || got.Leads[1].Phone != "01632 960 112" {
		t.Errorf("B's lead reads %+v", got.Leads)
	}
	if r := f.call("staff", "GET", "/organisations/{id}/leads", b, ""); r.status != http.StatusNotFound {
		t.Errorf("staff read B's leads: %d", r.status)
	}
}
