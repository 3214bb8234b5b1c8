package sqlstore

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The second factor is kept on the user's row (see the 0002 migration): the
// TOTP secret, the hashes of unused recovery codes, the last time step
// accepted and when it was enrolled. Like the AuthStore, only the system
// actor may call these: the auth package, which generates the secret and
// the codes and hands the store hashes only. Nothing here is journaled or
// logged, except ResetSecondFactor, an administrator's act on an account;
// a secret must never reach a log.

func errNoSecondFactor() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "The user has no second factor.")
}

// Bounds on what EnrolSecondFactor accepts: generous for any base32 secret
// or any encoding of a SHA-256, and small enough that a bug cannot fill a
// row.
const (
	maxSecret         = 256
	maxRecoveryHash   = 128
	maxRecoveryHashes = 64
)

// SecondFactor returns the user's enrolled second factor.
func (db *DB) SecondFactor(ctx context.Context, userID int64) (*lifeguard.SecondFactor, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var f *lifeguard.SecondFactor
	err := db.inRead(ctx, "second factor", func(tx *tx) error {
		var err error
		f, err = loadSecondFactor(ctx, tx, userID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// loadSecondFactor reads the user's factor; ENOTFOUND when the user has
// none or does not exist.
func loadSecondFactor(ctx context.Context, tx *tx, userID int64) (*lifeguard.SecondFactor, error) {
	var f lifeguard.SecondFactor
	var secret sql.NullString
	var recovery string
	var enrolled sql.NullInt64
	err := tx.row(ctx, `SELECT totp_secret, totp_recovery, totp_last_step, totp_enrolled_at FROM users WHERE id = ?`,
		userID).Scan(&secret, &recovery, &f.LastStep, &enrolled)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !secret.Valid {
		return nil, errNoSecondFactor()
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(recovery), &f.RecoveryHashes); err != nil {
		return nil, fmt.Errorf("user %d: recovery hashes: %w", userID, err)
	}
	if f.RecoveryHashes == nil {
		f.RecoveryHashes = []string{}
	}
	f.Secret = secret.String
	if enrolled.Valid {
		f.EnrolledAt = fromMicros(enrolled.Int64)
	}
	return &f, nil
}

// EnrolSecondFactor stores the user's new factor, replacing any earlier
// one with its recovery codes and last step. EnrolledAt defaults to now.
// Sign-in never calls it: it uses ReplaceSecondFactor, which cannot
// overwrite a factor the caller has not proved.
func (db *DB) EnrolSecondFactor(ctx context.Context, userID int64, f lifeguard.SecondFactor) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	b, at, err := db.checkFactor(f)
	if err != nil {
		return err
	}
	return db.updateOne(ctx, "enrol second factor", errNoUser, `UPDATE users SET totp_secret = ?, totp_recovery = ?,
		totp_last_step = ?, totp_enrolled_at = ? WHERE id = ?`, f.Secret, b, f.LastStep, micros(at), userID)
}

// ReplaceSecondFactor stores f in place of the factor whose secret is
// current ("" for a first enrolment). The condition is in the UPDATE's
// WHERE, a compare-and-set: of two enrolments racing, one wins and the
// other is told ECONFLICT, and a factor no one proved is never replaced.
func (db *DB) ReplaceSecondFactor(ctx context.Context, userID int64, current string, f lifeguard.SecondFactor) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	b, at, err := db.checkFactor(f)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, "replace second factor", func(tx *tx) error {
		q := `UPDATE users SET totp_secret = ?, totp_recovery = ?, totp_last_step = ?, totp_enrolled_at = ?
			WHERE id = ? AND `
		args := []any{f.Secret, b, f.LastStep, micros(at), userID}
		if current == "" {
			q += `totp_secret IS NULL`
		} else {
			q += `totp_secret = ?`
			args = append(args, current)
		}
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errNoUser()
		}
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The second factor has changed meanwhile. Sign in again.")
	})
}

// ResetSecondFactor removes the user's factor and recovery codes and ends
// the user's sessions, in one transaction, journalled as an update of the
// user. Ending the sessions matters: a session that passed only the
// password must not be left able to enrol the next factor.
func (db *DB) ResetSecondFactor(ctx context.Context, userID int64) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	return db.inWrite(ctx, "reset second factor", func(tx *tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET totp_secret = NULL, totp_recovery = '[]', totp_last_step = 0,
			totp_enrolled_at = NULL WHERE id = ?`, userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errNoUser()
		}
		if _, err := tx.exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return journal(ctx, tx, a, db.now(), jUpdate, jUser, userID, "second_factor_reset")
	})
}

// checkFactor validates a factor and returns its recovery hashes as JSON
// and its enrolment time.
func (db *DB) checkFactor(f lifeguard.SecondFactor) (string, time.Time, error) {
	var p problems
	p.text("secret", f.Secret, maxSecret, true)
	if strings.ContainsRune(f.Secret, 0) {
		p.add("secret", "must not contain a NUL character")
	}
	if len(f.RecoveryHashes) > maxRecoveryHashes {
		p.add("recovery_hashes", "has %d hashes; the most allowed is %d", len(f.RecoveryHashes), maxRecoveryHashes)
	}
	for i, h := range f.RecoveryHashes {
		p.text(fmt.Sprintf("recovery_hashes[%d]", i), h, maxRecoveryHash, true)
	}
	if f.LastStep < 0 {
		p.add("last_step", "must not be negative")
	}
	if err := p.err("The second factor is not valid"); err != nil {
		return "", time.Time{}, err
	}
	hashes := f.RecoveryHashes
	if hashes == nil {
		hashes = []string{}
	}
	b, err := json.Marshal(hashes)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sqlstore: encode recovery hashes: %w", err)
	}
	at := db.now()
	if !f.EnrolledAt.IsZero() {
		at = trunc(f.EnrolledAt)
	}
	return string(b), at, nil
}

// AcceptStep records that a code of the time step was used. The check and
// the change are one UPDATE with the condition in its WHERE, a
// compare-and-set: of two requests with the same code, however they
// interleave, exactly one changes the row, and the other is told it is a
// replay.
func (db *DB) AcceptStep(ctx context.Context, userID int64, step int64) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.inWrite(ctx, "accept step", func(tx *tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET totp_last_step = ? WHERE id = ? AND totp_secret IS NOT NULL
			AND totp_last_step < ?`, step, userID, step)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 1 {
			return nil
		}
		// Nothing changed: say whether there is no factor or the step is
		// not new.
		if _, err := loadSecondFactor(ctx, tx, userID); err != nil {
			return err
		}
		return lifeguard.Errorf(lifeguard.ECONFLICT, "That code has already been used. Wait for the next one.")
	})
}

// UseRecoveryCode removes the recovery code with the hash from the user's
// unused codes. The list is read and written back in the write
// transaction, and the write is conditional on the list being as read, so
// that two requests with the same code cannot both remove it even where
// the engine lets them read at once (PostgreSQL); on SQLite the writer
// serialises them anyway.
func (db *DB) UseRecoveryCode(ctx context.Context, userID int64, hash string) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.inWrite(ctx, "use recovery code", func(tx *tx) error {
		// A few rounds are enough: each lost round means another code of the
		// same user was used in between, and a user has few codes.
		for range 5 {
			var secret sql.NullString
			var recovery string
			err := tx.row(ctx, `SELECT totp_secret, totp_recovery FROM users WHERE id = ?`, userID).Scan(&secret, &recovery)
			if errors.Is(err, sql.ErrNoRows) || err == nil && !secret.Valid {
				return errNoRecoveryCode()
			}
			if err != nil {
				return err
			}
			var hashes []string
			if err := json.Unmarshal([]byte(recovery), &hashes); err != nil {
				return fmt.Errorf("user %d: recovery hashes: %w", userID, err)
			}
			i := matchHash(hashes, hash)
			if i < 0 {
				return errNoRecoveryCode()
			}
			b, err := json.Marshal(slices.Delete(hashes, i, i+1))
			if err != nil {
				return err
			}
			res, err := tx.exec(ctx, `UPDATE users SET totp_recovery = ? WHERE id = ? AND totp_recovery = ?`,
				string(b), userID, recovery)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n == 1 {
				return err
			}
		}
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The recovery codes changed while this one was used. Please try again.")
	})
}

func errNoRecoveryCode() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "That is not an unused recovery code.")
}

// matchHash returns the index of the first hash equal to h, or -1. Every
// hash is compared in constant time, so the time taken says nothing about
// how much of a guess matched.
func matchHash(hashes []string, h string) int {
	if h == "" {
		return -1
	}
	found := -1
	for i, x := range hashes {
		if subtle.ConstantTimeCompare([]byte(x), []byte(h)) == 1 && found < 0 {
			found = i
		}
	}
	return found
}
