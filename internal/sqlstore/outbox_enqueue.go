package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Alerts are written with the event that causes them: any store code that
// needs to tell someone calls enqueue inside its own write transaction, so
// the alert commits or rolls back with the event. What is written is codes
// and ids; the delivery job (internal/jobs) makes the words later.

// enqueue writes msgs to the outbox in t, due at now, and journals them
// as one entry against the record they are about (codes and ids only). A
// message with a DedupeKey already in the outbox is not written again.
// Kind, channel and recipient must be set; the organisation too.
func enqueue(ctx context.Context, t *tx, a *lifeguard.Actor, now time.Time, msgs ...lifeguard.OutboxMessage) error {
	detail, err := enqueueQuiet(ctx, t, now, msgs...)
	if err != nil || detail == "" {
		return err
	}
	m := msgs[0]
	record, recordID := "organisation", m.OrganisationID
	if m.ConcernID != 0 {
		record, recordID = jConcern, m.ConcernID
	}
	return journal(ctx, t, a, now, jCreate, record, recordID, detail)
}

// enqueueQuiet is enqueue for a caller that journals the event itself:
// it returns what to add to the event's journal detail ("" when nothing
// was written), so that one entry tells of the event and its alerts.
// Every message goes in one statement: on PostgreSQL each statement is a
// round trip, and alerts ride on the create path.
func enqueueQuiet(ctx context.Context, t *tx, now time.Time, msgs ...lifeguard.OutboxMessage) (string, error) {
	if len(msgs) == 0 {
		return "", nil
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO outbox (kind, channel, user_id, webhook_id, organisation_id, concern_id, record_id,
		urgency, dedupe_key, created_at, retry_from, next_attempt_at) VALUES `)
	args := make([]any, 0, 12*len(msgs))
	for i, m := range msgs {
		if err := checkOutboxMessage(&m); err != nil {
			return "", err
		}
		var key any
		if m.DedupeKey != "" {
			key = m.DedupeKey
		}
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, string(m.Kind), string(m.Channel), nullID(m.UserID), nullID(m.WebhookID), m.OrganisationID,
			nullID(m.ConcernID), nullID(m.RecordID), string(m.Urgency), key, micros(now), micros(now), micros(now))
	}
	// ON CONFLICT DO NOTHING is the same on both engines: a message whose
	// key is there already returns no row.
	q.WriteString(" ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, user_id, webhook_id")
	var ids, users, hooks []int64
	err := each(ctx, t, q.String(), args, func(scan func(...any) error) error {
		var id int64
		var user, hook sql.NullInt64
		if err := scan(&id, &user, &hook); err != nil {
			return err
		}
		ids = append(ids, id)
		if user.Valid {
			users = append(users, user.Int64)
		} else {
			hooks = append(hooks, hook.Int64)
		}
		return nil
	})
	if err != nil || len(ids) == 0 {
		return "", err
	}
	t.enqueued = true
	// The order of RETURNING rows is the engine's; the journal's is not.
	slices.Sort(ids)
	slices.Sort(users)
	slices.Sort(hooks)
	m := msgs[0]
	detail := fmt.Sprintf("alert=%s urgency=%s outbox=%s", m.Kind, m.Urgency, idList(ids))
	if len(users) > 0 {
		detail += " email_users=" + idList(users)
	}
	if len(hooks) > 0 {
		detail += " webhooks=" + idList(hooks)
	}
	if m.RecordID != 0 {
		detail += fmt.Sprintf(" record=%d", m.RecordID)
	}
	return detail, nil
}

// checkOutboxMessage catches a caller's mistake before the database does,
// with a message that says which.
func checkOutboxMessage(m *lifeguard.OutboxMessage) error {
	var p problems
	if !m.Kind.Valid() {
		p.add("kind", "is not a known alert kind")
	}
	switch m.Channel {
	case lifeguard.ChannelEmail:
		if m.UserID == 0 || m.WebhookID != 0 {
			p.add("user_id", "an email goes to one user, and to no webhook")
		}
	case lifeguard.ChannelWebhook:
		if m.WebhookID == 0 || m.UserID != 0 {
			p.add("webhook_id", "a webhook call goes to one webhook, and to no user")
		}
	default:
		p.add("channel", "must be email or webhook")
	}
	if m.OrganisationID == 0 {
		p.add("organisation_id", "is required")
	}
	if m.Urgency != "" && !m.Urgency.Valid() {
		p.add("urgency", "is not a known urgency")
	}
	return p.err("The alert is not valid")
}

// alertUrgency is the urgency that makes a new concern an alert at once,
// the strictest among its routes; "" when none is that urgent, and the
// concern waits for a digest. It is immediate only when a route needs the
// lead now (lifeguard.Route.NeedsLeadNow). An immediate route that is an
// instruction to the reporter ("keep the evidence") asks nothing of the
// lead at once, but the lead should know of it the same day, so it alerts
// as same-day work: as "keep the evidence" comes with almost every
// concern, counting it as immediate would page the leads for each one.
func alertUrgency(t *lifeguard.Triage) lifeguard.Urgency {
	var u lifeguard.Urgency
	for i := range t.Routes {
		r := &t.Routes[i]
		ru := r.Urgency
		if ru == lifeguard.Immediate && !r.NeedsLeadNow() {
			ru = lifeguard.SameWorkingDay
		}
		if ru.Rank() <= lifeguard.SameWorkingDay.Rank() && (u == "" || ru.Rank() < u.Rank()) {
			u = ru
		}
	}
	return u
}

// alertNewConcern writes the alerts of concern c, just inserted in t: when
// any route is due now or the same working day, an email to each of
// newConcernRecipients and a call of each webhook that listens for new
// concerns of c's organisation. It returns the words for the concern's
// journal entry, "" when there is no alert.
func alertNewConcern(ctx context.Context, t *tx, now time.Time, c *lifeguard.Concern) (string, error) {
	u := alertUrgency(&c.Triage)
	if u == "" {
		return "", nil
	}
	base := lifeguard.OutboxMessage{Kind: lifeguard.AlertNewConcern, OrganisationID: c.OrganisationID,
		ConcernID: c.ID, Urgency: u}
	users, err := newConcernRecipients(ctx, t, c.OrganisationID, u)
	if err != nil {
		return "", err
	}
	hooks, err := webhooksFor(ctx, t, c.OrganisationID, lifeguard.AlertNewConcern)
	if err != nil {
		return "", err
	}
	msgs := make([]lifeguard.OutboxMessage, 0, len(users)+len(hooks))
	for _, id := range users {
		m := base
		m.Channel, m.UserID = lifeguard.ChannelEmail, id
		msgs = append(msgs, m)
	}
	for _, id := range hooks {
		m := base
		m.Channel, m.WebhookID = lifeguard.ChannelWebhook, id
		msgs = append(msgs, m)
	}
	return enqueueQuiet(ctx, t, now, msgs...)
}

// newConcernRecipients chooses who is emailed at once about a new concern
// of organisation org whose strictest route has urgency u: the
// organisation's enabled designated safeguarding leads and deputies (users
// of role dsl). This is the one place that choice is made; per-user
// preferences narrow it here.
func newConcernRecipients(ctx context.Context, t *tx, org int64, u lifeguard.Urgency) ([]int64, error) {
	_ = u // every urgency that alerts at all reaches every DSL, for now
	return scanAll(ctx, t, `SELECT id FROM users WHERE organisation_id = ? AND role = ? AND disabled = ? ORDER BY id`,
		[]any{org, string(lifeguard.RoleDSL), false}, scanID)
}

// webhooksFor returns the webhooks, not removed, that listen for kind in
// organisation org: its own and its partnership's.
func webhooksFor(ctx context.Context, t *tx, org int64, kind lifeguard.AlertKind) ([]int64, error) {
	var ids []int64
	err := each(ctx, t, `SELECT w.id, w.events FROM webhooks w JOIN organisations o ON o.partnership_id = w.partnership_id
		WHERE o.id = ? AND w.removed_at IS NULL AND (w.organisation_id IS NULL OR w.organisation_id = o.id)
		ORDER BY w.id`, []any{org}, func(scan func(...any) error) error {
		var id int64
		var events string
		if err := scan(&id, &events); err != nil {
			return err
		}
		for e := range strings.SplitSeq(events, ",") {
			if e == string(kind) {
				ids = append(ids, id)
				break
			}
		}
		return nil
	})
	return ids, err
}

// wakeOutbox tells the delivery job, if it is listening, that messages
// were committed; a wake already pending is enough.
func (db *DB) wakeOutbox() {
	select {
	case db.outboxWake <- struct{}{}:
	default:
	}
}

// OutboxWritten receives after a commit that wrote to the outbox, so that
// the delivery job can send at once rather than at its next tick. One
// listener; a wake may stand for several commits.
func (db *DB) OutboxWritten() <-chan struct{} { return db.outboxWake }
