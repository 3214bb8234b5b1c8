package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestFilterPolicyETag follows a filter polling its policy: the document
// with a tag, "not modified" while it stays, the new one once an
// administrator changes it.
func TestFilterPolicyETag(t *testing.T) {
	f := newFixture(t)
	get := func(etag string) response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), "GET", f.url+"/api/v1/filter/policy", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+f.tokens["filter"])
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return response{status: res.StatusCode, header: res.Header, body: b}
	}
	first := get("")
	etag := first.header.Get("ETag")
	if first.status != 200 || etag == "" || !json.Valid(first.body) || !strings.Contains(string(first.body), "secondary") {
		t.Fatalf("first poll: %d %q %s", first.status, etag, first.body)
	}
	if r := get(etag); r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != etag {
		t.Errorf("poll with the same tag: %d %q %s", r.status, r.header.Get("ETag"), r.body)
	}
	r := f.call("admin", "PUT", "/filter/organisations/{id}/policy", fmt.Sprintf("/filter/organisations/%d/policy", f.orgA.ID),
		`{"groups":{"primary":{"categories":["games"]}}}`)
	if r.status != 200 || r.header.Get("ETag") == etag {
		t.Fatalf("set policy: %d %s", r.status, r.body)
	}
	if r := get(etag); r.status != 200 || !strings.Contains(string(r.body), "primary") || r.header.Get("ETag") == etag {
		t.Errorf("poll after a change: %d %s", r.status, r.body)
	}
	// A document that is not an object is refused, and the policy stays.
	bad := f.call("admin", "PUT", "/filter/organisations/{id}/policy", fmt.Sprintf("/filter/organisations/%d/policy", f.orgA.ID), `["games"]`)
	wantProblems(t, bad, "policy")
}

// wantProblems checks a 422 whose problems name each path.
func wantProblems(t *testing.T, r response, paths ...string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", r.status, r.body)
	}
	var body struct {
		Problems []lifeguard.Problem `json:"problems"`
	}
	r.decode(t, &body)
	for _, p := range paths {
		if !slices.ContainsFunc(body.Problems, func(x lifeguard.Problem) bool { return x.Path == p }) {
			t.Errorf("problems %v do not name %s", body.Problems, p)
		}
	}
}

func TestFilterEventsOverHTTP(t *testing.T) {
	f := newFixture(t)
	ev := func(n int, fields string) string {
		return fmt.Sprintf(`{"id":"00000000-0000-4000-8000-%012d","time":"2026-03-02T10:0%d:00Z","client":"10.0.0.7","group":"secondary","name":"harm.example","category":"self_harm"%s}`, n, n%10, fields)
	}
	post := func(events ...string) response {
		return f.call("filter", "POST", "/filter/events", "/filter/events", `{"events":[`+strings.Join(events, ",")+`]}`)
	}
	r := post(ev(1, ""), ev(2, ""))
	if r.status != 200 || !strings.Contains(string(r.body), `"accepted":2`) || !strings.Contains(string(r.body), `"duplicates":0`) {
		t.Fatalf("first batch: %d %s", r.status, r.body)
	}
	r = post(ev(1, ""), ev(2, ""), ev(3, ""))
	if r.status != 200 || !strings.Contains(string(r.body), `"accepted":3`) || !strings.Contains(string(r.body), `"duplicates":2`) {
		t.Fatalf("resent batch: %d %s", r.status, r.body)
	}
	alerts := f.call("dsl", "GET", "/filter/alerts", "/filter/alerts?status=open", "")
	var al struct{ Alerts []lifeguard.FilterAlert }
	alerts.decode(t, &al)
	if len(al.Alerts) != 1 || al.Alerts[0].Attempts != 3 {
		t.Errorf("alerts after three attempts in one hour: %s", alerts.body)
	}

	wantProblems(t, post(ev(4, ""), strings.Replace(ev(5, ""), "2026-03-02T10:05:00Z", "yesterday", 1)), "events[1].time")
	wantProblems(t, post(ev(6, `,"colour":"red"`)), "events[0].colour")
	wantProblems(t, post(ev(7, ""), strings.Replace(ev(8, ""), `"client":"10.0.0.7"`, `"client":7`, 1)), "events[1].client")
	wantProblems(t, f.call("filter", "POST", "/filter/events", "/filter/events", `{}`), "events")
	many := make([]string, lifeguard.MaxFilterBatch+1)
	for i := range many {
		many[i] = ev(100+i, "")
	}
	wantProblems(t, post(many...), "events")
	wantProblems(t, f.call("dsl", "GET", "/filter/alerts", "/filter/alerts?status=all", ""), "status")
}

// TestFilterWorryBecomesConcern sends a worry as the filter and finds it
// as a concern in the DSL's inbox, in the child's words, and nowhere in
// the logs.
func TestFilterWorryBecomesConcern(t *testing.T) {
	f := newFixture(t)
	words := "a man in the game said he would come to my school"
	body := `{"id":"00000000-0000-4000-8000-000000000001","time":"2026-03-02T10:00:00Z","client":"10.0.0.7","group":"secondary","name":"secret-chat.example","category":"chat","text":"` + words + `"}`
	r := f.call("filter", "POST", "/filter/worries", "/filter/worries", body)
	if r.status != http.StatusCreated {
		t.Fatalf("worry: %d %s", r.status, r.body)
	}
	if again := f.call("filter", "POST", "/filter/worries", "/filter/worries", body); again.status != http.StatusOK {
		t.Errorf("resent worry: %d %s", again.status, again.body)
	}
	inbox := f.call("dsl", "GET", "/concerns", "/concerns?status=open&order=due", "")
	var page lifeguard.ConcernPage
	inbox.decode(t, &page)
	var found []int64
	for _, c := range page.Concerns {
		if c.ReporterID == f.users["filter"].ID {
			found = append(found, c.ID)
		}
	}
	if len(found) != 1 {
		t.Fatalf("concerns reported by the filter in the DSL's inbox: %v, want one", found)
	}
	one := f.call("dsl", "GET", "/concerns/{id}", fmt.Sprintf("/concerns/%d", found[0]), "")
	var c lifeguard.Concern
	one.decode(t, &c)
	if c.Facts.Description != words || c.Facts.Child != nil || c.ChildID != nil || c.Facts.Setting != "school" ||
		len(c.Triage.Routes) == 0 || c.Facts.OccurredAt == nil {
		t.Errorf("concern from the worry: %+v", c)
	}
	if strings.Contains(f.logs.String(), "secret-chat") || strings.Contains(f.logs.String(), "would come") {
		t.Errorf("the logs hold the worry: %s", f.logs.String())
	}
	wantProblems(t, f.call("filter", "POST", "/filter/worries", "/filter/worries",
		strings.Replace(strings.Replace(body, words, " ", 1), "0001", "0002", 1)), "text")
}

// TestFilterWorryAbout sends a worry with what the child chose it is about,
// without words of their own, and finds the concern triaged as that harm;
// an unknown choice is refused naming the field.
func TestFilterWorryAbout(t *testing.T) {
	f := newFixture(t)
	body := `{"id":"00000000-0000-4000-8000-000000000011","time":"2026-03-02T10:00:00Z","client":"10.0.0.7","name":"game.example","category":"games","about":"meeting"}`
	if r := f.call("filter", "POST", "/filter/worries", "/filter/worries", body); r.status != http.StatusCreated {
		t.Fatalf("worry: %d %s", r.status, r.body)
	}
	inbox := f.call("dsl", "GET", "/concerns", "/concerns?status=open&order=due", "")
	var page lifeguard.ConcernPage
	inbox.decode(t, &page)
	var id int64
	for _, s := range page.Concerns {
		if s.ReporterID == f.users["filter"].ID {
			id = s.ID
		}
	}
	if id == 0 {
		t.Fatal("the worry is not in the DSL's inbox")
	}
	one := f.call("dsl", "GET", "/concerns/{id}", fmt.Sprintf("/concerns/%d", id), "")
	var full lifeguard.Concern
	one.decode(t, &full)
	if !slices.Equal(full.Facts.ConcernTypes, []lifeguard.ConcernType{"grooming"}) || !full.Facts.Details.MeetingArranged ||
		!slices.ContainsFunc(full.Triage.Routes, func(r lifeguard.Route) bool { return r.Urgency == lifeguard.Immediate }) {
		t.Errorf("concern from a worry about meeting: types %v, routes %v", full.Facts.ConcernTypes, full.Triage.Routes)
	}
	wantProblems(t, f.call("filter", "POST", "/filter/worries", "/filter/worries",
		strings.Replace(strings.Replace(body, `"meeting"`, `"ponies"`, 1), "0011", "0012", 1)), "about")
	wantProblems(t, f.call("filter", "POST", "/filter/worries", "/filter/worries",
		strings.Replace(strings.Replace(body, `"meeting"`, `7`, 1), "0011", "0013", 1)), "about")
}
