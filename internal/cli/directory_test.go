package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDirectoryLoadAndExport: a local file loads as the directory's next
// version for the partnership officer, a file with problems is refused with
// its line and field, a lead may not load one, and the export is the file
// that procedure check accepts.
func TestDirectoryLoadAndExport(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Partnership team", "--setting", "other", "--partnership", "Hillside SCP"); code != 0 {
		t.Fatal(stderr)
	}
	for _, u := range []struct{ email, role string }{{"officer@hillside.example", "partnership"}, {"lead@hillside.example", "dsl"}} {
		if code, _, stderr := run(t, "a perfectly long passphrase\n", "user", "add", "--data", dir, "--email", u.email, "--name", "N", "--role", u.role, "--org", "1"); code != 0 {
			t.Fatal(stderr)
		}
	}
	good := filepath.Join(t.TempDir(), "local.yaml")
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(good, []byte("name: Hillside\nversion: \"1\"\nworking_day:\n  close: \"16:30\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("name: Hillside\nversion: \"1\"\nearly_help_days: 99\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, "", "directory", "load", "--data", dir, "--email", "officer@hillside.example", "--summary", "s", bad)
	if code == 0 || !strings.Contains(stderr, bad+":3: early_help_days") {
		t.Errorf("a bad file: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "directory", "load", "--data", dir, "--email", "lead@hillside.example", "--summary", "s", good); code == 0 {
		t.Errorf("a lead loaded the directory: %s", stderr)
	}
	code, out, stderr := run(t, "", "directory", "load", "--data", dir, "--email", "officer@hillside.example", "--summary", "close at half past four", good)
	if code != 0 || !strings.Contains(out, "Saved as version 1") {
		t.Fatalf("load: %d %s %s", code, out, stderr)
	}
	code, out, stderr = run(t, "", "directory", "export", "--data", dir, "--email", "officer@hillside.example")
	if code != 0 || !strings.Contains(out, `close: "16:30"`) {
		t.Fatalf("export: %d %s %s", code, out, stderr)
	}
	exported := filepath.Join(t.TempDir(), "exported.yaml")
	if err := os.WriteFile(exported, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := run(t, "", "procedure", "check", exported); code != 0 {
		t.Errorf("procedure check refuses the export: %s %s", out, stderr)
	}
}
