package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var (
	_ lifeguard.JobStore       = (*DB)(nil)
	_ lifeguard.ReminderStore  = (*DB)(nil)
	_ lifeguard.RetentionStore = (*DB)(nil)
)

// reminderLookback bounds how far back an overdue deadline still raises a
// reminder. It covers servers being down over a long weekend, so no
// reminder is missed, without a first run on old data raising one for
// every concern that went overdue years ago.
const reminderLookback = 7 * 24 * time.Hour

// reminderBatch bounds one write transaction of RaiseReminders; the call
// repeats batches until none is left.
const reminderBatch = 500

func errNoReminder() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such reminder.")
}

// RaiseReminders raises a reminder for every open concern whose deadline
// is within warn of now (due_soon) or passed within the lookback
// (overdue), unless the same reminder exists. Each is journalled against
// its concern.
func (db *DB) RaiseReminders(ctx context.Context, now time.Time, warn time.Duration) (int, error) {
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	a := lifeguard.ActorFrom(ctx)
	total := 0
	for {
		n := 0
		err := db.inWrite(ctx, "raise reminders", func(t *tx) error {
			n = 0
			type due struct {
				concern, org, at int64
				kind             lifeguard.ReminderKind
			}
			var found []due
			// The kind follows from the judgement of the deadline
			// (lifeguard.Judge): late, overdue; otherwise due soon, which
			// an immediate route still within the window of "now" is.
			// The CASE is the same judgement in SQL, so that the NOT
			// EXISTS makes a rerun raise nothing. The bounds on due keep
			// to the index; late_at is at most MaxNowWindow after it.
			late := `COALESCE(c.late_at, c.due)`
			err := each(ctx, t, `SELECT c.id, c.organisation_id, c.due, `+late+` FROM concerns c
				WHERE c.status <> 'closed' AND c.due IS NOT NULL AND c.due > ? AND c.due <= ? AND `+late+` > ?
				AND NOT EXISTS (SELECT 1 FROM reminders r WHERE r.concern_id = c.id AND r.due = c.due
					AND r.kind = CASE WHEN `+late+` < ? THEN 'overdue' ELSE 'due_soon' END)
				ORDER BY c.due, c.id LIMIT ?`,
				[]any{micros(now.Add(-reminderLookback - lifeguard.MaxNowWindow)), micros(now.Add(warn)),
					micros(now.Add(-reminderLookback)), micros(now), reminderBatch},
				func(scan func(...any) error) error {
					var d due
					var late int64
					if err := scan(&d.concern, &d.org, &d.at, &late); err != nil {
						return err
					}
					// now to the microsecond, as the CASE compares it.
					dueAt, lateAt := fromMicros(d.at), fromMicros(late)
					d.kind = lifeguard.ReminderDueSoon
					if lifeguard.Judge(&dueAt, &lateAt, fromMicros(micros(now))) == lifeguard.Overdue {
						d.kind = lifeguard.ReminderOverdue
					}
					found = append(found, d)
					return nil
				})
			if err != nil {
				return err
			}
			for _, d := range found {
				id, err := t.insert(ctx, `INSERT INTO reminders (concern_id, organisation_id, kind, due, created_at)
					VALUES (?, ?, ?, ?, ?)`, d.concern, d.org, string(d.kind), d.at, micros(now))
				if err != nil {
					return err
				}
				if err := journal(ctx, t, a, now, jCreate, "reminder", id,
					fmt.Sprintf("concern=%d kind=%s", d.concern, d.kind)); err != nil {
					return err
				}
			}
			n = len(found)
			return nil
		})
		total += n
		if err != nil || n < reminderBatch {
			return total, err
		}
	}
}

// Reminders lists the reminders of the actor's organisation that are not
// dismissed and still true: the concern is open and its deadline is the
// one reminded of. Only the organisation's DSLs see them.
func (db *DB) Reminders(ctx context.Context) ([]lifeguard.Reminder, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := remindersAccess(a); err != nil {
		return nil, err
	}
	// The inbox asks on every view, and most views have no reminder: a
	// read transaction says so without taking the write lock and a commit.
	// Only when there are some are they read, with their journal entry, in
	// a write transaction.
	var some bool
	if err := db.inRead(ctx, "reminders", func(t *tx) error {
		return t.row(ctx, `SELECT EXISTS (SELECT 1 FROM reminders WHERE organisation_id = ? AND dismissed_at IS NULL)`,
			a.OrganisationID).Scan(&some)
	}); err != nil || !some {
		return nil, err
	}
	var out []lifeguard.Reminder
	err = db.inWrite(ctx, "reminders", func(t *tx) error {
		out = out[:0]
		err := each(ctx, t, `SELECT r.id, r.concern_id, r.kind, r.due, r.created_at FROM reminders r
			JOIN concerns c ON c.id = r.concern_id
			WHERE r.organisation_id = ? AND r.dismissed_at IS NULL AND c.status <> 'closed' AND c.due = r.due
			ORDER BY r.due, r.id LIMIT 200`, []any{a.OrganisationID},
			func(scan func(...any) error) error {
				r := lifeguard.Reminder{OrganisationID: a.OrganisationID}
				var kind string
				var due, created int64
				if err := scan(&r.ID, &r.ConcernID, &kind, &due, &created); err != nil {
					return err
				}
				r.Kind, r.Due, r.CreatedAt = lifeguard.ReminderKind(kind), fromMicros(due), fromMicros(created)
				out = append(out, r)
				return nil
			})
		if err != nil || len(out) == 0 {
			return err
		}
		ids := make([]int64, len(out))
		for i, r := range out {
			ids[i] = r.ConcernID
		}
		return journal(ctx, t, a, db.now(), jList, "reminder", 0, "concerns="+idList(ids))
	})
	return out, err
}

// DismissReminder marks one of the actor's organisation's reminders as
// seen, by the actor.
func (db *DB) DismissReminder(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if err := remindersAccess(a); err != nil {
		return err
	}
	return db.inWrite(ctx, "dismiss reminder", func(t *tx) error {
		var org int64
		var dismissed sql.NullInt64
		err := t.row(ctx, `SELECT organisation_id, dismissed_at FROM reminders WHERE id = ?`, id).Scan(&org, &dismissed)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && org != a.OrganisationID) {
			return errNoReminder()
		}
		if err != nil {
			return err
		}
		if dismissed.Valid {
			return nil
		}
		now := db.now()
		if _, err := t.exec(ctx, `UPDATE reminders SET dismissed_at = ?, dismissed_by = ? WHERE id = ?`,
			micros(now), a.UserID, id); err != nil {
			return err
		}
		return journal(ctx, t, a, now, jUpdate, "reminder", id, "dismissed")
	})
}

// PurgeExpired deletes housekeeping records past their use; see
// lifeguard.RetentionStore for what it never touches.
func (db *DB) PurgeExpired(ctx context.Context, now time.Time, keep lifeguard.RetentionPeriods) (lifeguard.PurgeCounts, error) {
	var n lifeguard.PurgeCounts
	if err := systemOnly(ctx); err != nil {
		return n, err
	}
	err := db.inWrite(ctx, "purge expired", func(t *tx) error {
		steps := []struct {
			count *int64
			q     string
			arg   time.Time
		}{
			// An ended session is kept a while to tie a report draft to
			// its user (lifeguard.DraftStore).
			{&n.Sessions, `DELETE FROM sessions WHERE expires_at < ?`, now.Add(-lifeguard.EndedSessionKeep)},
			{&n.Drafts, `DELETE FROM report_drafts WHERE expires_at < ?`, now},
			{&n.LoginFailures, `DELETE FROM login_failures WHERE at < ?`, now.Add(-keep.LoginFailures)},
			{&n.Tokens, `DELETE FROM api_tokens WHERE revoked_at IS NOT NULL AND revoked_at < ?`, now.Add(-keep.RevokedTokens)},
			{&n.JobRuns, `DELETE FROM job_runs WHERE finished_at IS NOT NULL AND slot < ?`, now.Add(-keep.JobRuns)},
		}
		for _, s := range steps {
			res, err := t.exec(ctx, s.q, micros(s.arg))
			if err != nil {
				return err
			}
			if *s.count, err = res.RowsAffected(); err != nil {
				return err
			}
		}
		if keep.Outbox <= 0 {
			return nil
		}
		// An alert's attempts go with it; one still being tried stays.
		before := micros(now.Add(-keep.Outbox))
		if _, err := t.exec(ctx, `DELETE FROM outbox_attempts WHERE outbox_id IN (SELECT id FROM outbox
			WHERE delivered_at < ? OR failed_at < ?)`, before, before); err != nil {
			return err
		}
		res, err := t.exec(ctx, `DELETE FROM outbox WHERE delivered_at < ? OR failed_at < ?`, before, before)
		if err != nil {
			return err
		}
		n.Outbox, err = res.RowsAffected()
		return err
	})
	return n, err
}
