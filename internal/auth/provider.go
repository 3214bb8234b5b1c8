package auth

import (
	"context"
	"fmt"

	"github.com/lifeguard-scp/lifeguard"
)

// SignInVerified starts a session for a user whom an OpenID Connect
// provider has vouched for (internal/oidc checks the provider's answer;
// the store maps it to the user). No password is involved, so no
// throttling either: the provider did the authenticating. secondFactor
// marks the session as having passed the second factor, which the caller
// sets only where the administrator trusts the provider to enforce one and
// the token says it did. A disabled account, and a DNS filter's, are
// refused as at password sign-in.
func (s *Service) SignInVerified(ctx context.Context, u *lifeguard.User, secondFactor bool) (string, *lifeguard.Session, error) {
	switch {
	case u == nil:
		return "", nil, errBadCredentials()
	case u.Disabled:
		return "", nil, errDisabled()
	case !u.Role.UsesPages():
		return "", nil, lifeguard.Errorf(lifeguard.EUNAUTHORIZED,
			"This is a DNS filter's account: it uses an API token and cannot sign in to the pages.")
	}
	ctx = system(ctx)
	now := s.cfg.Now()
	if err := s.store.RecordSignIn(ctx, u.ID, now); err != nil {
		return "", nil, fmt.Errorf("auth: recording the sign-in of user %d: %w", u.ID, err)
	}
	token, hash := newSessionToken()
	sess, err := s.store.CreateSession(ctx, lifeguard.Session{UserID: u.ID, TokenHash: hash, CreatedAt: now,
		LastSeen: now, ExpiresAt: s.expiry(now, now), SecondFactor: secondFactor})
	if err != nil {
		return "", nil, fmt.Errorf("auth: creating a session for user %d: %w", u.ID, err)
	}
	u.LastSignInAt = &now
	return token, sess, nil
}
