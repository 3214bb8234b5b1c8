package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Config configures a Service. Zero fields take the defaults given.
type Config struct {
	// Now is the clock; time.Now by default. Tests set it.
	Now func() time.Time
	// SessionIdle ends a session that has not been used for this long
	// (default 30 minutes); SessionMax ends any session this long after
	// sign-in (default 12 hours), however busy.
	SessionIdle, SessionMax time.Duration
	// Throttling of failed sign-ins, each counted over Window (default 15
	// minutes); docs/web.md explains the numbers.
	//
	// PairLimit is how many failures one account may have from one address
	// before that address is refused for that account (default 5): the
	// limit that keeps guessing slow. AccountLimit counts the account's
	// failures from every address (default 10) and AddressLimit the
	// address's failures over every account (default 500, enough for the
	// typing slips of a large school behind one address); past either, an
	// address the account has not signed in from within KnownFor (default
	// 90 days) is refused, but the owner's usual addresses are not, so
	// that no one can lock an owner or a school out by failing on purpose.
	PairLimit, AccountLimit, AddressLimit int
	Window, KnownFor                      time.Duration
	// CodeLimit is how many wrong second-factor codes a user may give
	// within Window (default 5).
	CodeLimit int
	// Params are the argon2id parameters of new hashes; zero means
	// DefaultParams. Tests set cheaper ones. New panics if they are set and
	// out of range: that is a programming error, found at start-up.
	Params Params
	// MaxHashing bounds how many argon2id computations run at once, each
	// holding Params.Memory while it runs (default GOMAXPROCS). Callers
	// beyond it wait their turn, so a burst of sign-ins costs latency, not
	// memory. It also bounds how far a burst of guesses can overshoot the
	// limits above (see checkPassword).
	MaxHashing int
	// Logger receives problems that do not stop a sign-in, such as a failed
	// rehash; nil discards them. Only ids are logged.
	Logger *slog.Logger
	// Factors keeps second factors; without it the second-factor methods
	// report that none can be enrolled.
	Factors lifeguard.SecondFactorStore
}

func (c Config) withDefaults() Config {
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SessionIdle <= 0 {
		c.SessionIdle = 30 * time.Minute
	}
	if c.SessionMax <= 0 {
		c.SessionMax = 12 * time.Hour
	}
	if c.PairLimit <= 0 {
		c.PairLimit = 5
	}
	if c.AccountLimit <= 0 {
		c.AccountLimit = 10
	}
	if c.AddressLimit <= 0 {
		c.AddressLimit = 500
	}
	if c.Window <= 0 {
		c.Window = 15 * time.Minute
	}
	if c.KnownFor <= 0 {
		c.KnownFor = 90 * 24 * time.Hour
	}
	if c.CodeLimit <= 0 {
		c.CodeLimit = 5
	}
	if c.Params == (Params{}) {
		c.Params = DefaultParams()
	}
	if c.MaxHashing <= 0 {
		c.MaxHashing = runtime.GOMAXPROCS(0)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Service signs users in and checks their sessions and tokens. It is safe for
// concurrent use.
type Service struct {
	store lifeguard.AuthStore
	cfg   Config
	// hashing holds one slot per argon2id computation in progress.
	hashing chan struct{}
	// dummyHash is verified against when the email is unknown, so that an
	// unknown email costs the same time as a wrong password and response
	// times do not tell which addresses have accounts. It has the current
	// parameters and a random salt; its key matches no password.
	dummyHash string
}

// New returns a Service over the store.
func New(store lifeguard.AuthStore, cfg Config) *Service {
	cfg = cfg.withDefaults()
	if err := cfg.Params.validate(); err != nil {
		panic("auth.New: " + err.Error())
	}
	salt := make([]byte, cfg.Params.SaltLen)
	rand.Read(salt)
	return &Service{
		store:     store,
		cfg:       cfg,
		hashing:   make(chan struct{}, cfg.MaxHashing),
		dummyHash: encodeHash(cfg.Params, salt, make([]byte, cfg.Params.KeyLen)),
	}
}

// system returns ctx acting as Lifeguard itself: the store's access checks
// need an actor, and before sign-in there is none.
func system(ctx context.Context) context.Context {
	return lifeguard.WithActor(ctx, lifeguard.SystemActor())
}

// The errors a person sees. Each call builds a new one, so no caller can
// change another's.
func errBadCredentials() error {
	return lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "The email address or password is not right.")
}

func (s *Service) errThrottled() error {
	return lifeguard.Errorf(lifeguard.EUNAUTHORIZED,
		"Too many failed sign-ins. Wait %d minutes, then try again.", int(s.cfg.Window.Round(time.Minute)/time.Minute))
}

func errDisabled() error {
	return lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "This account is disabled. Ask your administrator.")
}

func errSessionEnded() error {
	return lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "Your session has ended. Please sign in again.")
}

func isNotFound(err error) bool { return lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND }

// acquire takes a hashing slot, waiting no longer than ctx allows; release
// gives it back.
func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("auth: waiting to hash: %w", context.Cause(ctx))
	}
}

func (s *Service) release() { <-s.hashing }

// hash hashes a new password within the concurrency bound.
func (s *Service) hash(ctx context.Context, pw string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	return hashPassword(pw, s.cfg.Params)
}

// SignIn checks an email address and password from the client at addr (an IP
// address, as ClientAddr gives) and starts a session. It returns the session
// token, to be given to the client once and never kept, the session and the
// user.
//
// Failures are throttled per account and per address. A wrong password and an
// unknown email give the same error, record the same failures and take about
// the same time, so that SignIn does not tell who has an account. Once the
// password is right, a disabled account is told so.
func (s *Service) SignIn(ctx context.Context, email, password, addr string) (string, *lifeguard.Session, *lifeguard.User, error) {
	ctx = system(ctx)
	now := s.cfg.Now()
	k := keysFor(email, addr)
	cred, rehash, err := s.checkPassword(ctx, email, password, k, now)
	if err != nil {
		return "", nil, nil, err
	}

	u := cred.User
	if !u.Role.UsesPages() {
		// A DNS filter's account has no pages: it works with an API token.
		return "", nil, nil, lifeguard.Errorf(lifeguard.EUNAUTHORIZED,
			"This is a DNS filter's account: it uses an API token and cannot sign in to the pages.")
	}
	if rehash {
		// The parameters have changed since this hash was made; the
		// password is at hand only now. A failure here must not stop the
		// sign-in: the old hash still works, and the next sign-in retries.
		if h, err := s.hash(ctx, password); err != nil {
			s.cfg.Logger.WarnContext(ctx, "auth: rehashing a password", slog.Int64("user_id", u.ID), slog.Any("error", err))
		} else if err := s.store.SetPasswordHash(ctx, u.ID, h); err != nil {
			s.cfg.Logger.WarnContext(ctx, "auth: storing a rehashed password", slog.Int64("user_id", u.ID), slog.Any("error", err))
		}
	}
	// The address becomes known for the account, and only the pair's
	// failures are forgotten: the account's and the address's count
	// attackers elsewhere, whom the owner's success must not give a fresh
	// allowance.
	if err := s.store.SignedIn(ctx, u.ID, k.account, k.address, k.pair, now); err != nil {
		return "", nil, nil, fmt.Errorf("auth: recording the sign-in of user %d: %w", u.ID, err)
	}
	token, hash := newSessionToken()
	sess, err := s.store.CreateSession(ctx, lifeguard.Session{
		UserID:    u.ID,
		TokenHash: hash,
		CreatedAt: now,
		LastSeen:  now,
		ExpiresAt: s.expiry(now, now),
	})
	if err != nil {
		return "", nil, nil, fmt.Errorf("auth: creating a session for user %d: %w", u.ID, err)
	}
	u.LastSignInAt = &now
	return token, sess, &u, nil
}

// checkPassword is the part of SignIn that can fail: throttling, the lookup,
// the password and the failure count. It runs in one hashing slot from the
// count to the recording of a failure. Otherwise many guesses sent at once
// would all pass the count before any failure was recorded; this way, each
// server lets at most MaxHashing-1 guesses past the limit.
func (s *Service) checkPassword(ctx context.Context, email, password string, k keys, now time.Time) (cred *lifeguard.Credentials, rehash bool, err error) {
	if err := s.acquire(ctx); err != nil {
		return nil, false, err
	}
	defer s.release()

	// Checked before the password, so that a throttled client learns
	// nothing, even from a right guess, and costs us no hashing.
	if err := s.throttled(ctx, k, now); err != nil {
		return nil, false, err
	}

	if plausibleEmail(email) {
		cred, err = s.store.CredentialsByEmail(ctx, strings.TrimSpace(email))
		if err != nil && !isNotFound(err) {
			return nil, false, fmt.Errorf("auth: reading credentials: %w", err)
		}
	}
	var ok bool
	if cred == nil || cred.PasswordHash == "" {
		// No such user, or one who has never set a password: spend the same
		// time as a real check, then fail as a wrong password does.
		if _, _, err := verifyPassword(s.dummyHash, password, s.cfg.Params); err != nil {
			return nil, false, fmt.Errorf("auth: verifying the dummy hash: %w", err)
		}
	} else {
		ok, rehash, err = verifyPassword(cred.PasswordHash, password, s.cfg.Params)
		if err != nil {
			return nil, false, fmt.Errorf("auth: verifying the password of user %d: %w", cred.User.ID, err)
		}
	}
	if ok && !cred.User.Disabled {
		return cred, rehash, nil
	}
	if err := s.store.RecordFailures(ctx, now, k.pair, k.account, k.address); err != nil {
		return nil, false, fmt.Errorf("auth: recording a sign-in failure: %w", err)
	}
	if ok {
		return nil, false, errDisabled()
	}
	return nil, false, errBadCredentials()
}

// expiry is when a session created at created and last used at seen ends:
// at the idle limit, but never after the absolute one.
func (s *Service) expiry(created, seen time.Time) time.Time {
	idle, abs := seen.Add(s.cfg.SessionIdle), created.Add(s.cfg.SessionMax)
	if abs.Before(idle) {
		return abs
	}
	return idle
}

// How an actor authenticated, as Actor.Via says.
const (
	viaSession = "session"
	viaToken   = "token"
)

// touchEvery is how stale LastSeen may get before Session writes it again.
// Sliding the idle expiry on every request would make every page view a
// database write; a minute's imprecision in a 30-minute limit costs nothing.
const touchEvery = time.Minute

// Session returns the live session whose token the client presented, and its
// user, sliding the idle expiry. An unknown, expired or malformed token, or a
// disabled user, is EUNAUTHORIZED.
func (s *Service) Session(ctx context.Context, token string) (*lifeguard.Session, *lifeguard.User, error) {
	if !validSessionToken(token) {
		return nil, nil, errSessionEnded()
	}
	ctx = system(ctx)
	now := s.cfg.Now()
	sess, u, err := s.store.SessionByHash(ctx, hashToken(token), now)
	if isNotFound(err) {
		return nil, nil, errSessionEnded()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("auth: reading a session: %w", err)
	}
	// The store also filters on ExpiresAt; checking the limits here as well
	// keeps them right when the configuration has been shortened since the
	// session started.
	if u.Disabled || !now.Before(sess.ExpiresAt) || !now.Before(s.expiry(sess.CreatedAt, sess.LastSeen)) {
		return nil, nil, errSessionEnded()
	}
	if now.Sub(sess.LastSeen) >= touchEvery {
		exp := s.expiry(sess.CreatedAt, now)
		if err := s.store.TouchSession(ctx, sess.ID, now, exp); isNotFound(err) {
			return nil, nil, errSessionEnded() // signed out meanwhile
		} else if err != nil {
			return nil, nil, fmt.Errorf("auth: touching session %d: %w", sess.ID, err)
		}
		sess.LastSeen, sess.ExpiresAt = now, exp
	}
	return sess, u, nil
}

// SignOut ends the session of token. Ending a session that does not exist,
// or has already ended, is not an error: the client is signed out either way.
func (s *Service) SignOut(ctx context.Context, token string) error {
	if !validSessionToken(token) {
		return nil
	}
	if err := s.store.DeleteSession(system(ctx), hashToken(token)); err != nil && !isNotFound(err) {
		return fmt.Errorf("auth: deleting a session: %w", err)
	}
	return nil
}

// Actor returns the acting user for a context: u, authenticated via "session"
// or "token". It returns nil, which every store refuses, for a nil user or
// any other via: above all "system", which would let a user pass every
// access check.
func (s *Service) Actor(u *lifeguard.User, via string) *lifeguard.Actor {
	if u == nil || (via != viaSession && via != viaToken) {
		return nil
	}
	return &lifeguard.Actor{
		UserID:         u.ID,
		Role:           u.Role,
		OrganisationID: u.OrganisationID,
		PartnershipID:  u.PartnershipID,
		Via:            via,
	}
}

// authorizeSelf checks that the actor in ctx may manage the credentials of
// userID. The Service calls the store as the system actor, which passes every
// check, so the check the store would make has to be made here: the user
// themselves, or Lifeguard (the command line). Administrators are not
// included on purpose: a password or token an administrator set for a DSL
// would let them read concerns as that DSL, which their role must not; they
// disable accounts instead. With sessionOnly, a user authenticated by an API
// token is refused too, so that a stolen token cannot mint more tokens or
// take the account over.
func authorizeSelf(ctx context.Context, userID int64, sessionOnly bool) error {
	a := lifeguard.ActorFrom(ctx)
	switch {
	case a == nil:
		return lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "Sign in first.")
	case a.IsSystem():
		return nil
	case a.UserID != userID || userID == 0:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "You can only manage your own sign-in details.")
	case sessionOnly && a.Via != viaSession:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Sign in with your password to do this; an API token cannot.")
	}
	return nil
}

// SetPassword replaces the password of user userID, checked against the
// policy, and ends all of the user's sessions, the caller's included, so that
// whoever knew the old password is signed out; the web page signs the user
// in again with the new one. The actor must be the user, signed in with a
// session, or the system.
func (s *Service) SetPassword(ctx context.Context, userID int64, pw string) error {
	if err := authorizeSelf(ctx, userID, true); err != nil {
		return err
	}
	if problems := CheckPassword(pw); len(problems) > 0 {
		return lifeguard.Invalid("Choose a different password", problems)
	}
	h, err := s.hash(ctx, pw)
	if err != nil {
		return fmt.Errorf("auth: hashing a new password: %w", err)
	}
	ctx = system(ctx)
	if err := s.store.SetPasswordHash(ctx, userID, h); err != nil {
		return fmt.Errorf("auth: storing the password of user %d: %w", userID, err)
	}
	if err := s.store.DeleteUserSessions(ctx, userID); err != nil {
		return fmt.Errorf("auth: ending the sessions of user %d: %w", userID, err)
	}
	return nil
}
