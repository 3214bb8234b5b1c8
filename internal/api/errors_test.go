package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func TestErrors(t *testing.T) {
	f := newFixture(t)
	id, _ := f.concern("staff")
	concern := fmt.Sprintf("/concerns/%d", id)
	x, err := f.db.AddAction(f.as("dsl"), id, lifeguard.NewAction{Title: "Check in", Owner: "DSL",
		Due: lifeguard.DateOf(time.Now().AddDate(0, 0, 2))})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name        string
		role        string
		method      string
		route, path string
		body        string
		contentType string
		status      int
		code        string
		paths       []string
	}{
		{"malformed JSON", "staff", "POST", "/concerns", "/concerns", `{"setting":`, "", 400, "malformed", nil},
		{"wrong content type", "staff", "POST", "/concerns", "/concerns", grooming, "text/plain", 415, "unsupported_media_type", nil},
		{"too large", "staff", "POST", "/concerns", "/concerns", `{"description":"` + strings.Repeat("x", 300<<10) + `"}`, "", 413, "too_large", nil},
		{"invalid facts list every problem", "staff", "POST", "/concerns", "/concerns",
			`{"setting":"school","concern_types":["sexting"],"child":{"age":19,"name":"Sam"},"child_role":"victim"}`, "", 422, "invalid",
			[]string{"concern_types[0]", "child.age", "child.name"}},
		{"reported_at is the server's", "staff", "POST", "/concerns", "/concerns",
			`{"reported_at":"2026-11-18T10:00:00Z","setting":"school","concern_types":["other"],"child":{"age":9}}`, "", 422, "invalid", []string{"reported_at"}},
		{"unknown query parameter", "dsl", "GET", "/concerns", "/concerns?stauts=new", "", "", 422, "invalid", []string{"stauts"}},
		{"bad filter values", "dsl", "GET", "/concerns", "/concerns?status=opened&limit=500&order=oldest", "", "", 422, "invalid", []string{"status", "limit", "order"}},
		{"bad cursor", "dsl", "GET", "/concerns", "/concerns?cursor=nonsense", "", "", 422, "invalid", []string{"cursor"}},
		{"decline needs a reason", "dsl", "POST", "/concerns/{id}/decisions", concern + "/decisions", `{"route":"INFORM_PARENTS","decision":"declined"}`, "", 422, "invalid", []string{"reason"}},
		{"decision on a route the concern lacks", "dsl", "POST", "/concerns/{id}/decisions", concern + "/decisions", `{"route":"LADO_REFERRAL","decision":"done"}`, "", 422, "invalid", []string{"route"}},
		{"unknown field in a decision", "dsl", "POST", "/concerns/{id}/decisions", concern + "/decisions", `{"route":"CEOP_REPORT","decision":"done","by":"me"}`, "", 422, "invalid", []string{"by"}},
		{"wrong type in a decision", "dsl", "POST", "/concerns/{id}/decisions", concern + "/decisions", `{"route":7,"decision":"done"}`, "", 422, "invalid", []string{"route"}},
		{"evidence hash must be SHA-256", "dsl", "POST", "/concerns/{id}/evidence", concern + "/evidence", `{"what":"a","location":"b","held_by":"c","sha256":"abc"}`, "", 422, "invalid", []string{"sha256"}},
		{"action needs a real date", "dsl", "POST", "/concerns/{id}/actions", concern + "/actions", `{"title":"a","owner":"b","due":"2026-02-30"}`, "", 422, "invalid", nil},
		{"action due in the past", "dsl", "POST", "/concerns/{id}/actions", concern + "/actions", `{"title":"a","owner":"b","due":"1970-01-01"}`, "", 422, "invalid", []string{"due"}},
		{"bad outcome", "dsl", "POST", "/concerns/{id}/close", concern + "/close", `{"code":"sorted","summary":"x"}`, "", 422, "invalid", []string{"code"}},
		{"bad outcome in the list", "dsl", "POST", "/concerns/{id}/close", concern + "/close", `{"codes":["referred_csc","sorted"],"summary":"x"}`, "", 422, "invalid", []string{"codes"}},
		{"close with routes undecided", "dsl", "POST", "/concerns/{id}/close", concern + "/close", `{"code":"referred_csc","summary":"x"}`, "", 422, "invalid", []string{"close_anyway"}},
		{"cancel needs a reason", "dsl", "POST", "/concerns/{id}/actions/{action}/cancel", fmt.Sprintf("%s/actions/%d/cancel", concern, x.ID), `{"reason":""}`, "", 422, "invalid", []string{"reason"}},
		{"added route must be the procedure's", "dsl", "POST", "/concerns/{id}/routes", concern + "/routes", `{"route":"NOT_A_ROUTE","reason":""}`, "", 422, "invalid", []string{"route", "reason"}},
		{"not a number id", "dsl", "GET", "", "/concerns/abc", "", "", 404, "not_found", nil},
		{"unknown endpoint", "dsl", "GET", "", "/frobnicate", "", "", 404, "not_found", nil},
		{"bad token", "bad", "GET", "/me", "/me", "", "", 401, "unauthorized", nil},
	}
	f.tokens["bad"] = "lg_notarealtoken"
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.t = t
			r := f.callType(c.role, c.method, c.route, c.path, c.body, c.contentType)
			if r.status != c.status {
				t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
			}
			var e struct {
				Error    string              `json:"error"`
				Code     string              `json:"code"`
				Problems []lifeguard.Problem `json:"problems"`
			}
			r.decode(t, &e)
			if e.Code != c.code || e.Error == "" {
				t.Errorf("error body %s, want code %s", r.body, c.code)
			}
			for _, p := range c.paths {
				found := false
				for _, got := range e.Problems {
					found = found || got.Path == p
				}
				if !found {
					t.Errorf("problems %+v lack path %s", e.Problems, p)
				}
			}
		})
	}
	f.t = t
}

func TestClosedConcernRefusesChanges(t *testing.T) {
	f := newFixture(t)
	id, _ := f.concern("staff")
	p := fmt.Sprintf("/concerns/%d", id)
	if r := f.call("dsl", "POST", "/concerns/{id}/close", p+"/close", `{"code":"referred_police","summary":"Referred.","close_anyway":"Referred; the rest is with the police."}`); r.status != 200 {
		t.Fatalf("close: %d %s", r.status, r.body)
	}
	for _, c := range []struct{ route, body string }{
		{"/concerns/{id}/notes", `{"text":"late note"}`},
		{"/concerns/{id}/decisions", `{"route":"CEOP_REPORT","decision":"done"}`},
		{"/concerns/{id}/close", `{"code":"referred_police","summary":"again"}`},
	} {
		if r := f.call("dsl", "POST", c.route, strings.Replace(c.route, "{id}", fmt.Sprint(id), 1), c.body); r.status != http.StatusConflict {
			t.Errorf("%s on a closed concern: %d %s", c.route, r.status, r.body)
		}
	}
}

// TestLogsHoldNoPersonalData sends concerns whose text and references are
// personal and checks that none of it reaches the server's log.
func TestLogsHoldNoPersonalData(t *testing.T) {
	f := newFixture(t)
	body := `{"setting":"school","concern_types":["cyberbullying"],"child":{"age":13},"child_role":"victim","description":"Jordan Smith-Okafor was sent messages"}`
	r := f.call("staff", "POST", "/concerns", "/concerns?child_ref=JSO-PRIVATE-7", body)
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	f.call("staff", "POST", "", "/concerns", `{"setting":"school","concern_types":["nope"],"description":"Jordan Smith-Okafor again"}`)
	f.call("dsl", "GET", "/concerns", "/concerns?child_id=1", "")
	logs := f.logs.String()
	if !strings.Contains(logs, `"route":"POST /api/v1/concerns"`) {
		t.Fatalf("requests are not logged: %s", logs)
	}
	for _, secret := range []string{"Jordan", "Okafor", "JSO-PRIVATE", "staff@test.example", f.tokens["staff"]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %q:\n%s", secret, logs)
		}
	}
}

// FuzzCreateConcern sends arbitrary bodies to POST /concerns: whatever they
// hold, the answer is never a 5xx.
func FuzzCreateConcern(f *testing.F) {
	f.Add(grooming)
	f.Add(`{"setting":"school","concern_types":["nudes_sharing"],"child":{"date_of_birth":"2012-02-29"},"images":{"involved":true}}`)
	f.Add(`{"setting":null}`)
	f.Add(`[]`)
	f.Add(`{"concern_types":["staff_conduct"],"setting":"health","staff":{"private_contact":true}}`)
	fx := newFixture(f)
	f.Fuzz(func(t *testing.T, body string) {
		fx.t = t
		r := fx.callType("staff", "POST", "", "/concerns", body, "application/json")
		if r.status >= 500 {
			t.Fatalf("%d for %q: %s", r.status, body, r.body)
		}
	})
}

func (f *fixture) callType(role, method, route, path, body, contentType string) response {
	f.t.Helper()
	if contentType == "" {
		return f.call(role, method, route, path, body)
	}
	return f.callWith(role, method, route, path, body, contentType)
}
