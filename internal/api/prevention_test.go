package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestPreventionEndpoints records and edits an entry of each register
// through the API, reads the lists as JSON and CSV and the coverage map,
// with bad input named by field and who may checked, every answer against
// the OpenAPI document.
func TestPreventionEndpoints(t *testing.T) {
	f := newFixture(t)
	today := lifeguard.DateOf(time.Now().UTC()).String()

	// Teaching.
	wantAPIProblem(t, f.call("manager", "POST", "/teaching", "/teaching",
		`{"year_group":"5","strand":"astronomy","taught_on":"`+today+`","taught":"x","taught_by":"y"}`), "strand")
	wantAPIProblem(t, f.call("manager", "POST", "/teaching", "/teaching",
		`{"year_group":"5","strand":"privacy","taught_on":"2026-02-30","taught":"x","taught_by":"y"}`), "taught_on")
	wantAPIProblem(t, f.call("manager", "POST", "/teaching", "/teaching",
		`{"year_group":"Year 14","strand":"privacy","taught_on":"`+today+`","taught":"x","taught_by":"y"}`), "year_group")
	body := `{"year_group":"Year 5","strand":"privacy","taught_on":"` + today + `","taught":"Passwords","taught_by":"Computing"}`
	if r := f.call("staff", "POST", "/teaching", "/teaching", body); r.status != http.StatusForbidden {
		t.Errorf("staff recording teaching: %d", r.status)
	}
	r := f.call("manager", "POST", "/teaching", "/teaching", body)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var e lifeguard.TeachingEntry
	r.decode(t, &e)
	if e.YearGroup != "5" {
		t.Errorf("year group %q, want 5", e.YearGroup)
	}
	tp := fmt.Sprintf("/teaching/%d", e.ID)
	r = f.call("dsl", "PUT", "/teaching/{id}", tp, strings.Replace(body, "privacy", "bullying", 1))
	if r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if r := f.call("dslB", "GET", "/teaching/{id}", tp, ""); r.status != http.StatusNotFound {
		t.Errorf("school B reads A's entry: %d", r.status)
	}
	if r := f.call("staff", "GET", "/teaching/{id}", tp, ""); r.status != http.StatusOK {
		t.Errorf("staff read: %d", r.status)
	}
	if r := f.call("staff", "GET", "/teaching", "/teaching", ""); r.status != http.StatusOK || !strings.Contains(string(r.body), `"strand":"bullying"`) {
		t.Errorf("list: %d %s", r.status, r.body)
	}
	if r := f.call("partnership", "GET", "/teaching", fmt.Sprintf("/teaching?organisation_id=%d", f.orgA.ID), ""); r.status != http.StatusNotFound {
		t.Errorf("the partnership reads A's register: %d", r.status)
	}
	wantAPIProblem(t, f.call("manager", "GET", "/teaching", "/teaching?school_year=1990", ""), "school_year")
	r = f.call("manager", "GET", "/teaching/coverage", "/teaching/coverage", "")
	var cov lifeguard.TeachingCoverage
	r.decode(t, &cov)
	if len(cov.Rows) == 0 || cov.Rows[len(cov.Rows)-1].Gaps() != 7 {
		t.Errorf("coverage: %s", r.body)
	}
	if r := f.call("manager", "GET", "/teaching/coverage", "/teaching/coverage?format=csv", ""); !strings.HasPrefix(string(r.body), "school_year,year_group,") {
		t.Errorf("coverage CSV: %s", r.body)
	}

	// Parents.
	wantAPIProblem(t, f.call("manager", "POST", "/parent-contacts", "/parent-contacts",
		`{"on":"`+today+`","topic":"Gaming","kind":"pigeon","reached":3}`), "kind")
	wantAPIProblem(t, f.call("manager", "POST", "/parent-contacts", "/parent-contacts",
		`{"on":"`+today+`","topic":"Gaming","kind":"letter","reached":"many"}`), "reached")
	r = f.call("dsl", "POST", "/parent-contacts", "/parent-contacts", `{"on":"`+today+`","topic":"Gaming","kind":"session","reached":40}`)
	if r.status != http.StatusCreated {
		t.Fatalf("parent contact: %d %s", r.status, r.body)
	}
	var c lifeguard.ParentContact
	r.decode(t, &c)
	cp := fmt.Sprintf("/parent-contacts/%d", c.ID)
	if r := f.call("manager", "PUT", "/parent-contacts/{id}", cp, `{"on":"`+today+`","topic":"Gaming","kind":"meeting","reached":41}`); r.status != http.StatusOK {
		t.Errorf("update contact: %d %s", r.status, r.body)
	}
	if r := f.call("staff", "GET", "/parent-contacts/{id}", cp, ""); r.status != http.StatusOK {
		t.Errorf("staff read contact: %d", r.status)
	}
	if r := f.call("staff", "GET", "/parent-contacts", "/parent-contacts?format=csv", ""); !strings.Contains(string(r.body), ",meeting,") {
		t.Errorf("contacts CSV: %s", r.body)
	}

	// Surveys.
	survey := `{"title":"Online lives","on":"` + today + `","year_groups":"Year 6","respondents":30,"questions":[{"text":"Do you game online?","options":[{"text":"Yes","count":19},{"text":"No","count":11}]}]}`
	wantAPIProblem(t, f.call("manager", "POST", "/child-surveys", "/child-surveys", strings.Replace(survey, `"count":19`, `"count":-1`, 1)), "questions[0].options[0].count")
	if r := f.call("manager", "POST", "/child-surveys", "/child-surveys", survey); r.status != http.StatusCreated {
		t.Fatalf("survey: %d %s", r.status, r.body)
	}
	if r := f.call("staff", "GET", "/child-surveys", "/child-surveys", ""); !strings.Contains(string(r.body), `"count":19`) {
		t.Errorf("surveys: %s", r.body)
	}

	// Access: the fixture's filter policy has a group "secondary".
	group := `{"name":"Years 7 to 11","kind":"pupils","members":"All pupils","count":600,"devices":"Laptops","how_given":"Own login","agreement":"aup_pupils","filter_group":"secondary"}`
	wantAPIProblem(t, f.call("manager", "POST", "/internet-access", "/internet-access", strings.Replace(group, `"secondary"`, `"Not a group!"`, 1)), "filter_group")
	r = f.call("manager", "POST", "/internet-access", "/internet-access", group)
	if r.status != http.StatusCreated {
		t.Fatalf("group: %d %s", r.status, r.body)
	}
	var g lifeguard.AccessGroup
	r.decode(t, &g)
	if g.Filter == nil || g.Filter.Group != "secondary" {
		t.Errorf("filter = %+v, want the secondary group", g.Filter)
	}
	r = f.call("manager", "PUT", "/internet-access/{id}", fmt.Sprintf("/internet-access/%d", g.ID), strings.Replace(group, `"secondary"`, `""`, 1))
	r.decode(t, &g)
	if r.status != http.StatusOK || g.Filter != nil {
		t.Errorf("group without a filter group: %d, filter %+v", r.status, g.Filter)
	}
	if r := f.call("staff", "GET", "/internet-access", "/internet-access", ""); r.status != http.StatusOK || !strings.Contains(string(r.body), `"filter":null`) {
		t.Errorf("record: %d %s", r.status, r.body)
	}

	// Figures, for whoever reads the audits.
	r = f.call("partnership", "GET", "/organisations/{id}/prevention-figures", fmt.Sprintf("/organisations/%d/prevention-figures", f.orgA.ID), "")
	var fig lifeguard.PreventionFigures
	r.decode(t, &fig)
	if r.status != http.StatusOK || fig.Covered != 1 || fig.ParentsReached != 41 || fig.Respondents != 30 || fig.Unfiltered != 1 {
		t.Errorf("figures: %d %s", r.status, r.body)
	}
	if r := f.call("staff", "GET", "/organisations/{id}/prevention-figures", fmt.Sprintf("/organisations/%d/prevention-figures", f.orgA.ID), ""); r.status == http.StatusOK {
		t.Errorf("staff read the figures")
	}
}
