package lifeguard

import (
	"context"
	"time"
)

// SecondFactor is a user's enrolled second factor: the TOTP secret, the
// SHA-256 hashes of unused recovery codes, and the last time step accepted,
// so that a code cannot be used twice.
type SecondFactor struct {
	Secret         string
	RecoveryHashes []string
	LastStep       int64
	EnrolledAt     time.Time
}

// SecondFactorStore keeps second factors. Its methods are for the auth
// package, which calls them as the system actor.
type SecondFactorStore interface {
	// SecondFactor returns the user's enrolled factor, ENOTFOUND when none.
	SecondFactor(ctx context.Context, userID int64) (*SecondFactor, error)
	// EnrolSecondFactor stores a new factor, replacing any earlier one
	// unconditionally: for seeding and tests. Sign-in uses
	// ReplaceSecondFactor.
	EnrolSecondFactor(ctx context.Context, userID int64, f SecondFactor) error
	// ReplaceSecondFactor stores f in place of the factor whose secret is
	// current, or as the first factor when current is "" and the user has
	// none. ECONFLICT when the user's factor is not current (another
	// enrolment won, or there is one the caller did not prove), ENOTFOUND
	// when there is no such user.
	ReplaceSecondFactor(ctx context.Context, userID int64, current string, f SecondFactor) error
	// ResetSecondFactor removes the user's factor and ends their sessions,
	// journalled: the administrator's way back for a lost phone.
	ResetSecondFactor(ctx context.Context, userID int64) error
	// AcceptStep records that a TOTP code of step was used; it returns
	// ECONFLICT when step is not after the last accepted one (a replay).
	AcceptStep(ctx context.Context, userID int64, step int64) error
	// UseRecoveryCode removes the recovery code with the hash; ENOTFOUND
	// when it is not an unused code of the user.
	UseRecoveryCode(ctx context.Context, userID int64, hash string) error
}
