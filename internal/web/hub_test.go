package web_test

import (
	"net/http"
	"testing"
)

// TestHubPage: the hub lists the pages of the user's role that the top of
// the navigation leaves out, each with its line, and no other role's; its
// entry is the current page on it and the current section on its pages.
func TestHubPage(t *testing.T) {
	f := newDSLFixture(t, nil)

	p := f.get("dsl", "/registers")
	checkPage(t, p)
	mustContain(t, p, "<h1>Registers</h1>", `href="/registers" aria-current="page"`,
		`<a href="/transfers">Transfers</a><p>`, `<a href="/data-rights">Data requests</a><p>`, `<a href="/training">Training</a><p>`,
		`<a href="/directory/leads">Leads</a><p>`, "Staff safeguarding training: who is in date and who is due.")
	mustNotContain(t, p, `<a href="/admin/sign-in">`, `<a href="/referrals/directory">`)

	p = f.get("staff", "/registers")
	checkPage(t, p)
	mustContain(t, p, `<a href="/consents">Photo consents</a><p>`, `<a href="/plan">Action plan</a><p>`)
	mustNotContain(t, p, `href="/data-rights"`, `href="/transfers"`, `href="/directory/leads"`, `href="/inbox"`)

	p = f.get("alertsadmin", "/registers")
	checkPage(t, p)
	mustContain(t, p, "<h1>Directories</h1>", `<a href="/admin/sign-in">Sign-in providers</a><p>`, `<a href="/referrals/directory">`)
	mustNotContain(t, p, `href="/children"`, `href="/report"`)

	// On one of the hub's pages, the hub's entry is the current section
	// and the page's own link, in the phone's menu, the current page.
	p = f.get("dsl", "/training")
	if p.status != http.StatusOK {
		t.Fatalf("training: %d", p.status)
	}
	mustContain(t, p, `href="/registers" aria-current="true"`, `href="/training" aria-current="page"`)
	p = f.get("dsl", "/inbox")
	mustContain(t, p, `href="/inbox" aria-current="page"`, `<a href="/registers">Registers</a>`)
	mustNotContain(t, p, `aria-current="true"`)
}
