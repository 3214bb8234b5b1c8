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

// ConfirmSecondFactor checks a first code against secret, stores the factor
// with ten new recovery codes, marks the session as having passed the
// second factor, and returns the recovery codes to show once.
func (s *Service) ConfirmSecondFactor(ctx context.Context, userID, sessionID int64, secret, code string) ([]string, error) {
	if s.cfg.Factors == nil {
		return nil, errNoFactors()
	}
	if err := s.allowCode(ctx, userID); err != nil {
		return nil, err
	}
	step, ok := TOTPStep(secret, code, s.cfg.Now())
	if !ok {
		return nil, s.failCode(ctx, userID)
	}
	plain, hashes := NewRecoveryCodes(10)
	f := lifeguard.SecondFactor{Secret: secret, RecoveryHashes: hashes, LastStep: step, EnrolledAt: s.cfg.Now()}
	if err := s.cfg.Factors.EnrolSecondFactor(system(ctx), userID, f); err != nil {
		return nil, err
	}
	if err := s.store.SetSessionSecondFactor(system(ctx), sessionID); err != nil {
		return nil, err
	}
	return plain, s.store.ClearFailures(system(ctx), codeKey(userID))
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
	if step, ok := TOTPStep(f.Secret, code, s.cfg.Now()); ok {
		if err := s.cfg.Factors.AcceptStep(sys, userID, step); err != nil {
			if lifeguard.ErrorCode(err) == lifeguard.ECONFLICT {
				return s.failCode(ctx, userID) // a replayed code
			}
			return err
		}
	} else if _, ok := UseRecoveryCode(f.RecoveryHashes, code); ok {
		if err := s.cfg.Factors.UseRecoveryCode(sys, userID, hashRecoveryCode(code)); err != nil {
			if isNotFound(err) {
				return s.failCode(ctx, userID) // spent by a concurrent sign-in
			}
			return err
		}
	} else {
		return s.failCode(ctx, userID)
	}
	if err := s.store.SetSessionSecondFactor(sys, sessionID); err != nil {
		return err
	}
	return s.store.ClearFailures(sys, codeKey(userID))
}

func codeKey(userID int64) string { return "code:" + strconv.FormatInt(userID, 10) }

func (s *Service) allowCode(ctx context.Context, userID int64) error {
	n, err := s.store.CountFailures(system(ctx), codeKey(userID), s.cfg.Now().Add(-s.cfg.Window))
	if err != nil {
		return err
	}
	if n >= s.cfg.AccountLimit {
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
