package attach_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/api"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/filter/attach"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/server"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// lifeguardServer is a real Lifeguard server over a real SQLite file, in
// this process, that a test can stop and start again on the same address.
type lifeguardServer struct {
	t       *testing.T
	path    string
	db      *sqlstore.DB
	handler http.Handler
	addr    string
	token   string
	org     int64
	dsl     *lifeguard.User
	filter  *lifeguard.User

	mu     sync.Mutex
	srv    *http.Server
	served chan struct{}
}

func newLifeguard(t *testing.T) *lifeguardServer {
	t.Helper()
	ctx := t.Context()
	s := &lifeguardServer{t: t, path: filepath.Join(t.TempDir(), "lifeguard.db")}
	db := sqltest.OpenConfig(t, sqlstore.Config{Path: s.path})
	s.db = db
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	if err := db.Migrate(sys); err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePartnership(sys, "P")
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: p.ID, Name: "Riverside", Setting: "school"})
	if err != nil {
		t.Fatal(err)
	}
	s.org = o.ID
	if s.filter, err = db.CreateUser(sys, lifeguard.NewUser{Email: "filter@riverside.example", Name: "Riverside's filter",
		Role: lifeguard.RoleFilter, OrganisationID: o.ID}); err != nil {
		t.Fatal(err)
	}
	if s.dsl, err = db.CreateUser(sys, lifeguard.NewUser{Email: "dsl@riverside.example", Name: "DSL",
		Role: lifeguard.RoleDSL, OrganisationID: o.ID}); err != nil {
		t.Fatal(err)
	}
	svc := auth.New(db, auth.Config{})
	if s.token, _, err = svc.CreateToken(sys, s.filter.ID, "filter"); err != nil {
		t.Fatal(err)
	}
	proc, err := procedure.Load("", nil)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	s.handler = server.New(server.Config{Logger: logger, Auth: svc,
		API: &api.API{Concerns: db, Children: db, Orgs: db, Triager: proc, Filter: db, Logger: logger}}).Handler()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	s.serve(ln)
	t.Cleanup(s.stop)
	return s
}

func (s *lifeguardServer) url() string { return "http://" + s.addr }

func (s *lifeguardServer) serve(ln net.Listener) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.srv = &http.Server{Handler: s.handler}
	s.served = make(chan struct{})
	go func(srv *http.Server, done chan struct{}) {
		srv.Serve(ln)
		close(done)
	}(s.srv, s.served)
}

// stop closes the server and every connection at once, as a crash or an
// outage would.
func (s *lifeguardServer) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return
	}
	s.srv.Close()
	<-s.served
	s.srv = nil
}

// start serves again on the same address.
func (s *lifeguardServer) start() {
	s.t.Helper()
	var ln net.Listener
	var err error
	for range 50 { // the port may take a moment to be free again
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	s.serve(ln)
}

// storedEvents reads, from the database file itself, how many times each
// event id is stored.
func (s *lifeguardServer) storedEvents() map[string]int {
	s.t.Helper()
	db, err := sql.Open("sqlite", s.path)
	if err != nil {
		s.t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.QueryContext(s.t.Context(), `SELECT ref, COUNT(*) FROM filter_events GROUP BY ref`)
	if err != nil {
		s.t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var ref string
		var n int
		if err := rows.Scan(&ref, &n); err != nil {
			s.t.Fatal(err)
		}
		out[ref] = n
	}
	if err := rows.Err(); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// waitFor polls cond until it holds, failing after a generous three minutes: a
// bound for a broken test, not a measure of speed.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func eventID(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func event(i int) attach.Event {
	return attach.Event{ID: eventID(i), Time: time.Now().UTC(), Client: "10.0.0.7", Group: "secondary",
		Name: "bet" + strconv.Itoa(i%10) + ".example", Category: "gambling"}
}

func newClient(t *testing.T, s *lifeguardServer, spool string) *attach.Client {
	t.Helper()
	c, err := attach.New(attach.Config{URL: s.url(), Token: s.token, SpoolDir: spool, FlushInterval: 10 * time.Millisecond,
		MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// run runs c until the test ends or stop is called.
func run(t *testing.T, c *attach.Client) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		c.Run(ctx)
		close(done)
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return stop
}

// TestServerOutageLosesNothing sends events while the server is stopped
// in the middle of the stream and started again, twice, and counts that
// every event is stored exactly once.
func TestServerOutageLosesNothing(t *testing.T) {
	s := newLifeguard(t)
	logs := &sqltest.Logs{}
	c, err := attach.New(attach.Config{URL: s.url(), Token: s.token, SpoolDir: filepath.Join(t.TempDir(), "spool"),
		FlushInterval: 10 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 100 * time.Millisecond,
		Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	run(t, c)
	const n = 3000
	for i := range n {
		switch i {
		case 700, 2100:
			s.stop()
		case 1400, 2600:
			s.start()
		}
		c.Event(event(i))
		if i%50 == 0 {
			time.Sleep(time.Millisecond) // a stream, not one burst
		}
	}
	waitFor(t, "every event to be stored", func() bool { return len(s.storedEvents()) >= n })
	stored := s.storedEvents()
	for i := range n {
		if stored[eventID(i)] != 1 {
			t.Fatalf("event %d stored %d times", i, stored[eventID(i)])
		}
	}
	if len(stored) != n {
		t.Errorf("%d events stored, want %d", len(stored), n)
	}
	if c.Dropped() != 0 {
		t.Errorf("%d events dropped", c.Dropped())
	}
	// The client did meet the outage, and said so without a name or an
	// address.
	if !strings.Contains(logs.String(), "will try again") {
		t.Error("the client never found the server down")
	}
	if strings.Contains(logs.String(), ".example") || strings.Contains(logs.String(), "10.0.0.7") {
		t.Errorf("the client logged a name or an address: %s", logs.String())
	}
}

// TestNewClientOnTheSameSpool stops a client while the server is down,
// with events only in its spool, and starts a new one on the same spool
// once the server is back.
func TestNewClientOnTheSameSpool(t *testing.T) {
	s := newLifeguard(t)
	dir := filepath.Join(t.TempDir(), "spool")
	s.stop()
	c := newClient(t, s, dir)
	stop := run(t, c)
	for i := range 1000 {
		c.Event(event(i))
	}
	if err := c.Worry(t.Context(), attach.Worry{FilterAttempt: attach.Event{Time: time.Now(), Client: "10.0.0.9",
		Name: "chat.example", Category: "chat"}, Text: "someone keeps asking for my address"}); err != nil {
		t.Fatal(err)
	}
	stop()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if got := len(s.storedEvents()); got != 0 {
		t.Fatalf("%d events stored while the server was down", got)
	}

	s.start()
	c2 := newClient(t, s, dir)
	defer c2.Close()
	run(t, c2)
	waitFor(t, "the spool to be sent", func() bool { return len(s.storedEvents()) >= 1000 })
	stored := s.storedEvents()
	for i := range 1000 {
		if stored[eventID(i)] != 1 {
			t.Fatalf("event %d stored %d times", i, stored[eventID(i)])
		}
	}
	dsl := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: s.dsl.ID, Role: lifeguard.RoleDSL, OrganisationID: s.org,
		PartnershipID: s.dsl.PartnershipID, Via: "session"})
	var page *lifeguard.ConcernPage
	waitFor(t, "the worry to become a concern", func() bool {
		var err error
		page, err = s.db.ListConcerns(dsl, lifeguard.ConcernFilter{Status: lifeguard.StatusOpen})
		return err == nil && len(page.Concerns) > 0
	})
	if len(page.Concerns) != 1 || page.Concerns[0].ReporterID != s.filter.ID {
		t.Errorf("concerns in the DSL's inbox: %+v", page.Concerns)
	}
}

// TestKilledClient runs a client in another process, kills it (SIGKILL)
// while it is sending, and has a new client finish from the same spool:
// every event the killed client had synced to disk is stored once.
func TestKilledClient(t *testing.T) {
	if os.Getenv("ATTACH_HELPER_URL") != "" {
		t.Skip("this is the helper process")
	}
	s := newLifeguard(t)
	dir := filepath.Join(t.TempDir(), "spool")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperClient$")
	cmd.Env = append(os.Environ(), "ATTACH_HELPER_URL="+s.url(), "ATTACH_HELPER_TOKEN="+s.token, "ATTACH_HELPER_SPOOL="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	synced := -1
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "synced "); ok {
			synced, _ = strconv.Atoi(n)
			// Kill it once some events are on disk and some are stored:
			// in the middle of the stream.
			if synced >= 3000 && len(s.storedEvents()) > 0 {
				break
			}
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if synced < 0 {
		t.Fatal("the helper synced nothing")
	}
	before := len(s.storedEvents())

	c := newClient(t, s, dir)
	defer c.Close()
	run(t, c)
	waitFor(t, "every synced event to be stored", func() bool { return len(s.storedEvents()) > synced })
	stored := s.storedEvents()
	for i := 0; i <= synced; i++ {
		if stored[eventID(i)] != 1 {
			t.Fatalf("event %d, synced before the kill, stored %d times", i, stored[eventID(i)])
		}
	}
	t.Logf("killed after %d synced events, %d of them stored before the kill; %d stored in all", synced+1, before, len(stored))
}

// TestHelperClient is the process TestKilledClient kills: it writes events
// without end, printing how many are synced to disk.
func TestHelperClient(t *testing.T) {
	url := os.Getenv("ATTACH_HELPER_URL")
	if url == "" {
		t.Skip("run by TestKilledClient")
	}
	c, err := attach.New(attach.Config{URL: url, Token: os.Getenv("ATTACH_HELPER_TOKEN"),
		SpoolDir: os.Getenv("ATTACH_HELPER_SPOOL"), FlushInterval: 5 * time.Millisecond, MinBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	go c.Run(context.Background())
	for i := 0; ; i++ {
		c.Event(event(i))
		if i%100 == 99 {
			if err := c.Sync(); err != nil {
				t.Fatal(err)
			}
			fmt.Printf("synced %d\n", i)
		}
	}
}

// TestRejectedEventsAreKept sends a batch with an event the server can
// never accept: the others are stored, and it is kept in rejected.log.
func TestRejectedEventsAreKept(t *testing.T) {
	s := newLifeguard(t)
	dir := filepath.Join(t.TempDir(), "spool")
	c := newClient(t, s, dir)
	defer c.Close()
	for i := range 10 {
		e := event(i)
		if i == 4 {
			e.Category = "shopping"
		}
		c.Event(e)
	}
	if err := c.Sync(); err != nil {
		t.Fatal(err)
	}
	run(t, c)
	waitFor(t, "the good events", func() bool { return len(s.storedEvents()) == 9 })
	b, err := os.ReadFile(filepath.Join(dir, "rejected.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), eventID(4)) || !strings.Contains(string(b), "events[") || strings.Count(string(b), "\n") != 1 {
		t.Errorf("rejected.log: %s", b)
	}
}

func TestPolicyPolling(t *testing.T) {
	s := newLifeguard(t)
	c := newClient(t, s, filepath.Join(t.TempDir(), "spool"))
	defer c.Close()
	ctx := t.Context()
	if _, _, _, err := c.Policy(ctx, ""); !errors.Is(err, attach.ErrNoPolicy) {
		t.Fatalf("no policy yet: %v", err)
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	if _, err := s.db.SetFilterPolicy(sys, s.org, []byte(`{"groups":{"secondary":{}}}`)); err != nil {
		t.Fatal(err)
	}
	doc, etag, changed, err := c.Policy(ctx, "")
	if err != nil || !changed || etag == "" || string(doc) != `{"groups":{"secondary":{}}}` {
		t.Fatalf("first poll: %s %q %v %v", doc, etag, changed, err)
	}
	if doc, same, changed, err := c.Policy(ctx, etag); err != nil || changed || doc != nil || same != etag {
		t.Errorf("poll with the tag: %s %q %v %v", doc, same, changed, err)
	}
	if _, err := s.db.SetFilterPolicy(sys, s.org, []byte(`{"groups":{}}`)); err != nil {
		t.Fatal(err)
	}
	if doc, next, changed, err := c.Policy(ctx, etag); err != nil || !changed || next == etag || string(doc) != `{"groups":{}}` {
		t.Errorf("poll after a change: %s %q %v %v", doc, next, changed, err)
	}
	s.stop()
	if _, _, _, err := c.Policy(ctx, etag); err == nil || errors.Is(err, attach.ErrNoPolicy) {
		t.Errorf("poll with the server down: %v, want an error to retry", err)
	}
}

func TestReviewAndWorryAreChecked(t *testing.T) {
	s := newLifeguard(t)
	c := newClient(t, s, filepath.Join(t.TempDir(), "spool"))
	defer c.Close()
	err := c.Worry(t.Context(), attach.Worry{FilterAttempt: attach.Event{Time: time.Now(), Client: "10.0.0.9",
		Name: "chat.example", Category: "chat"}})
	if le, ok := errors.AsType[*lifeguard.Error](err); !ok || le.Code != lifeguard.EINVALID || le.Problems[0].Path != "text" {
		t.Errorf("worry without words: %v", err)
	}
	err = c.Review(t.Context(), attach.Review{FilterAttempt: attach.Event{Time: time.Now(), Client: "pc-7",
		Name: "chess.example", Category: "games"}})
	if le, ok := errors.AsType[*lifeguard.Error](err); !ok || le.Problems[0].Path != "client" {
		t.Errorf("review from a device that is not an address: %v", err)
	}
	if err := c.Review(t.Context(), attach.Review{FilterAttempt: attach.Event{Time: time.Now(), Client: "10.0.0.7",
		Name: "chess.example", Category: "games"}, Comment: "for the chess club"}); err != nil {
		t.Fatal(err)
	}
	run(t, c)
	staff := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: s.dsl.ID, Role: lifeguard.RoleDSL, OrganisationID: s.org,
		PartnershipID: s.dsl.PartnershipID, Via: "session"})
	waitFor(t, "the review request", func() bool {
		list, err := s.db.FilterReviews(staff, lifeguard.FilterOpen)
		return err == nil && len(list) == 1 && list[0].Comment == "for the chess club"
	})
}
