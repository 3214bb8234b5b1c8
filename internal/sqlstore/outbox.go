package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.OutboxStore = (*DB)(nil)

// Delivery leases messages the way the job table leases slots (job.go):
// the claim is decided in a write transaction, and write transactions are
// serialised across every server, so two servers never lease the same
// message at once. A server that dies mid-delivery stops holding its
// lease when it lapses, and the message is delivered by another: at least
// once. The one window for a second copy is a server that dies after the
// receiver accepted the message and before its delivery was recorded.

func errNoMessage() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such message.")
}

func errLostMessage() error {
	return lifeguard.Errorf(lifeguard.ECONFLICT, "This server no longer holds the message's lease.")
}

// outboxColumns are the columns scanOutbox reads, with the table as m.
const outboxColumns = `m.id, m.kind, m.channel, m.user_id, m.webhook_id, m.organisation_id, m.concern_id, m.record_id,
	m.urgency, m.created_at, m.retry_from, m.next_attempt_at, m.attempts, m.last_error, m.delivered_at, m.failed_at`

// scanOutbox reads outboxColumns, then extra.
func scanOutbox(scan func(...any) error, extra ...any) (*lifeguard.OutboxMessage, error) {
	var m lifeguard.OutboxMessage
	var kind, channel, urgency string
	var user, hook, concern, record, delivered, failed sql.NullInt64
	var created, retry, next int64
	dest := append([]any{&m.ID, &kind, &channel, &user, &hook, &m.OrganisationID, &concern, &record,
		&urgency, &created, &retry, &next, &m.Attempts, &m.LastError, &delivered, &failed}, extra...)
	if err := scan(dest...); err != nil {
		return nil, err
	}
	m.Kind, m.Channel, m.Urgency = lifeguard.AlertKind(kind), lifeguard.Channel(channel), lifeguard.Urgency(urgency)
	m.UserID, m.WebhookID, m.ConcernID, m.RecordID = user.Int64, hook.Int64, concern.Int64, record.Int64
	m.CreatedAt, m.RetryFrom, m.NextAttemptAt = fromMicros(created), fromMicros(retry), fromMicros(next)
	m.DeliveredAt, m.FailedAt = timePtr(delivered), timePtr(failed)
	return &m, nil
}

// ClaimOutbox leases up to c.Limit due messages of c.Channels to c.Holder
// until c.Until, oldest due first, and returns them with their
// recipients' addresses.
func (db *DB) ClaimOutbox(ctx context.Context, c lifeguard.OutboxClaim, now time.Time) ([]lifeguard.OutboxDelivery, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var p problems
	p.text("holder", c.Holder, 200, true)
	if c.Limit < 1 || c.Limit > 500 {
		p.add("limit", "must be 1 to 500")
	}
	if !c.Until.After(now) {
		p.add("until", "must be after now")
	}
	var channels []string
	for _, ch := range c.Channels {
		if ch != lifeguard.ChannelEmail && ch != lifeguard.ChannelWebhook {
			p.add("channels", "must be email or webhook")
		}
		channels = append(channels, string(ch))
	}
	if err := p.err("The claim is not valid"); err != nil {
		return nil, err
	}
	if len(channels) == 0 {
		return nil, nil
	}
	// Every server asks every minute, and mostly nothing is due: a read
	// says so without taking the write lock.
	due := false
	dueArgs := []any{micros(now), micros(now)}
	for _, ch := range channels {
		dueArgs = append(dueArgs, ch)
	}
	if err := db.inRead(ctx, "outbox due", func(t *tx) error {
		return t.row(ctx, `SELECT EXISTS (SELECT 1 FROM outbox
			WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
			AND (lease_until IS NULL OR lease_until <= ?)
			AND channel IN (?`+strings.Repeat(", ?", len(channels)-1)+`))`, dueArgs...).Scan(&due)
	}); err != nil || !due {
		return nil, err
	}
	var out []lifeguard.OutboxDelivery
	err := db.inWrite(ctx, "claim outbox", func(t *tx) error {
		out = out[:0]
		args := []any{micros(now), micros(now)}
		for _, ch := range channels {
			args = append(args, ch)
		}
		args = append(args, c.Limit)
		ids, err := scanAll(ctx, t, `SELECT id FROM outbox
			WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
			AND (lease_until IS NULL OR lease_until <= ?)
			AND channel IN (?`+strings.Repeat(", ?", len(channels)-1)+`)
			ORDER BY next_attempt_at, id LIMIT ?`, args, scanID)
		if err != nil || len(ids) == 0 {
			return err
		}
		for _, id := range ids {
			if _, err := t.exec(ctx, `UPDATE outbox SET lease_holder = ?, lease_until = ? WHERE id = ?`,
				c.Holder, micros(c.Until), id); err != nil {
				return err
			}
			d, err := delivery(ctx, t, id)
			if err != nil {
				return err
			}
			out = append(out, *d)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// delivery reads message id with what sending it needs.
func delivery(ctx context.Context, t *tx, id int64) (*lifeguard.OutboxDelivery, error) {
	var email, url, secret sql.NullString
	var disabled sql.NullBool
	var removed sql.NullInt64
	m, err := scanOutbox(t.row(ctx, `SELECT `+outboxColumns+`, u.email, u.disabled, w.url, w.secret, w.removed_at
		FROM outbox m LEFT JOIN users u ON u.id = m.user_id LEFT JOIN webhooks w ON w.id = m.webhook_id
		WHERE m.id = ?`, id).Scan, &email, &disabled, &url, &secret, &removed)
	if err != nil {
		return nil, err
	}
	d := &lifeguard.OutboxDelivery{Message: *m, Address: email.String, URL: url.String, Secret: secret.String}
	if m.Kind == lifeguard.AlertDigest {
		var c lifeguard.DigestCounts
		var kind string
		err := t.row(ctx, `SELECT kind, concerns, captures FROM alert_digests WHERE id = ?`, m.RecordID).Scan(&kind, &c.Concerns, &c.Captures)
		switch {
		case err == nil:
			c.Kind = lifeguard.DigestKind(kind)
			d.Digest = &c
		case !errors.Is(err, sql.ErrNoRows):
			return nil, err
		}
	}
	switch {
	case m.Channel == lifeguard.ChannelEmail && disabled.Bool:
		d.Gone = "the recipient's account is disabled"
	case m.Channel == lifeguard.ChannelWebhook && removed.Valid:
		d.Gone = "the webhook was removed"
	}
	return d, nil
}

// FinishOutbox records an attempt to deliver message id by holder, and
// its outcome: delivered; due again at r.Next; or, with no Next, given up.
// The lease is released either way.
func (db *DB) FinishOutbox(ctx context.Context, id int64, holder string, now time.Time, r lifeguard.OutboxResult) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	var p problems
	p.check("holder", holder)
	p.text("error", r.Error, 1000, false)
	if err := p.err("The outcome is not valid"); err != nil {
		return err
	}
	return db.inWrite(ctx, "finish outbox", func(t *tx) error {
		var q string
		args := []any{micros(now)}
		switch {
		case r.Error == "":
			q = `delivered_at = ?, last_error = ''`
		case r.Next.IsZero():
			q, args = `failed_at = ?, last_error = ?`, append(args, r.Error)
		default:
			q, args = `next_attempt_at = ?, last_error = ?`, []any{micros(r.Next), r.Error}
		}
		res, err := t.exec(ctx, `UPDATE outbox SET `+q+`, attempts = attempts + 1, lease_holder = '', lease_until = NULL
			WHERE id = ? AND lease_holder = ? AND delivered_at IS NULL AND failed_at IS NULL`,
			append(args, id, holder)...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err == nil {
				err = errLostMessage()
			}
			return err
		}
		_, err = t.exec(ctx, `INSERT INTO outbox_attempts (outbox_id, at, holder, error) VALUES (?, ?, ?, ?)`,
			id, micros(now), holder, r.Error)
		return err
	})
}

// outboxScope is the SQL condition, on the message m and its organisation
// o, that selects the messages a may administer: every one for the
// system, its partnership's for an administrator; EFORBIDDEN for others.
func outboxScope(a *lifeguard.Actor) (string, []any, error) {
	switch a.May(lifeguard.OpAdminister) {
	case lifeguard.ReachAll:
		return `1 = 1`, nil, nil
	case lifeguard.ReachPartnership:
		return `o.partnership_id = ?`, []any{a.PartnershipID}, nil
	}
	return "", nil, errAdminOnly()
}

// OutboxMessages lists messages of the administrator's partnership: with
// f.State pending, those not yet delivered, due first; failed, those given
// up, newest first; delivered, the latest delivered; none, the latest.
func (db *DB) OutboxMessages(ctx context.Context, f lifeguard.OutboxFilter) ([]lifeguard.OutboxMessage, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	scope, args, err := outboxScope(a)
	if err != nil {
		return nil, err
	}
	if f.Limit == 0 {
		f.Limit = 100
	}
	var p problems
	if f.Limit < 1 || f.Limit > 500 {
		p.add("limit", "must be 1 to 500")
	}
	var where, order string
	switch f.State {
	case lifeguard.OutboxPending:
		where, order = `m.delivered_at IS NULL AND m.failed_at IS NULL`, `m.next_attempt_at, m.id`
	case lifeguard.OutboxFailed:
		where, order = `m.failed_at IS NOT NULL`, `m.failed_at DESC, m.id DESC`
	case lifeguard.OutboxDelivered:
		where, order = `m.delivered_at IS NOT NULL`, `m.id DESC`
	case "":
		where, order = `1 = 1`, `m.id DESC`
	default:
		p.add("state", "must be pending, failed or delivered")
	}
	if err := p.err("The list is not valid"); err != nil {
		return nil, err
	}
	return readAll(ctx, db, "outbox messages", `SELECT `+outboxColumns+` FROM outbox m
		JOIN organisations o ON o.id = m.organisation_id
		WHERE `+scope+` AND `+where+` ORDER BY `+order+` LIMIT ?`, append(args, f.Limit),
		func(scan func(...any) error) (*lifeguard.OutboxMessage, error) { return scanOutbox(scan) })
}

// outboxFor reads message id's organisation's partnership and checks
// that a may administer it: ENOTFOUND for one beyond a's reach.
func outboxFor(ctx context.Context, t *tx, a *lifeguard.Actor, id int64) (org int64, delivered bool, err error) {
	if !isAdmin(a) {
		return 0, false, errAdminOnly()
	}
	var p int64
	var d sql.NullInt64
	err = t.row(ctx, `SELECT m.organisation_id, o.partnership_id, m.delivered_at FROM outbox m
		JOIN organisations o ON o.id = m.organisation_id WHERE m.id = ?`, id).Scan(&org, &p, &d)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, errNoMessage()
	}
	if err != nil {
		return 0, false, err
	}
	if !a.May(lifeguard.OpAdminister).Covers(a.Near(0, org, p)) {
		return 0, false, errNoMessage()
	}
	return org, d.Valid, nil
}

// OutboxAttempts lists the attempts to deliver message id, oldest first.
func (db *DB) OutboxAttempts(ctx context.Context, id int64) ([]lifeguard.OutboxAttempt, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.OutboxAttempt
	err = db.inRead(ctx, "outbox attempts", func(t *tx) error {
		if _, _, err := outboxFor(ctx, t, a, id); err != nil {
			return err
		}
		var err error
		out, err = scanAll(ctx, t, `SELECT at, holder, error FROM outbox_attempts WHERE outbox_id = ? ORDER BY id LIMIT 1000`,
			[]any{id}, func(scan func(...any) error) (*lifeguard.OutboxAttempt, error) {
				var x lifeguard.OutboxAttempt
				var at int64
				if err := scan(&at, &x.Holder, &x.Error); err != nil {
					return nil, err
				}
				x.At = fromMicros(at)
				return &x, nil
			})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RetryOutbox makes message id due now, its back-off started afresh, and
// journals who asked.
func (db *DB) RetryOutbox(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, "retry outbox", func(t *tx) error {
		_, delivered, err := outboxFor(ctx, t, a, id)
		if err != nil {
			return err
		}
		if delivered {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The message was delivered already.")
		}
		now := db.now()
		if _, err := t.exec(ctx, `UPDATE outbox SET failed_at = NULL, retry_from = ?, next_attempt_at = ? WHERE id = ?`,
			micros(now), micros(now), id); err != nil {
			return err
		}
		t.enqueued = true
		return journal(ctx, t, a, now, jUpdate, "outbox", id, "retry")
	})
}
