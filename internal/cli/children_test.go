package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// examples are the demo's MIS exports, which docs/children.md describes.
var examples = filepath.Join("..", "..", "docs", "examples")

// TestChildrenImport imports the demo export on each engine: a dry run,
// the import, and the same file again, which changes nothing; then the
// file with deliberately wrong lines, whose output docs/children.md quotes.
func TestChildrenImport(t *testing.T) {
	engines := map[string]func(t *testing.T) []string{
		"sqlite": func(t *testing.T) []string { return []string{"--data", filepath.Join(t.TempDir(), "data")} },
		"postgres": func(t *testing.T) []string {
			return []string{"--database", pgtest.Database(t)}
		},
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			where := engines[engine](t)
			if code, out, stderr := run(t, "", append([]string{"org", "add", "--name", "Hillside School", "--setting", "school",
				"--partnership", "Hillside SCP"}, where...)...); code != 0 {
				t.Fatalf("org add: %d %s %s", code, out, stderr)
			}
			imp := func(args ...string) (int, string, string) {
				t.Helper()
				return run(t, "", append(append([]string{"children", "import"}, where...), args...)...)
			}
			good := filepath.Join(examples, "mis-export.csv")
			code, out, stderr := imp("--organisation", "1", "--dry-run", good)
			if code != 0 || !strings.Contains(out, "Dry run, nothing changed: 28 to add, 0 to change") {
				t.Fatalf("dry run: %d\n%s%s", code, out, stderr)
			}
			code, out, stderr = imp("--organisation", "1", "--full-roll", good)
			if code != 0 || !strings.Contains(out, "Imported: 28 added, 0 changed, 0 unchanged, 0 marked as left.") {
				t.Fatalf("import: %d\n%s%s", code, out, stderr)
			}
			if strings.Contains(out, "Puddleby") {
				t.Errorf("the output names a child:\n%s", out)
			}
			code, out, _ = imp("--organisation", "1", "--full-roll", good)
			if code != 0 || !strings.Contains(out, "Imported: 0 added, 0 changed, 28 unchanged, 0 marked as left.") {
				t.Errorf("second import: %d\n%s", code, out)
			}

			// The file with wrong lines: exit 2, nothing imported, and the
			// output the documentation shows.
			code, out, stderr = imp("--organisation", "1", filepath.Join(examples, "mis-export-errors.csv"))
			if code != exitInvalid || !strings.Contains(stderr, "nothing was imported") {
				t.Errorf("errors file: exit %d, stderr %s", code, stderr)
			}
			doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "children.md"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(doc), indent(out)) {
				t.Errorf("docs/children.md does not show the import's output for mis-export-errors.csv; it is now:\n%s", indent(out))
			}

			for _, bad := range []struct {
				args []string
				want string
			}{
				{[]string{good}, "--organisation"},
				{[]string{"--organisation", "99", good}, "no organisation 99"},
				{[]string{"--organisation", "1"}, "one CSV file"},
				{[]string{"--organisation", "1", "--mapping", good, good}, "mapping line 1"},
				{[]string{"--organisation", "1", filepath.Join(examples, "filter.yaml")}, "no column for the UPN"},
			} {
				if code, _, stderr := imp(bad.args...); code != exitInvalid || !strings.Contains(stderr, bad.want) {
					t.Errorf("%v: exit %d, stderr %s", bad.args, code, stderr)
				}
			}
		})
	}
}

// indent indents each line by four spaces, as a Markdown code block.
func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = "    " + l
	}
	return strings.Join(lines, "\n") + "\n"
}

// TestChildrenImport2000 imports a register of 2,000 pupils and reports how
// long it took, on each engine; the figure is in docs/children.md.
func TestChildrenImport2000(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 2,000 lines on each engine")
	}
	var b strings.Builder
	b.WriteString("UPN,Legal Surname,Legal Forename,DOB,Year,Reg Group\n")
	for i := range 2000 {
		body := "999202" + pad(i, 4) + "00"
		b.WriteString(checkLetter(body) + body + ",Surname" + pad(i, 4) + ",Forename,01/02/2014,7,7Q\n")
	}
	path := filepath.Join(t.TempDir(), "roll.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			where := []string{"--data", filepath.Join(t.TempDir(), "data")}
			if engine == "postgres" {
				where = []string{"--database", pgtest.Database(t)}
			}
			if code, _, stderr := run(t, "", append([]string{"org", "add", "--name", "Big School", "--setting", "school",
				"--partnership", "P"}, where...)...); code != 0 {
				t.Fatal(stderr)
			}
			start := time.Now()
			code, out, stderr := run(t, "", append(append([]string{"children", "import"}, where...), "--organisation", "1", path)...)
			took := time.Since(start)
			if code != 0 || !strings.Contains(out, "Imported: 2000 added") {
				t.Fatalf("exit %d\n%s%s", code, out, stderr)
			}
			t.Logf("%s: 2,000 pupils imported in %v", engine, took.Round(time.Millisecond))
		})
	}
}

func pad(n, width int) string {
	s := strings.Repeat("0", width) + itoa(n)
	return s[len(s)-width:]
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var d []byte
	for ; n > 0; n /= 10 {
		d = append([]byte{byte('0' + n%10)}, d...)
	}
	return string(d)
}

// checkLetter is the UPN check letter of the twelve characters after it.
func checkLetter(body string) string {
	const letters = "ABCDEFGHJKLMNPQRTUVWXYZ"
	sum := 0
	for i, c := range body {
		sum += int(c-'0') * (i + 2)
	}
	return string(letters[sum%23])
}
