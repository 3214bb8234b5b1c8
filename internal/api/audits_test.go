package api_test

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// completedAudit completes an audit of school A with every aspect at level
// 2, as its manager, and returns the result: its actions are open, and any
// earlier open ones are superseded.
func (f *fixture) completedAudit(t *testing.T) *lifeguard.AuditResult {
	t.Helper()
	ctx := f.as("manager")
	au, err := f.db.StartAudit(ctx, f.fw)
	if err != nil {
		t.Fatal(err)
	}
	var answers []lifeguard.AnswerInput
	for _, a := range f.fw.Applicable(f.orgA) {
		answers = append(answers, lifeguard.AnswerInput{AspectID: a.ID, Level: 2})
	}
	if _, err := f.db.SaveAuditAnswers(ctx, au.ID, f.fw, answers); err != nil {
		t.Fatal(err)
	}
	res, err := f.db.CompleteAudit(ctx, au.ID, f.fw, lifeguard.AuditCompletion{Owner: "Head teacher"})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestAuditEndpointsEveryRole is the access matrix of the self-audit,
// improvement action and plan endpoints, each response checked against
// the OpenAPI document.
func TestAuditEndpointsEveryRole(t *testing.T) {
	f := newFixture(t)
	type want [9]int // in the order of fixtureRoles
	const ok, created, unauth, forbidden, notFound, conflict = 200, 201, 401, 403, 404, 409
	obj, err := f.db.CreateObjective(f.as("partnership"), lifeguard.NewObjective{Strand: lifeguard.StrandPrevention, Title: "Teach"})
	if err != nil {
		t.Fatal(err)
	}
	act, err := f.db.CreatePlanAction(f.as("partnership"), obj.ID, lifeguard.NewPlanAction{Title: "Lessons",
		OwnerOrgID: f.orgA.ID, Due: lifeguard.Date{Year: 2027, Month: 3, Day: 31}, RAG: lifeguard.RAGGreen})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, route, body string
		want                want
	}{
		{"GET", "/framework", "", want{unauth, ok, ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/organisations/{id}/audits", "", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden}},
		{"GET", "/audits/{id}", "", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden}},
		{"POST", "/audits", "", want{unauth, forbidden, forbidden, created, created, created, forbidden, forbidden, forbidden}},
		{"PUT", "/audits/{id}/answers", `{"answers":[{"aspect_id":"L1","level":2}]}`, want{unauth, forbidden, forbidden, conflict, conflict, notFound, forbidden, notFound, forbidden}},
		{"POST", "/audits/{id}/complete", `{"owner":"Head"}`, want{unauth, forbidden, forbidden, conflict, conflict, notFound, forbidden, notFound, forbidden}},
		{"GET", "/organisations/{id}/improvement-actions", "", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden}},
		{"GET", "/improvement-actions/{id}", "", want{unauth, forbidden, forbidden, ok, ok, notFound, ok, notFound, forbidden}},
		{"PUT", "/improvement-actions/{id}", `{"title":"Write the policy","owner":"Deputy","due":"2027-01-31"}`, want{unauth, forbidden, forbidden, ok, ok, notFound, forbidden, notFound, forbidden}},
		{"POST", "/improvement-actions/{id}/close", `{"note":"Done"}`, want{unauth, forbidden, forbidden, ok, ok, notFound, forbidden, notFound, forbidden}},
		{"GET", "/plan", "", want{unauth, ok, ok, ok, ok, ok, ok, ok, ok}},
		{"GET", "/plan/actions/{id}", "", want{unauth, ok, ok, ok, ok, notFound, ok, notFound, ok}},
		{"POST", "/plan/actions/{id}/notes", `{"text":"Taught in year 7."}`, want{unauth, created, created, created, created, notFound, created, notFound, created}},
	}
	// One completed audit serves every case but those that change an
	// action, which get a fresh one for the roles that may change it:
	// completing an audit is 28 answers, too slow to do for every case.
	shared := f.completedAudit(t)
	for _, c := range cases {
		for i, role := range fixtureRoles {
			t.Run(fmt.Sprintf("%s %s as %s", c.method, c.route, role), func(t *testing.T) {
				f.t = t
				res := shared
				if strings.HasPrefix(c.route, "/improvement-actions/{id}") && c.method != "GET" && c.want[i] == ok {
					res = f.completedAudit(t)
				}
				var id int64
				switch {
				case strings.HasPrefix(c.route, "/organisations/"):
					id = f.orgA.ID
				case strings.HasPrefix(c.route, "/audits/"):
					id = res.Audit.ID
				case strings.HasPrefix(c.route, "/improvement-actions/"):
					id = res.Created[0].ID
				case strings.HasPrefix(c.route, "/plan/actions/"):
					id = act.ID
				}
				path := strings.Replace(c.route, "{id}", fmt.Sprint(id), 1)
				r := f.call(role, c.method, c.route, path, c.body)
				if r.status != c.want[i] {
					t.Errorf("got %d, want %d: %s", r.status, c.want[i], r.body)
				}
				if r.status == created && c.route == "/audits" {
					// Leave no audit in progress for the next case.
					var au lifeguard.Audit
					r.decode(t, &au)
					if au.OrganisationID == f.orgA.ID {
						f.finish(t, au.ID)
					}
				}
			})
		}
	}
	f.t = t
}

// finish completes an audit of school A in progress.
func (f *fixture) finish(t *testing.T, id int64) {
	t.Helper()
	var answers []lifeguard.AnswerInput
	for _, a := range f.fw.Applicable(f.orgA) {
		answers = append(answers, lifeguard.AnswerInput{AspectID: a.ID, Level: 3, Evidence: "Seen"})
	}
	if _, err := f.db.SaveAuditAnswers(f.as("manager"), id, f.fw, answers); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CompleteAudit(f.as("manager"), id, f.fw, lifeguard.AuditCompletion{Owner: "Head"}); err != nil {
		t.Fatal(err)
	}
}

// TestAuditEndpointsWork fills in and completes an audit through the API,
// edits and closes an action, refuses bad input naming the field, and
// downloads the lists as CSV.
func TestAuditEndpointsWork(t *testing.T) {
	f := newFixture(t)
	r := f.call("dsl", "POST", "/audits", "/audits", "")
	if r.status != http.StatusCreated {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	var au lifeguard.Audit
	r.decode(t, &au)
	ap := fmt.Sprintf("/audits/%d", au.ID)

	for _, bad := range []struct{ body, path string }{
		{`{"answers":[{"aspect_id":"L1","level":7}]}`, "answers[0].level"},
		{`{"answers":[{"aspect_id":"ZZ","level":2}]}`, "answers[0].aspect_id"},
		{`{"answers":[{"aspect_id":"L1","level":3}]}`, "answers[0].evidence"},
		{`{"answers":[]}`, "answers"},
		{`{"answers":[{"aspect_id":"L1","level":"two"}]}`, "answers.level"},
	} {
		r := f.call("dsl", "PUT", "/audits/{id}/answers", ap+"/answers", bad.body)
		wantAPIProblem(t, r, bad.path)
	}
	var answers []string
	for _, a := range f.fw.Applicable(f.orgA) {
		answers = append(answers, fmt.Sprintf(`{"aspect_id":%q,"level":1}`, a.ID))
	}
	if r := f.call("dsl", "PUT", "/audits/{id}/answers", ap+"/answers", `{"answers":[`+strings.Join(answers, ",")+`]}`); r.status != 200 {
		t.Fatalf("answers: %d %s", r.status, r.body)
	}
	r = f.call("manager", "POST", "/audits/{id}/complete", ap+"/complete", `{"owner":"+Head teacher"}`)
	if r.status != 200 {
		t.Fatalf("complete: %d %s", r.status, r.body)
	}
	var res lifeguard.AuditResult
	r.decode(t, &res)
	if len(res.Created) != len(answers) {
		t.Fatalf("%d actions created, want %d", len(res.Created), len(answers))
	}
	xp := fmt.Sprintf("/improvement-actions/%d", res.Created[0].ID)
	for _, bad := range []struct{ body, path string }{
		{`{"title":"","owner":"x","due":"2027-01-31"}`, "title"},
		{`{"title":"x","owner":"x","due":"2027-02-30"}`, "due"},
		{`{"title":"x","owner":"x"}`, "due"},
		{`{"title":"x","owner":"\u0000","due":"2027-01-31"}`, "owner"},
		{`{"title":"x","owner":"x","due":"2027-01-31","colour":"red"}`, "colour"},
	} {
		r := f.call("manager", "PUT", "/improvement-actions/{id}", xp, bad.body)
		wantAPIProblem(t, r, bad.path)
	}
	wantAPIProblem(t, f.call("manager", "POST", "/improvement-actions/{id}/close", xp+"/close", `{"note":" "}`), "note")
	if r := f.call("manager", "PUT", "/improvement-actions/{id}", xp, `{"title":"Policy","owner":"Deputy","due":"2027-01-31"}`); r.status != 200 {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	r = f.call("manager", "POST", "/improvement-actions/{id}/close", xp+"/close", `{"note":"Adopted"}`)
	var x lifeguard.ImprovementAction
	r.decode(t, &x)
	if x.Status != lifeguard.ImprovementClosed || x.ClosedNote != "Adopted" || x.Title != "Policy" || x.Due.String() != "2027-01-31" {
		t.Errorf("closed %+v", x)
	}
	if r := f.call("manager", "POST", "/improvement-actions/{id}/close", xp+"/close", `{"note":"again"}`); r.status != http.StatusConflict {
		t.Errorf("closing again: %d", r.status)
	}

	org := fmt.Sprintf("/organisations/%d", f.orgA.ID)
	r = f.call("manager", "GET", "/organisations/{id}/improvement-actions", org+"/improvement-actions?format=csv", "")
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: %d %s", r.status, r.header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(string(r.body))).ReadAll()
	if err != nil || len(rows) != len(answers)+1 {
		t.Fatalf("CSV: %d rows, %v", len(rows), err)
	}
	for _, row := range rows[1:] {
		if row[7] != "'+Head teacher" && row[7] != "Deputy" {
			t.Errorf("CSV owner %q: a formula-like cell must be defused", row[7])
		}
	}
	wantAPIProblem(t, f.call("manager", "GET", "/organisations/{id}/audits", org+"/audits?format=xml", ""), "format")
	wantAPIProblem(t, f.call("manager", "GET", "/plan", "/plan?colour=red", ""), "colour")
	if r := f.call("partnership", "GET", "/plan", "/plan?format=csv", ""); r.status != 200 || !strings.HasPrefix(string(r.body), "objective_id,") {
		t.Errorf("plan CSV: %d", r.status)
	}
	if r := f.call("manager", "GET", "/organisations/{id}/audits", org+"/audits?format=csv", ""); r.status != 200 || !strings.Contains(string(r.body), "Head") && !strings.HasPrefix(string(r.body), "audit_id,") {
		t.Errorf("audits CSV: %d", r.status)
	}
}

// wantAPIProblem checks that r is a 422 naming path among its problems.
func wantAPIProblem(t *testing.T, r response, path string) {
	t.Helper()
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422 naming %s: %s", r.status, path, r.body)
	}
	var body struct {
		Problems []lifeguard.Problem `json:"problems"`
	}
	r.decode(t, &body)
	for _, p := range body.Problems {
		if p.Path == path {
			return
		}
	}
	t.Errorf("problems %v do not name %s", body.Problems, path)
}

// TestAPIRefusesWhileAgreementOwed publishes a staff agreement and checks
// that a member of staff who owes it is refused every endpoint they could
// otherwise use, but may still record a concern and ask who they are; once
// they have acknowledged it, the API answers again.
func TestAPIRefusesWhileAgreementOwed(t *testing.T) {
	f := newFixture(t)
	mgr := f.as("manager")
	p, err := f.db.CreatePolicy(mgr, lifeguard.NewPolicy{Kind: lifeguard.AgreementStaff, Title: "Staff agreement"})
	if err != nil {
		t.Fatal(err)
	}
	if r := f.call("staff", "GET", "/concerns", "/concerns", ""); r.status != 200 {
		t.Fatalf("before any version: %d", r.status)
	}
	p, err = f.db.AddPolicyVersion(mgr, p.ID, lifeguard.NewPolicyVersion{Text: "Keep passwords private.",
		ApprovedBy: "Head", ApprovedOn: lifeguard.DateOf(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ method, route, path string }{
		{"GET", "/concerns", "/concerns"},
		{"GET", "/children", "/children?ref=C"},
		{"GET", "/organisations", "/organisations"},
		{"GET", "/plan", "/plan"},
		{"GET", "/framework", "/framework"},
	} {
		r := f.call("staff", c.method, c.route, c.path, "")
		if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "staff agreement") {
			t.Errorf("%s %s while owing: %d %s", c.method, c.path, r.status, r.body)
		}
	}
	if r := f.call("dsl", "GET", "/concerns", "/concerns", ""); r.status != http.StatusForbidden {
		t.Errorf("the DSL while owing: %d", r.status)
	}
	if r := f.call("dslB", "GET", "/concerns", "/concerns", ""); r.status != 200 {
		t.Errorf("school B's DSL owes nothing of A's: %d", r.status)
	}
	if r := f.call("staff", "GET", "/me", "/me", ""); r.status != 200 {
		t.Errorf("/me while owing: %d", r.status)
	}
	f.concern("staff") // recording a concern is never held up
	if _, err := f.db.Acknowledge(f.as("staff"), p.Versions[0].ID); err != nil {
		t.Fatal(err)
	}
	if r := f.call("staff", "GET", "/concerns", "/concerns", ""); r.status != 200 {
		t.Errorf("after acknowledging: %d", r.status)
	}
}

// TestPolicyEndpoints starts a policy, adds a version, records a visitor's
// agreement and reads who has agreed, through the API, with bad input
// named and who may checked against the OpenAPI document.
func TestPolicyEndpoints(t *testing.T) {
	f := newFixture(t)
	wantAPIProblem(t, f.call("manager", "POST", "/policies", "/policies", `{"kind":"poster","title":"x"}`), "kind")
	wantAPIProblem(t, f.call("manager", "POST", "/policies", "/policies", `{"kind":"aup_visitors","title":"x","review_due":"2027-02-30"}`), "review_due")
	if r := f.call("staff", "POST", "/policies", "/policies", `{"kind":"aup_visitors","title":"x"}`); r.status != http.StatusForbidden {
		t.Errorf("staff starting a policy: %d", r.status)
	}
	r := f.call("manager", "POST", "/policies", "/policies", `{"kind":"aup_visitors","title":"Visitors","review_due":"2027-09-01"}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var p lifeguard.Policy
	r.decode(t, &p)
	pp := fmt.Sprintf("/policies/%d", p.ID)
	wantAPIProblem(t, f.call("manager", "POST", "/policies/{id}/versions", pp+"/versions", `{"link":"ftp://x","approved_by":"Head","approved_on":"2026-09-01"}`), "link")
	wantAPIProblem(t, f.call("manager", "POST", "/policies/{id}/versions", pp+"/versions", `{"text":"x","approved_by":"Head","approved_on":"01/09/2026"}`), "approved_on")
	if r := f.call("manager", "POST", "/policies/{id}/versions", pp+"/versions", `{"text":"Ask before taking photographs.","approved_by":"Head","approved_on":"2026-09-01"}`); r.status != http.StatusCreated {
		t.Fatalf("version: %d %s", r.status, r.body)
	}
	wantAPIProblem(t, f.call("staff", "POST", "/policies/{id}/agreements", pp+"/agreements", `{"agreements":[{"name":"","agreed_on":"2026-09-02"}]}`), "agreements[0].name")
	if r := f.call("staff", "POST", "/policies/{id}/agreements", pp+"/agreements", `{"agreements":[{"name":"=Visiting author","agreed_on":"2026-09-02"}]}`); r.status != http.StatusCreated {
		t.Fatalf("record: %d %s", r.status, r.body)
	}
	for who, want := range map[string]int{"manager": 200, "dsl": 200, "staff": 403, "partnership": 404, "dslB": 404} {
		if r := f.call(who, "GET", "/policies/{id}/agreements", pp+"/agreements", ""); r.status != want {
			t.Errorf("%s reads who has agreed: %d, want %d", who, r.status, want)
		}
		if r := f.call(who, "GET", "/policies/{id}", pp, ""); r.status != map[bool]int{true: 200, false: 404}[want != 404] {
			t.Errorf("%s reads the policy: %d", who, r.status)
		}
	}
	r = f.call("manager", "GET", "/policies/{id}/agreements", pp+"/agreements?format=csv", "")
	if r.status != 200 || !strings.Contains(string(r.body), "'=Visiting author") {
		t.Errorf("agreements CSV: %d %s", r.status, r.body)
	}
	r = f.call("staff", "GET", "/policies", "/policies", "")
	var list struct{ Policies []lifeguard.Policy }
	r.decode(t, &list)
	if r.status != 200 || len(list.Policies) != 1 {
		t.Errorf("staff list: %d %d", r.status, len(list.Policies))
	}
	if r := f.call("partnership", "GET", "/policies", fmt.Sprintf("/policies?organisation_id=%d", f.orgA.ID), ""); r.status != http.StatusNotFound {
		t.Errorf("the partnership lists a school's policies: %d", r.status)
	}
	wantAPIProblem(t, f.call("partnership", "GET", "/policies", "/policies?organisation_id=x", ""), "organisation_id")
}
