package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The rest of the AuthStore's throttling: what an administrator sees of it,
// and the addresses each account has signed in from. The keys are the auth
// package's; the store only bounds them, so that no caller can write a key
// PostgreSQL would refuse or an index could not hold.

// maxThrottleKey bounds a throttling key. The auth package's keys are an
// address and an email of at most 254 bytes with short prefixes.
const maxThrottleKey = 600

// checkThrottleKey applies the store's one text rule (lifeguard.TextProblem)
// and a limit in bytes, which is what an index holds.
func checkThrottleKey(path, key string) error {
	problem := lifeguard.TextProblem(key)
	switch {
	case key == "":
		problem = "is required"
	case problem == "" && len(key) > maxThrottleKey:
		problem = fmt.Sprintf("is %d bytes long; the most allowed is %d", len(key), maxThrottleKey)
	}
	if problem == "" {
		return nil
	}
	return lifeguard.Invalid("The throttling key is not valid", []lifeguard.Problem{{Path: path, Problem: problem}})
}

// Failures lists every key with failures since the time given, the most
// failures first, then by key.
func (db *DB) Failures(ctx context.Context, since time.Time) ([]lifeguard.FailureCount, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	return readAll(ctx, db, "list failures", `SELECT key, COUNT(*), MAX(at) FROM login_failures WHERE at >= ?
		GROUP BY key ORDER BY COUNT(*) DESC, key`, []any{micros(since)}, func(scan func(...any) error) (*lifeguard.FailureCount, error) {
		var f lifeguard.FailureCount
		var last int64
		if err := scan(&f.Key, &f.Failures, &last); err != nil {
			return nil, err
		}
		f.Last = fromMicros(last)
		return &f, nil
	})
}

// SignedIn records a successful sign-in in one transaction: the user's
// last sign-in, address as known for account (only the latest time is
// kept), and the end of the failures of clear.
func (db *DB) SignedIn(ctx context.Context, userID int64, account, address, clear string, at time.Time) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	for _, k := range []struct{ path, key string }{{"account", account}, {"address", address}, {"clear", clear}} {
		if err := checkThrottleKey(k.path, k.key); err != nil {
			return err
		}
	}
	return db.inWrite(ctx, "signed in", func(tx *tx) error {
		res, err := tx.exec(ctx, `UPDATE users SET last_sign_in_at = ? WHERE id = ?`, micros(at), userID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return errNoUser()
		}
		if _, err := tx.exec(ctx, `INSERT INTO sign_in_addresses (account, address, last_at) VALUES (?, ?, ?)
			ON CONFLICT (account, address) DO UPDATE SET last_at = excluded.last_at`, account, address, micros(at)); err != nil {
			return err
		}
		_, err = tx.exec(ctx, `DELETE FROM login_failures WHERE key = ?`, clear)
		return err
	})
}

// RecordFailures records a sign-in failure of each key, in one
// transaction, and forgets the keys' failures older than a day.
func (db *DB) RecordFailures(ctx context.Context, at time.Time, keys ...string) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	for _, key := range keys {
		if err := checkThrottleKey("key", key); err != nil {
			return err
		}
	}
	return db.inWrite(ctx, "record failures", func(tx *tx) error {
		for _, key := range keys {
			if err := recordFailure(ctx, tx, key, at); err != nil {
				return err
			}
		}
		return nil
	})
}

// KnownAddress reports whether account has signed in from address since
// the time given.
func (db *DB) KnownAddress(ctx context.Context, account, address string, since time.Time) (bool, error) {
	if err := systemOnly(ctx); err != nil {
		return false, err
	}
	if checkThrottleKey("account", account) != nil || checkThrottleKey("address", address) != nil {
		return false, nil // no such key was ever recorded
	}
	var n int
	err := db.inRead(ctx, "known address", func(tx *tx) error {
		return tx.row(ctx, `SELECT COUNT(*) FROM sign_in_addresses WHERE account = ? AND address = ? AND last_at >= ?`,
			account, address, micros(since)).Scan(&n)
	})
	return n > 0, err
}
