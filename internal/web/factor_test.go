package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestDemoExemptsOnlyItsAccounts: the fixture's users are demo accounts,
// by id. A safeguarding lead added later with an address ending @demo.test
// is not one, and must set up a second factor like anyone else.
func TestDemoExemptsOnlyItsAccounts(t *testing.T) {
	f := newDSLFixture(t, nil)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	if _, err := f.db.CreateUser(sys, lifeguard.NewUser{Email: "later@demo.test", Name: "Later Lead",
		Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, PasswordHash: dslHash(t)}); err != nil {
		t.Fatal(err)
	}
	signIn := func(email string) dslPage {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		return f.read(f.must(c.PostForm(f.url+"/signin", url.Values{"email": {email}, "password": {dslPassword}})))
	}
	if p := signIn("later@demo.test"); p.status != http.StatusSeeOther || p.location != "/account/second-factor" {
		t.Errorf("a DSL added later with a @demo.test address: %d to %q; want the second-factor set-up", p.status, p.location)
	}
	if p := signIn("dsl@demo.test"); p.status != http.StatusSeeOther || p.location != "/inbox" {
		t.Errorf("a demo account: %d to %q; want the inbox", p.status, p.location)
	}
}

// TestReplaceSecondFactor: a fully signed-in user replaces their factor
// only with a code of the current one.
func TestReplaceSecondFactor(t *testing.T) {
	f := newDSLFixture(t, nil)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	u, err := f.db.CreateUser(sys, lifeguard.NewUser{Email: "lead@school.example", Name: "Lead",
		Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, PasswordHash: dslHash(t)})
	if err != nil {
		t.Fatal(err)
	}
	const who = "lead@school.example"
	c := f.signInAs(who)
	old := f.secrets[who]
	p := f.read(f.must(c.Get(f.url + "/account/second-factor")))
	if p.status != http.StatusOK || !strings.Contains(p.body, `name="current"`) {
		t.Fatalf("the replacement form: %d, asks for the current code: %v", p.status, strings.Contains(p.body, `name="current"`))
	}
	fresh := regexp1(p.body, `id="secret">([A-Z2-7]+)<`)
	f.clock.Advance(30 * time.Second)
	newCode := totpAt(t, fresh, f.clock.Now())
	for _, current := range []string{"", "000000", "not a code"} {
		p := f.read(f.must(c.PostForm(f.url+"/account/second-factor", url.Values{"secret": {fresh}, "code": {newCode},
			"current": {current}})))
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("replacing with current code %q: %d", current, p.status)
		}
	}
	if sf, err := f.db.SecondFactor(sys, u.ID); err != nil || sf.Secret != old {
		t.Fatalf("a refused replacement changed the factor: %v", err)
	}
	p = f.read(f.must(c.PostForm(f.url+"/account/second-factor", url.Values{"secret": {fresh}, "code": {newCode},
		"current": {totpAt(t, old, f.clock.Now())}})))
	if p.status != http.StatusOK || !strings.Contains(p.body, "recovery") {
		t.Fatalf("replacing with the current code: %d\n%s", p.status, p.body)
	}
	if sf, err := f.db.SecondFactor(sys, u.ID); err != nil || sf.Secret != fresh {
		t.Errorf("the factor was not replaced: %v", err)
	}
}
