package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// A claim is decided inside a write transaction, and write transactions
// are serialised across every server (BEGIN IMMEDIATE on SQLite, the
// store's advisory lock on PostgreSQL), so reading the slot's row and then
// inserting or taking it over cannot race with another server doing the
// same: whoever writes second sees the first one's row.

// ClaimJob claims a slot of a job for c.Holder until c.Until, if the slot
// is not finished and no other holder's lease is current at now; with
// c.Retry, only if some holder started it before.
func (db *DB) ClaimJob(ctx context.Context, c lifeguard.JobClaim, now time.Time) (bool, error) {
	if err := systemOnly(ctx); err != nil {
		return false, err
	}
	claimed := false
	err := db.inWrite(ctx, "claim job", func(t *tx) error {
		claimed = false
		var finished sql.NullInt64
		var lease int64
		err := t.row(ctx, `SELECT finished_at, lease_until FROM job_runs WHERE job = ? AND slot = ?`,
			c.Job, micros(c.Slot)).Scan(&finished, &lease)
		switch {
		case errors.Is(err, sql.ErrNoRows) && c.Retry:
			return nil
		case errors.Is(err, sql.ErrNoRows):
			if _, err := t.exec(ctx, `INSERT INTO job_runs (job, slot, holder, claimed_at, lease_until)
				VALUES (?, ?, ?, ?, ?)`, c.Job, micros(c.Slot), c.Holder, micros(now), micros(c.Until)); err != nil {
				return err
			}
		case err != nil:
			return err
		case finished.Valid || lease > micros(now):
			return nil
		default:
			if _, err := t.exec(ctx, `UPDATE job_runs SET holder = ?, claimed_at = ?, lease_until = ?,
				attempts = attempts + 1, outcome = '' WHERE job = ? AND slot = ?`,
				c.Holder, micros(now), micros(c.Until), c.Job, micros(c.Slot)); err != nil {
				return err
			}
		}
		claimed = true
		return nil
	})
	return claimed, err
}

func errLostClaim() error {
	return lifeguard.Errorf(lifeguard.ECONFLICT, "This server no longer holds the job's slot.")
}

// RenewJob extends the holder's lease to c.Until.
func (db *DB) RenewJob(ctx context.Context, c lifeguard.JobClaim) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.updateOne(ctx, "renew job", errLostClaim, `UPDATE job_runs SET lease_until = ?
		WHERE job = ? AND slot = ? AND holder = ? AND finished_at IS NULL`,
		micros(c.Until), c.Job, micros(c.Slot), c.Holder)
}

// FinishJob marks the slot done, or, after a failure, records it and
// releases the slot at once so that the next tick of any server retries.
func (db *DB) FinishJob(ctx context.Context, c lifeguard.JobClaim, now time.Time, failure string) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	if failure == "" {
		return db.updateOne(ctx, "finish job", errLostClaim, `UPDATE job_runs SET finished_at = ?, outcome = 'done'
			WHERE job = ? AND slot = ? AND holder = ? AND finished_at IS NULL`,
			micros(now), c.Job, micros(c.Slot), c.Holder)
	}
	return db.updateOne(ctx, "finish job", errLostClaim, `UPDATE job_runs SET lease_until = ?, outcome = ?
		WHERE job = ? AND slot = ? AND holder = ? AND finished_at IS NULL`,
		micros(now), failure, c.Job, micros(c.Slot), c.Holder)
}

// JobRuns lists a job's latest slots, newest first.
func (db *DB) JobRuns(ctx context.Context, job string, limit int) ([]lifeguard.JobRun, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var runs []lifeguard.JobRun
	err := db.inRead(ctx, "job runs", func(t *tx) error {
		runs = runs[:0]
		return each(ctx, t, `SELECT job, slot, holder, claimed_at, lease_until, attempts, finished_at, outcome
			FROM job_runs WHERE job = ? ORDER BY slot DESC LIMIT ?`, []any{job, limit},
			func(scan func(...any) error) error {
				var r lifeguard.JobRun
				var slot, claimed, lease int64
				var finished sql.NullInt64
				if err := scan(&r.Job, &slot, &r.Holder, &claimed, &lease, &r.Attempts, &finished, &r.Outcome); err != nil {
					return err
				}
				r.Slot, r.ClaimedAt, r.LeaseUntil, r.FinishedAt = fromMicros(slot), fromMicros(claimed), fromMicros(lease), timePtr(finished)
				runs = append(runs, r)
				return nil
			})
	})
	return runs, err
}
