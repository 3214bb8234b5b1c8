package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// dslDanger is a concern with a route due now: a child in immediate danger.
const dslDanger = `{"setting":"school","concern_types":["grooming"],"child":{"age":14},"child_role":"victim","parties":{"adult_involved":true},"risk":{"immediate_danger":true},"details":{"meeting_arranged":true},"description":"Has arranged to meet an adult from a game on Saturday."}`

// listed is where concern id's entry is in the inbox's list, after the
// reminders (which link to concerns too); -1 when it is not there.
func listed(body string, id int64) int {
	start := strings.Index(body, `id="concerns-heading"`)
	if start < 0 {
		return -1
	}
	if i := position(body[start:], id); i >= 0 {
		return start + i
	}
	return -1
}

// TestInboxPriority checks the inbox in the priority order: a new concern
// with a route due now leads, even over concerns overdue for days; then
// concerns nobody has opened; then by deadline. Opening a concern moves it.
func TestInboxPriority(t *testing.T) {
	f := newDSLFixture(t, nil)
	// Neither has a route due now: the procedure gives both same-day
	// routes, so the first has been overdue since two days ago.
	overdue := f.concern("staff", dslGambling, dslStart.Add(-48*time.Hour))
	later := f.concern("staff", dslMisinfo, dslStart.Add(-time.Hour))
	danger := f.concern("staff", dslDanger, dslStart)
	if danger.Due == nil || !danger.Due.Equal(danger.Facts.ReportedAt) {
		t.Fatalf("the danger concern is due %v, not at its report: the procedure gives it no immediate route", danger.Due)
	}

	p := f.get("dsl", "/inbox")
	if p.status != http.StatusOK {
		t.Fatalf("status %d\n%s", p.status, p.body)
	}
	checkPage(t, p)
	a, b, c := listed(p.body, danger.ID), listed(p.body, overdue.ID), listed(p.body, later.ID)
	if a < 0 || b < 0 || c < 0 || !(a < b && b < c) {
		t.Errorf("positions: due now %d, overdue %d, later %d; want the concern due now first", a, b, c)
	}
	if !strings.Contains(item(t, p.body, danger.ID), "Not yet opened") {
		t.Error("a concern nobody has opened is not marked so")
	}

	// The lead opens the overdue one: it has been seen, so the concern
	// nobody has opened comes before it, whatever its deadline.
	if op := f.get("dsl", "/concerns/"+strconv.FormatInt(overdue.ID, 10)); op.status != http.StatusOK {
		t.Fatalf("open the concern: %d", op.status)
	}
	p = f.get("dsl", "/inbox")
	a, b, c = listed(p.body, danger.ID), listed(p.body, overdue.ID), listed(p.body, later.ID)
	if !(a < c && c < b) {
		t.Errorf("after opening: due now %d, later %d, overdue %d; want the opened concern last", a, c, b)
	}
	if strings.Contains(item(t, p.body, overdue.ID), "Not yet opened") {
		t.Error("an opened concern is still marked not yet opened")
	}

	// A reporter reading their own concern does not open it for the lead.
	if op := f.get("staff", "/concerns/"+strconv.FormatInt(later.ID, 10)); op.status != http.StatusOK {
		t.Fatalf("staff read: %d", op.status)
	}
	p = f.get("dsl", "/inbox")
	if !strings.Contains(item(t, p.body, later.ID), "Not yet opened") {
		t.Error("the reporter's read opened the concern")
	}

	t.Run("closed ones are listed by deadline, and said so", func(t *testing.T) {
		p := f.get("dsl", "/inbox?status=all")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		mustContain(t, p, "listed by deadline rather than in the inbox")
		p = f.get("dsl", "/inbox")
		mustNotContain(t, p, "listed by deadline rather than in the inbox")
	})
}

// TestRiskAndAssignmentPages walks the two forms of the concern page and
// the inbox's "assigned to me".
func TestRiskAndAssignmentPages(t *testing.T) {
	f := newDSLFixture(t, nil)
	deputy, err := f.db.CreateUser(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), lifeguard.NewUser{
		Email: "deputy@demo.test", Name: "Dee Deputy", Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID,
		Deputy: true, PasswordHash: dslHash(t)})
	if err != nil {
		t.Fatal(err)
	}
	c := f.concern("staff", dslGrooming, dslStart)
	other := f.concern("staff", dslBullying, dslStart)
	path := "/concerns/" + strconv.FormatInt(c.ID, 10)

	t.Run("the page shows neither yet", func(t *testing.T) {
		p := f.get("dsl", path)
		checkPage(t, p)
		mustContain(t, p, "Risk and who works it", "Not rated", "Nobody yet",
			`<option value="`+strconv.FormatInt(deputy.ID, 10)+`">Dee Deputy (deputy)</option>`)
		mustNotContain(t, p, `<option value="`+strconv.FormatInt(f.users["staff"].ID, 10)+`"`,
			`<option value="`+strconv.FormatInt(f.users["dslB"].ID, 10)+`"`)
	})

	t.Run("rate the risk", func(t *testing.T) {
		p := f.postThen("dsl", path+"/risk", url.Values{"risk_level": {"high"}})
		checkPage(t, p)
		mustContain(t, p, "The risk level is recorded: high risk.", `<span class="tag overdue">High risk</span> set by`,
			`value="high" checked`)
		bad := f.post("dsl", path+"/risk", url.Values{"risk_level": {"extreme"}})
		if bad.status != http.StatusUnprocessableEntity {
			t.Fatalf("a level that is not one: %d", bad.status)
		}
		checkPage(t, bad)
		mustContain(t, bad, `href="#risk-level"`, "Risk level ", "is not a risk level")
	})

	t.Run("assign to the deputy", func(t *testing.T) {
		p := f.postThen("dsl", path+"/assignment", url.Values{"assigned_to": {strconv.FormatInt(deputy.ID, 10)}})
		checkPage(t, p)
		mustContain(t, p, "The concern is assigned to Dee Deputy (deputy).", "<strong>Dee Deputy (deputy)</strong> assigned by")
		for _, who := range []string{strconv.FormatInt(f.users["staff"].ID, 10), strconv.FormatInt(f.users["dslB"].ID, 10), "abc"} {
			bad := f.post("dsl", "/concerns/"+strconv.FormatInt(other.ID, 10)+"/assignment", url.Values{"assigned_to": {who}})
			if bad.status != http.StatusUnprocessableEntity {
				t.Fatalf("assign to %s: %d", who, bad.status)
			}
			checkPage(t, bad)
			mustContain(t, bad, `href="#assigned-to"`, "The person you chose ")
		}
	})

	t.Run("the inbox shows it, and what is assigned to me", func(t *testing.T) {
		p := f.get("dsl", "/inbox")
		checkPage(t, p)
		it := item(t, p.body, c.ID)
		for _, want := range []string{"High risk", "Dee Deputy (deputy)"} {
			if !strings.Contains(it, want) {
				t.Errorf("the inbox entry lacks %q:\n%s", want, it)
			}
		}
		mustContain(t, p, `<a href="/inbox?assigned=me">Assigned to me</a>`)
		mine := f.get("deputy", "/inbox?assigned=me")
		if mine.status != http.StatusOK {
			t.Fatalf("status %d\n%s", mine.status, mine.body)
		}
		checkPage(t, mine)
		if listed(mine.body, c.ID) < 0 || listed(mine.body, other.ID) >= 0 {
			t.Error("the deputy's assigned concerns are not the one assigned to them")
		}
		mustContain(t, mine, "Concerns assigned to you", `aria-current="page">Assigned to me</a>`, "Assigned to you")
		if lead := f.get("dsl", "/inbox?assigned=me"); listed(lead.body, c.ID) >= 0 {
			t.Error("the lead's assigned concerns include the deputy's")
		}
		if bad := f.get("dsl", "/inbox?assigned=everyone"); bad.status != http.StatusUnprocessableEntity {
			t.Errorf("an unknown assigned filter: %d", bad.status)
		}
	})

	t.Run("unassign and clear", func(t *testing.T) {
		p := f.postThen("dsl", path+"/assignment", url.Values{"assigned_to": {""}})
		mustContain(t, p, "The concern is no longer assigned to anyone.", "Nobody yet")
		p = f.postThen("dsl", path+"/risk", url.Values{"risk_level": {""}})
		mustContain(t, p, "The risk rating is cleared.", "Not rated")
	})

	t.Run("staff see neither and cannot change them", func(t *testing.T) {
		p := f.get("staff", path)
		mustNotContain(t, p, "Risk and who works it")
		if r := f.post("staff", path+"/risk", url.Values{"risk_level": {"low"}}); r.status != http.StatusForbidden {
			t.Errorf("staff rating risk: %d", r.status)
		}
		if r := f.post("staff", path+"/assignment", url.Values{"assigned_to": {strconv.FormatInt(f.users["staff"].ID, 10)}}); r.status != http.StatusForbidden {
			t.Errorf("staff assigning: %d", r.status)
		}
	})
}
