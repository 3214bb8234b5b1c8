package cli

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSSOCommands connects an organisation and the partnership to sign-in
// providers from the command line: the secret from standard input and
// never printed, bad fields named, and a provider changed and removed.
func TestSSOCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Hillside School", "--setting", "school", "--partnership", "Hillside SCP"); code != 0 {
		t.Fatal(stderr)
	}
	add := []string{"sso", "add", "--data", dir, "--name", "Hillside accounts", "--issuer", "https://login.example.org/tenant/v2.0",
		"--client-id", "lifeguard", "--domains", "hillside.example, staff.hillside.example", "--org", "1", "--create-users", "--password-off"}
	if code, _, stderr := run(t, "", add...); code != 2 || !strings.Contains(stderr, "client secret") {
		t.Errorf("no secret: %d %s", code, stderr)
	}
	code, out, stderr := run(t, "the-secret-value\n", add...)
	if code != 0 || !strings.Contains(out, "Sign-in provider 1 saved") || strings.Contains(out+stderr, "the-secret-value") {
		t.Fatalf("sso add: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "s\n", "sso", "add", "--data", dir, "--name", "Again", "--issuer", "http://login.example.org/",
		"--client-id", "x", "--domains", "hillside.example", "--org", "1"); code != 2 || !strings.Contains(stderr, "issuer") {
		t.Errorf("http issuer: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "s\n", "sso", "add", "--data", dir, "--name", "Partnership", "--issuer", "https://id.example.org/",
		"--client-id", "x", "--domains", "scp.example", "--partnership", "1", "--create-users"); code != 2 || !strings.Contains(stderr, "create_users") {
		t.Errorf("a partnership's provider creating users: %d %s", code, stderr)
	}
	if code, out, stderr := run(t, "s\n", "sso", "add", "--data", dir, "--name", "Partnership", "--issuer", "https://id.example.org/",
		"--client-id", "x", "--domains", "scp.example", "--partnership", "1"); code != 0 || !strings.Contains(out, "provider 2 saved") {
		t.Errorf("a partnership's provider: %d %s %s", code, out, stderr)
	}
	if code, out, stderr := run(t, "\n", "sso", "update", "--data", dir, "--id", "1", "--name", "Hillside Microsoft 365",
		"--issuer", "https://login.example.org/tenant/v2.0", "--client-id", "lifeguard", "--domains", "hillside.example", "--org", "1"); code != 0 {
		t.Errorf("sso update keeping the secret: %d %s %s", code, out, stderr)
	}
	code, out, _ = run(t, "", "sso", "list", "--data", dir)
	if code != 0 || !strings.Contains(out, "Hillside Microsoft 365") || !strings.Contains(out, "scp.example") || strings.Contains(out, "the-secret-value") {
		t.Errorf("sso list: %s", out)
	}
	if code, out, stderr := run(t, "", "sso", "remove", "--data", dir, "--id", "1"); code != 0 || !strings.Contains(out, "removed") {
		t.Errorf("sso remove: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "", "sso", "remove", "--data", dir); code != 2 || !strings.Contains(stderr, "--id") {
		t.Errorf("sso remove without --id: %d %s", code, stderr)
	}
}
