package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// badJSONTexts are strings that are not text, as they can arrive in a JSON
// body: a NUL (escaped: raw, it is not well-formed JSON), raw invalid UTF-8,
// and a lone surrogate escape. The last two encoding/json would replace
// with U+FFFD without a word.
var badJSONTexts = []struct{ name, s string }{
	{"NUL", `before\u0000after`},
	{"invalid UTF-8", "before\xffafter"},
	{"lone surrogate", `before\ud800after`},
}

// badQueryTexts are the same faults in a query string.
var badQueryTexts = []struct{ name, s string }{
	{"NUL", "before%00after"},
	{"invalid UTF-8", "before%FFafter"},
}

// textField is one free-text field of the API: who sends it, where, and a
// body (or query) with %s where the bad text goes.
type textField struct {
	name, role, method, route, path, body, field string
	query                                        bool // %s is in path's query, not in body
}

func textFields(f *fixture, concern int64, route lifeguard.RouteCode, review int64) []textField {
	c := fmt.Sprintf("/concerns/%d", concern)
	due := lifeguard.DateOf(time.Now().AddDate(0, 1, 0)).String()
	facts := func(extra string) string {
		return `{"setting":"school","concern_types":["grooming"],"child":{"age":12},"child_role":"victim",` +
			`"parties":{"adult_involved":true},` + extra + `}`
	}
	attempt := func(n int) string {
		return fmt.Sprintf(`"id":"00000000-0000-4000-8000-%012d","time":%q,"client":"10.0.0.7","name":"bad.example",`+
			`"category":"games"`, n, time.Now().UTC().Format(time.RFC3339))
	}
	user := func(email, name string) string {
		return fmt.Sprintf(`{"email":"%s","name":"%s","role":"staff","organisation_id":%d,`+
			`"password":"correct horse battery staple"}`, email, name, f.orgA.ID)
	}
	return []textField{
		{name: "report description", role: "staff", method: "POST", route: "/concerns", path: "/concerns",
			body: facts(`"description":"%s"`), field: "description"},
		{name: "report platform", role: "staff", method: "POST", route: "/concerns", path: "/concerns",
			body: facts(`"details":{"platform":"%s"}`), field: "details.platform"},
		{name: "report child_ref", role: "staff", method: "POST", route: "/concerns", path: "/concerns?child_ref=%s",
			body: grooming, field: "child_ref", query: true},
		{name: "facts description", role: "dsl", method: "PUT", route: "/concerns/{id}/facts", path: c + "/facts",
			body: facts(`"description":"%s"`), field: "description"},
		{name: "decision reason", role: "dsl", method: "POST", route: "/concerns/{id}/decisions", path: c + "/decisions",
			body: `{"route":"` + string(route) + `","decision":"declined","reason":"%s"}`, field: "reason"},
		{name: "decision reference", role: "dsl", method: "POST", route: "/concerns/{id}/decisions", path: c + "/decisions",
			body: `{"route":"` + string(route) + `","decision":"done","reference":"%s"}`, field: "reference"},
		{name: "action title", role: "dsl", method: "POST", route: "/concerns/{id}/actions", path: c + "/actions",
			body: `{"title":"%s","owner":"DSL","due":"` + due + `"}`, field: "title"},
		{name: "action owner", role: "dsl", method: "POST", route: "/concerns/{id}/actions", path: c + "/actions",
			body: `{"title":"Call","owner":"%s","due":"` + due + `"}`, field: "owner"},
		{name: "evidence what", role: "dsl", method: "POST", route: "/concerns/{id}/evidence", path: c + "/evidence",
			body: `{"what":"%s","location":"Safe","held_by":"DSL"}`, field: "what"},
		{name: "evidence location", role: "dsl", method: "POST", route: "/concerns/{id}/evidence", path: c + "/evidence",
			body: `{"what":"Phone","location":"%s","held_by":"DSL"}`, field: "location"},
		{name: "evidence held_by", role: "dsl", method: "POST", route: "/concerns/{id}/evidence", path: c + "/evidence",
			body: `{"what":"Phone","location":"Safe","held_by":"%s"}`, field: "held_by"},
		{name: "note", role: "staff", method: "POST", route: "/concerns/{id}/notes", path: c + "/notes",
			body: `{"text":"%s"}`, field: "text"},
		{name: "close summary", role: "dsl", method: "POST", route: "/concerns/{id}/close", path: c + "/close",
			body: `{"code":"handled_in_setting","summary":"%s"}`, field: "summary"},
		{name: "list status", role: "dsl", method: "GET", route: "/concerns", path: "/concerns?status=%s",
			field: "status", query: true},
		{name: "list type", role: "dsl", method: "GET", route: "/concerns", path: "/concerns?type=%s",
			field: "type", query: true},
		{name: "list cursor", role: "dsl", method: "GET", route: "/concerns", path: "/concerns?cursor=%s",
			field: "cursor", query: true},
		{name: "find child ref", role: "staff", method: "GET", route: "/children", path: "/children?ref=%s",
			field: "ref", query: true},
		{name: "user name", role: "admin", method: "POST", route: "/users", path: "/users",
			body: user("text.test@example.org", "%s"), field: "name"},
		{name: "user email", role: "admin", method: "POST", route: "/users", path: "/users",
			body: user("text%s@example.org", "New"), field: "email"},
		{name: "filter event name", role: "filter", method: "POST", route: "/filter/events", path: "/filter/events",
			body: `{"events":[{` + strings.Replace(attempt(801), "bad.example", "%s", 1) + `}]}`, field: "events[0].name"},
		{name: "filter review comment", role: "filter", method: "POST", route: "/filter/reviews", path: "/filter/reviews",
			body: `{` + attempt(802) + `,"comment":"%s"}`, field: "comment"},
		{name: "filter worry", role: "filter", method: "POST", route: "/filter/worries", path: "/filter/worries",
			body: `{` + attempt(803) + `,"text":"%s"}`, field: "text"},
		{name: "filter review outcome", role: "dsl", method: "POST", route: "/filter/reviews/{id}/close",
			path: fmt.Sprintf("/filter/reviews/%d/close", review), body: `{"outcome":"%s"}`, field: "outcome"},
		{name: "filter alerts status", role: "dsl", method: "GET", route: "/filter/alerts", path: "/filter/alerts?status=%s",
			field: "status", query: true},
		{name: "filter reviews status", role: "dsl", method: "GET", route: "/filter/reviews", path: "/filter/reviews?status=%s",
			field: "status", query: true},
	}
}

// TestBadText sends a NUL, invalid UTF-8 and a lone surrogate in every
// free-text field and query parameter of the API, over HTTP to a real
// server on each engine, and checks each answer is a 422 naming the field:
// never a 500 on PostgreSQL, never a stored value on SQLite.
func TestBadText(t *testing.T) {
	engines := []struct {
		name string
		new  func(t *testing.T) *fixture
	}{
		{"sqlite", func(t *testing.T) *fixture { return newFixture(t) }},
		{"postgres", func(t *testing.T) *fixture {
			return newFixtureOn(t, sqlstore.Config{DSN: pgtest.Database(t)})
		}},
	}
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			f := eng.new(t)
			concern, _ := f.concern("staff")
			c, err := f.db.Concern(f.as("dsl"), concern)
			if err != nil || len(c.Triage.Routes) == 0 {
				t.Fatalf("the concern's triage: %+v, %v", c, err)
			}
			review := f.review("00000000-0000-4000-8000-000000000800")
			for _, tf := range textFields(f, concern, c.Triage.Routes[0].Code, review) {
				kinds := badJSONTexts
				if tf.query {
					kinds = badQueryTexts
				}
				for _, bad := range kinds {
					t.Run(tf.name+"/"+bad.name, func(t *testing.T) {
						path, body := tf.path, tf.body
						if tf.query {
							path = fmt.Sprintf(path, bad.s)
						} else {
							body = fmt.Sprintf(body, bad.s)
						}
						wantFieldProblem(t, f.call(tf.role, tf.method, tf.route, path, body), tf.field)
					})
				}
			}
			// The policy document is stored as it is sent, so raw invalid
			// UTF-8 in it is refused; escapes in it are the policy's own.
			t.Run("filter policy/invalid UTF-8", func(t *testing.T) {
				r := f.call("admin", "PUT", "/filter/organisations/{id}/policy",
					fmt.Sprintf("/filter/organisations/%d/policy", f.orgA.ID), "{\"note\":\"before\xffafter\"}")
				wantFieldProblem(t, r, "policy")
			})
			if strings.Contains(f.logs.String(), `"status":500`) {
				t.Errorf("a bad text was a server error:\n%s", f.logs.String())
			}
		})
	}
}

// wantFieldProblem checks that r is a 422 whose problems name field.
func wantFieldProblem(t *testing.T, r response, field string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", r.status, r.body)
	}
	var body struct {
		Code     string              `json:"code"`
		Problems []lifeguard.Problem `json:"problems"`
	}
	r.decode(t, &body)
	if body.Code != lifeguard.EINVALID || !slices.ContainsFunc(body.Problems, func(p lifeguard.Problem) bool {
		return p.Path == field
	}) {
		t.Fatalf("answer %s does not name %q", r.body, field)
	}
}
