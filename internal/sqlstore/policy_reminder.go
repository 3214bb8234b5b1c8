package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Reminders of policy reviews, raised by the daily policy-reviews job
// (internal/jobs) as the concern reminders are by theirs: at most one per
// policy, review date and kind, shown to the organisation's managers and
// DSLs until one of them dismisses it.

// RaisePolicyReminders raises the reminders of reviews due within the
// warning or past. Review dates are YYYY-MM-DD text, which compares in
// date order on both engines.
func (db *DB) RaisePolicyReminders(ctx context.Context, today lifeguard.Date) (int, error) {
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	soon := lifeguard.DateOf(today.In(time.UTC).AddDate(0, 0, lifeguard.PolicyReviewWarning))
	n := 0
	err := db.inWrite(ctx, "raise policy reminders", func(tx *tx) error {
		type due struct {
			policy, org int64
			review      string
		}
		var found []due
		if err := each(ctx, tx, `SELECT id, organisation_id, review_due FROM policies
			WHERE organisation_id IS NOT NULL AND review_due IS NOT NULL AND review_due <= ? ORDER BY review_due, id`,
			[]any{soon.String()}, func(scan func(...any) error) error {
				var d due
				if err := scan(&d.policy, &d.org, &d.review); err != nil {
					return err
				}
				found = append(found, d)
				return nil
			}); err != nil {
			return err
		}
		now := db.now()
		for _, d := range found {
			kind := lifeguard.ReminderDueSoon
			if d.review < today.String() {
				kind = lifeguard.ReminderOverdue
			}
			var exists int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM policy_reminders WHERE policy_id = ? AND review_due = ? AND kind = ?`,
				d.policy, d.review, string(kind)).Scan(&exists); err != nil {
				return err
			}
			if exists > 0 {
				continue
			}
			if _, err := tx.exec(ctx, `INSERT INTO policy_reminders (policy_id, organisation_id, review_due, kind, created_at)
				VALUES (?, ?, ?, ?, ?)`, d.policy, d.org, d.review, string(kind), micros(now)); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

func keepsOwnPolicies(a *lifeguard.Actor) error {
	if a.OrganisationID == 0 || !a.May(lifeguard.OpKeepPolicies).Covers(lifeguard.ReachOrganisation) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Reminders of policy reviews are for the organisation's manager and safeguarding lead.")
	}
	return nil
}

// PolicyReminders lists the actor's organisation's open reminders.
func (db *DB) PolicyReminders(ctx context.Context) ([]lifeguard.PolicyReminder, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := keepsOwnPolicies(a); err != nil {
		return nil, err
	}
	out := []lifeguard.PolicyReminder{}
	err = db.inRead(ctx, "policy reminders", func(tx *tx) error {
		return each(ctx, tx, `SELECT r.id, r.policy_id, r.organisation_id, p.title, r.review_due, r.kind, r.created_at
			FROM policy_reminders r JOIN policies p ON p.id = r.policy_id
			WHERE r.organisation_id = ? AND r.dismissed_at IS NULL ORDER BY r.review_due, r.id`,
			[]any{a.OrganisationID}, func(scan func(...any) error) error {
				var x lifeguard.PolicyReminder
				var review, kind string
				var at int64
				if err := scan(&x.ID, &x.PolicyID, &x.OrganisationID, &x.Title, &review, &kind, &at); err != nil {
					return err
				}
				d, err := lifeguard.ParseDate(review)
				if err != nil {
					return err
				}
				x.ReviewDue, x.Kind, x.CreatedAt = d, lifeguard.ReminderKind(kind), fromMicros(at)
				out = append(out, x)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DismissPolicyReminder dismisses one of the actor's organisation's reminders.
func (db *DB) DismissPolicyReminder(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, "dismiss policy reminder", func(tx *tx) error {
		var org int64
		var dismissed sql.NullInt64
		err := tx.row(ctx, `SELECT organisation_id, dismissed_at FROM policy_reminders WHERE id = ?`, id).Scan(&org, &dismissed)
		if errors.Is(err, sql.ErrNoRows) || err == nil && org != a.OrganisationID {
			return errNoReminder()
		}
		if err != nil {
			return err
		}
		if err := keepsOwnPolicies(a); err != nil {
			return err
		}
		if dismissed.Valid {
			return nil
		}
		_, err = tx.exec(ctx, `UPDATE policy_reminders SET dismissed_at = ?, dismissed_by = ? WHERE id = ?`,
			micros(db.now()), nullID(a.UserID), id)
		return err
	})
}
