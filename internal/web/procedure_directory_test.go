package web_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// TestProcedureDirectoryPages: the administrator changes the close of
// business and the Front Door's contact in the form, sees what that does to
// the scenarios before saving, saves version 1, and a new concern of the
// partnership is triaged under it; bad fields are refused by name, a lead
// cannot open the page, a YAML file loads as a version with its problems by
// line, and every version can be read and exported.
func TestProcedureDirectoryPages(t *testing.T) {
	f := newDSLFixture(t, nil)
	if s := f.get("dsl", "/directory/procedure").status; s != http.StatusForbidden {
		t.Errorf("a lead opens the local procedure: %d", s)
	}
	p := f.get("alertsadmin", "/directory/procedure")
	if p.status != http.StatusOK {
		t.Fatalf("page: %d", p.status)
	}
	mustContain(t, p, "No version has been saved yet", `name="route-CSC_REFERRAL-contact"`, "Close of business")

	form := url.Values{"base": {"0"}, "name": {"Riverside Safeguarding Children Partnership"}, "close": {"4pm"},
		"early_help_days": {"100"}, "route-CSC_REFERRAL-contact": {"Front Door\x00"}}
	bad := f.post("alertsadmin", "/directory/procedure/preview", form)
	if bad.status != http.StatusUnprocessableEntity {
		t.Fatalf("bad fields: %d", bad.status)
	}
	mustContain(t, bad, `href="#close"`, `href="#early_help_days"`, `href="#route-CSC_REFERRAL-contact"`, `id="close-error"`)

	form.Set("close", "15:00")
	form.Set("early_help_days", "")
	form.Set("route-CSC_REFERRAL-contact", "Riverside Front Door, 0100 000 0000, 8am to 6pm (out of hours 0100 000 0001)")
	prev := f.post("alertsadmin", "/directory/procedure/preview", form)
	if prev.status != http.StatusOK {
		t.Fatalf("preview: %d\n%.3000s", prev.status, prev.body)
	}
	checkPage(t, prev)
	mustContain(t, prev, "Check the change before saving it", "Save version 1", "CSC_REFERRAL</strong>: contact",
		"due 15:00", "working day closes at 15:00")
	if _, err := f.db.CurrentDirectory(f.ctx("alertsadmin"), 0); err != nil {
		t.Fatal(err)
	}
	if v, _ := f.db.CurrentDirectory(f.ctx("staff"), 0); v.Version != 0 {
		t.Fatalf("the preview saved version %d", v.Version)
	}
	doc := hiddenValue(t, prev.body, "document")
	saved := f.postThen("alertsadmin", "/directory/procedure", url.Values{"base": {"0"}, "document": {doc},
		"summary": {"Front Door hours; close at three"}})
	mustContain(t, saved, "Saved as version 1", "Version 1 is in force", "Front Door hours; close at three")

	// A new concern of the partnership is triaged under version 1, read
	// from the store as every server reads it.
	live := &procedure.Live{Base: f.proc, Store: f.db}
	fs, err := factsjson.DecodeFacts([]byte(dslGroomed13), factsjson.DecodeOptions{ReportedAt: dslStart})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := live.Triage(f.ctx("staff"), fs)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(tr.Procedure.Name, "Riverside Safeguarding Children Partnership directory v1") {
		t.Errorf("the triage records %q", tr.Procedure.Name)
	}

	// Saving again from version 0 (a stale form) is refused.
	if s := f.post("alertsadmin", "/directory/procedure", url.Values{"base": {"0"}, "document": {doc},
		"summary": {"again"}}).status; s != http.StatusConflict {
		t.Errorf("a stale save: %d", s)
	}

	// A file with problems is refused with its lines; a good one previews.
	up := upload(t, f, "/directory/procedure/load", "name: Riverside\nversion: x\nworking_day:\n  close: teatime\n")
	if up.status != http.StatusUnprocessableEntity {
		t.Fatalf("a bad file: %d", up.status)
	}
	mustContain(t, up, "Line 3: working_day.close")
	up = upload(t, f, "/directory/procedure/load", "name: Riverside\nversion: x\nearly_help_days: 10\n")
	mustContain(t, up, "Save version 2", "DSL_REVIEW</strong>: due 17:00", "CSC_REFERRAL</strong>: contact none, was",
		"early help within 10 working days")

	old := f.get("alertsadmin", "/directory/procedure/versions/1")
	checkPage(t, old)
	mustContain(t, old, "Local procedure, version 1", "close: &#34;15:00&#34;")
	if s := f.get("alertsadmin", "/directory/procedure/versions/9").status; s != http.StatusNotFound {
		t.Errorf("a version that does not exist: %d", s)
	}
	res, err := f.client("alertsadmin").Get(f.url + "/directory/procedure/export")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if _, err := procedure.Load("export", body); err != nil || res.Header.Get("Content-Type") != "application/yaml; charset=utf-8" {
		t.Errorf("the export does not load: %v, %s\n%s", err, res.Header.Get("Content-Type"), body)
	}
}

// hiddenValue reads a hidden input's value from a page.
func hiddenValue(t *testing.T, body, name string) string {
	t.Helper()
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		t.Fatalf("no hidden %s", name)
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	v := rest[:strings.IndexByte(rest, '"')]
	for _, r := range []struct{ from, to string }{{"&#34;", `"`}, {"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&#43;", "+"}, {"&amp;", "&"}} {
		v = strings.ReplaceAll(v, r.from, r.to)
	}
	return v
}

func upload(t *testing.T, f *dslFixture, path, text string) dslPage {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("base", "1")
	fw, err := mw.CreateFormFile("file", "local.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write([]byte(text))
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.url+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", f.url)
	res, err := f.client("alertsadmin").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return f.read(res)
}
