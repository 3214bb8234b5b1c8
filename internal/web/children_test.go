package web

import (
	"bytes"
	"encoding/json"
	"html"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// postImport sends the import form as a browser does: multipart, with the
// file (if any) and the fields.
func (b *reportBrowser) postImport(file []byte, fields map[string]string) reportPage {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if file != nil {
		fw, err := mw.CreateFormFile("file", "export.csv")
		if err != nil {
			b.t.Fatal(err)
		}
		fw.Write(file)
	}
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, err := http.NewRequestWithContext(b.t.Context(), http.MethodPost, b.f.url+"/children/import", &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

var hiddenCSV = regexp.MustCompile(`name="csv" value="([^"]*)"`)

// TestChildrenImportPage: the manager checks the demo export (a dry run,
// line by line), then imports the text checked; staff then find the
// children by name, and the DSL finds them with a link to the record.
func TestChildrenImportPage(t *testing.T) {
	f := newReportFixture(t)
	export, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "mis-export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	m := f.signIn("manager")
	m.get("/children/import").wantIn(t, `type="file"`, "Check the file")

	checked := m.postImport(export, map[string]string{"full_roll": "yes", "go": "check"})
	checked.wantStatus(t, http.StatusOK)
	checked.wantIn(t, "Checked, nothing changed yet: the import would add 28", "To add", "Amara Puddleby", `value="import"`)
	hidden := hiddenCSV.FindStringSubmatch(checked.body)
	if hidden == nil {
		t.Fatal("the checked page does not hold the file's text")
	}
	done := m.postImport(nil, map[string]string{"csv": html.UnescapeString(hidden[1]), "full_roll": "yes", "go": "import"})
	done.wantStatus(t, http.StatusOK)
	done.wantIn(t, "Imported: 28 added, 0 changed, 0 unchanged, 0 marked as left.")

	staff := f.signIn("staff")
	found := staff.get("/children?q=pudd")
	found.wantStatus(t, http.StatusOK)
	found.wantIn(t, "Amara Puddleby", "Year 7", "2 found")
	found.wantNotIn(t, `href="/children/`) // staff do not read records
	dsl := f.signIn("dsl")
	dsl.get("/children?q=amara+pudd").wantIn(t, `href="/children/`, "Amara Puddleby")

	res := staff.get("/children/search.json?q=y7")
	var js struct {
		Children []struct{ Name, Label, Value string }
	}
	if err := json.Unmarshal([]byte(res.body), &js); err != nil {
		t.Fatalf("search.json: %v\n%s", err, res.body)
	}
	if len(js.Children) != 6 || !strings.Contains(js.Children[0].Label, "Year 7") {
		t.Errorf("year 7: %+v", js.Children)
	}
	staff.get("/children?q="+strings.Repeat("x", 101)).wantStatus(t, http.StatusUnprocessableEntity)

	// Only the DSL and the manager import; no one outside sees the register.
	staff.get("/children/import").wantStatus(t, http.StatusForbidden)
	f.signIn("partnership").get("/children?q=pudd").wantStatus(t, http.StatusForbidden)

	// A file with wrong lines: each listed, nothing imported.
	bad, err := os.ReadFile(filepath.Join("..", "..", "docs", "examples", "mis-export-errors.csv"))
	if err != nil {
		t.Fatal(err)
	}
	r := m.postImport(bad, map[string]string{"go": "check"})
	r.wantStatus(t, http.StatusUnprocessableEntity)
	r.wantIn(t, "has the wrong check letter", "is also on line 2", "Nothing imported: 6 bad lines")
	r.wantNotIn(t, `name="csv"`)
	m.postImport([]byte("Surname\xff,UPN\nx,y\n"), map[string]string{"go": "check"}).wantIn(t, "line 1 is not UTF-8 text")

	if strings.Contains(f.logs.String(), "Puddleby") {
		t.Error("a child's name reached the log")
	}
}
