package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/api"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/framework"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/server"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// fixture is a real server over a real SQLite file: a partnership with two
// schools and a partnership team, a user of every role, and an API token
// for each, so tests go through HTTP exactly as a client would.
type fixture struct {
	t      testing.TB
	url    string
	db     *sqlstore.DB
	tokens map[string]string
	users  map[string]*lifeguard.User
	orgA   *lifeguard.Organisation
	orgB   *lifeguard.Organisation
	logs   *sqltest.Logs
	spec   *specChecker
	fw     *lifeguard.Framework
}

// The roles of the fixture's users. staff reports the concerns the tests
// act on; staff2 and manager work in the same school but did not report them;
// filter is school A's DNS filter's account.
var fixtureRoles = []string{"none", "staff", "staff2", "manager", "dsl", "dslB", "partnership", "admin", "filter"}

var hashOnce = sync.OnceValues(func() (string, error) { return auth.HashPassword("correct horse battery staple") })

func newFixture(t testing.TB) *fixture {
	t.Helper()
	// Not t.TempDir: a fuzz test's name puts "#" in that path, which a
	// SQLite file name cannot hold.
	dir, err := os.MkdirTemp("", "lifeguard-api-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return newFixtureOn(t, sqlstore.Config{Path: filepath.Join(dir, "lifeguard.db")})
}

// newFixtureOn is newFixture on the store cfg opens: a SQLite file, or a
// PostgreSQL database (pgtest.Database) for the tests that must give the
// same answers on both engines.
func newFixtureOn(t testing.TB, cfg sqlstore.Config) *fixture {
	t.Helper()
	ctx := t.Context()
	db := sqltest.OpenConfig(t, cfg)
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	hash, err := hashOnce()
	if err != nil {
		t.Fatal(err)
	}
	seeded := sqltest.Seed(t, db, "test.example", hash,
		sqltest.Member{Key: "staff", Role: "staff", Org: sqltest.SchoolA},
		sqltest.Member{Key: "staff2", Role: "staff", Org: sqltest.SchoolA},
		sqltest.Member{Key: "manager", Role: "manager", Org: sqltest.SchoolA},
		sqltest.Member{Key: "dsl", Role: "dsl", Org: sqltest.SchoolA},
		sqltest.Member{Key: "dslB", Role: "dsl", Org: sqltest.SchoolB},
		sqltest.Member{Key: "partnership", Role: "partnership", Org: sqltest.Team},
		sqltest.Member{Key: "admin", Role: "admin", Org: sqltest.Team},
		sqltest.Member{Key: "filter", Role: "filter", Org: sqltest.SchoolA},
		sqltest.Member{Key: "monitor", Role: "monitor", Org: sqltest.SchoolA})
	f := &fixture{t: t, db: db, tokens: map[string]string{}, users: seeded.Users, logs: &sqltest.Logs{},
		orgA: seeded.OrgA, orgB: seeded.OrgB}
	svc := auth.New(db, auth.Config{})
	// In the order of fixtureRoles, so that the tokens' ids are the same on
	// every run.
	for _, key := range append(fixtureRoles[1:], "monitor") {
		plain, _, err := svc.CreateToken(sys, f.users[key].ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens[key] = plain
	}
	if _, err := db.SetFilterPolicy(sys, f.orgA.ID, []byte(`{"groups":{"secondary":{"categories":["gambling"]}}}`)); err != nil {
		t.Fatal(err)
	}
	proc, err := procedure.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	fw, err := framework.Baseline()
	if err != nil {
		t.Fatal(err)
	}
	f.fw = fw
	logger := slog.New(slog.NewJSONHandler(f.logs, nil))
	srv := server.New(server.Config{Addr: "127.0.0.1:0", Logger: logger, Auth: svc,
		API: &api.API{Concerns: db, Children: db, Orgs: db, Triager: proc, Filter: db, Webhooks: db, Referrals: db, Calendar: proc.Calendar(), Logger: logger,
			Monitor: db, Scan: captureScanner(t), Audits: db, Plan: db, Framework: fw, Policies: db, Rights: db, Consents: db, Training: db, Directory: db, Procedure: proc, Prevention: db, Retention: db,
			HashPassword: auth.HashPassword, CheckPassword: auth.CheckPassword}})
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	f.url = ts.URL
	f.spec = newSpecChecker(t)
	return f
}

// response is what a call returned.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, r.body)
	}
}

// call makes a request as the role ("none" sends no token) to the route
// (an OpenAPI path such as /concerns/{id}) with path filled in, and checks
// the response against the OpenAPI document.
func (f *fixture) call(role, method, route, path, body string) response {
	f.t.Helper()
	ct := ""
	if body != "" {
		ct = "application/json"
	}
	return f.callWith(role, method, route, path, body, ct)
}

func (f *fixture) callWith(role, method, route, path, body, contentType string) response {
	f.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(f.t.Context(), method, f.url+"/api/v1"+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if tok := f.tokens[role]; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	switch {
	case route == "":
	case strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv"):
		f.spec.declaresCSV(f.t, method, route, res.StatusCode)
	default:
		f.spec.check(f.t, method, route, res.StatusCode, b)
	}
	return response{status: res.StatusCode, header: res.Header, body: b}
}

const grooming = `{"setting":"school","concern_types":["grooming"],"child":{"age":12},"child_role":"victim","parties":{"adult_involved":true},"description":"A man in a game chat asked her to move to a private app."}`

// concern records a concern as the role and returns its id and child id.
func (f *fixture) concern(role string) (id, child int64) {
	f.t.Helper()
	r := f.call(role, "POST", "/concerns", "/concerns", grooming)
	if r.status != http.StatusCreated {
		f.t.Fatalf("create concern as %s: %d %s", role, r.status, r.body)
	}
	var c lifeguard.Concern
	r.decode(f.t, &c)
	return c.ID, *c.ChildID
}

// as is the context of the fixture user of the role, to set up records
// through the store for the tests of the endpoints that read them.
func (f *fixture) as(role string) context.Context {
	u := f.users[role]
	return lifeguard.WithActor(f.t.Context(), &lifeguard.Actor{UserID: u.ID, Role: u.Role,
		OrganisationID: u.OrganisationID, PartnershipID: u.PartnershipID, Via: "token"})
}

// alert raises a new alert in school A from one self-harm attempt by a
// device of its own, and returns its id.
func (f *fixture) alert(id string) int64 {
	f.t.Helper()
	client := "fd00::" + strings.TrimLeft(id[len(id)-8:], "0")
	if _, err := f.db.RecordFilterEvents(f.as("filter"), []lifeguard.FilterEvent{{ID: id, Time: time.Now().Add(-time.Minute),
		Client: client, Name: "harm.example", Category: "self_harm"}}); err != nil {
		f.t.Fatal(err)
	}
	alerts, err := f.db.FilterAlerts(f.as("dsl"), lifeguard.FilterOpen)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, a := range alerts {
		if a.Client == client {
			return a.ID
		}
	}
	f.t.Fatalf("no alert for %s", client)
	return 0
}

// review records a new review request in school A and returns its id.
func (f *fixture) review(id string) int64 {
	f.t.Helper()
	r, _, err := f.db.RecordFilterReview(f.as("filter"), lifeguard.NewFilterReview{FilterAttempt: lifeguard.FilterAttempt{
		ID: id, Time: time.Now().Add(-time.Minute), Client: "10.0.0.7", Name: "chess.example", Category: "games"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.ID
}
