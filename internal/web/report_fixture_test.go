package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/server"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

const reportPassword = "correct horse battery staple"

// reportFixture is the real server, pages and store over a SQLite file: one
// school with staff (two), a manager and a DSL, and a partnership officer
// (sqltest.Seed; School B is there, with no one in it). Every user is a
// demo account, which serve --demo exempts from the second factor, so the
// tests can sign them in without one; the auth service has no
// second-factor store.
type reportFixture struct {
	t     *testing.T
	url   string
	db    *sqlstore.DB
	users map[string]*lifeguard.User
	logs  *sqltest.Logs // no personal text may reach them
}

var reportProcedure = sync.OnceValues(func() (*procedure.Procedure, error) { return procedure.Load("", nil) })

func newReportFixture(t *testing.T) *reportFixture {
	t.Helper()
	ctx := t.Context()
	dir, err := os.MkdirTemp("", "lifeguard-web-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	db := sqltest.OpenConfig(t, sqlstore.Config{Path: filepath.Join(dir, "lifeguard.db")})
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	seeded := sqltest.Seed(t, db, "demo.test",
		// A placeholder hash that matches no password, replaced at once
		// through the service with a cheap one of the real password.
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		sqltest.Member{Key: "staff", Role: lifeguard.RoleStaff, Org: sqltest.SchoolA},
		sqltest.Member{Key: "staff2", Role: lifeguard.RoleStaff, Org: sqltest.SchoolA},
		sqltest.Member{Key: "manager", Role: lifeguard.RoleManager, Org: sqltest.SchoolA},
		sqltest.Member{Key: "dsl", Role: lifeguard.RoleDSL, Org: sqltest.SchoolA},
		sqltest.Member{Key: "partnership", Role: lifeguard.RolePartnership, Org: sqltest.Team})
	// Cheap hashes: the tests sign in many times, and the machine is small.
	svc := auth.New(db, auth.Config{Params: auth.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}})
	f := &reportFixture{t: t, db: db, users: seeded.Users, logs: &sqltest.Logs{}}
	for _, user := range f.users {
		if err := svc.SetPassword(sys, user.ID, reportPassword); err != nil {
			t.Fatal(err)
		}
	}
	proc, err := reportProcedure()
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewJSONHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	var demoIDs []int64 // the fixture's users pass without a second factor, as demo accounts do
	for _, u := range f.users {
		demoIDs = append(demoIDs, u.ID)
	}
	wb, err := New(Config{Stores: Stores{Concerns: db, Children: db, Orgs: db, Preferences: db, Alerts: db, Transfers: db, Referrals: db,
		Reminders: db, Drafts: db, Audits: db, Plan: db, Reports: db, Filter: db, Outbox: db, Webhooks: db, Monitor: db, Providers: db, Policies: db, Directory: db, Retention: db, Rights: db, Consents: db, Training: db, Prevention: db}, Auth: svc, Procedure: proc,
		Logger: logger, Demo: true, DemoAccounts: demoIDs})
	if err != nil {
		t.Fatal(err)
	}
	srv := server.New(server.Config{Addr: "127.0.0.1:0", Logger: logger, Auth: svc, Pages: wb})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	f.url = ts.URL
	return f
}

// browser is a signed-in (or signed-out) visitor with its own cookies. It
// does not follow redirects, so tests see them.
type reportBrowser struct {
	t      *testing.T
	f      *reportFixture
	client *http.Client
}

func (f *reportFixture) visitor() *reportBrowser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		f.t.Fatal(err)
	}
	return &reportBrowser{t: f.t, f: f, client: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// signIn signs in as the fixture's user key.
func (f *reportFixture) signIn(key string) *reportBrowser {
	f.t.Helper()
	b := f.visitor()
	res := b.post("/signin", url.Values{"email": {f.users[key].Email}, "password": {reportPassword}})
	if res.status != http.StatusSeeOther {
		f.t.Fatalf("sign in as %s: %d\n%s", key, res.status, res.body)
	}
	return b
}

type reportPage struct {
	status   int
	header   http.Header
	body     string
	location string
}

func (b *reportBrowser) do(req *http.Request) reportPage {
	b.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return reportPage{status: res.StatusCode, header: res.Header, body: string(body), location: res.Header.Get("Location")}
}

func (b *reportBrowser) get(path string) reportPage {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), http.MethodGet, b.f.url+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form as a browser sends it from one of Lifeguard's own pages.
func (b *reportBrowser) post(path string, form url.Values) reportPage {
	b.t.Helper()
	return b.postFrom(path, form, "same-origin")
}

func (b *reportBrowser) postFrom(path string, form url.Values, site string) reportPage {
	b.t.Helper()
	req, err := http.NewRequestWithContext(b.t.Context(), http.MethodPost, b.f.url+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", site)
	return b.do(req)
}

func (r reportPage) wantStatus(t *testing.T, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
}

func (r reportPage) wantIn(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(r.body, s) {
			t.Errorf("page lacks %q", s)
		}
	}
}

func (r reportPage) wantNotIn(t *testing.T, texts ...string) {
	t.Helper()
	for _, s := range texts {
		if strings.Contains(r.body, s) {
			t.Errorf("page has %q", s)
		}
	}
}

// noFileInput fails if a page could take a file.
func (r reportPage) noFileInput(t *testing.T) {
	t.Helper()
	low := strings.ToLower(r.body)
	if strings.Contains(low, `type="file"`) || strings.Contains(low, "multipart/form-data") {
		t.Errorf("page has a file input or a multipart form:\n%s", r.body)
	}
}
