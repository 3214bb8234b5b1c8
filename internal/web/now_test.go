package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// dslMeeting is the concern of issue 13: a 14-year-old has arranged to meet
// an adult from a game on Saturday. Its social-care referral (and keeping
// the evidence) is due now.
const dslMeeting = `{"setting":"school","concern_types":["grooming"],"child":{"age":14},"child_role":"victim","parties":{"adult_involved":true},"details":{"meeting_arranged":true},"description":"She has arranged to meet a man from a game on Saturday."}`

// inboxEntry is concern id's entry in the inbox's list, after the
// reminders that may link to it too.
func inboxEntry(t *testing.T, body string, id int64) string {
	t.Helper()
	i := strings.Index(body, `<ol class="inbox"`)
	if i < 0 {
		t.Fatal("the inbox lists no concerns")
	}
	return item(t, body[i:], id)
}

// routeArticle is the concern page's article of one route.
func routeArticle(t *testing.T, body, code string) string {
	t.Helper()
	i := strings.Index(body, `aria-labelledby="route-`+code+`"`)
	if i < 0 {
		t.Fatalf("route %s is not on the page", code)
	}
	rest := body[i:]
	if j := strings.Index(rest, "</article>"); j > 0 {
		rest = rest[:j]
	}
	return rest
}

// TestNowIsNotOverdue: within the procedure's window of "now" (an hour) an
// immediate route shows as Now with its action on the inbox and the concern
// page, not as Overdue; a decision within it is on time; after it the route
// is overdue.
func TestNowIsNotOverdue(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslMeeting, dslStart)
	later := f.concern("staff", dslMeeting, dslStart)
	page := "/concerns/" + strconv.FormatInt(c.ID, 10)

	f.clock.Advance(20 * time.Minute)
	// The reminders job runs: within the window the reminder says the
	// route is due now, not that its deadline has passed.
	if _, err := f.db.RaiseReminders(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), f.clock.Now(), time.Hour); err != nil {
		t.Fatal(err)
	}
	p := f.get("dsl", "/inbox")
	if p.status != http.StatusOK {
		t.Fatalf("inbox: status %d", p.status)
	}
	checkPage(t, p)
	mustContain(t, p, "Concern "+strconv.FormatInt(c.ID, 10)+"</a>:\n      a route is due now (since")
	mustNotContain(t, p, "its deadline passed")
	it := inboxEntry(t, p.body, c.ID)
	if strings.Contains(it, "Overdue") || !strings.Contains(it, `<span class="tag now">Now</span>`) ||
		!strings.Contains(it, "<strong>Refer to children&#39;s social care</strong>: Phone children&#39;s social care now") {
		t.Errorf("inbox 20 minutes after the report:\n%s", it)
	}
	p = f.get("dsl", page)
	checkPage(t, p)
	ref := routeArticle(t, p.body, "CSC_REFERRAL")
	if strings.Contains(ref, "Overdue") || strings.Contains(ref, "(overdue)") || !strings.Contains(ref, `<span class="tag now">Now</span>`) ||
		!strings.Contains(ref, "It counts as on time until <time datetime=\"2026-11-18T11:00:00Z\">Wed 18 Nov 2026, 11:00</time>") {
		t.Errorf("concern page 20 minutes after the report:\n%s", ref)
	}
	if strings.Count(ref, ">Now</span>") != 1 {
		t.Errorf("the referral says Now more than once:\n%s", ref)
	}
	if police := routeArticle(t, p.body, "POLICE_101"); strings.Contains(police, "tag now") || strings.Contains(police, "Overdue") {
		t.Errorf("a same-day route due at 17:00 shows as now or overdue:\n%s", police)
	}

	// Decided within the window: on time, on the page as in the record.
	f.clock.Advance(25 * time.Minute)
	d, err := f.db.AddDecision(f.ctx("dsl"), c.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: lifeguard.DecisionDone,
		Reference: "MASH-1"})
	if err != nil {
		t.Fatal(err)
	}
	if d.OnTime == nil || !*d.OnTime {
		t.Errorf("referral 45 minutes after the report: on time %v", d.OnTime)
	}
	ref = routeArticle(t, f.get("dsl", page).body, "CSC_REFERRAL")
	if !strings.Contains(ref, `<span class="tag">On time</span>`) || strings.Contains(ref, "Late") {
		t.Errorf("decided within the window:\n%s", ref)
	}

	// After the hour the other concern's referral is overdue.
	f.clock.Advance(16 * time.Minute)
	it = inboxEntry(t, f.get("dsl", "/inbox").body, later.ID)
	if !strings.Contains(it, `<span class="tag overdue">Overdue</span>`) || strings.Contains(it, "tag now") {
		t.Errorf("inbox 61 minutes after the report:\n%s", it)
	}
	ref = routeArticle(t, f.get("dsl", "/concerns/"+strconv.FormatInt(later.ID, 10)).body, "CSC_REFERRAL")
	if !strings.Contains(ref, `<span class="tag overdue">Overdue</span>`) || strings.Contains(ref, "tag now") {
		t.Errorf("concern page 61 minutes after the report:\n%s", ref)
	}
}
