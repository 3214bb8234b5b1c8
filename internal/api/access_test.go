package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestEveryRoleAgainstEveryEndpoint is the access matrix: for each endpoint,
// what each role gets. Each case acts on a fresh concern reported by
// "staff" in school A, so cases cannot affect each other.
func TestEveryRoleAgainstEveryEndpoint(t *testing.T) {
	f := newFixture(t)
	// Expected statuses in the order of fixtureRoles:
	// none, staff, staff2, manager, dsl, dslB, partnership, admin, filter.
	type want [9]int
	const (
		ok, created, unauth, forbidden, notFound = 200, 201, 401, 403, 404
	)
	seq := 0
	next := func() string { seq++; return fmt.Sprintf("00000000-0000-4000-8000-%012d", seq) }
	cases := []struct {
		method, route string
		body          func(concern, child, action int64) string
		want          want
	}{
		{"GET", "/openapi.json", nil, want{ok, ok, ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/me", nil, want{unauth, ok, ok, ok, ok, ok, ok, ok, ok}},
		{"POST", "/concerns", func(_, _, _ int64) string { return grooming }, want{unauth, created, created, created, created, created, forbidden, forbidden, forbidden}},
		{"GET", "/concerns", nil, want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden}},
		{"GET", "/concerns/{id}", nil, want{unauth, ok, notFound, notFound, ok, notFound, notFound, notFound, notFound}},
		{"PUT", "/concerns/{id}/facts", func(_, _, _ int64) string { return grooming }, want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound}},
		{"POST", "/concerns/{id}/decisions", func(_, _, _ int64) string { return `{"route":"CEOP_REPORT","decision":"done","reference":"CEOP-1"}` }, want{unauth, forbidden, notFound, notFound, created, notFound, notFound, notFound, notFound}},
		{"POST", "/concerns/{id}/actions", func(_, _, _ int64) string { return `{"title":"Check in","owner":"Head of year","due":"2099-12-01"}` }, want{unauth, forbidden, notFound, notFound, created, notFound, notFound, notFound, notFound}},
		{"POST", "/concerns/{id}/actions/{action}/done", nil, want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound}},
		{"POST", "/concerns/{id}/actions/{action}/cancel", func(_, _, _ int64) string { return `{"reason":"The club closed."}` }, want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound}},
		{"POST", "/concerns/{id}/routes", func(_, _, _ int64) string { return `{"route":"LADO_REFERRAL","reason":"The adult works at the club."}` }, want{unauth, forbidden, notFound, notFound, created, notFound, notFound, notFound, notFound}},
		{"POST", "/concerns/{id}/evidence", func(_, _, _ int64) string {
			return `{"what":"Screenshots of the chat","location":"Safeguarding drive","held_by":"DSL"}`
		}, want{unauth, created, notFound, notFound, created, notFound, notFound, notFound, notFound}},
		{"POST", "/concerns/{id}/notes", func(_, _, _ int64) string { return `{"text":"Spoke with the child."}` }, want{unauth, created, notFound, notFound, created, notFound, notFound, notFound, notFound}},
		{"POST", "/concerns/{id}/close", func(_, _, _ int64) string {
			return `{"codes":["referred_police","referred_other"],"summary":"Referred to the police and CEOP.","close_anyway":"The rest is with the police."}`
		}, want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound}},
		{"PUT", "/concerns/{id}/risk", func(_, _, _ int64) string { return `{"risk_level":"high"}` }, want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound}},
		{"PUT", "/concerns/{id}/assignment", func(_, _, _ int64) string { return fmt.Sprintf(`{"assigned_to":%d}`, f.users["dsl"].ID) }, want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound}},
		{"GET", "/concerns/{id}/assignees", nil, want{unauth, forbidden, notFound, notFound, ok, notFound, notFound, notFound, notFound}},
		{"GET", "/children", nil, want{unauth, ok, ok, ok, ok, ok, forbidden, forbidden, forbidden}},
		{"POST", "/children/import", func(_, _, _ int64) string {
			return `{"csv":"UPN,Surname,Forename\nB801200005001,Quill,Ada\n","dry_run":true}`
		}, want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, forbidden, forbidden}},
		{"GET", "/children/{id}", nil, want{unauth, forbidden, forbidden, forbidden, ok, notFound, notFound, notFound, notFound}},
		// Legal holds (h-retention2): the DSL sets them; the DSL and the administrator list them.
		{"POST", "/legal-holds", func(concern, _, _ int64) string {
			return fmt.Sprintf(`{"concern_id":%d,"basis":"police_investigation","reason":"Police ref 1."}`, concern)
		}, want{unauth, forbidden, forbidden, forbidden, created, notFound, forbidden, forbidden, forbidden}},
		{"GET", "/legal-holds", nil, want{unauth, forbidden, forbidden, forbidden, ok, ok, forbidden, ok, forbidden}},
		{"GET", "/children/{id}/chronology", nil, want{unauth, forbidden, forbidden, forbidden, ok, notFound, notFound, notFound, notFound}},
		{"GET", "/organisations", nil, want{unauth, ok, ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/users", nil, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden}},
		{"POST", "/users", func(_, _, _ int64) string { return "" }, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created, forbidden}},

		{"GET", "/filter/policy", nil, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, notFound, ok}},
		{"GET", "/filter/organisations/{id}/policy", nil, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, ok}},
		{"PUT", "/filter/organisations/{id}/policy", func(_, _, _ int64) string { return `{"groups":{}}` }, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden}},
		{"POST", "/filter/events", func(_, _, _ int64) string {
			return fmt.Sprintf(`{"events":[{"id":%q,"time":"2026-03-02T10:00:00Z","client":"10.0.0.7","group":"secondary","name":"bet.example","category":"gambling"}]}`, next())
		}, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok}},
		{"POST", "/filter/reviews", func(_, _, _ int64) string {
			return fmt.Sprintf(`{"id":%q,"time":"2026-03-02T10:00:00Z","client":"10.0.0.7","group":"secondary","name":"chess.example","category":"games","comment":"For the chess club."}`, next())
		}, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created}},
		{"POST", "/filter/worries", func(_, _, _ int64) string {
			return fmt.Sprintf(`{"id":%q,"time":"2026-03-02T10:00:00Z","client":"10.0.0.7","group":"secondary","name":"chat.example","category":"chat","text":"Someone keeps messaging me."}`, next())
		}, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created}},
		{"GET", "/filter/alerts", nil, want{unauth, forbidden, forbidden, forbidden, ok, ok, forbidden, forbidden, forbidden}},
		{"POST", "/filter/alerts/{id}/close", nil, want{unauth, forbidden, forbidden, forbidden, ok, notFound, notFound, notFound, forbidden}},
		{"GET", "/filter/reviews", nil, want{unauth, forbidden, forbidden, ok, ok, ok, forbidden, ok, forbidden}},
		{"POST", "/filter/reviews/{id}/close", func(_, _, _ int64) string { return `{"outcome":"Allowed for the chess club."}` }, want{unauth, forbidden, forbidden, ok, ok, notFound, forbidden, ok, forbidden}},
		{"GET", "/webhooks", nil, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok, forbidden}},
		{"POST", "/webhooks", func(_, _, _ int64) string { return `{"url":"https://hooks.example.org/","events":["new_concern"]}` }, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, created, forbidden}},
		{"DELETE", "/webhooks/{id}", nil, want{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, http.StatusNoContent, forbidden}},
	}
	n := 0
	for _, c := range cases {
		if strings.HasPrefix(c.route, "/filter/") && c.want[0] != unauth && c.route != "/openapi.json" {
			t.Fatalf("%s %s: a filter endpoint must refuse a call with no token", c.method, c.route)
		}
		for i, role := range fixtureRoles {
			t.Run(fmt.Sprintf("%s %s as %s", c.method, c.route, role), func(t *testing.T) {
				f.t = t
				concern, child := f.concern("staff")
				var action int64
				if strings.Contains(c.route, "{action}") {
					r := f.call("dsl", "POST", "/concerns/{id}/actions", fmt.Sprintf("/concerns/%d/actions", concern), `{"title":"Check in","owner":"Head of year","due":"2099-12-01"}`)
					var a struct{ ID int64 }
					r.decode(t, &a)
					action = a.ID
				}
				path := strings.NewReplacer("{id}", fmt.Sprint(concern), "{action}", fmt.Sprint(action)).Replace(c.route)
				switch c.route {
				case "/filter/organisations/{id}/policy":
					path = strings.Replace(c.route, "{id}", fmt.Sprint(f.orgA.ID), 1)
				case "/filter/alerts/{id}/close":
					path = strings.Replace(c.route, "{id}", fmt.Sprint(f.alert(next())), 1)
				case "/filter/reviews/{id}/close":
					path = strings.Replace(c.route, "{id}", fmt.Sprint(f.review(next())), 1)
				case "/webhooks/{id}":
					w, err := f.db.CreateWebhook(f.as("admin"), lifeguard.NewWebhook{URL: "https://hooks.example.org/",
						Events: lifeguard.WebhookEvents()})
					if err != nil {
						t.Fatal(err)
					}
					path = strings.Replace(c.route, "{id}", fmt.Sprint(w.ID), 1)
				}
				if strings.HasPrefix(c.route, "/children/") {
					path = strings.Replace(c.route, "{id}", fmt.Sprint(child), 1)
				}
				if c.route == "/children" {
					path += "?ref=C"
				}
				body := ""
				if c.body != nil {
					body = c.body(concern, child, action)
				}
				if c.route == "/users" && c.method == "POST" {
					n++
					body = fmt.Sprintf(`{"email":"new%d@test.example","name":"New","role":"staff","organisation_id":%d,"password":"a long enough passphrase"}`, n, f.orgA.ID)
				}
				r := f.call(role, c.method, c.route, path, body)
				if r.status != c.want[i] {
					t.Errorf("got %d, want %d: %s", r.status, c.want[i], r.body)
				}
				if r.status == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
					t.Error("401 without WWW-Authenticate")
				}
			})
		}
	}
	f.t = t
}

// TestNotFoundIsIndistinguishable checks that another organisation's concern
// answers exactly as one that does not exist.
func TestNotFoundIsIndistinguishable(t *testing.T) {
	f := newFixture(t)
	id, _ := f.concern("staff")
	other := f.call("dslB", "GET", "/concerns/{id}", fmt.Sprintf("/concerns/%d", id), "")
	missing := f.call("dslB", "GET", "/concerns/{id}", "/concerns/999999", "")
	if other.status != 404 || missing.status != 404 || string(other.body) != string(missing.body) {
		t.Errorf("another organisation's concern: %d %s; a missing one: %d %s", other.status, other.body, missing.status, missing.body)
	}
}
