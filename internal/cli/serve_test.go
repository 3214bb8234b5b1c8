package cli

import (
	"bufio"
	"context"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

var runningAt = regexp.MustCompile(`Lifeguard is running at (http://\S+)`)

// startServe runs "lifeguard serve" with args in this process, as main
// would, and returns its URL once it listens; the server stops with the test.
func startServe(t *testing.T, args ...string) (url string, output func() string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	var mu sync.Mutex
	var out strings.Builder
	write := func(s string) { mu.Lock(); out.WriteString(s); mu.Unlock() }
	read := func() string { mu.Lock(); defer mu.Unlock(); return out.String() }
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("serve exited %d", code)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30 seconds of its context ending")
		}
	})
	deadline := time.After(5 * time.Minute)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("serve stopped before listening:\n%s", read())
			}
			write(line + "\n")
			if m := runningAt.FindStringSubmatch(line); m != nil {
				url = m[1]
				// Keep draining so the server never blocks on its output.
				go func() {
					for l := range lines {
						write(l + "\n")
					}
				}()
				return url, func() string { time.Sleep(100 * time.Millisecond); return read() }
			}
		case <-deadline:
			t.Fatalf("serve did not start within five minutes:\n%s", read())
		}
	}
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), "GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestServeDemoAndTools(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	url, output := startServe(t, "--demo", "--demo-size", "stories", "--demo-password", "a demo passphrase", "--data", dir)
	out := output()
	for _, want := range []string{"Demo partnership seeded", "staff@demo.test", "dsl@demo.test", "dsl2@demo.test", "partnership@demo.test", "admin@demo.test", "a demo passphrase",
		"deputy@demo.test", "dsl (deputy)"} {
		if !strings.Contains(out, want) {
			t.Errorf("start-up output lacks %q:\n%s", want, out)
		}
	}
	if code, body := get(t, url+"/healthz", ""); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz: %d %q", code, body)
	}
	if code, body := get(t, url+"/readyz", ""); code != 200 || strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz: %d %q", code, body)
	}

	// The demo's own DSL passes without a second factor; a DSL added later
	// with an address ending @demo.test does not.
	if code, _, stderr := run(t, "a demo passphrase\n", "user", "add", "--data", dir, "--email", "later@demo.test",
		"--name", "Later Lead", "--role", "dsl", "--org", "1"); code != 0 {
		t.Fatalf("user add: %s", stderr)
	}
	for email, want := range map[string]string{"dsl@demo.test": "/inbox", "deputy@demo.test": "/inbox",
		"later@demo.test": "/account/second-factor"} {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.PostForm(url+"/signin", neturl.Values{"email": {email}, "password": {"a demo passphrase"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != http.StatusSeeOther || loc != want {
			t.Errorf("signing in as %s: %d to %q; want %s", email, res.StatusCode, loc, want)
		}
	}

	// A token made by the command line works against the running server.
	code, token, stderr := run(t, "", "token", "create", "--data", dir, "--email", "dsl@demo.test", "--name", "test")
	token = strings.TrimSpace(token)
	if code != 0 || !strings.HasPrefix(token, "lg_") {
		t.Fatalf("token create: %d %q %s", code, token, stderr)
	}
	if code, body := get(t, url+"/api/v1/concerns?order=due&status=open", token); code != 200 || !strings.Contains(body, `"concerns":[{`) {
		t.Errorf("the DSL's inbox: %d %.300s", code, body)
	}
	// The demo's lead has rated and shared out the concerns they have read.
	if code, body := get(t, url+"/api/v1/concerns?order=priority&limit=200", token); code != 200 ||
		!strings.Contains(body, `"risk_level":"high"`) || !strings.Contains(body, `"name":"Dev Deputy","deputy":true`) ||
		!strings.Contains(body, `"first_opened_at":null`) {
		t.Errorf("the demo's inbox has no rated, assigned and unopened concerns: %d %.300s", code, body)
	}
	code, list, _ := run(t, "", "token", "list", "--data", dir, "--email", "dsl@demo.test")
	if code != 0 || !strings.Contains(list, token[:10]) || !strings.Contains(list, "test") {
		t.Errorf("token list: %d\n%s", code, list)
	}
	id := strings.Fields(strings.Split(list, "\n")[1])[0]
	if code, _, stderr := run(t, "", "token", "revoke", "--data", dir, id); code != 0 {
		t.Fatalf("token revoke: %d %s", code, stderr)
	}
	if code, _ := get(t, url+"/api/v1/me", token); code != 401 {
		t.Errorf("a revoked token answered %d", code)
	}
	if code, _, stderr := run(t, "", "token", "create", "--data", dir, "--email", "nobody@demo.test"); code != 2 || !strings.Contains(stderr, "no user") {
		t.Errorf("token for an unknown user: %d %s", code, stderr)
	}

	// A consistent copy while the server runs, whose journal verifies.
	backup := filepath.Join(t.TempDir(), "copy", "lifeguard.db")
	os.MkdirAll(filepath.Dir(backup), 0o700)
	if code, _, stderr := run(t, "", "backup", "--data", dir, backup); code != 0 {
		t.Fatalf("backup: %d %s", code, stderr)
	}
	if code, _, _ := run(t, "", "backup", "--data", dir, backup); code == 0 {
		t.Error("backup overwrote an existing file")
	}
	// The copy's head is sealed with the data directory's key, kept apart
	// from it as a restore would need.
	for _, d := range []string{dir, filepath.Dir(backup)} {
		code, out, stderr := run(t, "", "journal", "verify", "--data", d, "--journal-key", defaultJournalKey(dir))
		if code != 0 || !strings.Contains(out, "The journal is whole") || !strings.Contains(out, "is sealed") {
			t.Errorf("journal verify %s: %d %s %s", d, code, out, stderr)
		}
	}
	if code, out, _ := run(t, "", "migrate", "--data", dir); code != 0 || !strings.Contains(out, "schema version") {
		t.Errorf("migrate: %d %s", code, out)
	}
	if code, _, stderr := run(t, "", "journal", "verify", "--data", filepath.Join(t.TempDir(), "none")); code != 2 || !strings.Contains(stderr, "no Lifeguard database") {
		t.Errorf("journal verify of a missing database: %d %s", code, stderr)
	}
}

func TestServeFlags(t *testing.T) {
	if code, _, stderr := run(t, "", "serve", "--demo-password", "x"); code != 2 || !strings.Contains(stderr, "goes with --demo") {
		t.Errorf("--demo-password alone: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "serve", "--demo", "--demo-password", "short"); code != 2 || !strings.Contains(stderr, "--demo-password") {
		t.Errorf("a weak demo password: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "serve", "--demo", "--demo-size", "huge"); code != 2 || !strings.Contains(stderr, "--demo-size must be full or stories") {
		t.Errorf("an unknown demo size: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "serve", "--demo-size", "stories"); code != 2 || !strings.Contains(stderr, "--demo-size goes with --demo") {
		t.Errorf("--demo-size alone: %d %s", code, stderr)
	}
}
