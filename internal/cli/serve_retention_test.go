package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeRetentionSchedule: a bad local retention schedule stops the
// server with each problem's line and field; a missing file is named.
func TestServeRetentionSchedule(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "retention.txt")
	if err := os.WriteFile(bad, []byte("# ours\nallegation years=ten source=local\nchild_file until_age=25 source=x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "serve", "--data", dir, "--retention-schedule", bad)
	for _, want := range []string{"line 2: years: must be a whole number", "line 3: otherwise_years: is required"} {
		if code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("a bad schedule: %d, want %q in %s", code, want, stderr)
		}
	}
	code, _, stderr = run(t, "", "serve", "--data", dir, "--retention-schedule", filepath.Join(dir, "none.txt"))
	if code != 2 || !strings.Contains(stderr, "--retention-schedule") {
		t.Errorf("a missing schedule: %d %s", code, stderr)
	}
}
