package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// upn is a valid unique pupil number of serial n (the check letter found
// by trying each: lifeguard.UPNProblem holds the rule).
func upn(n int) string {
	body := fmt.Sprintf("80120000%04d", n)
	for _, l := range "ABCDEFGHJKLMNPQRTUVWXYZ" {
		if lifeguard.UPNProblem(string(l)+body) == "" {
			return string(l) + body
		}
	}
	panic("no check letter")
}

// TestConsentPages records a class's consents on the class list as the
// manager, then reads the class's do-not-photograph list as a member of
// staff, who may not record; a bad date is refused naming the field.
func TestConsentPages(t *testing.T) {
	f := newAuditFixture(t)
	in := lifeguard.ChildImport{OrganisationID: f.orgA.ID, Fields: []string{"upn", "legal_surname", "legal_forename", "reg_group"}}
	for i, name := range []string{"Adeyemi", "Brook", "Castle"} {
		in.Lines = append(in.Lines, lifeguard.ChildImportLine{Line: i + 2, Identity: lifeguard.ChildIdentity{UPN: upn(900 + i),
			LegalSurname: name, LegalForename: "Sam", RegGroup: "4R"}})
	}
	if _, err := f.db.ImportChildren(f.ctx("dsl"), in); err != nil {
		t.Fatal(err)
	}
	list, err := f.db.ConsentList(f.ctx("manager"), lifeguard.ConsentGroup{RegGroup: "4R"})
	if err != nil || len(list) != 3 {
		t.Fatalf("class: %v %v", list, err)
	}
	p := f.get("manager", "/consents/record?class=reg:4R")
	mustContain(t, p, "Record consents: 4R", "Sam Adeyemi", "No change")
	form := url.Values{"on": {"2026-09-07"}, "back": {"/consents/record?class=reg:4R"}}
	for _, c := range list[:2] {
		for _, k := range lifeguard.ConsentKinds() {
			form.Set("c-"+strconv.FormatInt(c.ChildID, 10)+"-"+string(k), "given")
		}
	}
	bad := url.Values{"on": {"2026-02-30"}, "back": form["back"], "c-" + strconv.FormatInt(list[0].ChildID, 10) + "-internet": {"given"}}
	if p := f.post("manager", "/consents/record", bad); p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "The date") {
		t.Errorf("a date that is not one: %d %s", p.status, pageTitle(p.body))
	}
	p = f.postThen("manager", "/consents/record", form)
	mustContain(t, p, "8 consents are recorded.", "Given")
	withdraw := url.Values{"on": {"2026-10-01"}, "back": form["back"],
		"c-" + strconv.FormatInt(list[1].ChildID, 10) + "-images_press": {"withdrawn"}}
	mustContain(t, f.postThen("manager", "/consents/record", withdraw), "1 consent is recorded.")

	p = f.get("staff", "/consents?class=reg:4R")
	mustContain(t, p, "Do not photograph: 4R", "Sam Castle", "Sam Brook", "2</strong> of 3 children")
	if strings.Contains(p.body, "Sam Adeyemi") {
		t.Error("a child with every consent is on the do-not-photograph list")
	}
	if p := f.get("staff", "/consents/record?class=reg:4R"); p.status != http.StatusForbidden {
		t.Errorf("staff opened the class list: %d", p.status)
	}
	if p := f.post("staff", "/consents/record", form); p.status != http.StatusForbidden {
		t.Errorf("staff recorded consents: %d", p.status)
	}
	p = f.get("manager", "/consents/children/"+strconv.FormatInt(list[1].ChildID, 10))
	mustContain(t, p, "Consents: Sam Brook", "Images in the press", "Thu 1 Oct 2026")
	if p := f.get("officer", "/consents"); p.status != http.StatusForbidden {
		t.Errorf("the partnership opened the consents: %d", p.status)
	}
}

// TestTrainingPages records training on the page, refuses a bad date
// naming the field, imports a pasted file after a dry run, and shows the
// share of staff in date to the manager and only their own row to staff.
func TestTrainingPages(t *testing.T) {
	f := newAuditFixture(t)
	today := lifeguard.DateOf(f.clock.Now()).String()
	p := f.post("staff", "/training", url.Values{"type": {"safeguarding"}, "course": {"Level 1"}, "provider": {"Northshire SCP"},
		"completed_on": {"2026-02-30"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "The date completed") {
		t.Errorf("a bad date: %d %s", p.status, pageTitle(p.body))
	}
	mustContain(t, f.postThen("staff", "/training", url.Values{"type": {"safeguarding"}, "course": {"Level 1"},
		"provider": {"Northshire SCP"}, "completed_on": {today}}), "The training is recorded.", "Level 1")
	if p := f.get("staff", "/training/import"); p.status != http.StatusForbidden {
		t.Errorf("staff opened the import: %d", p.status)
	}
	file := "email,type,course,provider,completed_on\n" + f.users["staff"].Email + ",online_safety,Online safety,In house," + today + "\n"
	p = f.post("manager", "/training/import", url.Values{"csv": {file}, "dry_run": {"yes"}})
	mustContain(t, p, "1 courses would be added")
	p = f.post("manager", "/training/import", url.Values{"csv": {file + "nobody@example.org,dsl,x,y," + today + "\n"}})
	if p.status != http.StatusUnprocessableEntity || !strings.Contains(p.body, "Line 3") {
		t.Errorf("a bad line: %d %s", p.status, p.body)
	}
	mustContain(t, f.post("manager", "/training/import", url.Values{"csv": {file}}), "1 courses are added")
	p = f.get("manager", "/training")
	mustContain(t, p, "1 of ", "staff are in date", "In date", "None recorded")
	p = f.get("staff", "/training")
	mustContain(t, p, "Your training")
	if strings.Contains(p.body, f.users["dsl"].Name) {
		t.Error("staff see another's training")
	}
}

// TestAuditShowsConsentTrainingFigures shows the training in date beside
// aspect E1 and the image consents beside L6, with the level they
// suggest, to the manager and to the partnership (counts only).
func TestAuditShowsConsentTrainingFigures(t *testing.T) {
	f := newAuditFixture(t)
	au, err := f.db.StartAudit(f.ctx("manager"), f.fw)
	if err != nil {
		t.Fatal(err)
	}
	base := "/audits/" + strconv.FormatInt(au.ID, 10) + "/strands/"
	p := f.get("manager", base+"E")
	checkPage(t, p)
	mustContain(t, p, "From the registers now: training in date: 0 of ", "Suggested level: <strong>1 Not in place</strong>")
	if _, err := f.db.RecordTraining(f.ctx("staff"), lifeguard.NewTraining{Type: lifeguard.TrainingSafeguarding, Course: "Level 1",
		Provider: "In house", CompletedOn: lifeguard.DateOf(f.clock.Now())}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordTraining(f.ctx("staff"), lifeguard.NewTraining{Type: lifeguard.TrainingOnlineSafety, Course: "Update",
		Provider: "In house", CompletedOn: lifeguard.DateOf(f.clock.Now())}); err != nil {
		t.Fatal(err)
	}
	p = f.get("officer", base+"E")
	checkPage(t, p)
	mustContain(t, p, "training in date: 1 of ", "Suggests: 2 Developing")
	p = f.get("manager", base+"L")
	mustContain(t, p, "No children on the register yet")
	if _, err := f.db.ImportChildren(f.ctx("dsl"), lifeguard.ChildImport{OrganisationID: f.orgA.ID, Fields: []string{"upn", "legal_surname"},
		Lines: []lifeguard.ChildImportLine{{Line: 2, Identity: lifeguard.ChildIdentity{UPN: upn(950), LegalSurname: "Dale"}}}}); err != nil {
		t.Fatal(err)
	}
	p = f.get("manager", base+"L")
	mustContain(t, p, "image consents recorded: 0 of 1 children on roll; 1 with no image consent given.",
		"Suggested level: <strong>1 Not in place</strong>")
}
