package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The retention dates (issue 19): retain_until on children, concerns and
// referrals, kept by RefreshRetention from the schedule and the state of
// each record, so that what falls due is a range scan on an index. The
// dates follow a record's life because each run works them out afresh:
// a concern closing, a child's date of birth given, a hold set or
// released, all show at the next run (the erasure job runs it daily,
// before it erases).

// Retention journal records and action.
const (
	jRetention = "retention"
	jLegalHold = "legal_hold"
	jErase     = "erase"
)

// yearOfMicros is a year of 365¼ days: the periods counted from an event
// in SQL (a child's birthday is counted by the calendar, in Go).
const yearOfMicros = dayMicros * 1461 / 4

// refreshBatch is the most records one transaction works out.
const refreshBatch = 500

// refreshSize is how many records the next transaction of a refresh works
// out: it halves after one that worked longer than eraseBudget and grows
// back, to refreshBatch, after one that took under half of it. Every
// page's journal entry waits for the store's one writer, so a nightly run
// of 500-record transactions back to back held pages up as the erasure's
// 200-record ones did (bench/README.md); a statement over an id range
// cannot stop part way, so the range is what the budget bounds.
type refreshSize struct{ n int }

func newRefreshSize() *refreshSize { return &refreshSize{n: refreshBatch} }

// took adjusts the size after a transaction that worked d.
func (r *refreshSize) took(d time.Duration) {
	switch {
	case d > eraseBudget && r.n > 1:
		r.n /= 2
	case d < eraseBudget/2 && r.n < refreshBatch:
		r.n = min(r.n*2, refreshBatch)
	}
}

// heldSQL is true when a hold that is not released covers the concern
// whose id and child are the two expressions.
func heldSQL(concernID, childID string) string {
	return `EXISTS (SELECT 1 FROM retention_holds h WHERE h.released_at IS NULL
		AND (h.concern_id = ` + concernID + ` OR h.child_id = ` + childID + `))`
}

// RefreshRetention works out every retention date that is not erased yet
// from schedule s: system actor only. It returns how many dates changed:
// a run writes only those.
func (db *DB) RefreshRetention(ctx context.Context, s lifeguard.RetentionSchedule) (int64, error) {
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	var n int64
	size := newRefreshSize()
	// Children first: a concern about a child takes its child's date.
	for after := int64(0); ; {
		var last, changed int64
		var count int
		want := size.n
		err := db.inWrite(ctx, "refresh retention of children", func(tx *tx) error {
			start := time.Now()
			defer func() { size.took(time.Since(start)) }()
			var err error
			last, count, changed, err = refreshChildren(ctx, tx, s, `c.id > ? ORDER BY c.id LIMIT ?`, after, want)
			return err
		})
		if err != nil {
			return n, err
		}
		n += changed
		if count < want {
			break
		}
		after = last
	}
	// A transferred child's file is the receiving school's too: it takes
	// the later of the two dates, and none while the receiving school
	// works on it (issue 15 item 5).
	k, err := refreshTransferred(ctx, db, s)
	n += k
	if err != nil {
		return n, err
	}
	var max, maxReferral int64
	err = db.inRead(ctx, "refresh retention", func(tx *tx) error {
		if err := tx.row(ctx, `SELECT COALESCE(MAX(id), 0) FROM concerns`).Scan(&max); err != nil {
			return err
		}
		return tx.row(ctx, `SELECT COALESCE(MAX(id), 0) FROM referrals`).Scan(&maxReferral)
	})
	if err != nil {
		return n, err
	}
	// Each statement writes only the rows whose date changes, so that a
	// nightly run over a million concerns rewrites the few that moved.
	otherwise := int64(s.Rule(lifeguard.RetainChildFile).Years) * yearOfMicros
	concernUntil := `CASE
		WHEN closed_at IS NULL OR ` + heldSQL("concerns.id", "concerns.child_id") + ` THEN NULL
		WHEN child_id IS NOT NULL THEN (SELECT c.retain_until FROM children c WHERE c.id = concerns.child_id)
		ELSE closed_at + ? END`
	for from, to := int64(0), int64(0); from < max; from = to {
		to = from + int64(size.n)
		err := db.inWrite(ctx, "refresh retention of concerns", func(tx *tx) error {
			start := time.Now()
			defer func() { size.took(time.Since(start)) }()
			res, err := tx.exec(ctx, `UPDATE concerns SET retain_until = `+concernUntil+`
				WHERE erased_at IS NULL AND id > ? AND id <= ? AND retain_until IS DISTINCT FROM `+concernUntil,
				otherwise, from, to, otherwise)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			n += k
			return err
		})
		if err != nil {
			return n, err
		}
	}
	// Referrals: an allegation keeps its own period, to the adult's state
	// pension age or the rule's years from when it was referred, whichever
	// is later; with no pension age known it gets no date, and is listed
	// for review at the years instead (retention_review_at). Any other
	// referral is part of its concern's file.
	allegation := int64(s.Rule(lifeguard.RetainAllegation).Years) * yearOfMicros
	held := heldSQL("referrals.concern_id", "(SELECT k.child_id FROM concerns k WHERE k.id = referrals.concern_id)")
	referralUntil := `CASE
		WHEN ` + held + ` THEN NULL
		WHEN retention = ? THEN CASE
			WHEN subject_pension_at IS NULL THEN NULL
			WHEN subject_pension_at > sent_at + ? THEN subject_pension_at
			ELSE sent_at + ? END
		ELSE (SELECT k.retain_until FROM concerns k WHERE k.id = referrals.concern_id) END`
	reviewAt := `CASE WHEN retention = ? AND subject_pension_at IS NULL AND NOT ` + held + ` THEN sent_at + ? END`
	untilArgs := []any{lifeguard.RetentionAllegation, allegation, allegation}
	reviewArgs := []any{lifeguard.RetentionAllegation, allegation}
	for from, to := int64(0), int64(0); from < maxReferral; from = to {
		to = from + int64(size.n)
		args := slices.Concat(untilArgs, reviewArgs, []any{from, to}, untilArgs, reviewArgs)
		err := db.inWrite(ctx, "refresh retention of referrals", func(tx *tx) error {
			start := time.Now()
			defer func() { size.took(time.Since(start)) }()
			res, err := tx.exec(ctx, `UPDATE referrals SET retain_until = `+referralUntil+`, retention_review_at = `+reviewAt+`
				WHERE erased_at IS NULL AND id > ? AND id <= ? AND (retain_until IS DISTINCT FROM `+referralUntil+`
					OR retention_review_at IS DISTINCT FROM `+reviewAt+`)`,
				args...)
			if err != nil {
				return err
			}
			k, err := res.RowsAffected()
			n += k
			return err
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// maxTransferHops bounds how far along a chain of transfers (A to B to C)
// one refresh carries a date; a longer chain settles over the next runs.
const maxTransferHops = 10

// refreshTransferred works out again the dates of the children whose file
// another organisation received, now that every receiving record has its
// date, until none changes: a chain of transfers takes a run a link. It
// returns how many dates changed.
func refreshTransferred(ctx context.Context, db *DB, s lifeguard.RetentionSchedule) (int64, error) {
	var n int64
	for range maxTransferHops {
		var changed int64
		err := db.inWrite(ctx, "refresh retention of transferred files", func(tx *tx) error {
			var err error
			_, _, changed, err = refreshChildren(ctx, tx, s, `c.id IN (SELECT t.child_id FROM transfers t WHERE t.status = ?)
				ORDER BY c.id`, string(lifeguard.TransferReceived))
			return err
		})
		n += changed
		if err != nil || changed == 0 {
			return n, err
		}
	}
	return n, nil
}

// refreshChildren works out the dates of the children which picks (a
// condition on c, with its order and limit), returning the last id, how many there were and how many dates
// changed. A child's file has no date while one of its concerns is open or
// a hold covers it; a file another organisation received takes the later
// of its date and the receiving record's as it stands (refreshTransferred
// carries a date changed in this run along).
func refreshChildren(ctx context.Context, tx *tx, s lifeguard.RetentionSchedule, which string, args ...any) (int64, int, int64, error) {
	received := `FROM transfers t JOIN children r ON r.id = t.received_child_id WHERE t.child_id = c.id AND t.status = ?`
	rows, err := tx.query(ctx, `SELECT c.id, c.date_of_birth, c.age, c.age_as_of, c.retain_until,
			(SELECT COUNT(*) FROM concerns k WHERE k.child_id = c.id AND k.closed_at IS NULL),
			(SELECT MAX(k.closed_at) FROM concerns k WHERE k.child_id = c.id),
			(SELECT COUNT(*) FROM retention_holds h WHERE h.child_id = c.id AND h.released_at IS NULL),
			(SELECT COUNT(*) `+received+`),
			(SELECT COUNT(*) `+received+` AND COALESCE(r.erased_at, r.retain_until) IS NULL),
			(SELECT MAX(COALESCE(r.erased_at, r.retain_until)) `+received+`)
		FROM children c WHERE c.erased_at IS NULL AND `+which,
		append([]any{string(lifeguard.TransferReceived), string(lifeguard.TransferReceived), string(lifeguard.TransferReceived)},
			args...)...)
	if err != nil {
		return 0, 0, 0, err
	}
	type change struct {
		id    int64
		until any
	}
	var changes []change
	var last int64
	count := 0
	for rows.Next() {
		var id, open, held, moved, movedOpen int64
		var birth, asOf sql.NullString
		var age, until, closed, movedUntil sql.NullInt64
		if err := rows.Scan(&id, &birth, &age, &asOf, &until, &open, &closed, &held, &moved, &movedOpen, &movedUntil); err != nil {
			rows.Close()
			return 0, 0, 0, err
		}
		last, count = id, count+1
		var want any
		if open == 0 && held == 0 {
			b, err1 := datePtr(birth)
			of, err2 := datePtr(asOf)
			if err1 != nil || err2 != nil {
				rows.Close()
				return 0, 0, 0, fmt.Errorf("child %d: a date does not read", id)
			}
			var a *int
			if age.Valid {
				v := int(age.Int64)
				a = &v
			}
			if t := s.ChildFileUntil(b, a, of, optionalTime(closed)); t != nil {
				want = micros(*t)
			}
		}
		if moved > 0 && want != nil {
			if movedOpen > 0 || !movedUntil.Valid {
				want = nil
			} else if movedUntil.Int64 > want.(int64) {
				want = movedUntil.Int64
			}
		}
		if (want == nil) != !until.Valid || (want != nil && want.(int64) != until.Int64) {
			changes = append(changes, change{id, want})
		}
	}
	if err := rows.Close(); err != nil {
		return 0, 0, 0, err
	}
	for _, c := range changes {
		if _, err := tx.exec(ctx, `UPDATE children SET retain_until = ? WHERE id = ?`, c.until, c.id); err != nil {
			return 0, 0, 0, err
		}
	}
	return last, count, int64(len(changes)), nil
}

func optionalTime(n sql.NullInt64) (t time.Time) {
	if n.Valid {
		t = fromMicros(n.Int64)
	}
	return t
}
