package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.AlertJobStore = (*DB)(nil)

// The alerts the scheduled jobs write (lifeguard.AlertJobStore). Each
// marks what it alerted (concerns.escalated_at, a row of alert_digests) in
// the transaction that writes the outbox rows, so a job run twice over the
// same slot, or by two servers, finds the mark and writes nothing more.
// What is written is ids and codes; the journal names the concerns.

// alertLookback bounds how far back the escalation job looks: it covers
// servers down over a long weekend without a first run on old data
// escalating every concern ever recorded.
const alertLookback = 7 * 24 * time.Hour

// alertBatch bounds one write transaction of the escalation job.
const alertBatch = 200

// jAlertDigest is the journal's record of a digest sent.
const jAlertDigest = "alert_digest"

func errNoDigest() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such digest.") }

// EscalateUnopened escalates the immediate concerns no DSL or deputy has
// opened in time; see lifeguard.AlertJobStore.
//
// "Immediate" is lead_now_due being set: a route that needs the lead now
// (lifeguard.Route.NeedsLeadNow) is still undecided. An immediate route
// that is an instruction to the reporter ("keep the evidence") does not
// count: it asks nothing of the lead, and were it counted the head teacher
// would be told of nearly every concern left unopened for a quarter hour.
func (db *DB) EscalateUnopened(ctx context.Context, now time.Time) (int, error) {
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	a := lifeguard.ActorFrom(ctx)
	total := 0
	for {
		found := 0
		err := db.inWrite(ctx, "escalate unopened", func(t *tx) error {
			type due struct{ concern, org int64 }
			var list []due
			err := each(ctx, t, `SELECT c.id, c.organisation_id FROM concerns c
				LEFT JOIN alert_settings s ON s.organisation_id = c.organisation_id
				WHERE c.escalated_at IS NULL AND c.first_opened_at IS NULL AND c.status <> 'closed'
				AND c.lead_now_due IS NOT NULL AND c.created_at > ?
				AND c.created_at + COALESCE(s.escalate_after, ?) * CAST(60000000 AS BIGINT) <= ?
				ORDER BY c.created_at, c.id LIMIT ?`,
				[]any{micros(now.Add(-alertLookback)), lifeguard.DefaultEscalateAfter, micros(now), alertBatch},
				func(scan func(...any) error) error {
					var d due
					if err := scan(&d.concern, &d.org); err != nil {
						return err
					}
					list = append(list, d)
					return nil
				})
			if err != nil {
				return err
			}
			found = len(list)
			for _, d := range list {
				n, err := escalate(ctx, t, a, now, d.concern, d.org)
				if err != nil {
					return err
				}
				total += n
			}
			return nil
		})
		if err != nil || found < alertBatch {
			return total, err
		}
	}
}

// escalate marks concern of organisation org escalated and writes its
// alerts: an email to each on the escalation list who wants escalations
// (the organisation's managers when the list is empty), and a call of each
// webhook listening for escalations. One journal entry names them, or
// says that nobody could be told.
func escalate(ctx context.Context, t *tx, a *lifeguard.Actor, now time.Time, concern, org int64) (int, error) {
	if _, err := t.exec(ctx, `UPDATE concerns SET escalated_at = ? WHERE id = ?`, micros(now), concern); err != nil {
		return 0, err
	}
	users, err := escalationRecipients(ctx, t, org)
	if err != nil {
		return 0, err
	}
	hooks, err := webhooksFor(ctx, t, org, lifeguard.AlertEscalation)
	if err != nil {
		return 0, err
	}
	base := lifeguard.OutboxMessage{Kind: lifeguard.AlertEscalation, OrganisationID: org, ConcernID: concern,
		Urgency: lifeguard.Immediate}
	msgs := make([]lifeguard.OutboxMessage, 0, len(users)+len(hooks))
	for _, id := range users {
		m := base
		m.Channel, m.UserID, m.DedupeKey = lifeguard.ChannelEmail, id, fmt.Sprintf("escalation:%d:u%d", concern, id)
		msgs = append(msgs, m)
	}
	for _, id := range hooks {
		m := base
		m.Channel, m.WebhookID, m.DedupeKey = lifeguard.ChannelWebhook, id, fmt.Sprintf("escalation:%d:w%d", concern, id)
		msgs = append(msgs, m)
	}
	detail, err := enqueueQuiet(ctx, t, now, msgs...)
	if err != nil {
		return 0, err
	}
	if detail == "" {
		detail = "alert=escalation nobody to tell"
	}
	return len(msgs), journal(ctx, t, a, now, jUpdate, jConcern, concern, "escalated "+detail)
}

// escalationRecipients is who is emailed when an immediate concern of org
// is not opened in time: the organisation's escalation list, in its order,
// or its managers when the list is empty; only those still enabled users
// of the organisation who have not turned escalations off.
func escalationRecipients(ctx context.Context, t *tx, org int64) ([]int64, error) {
	s, err := alertSettingsOf(ctx, t, org)
	if err != nil {
		return nil, err
	}
	list := s.EscalationList
	if len(list) == 0 {
		list, err = scanAll(ctx, t, `SELECT id FROM users WHERE organisation_id = ? AND role = ? ORDER BY id`,
			[]any{org, string(lifeguard.RoleManager)}, scanID)
		if err != nil {
			return nil, err
		}
	}
	var out []int64
	for _, id := range list {
		var wants bool
		err := t.row(ctx, `SELECT COALESCE(p.escalations, ?) FROM users u
			LEFT JOIN alert_preferences p ON p.user_id = u.id
			WHERE u.id = ? AND u.organisation_id = ? AND u.disabled = ?`, true, id, org, false).Scan(&wants)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if wants {
			out = append(out, id)
		}
	}
	return out, nil
}

// digestLeads is the organisation's enabled DSLs and deputies who want
// the digest of kind.
func digestLeads(ctx context.Context, t *tx, org int64, kind lifeguard.DigestKind) ([]int64, error) {
	col := "p.digest"
	if kind == lifeguard.DigestOverdue {
		col = "p.overdue_digest"
	}
	return wantingLeads(ctx, t, org, col)
}

// wantingLeads is the organisation's enabled DSLs and deputies whose
// preference column col (of alert_preferences p) is on, as it is for
// those who never chose.
func wantingLeads(ctx context.Context, t *tx, org int64, col string) ([]int64, error) {
	return scanAll(ctx, t, `SELECT u.id FROM users u LEFT JOIN alert_preferences p ON p.user_id = u.id
		WHERE u.organisation_id = ? AND u.role = ? AND u.disabled = ? AND COALESCE(`+col+`, ?) = ?
		ORDER BY u.id`, []any{org, string(lifeguard.RoleDSL), false, true, true}, scanID)
}

// SendDigests sends the digests of kind that are due; see
// lifeguard.AlertJobStore. Each organisation's digest is its own
// transaction: the row that marks it sent, its outbox rows and its journal
// entry commit together.
func (db *DB) SendDigests(ctx context.Context, kind lifeguard.DigestKind, now time.Time) (int, error) {
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	if kind != lifeguard.DigestNew && kind != lifeguard.DigestOverdue {
		return 0, lifeguard.Invalid("The digest is not valid", []lifeguard.Problem{{Path: "kind",
			Problem: "must be digest or overdue"}})
	}
	a := lifeguard.ActorFrom(ctx)
	type orgDue struct {
		org  int64
		slot time.Time
	}
	var due []orgDue
	err := db.inRead(ctx, "digests due", func(t *tx) error {
		due = due[:0]
		// Each organisation's digest time, and the slot of its last digest
		// of kind: a slot after that one is due. (Comparing slots, not
		// days, lets a changed time take effect at once.)
		// The subquery reads one entry of the unique index per organisation.
		return each(ctx, t, `SELECT o.id, COALESCE(s.digest_at, ?), COALESCE(s.zone, ?),
				(SELECT MAX(d.slot) FROM alert_digests d WHERE d.organisation_id = o.id AND d.kind = ?)
			FROM organisations o LEFT JOIN alert_settings s ON s.organisation_id = o.id
			ORDER BY o.id`, []any{lifeguard.DefaultDigestAt, lifeguard.DefaultAlertZone, string(kind)},
			func(scan func(...any) error) error {
				s := lifeguard.AlertSettings{}
				var org int64
				var last sql.NullInt64
				if err := scan(&org, &s.DigestAt, &s.Zone, &last); err != nil {
					return err
				}
				slot, err := s.LastDigest(now)
				if err != nil {
					return fmt.Errorf("organisation %d: %w", org, err)
				}
				if now.Sub(slot) <= lifeguard.DigestGrace && (!last.Valid || last.Int64 < micros(slot)) {
					due = append(due, orgDue{org, slot})
				}
				return nil
			})
	})
	if err != nil {
		return 0, err
	}
	total := 0
	for _, d := range due {
		var n int
		err := db.inWrite(ctx, "send digest", func(t *tx) error {
			var err error
			n, err = sendDigest(ctx, t, a, now, kind, d.org, d.slot)
			return err
		})
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// sendDigest sends organisation org its digest of kind for slot, unless
// it has been sent: the unique row of alert_digests decides, inside the
// transaction that writes the emails.
func sendDigest(ctx context.Context, t *tx, a *lifeguard.Actor, now time.Time, kind lifeguard.DigestKind, org int64,
	slot time.Time) (int, error) {
	var n int
	if err := t.row(ctx, `SELECT COUNT(*) FROM alert_digests WHERE organisation_id = ? AND kind = ? AND slot = ?`,
		org, string(kind), micros(slot)).Scan(&n); err != nil || n > 0 {
		return 0, err
	}
	var ids []int64
	var err error
	if kind == lifeguard.DigestOverdue {
		ids, err = overdueConcerns(ctx, t, org, slot)
	} else {
		ids, err = newDigestConcerns(ctx, t, org, slot)
	}
	if err != nil {
		return 0, err
	}
	captures := 0
	if kind == lifeguard.DigestNew {
		if captures, err = digestCaptures(ctx, t, org, slot); err != nil {
			return 0, err
		}
	}
	var users []int64
	if len(ids) > 0 || captures > 0 {
		if users, err = digestLeads(ctx, t, org, kind); err != nil {
			return 0, err
		}
	}
	named := ids[:min(len(ids), lifeguard.MaxDigestConcerns)]
	id, err := t.insert(ctx, `INSERT INTO alert_digests (organisation_id, kind, slot, concerns, concern_ids, messages,
		captures, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, org, string(kind), micros(slot), len(ids), idList(named),
		len(users), captures, micros(now))
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 && captures == 0 {
		return 0, nil
	}
	msgs := make([]lifeguard.OutboxMessage, len(users))
	for i, u := range users {
		msgs[i] = lifeguard.OutboxMessage{Kind: lifeguard.AlertDigest, Channel: lifeguard.ChannelEmail, UserID: u,
			OrganisationID: org, RecordID: id, DedupeKey: fmt.Sprintf("digest:%d:u%d", id, u)}
	}
	detail, err := enqueueQuiet(ctx, t, now, msgs...)
	if err != nil {
		return 0, err
	}
	if detail == "" {
		detail = "nobody wants it"
	}
	return len(msgs), journal(ctx, t, a, now, jCreate, jAlertDigest, id,
		fmt.Sprintf("kind=%s organisation=%d concerns=%s captures=%d %s", kind, org, idList(named), captures, detail))
}

// digestCaptures counts org's captures below the alert severity received
// after the previous digest and up to slot that are still unreviewed: the
// monitoring work that waits for the digest rather than alerting at once.
func digestCaptures(ctx context.Context, t *tx, org int64, slot time.Time) (int, error) {
	from, err := previousDigest(ctx, t, org, lifeguard.DigestNew, slot)
	if err != nil {
		return 0, err
	}
	var n int
	err = t.row(ctx, `SELECT COUNT(*) FROM monitor_captures WHERE organisation_id = ? AND severity < ? AND verdict = ?
		AND received_at > ? AND received_at <= ?`, org, lifeguard.CaptureAlertSeverity, lifeguard.VerdictNone,
		micros(from), micros(slot)).Scan(&n)
	return n, err
}

// previousDigest is the slot of org's last digest of kind before slot, or
// a day before slot when there was none; never more than the lookback.
func previousDigest(ctx context.Context, t *tx, org int64, kind lifeguard.DigestKind, slot time.Time) (time.Time, error) {
	var prev sql.NullInt64
	err := t.row(ctx, `SELECT MAX(slot) FROM alert_digests WHERE organisation_id = ? AND kind = ? AND slot < ?`,
		org, string(kind), micros(slot)).Scan(&prev)
	if err != nil {
		return time.Time{}, err
	}
	from := slot.Add(-24 * time.Hour)
	if prev.Valid {
		from = fromMicros(prev.Int64)
	}
	return later(from, slot.Add(-alertLookback)), nil
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// newDigestConcerns is the open concerns of org recorded after the
// previous digest and up to slot that were not alerted at once: those
// whose routes are neither due now nor the same working day (the ones that
// are alerted when they are recorded; see alertUrgency).
func newDigestConcerns(ctx context.Context, t *tx, org int64, slot time.Time) ([]int64, error) {
	from, err := previousDigest(ctx, t, org, lifeguard.DigestNew, slot)
	if err != nil {
		return nil, err
	}
	var ids []int64
	err = each(ctx, t, `SELECT id, triage FROM concerns WHERE organisation_id = ? AND created_at > ? AND created_at <= ?
		AND status <> 'closed' ORDER BY created_at, id`, []any{org, micros(from), micros(slot)},
		func(scan func(...any) error) error {
			var id int64
			var raw string
			if err := scan(&id, &raw); err != nil {
				return err
			}
			var tr lifeguard.Triage
			if err := json.Unmarshal([]byte(raw), &tr); err != nil {
				return fmt.Errorf("concern %d: triage: %w", id, err)
			}
			if alertUrgency(&tr) == "" {
				ids = append(ids, id)
			}
			return nil
		})
	return ids, err
}

// overdueConcerns is the open concerns of org that were overdue at slot,
// judged as everywhere else (lifeguard.Judge): late only after late_at,
// which for an immediate route is the end of its window of "now", so a
// concern reported a few minutes before the digest is not listed as
// overdue. A concern whose late_at was never written falls back to due.
// late_at is never before due, so the bound on due alone, which an index
// can serve, loses nothing.
func overdueConcerns(ctx context.Context, t *tx, org int64, slot time.Time) ([]int64, error) {
	return scanAll(ctx, t, `SELECT id FROM concerns WHERE organisation_id = ? AND status <> 'closed'
		AND due IS NOT NULL AND due < ? AND COALESCE(late_at, due) < ? ORDER BY due, id`,
		[]any{org, micros(slot), micros(slot)}, scanID)
}

// Digest returns a digest for the delivery job.
func (db *DB) Digest(ctx context.Context, id int64) (*lifeguard.Digest, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	d := &lifeguard.Digest{ID: id}
	err := db.inRead(ctx, "digest", func(t *tx) error {
		var kind, list string
		var slot int64
		err := t.row(ctx, `SELECT organisation_id, kind, slot, concerns, concern_ids, captures FROM alert_digests
			WHERE id = ?`, id).Scan(&d.OrganisationID, &kind, &slot, &d.Concerns, &list, &d.Captures)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoDigest()
		}
		if err != nil {
			return err
		}
		d.Kind, d.Slot = lifeguard.DigestKind(kind), fromMicros(slot)
		d.ConcernIDs, err = parseIDList(list)
		return err
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
