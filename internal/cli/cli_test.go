package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// run runs the command line as main would and returns its exit code and
// output streams.
func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = Run(t.Context(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func scenarioConcern(t *testing.T, id string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scenarios", id+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var s struct {
		Concern json.RawMessage `json:"concern"`
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return string(s.Concern)
}

func TestTriageFromStdinAndFile(t *testing.T) {
	concern := scenarioConcern(t, "p04")
	code, stdout, stderr := run(t, concern, "triage")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	var out struct {
		Procedure struct{ Name, Version string }
		Routes    []struct{ Code string }
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if out.Procedure.Name != "England baseline" || len(out.Routes) == 0 || out.Routes[0].Code != "EMERGENCY_999" {
		t.Errorf("unexpected triage: %s", stdout)
	}

	path := filepath.Join(t.TempDir(), "concern.json")
	if err := os.WriteFile(path, []byte(concern), 0o600); err != nil {
		t.Fatal(err)
	}
	code, fromFile, _ := run(t, "", "triage", path)
	if code != 0 || fromFile != stdout {
		t.Errorf("triage FILE gave exit %d and different bytes from standard input", code)
	}
	_, fromDash, _ := run(t, concern, "triage", "-")
	if fromDash != stdout {
		t.Error("triage - differs from triage with no argument")
	}
}

func TestTriageInvalid(t *testing.T) {
	code, stdout, stderr := run(t, `{"reported_at":"2026-11-18T10:00:00Z","setting":"school","concern_types":["sexting"],"child":{"age":19,"name":"Sam"},"child_role":"victim"}`, "triage")
	if code != 2 {
		t.Fatalf("exit %d, want 2", code)
	}
	var out struct {
		Error    string `json:"error"`
		Problems []struct {
			Path    string `json:"path"`
			Problem string `json:"problem"`
		} `json:"problems"`
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
	}
	if out.Error != "invalid concern" {
		t.Errorf("error = %q", out.Error)
	}
	paths := map[string]bool{}
	for _, p := range out.Problems {
		paths[p.Path] = true
	}
	for _, want := range []string{"concern_types[0]", "child.age", "child.name"} {
		if !paths[want] {
			t.Errorf("problems %+v lack %s", out.Problems, want)
		}
	}
	if lines := strings.Count(strings.TrimSpace(stderr), "\n"); lines != 0 || !strings.Contains(stderr, "invalid concern") {
		t.Errorf("stderr should be one line of summary, got %q", stderr)
	}
	if strings.Contains(stdout+stderr, "Sam") {
		t.Error("the output repeats a name from the input")
	}
}

func TestTriageErrors(t *testing.T) {
	cases := []struct {
		name string
		args []string
		in   string
		code int
		want string
	}{
		{"not JSON", []string{"triage"}, "not json", 2, "invalid concern"},
		{"empty input", []string{"triage"}, "", 2, "invalid concern"},
		{"missing file", []string{"triage", "/nonexistent/concern.json"}, "", 1, "no such file"},
		{"two files", []string{"triage", "a", "b"}, "", 2, "one FILE"},
		{"bad flag", []string{"triage", "--nope"}, "", 2, "flag provided but not defined"},
		{"missing local file", []string{"triage", "--procedure", "/nonexistent.yaml"}, "{}", 1, "no such file"},
		{"unknown command", []string{"frobnicate"}, "", 2, "unknown command"},
		{"no command", nil, "", 2, "Usage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := run(t, c.in, c.args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if !strings.Contains(stdout+stderr, c.want) {
				t.Errorf("output lacks %q: stdout %q stderr %q", c.want, stdout, stderr)
			}
		})
	}
}

func TestTriageWithLocalProcedure(t *testing.T) {
	code, stdout, stderr := run(t, scenarioConcern(t, "p06"), "triage", "--procedure", "../../docs/examples/local-procedure.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"version": "2026.2+2026-03"`) || !strings.Contains(stdout, "Riverside LADO") {
		t.Errorf("the local procedure is not in the output:\n%s", stdout)
	}
}

func TestProcedureCheck(t *testing.T) {
	code, stdout, stderr := run(t, "", "procedure", "check", "../../docs/examples/local-procedure.yaml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"is valid", "Now lasts 1 hour:", "working day closes at 16:30 (baseline 17:00)", "early help within 10 working days (baseline 5)", "rule THRESHOLD_UNSURE: explanation changed; reason:", "rule RIVERSIDE_GAMBLING_HARM added"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("check output lacks %q:\n%s", want, stdout)
		}
	}

	window := filepath.Join(t.TempDir(), "window.yaml")
	os.WriteFile(window, []byte("name: X\nversion: \"1\"\nnow_window: 45m\n"), 0o600)
	code, stdout, _ = run(t, "", "procedure", "check", window)
	if code != 0 || !strings.Contains(stdout, "Now lasts 45 minutes:") || !strings.Contains(stdout, "now lasts 45m when timeliness is judged (baseline 1h)") {
		t.Errorf("exit %d, check of a window:\n%s", code, stdout)
	}
	os.WriteFile(window, []byte("name: X\nversion: \"1\"\nnow_window: soon\n"), 0o600)
	code, _, stderr = run(t, "", "procedure", "check", window)
	if code != 2 || !strings.Contains(stderr, "window.yaml:3: now_window: \"soon\" is not a length of time") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("name: X\nversion: \"1\"\noverrides:\n  - id: EARLY_HELP\n    when: \"true\"\n"), 0o600)
	code, _, stderr = run(t, "", "procedure", "check", bad)
	if code != 2 || !strings.Contains(stderr, "bad.yaml:4: rule EARLY_HELP: an override needs a reason") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestProcedureCheckOlderLocalFile checks that a local file written for the
// 2026.1 baseline still loads, and that check names each override of a rule
// 2026.2 changed, so the partnership can review it.
func TestProcedureCheckOlderLocalFile(t *testing.T) {
	old := `name: Riverside
version: "2026-01"
overrides:
  - id: SELF_HARM
    reason: Our school nurses lead on self-harm.
    routes: [MENTAL_HEALTH_SUPPORT, INFORM_PARENTS]
  - id: EVIDENCE
    reason: Our own evidence rule replaces it.
    disabled: true
  - id: GAMBLING
    reason: Gambling goes to the youth service.
    explanation: The youth service supports children who gamble.
`
	dir := t.TempDir()
	for _, c := range []struct {
		name, header string
		want, not    []string
	}{
		{"says nothing", "", []string{
			"is valid", "does not say which version of the England baseline it was written for",
			"To review (2):",
			"  - EVIDENCE, changed in 2026.2: evidence is also kept for live streaming",
			"    Your override switches the new rule off; your reason: Our own evidence rule replaces it.",
			"  - SELF_HARM, changed in 2026.2: self-harm content can be escalated to Report Harmful Content",
			"    Your override replaces the new rule; your reason: Our school nurses lead on self-harm.",
			`set baseline_version: "2026.2" in the file`,
		}, []string{"GAMBLING, changed"}},
		{"written for 2026.1", "baseline_version: \"2026.1\"\n", []string{
			"It was written for the England baseline 2026.1.", "To review (2):", "SELF_HARM, changed in 2026.2",
		}, []string{"does not say"}},
		{"reviewed for 2026.2", "baseline_version: \"2026.2\"\n", []string{
			"It was written for the England baseline 2026.2.", "rule SELF_HARM: routes changed",
		}, []string{"To review", "changed in 2026.2"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			file := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".yaml")
			if err := os.WriteFile(file, []byte(c.header+old), 0o600); err != nil {
				t.Fatal(err)
			}
			code, stdout, stderr := run(t, "", "procedure", "check", file)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			for _, w := range c.want {
				if !strings.Contains(stdout, w) {
					t.Errorf("check output lacks %q:\n%s", w, stdout)
				}
			}
			for _, w := range c.not {
				if strings.Contains(stdout, w) {
					t.Errorf("check output has %q:\n%s", w, stdout)
				}
			}
		})
	}
	// The file still triages, with its override in force.
	file := filepath.Join(dir, "says-nothing.yaml")
	code, stdout, stderr := run(t, `{"reported_at":"2026-11-18T10:00:00Z","setting":"school","concern_types":["self_harm"],"child":{"age":14},"child_role":"victim"}`,
		"triage", "--procedure", file)
	if code != 0 || !strings.Contains(stdout, `"version": "2026.2+2026-01"`) || strings.Contains(stdout, "PLATFORM_REPORT") {
		t.Errorf("exit %d (%s), triage with the older file:\n%s", code, stderr, stdout)
	}
}

func TestProcedureShow(t *testing.T) {
	code, stdout, _ := run(t, "", "procedure", "show")
	if code != 0 || !strings.Contains(stdout, "name: England baseline") || !strings.Contains(stdout, "id: NUDES_REFER") || !strings.Contains(stdout, "computed for 2020 to 2199") ||
		!strings.Contains(stdout, "history:\n  - version: \"2026.1\"") || !strings.Contains(stdout, "id: STAFF_CHILD_WELFARE\n        added: true") {
		t.Fatalf("exit %d, show output:\n%.500s", code, stdout)
	}
	code, stdout, _ = run(t, "", "procedure", "show", "--procedure", "../../docs/examples/local-procedure.yaml")
	if code != 0 || !strings.Contains(stdout, "rule: THRESHOLD_UNSURE") || !strings.Contains(stdout, "close: \"16:30\"") || !strings.Contains(stdout, "2026-06-15") {
		t.Errorf("merged procedure not shown:\n%.800s", stdout)
	}
	if code, _, _ := run(t, "", "procedure", "frob"); code != 2 {
		t.Errorf("unknown subcommand exit %d", code)
	}
}
