package api_test

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportChildren pushes the demo export as text/csv, as an MIS
// connector would: a dry run, the import, the same again (nothing
// changes), a file with bad lines (422 with each line's problem and the
// result), and a search by name afterwards. Every answer is checked
// against the OpenAPI document.
func TestImportChildren(t *testing.T) {
	f := newFixture(t)
	export, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "mis-export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Imported  bool
		Added     int
		Changed   int
		Unchanged int
		Columns   map[string]string
		Lines     []struct {
			Line          int
			Outcome, Name string
		}
	}
	r := f.callWith("dsl", "POST", "/children/import", "/children/import?dry_run=true", string(export), "text/csv")
	if r.status != http.StatusOK {
		t.Fatalf("dry run: %d %s", r.status, r.body)
	}
	r.decode(t, &res)
	if res.Imported || res.Added != 28 || res.Columns["upn"] != "UPN" {
		t.Errorf("dry run: %+v", res)
	}
	r = f.callWith("dsl", "POST", "/children/import", "/children/import?full_roll=true", string(export), "text/csv")
	r.decode(t, &res)
	if r.status != http.StatusOK || !res.Imported || res.Added != 28 {
		t.Errorf("import: %d %+v", r.status, res)
	}
	r = f.callWith("manager", "POST", "/children/import", "/children/import", string(export), "text/csv")
	r.decode(t, &res)
	if r.status != http.StatusOK || res.Added != 0 || res.Unchanged != 28 {
		t.Errorf("again: %d %+v", r.status, res)
	}

	bad, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "mis-export-errors.csv"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"csv": string(bad)})
	r = f.call("dsl", "POST", "/children/import", "/children/import", string(body))
	var refused struct {
		Code     string
		Problems []struct{ Path, Problem string }
		Result   struct{ Bad int }
	}
	r.decode(t, &refused)
	if r.status != http.StatusUnprocessableEntity || refused.Result.Bad != 6 || refused.Problems[0].Path != "lines[3].upn" {
		t.Errorf("bad lines: %d %s", r.status, r.body)
	}

	for _, tc := range []struct {
		path string
		body string
		ct   string
		want int
	}{
		{"/children/import", "Surname\xff\nx\n", "text/csv", http.StatusUnprocessableEntity},
		{"/children/import?dry_run=maybe", string(export), "text/csv", http.StatusUnprocessableEntity},
		{"/children/import", string(export), "text/plain", http.StatusUnsupportedMediaType},
		{"/children/import", `{"csv":"UPN\nB801200005001\n","mapping":"upn Pupil"}`, "application/json", http.StatusUnprocessableEntity},
		{"/children/import", `{"csv":"x","extra":1}`, "application/json", http.StatusUnprocessableEntity},
	} {
		if r := f.callWith("dsl", "POST", "/children/import", tc.path, tc.body, tc.ct); r.status != tc.want {
			t.Errorf("%s %s: %d, want %d: %s", tc.path, tc.ct, r.status, tc.want, r.body)
		}
	}

	var found struct {
		Children []struct {
			LegalSurname string `json:"legal_surname"`
			YearGroup    string `json:"year_group"`
		}
	}
	r = f.call("staff", "GET", "/children", "/children?q=amara+pudd", "")
	r.decode(t, &found)
	if r.status != http.StatusOK || len(found.Children) != 1 || found.Children[0].LegalSurname != "Puddleby" ||
		found.Children[0].YearGroup != "7" {
		t.Errorf("search: %d %s", r.status, r.body)
	}
	if r := f.call("dslB", "GET", "/children", "/children?q=pudd", ""); strings.Contains(string(r.body), "Puddleby") {
		t.Errorf("another organisation's DSL finds the child: %s", r.body)
	}
	if r := f.call("staff", "GET", "/children", "/children?q=a&ref=C", ""); r.status != http.StatusUnprocessableEntity {
		t.Errorf("q and ref: %d", r.status)
	}
	if strings.Contains(f.logs.String(), "Puddleby") {
		t.Error("a child's name reached the log")
	}
}
