package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Erasure (issue 19): a record that falls due keeps its row, its codes,
// dates and counts, and loses its personal data and free text. What the
// board report counts lives in columns erasure leaves alone (types,
// routes, the child's age and vulnerabilities when reported, decisions'
// routes and timings), so the report reads the same after it; the journal
// holds no personal data, so its chain still verifies.

// concernErasure blanks one concern's free text and everything attached
// to it. Each statement takes the concern's id.
var concernErasure = []string{
	`UPDATE concerns SET facts = '{}', outcome_summary = NULL, close_anyway = '', retain_until = NULL, erased_at = ? WHERE id = ?`,
	`DELETE FROM concern_revisions WHERE concern_id = ?`,
	`UPDATE notes SET text = '' WHERE concern_id = ?`,
	`UPDATE evidence SET what = '', location = '', held_by = '', sha256 = '' WHERE concern_id = ?`,
	`UPDATE actions SET title = '', owner = '', cancel_reason = '' WHERE concern_id = ?`,
	`UPDATE decisions SET reason = '', reference = '' WHERE concern_id = ?`,
	`UPDATE added_routes SET reason = '' WHERE concern_id = ?`,
}

// referralErasure blanks one referral: what was sent and the messages.
var referralErasure = []string{
	`UPDATE referrals SET snapshot = '{}', phone_note = '', decision_note = '', subject_born = NULL, subject_pension_at = NULL,
		retention_review_at = NULL, retain_until = NULL, erased_at = ? WHERE id = ?`,
	`UPDATE referral_messages SET text = '' WHERE referral_id = ?`,
}

// childErasure blanks a child's record: the reference becomes the row's
// number, the rest goes.
const childErasure = `UPDATE children SET ref = ?, date_of_birth = NULL, age = NULL, age_as_of = NULL,
	vulnerabilities = '[]', legal_forename = NULL, legal_surname = NULL, preferred_forename = NULL,
	year_group = NULL, reg_group = NULL, upn = NULL, nhs_number = NULL, la_number = NULL, find_key = '',
	retain_until = NULL, erased_at = ? WHERE id = ?`

// erase runs statements, the first with (now, id), the rest with id.
func erase(ctx context.Context, tx *tx, stmts []string, now time.Time, id int64) error {
	for i, q := range stmts {
		args := []any{id}
		if i == 0 {
			args = []any{micros(now), id}
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// EraseDue erases every concern, referral and child whose retention date
// is at or before now, batch records a transaction, each batch journalled
// with its counts: system actor only. A child is erased once none of its
// concerns is left to erase.
func (db *DB) EraseDue(ctx context.Context, now time.Time, batch int) (lifeguard.ErasureCounts, error) {
	var total lifeguard.ErasureCounts
	a, err := actor(ctx)
	if err != nil {
		return total, err
	}
	if err := systemOnly(ctx); err != nil {
		return total, err
	}
	if batch < 1 {
		return total, lifeguard.Invalid("The erasure is not valid", []lifeguard.Problem{{Path: "batch", Problem: "must be 1 or more"}})
	}
	kinds := []struct {
		name  string
		pick  string
		count *int64
		do    func(tx *tx, id int64) error
	}{
		{"concerns", `SELECT id FROM concerns WHERE erased_at IS NULL AND retain_until <= ? ORDER BY retain_until, id LIMIT ?`,
			&total.Concerns, func(tx *tx, id int64) error {
				if err := erase(ctx, tx, concernErasure, now, id); err != nil {
					return err
				}
				// The referrals sent from it go with it, but an
				// allegation's, which keeps its own period.
				rows, err := tx.query(ctx, `SELECT id FROM referrals WHERE concern_id = ? AND erased_at IS NULL AND retention <> ?`,
					id, lifeguard.RetentionAllegation)
				if err != nil {
					return err
				}
				ids, err := scanIDs(rows)
				if err != nil {
					return err
				}
				for _, r := range ids {
					if err := erase(ctx, tx, referralErasure, now, r); err != nil {
						return err
					}
					total.Referrals++
				}
				return nil
			}},
		{"referrals", `SELECT id FROM referrals WHERE erased_at IS NULL AND retain_until <= ? ORDER BY retain_until, id LIMIT ?`,
			&total.Referrals, func(tx *tx, id int64) error { return erase(ctx, tx, referralErasure, now, id) }},
		{"children", `SELECT id FROM children c WHERE erased_at IS NULL AND retain_until <= ?
				AND NOT EXISTS (SELECT 1 FROM concerns k WHERE k.child_id = c.id AND k.erased_at IS NULL) ORDER BY retain_until, id LIMIT ?`,
			&total.Children, func(tx *tx, id int64) error {
				if _, err := tx.exec(ctx, childErasure, "erased-"+strconv.FormatInt(id, 10), micros(now), id); err != nil {
					return err
				}
				// The record of a transfer stays (from where, to where,
				// when: the sender's record that the file moved); its
				// note goes with the file.
				_, err := tx.exec(ctx, `UPDATE transfers SET note = '' WHERE child_id = ?`, id)
				return err
			}},
	}
	for _, k := range kinds {
		for {
			var n int
			err := db.inWrite(ctx, "erase "+k.name, func(tx *tx) error {
				n = 0
				rows, err := tx.query(ctx, k.pick, micros(now), batch)
				if err != nil {
					return err
				}
				ids, err := scanIDs(rows)
				if err != nil {
					return err
				}
				start := time.Now()
				for _, id := range ids {
					if err := k.do(tx, id); err != nil {
						return err
					}
					if n++; time.Since(start) >= eraseBudget {
						break // the rest in the next transaction
					}
				}
				if n == 0 {
					return nil
				}
				return journal(ctx, tx, a, db.now(), jErase, jRetention, 0, k.name+"="+strconv.Itoa(n))
			})
			if err != nil {
				return total, err
			}
			*k.count += int64(n)
			if n == 0 {
				break
			}
		}
	}
	return total, nil
}

// eraseBudget bounds how long one erasure transaction holds the store's one
// writer, which every page's journal entry waits for: a batch ends at
// batch records or once it has run this long. Batches of 200 concerns held
// it for 30-55 ms each, back to back, and pages viewed during the job took
// six times as long at the median (bench/erasure.sh, bench/README.md);
// more, shorter transactions cost the job a little time and the pages
// almost none.
const eraseBudget = 10 * time.Millisecond

// scanIDs reads a column of ids and closes rows.
func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
