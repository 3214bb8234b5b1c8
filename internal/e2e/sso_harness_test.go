package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/oidc"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// The sign-in tests run a real OpenID Connect provider process on
// loopback: the example provider of github.com/zitadel/oidc (v3.52.0),
// which .ci/run installs with go install into tools/oidc-op, outside
// Lifeguard's module. Its users come from a file the test writes; it signs
// ID tokens with its own RSA key, publishes it, and checks PKCE.

// opPassword is the password of every user of the test provider.
const opPassword = "verysecure"

// opBinary finds the provider; under CI a missing one fails the test.
func opBinary(t testing.TB) string {
	t.Helper()
	p := os.Getenv("LIFEGUARD_OIDC_OP")
	if p == "" {
		p = filepath.Join(repoRoot(t), "tools", "oidc-op", "server")
	}
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the OpenID Connect provider for the sign-in tests is not installed at %s: %v", p, err)
		}
		t.Skipf("the OpenID Connect provider is not installed (GOBIN=$PWD/tools/oidc-op go install github.com/zitadel/oidc/v3/example/server@v3.52.0): %v", err)
	}
	return p
}

// opUser is a user of the provider, in the shape of its users file.
type opUser struct {
	ID                string
	Username          string
	Password          string
	FirstName         string
	LastName          string
	Email             string
	EmailVerified     bool
	PreferredLanguage string
}

// testProvider is a running provider.
type testProvider struct {
	issuer   string
	redirect string
	authURL  string
	tokenURL string
	logs     *sqltest.Logs
}

// startProvider runs the provider on a free loopback port, sending the
// browser back to redirect.
func startProvider(t *testing.T, redirect string, users []opUser) *testProvider {
	t.Helper()
	bin := opBinary(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	byID := map[string]opUser{}
	for _, u := range users {
		byID[u.ID] = u
	}
	b, _ := json.Marshal(byID)
	file := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(file, b, 0o600); err != nil {
		t.Fatal(err)
	}
	logs := &sqltest.Logs{}
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), fmt.Sprintf("PORT=%d", port), "REDIRECT_URI="+redirect, "USERS_FILE="+file)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	p := &testProvider{issuer: fmt.Sprintf("http://localhost:%d/", port), redirect: redirect, logs: logs}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(p.issuer + ".well-known/openid-configuration")
		if err == nil {
			var d struct {
				Auth  string `json:"authorization_endpoint"`
				Token string `json:"token_endpoint"`
			}
			err = json.NewDecoder(res.Body).Decode(&d)
			res.Body.Close()
			if err == nil && d.Token != "" {
				p.authURL, p.tokenURL = d.Auth, d.Token
				return p
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the provider did not start within 30 seconds: %v\n%s", err, logs)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// token signs username in at the provider for client, outside any
// browser, and returns the ID token issued: a real token, signed by the
// provider, for the tests that hand Lifeguard one meant for another
// client or another sign-in.
func (p *testProvider) token(t *testing.T, client, username, nonce string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), p.redirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	q := url.Values{"client_id": {client}, "redirect_uri": {p.redirect}, "response_type": {"code"},
		"scope": {"openid email profile"}, "state": {"test-state"}, "nonce": {nonce}}
	res, err := c.Get(p.authURL + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	id := res.Request.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("the provider's authorize answered %s at %s", res.Status, res.Request.URL)
	}
	res, err = c.PostForm(p.issuer+"login/username", url.Values{"id": {id}, "username": {username}, "password": {opPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	back, err := url.Parse(res.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		t.Fatalf("the provider did not send a code back: %s %q", res.Status, res.Header.Get("Location"))
	}
	req, _ := http.NewRequest("POST", p.tokenURL, strings.NewReader(url.Values{"grant_type": {"authorization_code"},
		"code": {back.Query().Get("code")}, "redirect_uri": {p.redirect}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(client, "secret")
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tok); err != nil || tok.IDToken == "" {
		t.Fatalf("the provider's token endpoint: %s %v", res.Status, err)
	}
	return tok.IDToken
}

// skewClock is the clock of the Lifeguard under test, which a test can
// set ahead of the provider's.
type skewClock struct {
	mu   sync.Mutex
	skew time.Duration
}

func (c *skewClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.skew)
}

func (c *skewClock) set(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.skew = d
}

// tokenSwap is Lifeguard's way to the provider. Given a token, it puts it
// in place of the ID token of the next answer of the token endpoint, as an
// attacker who had got hold of a real token would try to.
type tokenSwap struct {
	mu       sync.Mutex
	tokenURL string
	next     string
}

func (s *tokenSwap) swapNext(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next = tok
}

func (s *tokenSwap) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	s.mu.Lock()
	tok := ""
	if req.URL.String() == s.tokenURL {
		tok, s.next = s.next, ""
	}
	s.mu.Unlock()
	if err != nil || tok == "" {
		return res, err
	}
	defer res.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(res.Body).Decode(&m); err != nil {
		return nil, err
	}
	m["id_token"] = tok
	b, _ := json.Marshal(m)
	res.Body = io.NopCloser(bytes.NewReader(b))
	res.ContentLength = int64(len(b))
	res.Header.Del("Content-Length")
	return res, nil
}

// ssoApp is a Lifeguard server of its own, with a school connected to the
// test provider: its own clock and way to the provider, which the shared
// demo server cannot be given.
type ssoApp struct {
	url       string
	db        *sqlstore.DB
	clock     *skewClock
	swap      *tokenSwap
	op        *testProvider
	provider  *lifeguard.SignInProvider
	org       *lifeguard.Organisation
	mu        sync.Mutex
	callbacks []string
}

// lastCallback is the last address the provider sent a browser back to.
func (a *ssoApp) lastCallback() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.callbacks) == 0 {
		return ""
	}
	return a.callbacks[len(a.callbacks)-1]
}

func startSSOApp(t *testing.T) *ssoApp {
	t.Helper()
	opBinary(t) // skip or fail before building anything
	db := sqltest.Migrated(t, sqltest.SQLite)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	p, err := db.CreatePartnership(sys, "Northshire")
	if err != nil {
		t.Fatal(err)
	}
	org, err := db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: p.ID, Name: "Oakfield Primary", Setting: "school"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []lifeguard.NewUser{
		{Email: "staff@oakfield.test", Name: "Sam Staff", Role: lifeguard.RoleStaff, OrganisationID: org.ID},
		{Email: "lead@oakfield.test", Name: "Lee Lead", Role: lifeguard.RoleDSL, OrganisationID: org.ID},
	} {
		if _, err := db.CreateUser(sys, u); err != nil {
			t.Fatal(err)
		}
	}
	a := &ssoApp{db: db, clock: &skewClock{}, swap: &tokenSwap{}, org: org}
	svc := auth.New(db, auth.Config{Factors: db, Now: a.clock.Now})
	wb, err := web.New(web.Config{Logger: slog.New(slog.DiscardHandler), Auth: svc, Now: a.clock.Now,
		OIDC: oidc.New(&http.Client{Transport: a.swap, Timeout: 15 * time.Second}, a.clock.Now),
		Stores: web.Stores{Concerns: db, Children: db, Orgs: db, Preferences: db, Alerts: db, Transfers: db, Referrals: db, Reminders: db,
			Drafts: db, Audits: db, Plan: db, Reports: db, Filter: db, Outbox: db, Webhooks: db, Monitor: db, Providers: db, Policies: db, Directory: db, Retention: db, Rights: db, Consents: db, Training: db, Prevention: db}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	wb.Routes(mux)
	pages := wb.Handler(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/signin/sso/callback" {
			a.mu.Lock()
			a.callbacks = append(a.callbacks, r.URL.String())
			a.mu.Unlock()
		}
		pages.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	a.url = srv.URL
	a.op = startProvider(t, srv.URL+"/signin/sso/callback", []opUser{
		{ID: "u1", Username: "staff", Password: opPassword, FirstName: "Sam", LastName: "Staff", Email: "staff@oakfield.test", EmailVerified: true, PreferredLanguage: "en"},
		{ID: "u2", Username: "lead", Password: opPassword, FirstName: "Lee", LastName: "Lead", Email: "lead@oakfield.test", EmailVerified: true, PreferredLanguage: "en"},
		{ID: "u3", Username: "newcomer", Password: opPassword, FirstName: "Nia", LastName: "Newcomer", Email: "newcomer@oakfield.test", EmailVerified: true, PreferredLanguage: "en"},
	})
	a.swap.tokenURL = a.op.tokenURL
	a.provider, err = db.SaveSignInProvider(sys, lifeguard.SignInProvider{OrganisationID: org.ID, Name: "Oakfield accounts",
		Issuer: a.op.issuer, ClientID: "web", ClientSecret: "secret", Domains: []string{"oakfield.test"},
		CreateUsers: true, TrustMFA: true})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// ssoSignIn signs in through the provider from Lifeguard's sign-in page:
// the address, the provider's "Sign in with" page, then the provider's
// own sign-in form. It returns when the browser is back at Lifeguard.
func (b *browser) ssoSignIn(a *ssoApp, email, username string) {
	b.t.Helper()
	b.run(chromedp.Navigate(a.url+"/signin"), chromedp.WaitVisible("#email", chromedp.ByQuery),
		chromedp.SendKeys("#email", email, chromedp.ByQuery))
	b.submit("#sso")
	if !strings.Contains(b.location(), "/signin/sso/") {
		b.t.Fatalf("the address did not lead to its provider's page: %s\n%s", b.location(), b.text())
	}
	b.submit("#sso-continue")
	b.run(chromedp.WaitVisible("#username", chromedp.ByQuery),
		chromedp.SendKeys("#username", username, chromedp.ByQuery),
		chromedp.SendKeys("#password", opPassword, chromedp.ByQuery))
	b.submit(`button[type=submit]`)
	if !strings.HasPrefix(b.location(), a.url) {
		b.t.Fatalf("the provider did not send the browser back: %s\n%s", b.location(), a.op.logs)
	}
}

// refusals returns the reasons of the refusals journalled after seq.
func (a *ssoApp) refusals(t *testing.T, after int64) []string {
	t.Helper()
	es, err := a.db.JournalEntries(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), after, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range es {
		if e.Record == "sign_in_provider" && e.Action == "refuse" {
			out = append(out, e.Detail)
		}
	}
	return out
}

// journalHead is the sequence number of the journal's last entry.
func (a *ssoApp) journalHead(t *testing.T) int64 {
	t.Helper()
	var head int64
	for {
		es, err := a.db.JournalEntries(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), head, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) == 0 {
			return head
		}
		head = es[len(es)-1].Seq
	}
}
