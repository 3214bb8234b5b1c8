package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoExampleMatchesReadme compares the API example that serve --demo
// prints with the one in the README, line by line: a reader tries one or
// the other, and both must do the same thing.
func TestDemoExampleMatchesReadme(t *testing.T) {
	var out strings.Builder
	(&env{stdout: &out}).printDemo("http://127.0.0.1:8080", store{dir: "DIR"}, 0, "pw", false)
	_, printed, ok := strings.Cut(out.String(), "Try the API as the safeguarding lead:\n")
	if !ok {
		t.Fatalf("serve --demo prints no API example:\n%s", out.String())
	}
	var got []string
	for l := range strings.Lines(printed) {
		got = append(got, strings.TrimSpace(l))
	}

	readme, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, block, ok := strings.Cut(string(readme), "The API works with a token:\n\n```sh\n")
	if !ok {
		t.Fatal("README.md has no API example after \"The API works with a token:\"")
	}
	block, _, _ = strings.Cut(block, "```")
	want := strings.Split(strings.TrimSpace(block), "\n")

	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("serve --demo prints\n%s\nbut README.md says\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
