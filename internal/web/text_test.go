package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// badFormTexts are text a browser, or anyone posting a form, can send that
// one engine keeps and the other refuses. Form decoding keeps the bytes as
// they are, so both reach the handlers; each must come back as the form
// with its problem, on both engines.
var badFormTexts = []struct{ name, s, problem string }{
	{"NUL", "before\x00after", "must not contain a NUL character (U+0000)"},
	{"invalid UTF-8", "before\xffafter", "must be valid UTF-8 text"},
}

// bad marks where a form case puts the bad text.
const bad = "\x01BAD\x01"

// formCase is one free-text field of a form: who posts it, where, the form
// with bad in the field, and the id of the field the problem must link to.
type formCase struct {
	name, who, path string
	form            url.Values
	field           string
}

// numberFields say what they say of anything that is not a number, a bad
// text included.
var numberFields = map[string]string{"filter alert concern": "must be the concern's number"}

// TestBadTextForms posts a NUL and invalid UTF-8 in every free-text field
// of every form to the pages over a real store, on SQLite and PostgreSQL,
// and checks each answer is the form again (422) with the problem linked to
// the field: never a server error, never a stored value.
func TestBadTextForms(t *testing.T) {
	engines := []struct {
		name string
		dsn  func(t *testing.T) string
	}{
		{"sqlite", func(*testing.T) string { return "" }},
		{"postgres", func(t *testing.T) string { return pgtest.Database(t) }},
	}
	for _, eng := range engines {
		t.Run(eng.name, func(t *testing.T) {
			f := newAuditFixtureOn(t, eng.dsn(t), func(db *sqlstore.DB, s *web.Stores) {
				s.Filter, s.Transfers = db, sqlTransfers(db)
			})
			for _, tc := range formCases(t, f) {
				for _, b := range badFormTexts {
					t.Run(tc.name+"/"+b.name, func(t *testing.T) {
						form := url.Values{}
						for k, vs := range tc.form {
							for _, v := range vs {
								form.Add(k, strings.ReplaceAll(v, bad, b.s))
							}
						}
						p := f.post(tc.who, tc.path, form)
						if p.status != http.StatusUnprocessableEntity {
							t.Fatalf("POST %s: %d, want 422\n%s", tc.path, p.status, p.body)
						}
						want := b.problem
						if msg, ok := numberFields[tc.name]; ok {
							want = msg
						}
						link := regexp.MustCompile(`<a href="#` + regexp.QuoteMeta(tc.field) + `">[^<]*` +
							regexp.QuoteMeta(want))
						if !link.MatchString(html.UnescapeString(p.body)) {
							t.Errorf("the form does not link %q to field %s:\n%s", want, tc.field, problemsOf(p.body))
						}
					})
				}
			}
			// A filter of the inbox reaches the store as a lookup.
			for _, b := range badFormTexts {
				t.Run("inbox child/"+b.name, func(t *testing.T) {
					p := f.get("dsl", "/inbox?child="+url.QueryEscape(b.s))
					link := regexp.MustCompile(`<a href="#child">[^<]*` + regexp.QuoteMeta(b.problem))
					if p.status != http.StatusUnprocessableEntity || !link.MatchString(html.UnescapeString(p.body)) {
						t.Errorf("GET /inbox?child=…: %d, want 422 with the problem at the child filter:\n%s",
							p.status, problemsOf(p.body))
					}
				})
			}
			if strings.Contains(f.logs.String(), `"status":500`) {
				t.Errorf("a bad text was a server error:\n%s", f.logs.String())
			}
		})
	}
}

// problemsOf is the page's list of problems, for a failure's message.
func problemsOf(body string) string {
	if i := strings.Index(body, `id="problems"`); i >= 0 {
		if j := strings.Index(body[i:], "</div>"); j >= 0 {
			return body[i : i+j]
		}
	}
	return "(no problems on the page)"
}

// formCases sets up the records the forms act on and returns the cases.
func formCases(t *testing.T, f *auditFixture) []formCase {
	t.Helper()
	c := f.concern("staff", dslGrooming, f.clock.Now())
	route := string(c.Triage.Routes[0].Code)
	cu := fmt.Sprintf("/concerns/%d", c.ID)
	au, err := f.db.StartAudit(f.ctx("manager"), f.fw)
	if err != nil {
		t.Fatal(err)
	}
	aspect, ok := f.fw.Aspect("L1")
	if !ok {
		t.Fatal("no aspect L1 in the baseline framework")
	}
	obj, act, barrier := f.actionWithBarrier(t)
	filter, err := f.db.CreateUser(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), lifeguard.NewUser{
		Email: "filter@demo.test", Name: "Filter", Role: lifeguard.RoleFilter, OrganisationID: f.orgA.ID,
		PasswordHash: dslHash(t)})
	if err != nil {
		t.Fatal(err)
	}
	review, _, err := f.db.RecordFilterReview(lifeguard.WithActor(t.Context(), f.svc.Actor(filter, "token")),
		lifeguard.NewFilterReview{FilterAttempt: lifeguard.FilterAttempt{ID: "00000000-0000-4000-8000-000000000001",
			Time: f.clock.Now(), Client: "10.0.0.7", Name: "chess.example", Category: "games"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordFilterEvents(lifeguard.WithActor(t.Context(), f.svc.Actor(filter, "token")),
		[]lifeguard.FilterEvent{{ID: "00000000-0000-4000-8000-000000000002", Time: f.clock.Now(), Client: "10.0.0.8",
			Name: "harm.example", Category: "self_harm"}}); err != nil {
		t.Fatal(err)
	}
	alerts, err := f.db.FilterAlerts(f.ctx("dsl"), lifeguard.FilterOpen)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("alerts: %+v, %v", alerts, err)
	}
	alert := alerts[0].ID
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	due := "2027-01-15"
	facts := url.Values{"setting": {"school"}, "concern_types": {"grooming"}, "child.age": {"12"},
		"child_role": {"victim"}, "parties.adult_involved": {"on"}, "description": {"A man asked her to move app."}}
	with := func(v url.Values, k, s string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = append([]string(nil), vs...)
		}
		out.Set(k, s)
		return out
	}
	planAction := url.Values{"title": {"Lessons"}, "owner": {id(f.orgA.ID)}, "due": {"2027-03-31"}, "rag": {"green"}}
	return []formCase{
		{"decision reason", "dsl", cu + "/decisions",
			url.Values{"route": {route}, "decision": {"declined"}, "reason": {bad}}, "d-" + route + "-reason"},
		{"decision reference", "dsl", cu + "/decisions",
			url.Values{"route": {route}, "decision": {"done"}, "reference": {bad}}, "d-" + route + "-reference"},
		{"action title", "dsl", cu + "/actions", url.Values{"title": {bad}, "owner": {"DSL"}, "due": {due}}, "action-title"},
		{"action owner", "dsl", cu + "/actions", url.Values{"title": {"Call"}, "owner": {bad}, "due": {due}}, "action-owner"},
		{"evidence what", "dsl", cu + "/evidence",
			url.Values{"what": {bad}, "location": {"Safe"}, "held_by": {"DSL"}}, "evidence-what"},
		{"evidence location", "dsl", cu + "/evidence",
			url.Values{"what": {"Phone"}, "location": {bad}, "held_by": {"DSL"}}, "evidence-location"},
		{"evidence held by", "dsl", cu + "/evidence",
			url.Values{"what": {"Phone"}, "location": {"Safe"}, "held_by": {bad}}, "evidence-held_by"},
		{"note", "staff", cu + "/notes", url.Values{"text": {bad}}, "note-text"},
		{"close summary", "dsl", cu + "/close", url.Values{"code": {"handled_in_setting"}, "summary": {bad}}, "close-summary"},
		{"facts description", "dsl", cu + "/facts", with(facts, "description", bad), "description"},
		{"facts platform", "dsl", cu + "/facts", with(facts, "details.platform", bad), "details.platform"},
		{"transfer note", "dsl", fmt.Sprintf("/children/%d/transfers", *c.ChildID),
			url.Values{"to": {id(f.orgB.ID)}, "note": {bad}}, "transfer-note"},
		{"filter review outcome", "dsl", fmt.Sprintf("/filter/reviews/%d/close", review.ID),
			url.Values{"outcome": {bad}}, fmt.Sprintf("outcome-%d", review.ID)},
		{"filter alert concern", "dsl", fmt.Sprintf("/filter/alerts/%d/close", alert),
			url.Values{"concern": {bad}}, fmt.Sprintf("concern-%d", alert)},
		{"audit evidence", "manager", fmt.Sprintf("/audits/%d/strands/%s", au.ID, aspect.Strand),
			url.Values{"level-L1": {"3"}, "evidence-L1": {bad}}, "L1-evidence"},
		{"audit comment", "manager", fmt.Sprintf("/audits/%d/strands/%s", au.ID, aspect.Strand),
			url.Values{"level-L1": {"1"}, "comment-L1": {bad}}, "L1-comment"},
		{"audit owner", "manager", fmt.Sprintf("/audits/%d/complete", au.ID), url.Values{"owner": {bad}}, "complete-owner"},
		{"objective title", "officer", "/plan/objectives",
			url.Values{"strand": {"prevention"}, "title": {bad}}, "objective-title"},
		{"objective description", "officer", "/plan/objectives/" + id(obj.ID),
			url.Values{"strand": {"prevention"}, "title": {"Teach"}, "description": {bad}}, "objective-description"},
		{"plan action title", "officer", "/plan/objectives/" + id(obj.ID) + "/actions",
			with(planAction, "title", bad), "new-action-title"},
		{"plan action changed title", "officer", "/plan/actions/" + id(act.ID), with(planAction, "title", bad), "action-title"},
		{"progress note", "officer", "/plan/actions/" + id(act.ID) + "/notes", url.Values{"text": {bad}}, "note-text"},
		{"barrier", "officer", "/plan/actions/" + id(act.ID) + "/barriers", url.Values{"text": {bad}}, "barrier-text"},
		// The report form: each step checks its own fields as it is sent.
		{"report child ref", "staff", "/report",
			url.Values{"step": {"2"}, "danger": {"no"}, "child": {"new"}, "child_ref": {bad}, "child_age": {"12"}}, "child-ref"},
		{"report child search", "staff", "/report",
			url.Values{"step": {"2"}, "danger": {"no"}, "go": {"find"}, "find": {bad}}, "find"},
		{"report description", "staff", "/report",
			url.Values{"step": {"3"}, "danger": {"no"}, "child_age": {"12"}, "description": {bad}}, "description"},
		{"report platform", "staff", "/report",
			url.Values{"step": {"3"}, "danger": {"no"}, "child_age": {"12"}, "description": {"Messages"},
				"platform": {bad}}, "platform"},
		{"barrier resolution", "officer", fmt.Sprintf("/plan/barriers/%d/resolve", barrier.ID),
			url.Values{"resolution": {bad}}, "resolution-" + id(barrier.ID)},
	}
}
