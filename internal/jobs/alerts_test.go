package jobs_test

import (
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/mail/smtptest"
)

// TestAlertJobsEmailNothingPersonal runs the alert jobs on two schedulers
// over one school's day, with the test's clock, and delivers what they
// write through a real SMTP server: the unopened immediate concern is
// escalated once, to the head on the escalation list; at 16:00 in London
// the DSL and the deputy get the digest of the concern not alerted at once
// and the list of overdue work, once; a self-harm filter alert reaches
// them at once. No email holds the child's reference, the reporter's
// words, the facts or the reporter's name.
func TestAlertJobsEmailNothingPersonal(t *testing.T) {
	w := newAlertWorld(t)
	srv := smtptest.Run(t, smtptest.Options{})
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	head, err := w.db.CreateUser(sys, lifeguard.NewUser{Email: "head@school.example", Name: "Ann Example",
		Role: lifeguard.RoleManager, OrganisationID: w.org.ID, PasswordHash: "$argon2id$test"})
	if err != nil {
		t.Fatal(err)
	}
	filter, err := w.db.CreateUser(sys, lifeguard.NewUser{Email: "filter@school.example", Name: "Filter",
		Role: lifeguard.RoleFilter, OrganisationID: w.org.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.db.SetAlertSettings(lifeguard.WithActor(t.Context(), as(t, w.dsl)), lifeguard.AlertSettings{
		DigestAt: "16:00", Zone: "Europe/London", EscalateAfterMinutes: 15, EscalationList: []int64{head.ID}}); err != nil {
		t.Fatal(err)
	}

	// A concern with a route due now (due at the moment of the report),
	// and one due within working days, which waits for the digest.
	now := w.clk.now().Truncate(time.Second)
	urgent, err := w.db.CreateConcern(lifeguard.WithActor(t.Context(), as(t, w.staff)), lifeguard.NewConcern{
		Facts: lifeguard.Facts{ReportedAt: now, Setting: "school", Description: secretText,
			Child: &lifeguard.ChildFacts{Age: new(14)}, ChildRole: "victim",
			ConcernTypes: []lifeguard.ConcernType{"grooming"}, Parties: lifeguard.Parties{AdultInvolved: true}},
		Triage: lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "2026.1"},
			Routes: []lifeguard.Route{{Code: "POLICE_999", Title: "Police", Urgency: lifeguard.Immediate, Due: &now}}},
		ChildRef: secretRef + "-urgent",
	})
	if err != nil {
		t.Fatal(err)
	}
	later := w.report(t, lifeguard.WorkingDays)

	log := slog.New(slog.DiscardHandler)
	var scheds []*jobs.Scheduler
	for _, h := range []string{"a", "b"} {
		s, err := jobs.New(jobs.Config{Store: w.db, Holder: h, Now: w.clk.now, Jobs: []jobs.Job{
			jobs.Escalations(w.db, w.clk.now, log),
			jobs.Digests(w.db, lifeguard.DigestNew, w.clk.now, log),
			jobs.Digests(w.db, lifeguard.DigestOverdue, w.clk.now, log),
		}})
		if err != nil {
			t.Fatal(err)
		}
		scheds = append(scheds, s)
	}
	// tick plays both servers ticking every half minute for d.
	tick := func(d time.Duration) {
		for end := w.clk.now().Add(d); w.clk.now().Before(end); w.clk.add(30 * time.Second) {
			for _, s := range scheds {
				s.RunDue(t.Context())
			}
		}
	}
	deliver := func() { w.pass(t, w.delivery(t, "a", mailer(t, srv))) }

	deliver() // the new-concern alerts of the urgent concern, to the DSL and the deputy
	before := len(srv.Messages())
	tick(14 * time.Minute)
	deliver()
	if n := len(srv.Messages()); n != before {
		t.Fatalf("%d emails before the escalation time", n-before)
	}
	tick(2 * time.Minute)
	deliver()
	ms := srv.Messages()[before:]
	if len(ms) != 1 || ms[0].Header.Get("To") != "<head@school.example>" ||
		!strings.Contains(ms[0].Body, "/concerns/"+strconv.FormatInt(urgent.ID, 10)) {
		t.Fatalf("after the escalation time: %d emails %+v; want one to the head, linking the concern", len(ms), ms)
	}
	if s := ms[0].Header.Get("Subject"); !strings.Contains(s, "not been opened") {
		t.Errorf("escalation subject %q", s)
	}
	// The head is told why they have it, and what to do, not that they
	// are a safeguarding lead.
	for _, want := range []string{"on your organisation's escalation list", "find your safeguarding lead or their deputy",
		"https://lifeguard.example.org/account/alerts"} {
		if !strings.Contains(ms[0].Body, want) {
			t.Errorf("escalation email lacks %q:\n%s", want, ms[0].Body)
		}
	}
	if strings.Contains(ms[0].Body, "you are a safeguarding lead") {
		t.Errorf("the escalation email tells the head they are a safeguarding lead:\n%s", ms[0].Body)
	}

	// A self-harm attempt on the school's filter.
	if _, err := w.db.RecordFilterEvents(lifeguard.WithActor(t.Context(), as(t, filter)), []lifeguard.FilterEvent{{
		ID: "00000000-0000-4000-8000-000000000001", Time: w.clk.now().Add(-time.Minute), Client: "10.0.0.9",
		Group: "secondary", Name: "hurt.example", Category: "self_harm"}}); err != nil {
		t.Fatal(err)
	}
	// Through the afternoon to 16:05 in London (15:05 UTC), and on.
	tick(5*time.Hour - 16*time.Minute + 5*time.Minute)
	tick(time.Hour)
	deliver()
	got := map[string][]string{}
	for _, m := range srv.Messages()[before+1:] {
		got[m.Header.Get("Subject")] = append(got[m.Header.Get("Subject")], m.Header.Get("To"))
	}
	for _, to := range got {
		slices.Sort(to)
	}
	want := map[string][]string{
		"Lifeguard: a filter alert needs attention now": {"<deputy@school.example>", "<dsl@school.example>"},
		// The digest of new concerns and the list of overdue work, each
		// saying how many, never which.
		"Lifeguard: 1 new concern to read":      {"<deputy@school.example>", "<dsl@school.example>"},
		"Lifeguard: 2 concerns past a deadline": {"<deputy@school.example>", "<dsl@school.example>"},
	}
	if len(got) != len(want) {
		t.Errorf("emails after the escalation: %v, want %v", got, want)
	}
	for subject, to := range want {
		if !slices.Equal(got[subject], to) {
			t.Errorf("%q went to %v, want %v", subject, got[subject], to)
		}
	}
	inbox := 0
	for _, m := range srv.Messages() {
		if strings.Contains(m.Body, "https://lifeguard.example.org/inbox\n") {
			inbox++
		}
	}
	if inbox != 4 {
		t.Errorf("%d emails link the inbox, want the four digests", inbox)
	}
	for _, m := range srv.Messages() {
		noPersonalData(t, "an alert email", m.Raw)
		if strings.Contains(m.Raw, "hurt.example") || strings.Contains(m.Raw, "10.0.0.9") {
			t.Errorf("an email names what the filter saw:\n%s", m.Raw)
		}
	}
	if n, err := w.db.SendDigests(sys, lifeguard.DigestNew, w.clk.now()); err != nil || n != 0 {
		t.Errorf("the digest again: %d, %v", n, err)
	}
	// What the digest of new concerns told of (the first digest written:
	// the digest job runs before the overdue one): the concern not alerted
	// at once, by id.
	d, err := w.db.Digest(sys, 1)
	if err != nil {
		t.Fatal(err)
	}
	if d.Kind != lifeguard.DigestNew || !slices.Equal(d.ConcernIDs, []int64{later.ID}) {
		t.Errorf("digest %+v, want concern %d only", d, later.ID)
	}
}
