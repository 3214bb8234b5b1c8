package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestTeachingCoverageMap records what a year group was taught through the
// page and sees the coverage map change from "Not taught" to taught; a
// refused entry names its fields; staff read the map but get no form, and
// the partnership gets none of it.
func TestTeachingCoverageMap(t *testing.T) {
	f := newAuditFixture(t)
	entry := url.Values{"year_group": {"5"}, "strand": {"privacy"}, "taught_on": {"2026-11-17"},
		"taught": {"Strong passwords and why we never share them"}, "taught_by": {"Computing, Mr Hale"}}
	p := f.post("manager", "/teaching", entry)
	if p.status != http.StatusSeeOther {
		t.Fatalf("record: %d %s", p.status, pageTitle(p.body))
	}
	p = f.get("manager", "/teaching")
	checkPage(t, p)
	mustContain(t, p, "Coverage in 2026-27", "1 of 8 year-group strands taught", "Year 5", "KS2",
		`<td class="taught"><span aria-hidden="true">✓ </span>Taught, last 17 Nov</td>`, `<td class="gap">Not taught</td>`,
		"Strong passwords and why we never share them", "Record what was taught")
	if n := strings.Count(p.body, `<td class="gap">Not taught</td>`); n != 7 {
		t.Errorf("%d gaps shown, want 7", n)
	}

	bad := url.Values{"year_group": {"14"}, "strand": {""}, "taught_on": {"2026-12-25"}, "taught": {""}, "taught_by": {"x"}}
	p = f.post("manager", "/teaching", bad)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad entry: %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, "Strand of Education for a Connected World is required", "Date taught is after today",
		"What was taught is required", `aria-invalid="true"`)

	p = f.get("staff", "/teaching")
	checkPage(t, p)
	mustContain(t, p, "Taught, last 17 Nov")
	mustNotContain(t, p, "Record what was taught")
	if p := f.post("staff", "/teaching", entry); p.status != http.StatusForbidden {
		t.Errorf("staff record: %d, want 403", p.status)
	}
	if p := f.get("officer", "/teaching"); p.status != http.StatusForbidden {
		t.Errorf("partnership reads the teaching register: %d, want 403", p.status)
	}
	if p := f.get("manager", "/teaching?year=1999"); p.status != http.StatusUnprocessableEntity {
		t.Errorf("year 1999: %d, want 422", p.status)
	}
	p = f.get("manager", "/teaching.csv")
	if p.status != http.StatusOK || !strings.Contains(p.body, "5,KS2,privacy,Privacy and security,2026-11-17,Autumn") {
		t.Errorf("CSV: %d\n%s", p.status, p.body)
	}
}

// TestParentsAndSurveys records a parents' session and a survey of
// children through the pages, with a survey typed wrongly refused by line.
func TestParentsAndSurveys(t *testing.T) {
	f := newAuditFixture(t)
	p := f.post("dsl", "/parents", url.Values{"on": {"2026-11-12"}, "kind": {"meeting"}, "topic": {"Online gaming"},
		"reached": {"64"}})
	if p.status != http.StatusSeeOther {
		t.Fatalf("record: %d %s", p.status, pageTitle(p.body))
	}
	p = f.post("dsl", "/parents", url.Values{"on": {"2026-11-12"}, "kind": {"pigeon"}, "topic": {"x"}, "reached": {"many"}})
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad contact: %d", p.status)
	}
	mustContain(t, p, "Parents and carers reached must be a whole number")
	survey := url.Values{"title": {"Our online lives"}, "on": {"2026-11-10"}, "year_groups": {"Years 5 and 6"},
		"respondents": {"58"}, "questions": {"Do you play games online with people you don't know?\nYes = 23\nNo = 35\n\nWho would you tell?\nA parent = 30\nA teacher = 18\nNobody = 10"}}
	p = f.post("dsl", "/surveys", survey)
	if p.status != http.StatusSeeOther {
		t.Fatalf("survey: %d %s", p.status, pageTitle(p.body))
	}
	survey.Set("questions", "Who would you tell?\nA parent thirty")
	p = f.post("dsl", "/surveys", survey)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad survey: %d", p.status)
	}
	mustContain(t, p, "line 2: write the answer and how many gave it as: answer = 12")
	p = f.get("staff", "/parents")
	checkPage(t, p)
	mustContain(t, p, "Online gaming", "Parents&#39; evening or meeting", "reaching 64 parents", "Our online lives",
		"<caption>Who would you tell?</caption>", "<td>Nobody</td><td class=\"num\">10</td><td class=\"num\">17%</td>")

	// The self-audit's education strand shows the figures and suggests.
	au, err := f.db.StartAudit(f.ctx("manager"), f.fw)
	if err != nil {
		t.Fatal(err)
	}
	p = f.get("manager", "/audits/"+strconv.FormatInt(au.ID, 10)+"/strands/E")
	checkPage(t, p)
	mustContain(t, p, "From the teaching register now: No online-safety teaching recorded for 2026-27 yet. Suggested level: <strong>1 Not in place</strong>",
		"From the parents&#39; register now: Parents in the last 12 months: 1 sessions or communications recorded (1 meeting parents), reaching 64. Suggested level: <strong>2 Developing</strong>",
		"From the register of children&#39;s surveys now: Children&#39;s surveys in the last 12 months: 1, answered by 58 children in all.")
}

// TestInternetAccessRecord adds groups through the page and sees the one
// no filter policy covers flagged in words.
func TestInternetAccessRecord(t *testing.T) {
	f := newAuditFixture(t)
	if _, err := f.db.SetFilterPolicy(f.ctx("admin"), f.orgA.ID,
		[]byte(`{"groups":{"pupils":{"categories":["adult","self_harm"]}}}`)); err != nil {
		t.Fatal(err)
	}
	group := url.Values{"name": {"Key stage 2"}, "kind": {"pupils"}, "members": {"Years 3 to 6"}, "count": {"240"},
		"devices": {"Class laptops"}, "how_given": {"Own login"}, "agreement": {"aup_pupils"}, "filter_group": {"pupils"}}
	if p := f.post("manager", "/internet-access", group); p.status != http.StatusSeeOther {
		t.Fatalf("add: %d %s", p.status, pageTitle(p.body))
	}
	group.Set("name", "Guest Wi-Fi")
	group.Set("kind", "visitors")
	group.Set("filter_group", "")
	if p := f.post("manager", "/internet-access", group); p.status != http.StatusSeeOther {
		t.Fatalf("add guests: %d", p.status)
	}
	p := f.get("manager", "/internet-access")
	checkPage(t, p)
	mustContain(t, p, "Group pupils, blocking adult, self harm", "No filter: the filter has no default group",
		"1 group has no filter policy.", `<span class="tag overdue">No filter</span>`)
	group.Set("count", "-3")
	p = f.post("manager", "/internet-access", group)
	if p.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad group: %d", p.status)
	}
	mustContain(t, p, "How many (optional) must be 0 or more")

}
