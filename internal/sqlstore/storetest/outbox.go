package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// outbox lists every message of the first partnership, oldest first.
func (f *fixture) outbox(t *testing.T) []lifeguard.OutboxMessage {
	t.Helper()
	ms, err := f.db.OutboxMessages(as(t.Context(), f.admin), lifeguard.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(ms)
	return ms
}

func (f *fixture) webhook(t *testing.T, org int64, events ...lifeguard.AlertKind) *lifeguard.Webhook {
	t.Helper()
	w, err := f.db.CreateWebhook(as(t.Context(), f.admin), lifeguard.NewWebhook{OrganisationID: org,
		URL: "https://hooks.example.org/lifeguard", Events: events})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// testOutboxNewConcern: a concern with a route due now or today writes,
// with it, an email to each enabled DSL of its organisation and a call of
// each webhook listening for new concerns there; other concerns write
// none, and a concern that is refused writes nothing.
func testOutboxNewConcern(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	deputy := f.user(t, f.orgA, lifeguard.RoleDSL)
	gone := f.user(t, f.orgA, lifeguard.RoleDSL)
	if _, err := f.db.SetUserDisabled(sys(ctx), gone.ID, true); err != nil {
		t.Fatal(err)
	}
	hookA := f.webhook(t, f.orgA.ID, lifeguard.AlertNewConcern)
	hookAll := f.webhook(t, 0, lifeguard.AlertNewConcern, lifeguard.AlertEscalation)
	f.webhook(t, f.orgB.ID, lifeguard.AlertNewConcern)            // another school's
	f.webhook(t, f.orgA.ID, lifeguard.AlertFilterAlert)           // another event
	removed := f.webhook(t, f.orgA.ID, lifeguard.AlertNewConcern) // removed below
	if err := f.db.RemoveWebhook(as(ctx, f.admin), removed.ID); err != nil {
		t.Fatal(err)
	}

	step(t, "today", func(t *testing.T) {
		c := f.report(t, f.staff)
		ms := f.outbox(t)
		var users, hooks []int64
		for _, m := range ms {
			if m.ConcernID != c.ID || m.Kind != lifeguard.AlertNewConcern || m.Urgency != lifeguard.SameWorkingDay ||
				m.OrganisationID != f.orgA.ID || m.State() != lifeguard.OutboxPending || !m.NextAttemptAt.Equal(f.now()) {
				t.Errorf("message %+v", m)
			}
			users, hooks = append(users, m.UserID), append(hooks, m.WebhookID)
		}
		if want := []int64{f.dsl.ID, deputy.ID, 0, 0}; !slices.Equal(users, want) {
			t.Errorf("emailed users %v, want %v", users, want)
		}
		if want := []int64{0, 0, hookA.ID, hookAll.ID}; !slices.Equal(hooks, want) {
			t.Errorf("webhooks %v, want %v", hooks, want)
		}
	})
	step(t, "immediate wins", func(t *testing.T) {
		before := len(f.outbox(t))
		tr := f.defaultTriage()
		tr.Routes = append(tr.Routes, lifeguard.Route{Code: "EMERGENCY_999", Title: "999",
			Urgency: lifeguard.Immediate, Due: ptr(f.now())})
		if _, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: facts(f.now()), Triage: tr}); err != nil {
			t.Fatal(err)
		}
		ms := f.outbox(t)[before:]
		if len(ms) != 4 || ms[0].Urgency != lifeguard.Immediate {
			t.Errorf("messages %+v, want 4 immediate", ms)
		}
	})
	step(t, "not urgent: none", func(t *testing.T) {
		before := len(f.outbox(t))
		if _, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: facts(f.now()),
			Triage: f.triage(route{"ADVICE_PARENTS", 0})}); err != nil {
			t.Fatal(err)
		}
		if n := len(f.outbox(t)); n != before {
			t.Errorf("%d messages written for a concern with no urgent route", n-before)
		}
	})
	step(t, "refused: none", func(t *testing.T) {
		before := len(f.outbox(t))
		bad := facts(f.now())
		bad.Setting = "nowhere"
		if _, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: bad, Triage: f.defaultTriage()}); err == nil {
			t.Fatal("bad facts recorded")
		}
		if n := len(f.outbox(t)); n != before {
			t.Errorf("%d messages written for a refused concern", n-before)
		}
	})
	step(t, "other partnership sees none", func(t *testing.T) {
		ms, err := f.db.OutboxMessages(as(ctx, f.adminC), lifeguard.OutboxFilter{})
		if err != nil || len(ms) != 0 {
			t.Errorf("adminC sees %d messages, %v", len(ms), err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

// testOutboxDelivery: claims lease a message to one holder at a time;
// each attempt is recorded; a failure waits until its next attempt, a
// give-up shows as failed until an administrator retries it.
func testOutboxDelivery(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	hook := f.webhook(t, f.orgA.ID, lifeguard.AlertNewConcern)
	c := f.report(t, f.staff)
	both := []lifeguard.Channel{lifeguard.ChannelEmail, lifeguard.ChannelWebhook}
	claim := func(holder string, chs ...lifeguard.Channel) []lifeguard.OutboxDelivery {
		t.Helper()
		ds, err := f.db.ClaimOutbox(ctx, lifeguard.OutboxClaim{Holder: holder, Until: f.now().Add(time.Minute),
			Channels: chs, Limit: 10}, f.now())
		if err != nil {
			t.Fatal(err)
		}
		return ds
	}
	var email, call lifeguard.OutboxDelivery
	step(t, "claim", func(t *testing.T) {
		ds := claim("a", lifeguard.ChannelWebhook)
		if len(ds) != 1 || ds[0].URL != hook.URL || ds[0].Secret != hook.Secret || ds[0].Message.ConcernID != c.ID {
			t.Fatalf("webhook claim %+v", ds)
		}
		call = ds[0]
		ds = claim("b", both...)
		if len(ds) != 1 || ds[0].Address != strings.ToLower(f.dsl.Email) || ds[0].Message.UserID != f.dsl.ID {
			t.Fatalf("email claim %+v", ds)
		}
		email = ds[0]
		if ds := claim("c", both...); len(ds) != 0 {
			t.Errorf("leased messages claimed again: %+v", ds)
		}
	})
	step(t, "lost lease", func(t *testing.T) {
		err := f.db.FinishOutbox(ctx, email.Message.ID, "a", f.now(), lifeguard.OutboxResult{})
		wantCode(t, err, lifeguard.ECONFLICT)
	})
	step(t, "delivered", func(t *testing.T) {
		if err := f.db.FinishOutbox(ctx, call.Message.ID, "a", f.now(), lifeguard.OutboxResult{}); err != nil {
			t.Fatal(err)
		}
		err := f.db.FinishOutbox(ctx, call.Message.ID, "a", f.now(), lifeguard.OutboxResult{})
		wantCode(t, err, lifeguard.ECONFLICT)
	})
	step(t, "failed, then due again", func(t *testing.T) {
		next := f.now().Add(30 * time.Second)
		if err := f.db.FinishOutbox(ctx, email.Message.ID, "b", f.now(), lifeguard.OutboxResult{
			Error: "connection refused", Next: next}); err != nil {
			t.Fatal(err)
		}
		if ds := claim("c", both...); len(ds) != 0 {
			t.Errorf("claimed before its next attempt: %+v", ds)
		}
		f.clock.Advance(30 * time.Second)
		ds := claim("c", both...)
		if len(ds) != 1 || ds[0].Message.Attempts != 1 || ds[0].Message.LastError != "connection refused" {
			t.Fatalf("claim after back-off %+v", ds)
		}
	})
	step(t, "a lapsed lease is taken over", func(t *testing.T) {
		f.clock.Advance(2 * time.Minute)
		ds := claim("d", both...)
		if len(ds) != 1 {
			t.Fatalf("lapsed lease not taken over: %+v", ds)
		}
		wantCode(t, f.db.FinishOutbox(ctx, email.Message.ID, "c", f.now(), lifeguard.OutboxResult{}), lifeguard.ECONFLICT)
		if err := f.db.FinishOutbox(ctx, email.Message.ID, "d", f.now(), lifeguard.OutboxResult{Error: "535 auth failed"}); err != nil {
			t.Fatal(err)
		}
	})
	step(t, "given up shows as failed", func(t *testing.T) {
		ms, err := f.db.OutboxMessages(as(t.Context(), f.admin), lifeguard.OutboxFilter{State: lifeguard.OutboxFailed})
		if err != nil || len(ms) != 1 || ms[0].ID != email.Message.ID || ms[0].Attempts != 2 {
			t.Fatalf("failed %+v, %v", ms, err)
		}
		xs, err := f.db.OutboxAttempts(as(t.Context(), f.admin), email.Message.ID)
		if err != nil || len(xs) != 2 || xs[0].Holder != "b" || xs[1].Error != "535 auth failed" {
			t.Fatalf("attempts %+v, %v", xs, err)
		}
		if ds := claim("e", both...); len(ds) != 0 {
			t.Errorf("a given-up message was claimed: %+v", ds)
		}
	})
	step(t, "retry", func(t *testing.T) {
		wantCode(t, f.db.RetryOutbox(as(t.Context(), f.dsl), email.Message.ID), lifeguard.EFORBIDDEN)
		wantCode(t, f.db.RetryOutbox(as(t.Context(), f.adminC), email.Message.ID), lifeguard.ENOTFOUND)
		wantCode(t, f.db.RetryOutbox(as(t.Context(), f.admin), call.Message.ID), lifeguard.ECONFLICT)
		if err := f.db.RetryOutbox(as(t.Context(), f.admin), email.Message.ID); err != nil {
			t.Fatal(err)
		}
		ds := claim("e", both...)
		if len(ds) != 1 || !ds[0].Message.RetryFrom.Equal(f.now()) {
			t.Fatalf("retried message not claimed afresh: %+v", ds)
		}
	})
	step(t, "disabled recipient", func(t *testing.T) {
		if _, err := f.db.SetUserDisabled(ctx, f.dsl.ID, true); err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(2 * time.Minute)
		ds := claim("f", both...)
		if len(ds) != 1 || ds[0].Gone == "" {
			t.Fatalf("a disabled recipient's message: %+v", ds)
		}
	})
	step(t, "bad claims", func(t *testing.T) {
		_, err := f.db.ClaimOutbox(ctx, lifeguard.OutboxClaim{Holder: "a", Until: f.now().Add(time.Minute),
			Channels: []lifeguard.Channel{"pigeon"}, Limit: 0}, f.now())
		wantProblem(t, err, "limit")
		wantProblem(t, err, "channels")
		_, err = f.db.OutboxMessages(as(t.Context(), f.admin), lifeguard.OutboxFilter{State: "lost"})
		wantProblem(t, err, "state")
	})
}

// testWebhooks: an administrator makes, lists and removes the webhooks of
// their partnership; the secret is shown once; a URL that is not https
// (except to loopback) and unknown events are refused, naming the field.
func testWebhooks(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := as(t.Context(), f.admin)
	for _, tc := range []struct{ url, path string }{
		{"http://hooks.example.org/x", "url"},
		{"ftp://hooks.example.org/x", "url"},
		{"hooks.example.org/x", "url"},
		{"https://user:pw@hooks.example.org/x", "url"},
		{"", "url"},
	} {
		_, err := f.db.CreateWebhook(ctx, lifeguard.NewWebhook{URL: tc.url, Events: lifeguard.WebhookEvents()})
		wantProblem(t, err, tc.path)
	}
	_, err := f.db.CreateWebhook(ctx, lifeguard.NewWebhook{URL: "https://x.example.org/", Events: []lifeguard.AlertKind{"digest"}})
	wantProblem(t, err, "events")
	_, err = f.db.CreateWebhook(ctx, lifeguard.NewWebhook{URL: "https://x.example.org/"})
	wantProblem(t, err, "events")
	_, err = f.db.CreateWebhook(ctx, lifeguard.NewWebhook{OrganisationID: f.orgC.ID, URL: "https://x.example.org/",
		Events: lifeguard.WebhookEvents()})
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, err = f.db.CreateWebhook(as(t.Context(), f.dsl), lifeguard.NewWebhook{URL: "https://x.example.org/",
		Events: lifeguard.WebhookEvents()})
	wantCode(t, err, lifeguard.EFORBIDDEN)

	local, err := f.db.CreateWebhook(ctx, lifeguard.NewWebhook{URL: "http://127.0.0.1:9999/hook",
		Events: []lifeguard.AlertKind{lifeguard.AlertEscalation, lifeguard.AlertNewConcern, lifeguard.AlertNewConcern}})
	if err != nil {
		t.Fatal(err)
	}
	if len(local.Secret) != 64 || !slices.Equal(local.Events, []lifeguard.AlertKind{lifeguard.AlertNewConcern, lifeguard.AlertEscalation}) {
		t.Errorf("webhook %+v", local)
	}
	ws, err := f.db.Webhooks(ctx)
	if err != nil || len(ws) != 1 || ws[0].Secret != "" || ws[0].URL != local.URL || ws[0].PartnershipID != f.p1.ID {
		t.Fatalf("webhooks %+v, %v", ws, err)
	}
	if ws, err := f.db.Webhooks(as(t.Context(), f.adminC)); err != nil || len(ws) != 0 {
		t.Errorf("another partnership's administrator sees %+v, %v", ws, err)
	}
	wantCode(t, f.db.RemoveWebhook(as(t.Context(), f.adminC), local.ID), lifeguard.ENOTFOUND)
	if err := f.db.RemoveWebhook(ctx, local.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, f.db.RemoveWebhook(ctx, local.ID), lifeguard.ENOTFOUND)
	if ws, _ := f.db.Webhooks(ctx); len(ws) != 0 {
		t.Errorf("removed webhook listed: %+v", ws)
	}
}
