package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestCancelAction: an action is cancelled from the concern page with a
// reason, which is required, and shows as cancelled, by whom, and why.
func TestCancelAction(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslBullying, dslStart)
	path := concernPath(c)
	x, err := f.db.AddAction(f.ctx("dsl"), c.ID, lifeguard.NewAction{Title: "Speak to the form tutor", Owner: "DSL",
		Due: lifeguard.DateOf(dslStart.AddDate(0, 0, 2))})
	if err != nil {
		t.Fatal(err)
	}
	id := strconv.FormatInt(x.ID, 10)
	cancel := path + "/actions/" + id + "/cancel"

	p := f.get("dsl", path)
	checkPage(t, p)
	mustContain(t, p, `action="`+cancel+`"`, "To do", "Action still to do: Speak to the form tutor")

	p = f.post("dsl", cancel, url.Values{"reason": {"  "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no reason: status %d, want 422", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, `<a href="#cancel-`+id+`-reason">Reason for cancelling is required</a>`, `id="cancel-`+id+`-reason"`)

	if p := f.post("staff", cancel, url.Values{"reason": {"x"}}); p.status != http.StatusForbidden {
		t.Errorf("the reporter cancelling: %d, want 403", p.status)
	}
	p = f.postThen("dsl", cancel, url.Values{"reason": {"The tutor left; the head of year has it now."}})
	checkPage(t, p)
	mustContain(t, p, "The action is cancelled", "Cancelled", "The tutor left; the head of year has it now.")
	mustNotContain(t, p, `action="`+cancel+`"`, `action="`+path+`/actions/`+id+`/done"`,
		"Action still to do: Speak to the form tutor")
	if p := f.post("dsl", cancel, url.Values{"reason": {"Again."}}); p.status != http.StatusConflict {
		t.Errorf("cancelling twice: %d, want 409", p.status)
	}
}

// TestAddRoute: a DSL adds a route of the procedure with a reason; it is
// then decided like the others; the reporter does not see it.
func TestAddRoute(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslBullying, dslStart)
	path := concernPath(c)
	var add lifeguard.Route
	for _, r := range f.proc.RouteCodes() {
		if !c.Triage.HasRoute(r.Code) {
			add = r
			break
		}
	}
	code := string(add.Code)

	p := f.get("dsl", path)
	checkPage(t, p)
	mustContain(t, p, "Add a route the procedure did not give", `<option value="`+code+`">`)

	p = f.post("dsl", path+"/routes", url.Values{"route": {code}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no reason: %d, want 422", p.status)
	}
	mustContain(t, p, `<a href="#add-route-reason">Reason for adding it is required</a>`, `value="`+code+`" selected`)
	p = f.post("dsl", path+"/routes", url.Values{"route": {"NOT_A_ROUTE"}, "reason": {"Because."}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("unknown route: %d, want 422", p.status)
	}
	mustContain(t, p, `<a href="#add-route">Route &#34;NOT_A_ROUTE&#34; is not a route of the procedure in force</a>`)
	if p := f.post("staff", path+"/routes", url.Values{"route": {code}, "reason": {"x"}}); p.status != http.StatusForbidden {
		t.Errorf("the reporter adding a route: %d, want 403", p.status)
	}

	p = f.postThen("dsl", path+"/routes", url.Values{"route": {code}, "reason": {"The messages include a threat to share a photo."}})
	checkPage(t, p)
	mustContain(t, p, `id="route-`+code+`">`+html.EscapeString(add.Title)+`</h3>`, "the procedure did not give this route",
		"The messages include a threat to share a photo.", `name="route" value="`+code+`"`,
		"Route not decided: "+html.EscapeString(add.Title))
	mustNotContain(t, p, `<option value="`+code+`">`)

	p = f.postThen("dsl", path+"/decisions", url.Values{"route": {code}, "decision": {"done"}})
	mustNotContain(t, p, "Route not decided: "+html.EscapeString(add.Title))

	p = f.get("staff", path)
	mustNotContain(t, p, "the procedure did not give this route", "The messages include a threat")
}

// TestMyReports: a member of staff sees each concern they reported, its
// status and when it was closed, and nothing of the DSL's work or of
// anyone else's concerns.
func TestMyReports(t *testing.T) {
	f := newDSLFixture(t, nil)
	open := f.concern("staff", dslBullying, dslStart)
	closed := f.concern("staff", dslGambling, dslStart.Add(-48*time.Hour))
	other := f.concern("staff2", dslMisinfo, dslStart)
	dsl := f.ctx("dsl")
	if _, err := f.db.AddNote(dsl, closed.ID, "Spoke to the parents about the card."); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CloseConcern(dsl, closed.ID, lifeguard.NewOutcome{Code: "early_help", Summary: "Early help for the family.",
		CloseAnyway: "The advice was given at the meeting."}); err != nil {
		t.Fatal(err)
	}

	p := f.get("staff", "/my-reports")
	if p.status != http.StatusOK {
		t.Fatalf("status %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, `<a href="/my-reports" aria-current="page">My reports</a>`,
		`href="`+concernPath(open)+`"`, `href="`+concernPath(closed)+`"`, "Closed", "New",
		"Not yet: waiting for your safeguarding lead")
	mustNotContain(t, p, `href="`+concernPath(other)+`"`, "Spoke to the parents", "Early help for the family",
		"The advice was given", "Early help started")

	if p := f.get("staff2", "/my-reports"); !strings.Contains(p.body, concernPath(other)) || strings.Contains(p.body, concernPath(open)) {
		t.Errorf("staff2's reports: %s", p.body)
	}
	if p := f.get("dsl", "/"); strings.Contains(p.body, `href="/my-reports"`) {
		t.Error("the DSL's navigation links My reports; they have the inbox")
	}
	if p := f.get("dsl", "/my-reports"); p.status != http.StatusOK || strings.Contains(p.body, concernPath(open)) {
		t.Errorf("the DSL's own reports: %d", p.status)
	}
}
