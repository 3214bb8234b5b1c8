package web_test

import (
	"context"
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
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// dslFixture is the pages over a real SQLite store: a partnership with two
// schools, a user of each role that matters to the safeguarding lead's
// pages, and one clock for the store, sign-in and the pages, which tests
// move on to make deadlines pass.
type dslFixture struct {
	// demoPending is what the pages are told of the demo's history
	// (web.Config.DemoPending).
	demoPending atomic.Bool
	t           testing.TB
	url         string
	db          *sqlstore.DB
	svc         *auth.Service
	proc        *procedure.Procedure
	clock       *dslClock
	users       map[string]*lifeguard.User
	orgA        *lifeguard.Organisation
	orgB        *lifeguard.Organisation
	clients     map[string]*http.Client
	logs        *sqltest.Logs
	// secrets are the second factors users set up through the pages.
	secrets map[string]string
}

// dslStart is a Wednesday morning in term, when UK time is UTC.
var dslStart = time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)

type dslClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *dslClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *dslClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

const dslPassword = "correct horse battery staple"

// dslParams are argon2id parameters cheap enough for tests under -race.
var dslParams = auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func dslHash(t testing.TB) string {
	salt := make([]byte, dslParams.SaltLen)
	rand.Read(salt)
	key := argon2.IDKey([]byte(dslPassword), salt, dslParams.Time, dslParams.Memory, dslParams.Threads, dslParams.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, dslParams.Memory, dslParams.Time,
		dslParams.Threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// dslRoles are the fixture's users: staff reports the concerns the tests
// act on; dsl is the DSL of School A; dslB of School B.
var dslRoles = []sqltest.Member{
	{Key: "staff", Role: lifeguard.RoleStaff, Org: sqltest.SchoolA},
	{Key: "staff2", Role: lifeguard.RoleStaff, Org: sqltest.SchoolA},
	{Key: "dsl", Role: lifeguard.RoleDSL, Org: sqltest.SchoolA},
	{Key: "dslB", Role: lifeguard.RoleDSL, Org: sqltest.SchoolB},
	{Key: "alertsadmin", Role: lifeguard.RoleAdmin, Org: sqltest.Team}, // TestAlertsPage
}

// newDSLFixture starts the pages. tweak, when not nil, changes the stores
// the pages use (see transfer_test.go).
func newDSLFixture(t testing.TB, tweak func(*sqlstore.DB, *web.Stores)) *dslFixture {
	t.Helper()
	return newDSLFixtureOn(t, "", tweak)
}

// newDSLFixtureOn is newDSLFixture on the PostgreSQL database dsn
// (pgtest.Database), or on a SQLite file when dsn is empty.
func newDSLFixtureOn(t testing.TB, dsn string, tweak func(*sqlstore.DB, *web.Stores)) *dslFixture {
	t.Helper()
	ctx := t.Context()
	clock := &dslClock{t: dslStart}
	cfg := sqlstore.Config{DSN: dsn, Now: clock.Now}
	if dsn == "" {
		dir, err := os.MkdirTemp("", "lifeguard-web-")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.RemoveAll(dir) })
		cfg.Path = filepath.Join(dir, "lifeguard.db")
	}
	db := sqltest.OpenConfig(t, cfg)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seeded := sqltest.Seed(t, db, "demo.test", dslHash(t), dslRoles...)
	f := &dslFixture{t: t, db: db, clock: clock, users: seeded.Users, clients: map[string]*http.Client{},
		logs: &sqltest.Logs{}, secrets: map[string]string{}, orgA: seeded.OrgA, orgB: seeded.OrgB}
	var err error
	f.svc = auth.New(db, auth.Config{Now: clock.Now, Params: dslParams, Factors: db, SessionIdle: 30 * 24 * time.Hour, SessionMax: 60 * 24 * time.Hour})
	if f.proc, err = procedure.Load("", nil); err != nil {
		t.Fatal(err)
	}
	stores := web.Stores{Concerns: db, Children: db, Orgs: db, Preferences: db, Alerts: db, Transfers: db, Referrals: db, Reminders: db,
		Drafts: db, Audits: db, Plan: db, Reports: db, Filter: db, Outbox: db, Webhooks: db, Monitor: db, Providers: db, Policies: db, Directory: db, Retention: db, Rights: db, Consents: db, Training: db, Prevention: db}
	if tweak != nil {
		tweak(db, &stores)
	}
	// The fixture's own users pass without a second factor, as serve
	// --demo's accounts do; users a test adds later go through it (client).
	var demoIDs []int64
	for _, u := range f.users {
		demoIDs = append(demoIDs, u.ID)
	}
	// The procedure in force is read per request, as serve does, so that a
	// directory version saved in a test applies to its pages.
	wb, err := web.New(web.Config{Stores: stores, Auth: f.svc, Procedure: f.proc, Live: &procedure.Live{Base: f.proc, Store: db},
		Now: clock.Now, Demo: true,
		DemoAccounts: demoIDs, DemoPending: f.demoPending.Load, Logger: slog.New(slog.NewJSONHandler(f.logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	wb.Routes(mux)
	ts := httptest.NewServer(wb.Handler(mux))
	t.Cleanup(ts.Close)
	f.url = ts.URL
	return f
}

// client returns a browser signed in as the user: a cookie jar, and no
// following of redirects, so tests see each 303.
func (f *dslFixture) client(who string) *http.Client {
	f.t.Helper()
	if c, ok := f.clients[who]; ok {
		return c
	}
	c := f.signInAs(who + "@demo.test")
	f.clients[who] = c
	return c
}

// signInAs signs in with an email, through the second factor when the
// user needs one, and returns the browser.
func (f *dslFixture) signInAs(email string) *http.Client {
	f.t.Helper()
	who := email
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(f.url+"/signin", url.Values{"email": {email}, "password": {dslPassword}})
	if err != nil {
		f.t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		f.t.Fatalf("sign in as %s: %d", who, res.StatusCode)
	}
	f.passSecondFactor(c, who, res.Header.Get("Location"))
	return c
}

// passSecondFactor takes a signed-in browser through the second factor
// when sign-in led there: setting one up from the page, as an
// authenticator app would, or giving the code of the one set up before.
func (f *dslFixture) passSecondFactor(c *http.Client, who, location string) {
	f.t.Helper()
	switch {
	case strings.HasPrefix(location, "/account/second-factor"):
		p := f.read(f.must(c.Get(f.url + "/account/second-factor")))
		secret := regexp1(p.body, `id="secret">([A-Z2-7]+)<`)
		p = f.read(f.must(c.PostForm(f.url+"/account/second-factor", url.Values{"secret": {secret},
			"code": {totpAt(f.t, secret, f.clock.Now())}})))
		if p.status != http.StatusOK || !strings.Contains(p.body, "recovery") {
			f.t.Fatalf("setting up %s's second factor: %d\n%s", who, p.status, p.body)
		}
		f.secrets[who] = secret
	case strings.HasPrefix(location, "/signin/second-factor"):
		secret := f.secrets[who]
		if secret == "" {
			f.t.Fatalf("%s has a second factor the fixture did not set up", who)
		}
		// A code not used before: the step after the last one.
		f.clock.Advance(30 * time.Second)
		p := f.read(f.must(c.PostForm(f.url+"/signin/second-factor", url.Values{"code": {totpAt(f.t, secret, f.clock.Now())}})))
		if p.status != http.StatusSeeOther {
			f.t.Fatalf("%s's second factor: %d\n%s", who, p.status, p.body)
		}
	}
}

func (f *dslFixture) must(res *http.Response, err error) *http.Response {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	return res
}

// totpAt is the code an authenticator app shows for secret at the time.
func totpAt(t testing.TB, secret string, at time.Time) string {
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
	return fmt.Sprintf("%06d", (binary.BigEndian.Uint32(sum[off:off+4])&0x7fffffff)%1_000_000)
}

// dslPage is a response: its status, body and where it redirects.
type dslPage struct {
	status   int
	body     string
	location string
}

func (f *dslFixture) get(who, path string) dslPage {
	f.t.Helper()
	res, err := f.client(who).Get(f.url + path)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.read(res)
}

func (f *dslFixture) post(who, path string, form url.Values) dslPage {
	f.t.Helper()
	res, err := f.client(who).PostForm(f.url+path, form)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.read(res)
}

// postThen posts a form that must succeed, and returns the page it
// redirects to.
func (f *dslFixture) postThen(who, path string, form url.Values) dslPage {
	f.t.Helper()
	p := f.post(who, path, form)
	if p.status != http.StatusSeeOther {
		f.t.Fatalf("POST %s as %s: %d, want 303\n%s", path, who, p.status, p.body)
	}
	return f.get(who, p.location)
}

func (f *dslFixture) read(res *http.Response) dslPage {
	f.t.Helper()
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	return dslPage{status: res.StatusCode, body: string(b), location: res.Header.Get("Location")}
}

// ctx is a context acting as the user, for setting up records in the
// store.
func (f *dslFixture) ctx(who string) context.Context {
	return lifeguard.WithActor(f.t.Context(), f.svc.Actor(f.users[who], "session"))
}

// childRef is the reference of a concern's child.
func (f *dslFixture) childRef(c *lifeguard.Concern) string {
	f.t.Helper()
	ch, err := f.db.Child(f.ctx("dsl"), *c.ChildID)
	if err != nil {
		f.t.Fatal(err)
	}
	return ch.Ref
}

// regexp1 returns the first group of the pattern's first match in s.
func regexp1(s, pattern string) string {
	m := regexp.MustCompile(pattern).FindStringSubmatch(s)
	if m == nil {
		return ""
	}
	return m[1]
}

// concern records a concern as the user, with the facts in JSON (without
// reported_at) reported at the time given.
func (f *dslFixture) concern(who, facts string, reported time.Time) *lifeguard.Concern {
	f.t.Helper()
	return f.concernOf(who, facts, reported, 0)
}

// concernOf records a concern about a child already recorded.
func (f *dslFixture) concernOf(who, facts string, reported time.Time, child int64) *lifeguard.Concern {
	f.t.Helper()
	fs, err := factsjson.DecodeFacts([]byte(facts), factsjson.DecodeOptions{ReportedAt: reported})
	if err != nil {
		f.t.Fatal(err)
	}
	ctx := f.ctx(who)
	tr, err := f.proc.Triage(ctx, fs)
	if err != nil {
		f.t.Fatal(err)
	}
	c, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: *fs, Triage: *tr, ChildID: child})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// reload reads a concern from the store as the DSL.
func (f *dslFixture) reload(id int64) *lifeguard.Concern {
	f.t.Helper()
	c, err := f.db.Concern(f.ctx("dsl"), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

const (
	dslGrooming  = `{"setting":"school","concern_types":["grooming"],"child":{"age":12},"child_role":"victim","parties":{"adult_involved":true},"description":"A man in a game chat asked her to move to a private app."}`
	dslBullying  = `{"setting":"school","concern_types":["cyberbullying"],"child":{"age":13},"child_role":"victim","parties":{"peer_involved":true},"description":"Group chat messages."}`
	dslGambling  = `{"setting":"school","concern_types":["gambling"],"child":{"age":15},"child_role":"victim","description":"Loot boxes bought with a parent's card."}`
	dslNudes     = `{"setting":"school","concern_types":["nudes_sharing"],"child":{"age":15},"child_role":"victim","parties":{"peer_involved":true},"images":{"involved":true,"self_generated":true},"description":"An image shared between two pupils."}`
	dslMisinfo   = `{"setting":"school","concern_types":["misinformation"],"child":{"age":14},"child_role":"victim","description":"Conspiracy videos."}`
	dslStaffOnly = `{"setting":"school","concern_types":["professional_targeted"],"description":"A teacher impersonated on a social network."}`
)

// pageTitle is the text of the page's <title>.
func pageTitle(body string) string {
	m := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// mustContain fails the test for each string the page lacks.
func mustContain(t *testing.T, p dslPage, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, p dslPage, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(p.body, w) {
			t.Errorf("page has %q", w)
		}
	}
}

// checkPage checks what every page of the safeguarding lead must be: no
// file input, no inline script or style, every input labelled, headings
// in order.
func checkPage(t *testing.T, p dslPage) {
	t.Helper()
	body := p.body
	for _, bad := range []string{`type="file"`, "<script", "<style", " style=", "enctype="} {
		if strings.Contains(body, bad) {
			t.Errorf("page has %s", bad)
		}
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(` id="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		if ids[m[1]] {
			t.Errorf("id %q is used twice", m[1])
		}
		ids[m[1]] = true
	}
	labels := map[string]bool{}
	for _, m := range regexp.MustCompile(`<label for="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		labels[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`).FindAllStringSubmatch(body, -1) {
		tag := m[0]
		if strings.Contains(tag, `type="hidden"`) {
			continue
		}
		id := regexp.MustCompile(` id="([^"]+)"`).FindStringSubmatch(tag)
		if id == nil || !labels[id[1]] {
			t.Errorf("field without a label: %s", tag)
		}
	}
	for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(body, -1) {
		// A browser finds the element of a percent-encoded fragment by
		// its decoded id (escalation_list%5b0%5d is escalation_list[0]).
		if frag, err := url.PathUnescape(m[1]); err == nil {
			m[1] = frag
		}
		if m[1] != "main" && !ids[m[1]] {
			t.Errorf("link to #%s, which is not on the page", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`aria-describedby="([^"]+)"`).FindAllStringSubmatch(body, -1) {
		for _, id := range strings.Fields(m[1]) {
			if !ids[id] {
				t.Errorf("aria-describedby names %q, which is not on the page", id)
			}
		}
	}
	level := 0
	for _, m := range regexp.MustCompile(`<h([1-6])\b`).FindAllStringSubmatch(body, -1) {
		n := int(m[1][0] - '0')
		if n > level+1 {
			t.Errorf("heading h%d follows h%d", n, level)
		}
		level = n
	}
}
