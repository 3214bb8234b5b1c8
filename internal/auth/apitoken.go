package auth

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// API tokens look like "lg_" followed by the 32 bytes in lower-case base32
// without padding (52 characters): the prefix lets secret scanners and people
// recognise a Lifeguard token, base32 survives copying, double-clicking and
// shells, and lower case reads more easily than upper.
const (
	apiTokenPrefix = "lg_"
	apiTokenLen    = len(apiTokenPrefix) + 52
	// apiTokenShown is how much of a token lists show (Prefix): "lg_" and 7
	// characters, 35 bits, enough to tell a person's tokens apart and far
	// too few to help guess one.
	apiTokenShown = 10
)

func b32() *base32.Encoding { return base32.StdEncoding.WithPadding(base32.NoPadding) }

// newAPIToken returns a new API token and the hash the store keeps.
func newAPIToken() (plain string, hash []byte) {
	b := make([]byte, tokenBytes)
	rand.Read(b) // never fails: crypto/rand crashes the program instead
	plain = apiTokenPrefix + strings.ToLower(b32().EncodeToString(b))
	return plain, hashToken(plain)
}

// validAPIToken reports whether s is spelled exactly as newAPIToken spells
// tokens, so that junk is rejected before it reaches the store.
func validAPIToken(s string) bool {
	if len(s) != apiTokenLen || !strings.HasPrefix(s, apiTokenPrefix) {
		return false
	}
	body := s[len(apiTokenPrefix):]
	for i := 0; i < len(body); i++ {
		c := body[i]
		if !('a' <= c && c <= 'z' || '2' <= c && c <= '7') {
			return false
		}
	}
	b, err := b32().DecodeString(strings.ToUpper(body))
	// Re-encoding catches the other spellings of a token: the last base32
	// character of 256 bits carries one bit, and the decoder ignores the
	// other four, so without this one token would have 16 spellings.
	return err == nil && len(b) == tokenBytes && strings.ToLower(b32().EncodeToString(b)) == body
}

func errBadToken() error {
	return lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "The API token is not valid.")
}

const maxTokenName = 100 // characters

// CreateToken creates an API token named name for user userID and returns it
// in plain, to be shown once: only its hash is kept. The actor must be the
// user, signed in with a session, or the system.
func (s *Service) CreateToken(ctx context.Context, userID int64, name string) (string, *lifeguard.APIToken, error) {
	if err := authorizeSelf(ctx, userID, true); err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if problems := checkTokenName(name); len(problems) > 0 {
		return "", nil, lifeguard.Invalid("The token needs a different name", problems)
	}
	plain, hash := newAPIToken()
	t, err := s.store.CreateToken(system(ctx), userID, name, plain[:apiTokenShown], hash)
	if err != nil {
		return "", nil, fmt.Errorf("auth: creating a token for user %d: %w", userID, err)
	}
	return plain, t, nil
}

func checkTokenName(name string) []lifeguard.Problem {
	var problems []lifeguard.Problem
	add := func(msg string) {
		problems = append(problems, lifeguard.Problem{Path: "name", Problem: msg})
	}
	switch {
	case !utf8.ValidString(name):
		add("must be valid text")
	case name == "":
		add("is required")
	case utf8.RuneCountInString(name) > maxTokenName:
		add(fmt.Sprintf("must be at most %d characters long", maxTokenName))
	case strings.ContainsFunc(name, unicode.IsControl):
		add("must be on one line, without control characters")
	}
	return problems
}

// Tokens lists the API tokens of user userID, revoked ones included. The
// actor must be the user or the system.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]lifeguard.APIToken, error) {
	if err := authorizeSelf(ctx, userID, false); err != nil {
		return nil, err
	}
	ts, err := s.store.Tokens(system(ctx), userID)
	if err != nil {
		return nil, fmt.Errorf("auth: listing the tokens of user %d: %w", userID, err)
	}
	return ts, nil
}

// RevokeToken revokes the API token id. A user may revoke only their own
// tokens, and another user's token is ENOTFOUND, exactly as a missing one, so
// that ids cannot be probed; the system may revoke any.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	a := lifeguard.ActorFrom(ctx)
	if a == nil {
		return lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "Sign in first.")
	}
	sys := system(ctx)
	if !a.IsSystem() {
		// The store's RevokeToken knows only the token id, and we call it as
		// the system, so ownership is checked here against the actor's own
		// list.
		ts, err := s.store.Tokens(sys, a.UserID)
		if err != nil {
			return fmt.Errorf("auth: listing the tokens of user %d: %w", a.UserID, err)
		}
		if !slices.ContainsFunc(ts, func(t lifeguard.APIToken) bool { return t.ID == id }) {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such token.")
		}
	}
	if err := s.store.RevokeToken(sys, id, s.cfg.Now()); err != nil {
		return fmt.Errorf("auth: revoking token %d: %w", id, err)
	}
	return nil
}

// Token authenticates an API request: it returns the unrevoked token whose
// plain form the client presented, and its user. A malformed token is refused
// before the store is asked; an unknown or revoked token, or a disabled user,
// is EUNAUTHORIZED.
func (s *Service) Token(ctx context.Context, plain string) (*lifeguard.APIToken, *lifeguard.User, error) {
	if !validAPIToken(plain) {
		return nil, nil, errBadToken()
	}
	t, u, err := s.store.TokenByHash(system(ctx), hashToken(plain), s.cfg.Now())
	if isNotFound(err) {
		return nil, nil, errBadToken()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: reading a token: %w", err)
	}
	// The store promises both; checked again because a slip there would let
	// a revoked token or a disabled user in.
	if t.RevokedAt != nil || u.Disabled {
		return nil, nil, errBadToken()
	}
	return t, u, nil
}
