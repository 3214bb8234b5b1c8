package server_test

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/api"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/server"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// The second-factor bypass, attacked from outside: an intruder who knows
// the password of a user with a second factor signs in with it, then tries
// every page, every form and every API route with the session cookie. Only
// the code prompt, sign-out and the public pages may answer; nothing else
// may show content, and no new factor may be enrolled.

const attackPassword = "correct horse battery staple"

// attackParams are argon2id parameters cheap enough for tests under -race.
var attackParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

// A real secret for each victim, enrolled before the attack.
const victimSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

// routesIn reads the patterns registered on a mux in a Go file: every
// mux.Handle and mux.HandleFunc, so that a route added there is attacked
// here without anyone remembering to.
func routesIn(t *testing.T, file string) []string {
	t.Helper()
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range regexp.MustCompile(`mux\.Handle(?:Func)?\("([^"]+)"`).FindAllStringSubmatch(string(src), -1) {
		out = append(out, m[1])
	}
	if len(out) < 10 {
		t.Fatalf("only %d routes found in %s: has the way routes are registered changed?", len(out), file)
	}
	return out
}

// requests turns a pattern into the requests that try it: its method (GET
// and POST when it has none), wildcards filled with the id of a real
// record, and every POST both empty and with a form full of plausible
// fields.
func requests(pattern string, form url.Values) []attackRequest {
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		method, path = "", pattern
	}
	if path == "/" {
		path = "/no-such-page" // the catch-all, not the home page
	}
	path = strings.ReplaceAll(path, "{$}", "")
	path = regexp.MustCompile(`\{[a-z]+\.*\}`).ReplaceAllString(path, "1")
	var out []attackRequest
	for _, m := range []string{"GET", "POST", "PUT"} {
		if method != "" && m != method || method == "" && m == "PUT" {
			continue
		}
		out = append(out, attackRequest{pattern: pattern, method: m, path: path})
		if m != "GET" {
			out = append(out, attackRequest{pattern: pattern, method: m, path: path, form: form})
		}
	}
	return out
}

type attackRequest struct {
	pattern, method, path string
	form                  url.Values
}

func (r attackRequest) String() string {
	if r.form != nil {
		return r.method + " " + r.path + " (with fields)"
	}
	return r.method + " " + r.path
}

// totpNow is the code an authenticator app shows for secret at t.
func totpNow(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], uint64(at.Unix()/30))
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	n := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	return fmt.Sprintf("%06d", n%1_000_000)
}

type attackFixture struct {
	url   string
	db    *sqlstore.DB
	users map[lifeguard.Role]*lifeguard.User
}

// newAttackFixture is the whole server, pages and API, over a real SQLite
// file, with a DSL, a partnership officer and an administrator who each
// have a second factor.
func newAttackFixture(t *testing.T) *attackFixture {
	t.Helper()
	db := sqltest.Migrated(t, sqltest.SQLite)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	svc := auth.New(db, auth.Config{Params: attackParams, Factors: db})
	hash, err := hashWith(attackPassword)
	if err != nil {
		t.Fatal(err)
	}
	roles := []lifeguard.Role{lifeguard.RoleDSL, lifeguard.RolePartnership, lifeguard.RoleAdmin, lifeguard.RoleStaff}
	var members []sqltest.Member
	for _, role := range roles {
		members = append(members, sqltest.Member{Key: string(role), Role: role, Org: sqltest.SchoolA})
	}
	seeded := sqltest.Seed(t, db, "school.example", hash, members...)
	f := &attackFixture{db: db, users: map[lifeguard.Role]*lifeguard.User{}}
	for _, role := range roles {
		u := seeded.Users[string(role)]
		f.users[role] = u
		if role != lifeguard.RoleStaff {
			if err := db.EnrolSecondFactor(sys, u.ID, lifeguard.SecondFactor{Secret: victimSecret}); err != nil {
				t.Fatal(err)
			}
		}
	}
	proc, err := procedure.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	srv := server.New(server.Config{Addr: "127.0.0.1:0", Logger: logger, Auth: svc,
		Pages: server.PagesOver(t, db, svc, proc),
		API: &api.API{Concerns: db, Children: db, Orgs: db, Triager: proc, Filter: db,
			HashPassword: auth.HashPassword, CheckPassword: auth.CheckPassword, Logger: logger}})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	f.url = ts.URL
	return f
}

// hashWith hashes a password with the cheap test parameters, in the
// encoding the auth package reads.
func hashWith(pw string) (string, error) {
	p := attackParams
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// browser is a cookie jar that does not follow redirects.
func (f *attackFixture) browser(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func (f *attackFixture) do(t *testing.T, c *http.Client, r attackRequest) (int, string, string) {
	t.Helper()
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	req, err := http.NewRequest(r.method, f.url+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(b)
}

// TestSecondFactorCannotBeBypassed is the attack.
func TestSecondFactorCannotBeBypassed(t *testing.T) {
	f := newAttackFixture(t)
	webRoutes := routesIn(t, "../web/routes.go")
	apiRoutes := routesIn(t, "../api/api.go")

	// The doors that may open before the second factor, and how.
	public := map[string]func(status int, loc string) bool{
		"GET /static/{name}": func(s int, _ string) bool { return s == 404 }, // no asset is named "1"
		"GET /{$}":           func(s int, loc string) bool { return s == 303 },
		"GET /signin":        func(s int, _ string) bool { return s == 200 },
		// Signing in again with the password (the form full of fields
		// holds it) leads to the prompt again.
		"POST /signin": func(s int, loc string) bool {
			return s == 401 || s == 303 && strings.HasPrefix(loc, "/signin/second-factor")
		},
		"GET /help": func(s int, _ string) bool { return s == 200 },
		// Single sign-on's doors (docs/sign-in.md) are sign-in pages too:
		// the fixture has no provider, so each answers its refusal.
		"POST /signin/sso":         func(s int, _ string) bool { return s == 422 },
		"GET /signin/sso/{id}":     func(s int, _ string) bool { return s == 404 },
		"POST /signin/sso/{id}":    func(s int, _ string) bool { return s == 404 },
		"GET /signin/sso/callback": func(s int, _ string) bool { return s == 401 },
		// What browsers and crawlers fetch of every site.
		"GET /robots.txt":  func(s int, _ string) bool { return s == 200 },
		"GET /favicon.ico": func(s int, _ string) bool { return s == 200 },
		"/":                func(s int, _ string) bool { return s == 404 },
		// The prompt itself: the form, and a refusal of a wrong code.
		"GET /signin/second-factor":  func(s int, _ string) bool { return s == 200 },
		"POST /signin/second-factor": func(s int, _ string) bool { return s == 401 },
		// Sign-out is tried last, separately.
		"POST /signout": nil,
	}
	for pattern := range public {
		if !containsString(webRoutes, pattern) {
			t.Errorf("the table names %q, which routes.go no longer registers", pattern)
		}
	}

	for _, role := range []lifeguard.Role{lifeguard.RoleDSL, lifeguard.RolePartnership, lifeguard.RoleAdmin} {
		t.Run(string(role), func(t *testing.T) {
			u := f.users[role]
			c := f.browser(t)
			status, loc, _ := f.do(t, c, attackRequest{method: "POST", path: "/signin",
				form: url.Values{"email": {u.Email}, "password": {attackPassword}}})
			if status != 303 || !strings.HasPrefix(loc, "/signin/second-factor") {
				t.Fatalf("password sign-in: %d to %q; want 303 to the code prompt", status, loc)
			}
			// The intruder's own authenticator: a fresh secret and its
			// valid code, the enrolment the attack tries to slip in.
			mine, _ := auth.NewTOTPSecret(u.Email)
			form := url.Values{
				"secret": {mine}, "code": {totpNow(t, mine, time.Now())}, "current": {"000000"},
				"next": {"/inbox"}, "body": {"x"}, "text": {"x"}, "note": {"x"}, "route": {"CSC"},
				"decision": {"referred"}, "reason": {"x"}, "title": {"x"}, "due": {"2030-01-01"},
				"email": {u.Email}, "password": {attackPassword}, "status": {"done"}, "rating": {"good"},
			}
			var attacks []attackRequest
			for _, p := range webRoutes {
				if p != "POST /signout" {
					attacks = append(attacks, requests(p, form)...)
				}
			}
			for _, r := range attacks {
				status, loc, body := f.do(t, c, r)
				if ok, listed := public[r.pattern]; listed {
					if !ok(status, loc) {
						t.Errorf("%s: %d to %q", r, status, loc)
					}
					continue
				}
				if status != 303 || loc != "/signin/second-factor" {
					t.Errorf("%s opened before the second factor: %d to %q\n%.300s", r, status, loc, body)
				}
			}
			// The API knows bearer tokens only: with the cookie, every
			// route but the public OpenAPI document answers an error (401,
			// or a refusal of the request's shape made before it looks
			// for a token), never data.
			for _, p := range apiRoutes {
				for _, r := range requests(p, form) {
					status, _, body := f.do(t, c, r)
					switch {
					case p == "GET /api/v1/openapi.json":
					case r.path == "/api/v1/me" && status != 401:
						t.Errorf("API %s with the session cookie: %d, want 401", r, status)
					case status < 400:
						t.Errorf("API %s with the session cookie: %d\n%.300s", r, status, body)
					}
				}
			}

			// Nothing was enrolled or passed: the victim's factor is theirs.
			sf, err := f.db.SecondFactor(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), u.ID)
			if err != nil || sf.Secret != victimSecret {
				t.Fatalf("the victim's second factor was replaced: %v", err)
			}
			if status, loc, _ := f.do(t, c, attackRequest{method: "GET", path: "/account/settings"}); status != 303 ||
				loc != "/signin/second-factor" {
				t.Errorf("after the attack, the settings page: %d to %q", status, loc)
			}

			// Sign-out works and ends the session.
			if status, loc, _ := f.do(t, c, attackRequest{method: "POST", path: "/signout"}); status != 303 || loc != "/signin" {
				t.Errorf("sign-out: %d to %q", status, loc)
			}
			if status, loc, _ := f.do(t, c, attackRequest{method: "GET", path: "/signin/second-factor"}); status != 303 ||
				!strings.HasPrefix(loc, "/signin") || strings.HasPrefix(loc, "/signin/second-factor") {
				t.Errorf("after sign-out, the prompt: %d to %q; want the sign-in page", status, loc)
			}
		})
	}

	// The control: with the victim's code, the same path opens. Without
	// it the test above could pass against a server that opens nothing.
	t.Run("with the code", func(t *testing.T) {
		u := f.users[lifeguard.RoleDSL]
		c := f.browser(t)
		f.do(t, c, attackRequest{method: "POST", path: "/signin", form: url.Values{"email": {u.Email}, "password": {attackPassword}}})
		status, loc, _ := f.do(t, c, attackRequest{method: "POST", path: "/signin/second-factor",
			form: url.Values{"code": {totpNow(t, victimSecret, time.Now())}}})
		if status != 303 || loc != "/inbox" {
			t.Fatalf("the right code: %d to %q", status, loc)
		}
		if status, _, _ := f.do(t, c, attackRequest{method: "GET", path: "/inbox"}); status != 200 {
			t.Errorf("the inbox after the code: %d", status)
		}
	})
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestSignInOddEmails: an email far too long, or with a NUL or invalid
// UTF-8 in it, gets the ordinary refusal, never a server error.
func TestSignInOddEmails(t *testing.T) {
	f := newAttackFixture(t)
	for name, email := range map[string]string{
		"300,000 characters": strings.Repeat("a", 300_000) + "@school.example",
		"NUL":                "dsl\x00@school.example",
		"NUL after a user's": "dsl@school.example\x00",
		"invalid UTF-8":      "dsl\xff@school.example",
	} {
		t.Run(name, func(t *testing.T) {
			status, _, body := f.do(t, f.browser(t), attackRequest{method: "POST", path: "/signin",
				form: url.Values{"email": {email}, "password": {attackPassword}}})
			if status != http.StatusUnauthorized || !strings.Contains(body, "The email address or password is not right.") {
				t.Errorf("%d\n%.500s", status, body)
			}
		})
	}
}
