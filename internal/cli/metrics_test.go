package cli

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/lifeguard-scp/lifeguard/internal/metrics/metricstest"
)

var metricsAt = regexp.MustCompile(`Metrics: (http://\S+/metrics)`)

// scrape fetches the exposition and parses it with Prometheus's parser.
func scrape(t *testing.T, url string) (string, map[string]*dto.MetricFamily) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("scrape: %d %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	return string(b), metricstest.Parse(t, string(b))
}

// TestMetricsAfterTraffic runs serve with --metrics-listen over a school,
// sends the traffic of a working day in small (concerns recorded and read
// by id through the API, pages asked for by id without a session, an
// address that is no route), scrapes /metrics and checks it with
// Prometheus's text parser: the figures count that traffic, and no label
// carries an id, an address or a word of a concern.
func TestMetricsAfterTraffic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	// A school and its DSL, made with the tools (the demo's seeding would
	// take minutes under the race detector on a busy machine).
	for _, args := range [][]string{
		{"org", "add", "--data", dir, "--name", "Riverside Academy", "--setting", "school", "--partnership", "Riverside SCP"},
		{"user", "add", "--data", dir, "--email", "dsl@riverside.example", "--name", "Dee Lead", "--role", "dsl", "--org", "1"},
	} {
		if code, _, stderr := run(t, "a lead's passphrase\n", args...); code != 0 {
			t.Fatalf("%v: %s", args, stderr)
		}
	}
	s := serveAt(t, "127.0.0.1:0", "--data", dir, "--metrics-listen", "127.0.0.1:0")
	m := metricsAt.FindStringSubmatch(s.out.String())
	if m == nil {
		t.Fatalf("serve did not say where the metrics are:\n%s", s.out.String())
	}
	code, token, stderr := run(t, "", "token", "create", "--data", dir, "--email", "dsl@riverside.example")
	if code != 0 {
		t.Fatalf("token: %s", stderr)
	}
	token = strings.TrimSpace(token)

	stop := make(chan struct{})
	wait, failed := postConcerns(t, []string{s.url}, token, 4, stop)
	time.Sleep(time.Second)
	close(stop)
	acked := wait()
	if len(acked) == 0 || failed.Load() > 0 {
		t.Fatalf("%d concerns acknowledged, %d failed", len(acked), failed.Load())
	}
	noSession := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for id := range acked {
		if code, _ := get(t, fmt.Sprintf("%s/api/v1/concerns/%d", s.url, id), token); code != 200 {
			t.Fatalf("concern %d: %d", id, code)
		}
		res, err := noSession.Get(fmt.Sprintf("%s/concerns/%d", s.url, id))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	get(t, s.url+"/api/v1/concerns/987654321", token)
	get(t, s.url+"/nowhere/123456789", "")
	get(t, s.url+"/healthz", "")

	var body string
	var fams map[string]*dto.MetricFamily
	waitFor(t, "a scheduled job's run to be counted", func() bool {
		body, fams = scrape(t, m[1])
		_, ok := metricstest.Value(fams, "lifeguard_job_runs_total", map[string]string{"outcome": "done"})
		return ok
	}, func() string { return body })

	n := float64(len(acked))
	for _, tc := range []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"lifeguard_http_requests_total", map[string]string{"route": "POST /api/v1/concerns", "status": "201"}, n},
		{"lifeguard_http_requests_total", map[string]string{"route": "GET /api/v1/concerns/{id}", "status": "200"}, n},
		{"lifeguard_http_requests_total", map[string]string{"route": "GET /api/v1/concerns/{id}", "status": "404"}, 1},
		{"lifeguard_http_requests_total", map[string]string{"route": "GET /healthz", "status": "200"}, 1},
		{"lifeguard_http_request_duration_seconds", map[string]string{"route": "POST /api/v1/concerns", "status": "201"}, n},
		{"lifeguard_db_write_batch_size", nil, 1},
		{"lifeguard_db_writes_total", map[string]string{"outcome": "committed"}, n},
		{"lifeguard_db_transactions_total", map[string]string{"pool": "write", "outcome": "commit"}, 1},
		{"lifeguard_db_transactions_total", map[string]string{"pool": "read", "outcome": "commit"}, 1},
		{"lifeguard_db_pool_max_open_connections", map[string]string{"pool": "write"}, 1},
		{"lifeguard_db_pool_open_connections", map[string]string{"pool": "read"}, 1},
		{"lifeguard_outbox_messages", map[string]string{"channel": "email", "state": "waiting"}, 0},
		{"lifeguard_job_runs_total", map[string]string{"job": "reminders", "outcome": "done"}, 1},
	} {
		got, ok := metricstest.Value(fams, tc.name, tc.labels)
		if !ok || got < tc.min {
			t.Errorf("%s%v = %v (found: %v), want at least %v", tc.name, tc.labels, got, ok, tc.min)
		}
	}
	if strings.Contains(body, `route="GET /concerns/{id}"`) == false {
		t.Errorf("the page route by id is not counted by its pattern")
	}
	checkNoIdentifiers(t, body, fams, acked)
}

// checkNoIdentifiers fails if any label of the exposition could carry an
// id or personal data: only the labels Lifeguard means to use are there,
// a status is a status code, and no other value holds a digit (but the
// API's "v1"), so no concern, child, user or organisation id can be in one.
// And no word a user gave appears anywhere in it.
func checkNoIdentifiers(t *testing.T, body string, fams map[string]*dto.MetricFamily, acked map[int64]string) {
	t.Helper()
	allowed := map[string]bool{"route": true, "status": true, "pool": true, "outcome": true, "channel": true,
		"state": true, "job": true}
	digits := regexp.MustCompile(`[0-9]`)
	for name, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				k, v := l.GetName(), l.GetValue()
				switch {
				case !allowed[k]:
					t.Errorf("%s has a label %q that no one vetted", name, k)
				case k == "status":
					if c, err := strconv.Atoi(v); err != nil || c < 100 || c > 599 {
						t.Errorf("%s has status %q", name, v)
					}
				case digits.MatchString(strings.ReplaceAll(v, "/api/v1/", "/api/")):
					t.Errorf("%s has %s=%q, which holds a digit (an id?)", name, k, v)
				}
			}
		}
	}
	for id, desc := range acked {
		// A status code can equal an id ("404"): the label check above is
		// what keeps ids out of labels; here, no id as a path has it.
		for _, s := range []string{desc, "/" + strconv.FormatInt(id, 10)} {
			if strings.Contains(body, s) {
				t.Fatalf("the exposition holds %q", s)
			}
		}
	}
	for _, s := range []string{"@riverside.example", "Dee Lead", "987654321", "123456789", "client", "Riverside"} {
		if strings.Contains(body, s) {
			t.Errorf("the exposition holds %q", s)
		}
	}
}
