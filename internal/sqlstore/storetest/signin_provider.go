package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// signInProvider is a valid provider of organisation org covering domain.
func signInProvider(org int64, domain string) lifeguard.SignInProvider {
	return lifeguard.SignInProvider{OrganisationID: org, Name: "Example ID", Issuer: "https://id.example.org/",
		ClientID: "lifeguard", ClientSecret: "a client secret", Domains: []string{domain}, CreateUsers: true}
}

// providerText is a bad-text case that saves a provider of A, as its
// administrator, with one field set to the text.
func providerText(set func(p *lifeguard.SignInProvider, s string)) func(ctx context.Context, f *fixture, w textWorld, s string) error {
	return func(ctx context.Context, f *fixture, w textWorld, s string) error {
		p := signInProvider(f.orgA.ID, "text.example.org")
		set(&p, s)
		_, err := f.db.SaveSignInProvider(as(ctx, f.admin), p)
		return err
	}
}

// testSignInProviders checks the providers' rules: fields refused by
// name, a domain covered once, the secret never read back, a sign-in
// start taken once by its own browser before it expires, and a provider
// that signs in only its own organisation's users and creates only staff.
func testSignInProviders(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	admin, sysc := as(ctx, f.admin), sys(ctx)

	t.Run("invalid fields are named", func(t *testing.T) {
		for _, tc := range []struct {
			path string
			edit func(p *lifeguard.SignInProvider)
		}{
			{"name", func(p *lifeguard.SignInProvider) { p.Name = " " }},
			{"issuer", func(p *lifeguard.SignInProvider) { p.Issuer = "" }},
			{"issuer", func(p *lifeguard.SignInProvider) { p.Issuer = "http://id.example.org/" }},
			{"issuer", func(p *lifeguard.SignInProvider) { p.Issuer = "id.example.org" }},
			{"client_id", func(p *lifeguard.SignInProvider) { p.ClientID = "" }},
			{"client_secret", func(p *lifeguard.SignInProvider) { p.ClientSecret = "" }},
			{"domains", func(p *lifeguard.SignInProvider) { p.Domains = nil }},
			{"domains", func(p *lifeguard.SignInProvider) { p.Domains = []string{"not a domain"} }},
			{"domains", func(p *lifeguard.SignInProvider) { p.Domains = []string{"@example.org"} }},
			{"create_users", func(p *lifeguard.SignInProvider) { p.OrganisationID = 0 }},
			{"mfa_acr", func(p *lifeguard.SignInProvider) { p.MFAACR = "urn:mfa" }},
			{"name", func(p *lifeguard.SignInProvider) { p.Name = strings.Repeat("n", lifeguard.MaxProviderName+1) }},
		} {
			p := signInProvider(f.orgA.ID, "bad.example.org")
			tc.edit(&p)
			_, err := f.db.SaveSignInProvider(admin, p)
			wantProblem(t, err, tc.path)
		}
		_, err := f.db.SaveSignInProvider(as(ctx, f.dsl), signInProvider(f.orgA.ID, "dsl.example.org"))
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.SaveSignInProvider(admin, signInProvider(f.orgC.ID, "c.example.org"))
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	before := journalLen(t, f.db)
	p, err := f.db.SaveSignInProvider(admin, lifeguard.SignInProvider{OrganisationID: f.orgA.ID, Name: "Oakfield ID",
		Issuer: "https://login.example.org/tenant/v2.0", ClientID: "lg", ClientSecret: "s3cret",
		Domains: []string{"Oakfield.Example.org", "oakfield.example.org", "staff.oakfield.example.org"}, CreateUsers: true,
		TrustMFA: true, PasswordOff: true})
	if err != nil {
		t.Fatal(err)
	}
	if p.ClientSecret != "" || !p.HasSecret || strings.Join(p.Domains, ",") != "oakfield.example.org,staff.oakfield.example.org" {
		t.Errorf("saved %+v", p)
	}
	es := journalAfter(t, f.db, before)
	if len(es) != 1 || es[0].Record != "sign_in_provider" || strings.Contains(es[0].Detail, "s3cret") {
		t.Errorf("journal %+v", es)
	}
	_, err = f.db.SaveSignInProvider(admin, signInProvider(f.orgB.ID, "oakfield.example.org"))
	wantProblem(t, err, "domains")

	t.Run("the secret is never read back, and kept when not retyped", func(t *testing.T) {
		ps, err := f.db.SignInProviders(admin)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 1 || ps[0].ClientSecret != "" || !ps[0].HasSecret {
			t.Fatalf("listed %+v", ps)
		}
		in := ps[0]
		in.Name = "Oakfield accounts"
		if _, err := f.db.SaveSignInProvider(admin, in); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.SignInProvider(sysc, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ClientSecret != "s3cret" || got.Name != "Oakfield accounts" {
			t.Errorf("after the change: %+v", got)
		}
		if _, err := f.db.SignInProviders(as(ctx, f.dslB)); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
			t.Errorf("a DSL listed providers: %v", err)
		}
	})

	t.Run("a sign-in start is taken once, by its browser, in time", func(t *testing.T) {
		now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		start := func(state string) {
			if err := f.db.StartSignIn(sysc, lifeguard.SignInStart{StateHash: []byte(state), ProviderID: p.ID,
				BrowserHash: []byte("browser-1"), Nonce: "n", Verifier: "v", Next: "/inbox",
				ExpiresAt: now.Add(10 * time.Minute)}, now); err != nil {
				t.Fatal(err)
			}
		}
		start("a")
		s, err := f.db.TakeSignIn(sysc, []byte("a"), []byte("browser-1"), now.Add(time.Minute))
		if err != nil || s.Nonce != "n" || s.Verifier != "v" || s.Next != "/inbox" || s.ProviderID != p.ID {
			t.Fatalf("take: %+v, %v", s, err)
		}
		_, err = f.db.TakeSignIn(sysc, []byte("a"), []byte("browser-1"), now.Add(time.Minute))
		wantCode(t, err, lifeguard.ENOTFOUND)
		start("b")
		_, err = f.db.TakeSignIn(sysc, []byte("b"), []byte("browser-2"), now.Add(time.Minute))
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.TakeSignIn(sysc, []byte("b"), []byte("browser-1"), now.Add(time.Minute))
		wantCode(t, err, lifeguard.ENOTFOUND) // spent by the wrong browser's try
		start("c")
		_, err = f.db.TakeSignIn(sysc, []byte("c"), []byte("browser-1"), now.Add(10*time.Minute))
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("users: its organisation's only, and new ones as staff", func(t *testing.T) {
		p, err := f.db.SignInProvider(sysc, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		dsl, err := f.db.CreateUser(sysc, lifeguard.NewUser{Email: "Lead@oakfield.example.org", Name: "Lead",
			Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID})
		if err != nil {
			t.Fatal(err)
		}
		u, err := f.db.ProviderUser(sysc, p, "lead@OAKFIELD.example.org", "Someone Else", true)
		if err != nil || u.ID != dsl.ID || u.Role != lifeguard.RoleDSL {
			t.Errorf("existing DSL: %+v, %v", u, err)
		}
		if _, err := f.db.CreateUser(sysc, lifeguard.NewUser{Email: "b@oakfield.example.org", Name: "B",
			Role: lifeguard.RoleStaff, OrganisationID: f.orgB.ID}); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.ProviderUser(sysc, p, "b@oakfield.example.org", "B", true)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.ProviderUser(sysc, p, "x@elsewhere.example.org", "X", true)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.ProviderUser(sysc, p, "new@oakfield.example.org", "New", false)
		wantCode(t, err, lifeguard.ENOTFOUND)
		before := journalLen(t, f.db)
		u, err = f.db.ProviderUser(sysc, p, "new@oakfield.example.org", "New Person", true)
		if err != nil || u.Role != lifeguard.RoleStaff || u.OrganisationID != f.orgA.ID || u.Name != "New Person" {
			t.Fatalf("new user: %+v, %v", u, err)
		}
		es := journalAfter(t, f.db, before)
		if len(es) != 1 || es[0].Record != "user" || es[0].RecordID != u.ID || strings.Contains(es[0].Detail, "oakfield") {
			t.Errorf("journal %+v", es)
		}
		if _, err := f.db.ProviderUser(as(ctx, f.admin), p, "new@oakfield.example.org", "New", true); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
			t.Errorf("an administrator used ProviderUser: %v", err)
		}
	})

	t.Run("refusals are journalled by code", func(t *testing.T) {
		before := journalLen(t, f.db)
		if err := f.db.RecordSignInRefusal(sysc, p.ID, "audience"); err != nil {
			t.Fatal(err)
		}
		if err := f.db.RecordSignInRefusal(sysc, p.ID, "someone@example.org"); err == nil {
			t.Error("a refusal's reason held an address")
		}
		es := journalAfter(t, f.db, before)
		if len(es) != 1 || es[0].Action != "refuse" || es[0].Detail != "reason=audience" {
			t.Errorf("journal %+v", es)
		}
	})

	t.Run("removing ends its domains", func(t *testing.T) {
		if err := f.db.RemoveSignInProvider(admin, p.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.ProviderForDomain(sysc, "oakfield.example.org")
		wantCode(t, err, lifeguard.ENOTFOUND)
	})
}
