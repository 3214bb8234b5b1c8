package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// accessRecords are the records the every-role access test acts on. Those
// that a call only reads or adds to are made once, when a row first needs
// them; a row whose call uses its record up (closing, answering,
// releasing, disclosing) asks for a fresh one for the role expected to
// succeed, so that no row depends on the rows before it.
type accessRecords struct {
	f   *fixture
	seq int

	child                    int64 // a child of school A, from a concern staff reported
	audit                    *lifeguard.AuditResult
	openAudit                int64 // school A's audit in progress, or 0
	objective, planAction    int64
	policy                   int64 // school A's visitors' agreement, with a version
	teaching, contact, group int64
	referral                 int64 // from school A's DSL to school B
	sar, dataRequest         int64
	partnershipAccess        int64
	directoryVersion         bool
	kit                      bool // the child has the name partnership access asks about
}

// today is the date the records are made on, as the API writes it.
func today() string { return lifeguard.DateOf(time.Now().UTC()).String() }

// next is a fresh number, for ids that must not repeat.
func (x *accessRecords) next() int { x.seq++; return x.seq }

// uuid is a fresh event or capture id.
func (x *accessRecords) uuid() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", x.next()) }

// must makes a call that sets a record up, and fails the test unless it
// answers status.
func (x *accessRecords) must(role, method, route, path, body string, status int) response {
	x.f.t.Helper()
	r := x.f.call(role, method, route, path, body)
	if r.status != status {
		x.f.t.Fatalf("setting up: %s %s as %s: %d, want %d: %s", method, path, role, r.status, status, r.body)
	}
	return r
}

// idOf reads the id of the record a call answered with.
func (x *accessRecords) idOf(r response) int64 {
	x.f.t.Helper()
	var v struct {
		ID int64 `json:"id"`
	}
	r.decode(x.f.t, &v)
	if v.ID == 0 {
		x.f.t.Fatalf("no id in %s", r.body)
	}
	return v.ID
}

// on fills a route's {id} with id.
func on(route string, id int64) string { return strings.Replace(route, "{id}", fmt.Sprint(id), 1) }

// concern is a fresh concern reported by staff in school A.
func (x *accessRecords) concern() (id, child int64) { return x.f.concern("staff") }

func (x *accessRecords) aChild() int64 {
	if x.child == 0 {
		_, x.child = x.concern()
	}
	return x.child
}

// upnChild is the UPN of school A's child (aChild), given it once: the
// consents import finds children by it.
func (x *accessRecords) upnChild() string {
	const upn = "B801200005001"
	c, err := x.f.db.Child(x.f.as("dsl"), x.aChild())
	if err != nil {
		x.f.t.Fatal(err)
	}
	if c.UPN != upn {
		id := c.Identity()
		id.UPN = upn
		if _, err := x.f.db.SetChildIdentity(x.f.as("dsl"), c.ID, id); err != nil {
			x.f.t.Fatal(err)
		}
	}
	return upn
}

// completedAudit is school A's completed audit, whose improvement actions
// are open; fresh asks for a new one, for a call that changes an action.
func (x *accessRecords) completedAudit(fresh bool) *lifeguard.AuditResult {
	if x.audit == nil || fresh {
		x.finishOpenAudit()
		x.audit = x.f.completedAudit(x.f.t.(*testing.T))
	}
	return x.audit
}

// inProgressAudit is school A's audit in progress, started by its manager.
func (x *accessRecords) inProgressAudit() int64 {
	if x.openAudit == 0 {
		au, err := x.f.db.StartAudit(x.f.as("manager"), x.f.fw)
		if err != nil {
			x.f.t.Fatal(err)
		}
		x.openAudit = au.ID
	}
	return x.openAudit
}

// answerAll answers every aspect of school A's audit in progress, so
// that it can be completed.
func (x *accessRecords) answerAll() int64 {
	id := x.inProgressAudit()
	var answers []lifeguard.AnswerInput
	for _, a := range x.f.fw.Applicable(x.f.orgA) {
		answers = append(answers, lifeguard.AnswerInput{AspectID: a.ID, Level: 2})
	}
	if _, err := x.f.db.SaveAuditAnswers(x.f.as("manager"), id, x.f.fw, answers); err != nil {
		x.f.t.Fatal(err)
	}
	return id
}

// finishOpenAudit completes school A's audit in progress, if there is one,
// so that another can start. Completing supersedes the open improvement
// actions, so the shared completed audit goes with it.
func (x *accessRecords) finishOpenAudit() {
	if x.openAudit == 0 {
		return
	}
	id := x.answerAll()
	if _, err := x.f.db.CompleteAudit(x.f.as("manager"), id, x.f.fw, lifeguard.AuditCompletion{Owner: "Head"}); err != nil {
		x.f.t.Fatal(err)
	}
	x.openAudit, x.audit = 0, nil
}

// plan makes the partnership's objective with an action owned by school A.
func (x *accessRecords) plan() {
	if x.objective != 0 {
		return
	}
	obj, err := x.f.db.CreateObjective(x.f.as("partnership"), lifeguard.NewObjective{Strand: lifeguard.StrandPrevention, Title: "Teach"})
	if err != nil {
		x.f.t.Fatal(err)
	}
	act, err := x.f.db.CreatePlanAction(x.f.as("partnership"), obj.ID, lifeguard.NewPlanAction{Title: "Lessons",
		OwnerOrgID: x.f.orgA.ID, Due: lifeguard.Date{Year: 2099, Month: 3, Day: 31}, RAG: lifeguard.RAGGreen})
	if err != nil {
		x.f.t.Fatal(err)
	}
	x.objective, x.planAction = obj.ID, act.ID
}

func (x *accessRecords) anObjective() int64 { x.plan(); return x.objective }
func (x *accessRecords) aPlanAction() int64 { x.plan(); return x.planAction }
func (x *accessRecords) planActionBody() string {
	return fmt.Sprintf(`{"title":"Check the filter","owner_organisation_id":%d,"due":"2099-03-31","rag":"green"}`, x.f.orgA.ID)
}

// barrier is a fresh barrier on the plan's action: escalating or
// resolving uses it up.
func (x *accessRecords) barrier() int64 {
	b, err := x.f.db.AddBarrier(x.f.as("partnership"), x.aPlanAction(), "No time in the timetable.")
	if err != nil {
		x.f.t.Fatal(err)
	}
	return b.ID
}

const versionBody = `{"text":"Ask before taking photographs.","approved_by":"Head","approved_on":"2026-09-01"}`

// aPolicy is school A's visitors' agreement with a version. Not the staff
// agreement: a new version of that would refuse everyone who owes it.
func (x *accessRecords) aPolicy() int64 {
	if x.policy == 0 {
		r := x.must("manager", "POST", "/policies", "/policies", `{"kind":"aup_visitors","title":"Visitors"}`, http.StatusCreated)
		x.policy = x.idOf(r)
		x.must("manager", "POST", "/policies/{id}/versions", on("/policies/{id}/versions", x.policy), versionBody, http.StatusCreated)
	}
	return x.policy
}

// aModel is a fresh model pupils' agreement of the partnership, with a
// version: a school adopts a model once, for an age group it has no
// agreement for.
func (x *accessRecords) aModel() int64 {
	r := x.must("partnership", "POST", "/policies", "/policies", pupilsPolicyBody(x.next()), http.StatusCreated)
	id := x.idOf(r)
	x.must("partnership", "POST", "/policies/{id}/versions", on("/policies/{id}/versions", id), versionBody, http.StatusCreated)
	return id
}

func teachingBody() string {
	return `{"year_group":"Year 5","strand":"privacy","taught_on":"` + today() + `","taught":"Passwords","taught_by":"Computing"}`
}

func contactBody() string {
	return `{"on":"` + today() + `","topic":"Gaming","kind":"session","reached":40}`
}

func surveyBody() string {
	return `{"title":"Online lives","on":"` + today() + `","year_groups":"Year 6","respondents":30,"questions":[{"text":"Do you game online?","options":[{"text":"Yes","count":19},{"text":"No","count":11}]}]}`
}

// groupBody is a group of the access record; each group has a name of
// its own.
func groupBody(n int) string {
	return fmt.Sprintf(`{"name":"Group %d","kind":"pupils","members":"All pupils","count":600,"devices":"Laptops","how_given":"Own login","agreement":"aup_pupils","filter_group":"secondary"}`, n)
}

// pupilsPolicyBody is a new pupils' agreement: an organisation has one
// policy of a kind and age group, so each is for an age group of its own.
func pupilsPolicyBody(n int) string {
	return fmt.Sprintf(`{"kind":"aup_pupils","age_group":"Group %d","title":"Pupils"}`, n)
}

// prevention makes an entry of each of school A's prevention registers.
func (x *accessRecords) prevention() {
	if x.teaching != 0 {
		return
	}
	x.teaching = x.idOf(x.must("manager", "POST", "/teaching", "/teaching", teachingBody(), http.StatusCreated))
	x.contact = x.idOf(x.must("manager", "POST", "/parent-contacts", "/parent-contacts", contactBody(), http.StatusCreated))
	x.group = x.idOf(x.must("manager", "POST", "/internet-access", "/internet-access", groupBody(0), http.StatusCreated))
}

const leadsBody = `{"leads":[{"kind":"dsl","name":"Asha Patel","role":"Deputy head","email":"a.patel@school-a.example"}]}`

// directoryBase is the directory's current version, which a change starts
// from.
func (x *accessRecords) directoryBase() int {
	cur, err := x.f.db.CurrentDirectory(x.f.as("partnership"), 0)
	if err != nil {
		x.f.t.Fatal(err)
	}
	return cur.Version
}

// directoryDocument is a new version of the directory as a document, made
// by the officer's preview.
func (x *accessRecords) directoryDocument() string {
	base := x.directoryBase()
	r := x.must("partnership", "POST", "/directory/preview", "/directory/preview",
		fmt.Sprintf(`{"base":%d,"name":"Riverside Safeguarding Children Partnership %d","close":"15:00"}`, base, x.next()), http.StatusOK)
	var p struct {
		Document string `json:"document"`
	}
	r.decode(x.f.t, &p)
	return p.Document
}

func (x *accessRecords) saveDirectoryBody() string {
	doc := x.directoryDocument()
	b, _ := json.Marshal(map[string]any{"base": x.directoryBase(), "document": doc, "summary": "A new name"})
	return string(b)
}

// firstDirectoryVersion makes sure version 1 of the directory exists.
func (x *accessRecords) firstDirectoryVersion() {
	if !x.directoryVersion && x.directoryBase() == 0 {
		x.must("partnership", "POST", "/directory/versions", "/directory/versions", x.saveDirectoryBody(), http.StatusCreated)
	}
	x.directoryVersion = true
}

// sendReferral sends a fresh concern's route to school B, which the
// fixture makes the receiver of social care and LADO referrals.
func (x *accessRecords) sendReferral(route string) int64 {
	concern, _ := x.concern()
	if route == "LADO_REFERRAL" {
		x.must("dsl", "POST", "/concerns/{id}/routes", on("/concerns/{id}/routes", concern),
			`{"route":"LADO_REFERRAL","reason":"The adult works at the club."}`, http.StatusCreated)
	}
	r := x.must("dsl", "POST", "/concerns/{id}/referrals", on("/concerns/{id}/referrals", concern),
		fmt.Sprintf(`{"route":%q,"parts":{"words":true,"child":true}}`, route), http.StatusCreated)
	return x.idOf(r)
}

func (x *accessRecords) aReferral() int64 {
	if x.referral == 0 {
		x.referral = x.sendReferral("CSC_REFERRAL")
	}
	return x.referral
}

// hold is a fresh legal hold on a concern of school A.
func (x *accessRecords) hold() int64 {
	concern, _ := x.concern()
	return x.idOf(x.must("dsl", "POST", "/legal-holds", "/legal-holds",
		fmt.Sprintf(`{"concern_id":%d,"basis":"police_investigation","reason":"Police ref 1."}`, concern), http.StatusCreated))
}

func (x *accessRecords) sarBody() string {
	return fmt.Sprintf(`{"subject":"child","child_id":%d,"requester":"parent","requester_name":"Ms Parent","received_on":%q,"verified":"parental_responsibility"}`,
		x.aChild(), today())
}

// subjectAccess is school A's DSL's request for a child's records: fresh
// for a call that uses it up.
func (x *accessRecords) subjectAccess(fresh bool) int64 {
	if x.sar == 0 || fresh {
		id := x.idOf(x.must("dsl", "POST", "/subject-access", "/subject-access", x.sarBody(), http.StatusCreated))
		if fresh {
			return id
		}
		x.sar = id
	}
	return x.sar
}

func (x *accessRecords) dataRequestBody() string {
	return fmt.Sprintf(`{"kind":"erase","target":"child_file","child_id":%d,"requester":"parent","requester_name":"Ms Parent","received_on":%q,"reason":"Please delete it."}`,
		x.aChild(), today())
}

// aDataRequest is a request to erase a child's file: fresh for a decision.
func (x *accessRecords) aDataRequest(fresh bool) int64 {
	if x.dataRequest == 0 || fresh {
		id := x.idOf(x.must("dsl", "POST", "/data-requests", "/data-requests", x.dataRequestBody(), http.StatusCreated))
		if fresh {
			return id
		}
		x.dataRequest = id
	}
	return x.dataRequest
}

// partnershipAccessBody asks the partnership's organisations about a child
// school A knows by that name.
func (x *accessRecords) partnershipAccessBody() string {
	if !x.kit {
		born := lifeguard.Date{Year: 2015, Month: 9, Day: 1}
		if _, err := x.f.db.SetChildIdentity(x.f.as("dsl"), x.aChild(), lifeguard.ChildIdentity{LegalForename: "Kit",
			LegalSurname: "Marlowe", DateOfBirth: &born}); err != nil {
			x.f.t.Fatal(err)
		}
		x.kit = true
	}
	return fmt.Sprintf(`{"child_name":"Kit Marlowe","born_on":"2015-09-01","requester":"parent","requester_name":"Mr Marlowe","received_on":%q,"verified":"photo_id"}`, today())
}

// startPartnershipAccess starts a request and returns it and its part for
// school A, which answering uses up.
func (x *accessRecords) startPartnershipAccess() (request, part int64) {
	r := x.must("partnership", "POST", "/partnership-access", "/partnership-access", x.partnershipAccessBody(), http.StatusCreated)
	var s lifeguard.PartnershipAccess
	r.decode(x.f.t, &s)
	for _, p := range s.Parts {
		if p.OrganisationID == x.f.orgA.ID {
			return s.ID, p.ID
		}
	}
	x.f.t.Fatalf("no part for school A in %s", r.body)
	return 0, 0
}

func (x *accessRecords) aPartnershipAccess() int64 {
	if x.partnershipAccess == 0 {
		x.partnershipAccess, _ = x.startPartnershipAccess()
	}
	return x.partnershipAccess
}
