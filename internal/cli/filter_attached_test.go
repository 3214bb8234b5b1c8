// This test runs the filter attached to a real server: lifeguard serve on
// a SQLite file, lifeguard filter --server, real DNS packets and the block
// page's form.

package cli

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// serving is a lifeguard serve run in this process that the test can stop
// and start again on the same address and data.
type serving struct {
	url  string
	out  *sqltest.Logs
	stop func()
}

func serveAt(t *testing.T, listen string, args ...string) *serving {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &sqltest.Logs{}
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--listen", listen}, args...), strings.NewReader(""), out, out)
	}()
	stopped := false
	s := &serving{out: out}
	s.stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d:\n%s", code, out.String())
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 seconds of its context ending")
		}
	}
	t.Cleanup(s.stop)
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if m := runningAt.FindStringSubmatch(out.String()); m != nil {
			s.url = m[1]
			return s
		}
		select {
		case code := <-done:
			stopped = true
			t.Fatalf("serve stopped (exit %d) before listening:\n%s", code, out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not start within five minutes:\n%s", out.String())
		}
	}
}

// apiCall sends a JSON request with a bearer token and decodes the answer
// into out when it is not nil.
func apiCall(t *testing.T, method, url, token, body string, out any) int {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v\n%s", method, url, err, b)
		}
	}
	if res.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	return res.StatusCode
}

// eventsByName counts the blocked attempts the server stored, by name and
// category, with the times of the self-harm ones.
func eventsByName(t *testing.T, dir string) (counts map[string]int, selfHarmAt []time.Time) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+dbFile(dir)+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(t.Context(), `SELECT name, category, at FROM filter_events`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	counts = map[string]int{}
	for rows.Next() {
		var name, category string
		var at int64
		if err := rows.Scan(&name, &category, &at); err != nil {
			t.Fatal(err)
		}
		counts[name+" "+category]++
		if category == "self_harm" {
			selfHarmAt = append(selfHarmAt, time.UnixMicro(at))
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return counts, selfHarmAt
}

// waitFor polls until cond holds, failing the test at the deadline with
// what describe says.
func waitFor(t *testing.T, what string, cond func() bool, describe func() string) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within two minutes: %s", what, describe())
		}
	}
}

type alert struct {
	Client   string
	Category string
	Hour     time.Time
	Attempts int
	Names    []string
}

func selfHarmAlerts(t *testing.T, url, token, client string) (alerts []alert) {
	t.Helper()
	var got struct{ Alerts []alert }
	if code := apiCall(t, "GET", url+"/api/v1/filter/alerts", token, "", &got); code != 200 {
		t.Fatalf("the DSL's alerts: %d", code)
	}
	for _, a := range got.Alerts {
		if a.Category != "self_harm" {
			t.Errorf("an alert for %s was raised: only alerting categories raise one", a.Category)
		}
		if a.Client == client {
			alerts = append(alerts, a)
		}
	}
	return alerts
}

// checkSelfHarmAlerts checks that the client's self-harm attempts are
// grouped in one alert per clock hour (one, unless the test ran across
// the hour), counting each stored attempt once.
func checkSelfHarmAlerts(t *testing.T, url, token, client string, at []time.Time) {
	t.Helper()
	hours := map[time.Time]int{}
	for _, a := range at {
		hours[a.UTC().Truncate(time.Hour)]++
	}
	alerts := selfHarmAlerts(t, url, token, client)
	if len(alerts) != len(hours) {
		t.Fatalf("%d self-harm alerts for %s, want %d (one per clock hour of %d attempts): %+v", len(alerts), client, len(hours), len(at), alerts)
	}
	for _, a := range alerts {
		if want := hours[a.Hour.UTC()]; a.Attempts != want {
			t.Errorf("the alert of %s counts %d attempts, want %d", a.Hour, a.Attempts, want)
		}
	}
}

// TestFilterAttached runs lifeguard filter attached to lifeguard serve: the
// policy set by the partnership's administrator reaches the filter, blocked
// attempts reach the server (and raise one self-harm alert, none for
// gambling), those made while the server is down arrive exactly once after
// it comes back, and a worry sent from the block page becomes a concern in
// the DSL's inbox.
func TestFilterAttached(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	setup := func(stdin string, args ...string) string {
		t.Helper()
		code, out, stderr := run(t, stdin, append(args, "--data", data)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s %s", strings.Join(args, " "), code, out, stderr)
		}
		return strings.TrimSpace(out)
	}
	setup("", "org", "add", "--name", "Hillside School", "--setting", "school", "--partnership", "Hillside SCP", "--internet")
	var tokens = map[string]string{}
	for _, u := range []struct{ email, role string }{{"admin@hillside.example", "admin"}, {"dsl@hillside.example", "dsl"}, {"filter@hillside.example", "filter"}} {
		setup("a perfectly long passphrase for "+u.role+"\n", "user", "add", "--email", u.email, "--name", "The "+u.role, "--role", u.role, "--org", "1")
		tokens[u.role] = setup("", "token", "create", "--email", u.email, "--name", "test")
	}

	// The server, on an address it can be started again on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	listen := l.Addr().String()
	l.Close()
	srv := serveAt(t, listen, "--data", data)
	base := srv.url

	// The lists are beside the filter's configuration: relative list names
	// in the server's policy are read from the configuration's directory.
	dir := t.TempDir()
	for name, body := range map[string]string{"self_harm.txt": "selfharm.test\n", "gambling.txt": "casino.test\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	policy := `{"categories":{"self_harm":{"lists":["self_harm.txt"]},"gambling":{"lists":["gambling.txt"]}},` +
		`"groups":{"everyone":{"categories":["self_harm","gambling"],"networks":["127.0.0.0/8"]}},"default_group":"everyone"}`
	if code := apiCall(t, "PUT", base+"/api/v1/filter/organisations/1/policy", tokens["admin"], policy, nil); code != 200 {
		t.Fatalf("the administrator set the policy: %d", code)
	}
	config := filepath.Join(dir, "filter.yaml")
	if err := os.WriteFile(config, fmt.Appendf(nil, `dns:
  listen: ["127.0.0.1:0"]
  upstreams: [%q]
block_answer: {ipv4: 192.0.2.1}
block_page: {listen: "127.0.0.1:0"}
reload: {server_interval: 1s}
`, answerAll(t)), 0o600); err != nil {
		t.Fatal(err)
	}

	var stderr sqltest.Logs
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, []string{"filter", "--config", config, "--server", base, "--token", tokens["filter"]}, strings.NewReader(""), &bytes.Buffer{}, &stderr)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("the filter exited %d:\n%s", code, stderr.String())
		}
	}()
	// "filtering" is logged once the filter has built the server's policy:
	// it does not start without one.
	var dnsAddr, pageAddr string
	waitFor(t, "the filter starting", func() bool {
		sc := bufio.NewScanner(strings.NewReader(stderr.String()))
		for sc.Scan() {
			var line struct {
				Msg, DNS  string
				BlockPage string `json:"block_page"`
				Attached  bool
			}
			if json.Unmarshal(sc.Bytes(), &line) == nil && line.Msg == "filtering" && line.Attached {
				dnsAddr, pageAddr = line.DNS, line.BlockPage
			}
		}
		return dnsAddr != ""
	}, stderr.String)

	const child = "127.0.0.2"
	for name, want := range map[string]string{
		"selfharm.test":     "192.0.2.1",
		"www.selfharm.test": "192.0.2.1",
		"www.casino.test":   "192.0.2.1",
		"library.test":      "192.0.2.99", // from the upstream
	} {
		if got := ask(t, child, dnsAddr, name); got != want {
			t.Errorf("%s: answered %s, want %s", name, got, want)
		}
	}
	want := map[string]int{"selfharm.test self_harm": 1, "www.selfharm.test self_harm": 1, "www.casino.test gambling": 1}
	sameCounts := func() bool {
		got, _ := eventsByName(t, data)
		return fmt.Sprint(got) == fmt.Sprint(want)
	}
	describe := func() string { got, _ := eventsByName(t, data); return fmt.Sprintf("stored %v, want %v", got, want) }
	waitFor(t, "the blocked attempts reaching the server", sameCounts, describe)
	_, at := eventsByName(t, data)
	checkSelfHarmAlerts(t, base, tokens["dsl"], child, at)

	// The server stops; what the filter blocks meanwhile waits in its spool
	// and arrives once, with nothing sent before resent.
	srv.stop()
	logs := []*sqltest.Logs{&stderr, srv.out}
	for _, name := range []string{"down.selfharm.test", "down.casino.test"} {
		if got := ask(t, child, dnsAddr, name); got != "192.0.2.1" {
			t.Errorf("%s while the server is down: answered %s", name, got)
		}
	}
	if got := ask(t, child, dnsAddr, "library.test"); got != "192.0.2.99" {
		t.Errorf("an allowed name while the server is down: %s", got)
	}
	srv = serveAt(t, listen, "--data", data)
	logs = append(logs, srv.out)
	if srv.url != base {
		t.Fatalf("the server came back at %s, not %s", srv.url, base)
	}
	want["down.selfharm.test self_harm"], want["down.casino.test gambling"] = 1, 1
	waitFor(t, "the attempts made while the server was down reaching it", sameCounts, describe)
	_, at = eventsByName(t, data)
	checkSelfHarmAlerts(t, base, tokens["dsl"], child, at)

	// A worry from the block page becomes a concern the DSL sees.
	worry := "Someone in a game told me to hurt myself"
	client := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(child)}}).DialContext}}
	req, _ := http.NewRequestWithContext(t.Context(), "POST", "http://"+pageAddr+"/.lifeguard/worry",
		strings.NewReader(url.Values{"name": {"selfharm.test"}, "about": {"hurt_myself"}, "text": {worry}}.Encode()))
	req.Host = "selfharm.test"
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(page), "Your worry has been sent") {
		t.Fatalf("the block page's worry form: %d\n%s", res.StatusCode, page)
	}
	var inbox struct {
		Concerns []struct {
			ID         int64
			ReporterID int64 `json:"reporter_id"`
		}
	}
	waitFor(t, "the worry reaching the DSL's inbox", func() bool {
		if code := apiCall(t, "GET", base+"/api/v1/concerns?status=open", tokens["dsl"], "", &inbox); code != 200 {
			t.Fatalf("the DSL's inbox: %d", code)
		}
		return len(inbox.Concerns) > 0
	}, func() string { return fmt.Sprint(inbox) })
	if len(inbox.Concerns) != 1 {
		t.Fatalf("%d concerns in the DSL's inbox, want the worry only", len(inbox.Concerns))
	}
	var concern struct {
		Facts struct {
			Description  string
			ConcernTypes []string `json:"concern_types"`
		}
	}
	if code := apiCall(t, "GET", fmt.Sprintf("%s/api/v1/concerns/%d", base, inbox.Concerns[0].ID), tokens["dsl"], "", &concern); code != 200 {
		t.Fatalf("the worry's concern: %d", code)
	}
	// The child's choice travelled with the worry, through the spool and
	// the API, and made it a self-harm concern.
	if concern.Facts.Description != worry || fmt.Sprint(concern.Facts.ConcernTypes) != "[self_harm]" {
		t.Errorf("the worry's concern: %+v", concern.Facts)
	}
	var me struct{ User lifeguard.User }
	if code := apiCall(t, "GET", base+"/api/v1/me", tokens["filter"], "", &me); code != 200 || me.User.ID != inbox.Concerns[0].ReporterID {
		t.Errorf("the worry's reporter is %d, not the filter's account (%d, status %d)", inbox.Concerns[0].ReporterID, me.User.ID, code)
	}
	for _, secret := range []string{"selfharm", "casino", "hurt myself"} {
		for _, l := range logs {
			if strings.Contains(l.String(), secret) {
				t.Errorf("%q reached a log", secret)
			}
		}
	}
}
