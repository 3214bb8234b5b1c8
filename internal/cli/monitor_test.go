package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMonitorScan(t *testing.T) {
	in := `{"id": 1, "text": "I want to kill myself", "user": "ignored"}
{"id": "two", "text": "we will kill time at lunch"}

{"id": [3], "text": ""}
`
	code, stdout, stderr := run(t, in, "monitor", "scan")
	if code != 0 {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("want one output line per input (3), got %d:\n%s", len(lines), stdout)
	}
	var first struct {
		ID      int
		Matches []struct {
			Category, Entry string
			Severity        int
			Start, End      int
		}
	}
	if err := json.Unmarshal([]byte(lines[0]), &first); err != nil {
		t.Fatal(err)
	}
	if first.ID != 1 || len(first.Matches) != 1 {
		t.Fatalf("first line: %s", lines[0])
	}
	m := first.Matches[0]
	if m.Category != "suicide" || m.Severity < 4 || m.Entry == "" || "I want to kill myself"[m.Start:m.End] != "kill myself" {
		t.Errorf("first match: %+v", m)
	}
	if lines[1] != `{"id":"two","matches":[]}` || lines[2] != `{"id":[3],"matches":[]}` {
		t.Errorf("lines without matches: %s | %s", lines[1], lines[2])
	}
}

func TestMonitorScanLocalLibraryAndFile(t *testing.T) {
	dir := t.TempDir()
	lib := filepath.Join(dir, "local.lib")
	if err := os.WriteFile(lib, []byte("entry local-lunch category=bullying severity=2 phrase=\"sit alone at lunch\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(data, []byte(`{"id":"a","text":"you always SIT alone at lunch"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "", "monitor", "scan", "--library", lib, data)
	if code != 0 || !strings.Contains(stdout, `"entry":"local-lunch"`) {
		t.Fatalf("exit %d, stdout %s, stderr %s", code, stdout, stderr)
	}
}

func TestMonitorScanErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.lib")
	if err := os.WriteFile(bad, []byte("# ok\nentry x category=nonsense severity=2 phrase=\"a b\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, stdin string
		args        []string
		stderr      string
	}{
		{"id missing", `{"text":"hi"}`, nil, "standard input:1: id is missing"},
		{"text missing", `{"id":1}`, nil, "standard input:1: text is missing"},
		{"text not a string", `{"id":1,"text":5}`, nil, "standard input:1: text must be a string, not a JSON number"},
		{"not JSON", "{\"id\":1,\"text\":\"a\"}\nhello", nil, "standard input:2: not a JSON object"},
		{"bad library", `{"id":1,"text":"a"}`, []string{"--library", bad}, "bad.lib:2: category \"nonsense\""},
		{"two files", "", []string{"a", "b"}, "one FILE"},
		{"line too long", `{"id":1,"text":"` + strings.Repeat("a", 1<<20) + `"}`, nil, "standard input:1: the line is longer than 1048576 bytes"},
		{"no baseline and no file", "", []string{"--no-baseline"}, "--no-baseline needs at least one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := run(t, tt.stdin, append([]string{"monitor", "scan"}, tt.args...)...)
			if code != exitInvalid || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit 2 and %q", code, stderr, tt.stderr)
			}
		})
	}
}

func TestMonitorCheck(t *testing.T) {
	code, stdout, stderr := run(t, "", "monitor", "check")
	if code != 0 || !strings.Contains(stdout, "entries") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
