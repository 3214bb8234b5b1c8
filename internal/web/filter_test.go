package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// TestFilterPages sends what a DNS filter would (through the store, as the
// API does) and works it in the pages: the DSL sees the alert, starts a
// concern from it and marks it dealt with; a request to review a block is
// closed with what was decided.
func TestFilterPages(t *testing.T) {
	f := newDSLFixture(t, func(db *sqlstore.DB, s *web.Stores) { s.Filter = db })
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	fu, err := f.db.CreateUser(sys, lifeguard.NewUser{Email: "filter@demo.test", Name: "Filter", Role: lifeguard.RoleFilter,
		OrganisationID: f.orgA.ID})
	if err != nil {
		t.Fatal(err)
	}
	filter := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: fu.ID, Role: fu.Role, OrganisationID: fu.OrganisationID,
		PartnershipID: fu.PartnershipID, Via: "token"})
	at := f.clock.Now().Add(-30 * time.Minute)
	var events []lifeguard.FilterEvent
	for i, name := range []string{"harm-one.example", "harm-two.example", "harm-one.example"} {
		events = append(events, lifeguard.FilterEvent{ID: "00000000-0000-4000-8000-00000000000" + strconv.Itoa(i),
			Time: at.Add(time.Duration(i) * time.Minute), Client: "10.0.0.7", Group: "secondary", Name: name, Category: "self_harm"})
	}
	if _, err := f.db.RecordFilterEvents(filter, events); err != nil {
		t.Fatal(err)
	}

	inbox := f.get("dsl", "/inbox")
	mustContain(t, inbox, `href="/filter/alerts"`, `href="/filter/reviews"`)
	p := f.get("dsl", "/filter/alerts")
	checkPage(t, p)
	mustContain(t, p, "self-harm and suicide: 3 attempts from 10.0.0.7", "harm-one.example, harm-two.example", "group secondary")
	if s := f.get("staff", "/filter/alerts").status; s != http.StatusForbidden {
		t.Errorf("staff see the alerts: %d", s)
	}
	if other := f.get("dslB", "/filter/alerts"); strings.Contains(other.body, "10.0.0.7") {
		t.Error("school B's DSL sees school A's alert")
	}

	alerts, err := f.db.FilterAlerts(f.ctx("dsl"), "")
	if err != nil || len(alerts) != 1 {
		t.Fatalf("alerts: %v %v", alerts, err)
	}
	id := strconv.FormatInt(alerts[0].ID, 10)
	report := f.get("dsl", "/report?from_alert="+id)
	if report.status != http.StatusOK {
		t.Fatalf("report from the alert: %d", report.status)
	}
	mustContain(t, report, "The DNS filter blocked 3 attempts to reach self-harm and suicide sites from the device 10.0.0.7")
	if s := f.get("dslB", "/report?from_alert="+id).status; s != http.StatusNotFound {
		t.Errorf("school B's DSL starts a report from school A's alert: %d", s)
	}

	c := f.concern("dsl", dslBullying, dslStart)
	done := f.postThen("dsl", "/filter/alerts/"+id+"/close", url.Values{"concern": {strconv.FormatInt(c.ID, 10)}})
	mustContain(t, done, "The alert is marked as dealt with.", "There are no alerts to deal with.",
		`href="/concerns/`+strconv.FormatInt(c.ID, 10)+`"`)
	if again := f.post("dsl", "/filter/alerts/"+id+"/close", url.Values{}); again.status != http.StatusConflict {
		t.Errorf("closing twice: %d", again.status)
	}

	if _, _, err := f.db.RecordFilterReview(filter, lifeguard.NewFilterReview{FilterAttempt: lifeguard.FilterAttempt{
		ID: "00000000-0000-4000-8000-000000000100", Time: at, Client: "10.0.0.8", Name: "chess.example", Category: "games"},
		Comment: "We use it in chess club"}); err != nil {
		t.Fatal(err)
	}
	rv := f.get("dsl", "/filter/reviews")
	checkPage(t, rv)
	mustContain(t, rv, "chess.example, blocked as games", "We use it in chess club")
	reviews, err := f.db.FilterReviews(f.ctx("dsl"), lifeguard.FilterOpen)
	if err != nil || len(reviews) != 1 {
		t.Fatalf("reviews: %v %v", reviews, err)
	}
	closeURL := "/filter/reviews/" + strconv.FormatInt(reviews[0].ID, 10) + "/close"
	if bad := f.post("dsl", closeURL, url.Values{"outcome": {" "}}); bad.status != http.StatusUnprocessableEntity {
		t.Errorf("closing without saying what was decided: %d", bad.status)
	}
	closed := f.postThen("dsl", closeURL, url.Values{"outcome": {"Allowed for secondary."}})
	mustContain(t, closed, "There are no requests waiting.", "Allowed for secondary.")
	if s := f.get("staff", "/filter/reviews").status; s != http.StatusForbidden {
		t.Errorf("staff see review requests: %d", s)
	}
}
