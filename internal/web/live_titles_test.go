package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// TestRouteTitlesFollowTheDirectory: a route title changed on the
// directory's pages shows, on the next request and with no restart, on
// every page that names routes by the procedure rather than by a stored
// triage: the child's chronology (and its CSV), the concern's list of
// routes to add (and the route added), the report-done page's front-door
// contact, and the organisation's figures.
func TestRouteTitlesFollowTheDirectory(t *testing.T) {
	f := newDSLFixture(t, nil)
	const (
		police = "Riverside police non-emergency line"
		front  = "Riverside Front Door referral"
		phone  = "Riverside Front Door 0100 000 0000, 8am to 6pm"
		lado   = "Riverside LADO consultation"
	)
	// A concern reported before the change, triaged under the server's
	// procedure, with a decision on the police route.
	c := f.concern("staff", dslGroomed13, dslStart)
	if _, err := f.db.AddDecision(f.ctx("dsl"), c.ID, lifeguard.NewDecision{Route: "POLICE_101", Decision: lifeguard.DecisionDone,
		Reference: "POL-1"}); err != nil {
		t.Fatal(err)
	}
	// A concern due now whose routes carry no contact, so that the
	// report-done page gives the front door's from the procedure.
	referral := lifeguard.Route{Code: "CSC_REFERRAL", Title: "Refer to children's social care", Action: "Refer.",
		Urgency: lifeguard.Immediate, Due: &dslStart, Rules: []string{"R"}, Why: []string{"w"}}
	bare, err := f.db.CreateConcern(f.ctx("staff"), lifeguard.NewConcern{Facts: c.Facts,
		Triage: lifeguard.Triage{Procedure: f.proc.Ref(), Routes: []lifeguard.Route{referral}}})
	if err != nil {
		t.Fatal(err)
	}

	child := "/children/" + strconv.FormatInt(*c.ChildID, 10)
	concern := "/concerns/" + strconv.FormatInt(c.ID, 10)
	done := "/report/" + strconv.FormatInt(bare.ID, 10) + "/done"
	pages := []struct{ who, path, want string }{
		{"dsl", child, police + ": Done"},
		{"dsl", child + "/chronology.csv", police + ": Done"},
		{"dsl", concern, lado},
		{"staff", done, phone},
		{"dsl", "/reports", police},
	}
	for _, p := range pages {
		if got := f.get(p.who, p.path); got.status != http.StatusOK {
			t.Fatalf("%s: %d", p.path, got.status)
		} else {
			mustNotContain(t, got, p.want)
		}
	}

	edit := procedure.DirectoryEdit{Name: "Riverside Safeguarding Children Partnership", Routes: map[lifeguard.RouteCode]procedure.RouteText{
		"POLICE_101": {Title: police}, "CSC_REFERRAL": {Title: front, Contact: phone},
		"LADO_REFERRAL": {Title: lado}}}
	prop, err := f.proc.ProposeEdit(f.ctx("alertsadmin"), lifeguard.DirectoryVersion{}, edit, func(c lifeguard.RouteCode, fl string) string { return string(c) + fl })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := procedure.SaveDirectory(f.ctx("alertsadmin"), f.db, 0, 0, prop.Document, "New titles"); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		got := f.get(p.who, p.path)
		if got.status != http.StatusOK {
			t.Fatalf("%s: %d", p.path, got.status)
		}
		mustContain(t, got, p.want)
	}

	// The route a lead adds takes its title from the same version.
	added := f.postThen("dsl", concern+"/routes", url.Values{"route": {"LADO_REFERRAL"}, "reason": {"The adult works at the club."}})
	mustContain(t, added, lado)
	got := f.reload(c.ID)
	if n := len(got.AddedRoutes); n != 1 || got.AddedRoutes[0].Route.Title != lado {
		t.Errorf("added route: %+v", got.AddedRoutes)
	}
}
