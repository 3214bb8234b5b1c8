package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestPasswordOffForACoveredDomain: once an organisation's provider turns
// password sign-in off for its domain, a right password is refused, with
// the way to sign in instead; a wrong one gets the very same answer, so
// the page tells nothing about the account.
func TestPasswordOffForACoveredDomain(t *testing.T) {
	f := newReportFixture(t)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	staff := f.users["staff"]
	_, domain, _ := strings.Cut(staff.Email, "@")
	p, err := f.db.SaveSignInProvider(sys, lifeguard.SignInProvider{OrganisationID: staff.OrganisationID, Name: "Oakfield accounts",
		Issuer: "https://login.example.org/tenant/v2.0", ClientID: "lg", ClientSecret: "s", Domains: []string{domain}})
	if err != nil {
		t.Fatal(err)
	}
	// Password sign-in still works while the provider leaves it on.
	f.signIn("staff")

	p.PasswordOff = true
	if _, err := f.db.SaveSignInProvider(sys, *p); err != nil {
		t.Fatal(err)
	}
	for _, pw := range []string{reportPassword, "not the password at all"} {
		res := f.visitor().post("/signin", url.Values{"email": {staff.Email}, "password": {pw}})
		res.wantStatus(t, http.StatusUnauthorized)
		res.wantIn(t, "Your organisation signs in with Oakfield accounts", `href="/signin/sso/`)
		if c := res.header.Get("Set-Cookie"); strings.Contains(c, cookieName+"=") {
			t.Errorf("a session cookie was set: %s", c)
		}
	}
}

// TestSSOFindsTheProviderByDomain: the address's domain leads to its
// provider's page, whose policy lets its form go to the provider; an
// address no provider covers is told to use its password.
func TestSSOFindsTheProviderByDomain(t *testing.T) {
	f := newReportFixture(t)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	p, err := f.db.SaveSignInProvider(sys, lifeguard.SignInProvider{OrganisationID: f.users["staff"].OrganisationID,
		Name: "Oakfield accounts", Issuer: "https://login.example.org/tenant/v2.0", ClientID: "lg", ClientSecret: "s",
		Domains: []string{"oakfield.example"}})
	if err != nil {
		t.Fatal(err)
	}
	b := f.visitor()
	res := b.post("/signin/sso", url.Values{"email": {"Sam@Oakfield.example"}, "next": {"/inbox"}})
	res.wantStatus(t, http.StatusSeeOther)
	want := "/signin/sso/" + strconv.FormatInt(p.ID, 10) + "?"
	if !strings.HasPrefix(res.location, want) || !strings.Contains(res.location, "next=%2Finbox") {
		t.Errorf("went to %q, want %s…", res.location, want)
	}
	res = b.post("/signin/sso", url.Values{"email": {"sam@elsewhere.example"}})
	res.wantStatus(t, http.StatusUnprocessableEntity)
	res.wantIn(t, "Addresses at elsewhere.example do not sign in through an organisation")
	res = b.post("/signin/sso", url.Values{"email": {""}})
	res.wantStatus(t, http.StatusUnprocessableEntity)
	res.wantIn(t, "Type your email address")
}

// TestSSOCallbackWithoutItsStart: an answer with no state, or a state this
// server never gave this browser, is refused with a page and journalled.
func TestSSOCallbackWithoutItsStart(t *testing.T) {
	f := newReportFixture(t)
	for _, q := range []string{"", "?state=made-up&code=x", "?error=access_denied&state=made-up"} {
		res := f.visitor().get("/signin/sso/callback" + q)
		res.wantStatus(t, http.StatusUnauthorized)
		res.wantIn(t, "Lifeguard did not sign you in", "Start again from the sign-in page")
	}
	es, err := f.db.JournalEntries(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Record == "sign_in_provider" && e.Action == "refuse" && e.Detail == "reason=state" {
			n++
		}
	}
	if n != 3 {
		t.Errorf("%d refusals journalled, want 3", n)
	}
}

// TestProvidersPageIsForAdministrators: other roles are refused the page
// and its form.
func TestProvidersPageIsForAdministrators(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("dsl")
	b.get("/admin/sign-in").wantStatus(t, http.StatusForbidden)
	b.post("/admin/sign-in", url.Values{"name": {"X"}}).wantStatus(t, http.StatusForbidden)
}
