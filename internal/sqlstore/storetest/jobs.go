package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// jobCases are the job, reminder and retention methods as every role: the
// job table and retention are Lifeguard's own; reminders are for DSLs.
func jobCases() []accessCase {
	claim := func(f *fixture, holder string) lifeguard.JobClaim {
		now := f.now()
		return lifeguard.JobClaim{Job: "access-" + holder, Slot: now.Truncate(time.Hour), Holder: holder, Until: now.Add(time.Minute)}
	}
	return []accessCase{
		{"ClaimJob", []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ClaimJob(ctx, claim(f, "x"), f.now())
			return err
		}},
		{"JobRuns", []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.JobRuns(ctx, "access-x", 10)
			return err
		}},
		{"RaiseReminders", []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.RaiseReminders(ctx, f.now(), time.Hour)
			return err
		}},
		{"Reminders", []string{fb, fb, fb, ok, ok, fb, fb, fb, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Reminders(ctx)
			return err
		}},
		{"PurgeExpired", []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.PurgeExpired(ctx, f.now(), lifeguard.RetentionPeriods{LoginFailures: time.Hour,
				RevokedTokens: time.Hour, JobRuns: time.Hour})
			return err
		}},
	}
}

// testJobClaims checks the claim rules on one store: a slot is claimed
// once; another holder waits for the lease to lapse; a finished slot is
// never claimed again; a failure releases the slot for a retry; a holder
// that lost its slot cannot renew or finish it.
func testJobClaims(t *testing.T, open Opener) {
	db, _ := migrated(t, open)
	ctx := sys(t.Context())
	t0 := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	a := lifeguard.JobClaim{Job: "reminders", Slot: t0, Holder: "a", Until: t0.Add(time.Minute)}
	b := a
	b.Holder, b.Until = "b", t0.Add(3*time.Minute)
	claim := func(c lifeguard.JobClaim, now time.Time, want bool) {
		t.Helper()
		got, err := db.ClaimJob(ctx, c, now)
		if err != nil || got != want {
			t.Fatalf("ClaimJob(%s at %s) = %v, %v; want %v", c.Holder, now.Format("15:04:05"), got, err, want)
		}
	}
	// A retry claims only a slot some server started.
	retry := a
	retry.Retry = true
	claim(retry, t0, false)
	claim(a, t0, true)
	claim(b, t0.Add(30*time.Second), false) // a's lease holds
	claim(a, t0.Add(30*time.Second), false) // not even a claims twice
	claim(b, t0.Add(2*time.Minute), true)   // a's lease lapsed: b takes over
	wantCode(t, db.RenewJob(ctx, a), lifeguard.ECONFLICT)
	wantCode(t, db.FinishJob(ctx, a, t0.Add(2*time.Minute), ""), lifeguard.ECONFLICT)
	// b fails: the slot is free again at once, for anyone.
	if err := db.FinishJob(ctx, b, t0.Add(150*time.Second), "upstream timeout"); err != nil {
		t.Fatal(err)
	}
	a.Until = t0.Add(10 * time.Minute)
	claim(a, t0.Add(160*time.Second), true)
	if err := db.RenewJob(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := db.FinishJob(ctx, a, t0.Add(170*time.Second), ""); err != nil {
		t.Fatal(err)
	}
	claim(b, t0.Add(time.Hour), false) // done is done
	b.Retry = true
	claim(b, t0.Add(time.Hour), false)
	b.Retry = false
	// The next slot is a new run.
	next := b
	next.Slot = t0.Add(time.Hour)
	claim(next, t0.Add(time.Hour), true)

	runs, err := db.JobRuns(ctx, "reminders", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 {
		t.Fatalf("%d runs, want 2: %+v", len(runs), runs)
	}
	first := runs[1]
	if !first.Slot.Equal(t0) || first.Holder != "a" || first.Attempts != 3 || first.Outcome != "done" || first.FinishedAt == nil {
		t.Errorf("first slot: %+v; want held by a, 3 attempts, done", first)
	}
	if runs[0].FinishedAt != nil || runs[0].Outcome != "" {
		t.Errorf("second slot: %+v; want running", runs[0])
	}
}

// testReminders checks that the reminders job raises each reminder once,
// in the right organisation, that only still-true reminders show, and that
// dismissing is for the organisation's DSLs.
func testReminders(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	now := f.now()
	// soon: due in 30 minutes; late: due 2 hours ago; far: due in 2 days;
	// ancient: overdue for longer than the lookback; closed: due soon but
	// closed; otherOrg: due soon in B.
	mk := func(u *lifeguard.User, d time.Duration) *lifeguard.Concern {
		t.Helper()
		c, err := f.db.CreateConcern(as(t.Context(), u), lifeguard.NewConcern{Facts: facts(now),
			Triage: f.triage(route{"CSC_REFERRAL", d})})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	soon, late, far := mk(f.staff, 30*time.Minute), mk(f.staff, -2*time.Hour), mk(f.staff, 48*time.Hour)
	ancient := mk(f.staff, -30*24*time.Hour)
	closed := mk(f.staff, 20*time.Minute)
	if _, err := f.db.CloseConcern(as(t.Context(), f.dsl), closed.ID, lifeguard.NewOutcome{Code: "referred_csc",
		Summary: "Referred.", CloseAnyway: "Closed for the test with work left."}); err != nil {
		t.Fatal(err)
	}
	otherOrg := mk(f.staffB, 30*time.Minute)

	before := journalLen(t, f.db)
	n, err := f.db.RaiseReminders(ctx, now, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("raised %d reminders, want 3 (soon, late, other organisation's)", n)
	}
	if got := journalLen(t, f.db) - before; got != 3 {
		t.Errorf("journal grew by %d, want one entry per reminder", got)
	}
	// Running again, as another server would after a lost lease, raises none.
	if n, err := f.db.RaiseReminders(ctx, now.Add(time.Minute), time.Hour); err != nil || n != 0 {
		t.Errorf("second run raised %d (%v), want 0", n, err)
	}

	list := func(u *lifeguard.User) map[int64]lifeguard.Reminder {
		t.Helper()
		rs, err := f.db.Reminders(as(t.Context(), u))
		if err != nil {
			t.Fatal(err)
		}
		m := map[int64]lifeguard.Reminder{}
		for _, r := range rs {
			m[r.ConcernID] = r
		}
		return m
	}
	got := list(f.dsl)
	if len(got) != 2 || got[soon.ID].Kind != lifeguard.ReminderDueSoon || got[late.ID].Kind != lifeguard.ReminderOverdue {
		t.Errorf("A's DSL sees %+v; want soon due_soon and late overdue", got)
	}
	for _, c := range []*lifeguard.Concern{far, ancient, closed, otherOrg} {
		if _, ok := got[c.ID]; ok {
			t.Errorf("A's DSL is reminded of concern %d", c.ID)
		}
	}
	gotB := list(f.dslB)
	if len(gotB) != 1 || gotB[otherOrg.ID].ID == 0 {
		t.Errorf("B's DSL sees %+v; want only B's concern", gotB)
	}

	// Another organisation's reminder answers as a missing one; a DSL
	// dismisses their own, and it is gone from the list.
	wantCode(t, f.db.DismissReminder(as(t.Context(), f.dslB), got[soon.ID].ID), lifeguard.ENOTFOUND)
	wantCode(t, f.db.DismissReminder(as(t.Context(), f.staff), got[soon.ID].ID), lifeguard.EFORBIDDEN)
	wantCode(t, f.db.DismissReminder(as(t.Context(), f.dsl), 1<<40), lifeguard.ENOTFOUND)
	if err := f.db.DismissReminder(as(t.Context(), f.dsl), got[soon.ID].ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := list(f.dsl)[soon.ID]; ok {
		t.Error("a dismissed reminder still shows")
	}

	// Deciding the route takes the deadline away: the overdue reminder
	// is no longer true and no longer shows.
	if _, err := f.db.AddDecision(as(t.Context(), f.dsl), late.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL",
		Decision: lifeguard.DecisionAccepted}); err != nil {
		t.Fatal(err)
	}
	if _, ok := list(f.dsl)[late.ID]; ok {
		t.Error("a reminder of a decided deadline still shows")
	}

	// Once soon's deadline passes, it is reminded of again, as overdue.
	if n, err := f.db.RaiseReminders(ctx, now.Add(31*time.Minute), time.Hour); err != nil || n < 1 {
		t.Errorf("after the deadline: raised %d (%v), want the overdue reminder", n, err)
	}
	if r := list(f.dsl)[soon.ID]; r.Kind != lifeguard.ReminderOverdue {
		t.Errorf("after the deadline A's DSL sees %+v, want soon overdue", r)
	}
}

// testPurge checks that retention deletes expired sessions, old login
// failures, long-revoked tokens and old finished job runs, and nothing
// still in use.
func testPurge(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	now := f.now().UTC().Truncate(time.Second)
	mkSession := func(expires time.Time, hash string) {
		t.Helper()
		if _, err := f.db.CreateSession(ctx, lifeguard.Session{UserID: f.dsl.ID, TokenHash: []byte(hash),
			CreatedAt: now.Add(-24 * time.Hour), ExpiresAt: expires, LastSeen: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	// A session that expired a minute ago is kept for a day, so that a
	// report posted after it ended can be kept for its user; one that
	// expired longer ago goes.
	mkSession(now.Add(-time.Minute), "expired-session-hash-0000000000")
	mkSession(now.Add(-lifeguard.EndedSessionKeep-time.Minute), "long-gone-session-hash-00000000")
	// A draft kept longer ago than a draft is kept goes too.
	if _, err := f.db.KeepReportDraft(ctx, []byte("expired-session-hash-0000000000"), now.Add(-lifeguard.ReportDraftKeep-time.Hour),
		lifeguard.ReportDraft{Step: 2, Answers: map[string][]string{"danger": {"no"}}}); err != nil {
		t.Fatal(err)
	}
	mkSession(now.Add(time.Hour), "current-session-hash-0000000000")
	// Recording a failure forgets the same key's old ones; retention is
	// for the keys nobody tries again.
	for key, at := range map[string]time.Time{"email:old": now.Add(-48 * time.Hour), "email:x": now.Add(-time.Minute)} {
		if err := f.db.RecordFailure(ctx, key, at); err != nil {
			t.Fatal(err)
		}
	}
	old, err := f.db.CreateToken(ctx, f.dsl.ID, "old", "lg_old", []byte("old-token-hash-00000000000000000"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.RevokeToken(ctx, old.ID, now.Add(-100*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CreateToken(ctx, f.dsl.ID, "live", "lg_live", []byte("live-token-hash-0000000000000000")); err != nil {
		t.Fatal(err)
	}
	c := lifeguard.JobClaim{Job: "retention", Slot: now.Add(-60 * 24 * time.Hour), Holder: "a", Until: now}
	if _, err := f.db.ClaimJob(ctx, c, c.Slot); err != nil {
		t.Fatal(err)
	}
	if err := f.db.FinishJob(ctx, c, c.Slot, ""); err != nil {
		t.Fatal(err)
	}

	// An alert delivered long ago, and one given up lately: each report
	// alerts the school's one DSL.
	f.report(t, f.staff)
	ds, err := f.db.ClaimOutbox(ctx, lifeguard.OutboxClaim{Holder: "a", Until: f.now().Add(time.Minute),
		Channels: []lifeguard.Channel{lifeguard.ChannelEmail}, Limit: 10}, f.now())
	if err != nil || len(ds) != 1 {
		t.Fatalf("claim %+v, %v", ds, err)
	}
	if err := f.db.FinishOutbox(ctx, ds[0].Message.ID, "a", now.Add(-100*24*time.Hour), lifeguard.OutboxResult{}); err != nil {
		t.Fatal(err)
	}
	f.report(t, f.staff)
	if ds, err = f.db.ClaimOutbox(ctx, lifeguard.OutboxClaim{Holder: "a", Until: f.now().Add(time.Minute),
		Channels: []lifeguard.Channel{lifeguard.ChannelEmail}, Limit: 10}, f.now()); err != nil || len(ds) != 1 {
		t.Fatalf("claim %+v, %v", ds, err)
	}
	if err := f.db.FinishOutbox(ctx, ds[0].Message.ID, "a", now.Add(-time.Hour), lifeguard.OutboxResult{Error: "550"}); err != nil {
		t.Fatal(err)
	}

	got, err := f.db.PurgeExpired(ctx, now, lifeguard.RetentionPeriods{LoginFailures: 24 * time.Hour,
		RevokedTokens: 90 * 24 * time.Hour, JobRuns: 30 * 24 * time.Hour, Outbox: 90 * 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	want := lifeguard.PurgeCounts{Sessions: 1, LoginFailures: 1, Tokens: 1, JobRuns: 1, Drafts: 1, Outbox: 1}
	if got != want {
		t.Errorf("purged %+v, want %+v", got, want)
	}
	if n, err := f.db.CountFailures(ctx, "email:x", now.Add(-time.Hour)); err != nil || n != 1 {
		t.Errorf("recent login failures: %d (%v), want 1 kept", n, err)
	}
	if ts, err := f.db.Tokens(ctx, f.dsl.ID); err != nil || len(ts) != 1 || ts[0].Name != "live" {
		t.Errorf("tokens after purge: %+v (%v), want the live one", ts, err)
	}
	if _, _, err := f.db.SessionByHash(ctx, []byte("current-session-hash-0000000000"), now); err != nil {
		t.Errorf("current session: %v", err)
	}
	if ms, err := f.db.OutboxMessages(ctx, lifeguard.OutboxFilter{}); err != nil || len(ms) != 1 || ms[0].State() != lifeguard.OutboxFailed {
		t.Errorf("alerts after purge: %+v (%v), want the one given up lately", ms, err)
	}
}
