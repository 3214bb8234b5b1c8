package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// The AuthStore keeps sessions, API tokens and sign-in failures in the
// database, so that several servers share them. Only the system actor may
// call it: the auth package, which hashes tokens and passwords itself and
// hands the store hashes only.

func errNoSession() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such session.") }
func errNoToken() error   { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such token.") }

// CredentialsByEmail returns what sign-in needs about the user with the
// email, whatever its case. A disabled user is returned too: the auth
// package tells the user so.
func (db *DB) CredentialsByEmail(ctx context.Context, email string) (*lifeguard.Credentials, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	email = strings.ToLower(strings.TrimSpace(email))
	if !signInEmail(email) {
		// No user can have it, and PostgreSQL would refuse it in a query
		// (a NUL, invalid UTF-8) where SQLite finds nothing: both answer
		// as for an unknown address.
		return nil, errNoUser()
	}
	var c lifeguard.Credentials
	err := db.inRead(ctx, "credentials", func(tx *tx) error {
		var hash, secret sql.NullString
		u, err := scanUser(tx.row(ctx, `SELECT `+userColumns+`, u.password_hash, u.totp_secret`+userFrom+
			` WHERE u.email = ?`, email).Scan, &hash, &secret)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoUser()
		}
		if err != nil {
			return err
		}
		c = lifeguard.Credentials{User: *u, PasswordHash: hash.String, TOTPSecret: secret.String}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// signInEmail reports whether email could be a user's: what CreateUser
// accepts, as text PostgreSQL can compare.
func signInEmail(email string) bool {
	return validEmail(email) && utf8.ValidString(email) && !strings.ContainsRune(email, 0)
}

// updateOne runs an UPDATE or DELETE that must change one row, and returns
// notFound when it changed none.
func (db *DB) updateOne(ctx context.Context, op string, notFound func() error, q string, args ...any) error {
	return db.inWrite(ctx, op, func(tx *tx) error {
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 && notFound != nil {
			return notFound()
		}
		return nil
	})
}

// SetPasswordHash replaces the user's password hash.
func (db *DB) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	if hash == "" {
		return lifeguard.Invalid("The password is not valid", []lifeguard.Problem{{Path: "password", Problem: "is required"}})
	}
	return db.updateOne(ctx, "set password", errNoUser, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, userID)
}

// RecordSignIn records when the user last signed in.
func (db *DB) RecordSignIn(ctx context.Context, userID int64, at time.Time) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.updateOne(ctx, "record sign-in", errNoUser, `UPDATE users SET last_sign_in_at = ? WHERE id = ?`,
		micros(at), userID)
}

// CreateSession records a new session of a user.
func (db *DB) CreateSession(ctx context.Context, s lifeguard.Session) (*lifeguard.Session, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var p problems
	if len(s.TokenHash) == 0 {
		p.add("token_hash", "is required")
	}
	if s.ExpiresAt.IsZero() {
		p.add("expires_at", "is required")
	}
	if err := p.err("The session is not valid"); err != nil {
		return nil, err
	}
	if s.CreatedAt.IsZero() {
		s.CreatedAt = db.now()
	}
	if s.LastSeen.IsZero() {
		s.LastSeen = s.CreatedAt
	}
	s.CreatedAt, s.ExpiresAt, s.LastSeen = trunc(s.CreatedAt), trunc(s.ExpiresAt), trunc(s.LastSeen)
	err := db.inWrite(ctx, "create session", func(tx *tx) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, s.UserID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errNoUser()
		}
		var err error
		s.ID, err = tx.insert(ctx, `INSERT INTO sessions (user_id, token_hash, created_at, expires_at, last_seen,
			second_factor) VALUES (?, ?, ?, ?, ?, ?)`, s.UserID, s.TokenHash, micros(s.CreatedAt), micros(s.ExpiresAt),
			micros(s.LastSeen), s.SecondFactor)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// trunc is a time at the precision the database keeps, in UTC.
func trunc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// SessionByHash returns the live session with the token hash and its user.
// A session of a disabled user is no longer live.
func (db *DB) SessionByHash(ctx context.Context, hash []byte, now time.Time) (*lifeguard.Session, *lifeguard.User, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, nil, err
	}
	var s lifeguard.Session
	var u *lifeguard.User
	err := db.inRead(ctx, "session", func(tx *tx) error {
		var created, expires, seen int64
		var err error
		u, err = scanUser(tx.row(ctx, `SELECT `+userColumns+`, s.id, s.token_hash, s.created_at, s.expires_at,
			s.last_seen, s.second_factor`+userFrom+` JOIN sessions s ON s.user_id = u.id
			WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled`, hash, micros(now)).Scan,
			&s.ID, &s.TokenHash, &created, &expires, &seen, &s.SecondFactor)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoSession()
		}
		if err != nil {
			return err
		}
		s.UserID, s.CreatedAt, s.ExpiresAt, s.LastSeen = u.ID, fromMicros(created), fromMicros(expires), fromMicros(seen)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return &s, u, nil
}

// TouchSession records that the session was used and moves its expiry.
func (db *DB) TouchSession(ctx context.Context, id int64, now, expires time.Time) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.updateOne(ctx, "touch session", errNoSession,
		`UPDATE sessions SET last_seen = ?, expires_at = ? WHERE id = ?`, micros(now), micros(expires), id)
}

// SetSessionSecondFactor records that the session's user passed the second
// factor.
func (db *DB) SetSessionSecondFactor(ctx context.Context, id int64) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.updateOne(ctx, "second factor", errNoSession, `UPDATE sessions SET second_factor = ? WHERE id = ?`, true, id)
}

// DeleteSession ends the session with the token hash; ending one that is
// already gone is not an error (signing out twice).
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.updateOne(ctx, "delete session", nil, `DELETE FROM sessions WHERE token_hash = ?`, hash)
}

// DeleteUserSessions ends every session of the user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.updateOne(ctx, "delete sessions", nil, `DELETE FROM sessions WHERE user_id = ?`, userID)
}

// CreateToken records a new API token of a user.
func (db *DB) CreateToken(ctx context.Context, userID int64, name, prefix string, hash []byte) (*lifeguard.APIToken, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	var p problems
	p.text("name", name, lifeguard.MaxShortText, true)
	p.text("prefix", prefix, 32, true)
	if len(hash) == 0 {
		p.add("hash", "is required")
	}
	if err := p.err("The token is not valid"); err != nil {
		return nil, err
	}
	t := &lifeguard.APIToken{UserID: userID, Name: name, Prefix: prefix, CreatedAt: db.now()}
	err := db.inWrite(ctx, "create token", func(tx *tx) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM users WHERE id = ?`, userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errNoUser()
		}
		var err error
		t.ID, err = tx.insert(ctx, `INSERT INTO api_tokens (user_id, name, prefix, hash, created_at)
			VALUES (?, ?, ?, ?, ?)`, userID, name, prefix, hash, micros(t.CreatedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

const tokenColumns = `t.id, t.user_id, t.name, t.prefix, t.created_at, t.last_used_at, t.revoked_at`

func scanToken(scan func(...any) error, extra ...any) (*lifeguard.APIToken, error) {
	var t lifeguard.APIToken
	var created int64
	var used, revoked sql.NullInt64
	if err := scan(append([]any{&t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &used, &revoked}, extra...)...); err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastUsedAt, t.RevokedAt = fromMicros(created), timePtr(used), timePtr(revoked)
	return &t, nil
}

// TokenByHash returns the unrevoked token with the hash and its enabled
// user, and records its use.
func (db *DB) TokenByHash(ctx context.Context, hash []byte, now time.Time) (*lifeguard.APIToken, *lifeguard.User, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, nil, err
	}
	var t lifeguard.APIToken
	var u *lifeguard.User
	var used sql.NullInt64
	// A read, not a write: every API call looks its token up, and a synced
	// write transaction for each would halve what the single writer can do.
	err := db.inRead(ctx, "token", func(tx *tx) error {
		var created int64
		var revoked sql.NullInt64
		var err error
		u, err = scanUser(tx.row(ctx, `SELECT `+userColumns+`, `+tokenColumns+userFrom+
			` JOIN api_tokens t ON t.user_id = u.id WHERE t.hash = ? AND t.revoked_at IS NULL AND NOT u.disabled`,
			hash).Scan, &t.ID, &t.UserID, &t.Name, &t.Prefix, &created, &used, &revoked)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoToken()
		}
		if err != nil {
			return err
		}
		t.CreatedAt = fromMicros(created)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	at := trunc(now)
	t.LastUsedAt = &at
	// Last use is kept to the minute, so it is written at most once a minute
	// per token rather than on every call.
	if !used.Valid || at.Sub(fromMicros(used.Int64)) >= tokenUseResolution {
		err = db.inWrite(ctx, "token use", func(tx *tx) error {
			_, err := tx.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, micros(at), t.ID)
			return err
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return &t, u, nil
}

// tokenUseResolution is how precisely a token's last use is recorded.
const tokenUseResolution = time.Minute

// Tokens lists the user's tokens, newest first, revoked ones included.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]lifeguard.APIToken, error) {
	if err := systemOnly(ctx); err != nil {
		return nil, err
	}
	out := []lifeguard.APIToken{}
	err := db.inRead(ctx, "tokens", func(tx *tx) error {
		return each(ctx, tx, `SELECT `+tokenColumns+` FROM api_tokens t WHERE t.user_id = ? ORDER BY t.id DESC`,
			[]any{userID}, func(scan func(...any) error) error {
				t, err := scanToken(scan)
				if err != nil {
					return err
				}
				out = append(out, *t)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RevokeToken revokes a token; revoking it again keeps the first time.
func (db *DB) RevokeToken(ctx context.Context, id int64, now time.Time) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.updateOne(ctx, "revoke token", errNoToken,
		`UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?`, micros(now), id)
}

// CountFailures counts the sign-in failures of key since the time given.
func (db *DB) CountFailures(ctx context.Context, key string, since time.Time) (int, error) {
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	if checkThrottleKey("key", key) != nil {
		return 0, nil // no such key can have been recorded
	}
	var n int
	err := db.inRead(ctx, "count failures", func(tx *tx) error {
		return tx.row(ctx, `SELECT COUNT(*) FROM login_failures WHERE key = ? AND at >= ?`, key, micros(since)).Scan(&n)
	})
	return n, err
}

// failureMemory is how long a sign-in failure is kept: longer than any
// throttling window, short enough that the table stays small.
const failureMemory = 24 * time.Hour

// RecordFailure records a sign-in failure of key, and forgets the key's
// failures older than a day.
func (db *DB) RecordFailure(ctx context.Context, key string, at time.Time) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	if err := checkThrottleKey("key", key); err != nil {
		return err
	}
	return db.inWrite(ctx, "record failure", func(tx *tx) error { return recordFailure(ctx, tx, key, at) })
}

func recordFailure(ctx context.Context, tx *tx, key string, at time.Time) error {
	if _, err := tx.exec(ctx, `DELETE FROM login_failures WHERE key = ? AND at < ?`, key,
		micros(at.Add(-failureMemory))); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `INSERT INTO login_failures (key, at) VALUES (?, ?)`, key, micros(at))
	return err
}

// ClearFailures forgets the failures of key.
func (db *DB) ClearFailures(ctx context.Context, key string) error {
	if err := systemOnly(ctx); err != nil {
		return err
	}
	return db.updateOne(ctx, "clear failures", nil, `DELETE FROM login_failures WHERE key = ?`, key)
}
