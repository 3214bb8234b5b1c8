package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// dslMeeting is a concern whose triage has a route due now: it alerts the
// DSL at once.
const dslMeeting = `{"setting":"school","concern_types":["grooming"],"child":{"age":13},"child_role":"victim",` +
	`"parties":{"unknown_involved":true},"risk":{"immediate_danger":true},"details":{"meeting_arranged":true},` +
	`"description":"Arranged to meet a man from a game on Saturday."}`

// TestAlertsPage: an administrator sees the alert waiting and one given
// up, retries the one given up, and makes and removes a webhook whose
// secret is shown once; no one else sees the page; a bad address is
// refused naming the field.
func TestAlertsPage(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslMeeting, dslStart)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	// One delivery fails for good: it is given up.
	ds, err := f.db.ClaimOutbox(sys, lifeguard.OutboxClaim{Holder: "test", Until: f.clock.Now().Add(time.Minute),
		Channels: []lifeguard.Channel{lifeguard.ChannelEmail}, Limit: 1}, f.clock.Now())
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim: %v %v", ds, err)
	}
	if err := f.db.FinishOutbox(sys, ds[0].Message.ID, "test", f.clock.Now(),
		lifeguard.OutboxResult{Error: "550 mailbox unavailable"}); err != nil {
		t.Fatal(err)
	}

	for _, who := range []string{"staff", "dsl"} {
		if s := f.get(who, "/admin/alerts").status; s != http.StatusForbidden {
			t.Errorf("%s sees the alerts page: %d", who, s)
		}
	}
	p := f.get("alertsadmin", "/admin/alerts")
	checkPage(t, p)
	mustContain(t, p, `href="/admin/alerts" aria-current="page"`, "Not delivered", "550 mailbox unavailable",
		"New concern (Now): Email to", "Number "+strconv.FormatInt(c.ID, 10), "There are no webhooks.", "This server has no SMTP server")
	mustNotContain(t, p, "Arranged to meet")
	retry := "/admin/alerts/" + strconv.FormatInt(ds[0].Message.ID, 10) + "/retry"
	if s := f.post("dsl", retry, url.Values{}).status; s != http.StatusForbidden {
		t.Errorf("the DSL retried: %d", s)
	}
	p = f.postThen("alertsadmin", retry, url.Values{})
	mustContain(t, p, "The message will be sent again within a minute.",
		"Every message has been delivered or is still being tried.")

	bad := f.post("alertsadmin", "/admin/webhooks", url.Values{"url": {"http://hooks.example.org/x"}, "events": {"new_concern"}})
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("an http address: %d", bad.status)
	}
	checkPage(t, bad)
	mustContain(t, bad, `href="#webhook-url"`, "Address must use https", `value="http://hooks.example.org/x"`)
	none := f.post("alertsadmin", "/admin/webhooks", url.Values{"url": {"https://hooks.example.org/x"}})
	mustContain(t, none, `href="#event-new_concern"`, "Events choose at least one")

	made := f.post("alertsadmin", "/admin/webhooks", url.Values{"url": {"https://hooks.example.org/lifeguard"},
		"organisation": {strconv.FormatInt(f.orgA.ID, 10)}, "events": {"new_concern", "escalation"}})
	if made.status != http.StatusOK {
		t.Fatalf("make a webhook: %d %s", made.status, made.body)
	}
	checkPage(t, made)
	secret := regexp1(made.body, `<code class="secret">([0-9a-f]{64})</code>`)
	if secret == "" {
		t.Fatalf("no secret shown:\n%s", made.body)
	}
	mustContain(t, made, "Webhook made: copy its secret now", "New concern, Escalated concern")
	again := f.get("alertsadmin", "/admin/alerts")
	if strings.Contains(again.body, secret) {
		t.Error("the secret is shown a second time")
	}
	remove := regexp1(again.body, `action="(/admin/webhooks/\d+/remove)"`)
	p = f.postThen("alertsadmin", remove, url.Values{})
	mustContain(t, p, "The webhook is removed", "There are no webhooks.")
	if !regexp.MustCompile(`Waiting to be delivered`).MatchString(p.body) {
		t.Error("no waiting section")
	}
}
