package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

var upnShown = regexp.MustCompile(`UPN\s*([A-Z]\d{11}[0-9A-Z])`)

// TestConsentImport has the demo school's DSL import parents' consents
// from a management information system's file: a file with a UPN the
// register does not have is refused line by line and nothing changes;
// the corrected file is checked, then imported; the child's consents then
// read as the file said. In a real browser with axe finding nothing.
func TestConsentImport(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "dsl@demo.test")
	// A pupil of the register, and their UPN from their record.
	b.run(chromedp.Navigate(a.url+"/children?q=y8"), chromedp.WaitVisible(`ul.found-children li .record-title a`, chromedp.ByQuery))
	b.next(chromedp.Click(`ul.found-children li .record-title a`, chromedp.ByQuery))
	child := b.location()
	m := upnShown.FindStringSubmatch(b.text())
	if m == nil {
		t.Fatalf("the child's record shows no UPN:\n%.1500s", b.text())
	}
	upn := m[1]

	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	head := "Surname,Forename,UPN,Internet use,Website,Social media,Press\r\n"
	bad := write("bad.csv", head+"Doe,Jo,"+upn+",yes,no,,yes\r\nRoe,Al,A999999999999,yes,yes,yes,yes\r\n")
	good := write("good.csv", head+"Doe,Jo,"+upn+",yes,no,,yes\r\n")

	b.run(chromedp.Navigate(a.url+"/consents"), chromedp.WaitVisible(`a[href="/consents/import"]`, chromedp.ByQuery))
	b.next(chromedp.Click(`a[href="/consents/import"]`, chromedp.ByQuery))
	b.checkAccessible("consents-import")
	b.run(chromedp.SetUploadFiles(`#consents-file`, []string{bad}, chromedp.ByQuery))
	b.submit(`button[value="check"]`)
	if txt := b.text(); !strings.Contains(txt, "Line 3") || !strings.Contains(txt, "Nothing was imported") {
		t.Fatalf("the file with a UPN not on the register:\n%.1500s", txt)
	}
	b.checkAccessible("consents-import-bad")

	b.run(chromedp.SetUploadFiles(`#consents-file`, []string{good}, chromedp.ByQuery))
	b.submit(`button[value="check"]`)
	if txt := b.text(); !strings.Contains(txt, "Consents would change for 1 child") {
		t.Fatalf("the checked file:\n%.1500s", txt)
	}
	b.screenshot("consents-import-checked")
	b.submit(`button[value="import"]`)
	if txt := b.text(); !strings.Contains(txt, "Consents changed for 1 child") {
		t.Fatalf("after the import:\n%.1500s", txt)
	}
	if strings.Contains(b.text(), "Doe") {
		t.Error("the page repeats a name from the file, which is not read")
	}

	// The child's consents as the file said: internet and press given
	// and in force, the website not.
	id := child[strings.LastIndex(child, "/")+1:]
	b.run(chromedp.Navigate(a.url+"/consents/children/"+id), chromedp.WaitVisible(`h1`, chromedp.ByQuery))
	var rows []string
	b.run(chromedp.Evaluate(`[...document.querySelectorAll("table[aria-labelledby=history-heading] tbody tr")].map(r => r.innerText)`, &rows))
	inForce := map[string]bool{}
	for _, r := range rows {
		if strings.Contains(r, "Not withdrawn") {
			inForce[strings.SplitN(r, "\t", 2)[0]] = true
		}
	}
	if !inForce["Internet access"] || !inForce["Images in the press"] || inForce["Images on the website"] {
		t.Errorf("after the import, the consents in force are %v (history %q), want internet and press, not the website", inForce, rows)
	}
}
