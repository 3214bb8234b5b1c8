package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard"
)

// TestSignInWithProvider signs in through a real OpenID Connect provider
// in Chromium: a member of staff by their existing account, a newcomer
// whose first sign-in makes them staff, and a safeguarding lead who is
// still asked for Lifeguard's second factor because the provider's token
// does not say it used one. Then the attacks, each refused with a page
// that says what happened and journalled by its reason: a replayed state,
// a real token meant for another client (wrong audience), a real token of
// another sign-in (bad nonce), and a token that has expired by Lifeguard's
// clock.
func TestSignInWithProvider(t *testing.T) {
	a := startSSOApp(t)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())

	t.Run("existing staff account", func(t *testing.T) {
		b := newBrowser(t)
		b.run(chromedp.Navigate(a.url+"/signin"), chromedp.WaitVisible("#email", chromedp.ByQuery))
		b.checkAccessible("sign-in page with single sign-on")
		b.screenshot("sso-signin")
		b.run(chromedp.SendKeys("#email", "staff@oakfield.test", chromedp.ByQuery))
		b.submit("#sso")
		if got := b.text(); !strings.Contains(got, "Sign in with Oakfield accounts") {
			t.Fatalf("the provider's page: %s", got)
		}
		b.checkAccessible("provider's sign-in page")
		b.screenshot("sso-continue")
		b.ssoSignIn(a, "staff@oakfield.test", "staff")
		if !strings.HasSuffix(b.location(), "/report") {
			t.Fatalf("staff landed on %s, want /report:\n%s", b.location(), b.text())
		}

		t.Run("replayed state", func(t *testing.T) {
			back := a.lastCallback()
			if back == "" {
				t.Fatal("no callback was seen")
			}
			head := a.journalHead(t)
			b.run(chromedp.Navigate(a.url+back), chromedp.WaitVisible("#refusal", chromedp.ByQuery))
			if got := b.text(); !strings.Contains(got, "used already") {
				t.Errorf("the replay's page: %s", got)
			}
			if got := a.refusals(t, head); len(got) != 1 || got[0] != "reason=state" {
				t.Errorf("journalled refusals %q, want reason=state", got)
			}
			b.checkAccessible("refused sign-in page")
			b.screenshot("sso-refused")
		})
	})

	t.Run("first sign-in creates a member of staff", func(t *testing.T) {
		b := newBrowser(t)
		b.ssoSignIn(a, "newcomer@oakfield.test", "newcomer")
		if !strings.HasSuffix(b.location(), "/report") {
			t.Fatalf("the newcomer landed on %s:\n%s", b.location(), b.text())
		}
		c, err := a.db.CredentialsByEmail(sys, "newcomer@oakfield.test")
		if err != nil {
			t.Fatal(err)
		}
		if c.User.Role != lifeguard.RoleStaff || c.User.OrganisationID != a.org.ID || c.User.Name != "Nia Newcomer" || c.PasswordHash != "" {
			t.Errorf("the new user: %+v (password set: %t)", c.User, c.PasswordHash != "")
		}
	})

	t.Run("a safeguarding lead still gives Lifeguard's second factor", func(t *testing.T) {
		// The provider is trusted to enforce a second factor, but its
		// token says only "pwd": that is not enough.
		b := newBrowser(t)
		b.ssoSignIn(a, "lead@oakfield.test", "lead")
		if !strings.Contains(b.location(), "/account/second-factor") {
			t.Fatalf("the DSL landed on %s, want the second factor", b.location())
		}
		b.run(chromedp.Navigate(a.url+"/inbox"), chromedp.WaitVisible("main", chromedp.ByQuery))
		if strings.HasSuffix(b.location(), "/inbox") {
			t.Fatal("the inbox opened before the second factor")
		}
	})

	refused := func(t *testing.T, reason, words string) {
		t.Helper()
		head := a.journalHead(t)
		b := newBrowser(t)
		b.ssoSignIn(a, "staff@oakfield.test", "staff")
		b.run(chromedp.WaitVisible("#refusal", chromedp.ByQuery))
		if got := b.text(); !strings.Contains(got, words) {
			t.Errorf("the refusal page says %q, want %q", got, words)
		}
		if got := a.refusals(t, head); len(got) != 1 || got[0] != "reason="+reason {
			t.Errorf("journalled refusals %q, want reason=%s", got, reason)
		}
		// No session: the inbox sends the browser to sign in.
		b.run(chromedp.Navigate(a.url+"/report"), chromedp.WaitVisible("main", chromedp.ByQuery))
		if !strings.Contains(b.location(), "/signin") {
			t.Errorf("after the refusal, /report opened: %s", b.location())
		}
	}

	t.Run("wrong audience", func(t *testing.T) {
		a.swap.swapNext(a.op.token(t, "api", "staff", "any-nonce"))
		refused(t, "audience", "meant for another application")
	})
	t.Run("bad nonce", func(t *testing.T) {
		a.swap.swapNext(a.op.token(t, "web", "staff", "another-sign-ins-nonce"))
		refused(t, "nonce", "does not belong to this sign-in")
	})
	t.Run("expired token", func(t *testing.T) {
		// The provider's ID tokens last an hour; Lifeguard's clock is set
		// two hours on.
		a.clock.set(2 * time.Hour)
		defer a.clock.set(0)
		refused(t, "expired", "has expired")
	})
}

// TestSignInProvidersPage connects a provider on the administrator's page
// of the demo: a form with the problems named by field, then saved, with
// its secret never shown again.
func TestSignInProvidersPage(t *testing.T) {
	a := startApp(t)
	b := newBrowser(t)
	b.signIn(a.url, "admin@demo.test")
	b.run(chromedp.Navigate(a.url+"/admin/sign-in"), chromedp.WaitVisible("#provider-name", chromedp.ByQuery))
	b.checkAccessible("sign-in providers page")
	b.screenshot("sso-admin")

	b.run(chromedp.SendKeys("#provider-name", "Riverside accounts", chromedp.ByQuery),
		chromedp.SendKeys("#provider-issuer", "http://login.example.org/tenant/v2.0", chromedp.ByQuery),
		chromedp.SendKeys("#provider-client-id", "lifeguard", chromedp.ByQuery))
	b.submit(`form[action="/admin/sign-in"] button[type=submit]`)
	got := b.text()
	for _, want := range []string{"Issuer URL must use https", "Client secret is required", "Email domains name at least one"} {
		if !strings.Contains(got, want) {
			t.Errorf("the problems do not say %q:\n%s", want, got)
		}
	}
	b.checkAccessible("sign-in providers page with problems")
	b.screenshot("sso-admin-problems")

	b.run(chromedp.SetValue("#provider-issuer", "https://login.example.org/tenant/v2.0", chromedp.ByQuery),
		chromedp.SendKeys("#provider-client-secret", "the-client-secret-value", chromedp.ByQuery),
		chromedp.SendKeys("#provider-domains", "riverside-sso.example", chromedp.ByQuery))
	b.submit(`form[action="/admin/sign-in"] button[type=submit]`)
	got = b.text()
	if !strings.Contains(got, "Riverside accounts") || !strings.Contains(got, "Kept (not shown)") {
		t.Fatalf("the saved provider is not listed:\n%s", got)
	}
	var html string
	b.run(chromedp.OuterHTML("html", &html, chromedp.ByQuery))
	if strings.Contains(html, "the-client-secret-value") {
		t.Error("the page shows the client secret")
	}
	b.checkAccessible("sign-in providers page with a provider")
	b.screenshot("sso-admin-saved")
}
