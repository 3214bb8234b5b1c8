package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestFirstRun sets up a deployment from nothing as an operator would: the
// first organisation with its partnership, an administrator, a password
// reset, and a token for the administrator.
func TestFirstRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, out, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Hillside School", "--setting", "school"); code != 2 || !strings.Contains(stderr, "--partnership") {
		t.Errorf("first organisation without a partnership: %d %s %s", code, out, stderr)
	}
	code, out, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Hillside School", "--setting", "school", "--partnership", "Hillside SCP", "--internet")
	if code != 0 || !strings.Contains(out, "Organisation 1 added") {
		t.Fatalf("org add: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Bad", "--setting", "castle"); code != 2 || !strings.Contains(stderr, "setting") {
		t.Errorf("a bad setting: %d %s", code, stderr)
	}
	if code, out, _ := run(t, "", "org", "list", "--data", dir); code != 0 || !strings.Contains(out, "Hillside School") {
		t.Errorf("org list: %s", out)
	}
	if code, _, stderr := run(t, "short\n", "user", "add", "--data", dir, "--email", "admin@hillside.example", "--name", "Ada", "--role", "admin", "--org", "1"); code != 2 || !strings.Contains(stderr, "password") {
		t.Errorf("a weak password: %d %s", code, stderr)
	}
	code, out, stderr = run(t, "a perfectly long passphrase\n", "user", "add", "--data", dir, "--email", "admin@hillside.example", "--name", "Ada", "--role", "admin", "--org", "1")
	if code != 0 || !strings.Contains(out, "added") {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "another long passphrase\n", "user", "add", "--data", dir, "--email", "x@hillside.example", "--name", "X", "--role", "wizard", "--org", "1"); code != 2 || !strings.Contains(stderr, "role") {
		t.Errorf("a bad role: %d %s", code, stderr)
	}
	if code, out, stderr := run(t, "a different long passphrase\n", "user", "password", "--data", dir, "--email", "admin@hillside.example"); code != 0 || !strings.Contains(out, "Password set") {
		t.Errorf("user password: %d %s %s", code, out, stderr)
	}
	if code, out, stderr := run(t, "", "token", "create", "--data", dir, "--email", "admin@hillside.example"); code != 0 || !strings.HasPrefix(out, "lg_") {
		t.Errorf("token for the new admin: %d %s %s", code, out, stderr)
	}
}
