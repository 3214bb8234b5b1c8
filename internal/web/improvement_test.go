package web_test

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestImprovementByHand edits and closes an improvement action through its
// page, checks who may, that bad input is named on the form, and that the
// CSV downloads hold what the pages show, formulas made harmless.
func TestImprovementByHand(t *testing.T) {
	f := newAuditFixture(t)
	ctx := f.ctx("manager")
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
	x := res.Created[0]
	p := "/improvements/" + strconv.FormatInt(x.ID, 10)
	org := "/organisations/" + strconv.FormatInt(f.orgA.ID, 10)

	for who, want := range map[string]int{"manager": 200, "dsl": 200, "officer": 200, "staff": 403, "dslB": 404, "admin": 404} {
		if pg := f.get(who, p); pg.status != want {
			t.Errorf("GET as %s: %d, want %d", who, pg.status, want)
		}
		if pg := f.get(who, org+"/improvements.csv"); pg.status != want {
			t.Errorf("CSV as %s: %d, want %d", who, pg.status, want)
		}
	}
	for who, want := range map[string]int{"officer": 403, "staff": 403, "dslB": 404} {
		if pg := f.post(who, p+"/close", url.Values{"note": {"x"}}); pg.status != want {
			t.Errorf("close as %s: %d, want %d", who, pg.status, want)
		}
	}
	pg := f.get("officer", p)
	mustNotContain(t, pg, "Change the action", "Head teacher")

	pg = f.post("dsl", p, url.Values{"title": {"=HYPERLINK(\"http://x\")"}, "owner": {""}, "due": {"2027-02-30"}})
	if pg.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad edit: %d", pg.status)
	}
	checkPage(t, pg)
	mustContain(t, pg, "The due date must be a real date", `id="improvement-due"`)
	pg = f.post("dsl", p, url.Values{"title": {"=HYPERLINK(\"http://x\")"}, "owner": {""}, "due": {"2027-02-28"}})
	mustContain(t, pg, "Who owns it is required")

	pg = f.postThen("dsl", p, url.Values{"title": {"=HYPERLINK(\"http://x\")"}, "owner": {"Deputy head"}, "due": {"2027-02-28"}})
	checkPage(t, pg)
	mustContain(t, pg, "The improvement action is changed.", "Deputy head", "28 Feb 2027")

	if pg := f.post("manager", p+"/close", url.Values{"note": {" "}}); pg.status != http.StatusUnprocessableEntity ||
		!strings.Contains(pg.body, "Why it is closed is required") {
		t.Errorf("close without a note: %d", pg.status)
	}
	pg = f.postThen("manager", p+"/close", url.Values{"note": {"Adopted by governors"}})
	mustContain(t, pg, "The improvement action is closed.", "Closed by hand")
	pg = f.get("manager", p)
	mustContain(t, pg, "Adopted by governors")
	mustNotContain(t, pg, "Change the action")
	if pg := f.post("manager", p+"/close", url.Values{"note": {"again"}}); pg.status != http.StatusConflict {
		t.Errorf("closing twice: %d", pg.status)
	}

	rows, err := csv.NewReader(strings.NewReader(f.get("manager", org+"/improvements.csv").body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] == strconv.FormatInt(x.ID, 10) {
			found = true
			if r[6] != `'=HYPERLINK("http://x")` || r[9] != "closed" || r[13] != "Adopted by governors" {
				t.Errorf("CSV row %q", r)
			}
		}
	}
	if !found || len(rows) != len(res.Created)+1 {
		t.Errorf("%d CSV rows, action found %v", len(rows), found)
	}
	off := f.get("officer", org+"/improvements.csv").body
	if strings.Contains(off, "Adopted by governors") || strings.Contains(off, "Deputy head") {
		t.Errorf("the partnership's CSV holds free text")
	}
	if pg := f.get("manager", org+"/audits.csv"); pg.status != 200 || !strings.Contains(pg.body, "audit_id,") {
		t.Errorf("audits CSV: %d", pg.status)
	}
	if pg := f.get("staff", "/plan.csv"); pg.status != 200 || !strings.HasPrefix(pg.body, "objective_id,") {
		t.Errorf("plan CSV: %d", pg.status)
	}
}
