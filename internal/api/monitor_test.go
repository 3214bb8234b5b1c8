package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/monitor"
)

// captureScanner is the baseline library Lifeguard ships, as the server
// scans captures with it.
func captureScanner(t testing.TB) lifeguard.CaptureScanner {
	t.Helper()
	l, err := monitor.Baseline()
	if err != nil {
		t.Fatal(err)
	}
	return l.CaptureScanner()
}

// captureBody is a batch of one capture of text on site, with id n.
func captureBody(n int, site, text string) string {
	return fmt.Sprintf(`{"captures":[{"id":"00000000-0000-4000-8000-%012d","time":%q,"kind":"typed","url":"https://%s/chat","device":"laptop-17","user":"9B","text":%q}]}`,
		n, time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), site, text)
}

// TestMonitorEndpointsByRole is the access matrix of the monitoring
// endpoints: only the monitor's account posts captures; the monitor, and
// the organisation's DSL and manager, read the settings.
func TestMonitorEndpointsByRole(t *testing.T) {
	f := newFixture(t)
	roles := append(append([]string(nil), fixtureRoles...), "monitor")
	const ok, unauth, forbidden = 200, 401, 403
	cases := []struct {
		method, route string
		want          []int // none, staff, staff2, manager, dsl, dslB, partnership, admin, filter, monitor
	}{
		{"POST", "/monitor/captures", []int{unauth, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, forbidden, ok}},
		{"GET", "/monitor/settings", []int{unauth, forbidden, forbidden, ok, ok, ok, forbidden, forbidden, forbidden, ok}},
	}
	n := 0
	for _, c := range cases {
		for i, role := range roles {
			t.Run(c.method+" "+c.route+" as "+role, func(t *testing.T) {
				f.t = t
				body := ""
				if c.method == "POST" {
					n++
					body = captureBody(n, "chat.example.org", "nobody likes you")
				}
				if r := f.call(role, c.method, c.route, c.route, body); r.status != c.want[i] {
					t.Errorf("got %d, want %d: %s", r.status, c.want[i], r.body)
				}
			})
		}
	}
	f.t = t
}

// TestMonitorCaptures posts captures as the school's monitor and checks
// that only those the baseline library matches are kept, with the text
// around the match, none from an excluded site, none in the logs.
func TestMonitorCaptures(t *testing.T) {
	f := newFixture(t)
	s := lifeguard.DefaultMonitorSettings(f.orgA.ID)
	s.ExcludedSites = []string{"support.example.org"}
	if _, err := f.db.SetMonitorSettings(f.as("dsl"), s); err != nil {
		t.Fatal(err)
	}
	at := time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
	secret := "pupil-words-7319"
	body := fmt.Sprintf(`{"captures":[
		{"id":"10000000-0000-4000-8000-000000000001","time":%q,"kind":"search","url":"https://www.bing.com/search?q=x","device":"laptop-17","text":"how to kill myself %s"},
		{"id":"10000000-0000-4000-8000-000000000002","time":%q,"kind":"typed","site":"docs.example.org","device":"laptop-17","text":"my essay on the water cycle %s"},
		{"id":"10000000-0000-4000-8000-000000000003","time":%q,"kind":"typed","site":"support.example.org","device":"laptop-17","text":"I want to kill myself"}]}`,
		at, secret, at, secret, at)
	r := f.call("monitor", "POST", "/monitor/captures", "/monitor/captures", body)
	if r.status != http.StatusOK {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var rc lifeguard.CaptureReceipt
	r.decode(t, &rc)
	if rc != (lifeguard.CaptureReceipt{Accepted: 3, Matched: 1, Excluded: 1}) {
		t.Fatalf("receipt %+v", rc)
	}
	list, err := f.db.Captures(f.as("dsl"), lifeguard.CaptureFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Site != "www.bing.com" || list[0].Kind != lifeguard.CaptureSearch ||
		list[0].Severity < lifeguard.CaptureAlertSeverity || list[0].Category != "suicide" {
		t.Fatalf("captures %+v", list)
	}
	if strings.Contains(f.logs.String(), secret) || strings.Contains(f.logs.String(), "kill") {
		t.Error("the logs hold what was typed")
	}

	t.Run("Settings", func(t *testing.T) {
		r := f.call("monitor", "GET", "/monitor/settings", "/monitor/settings", "")
		if r.status != http.StatusOK || !strings.Contains(string(r.body), "support.example.org") ||
			!strings.Contains(string(r.body), "monitored") {
			t.Errorf("%d %s", r.status, r.body)
		}
	})
	t.Run("BadFields", func(t *testing.T) {
		for _, c := range []struct{ body, path string }{
			{`{"captures":[{"id":"10000000-0000-4000-8000-000000000009","time":"yesterday","kind":"typed","site":"a.example","device":"d","text":"t"}]}`, "captures[0].time"},
			{`{"captures":[{"id":"10000000-0000-4000-8000-000000000009","time":"2026-01-01T00:00:00Z","kind":"typed","site":"a.example","device":"d","text":"t","password":"x"}]}`, "captures[0].password"},
			{`{"captures":[{"id":"10000000-0000-4000-8000-000000000009","time":"2026-01-01T00:00:00Z","kind":"spoken","site":"a.example","device":"d","text":"t"}]}`, "captures[0].kind"},
			{`{"captures":[{"id":"10000000-0000-4000-8000-000000000009","time":"2026-01-01T00:00:00Z","kind":"typed","site":"a.example","device":"d","text":3}]}`, "captures[0].text"},
			{`{}`, "captures"},
		} {
			r := f.call("monitor", "POST", "/monitor/captures", "/monitor/captures", c.body)
			if r.status != http.StatusBadRequest && r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", c.path, r.status, r.body)
				continue
			}
			if !strings.Contains(string(r.body), `"`+c.path+`"`) {
				t.Errorf("%s: the refusal does not name it: %s", c.path, r.body)
			}
		}
	})
}
