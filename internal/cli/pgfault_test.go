package cli

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// privatePostgres is a PostgreSQL server of the test's own, in a temporary
// directory on a free port, so that the test can stop and restart it
// without touching the server other tests share.
type privatePostgres struct {
	t    *testing.T
	bin  string
	data string
	url  string
	opts string
}

func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	pgtest.Server(t) // the same rule as every PostgreSQL test: skip, or fail under CI
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		t.Fatal("PostgreSQL's initdb is not installed (.ci/run installs postgresql)")
	}
	bin := filepath.Dir(bins[len(bins)-1])
	dir, err := os.MkdirTemp("", "lifeguard-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	p := &privatePostgres{t: t, bin: bin, data: filepath.Join(dir, "data"),
		url: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)}
	// PostgreSQL refuses to run as root, which CI is: run it as postgres.
	if out, err := exec.Command("chown", "postgres", dir).CombinedOutput(); err != nil {
		t.Fatalf("chown: %v %s", err, out)
	}
	p.pg("initdb", "-D", p.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
	p.opts = fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=on", port, dir)
	p.pg("pg_ctl", "-D", p.data, "-o", p.opts, "-l", filepath.Join(dir, "log"), "-w", "start")
	t.Cleanup(func() {
		exec.Command("runuser", "-u", "postgres", "--", filepath.Join(bin, "pg_ctl"), "-D", p.data, "-m", "immediate", "stop").Run()
	})
	return p
}

func (p *privatePostgres) pg(tool string, args ...string) {
	p.t.Helper()
	out, err := exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(p.bin, tool)}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("%s %v: %v\n%s", tool, args, err, out)
	}
}

func (p *privatePostgres) stop() { p.pg("pg_ctl", "-D", p.data, "-m", "fast", "-w", "stop") }
func (p *privatePostgres) start() {
	p.pg("pg_ctl", "-D", p.data, "-o", p.opts, "-l", filepath.Join(filepath.Dir(p.data), "log"), "-w", "start")
}

// TestPostgresRestartLosesNothing restarts the server's PostgreSQL in the
// middle of a write load: writes during the restart may fail, but every
// concern answered 201 is there afterwards, the journal is whole, and the
// server goes on taking writes without being restarted itself.
func TestPostgresRestartLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PostgreSQL and a server process")
	}
	pg := startPrivatePostgres(t)
	bin := buildLifeguard(t)
	srv, url := startProcess(t, bin, "--database", pg.url, "--demo", "--demo-size", "stories", "--demo-password", "a demo passphrase")
	code, token, stderr := run(t, "", "token", "create", "--database", pg.url, "--email", "staff@demo.test")
	if code != 0 {
		t.Fatalf("token: %s", stderr)
	}
	token = strings.TrimSpace(token)

	stop := make(chan struct{})
	wait, failed := postConcerns(t, []string{url}, token, 8, stop)
	time.Sleep(1500 * time.Millisecond)
	pg.stop()
	time.Sleep(time.Second)
	pg.start()
	time.Sleep(2500 * time.Millisecond)
	close(stop)
	acked := wait()
	if len(acked) == 0 {
		t.Fatal("no concern was acknowledged")
	}
	for id, desc := range acked {
		if code, body := get(t, fmt.Sprintf("%s/api/v1/concerns/%d", url, id), token); code != 200 || !strings.Contains(body, desc) {
			t.Errorf("acknowledged concern %d lost across the restart: %d %.200s", id, code, body)
		}
	}
	srv.Process.Signal(syscall.SIGTERM)
	srv.Wait()
	code, out, _ := run(t, "", "journal", "verify", "--database", pg.url)
	if code != 0 {
		t.Errorf("journal after the restart: %s", out)
	}
	t.Logf("PostgreSQL restarted under load: %d concerns acknowledged, all present; %d writes refused during the restart; %s",
		len(acked), failed.Load(), strings.TrimSpace(out))
}

// TestPostgresOutageAnswers503 stops PostgreSQL under a running server: a
// request then answers 503 with a JSON error, promptly, and once the
// database is back the same server answers as before.
func TestPostgresOutageAnswers503(t *testing.T) {
	if testing.Short() {
		t.Skip("runs PostgreSQL and a server process")
	}
	pg := startPrivatePostgres(t)
	bin := buildLifeguard(t)
	_, url := startProcess(t, bin, "--database", pg.url, "--demo", "--demo-size", "stories", "--demo-password", "a demo passphrase")
	code, token, _ := run(t, "", "token", "create", "--database", pg.url, "--email", "dsl@demo.test")
	if code != 0 {
		t.Fatal("token")
	}
	token = strings.TrimSpace(token)
	post := func() (int, string, time.Duration) {
		body := `{"setting":"school","concern_types":["gambling"],"child":{"age":14},"child_role":"victim"}`
		req, _ := http.NewRequest("POST", url+"/api/v1/concerns", bytes.NewReader([]byte(body)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		start := time.Now()
		res, err := (&http.Client{Timeout: time.Minute}).Do(req)
		if err != nil {
			t.Fatalf("the server did not answer: %v", err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b), time.Since(start)
	}
	if code, body, _ := post(); code != 201 {
		t.Fatalf("before the outage: %d %s", code, body)
	}
	pg.stop()
	code, body, took := post()
	if code != http.StatusServiceUnavailable || !strings.Contains(body, `"code":"unavailable"`) {
		t.Errorf("during the outage: %d %s, want 503 with a JSON error", code, body)
	}
	if took > 20*time.Second {
		t.Errorf("during the outage the answer took %v, past the request time limit", took)
	}
	if code, _ := get(t, url+"/readyz", ""); code != http.StatusServiceUnavailable {
		t.Errorf("/readyz during the outage: %d, want 503", code)
	}
	pg.start()
	var last int
	for range 40 {
		if last, _, _ = post(); last == 201 {
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	if last != 201 {
		t.Errorf("after the outage the server still answers %d", last)
	}
}
