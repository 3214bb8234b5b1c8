package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/framework"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// auditFixture is the DSL fixture with the audit and plan stores, and the
// users those pages add: a manager of each school, the partnership officer
// and an administrator of the partnership team.
type auditFixture struct {
	*dslFixture
	orgT *lifeguard.Organisation
	fw   *lifeguard.Framework
}

func newAuditFixture(t *testing.T) *auditFixture {
	t.Helper()
	return newAuditFixtureOn(t, "", nil)
}

// actionWithBarrier makes, as the partnership officer, an objective with
// one action that organisation A owns, and a barrier to that action: the
// records the plan's forms act on.
func (f *auditFixture) actionWithBarrier(t *testing.T) (*lifeguard.Objective, *lifeguard.PlanAction, *lifeguard.Barrier) {
	t.Helper()
	obj, err := f.db.CreateObjective(f.ctx("officer"), lifeguard.NewObjective{Strand: lifeguard.StrandPrevention, Title: "Teach"})
	if err != nil {
		t.Fatal(err)
	}
	act, err := f.db.CreatePlanAction(f.ctx("officer"), obj.ID, lifeguard.NewPlanAction{Title: "Lessons",
		OwnerOrgID: f.orgA.ID, Due: lifeguard.Date{Year: 2027, Month: 3, Day: 31}, RAG: lifeguard.RAGGreen})
	if err != nil {
		t.Fatal(err)
	}
	barrier, err := f.db.AddBarrier(f.ctx("officer"), act.ID, "No time in the timetable.")
	if err != nil {
		t.Fatal(err)
	}
	return obj, act, barrier
}

// newAuditFixtureOn is newAuditFixture on the PostgreSQL database dsn, or
// on a SQLite file when dsn is empty; tweak, when not nil, changes the
// stores further.
func newAuditFixtureOn(t *testing.T, dsn string, tweak func(*sqlstore.DB, *web.Stores)) *auditFixture {
	t.Helper()
	f := &auditFixture{dslFixture: newDSLFixtureOn(t, dsn, func(db *sqlstore.DB, s *web.Stores) {
		s.Audits, s.Plan = db, db
		if tweak != nil {
			tweak(db, s)
		}
	})}
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	var err error
	if f.orgT, err = f.db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: f.orgA.PartnershipID,
		Name: "Partnership team", Setting: "other"}); err != nil {
		t.Fatal(err)
	}
	hash := dslHash(t)
	for _, u := range []struct {
		key  string
		role lifeguard.Role
		org  *lifeguard.Organisation
	}{
		{"manager", lifeguard.RoleManager, f.orgA},
		{"managerB", lifeguard.RoleManager, f.orgB},
		{"officer", lifeguard.RolePartnership, f.orgT},
		{"admin", lifeguard.RoleAdmin, f.orgT},
	} {
		user, err := f.db.CreateUser(sys, lifeguard.NewUser{Email: u.key + "@demo.test", Name: "User " + u.key,
			Role: u.role, OrganisationID: u.org.ID, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.key] = user
	}
	if f.fw, err = framework.Baseline(); err != nil {
		t.Fatal(err)
	}
	return f
}

// TestAuditPlanAccess checks every page and form of the audit and the plan
// for every role: who gets the page, who is refused (403) and to whom the
// record does not exist (404).
func TestAuditPlanAccess(t *testing.T) {
	f := newAuditFixture(t)
	au, err := f.db.StartAudit(f.ctx("manager"), f.fw)
	if err != nil {
		t.Fatal(err)
	}
	obj, act, barrier := f.actionWithBarrier(t)
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	orgA := "/organisations/" + id(f.orgA.ID) + "/audits"
	auditP, actionP := "/audits/"+id(au.ID), "/plan/actions/"+id(act.ID)
	objP, barrierP := "/plan/objectives/"+id(obj.ID), "/plan/barriers/"+id(barrier.ID)

	// want: user -> status; users not named get the default.
	type row struct {
		method, path string
		form         url.Values
		def          int
		want         map[string]int
	}
	level := url.Values{"level-L1": {"2"}}
	note := url.Values{"text": {"Taught in year 7."}}
	rows := []row{
		{"GET", "/audits", nil, 403, map[string]int{"dsl": 303, "manager": 303, "dslB": 303, "managerB": 303, "officer": 200}},
		{"GET", orgA, nil, 404, map[string]int{"dsl": 200, "manager": 200, "officer": 200, "staff": 403, "staff2": 403}},
		{"GET", auditP, nil, 404, map[string]int{"dsl": 200, "manager": 200, "officer": 200, "staff": 403, "staff2": 403}},
		{"GET", auditP + "/strands/L", nil, 404, map[string]int{"dsl": 200, "manager": 200, "officer": 200, "staff": 403, "staff2": 403}},
		{"GET", auditP + "/strands/X", nil, 404, nil},
		{"POST", "/audits", url.Values{}, 403, map[string]int{"dsl": 409, "manager": 409, "dslB": 303, "managerB": 409}},
		{"POST", auditP + "/strands/L", level, 404, map[string]int{"dsl": 303, "manager": 303, "officer": 403, "staff": 403, "staff2": 403}},
		{"POST", auditP + "/complete", url.Values{"owner": {"x"}}, 404, map[string]int{"dsl": 422, "manager": 422, "officer": 403, "staff": 403, "staff2": 403}},
		{"GET", "/plan", nil, 200, nil},
		{"GET", objP, nil, 404, map[string]int{"officer": 200, "staff": 200, "staff2": 200, "dsl": 200, "manager": 200}},
		{"GET", actionP, nil, 404, map[string]int{"officer": 200, "staff": 200, "staff2": 200, "dsl": 200, "manager": 200}},
		{"POST", "/plan/objectives", url.Values{"strand": {"protection"}, "title": {"Filter"}}, 403, map[string]int{"officer": 303}},
		{"POST", objP, url.Values{"strand": {"prevention"}, "title": {"Teach well"}}, 404, map[string]int{"officer": 303, "staff": 403, "staff2": 403, "dsl": 403, "manager": 403}},
		{"POST", objP + "/actions", url.Values{"title": {"More"}, "owner": {id(f.orgB.ID)}, "due": {"2027-01-31"}, "rag": {"amber"}}, 403, map[string]int{"officer": 303, "dslB": 404, "managerB": 404, "admin": 404}},
		{"POST", actionP, url.Values{"title": {"Lessons"}, "owner": {id(f.orgA.ID)}, "due": {"2027-03-31"}, "rag": {"amber"}}, 404, map[string]int{"officer": 303, "staff": 403, "staff2": 403, "dsl": 403, "manager": 403}},
		{"POST", actionP + "/notes", note, 404, map[string]int{"officer": 303, "staff": 303, "staff2": 303, "dsl": 303, "manager": 303}},
		{"POST", actionP + "/barriers", url.Values{"text": {"x"}}, 404, map[string]int{"officer": 303, "staff": 403, "staff2": 403, "dsl": 403, "manager": 403}},
		{"POST", barrierP + "/escalate", url.Values{}, 404, map[string]int{"officer": 303, "staff": 403, "staff2": 403, "dsl": 403, "manager": 403}},
		{"POST", barrierP + "/resolve", url.Values{"resolution": {"Agreed."}}, 404, map[string]int{"officer": 303, "staff": 403, "staff2": 403, "dsl": 403, "manager": 403}},
	}
	users := []string{"staff", "staff2", "dsl", "manager", "dslB", "managerB", "officer", "admin"}
	for _, r := range rows {
		for _, who := range users {
			want, ok := r.want[who]
			if !ok {
				want = r.def
			}
			t.Run(r.method+" "+r.path+" as "+who, func(t *testing.T) {
				var p dslPage
				if r.method == "GET" {
					p = f.get(who, r.path)
				} else {
					p = f.post(who, r.path, r.form)
				}
				if p.status != want {
					t.Fatalf("status %d, want %d\n%s", p.status, want, pageTitle(p.body))
				}
				if p.status != http.StatusSeeOther {
					checkPage(t, p)
				}
			})
		}
	}
	// Signed out, every page goes to sign-in.
	res, err := http.Get(f.url + auditP)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if !strings.HasSuffix(res.Request.URL.Path, "/signin") {
		t.Errorf("signed out: ended at %s", res.Request.URL)
	}
}

// TestAuditPages completes an audit through the pages, one strand per
// post, and checks what the organisation and the partnership then see.
func TestAuditPages(t *testing.T) {
	f := newAuditFixture(t)
	p := f.post("manager", "/audits", url.Values{})
	if p.status != http.StatusSeeOther || !strings.HasPrefix(p.location, "/audits/") {
		t.Fatalf("start: %d %s", p.status, p.location)
	}
	auditP := p.location
	p = f.get("manager", auditP)
	checkPage(t, p)
	// School A gives no internet access: the five (E) aspects are not asked.
	mustContain(t, p, "0 of 23 aspects rated", "Complete the audit", `value="User manager"`)

	t.Run("evidence is required at levels 3 and 4", func(t *testing.T) {
		p := f.post("manager", auditP+"/strands/L", url.Values{"level-L1": {"3"}, "comment-L1": {"Kept comment"},
			"level-L2": {"4"}, "evidence-L2": {"Policy, reviewed 2026-09-01"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.status)
		}
		checkPage(t, p)
		mustContain(t, p, `href="#L1-evidence"`, "L1: evidence is required at level 3", "Kept comment",
			`id="L1-level-3" name="level-L1" value="3" checked`, "Policy, reviewed 2026-09-01")
		// Nothing of the refused post is saved.
		a, err := f.db.Audit(f.ctx("manager"), auditID(t, auditP))
		if err != nil || len(a.Answers) != 0 {
			t.Errorf("answers %+v %v", a, err)
		}
	})
	t.Run("text without a level is kept, not dropped", func(t *testing.T) {
		p := f.post("manager", auditP+"/strands/L", url.Values{"evidence-L3": {"A record of agreements"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.status)
		}
		checkPage(t, p)
		mustContain(t, p, `href="#L3-level-1"`, "L3: choose a level", "A record of agreements")
	})
	t.Run("a level off the scale", func(t *testing.T) {
		p := f.post("manager", auditP+"/strands/L", url.Values{"level-L1": {"7"}})
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.status)
		}
		mustContain(t, p, "L1: the level must be a level from 1 to 4")
	})

	// Save every strand: L and I at 2, T and E at 3 with evidence.
	for _, s := range f.fw.Strands {
		form := url.Values{}
		for _, a := range s.Aspects {
			if !a.AppliesToOrg(f.orgA) {
				continue
			}
			l := "2"
			if s.Code == "T" || s.Code == "E" {
				l = "3"
				form.Set("evidence-"+a.ID, "Checked on 2026-10-01 for "+a.ID)
			}
			form.Set("level-"+a.ID, l)
		}
		p := f.post("manager", auditP+"/strands/"+s.Code, form)
		if p.status != http.StatusSeeOther {
			t.Fatalf("strand %s: %d\n%s", s.Code, p.status, p.body)
		}
		// Part-way, the progress is kept and completing names what is left.
		if s.Code == "L" {
			p := f.post("manager", auditP+"/complete", url.Values{"owner": {"Head of computing"}})
			if p.status != http.StatusUnprocessableEntity {
				t.Fatalf("complete early: %d", p.status)
			}
			checkPage(t, p)
			mustContain(t, p, "10 of 23 aspects rated", "Aspect T5 (strand T) has no level yet", "Aspect I3 (strand I) has no level yet",
				`value="Head of computing"`)
		}
	}
	p = f.post("manager", auditP+"/complete", url.Values{"owner": {" "}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("no owner: %d", p.status)
	}
	mustContain(t, p, `href="#complete-owner"`, "Who owns the improvement actions is required")
	p = f.postThen("manager", auditP+"/complete", url.Values{"owner": {"Head of computing"}})
	checkPage(t, p)
	// Ten L and three I aspects at level 2: thirteen actions.
	mustContain(t, p, "The audit is completed. 13 improvement actions are added.", "Strand score",
		"<strong>2.0</strong>", "<strong>3.0</strong>", "Head of computing", "2 Developing", "3 Established")
	if n := strings.Count(p.body, `<span class="tag due">Open</span>`); n != 13 {
		t.Errorf("%d open actions shown, want 13", n)
	}
	// A completed audit is read-only.
	p = f.get("manager", auditP+"/strands/T")
	checkPage(t, p)
	mustContain(t, p, "Checked on 2026-10-01 for T5")
	mustNotContain(t, p, "<form method=\"post\" action=\""+auditP)
	if p := f.post("manager", auditP+"/strands/L", url.Values{"level-L1": {"3"}, "evidence-L1": {"x"}}); p.status != http.StatusConflict {
		t.Errorf("changing a completed audit: %d", p.status)
	}

	// The partnership sees the levels and scores, and none of the text.
	p = f.get("officer", "/organisations/"+strconv.FormatInt(f.orgA.ID, 10)+"/audits")
	checkPage(t, p)
	mustContain(t, p, "2 Developing", "<strong>3.0</strong>")
	mustNotContain(t, p, "Head of computing")
	p = f.get("officer", auditP+"/strands/T")
	mustNotContain(t, p, "Checked on 2026-10-01")
	p = f.get("officer", "/audits")
	checkPage(t, p)
	mustContain(t, p, "School A", "School B", "No audit yet", "<td>2.0</td>", "<td>3.0</td>")

	// A second audit rates L at 3: the ten L actions are met; I stays.
	p = f.post("dsl", "/audits", url.Values{})
	second := p.location
	for _, s := range f.fw.Strands {
		form := url.Values{}
		for _, a := range f.fw.Applicable(f.orgA) {
			if a.Strand != s.Code {
				continue
			}
			l := "3"
			if s.Code == "I" {
				l = "2"
			}
			form.Set("level-"+a.ID, l)
			if l == "3" {
				form.Set("evidence-"+a.ID, "Reviewed")
			}
		}
		if p := f.post("dsl", second+"/strands/"+s.Code, form); p.status != http.StatusSeeOther {
			t.Fatalf("second audit, strand %s: %d", s.Code, p.status)
		}
	}
	p = f.postThen("dsl", second+"/complete", url.Values{"owner": {"Deputy head"}})
	mustContain(t, p, "3 improvement actions are added. 13 earlier actions are closed.", "Met by a later audit",
		"Replaced by a later audit&#39;s action")
	if n := strings.Count(p.body, `<span class="tag due">Open</span>`); n != 3 {
		t.Errorf("%d open actions shown, want 3", n)
	}
}

func auditID(t *testing.T, path string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(strings.TrimPrefix(path, "/audits/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPlanPages keeps a plan through the pages: an objective and an action
// with their problems, a progress note by the owner, and a barrier
// escalated to the board and then resolved.
func TestPlanPages(t *testing.T) {
	f := newAuditFixture(t)
	p := f.post("officer", "/plan/objectives", url.Values{"strand": {"cure"}, "title": {""}, "description": {"Kept text"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, `href="#objective-strand"`, `href="#objective-title"`, "Kept text")

	p = f.post("officer", "/plan/objectives", url.Values{"strand": {"protection"}, "title": {"Filtering everywhere"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("objective: %d", p.status)
	}
	objP := p.location
	p = f.post("officer", objP+"/actions", url.Values{"title": {"Review the filters"}, "owner": {""}, "due": {"2027-02-30"}, "rag": {"green"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad action: %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, `href="#new-action-due"`, "The due date must be a real date", "Review the filters")
	p = f.post("officer", objP+"/actions", url.Values{"title": {"Review the filters"}, "owner": {""}, "due": {"2027-02-28"}, "rag": {""}})
	mustContain(t, p, `href="#new-action-owner"`, `href="#new-action-rag"`)
	p = f.post("officer", objP+"/actions", url.Values{"title": {"Review the filters"},
		"owner": {strconv.FormatInt(f.orgA.ID, 10)}, "due": {"2027-02-28"}, "rag": {"amber"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("action: %d\n%s", p.status, p.body)
	}
	actionP := p.location

	// The owner's staff see it and note progress; another school does not.
	p = f.get("staff", "/plan")
	checkPage(t, p)
	mustContain(t, p, "Filtering everywhere", "Review the filters", "Amber: at risk")
	p = f.get("dslB", "/plan")
	mustNotContain(t, p, "Review the filters")
	p = f.post("staff", actionP+"/notes", url.Values{"on": {"2026-11-19"}, "text": {""}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty note: %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, `href="#note-text"`, `value="2026-11-19"`)
	p = f.post("staff", actionP+"/notes", url.Values{"on": {"2026-12-01"}, "text": {"Too soon"}})
	mustContain(t, p, `href="#note-on"`, "is after today", "Too soon")
	p = f.postThen("staff", actionP+"/notes", url.Values{"on": {"2026-11-17"}, "text": {"Two of five filters reviewed."}})
	mustContain(t, p, "Your progress note is added.", "Tue 17 Nov 2026, User staff, School A", "Two of five filters reviewed.")
	mustNotContain(t, p, "Record a barrier", "Change the action")

	p = f.postThen("officer", actionP+"/barriers", url.Values{"text": {"The supplier has not answered."}})
	escalate := regexp1(p.body, `action="(/plan/barriers/\d+/escalate)"`)
	resolve := regexp1(p.body, `action="(/plan/barriers/\d+/resolve)"`)
	if escalate == "" || resolve == "" {
		t.Fatal("no escalate or resolve form")
	}
	p = f.postThen("officer", escalate, url.Values{})
	mustContain(t, p, "Escalated to the board")
	p = f.get("officer", "/plan")
	mustContain(t, p, "escalated-heading", "The supplier has not answered.")
	if p := f.post("officer", escalate, url.Values{}); p.status != http.StatusConflict {
		t.Errorf("escalating twice: %d", p.status)
	}
	p = f.post("officer", resolve, url.Values{"resolution": {""}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("empty resolution: %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, "How it was resolved is required")
	p = f.postThen("officer", resolve, url.Values{"resolution": {"A new supplier is chosen."}})
	mustContain(t, p, "The barrier is resolved.", "A new supplier is chosen.")
	p = f.get("officer", "/plan")
	mustNotContain(t, p, "escalated-heading")

	p = f.postThen("officer", actionP, url.Values{"title": {"Review the filters"},
		"owner": {strconv.FormatInt(f.orgA.ID, 10)}, "due": {"2027-02-28"}, "rag": {"complete"}})
	mustContain(t, p, "The action is changed.", `<span class="tag rag-complete">Complete</span>`)
}
