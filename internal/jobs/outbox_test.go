package jobs_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/mail"
	"github.com/lifeguard-scp/lifeguard/internal/mail/smtptest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/webhook"
)

// What a reporter writes that must never leave Lifeguard in an alert.
const (
	secretRef  = "CHILD-REF-7731"
	secretText = "Met a man called Darren from the game; he asked for photos"
)

// alertWorld is a school with a DSL and a deputy, a member of staff who
// reports, and an administrator, on a store read at the test's clock.
type alertWorld struct {
	db           *sqlstore.DB
	clk          *clock
	staff, admin *lifeguard.User
	dsl, deputy  *lifeguard.User
	org          *lifeguard.Organisation
	reports      int
}

func newAlertWorld(t *testing.T) *alertWorld {
	t.Helper()
	clk := newClock(time.Date(2026, 10, 14, 10, 0, 0, 0, time.UTC))
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: filepath.Join(t.TempDir(), "lifeguard.db"), Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePartnership(ctx, "Northshire")
	if err != nil {
		t.Fatal(err)
	}
	w := &alertWorld{db: db, clk: clk}
	if w.org, err = db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: p.ID, Name: "Riverside", Setting: "school"}); err != nil {
		t.Fatal(err)
	}
	team, err := db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: p.ID, Name: "Team", Setting: "other"})
	if err != nil {
		t.Fatal(err)
	}
	user := func(email string, role lifeguard.Role, org int64) *lifeguard.User {
		u, err := db.CreateUser(ctx, lifeguard.NewUser{Email: email, Name: "Ann Example", Role: role, OrganisationID: org,
			PasswordHash: "$argon2id$test"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.staff = user("teacher@school.example", lifeguard.RoleStaff, w.org.ID)
	w.dsl = user("dsl@school.example", lifeguard.RoleDSL, w.org.ID)
	w.deputy = user("deputy@school.example", lifeguard.RoleDSL, w.org.ID)
	w.admin = user("admin@partnership.example", lifeguard.RoleAdmin, team.ID)
	return w
}

func as(t *testing.T, u *lifeguard.User) *lifeguard.Actor {
	return &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: u.OrganisationID, PartnershipID: u.PartnershipID,
		Via: "session"}
}

// report records a concern with a route of urgency u.
func (w *alertWorld) report(t *testing.T, u lifeguard.Urgency) *lifeguard.Concern {
	t.Helper()
	now := w.clk.now()
	due := now.Add(time.Hour).Truncate(time.Second)
	c, err := w.db.CreateConcern(lifeguard.WithActor(t.Context(), as(t, w.staff)), lifeguard.NewConcern{
		Facts: lifeguard.Facts{ReportedAt: now.Truncate(time.Second), Setting: "school", Description: secretText,
			Child: &lifeguard.ChildFacts{Age: new(13)}, ChildRole: "victim",
			ConcernTypes: []lifeguard.ConcernType{"grooming"}, Parties: lifeguard.Parties{AdultInvolved: true}},
		Triage: lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "2026.1"},
			Routes: []lifeguard.Route{{Code: "CSC_REFERRAL", Title: "Referral", Urgency: u, Due: &due}}},
		ChildRef: fmt.Sprintf("%s-%d", secretRef, w.reports),
	})
	w.reports++
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *alertWorld) delivery(t *testing.T, holder string, m jobs.Mailer) *jobs.Delivery {
	return &jobs.Delivery{Store: w.db, Mail: m, Webhook: webhook.NewCaller(5*time.Second, w.clk.now),
		BaseURL: "https://lifeguard.example.org/", Holder: holder, Now: w.clk.now}
}

func (w *alertWorld) pass(t *testing.T, d *jobs.Delivery) int {
	t.Helper()
	n, err := d.Pass(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()))
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func mailer(t *testing.T, srv *smtptest.Server) *mail.Sender {
	s, err := mail.New(mail.Config{URL: "smtp://" + srv.Addr(), From: "Lifeguard <lifeguard@partnership.example>",
		Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// noPersonalData fails when text holds what the reporter wrote or who
// reported it.
func noPersonalData(t *testing.T, what, text string) {
	t.Helper()
	for _, s := range []string{secretRef, secretText, "Darren", "teacher@school.example", "Ann Example", "grooming", "victim"} {
		if strings.Contains(text, s) {
			t.Errorf("%s holds %q:\n%s", what, s, text)
		}
	}
}

// TestAlertEmailArrives: a concern due today emails the DSL and the
// deputy once each, through a real SMTP server, with a link and nothing
// personal; one due later emails nobody.
func TestAlertEmailArrives(t *testing.T) {
	w := newAlertWorld(t)
	srv := smtptest.Run(t, smtptest.Options{})
	c := w.report(t, lifeguard.SameWorkingDay)
	w.report(t, lifeguard.WorkingDays)
	// Two servers deliver at once; the leases keep them from sending one
	// message twice.
	var wg sync.WaitGroup
	var sent atomic.Int64
	for _, h := range []string{"a", "b"} {
		d := w.delivery(t, h, mailer(t, srv))
		wg.Go(func() { sent.Add(int64(w.pass(t, d))) })
	}
	wg.Wait()
	ms := srv.Messages()
	if len(ms) != 2 || sent.Load() != 2 {
		t.Fatalf("%d messages arrived, %d delivered; want 2", len(ms), sent.Load())
	}
	to := map[string]bool{}
	for _, m := range ms {
		to[m.Header.Get("To")] = true
		if s := m.Header.Get("Subject"); s != "Lifeguard: a new concern needs attention today" {
			t.Errorf("subject %q", s)
		}
		if want := fmt.Sprintf("https://lifeguard.example.org/concerns/%d\n", c.ID); !strings.Contains(m.Body, want) {
			t.Errorf("body has no link %q:\n%s", want, m.Body)
		}
		noPersonalData(t, "the email", m.Raw)
	}
	if !to["<dsl@school.example>"] || !to["<deputy@school.example>"] {
		t.Errorf("sent to %v", to)
	}
	if n := w.pass(t, w.delivery(t, "c", mailer(t, srv))); n != 0 || len(srv.Messages()) != 2 {
		t.Errorf("a later pass sent %d more", n)
	}
}

// TestAlertRetriedWhileSMTPDown: while the SMTP server is down the
// message waits, its attempts recorded; once the server is up it arrives
// after the back-off, once.
func TestAlertRetriedWhileSMTPDown(t *testing.T) {
	w := newAlertWorld(t)
	if _, err := w.db.SetUserDisabled(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), w.deputy.ID, true); err != nil {
		t.Fatal(err)
	}
	srv := smtptest.New(t, smtptest.Options{}) // its port is closed until Start
	d := w.delivery(t, "a", mailer(t, srv))
	w.report(t, lifeguard.Immediate)
	if n := w.pass(t, d); n != 0 {
		t.Fatalf("delivered %d with the server down", n)
	}
	admin := lifeguard.WithActor(t.Context(), as(t, w.admin))
	ms, err := w.db.OutboxMessages(admin, lifeguard.OutboxFilter{State: lifeguard.OutboxPending})
	if err != nil || len(ms) != 1 {
		t.Fatalf("pending %+v, %v", ms, err)
	}
	m := ms[0]
	if m.Attempts != 1 || !m.NextAttemptAt.Equal(w.clk.now().Add(30*time.Second)) || !strings.Contains(m.LastError, "connect") ||
		strings.Contains(m.LastError, "dsl@") {
		t.Errorf("after the first attempt: %+v", m)
	}
	srv.Start()
	if n := w.pass(t, d); n != 0 {
		t.Errorf("delivered %d before the back-off ended", n)
	}
	w.clk.add(30 * time.Second)
	if n := w.pass(t, d); n != 1 {
		t.Fatalf("delivered %d after the back-off", n)
	}
	got := srv.Messages()
	if len(got) != 1 || got[0].Header.Get("Subject") != "Lifeguard: a new concern needs attention now" {
		t.Fatalf("messages %+v", got)
	}
	xs, err := w.db.OutboxAttempts(admin, m.ID)
	if err != nil || len(xs) != 2 || xs[0].Error == "" || xs[1].Error != "" {
		t.Errorf("attempts %+v, %v", xs, err)
	}
}

// TestAlertGivenUp: a message that fails for a day is given up, shows on
// the administrator's list, and is sent again when retried.
func TestAlertGivenUp(t *testing.T) {
	w := newAlertWorld(t)
	srv := smtptest.New(t, smtptest.Options{})
	d := w.delivery(t, "a", mailer(t, srv))
	w.report(t, lifeguard.Immediate)
	admin := lifeguard.WithActor(t.Context(), as(t, w.admin))
	for range 100 {
		w.pass(t, d)
		w.clk.add(time.Hour)
	}
	failed, err := w.db.OutboxMessages(admin, lifeguard.OutboxFilter{State: lifeguard.OutboxFailed})
	if err != nil || len(failed) != 2 {
		t.Fatalf("failed %+v, %v", failed, err)
	}
	// Back-off doubles from 30 s to an hour: about 30 attempts in a day.
	if a := failed[0].Attempts; a < 20 || a > 40 {
		t.Errorf("%d attempts before giving up", a)
	}
	srv.Start()
	if err := w.db.RetryOutbox(admin, failed[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := w.pass(t, d); n != 1 || len(srv.Messages()) != 1 {
		t.Errorf("retried: %d delivered", n)
	}
}

// TestAlertWebhook: a webhook is called with a signed body of ids and
// codes; a 500 is retried after the back-off.
func TestAlertWebhook(t *testing.T) {
	w := newAlertWorld(t)
	var mu sync.Mutex
	var bodies [][]byte
	var sigs []string
	var calls atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, body), append(sigs, r.Header.Get(webhook.SignatureHeader))
		mu.Unlock()
		if calls.Add(1) == 1 {
			http.Error(rw, "not now", http.StatusInternalServerError)
		}
	}))
	defer recv.Close()
	hook, err := w.db.CreateWebhook(lifeguard.WithActor(t.Context(), as(t, w.admin)), lifeguard.NewWebhook{
		OrganisationID: w.org.ID, URL: recv.URL + "/hook", Events: []lifeguard.AlertKind{lifeguard.AlertNewConcern}})
	if err != nil {
		t.Fatal(err)
	}
	c := w.report(t, lifeguard.Immediate)
	d := w.delivery(t, "a", nil) // no SMTP: email waits, webhooks go
	if n := w.pass(t, d); n != 0 || calls.Load() != 1 {
		t.Fatalf("first pass: %d delivered, %d calls", n, calls.Load())
	}
	w.clk.add(30 * time.Second)
	if n := w.pass(t, d); n != 1 || calls.Load() != 2 {
		t.Fatalf("after the back-off: %d delivered, %d calls", n, calls.Load())
	}
	mu.Lock()
	defer mu.Unlock()
	for i, body := range bodies {
		if err := webhook.Verify(hook.Secret, sigs[i], body, w.clk.now()); err != nil {
			t.Errorf("call %d: %v", i, err)
		}
		noPersonalData(t, "the webhook body", string(body))
	}
	var p map[string]any
	if err := json.Unmarshal(bodies[1], &p); err != nil {
		t.Fatal(err)
	}
	if p["event"] != "new_concern" || p["urgency"] != "immediate" || p["concern_id"] != float64(c.ID) ||
		p["organisation_id"] != float64(w.org.ID) || p["link"] != fmt.Sprintf("https://lifeguard.example.org/concerns/%d", c.ID) {
		t.Errorf("payload %s", bodies[1])
	}
	// A replay: the same call verified ten minutes later is refused, and
	// so is a body changed in transit.
	if err := webhook.Verify(hook.Secret, sigs[1], bodies[1], w.clk.now().Add(10*time.Minute)); err == nil {
		t.Error("a ten-minute-old call verified")
	}
	if err := webhook.Verify(hook.Secret, sigs[1], append([]byte(" "), bodies[1]...), w.clk.now()); err == nil {
		t.Error("a changed body verified")
	}
	// The emails to the DSLs wait for an SMTP server.
	ms, err := w.db.OutboxMessages(lifeguard.WithActor(t.Context(), as(t, w.admin)), lifeguard.OutboxFilter{State: lifeguard.OutboxPending})
	if err != nil || len(ms) != 2 || ms[0].Attempts != 0 {
		t.Errorf("emails waiting %+v, %v", ms, err)
	}
}

// TestAlertTooLate: an alert that could not go out within a day of being
// written (no server ran, or none could send) is given up unsent rather
// than arriving as news; an administrator's retry sends it.
func TestAlertTooLate(t *testing.T) {
	w := newAlertWorld(t)
	srv := smtptest.Run(t, smtptest.Options{})
	w.report(t, lifeguard.Immediate)
	w.clk.add(25 * time.Hour)
	d := w.delivery(t, "a", mailer(t, srv))
	if n := w.pass(t, d); n != 0 || len(srv.Messages()) != 0 {
		t.Fatalf("a day-old alert was sent: %d", n)
	}
	admin := lifeguard.WithActor(t.Context(), as(t, w.admin))
	failed, err := w.db.OutboxMessages(admin, lifeguard.OutboxFilter{State: lifeguard.OutboxFailed})
	if err != nil || len(failed) != 2 || !strings.Contains(failed[0].LastError, "not sent") {
		t.Fatalf("failed %+v, %v", failed, err)
	}
	if err := w.db.RetryOutbox(admin, failed[0].ID); err != nil {
		t.Fatal(err)
	}
	if n := w.pass(t, d); n != 1 || len(srv.Messages()) != 1 {
		t.Errorf("retried: %d delivered", n)
	}
}
