// Package deploy holds the files that install Lifeguard as a service: the
// systemd units and the container build file. Its tests keep them working
// where no init system or container engine runs: systemd-analyze verifies
// and scores the units, a Dockerfile linter and the checks below read the
// build file, and the command lines both give are run as Lifeguard itself.
package deploy

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/cli"
)

// need skips the test without the tool on a developer's machine and fails
// it in CI (.ci/run installs it).
func need(t *testing.T, tool, install string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing; %s", tool, install)
	}
	t.Skipf("%s is missing; %s", tool, install)
}

// unit is a systemd unit file: its lines with continuations joined, and
// its settings by name (a name given twice keeps every value).
type unit struct {
	text     string
	settings map[string][]string
}

func readUnit(t *testing.T, name string) unit {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	u := unit{text: string(b), settings: map[string][]string{}}
	joined := strings.ReplaceAll(string(b), "\\\n", " ")
	for _, line := range strings.Split(joined, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: a line that is no setting: %q", name, line)
		}
		u.settings[k] = append(u.settings[k], strings.Join(strings.Fields(v), " "))
	}
	return u
}

// withBinary writes the unit into a temporary directory with its
// /usr/local/bin/lifeguard replaced by an executable there: systemd-analyze
// verify checks that ExecStart's program exists, and nothing is installed on
// this machine.
func withBinary(t *testing.T, name string) string {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "lifeguard")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\nexit 0\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(strings.ReplaceAll(string(b), "/usr/local/bin/lifeguard", bin)), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var exposure = regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`)

// TestSystemdUnits verifies each unit with systemd-analyze verify (no
// warning allowed), scores its hardening with systemd-analyze security
// (offline; 0 is the best, 10 the worst, and the command fails over the
// threshold), and checks the settings the units are written around.
func TestSystemdUnits(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		need(t, "systemd-analyze", "apt-get install systemd")
	}
	for _, tc := range []struct {
		name      string
		threshold string // tenths: 14 is an exposure of 1.4
		caps      string
	}{
		{"lifeguard.service", "14", ""},
		{"lifeguard-filter.service", "17", "CAP_NET_BIND_SERVICE"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := withBinary(t, tc.name)
			out, err := exec.Command(analyze, "verify", path).CombinedOutput()
			if err != nil || len(out) > 0 {
				t.Errorf("systemd-analyze verify %s: %v\n%s", tc.name, err, out)
			}
			out, err = exec.Command(analyze, "security", "--offline=true", "--threshold="+tc.threshold, path).CombinedOutput()
			m := exposure.FindSubmatch(out)
			if err != nil || m == nil {
				t.Errorf("systemd-analyze security %s over %s: %v\n%s", tc.name, tc.threshold, err, out)
			} else {
				t.Logf("%s: systemd-analyze security exposure %s (0 best, 10 worst)", tc.name, m[1])
			}
			u := readUnit(t, tc.name)
			for k, want := range map[string]string{
				"DynamicUser": "yes", "ProtectSystem": "strict", "NoNewPrivileges": "yes", "ProtectHome": "yes",
				"PrivateTmp": "yes", "UMask": "0077", "StateDirectoryMode": "0700", "MemoryDenyWriteExecute": "yes",
				"CapabilityBoundingSet": tc.caps, "AmbientCapabilities": tc.caps,
			} {
				if got := u.settings[k]; len(got) != 1 || got[0] != want {
					t.Errorf("%s=%q, want %q", k, got, want)
				}
			}
			if len(u.settings["StateDirectory"]) != 1 {
				t.Errorf("StateDirectory=%q: the service needs its own state directory", u.settings["StateDirectory"])
			}
		})
	}
}

// startCommand runs a Lifeguard command line as main would, with paths and
// addresses replaced by the test's own, and returns its output so far once
// it says it runs, with the function that stops it and returns its exit
// code.
func startCommand(t *testing.T, args []string, replace map[string]string, ready string) (output func() string, stop func() int) {
	t.Helper()
	for i, a := range args {
		if r, ok := replace[a]; ok {
			args[i] = r
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- cli.Run(ctx, args, strings.NewReader(""), pw, io.Discard)
		pw.Close()
	}()
	var out strings.Builder
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	stopped := false
	stop = func() int {
		if stopped {
			return 0
		}
		stopped = true
		cancel()
		go func() {
			for range lines {
			}
		}()
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Error("the command did not stop within 30 seconds")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	timeout := time.After(2 * time.Minute)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("%v stopped before it ran (exit %d):\n%s", args, <-done, out.String())
			}
			out.WriteString(line + "\n")
			if strings.Contains(line, ready) {
				return func() string { return out.String() }, stop
			}
		case <-timeout:
			t.Fatalf("%v did not start within two minutes:\n%s", args, out.String())
		}
	}
}

var (
	runningAt = regexp.MustCompile(`Lifeguard is running at (http://\S+)`)
	metricsAt = regexp.MustCompile(`Metrics: (http://\S+)`)
)

// execStart is the unit's ExecStart as arguments, the program first.
func execStart(t *testing.T, u unit) []string {
	t.Helper()
	es := u.settings["ExecStart"]
	if len(es) != 1 {
		t.Fatalf("ExecStart=%q", es)
	}
	args := strings.Fields(es[0])
	if args[0] != "/usr/local/bin/lifeguard" {
		t.Fatalf("ExecStart runs %s", args[0])
	}
	return args[1:]
}

// TestServiceCommandLine runs the server unit's ExecStart as Lifeguard,
// with its state directories and loopback ports made the test's own: the
// server starts on a new data directory, answers /readyz and /metrics,
// takes its first scheduled backup, and stops cleanly, as systemd would
// stop it.
func TestServiceCommandLine(t *testing.T) {
	dir := t.TempDir()
	data, backups := filepath.Join(dir, "data"), filepath.Join(dir, "backups")
	args := execStart(t, readUnit(t, "lifeguard.service"))
	output, stop := startCommand(t, args, map[string]string{
		"/var/lib/lifeguard": data, "/var/lib/lifeguard-backups": backups,
		"127.0.0.1:8080": "127.0.0.1:0", "127.0.0.1:9090": "127.0.0.1:0",
	}, "Metrics:")
	if !strings.Contains(output(), "Backups: every 6h0m0s into "+backups+", keeping 28") {
		t.Errorf("the server did not say it takes backups:\n%s", output())
	}
	url := runningAt.FindStringSubmatch(output())
	metrics := metricsAt.FindStringSubmatch(output())
	if url == nil || metrics == nil {
		t.Fatalf("the server did not say where it runs:\n%s", output())
	}
	for _, u := range []string{url[1] + "/readyz", metrics[1]} {
		res, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("%s: %d", u, res.StatusCode)
		}
	}
	deadline := time.Now().Add(time.Minute)
	for {
		m, _ := filepath.Glob(filepath.Join(backups, "lifeguard-*.db"))
		if len(m) == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no scheduled backup in %s within a minute of the start", backups)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code := stop(); code != 0 {
		t.Errorf("the server exited %d on being stopped", code)
	}
	for _, d := range []string{data, backups} {
		if fi, err := os.Stat(d); err != nil || fi.Mode().Perm() != 0o700 {
			t.Errorf("%s: %v %v, want mode 0700", d, fi.Mode(), err)
		}
	}
}

// instruction is one instruction of a Containerfile, its continuation
// lines joined.
type instruction struct {
	cmd  string // upper case
	args string
}

func readContainerfile(t *testing.T) []instruction {
	t.Helper()
	b, err := os.ReadFile("Containerfile")
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	var cur strings.Builder
	for _, line := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimSpace(line)
		if cur.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if more, ok := strings.CutSuffix(trimmed, "\\"); ok {
			cur.WriteString(more + " ")
			continue
		}
		cur.WriteString(trimmed)
		cmd, args, _ := strings.Cut(cur.String(), " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.Join(strings.Fields(args), " ")})
		cur.Reset()
	}
	return out
}

var pinned = regexp.MustCompile(`^\S+:[^@\s]+@sha256:[0-9a-f]{64}$`)

// TestContainerfile lints the container build file, where no container
// engine runs to build it: with dockerfile-utils (the linter of VS Code's
// Dockerfile support, .ci/run installs it), then with checks of the
// properties the image must have: bases pinned by digest, a static binary,
// a final stage on distroless static running as a user that is not root, no
// secret in the file or the build context, and a command line that runs.
func TestContainerfile(t *testing.T) {
	t.Run("lint", func(t *testing.T) {
		lint := filepath.Join("..", "tools", "dockerfile-utils", "node_modules", ".bin", "dockerfile-utils")
		if _, err := os.Stat(lint); err != nil {
			need(t, "dockerfile-utils", "npm install --prefix tools/dockerfile-utils dockerfile-utils@0.16.3")
		}
		if out, err := exec.Command(lint, "lint", "Containerfile").CombinedOutput(); err != nil || len(out) > 0 {
			t.Errorf("dockerfile-utils lint: %v\n%s", err, out)
		}
	})

	ins := readContainerfile(t)
	var stages [][]instruction
	for _, in := range ins {
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("%s before the first FROM", in.cmd)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	if len(stages) < 2 {
		t.Fatalf("%d stages: the image must be built in one stage and run from another", len(stages))
	}
	secret := regexp.MustCompile(`(?i)secret|password|passwd|token|journal.key|lifeguard-data|BEGIN .*PRIVATE`)
	var env, run string
	for _, in := range ins {
		switch in.cmd {
		case "FROM":
			image := strings.Fields(in.args)[0]
			if !pinned.MatchString(image) || strings.Contains(image, ":latest@") {
				t.Errorf("FROM %s: a base must name its tag (not latest) and be pinned by digest", image)
			}
		case "ADD":
			t.Errorf("ADD %s: use COPY (ADD fetches URLs and unpacks archives)", in.args)
		case "ENV", "ARG", "LABEL":
			env += in.args + " "
		case "RUN":
			run += in.args + " "
		}
		if secret.MatchString(in.args) {
			t.Errorf("%s %s: looks like a secret or a record in the build file", in.cmd, in.args)
		}
	}
	if !strings.Contains(env, "CGO_ENABLED=0") || !strings.Contains(run, "-trimpath") || !strings.Contains(run, "./cmd/lifeguard") {
		t.Errorf("the build must be static (CGO_ENABLED=0) and -trimpath, of ./cmd/lifeguard: ENV %q RUN %q", env, run)
	}

	final := stages[len(stages)-1]
	if !strings.HasPrefix(final[0].args, "gcr.io/distroless/static") {
		t.Errorf("the final stage is on %s, not distroless static", final[0].args)
	}
	var user string
	var entry, cmd []string
	for _, in := range final {
		switch in.cmd {
		case "USER":
			user = in.args
		case "RUN":
			t.Errorf("RUN in the final stage: it has no shell, and needs none")
		case "ENTRYPOINT", "CMD":
			var v []string
			if err := json.Unmarshal([]byte(in.args), &v); err != nil {
				t.Errorf("%s %s: use the exec (JSON) form, which needs no shell", in.cmd, in.args)
			}
			if in.cmd == "CMD" {
				cmd = v
			} else {
				entry = v
			}
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if user == "" || uid == "0" || uid == "root" || !regexp.MustCompile(`^[0-9]+$`).MatchString(uid) {
		t.Errorf("USER %q: the image must run as a user that is not root, named by number", user)
	}
	if len(entry) != 1 || entry[0] != "/usr/local/bin/lifeguard" {
		t.Errorf("ENTRYPOINT %q", entry)
	}

	t.Run("build context", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join("..", ".dockerignore"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"lifeguard-data/", "**/*.db", "**/*.key", "**/*.env", ".git/"} {
			if !strings.Contains("\n"+string(b), "\n"+want+"\n") {
				t.Errorf(".dockerignore does not keep %s out of the build context", want)
			}
		}
	})

	t.Run("command line", func(t *testing.T) {
		data := filepath.Join(t.TempDir(), "data")
		if err := os.Mkdir(data, 0o700); err != nil {
			t.Fatal(err)
		}
		output, stop := startCommand(t, cmd, map[string]string{"/data": data, "0.0.0.0:8080": "127.0.0.1:0"},
			"Lifeguard is running at")
		url := runningAt.FindStringSubmatch(output())
		res, err := http.Get(url[1] + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 200 {
			t.Errorf("/readyz: %d", res.StatusCode)
		}
		if code := stop(); code != 0 {
			t.Errorf("exit %d", code)
		}
	})
}
