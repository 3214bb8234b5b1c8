package auth

import (
	"context"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// The second factor at sign-in: a TOTP code from an authenticator app, or a
// single-use recovery code. Failed codes are throttled per user like
// passwords, since six digits are only a million guesses.

func errNoFactors() error {
	return lifeguard.Errorf(lifeguard.EUNAVAILABLE, "Second factors cannot be used on this server.")
}

func errBadCode() error {
	return lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "That code is not right, or has already been used. Try the newest code from your app.")
}

// HasSecondFactor reports whether the user has enrolled a second factor.
func (s *Service) HasSecondFactor(ctx context.Context, userID int64) (bool, error) {
	if s.cfg.Factors == nil {
		return false, errNoFactors()
	}
	_, err := s.cfg.Factors.SecondFactor(system(ctx), userID)
	if isNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

// BeginSecondFactor makes a new secret and its otpauth URI for the user to
// add to an app. Nothing is stored until ConfirmSecondFactor.
func (s *Service) BeginSecondFactor(email string) (secret, uri string, err error) {
	if s.cfg.Factors == nil {
		return "", "", errNoFactors()
	}
	secret, uri = NewTOTPSecret(email)
	return secret, uri, nil
}

// ConfirmSecondFactor is a first enrolment: it checks a first code against
// secret, stores the factor with ten new recovery codes, marks the session
// as having passed the second factor, and returns the recovery codes to
// show once. It never replaces a factor: when the user has one, it is
// EFORBIDDEN, and the store's compare-and-set refuses it too should one be
// enrolled meanwhile. Replacing needs ReplaceSecondFactor and the current
// factor.
func (s *Service) ConfirmSecondFactor(ctx context.Context, userID, sessionID int64, secret, code string) ([]string, error) {
	if s.cfg.Factors == nil {
		return nil, errNoFactors()
	}
	has, err := s.HasSecondFactor(ctx, userID)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, errHasFactor()
	}
	return s.enrol(ctx, userID, sessionID, "", secret, code)
}

func errHasFactor() error {
	return lifeguard.Errorf(lifeguard.EFORBIDDEN,
		"You already have a second factor. To replace it, sign in fully and give a code from it or a recovery code.")
}

// ReplaceSecondFactor replaces the user's enrolled factor with secret. The
// user must be signed in with a session that passed the second factor (the
// actor in ctx is the user, via a session: the pages set one only then),
// and prove the current factor again with current, a code from it or an
// unused recovery code, which is spent; code is the first code of the new
// secret. Wrong codes count towards the code throttle.
func (s *Service) ReplaceSecondFactor(ctx context.Context, userID, sessionID int64, current, secret, code string) ([]string, error) {
	if s.cfg.Factors == nil {
		return nil, errNoFactors()
	}
	if err := authorizeSelf(ctx, userID, true); err != nil {
		return nil, err
	}
	if lifeguard.ActorFrom(ctx).IsSystem() {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Use user reset-factor to remove a user's second factor.")
	}
	if err := s.allowCode(ctx, userID); err != nil {
		return nil, err
	}
	sys := system(ctx)
	f, err := s.cfg.Factors.SecondFactor(sys, userID)
	if isNotFound(err) {
		return nil, lifeguard.Errorf(lifeguard.ECONFLICT, "You have no second factor to replace.")
	}
	if err != nil {
		return nil, err
	}
	if _, ok := TOTPStep(secret, code, s.cfg.Now()); !ok {
		return nil, s.failCode(ctx, userID)
	}
	if err := s.useCode(ctx, userID, f, current); err != nil {
		return nil, err
	}
	return s.enrol(ctx, userID, sessionID, f.Secret, secret, code)
}

// enrol checks code against secret and stores the factor in place of the
// one whose secret is current ("" for none).
func (s *Service) enrol(ctx context.Context, userID, sessionID int64, current, secret, code string) ([]string, error) {
	if err := s.allowCode(ctx, userID); err != nil {
		return nil, err
	}
	step, ok := TOTPStep(secret, code, s.cfg.Now())
	if !ok {
		return nil, s.failCode(ctx, userID)
	}
	plain, hashes := NewRecoveryCodes(10)
	f := lifeguard.SecondFactor{Secret: secret, RecoveryHashes: hashes, LastStep: step, EnrolledAt: s.cfg.Now()}
	if err := s.cfg.Factors.ReplaceSecondFactor(system(ctx), userID, current, f); err != nil {
		return nil, err
	}
	if err := s.store.SetSessionSecondFactor(system(ctx), sessionID); err != nil {
		return nil, err
	}
	return plain, s.store.ClearFailures(system(ctx), codeKey(userID))
}

// ResetSecondFactor removes a user's second factor and ends their
// sessions, journalled by the store: for a user who has lost their phone
// and their recovery codes. Only the system actor (the command line) may.
// The user then signs in with their password and enrols a new factor, so
// an administrator who suspects the password is known resets that too.
func (s *Service) ResetSecondFactor(ctx context.Context, userID int64) error {
	if s.cfg.Factors == nil {
		return errNoFactors()
	}
	if !lifeguard.ActorFrom(ctx).IsSystem() {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator at the command line can reset a second factor.")
	}
	if err := s.cfg.Factors.ResetSecondFactor(ctx, userID); err != nil {
		return err
	}
	return s.store.ClearFailures(ctx, codeKey(userID))
}

// VerifySecondFactor checks a TOTP code, refusing one already used, or a
// recovery code, which is then spent; on success the session has passed
// the second factor.
func (s *Service) VerifySecondFactor(ctx context.Context, userID, sessionID int64, code, addr string) error {
	if s.cfg.Factors == nil {
		return errNoFactors()
	}
	if err := s.allowCode(ctx, userID); err != nil {
		return err
	}
	sys := system(ctx)
	f, err := s.cfg.Factors.SecondFactor(sys, userID)
	if err != nil {
		if isNotFound(err) {
			return errBadCode()
		}
		return err
	}
	if err := s.useCode(ctx, userID, f, code); err != nil {
		return err
	}
	if err := s.store.SetSessionSecondFactor(sys, sessionID); err != nil {
		return err
	}
	return s.store.ClearFailures(sys, codeKey(userID))
}

// useCode accepts code as a TOTP code of f, refusing one already used, or
// as an unused recovery code of f, which is then spent.
func (s *Service) useCode(ctx context.Context, userID int64, f *lifeguard.SecondFactor, code string) error {
	sys := system(ctx)
	if step, ok := TOTPStep(f.Secret, code, s.cfg.Now()); ok {
		if err := s.cfg.Factors.AcceptStep(sys, userID, step); err != nil {
			if lifeguard.ErrorCode(err) == lifeguard.ECONFLICT {
				return s.failCode(ctx, userID) // a replayed code
			}
			return err
		}
		return nil
	}
	if _, ok := UseRecoveryCode(f.RecoveryHashes, code); ok {
		if err := s.cfg.Factors.UseRecoveryCode(sys, userID, hashRecoveryCode(code)); err != nil {
			if isNotFound(err) {
				return s.failCode(ctx, userID) // spent by a concurrent sign-in
			}
			return err
		}
		return nil
	}
	return s.failCode(ctx, userID)
}

func codeKey(userID int64) string { return "code:" + strconv.FormatInt(userID, 10) }

func (s *Service) allowCode(ctx context.Context, userID int64) error {
	n, err := s.store.CountFailures(system(ctx), codeKey(userID), s.cfg.Now().Add(-s.cfg.Window))
	if err != nil {
		return err
	}
	if n >= s.cfg.CodeLimit {
		return s.errThrottled()
	}
	return nil
}

func (s *Service) failCode(ctx context.Context, userID int64) error {
	if err := s.store.RecordFailure(system(ctx), codeKey(userID), s.cfg.Now()); err != nil {
		return err
	}
	return errBadCode()
}
