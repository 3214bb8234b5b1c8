package auth

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// fakeStore is an in-memory lifeguard.AuthStore that keeps the contract the
// real store keeps, as far as this package relies on it: tokens and sessions
// found by exact hash, expired sessions and revoked tokens not found, tokens
// of disabled users not found, failures counted by time. It also insists on
// the system actor, so that a Service method forgetting to set it fails, and
// counts calls, so that tests can see the store was not asked.
type fakeStore struct {
	mu       sync.Mutex
	now      func() time.Time
	users    map[int64]*fakeUser
	sessions map[int64]*lifeguard.Session
	tokens   map[int64]*fakeToken
	// Sessions and tokens are found by exact hash through an index, as the
	// database finds them.
	sessionByHash map[string]int64
	tokenByHash   map[string]int64
	failures      map[string][]time.Time
	known         map[string]time.Time // account NUL address -> last sign-in
	calls         map[string]int
	nextID        int64
}

type fakeUser struct {
	user lifeguard.User
	hash string
}

type fakeToken struct {
	tok  lifeguard.APIToken
	hash []byte
}

func newFakeStore(now func() time.Time) *fakeStore {
	return &fakeStore{
		now:           now,
		users:         map[int64]*fakeUser{},
		sessions:      map[int64]*lifeguard.Session{},
		tokens:        map[int64]*fakeToken{},
		sessionByHash: map[string]int64{},
		tokenByHash:   map[string]int64{},
		failures:      map[string][]time.Time{},
		calls:         map[string]int{},
	}
}

var _ lifeguard.AuthStore = (*fakeStore)(nil)

// addUser adds a user with a password hashed with p and returns it.
func (f *fakeStore) addUser(t testing.TB, email, pw string, p Params) lifeguard.User {
	t.Helper()
	h := ""
	if pw != "" {
		var err error
		if h, err = hashPassword(pw, p); err != nil {
			t.Fatal(err)
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	u := lifeguard.User{ID: f.nextID, Email: email, Name: "User", Role: lifeguard.RoleDSL, OrganisationID: 7, PartnershipID: 3, CreatedAt: f.now()}
	f.users[u.ID] = &fakeUser{user: u, hash: h}
	return u
}

func (f *fakeStore) setDisabled(id int64, disabled bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id].user.Disabled = disabled
}

func (f *fakeStore) passwordHash(id int64) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.users[id].hash
}

func (f *fakeStore) count(method string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[method]
}

func (f *fakeStore) totalCalls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, c := range f.calls {
		n += c
	}
	return n
}

// enter checks the actor and counts the call; it returns with the lock held.
func (f *fakeStore) enter(ctx context.Context, method string) error {
	f.mu.Lock()
	f.calls[method]++
	if !lifeguard.ActorFrom(ctx).IsSystem() {
		f.mu.Unlock()
		return lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "fake store: %s needs the system actor", method)
	}
	return nil
}

func notFound(what string) error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "fake store: no such %s", what)
}

func (f *fakeStore) CredentialsByEmail(ctx context.Context, email string) (*lifeguard.Credentials, error) {
	if err := f.enter(ctx, "CredentialsByEmail"); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	for _, u := range f.users {
		if strings.EqualFold(u.user.Email, email) {
			return &lifeguard.Credentials{User: u.user, PasswordHash: u.hash}, nil
		}
	}
	return nil, notFound("user")
}

func (f *fakeStore) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	if err := f.enter(ctx, "SetPasswordHash"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	u, ok := f.users[userID]
	if !ok {
		return notFound("user")
	}
	u.hash = hash
	return nil
}

func (f *fakeStore) RecordSignIn(ctx context.Context, userID int64, at time.Time) error {
	if err := f.enter(ctx, "RecordSignIn"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	u, ok := f.users[userID]
	if !ok {
		return notFound("user")
	}
	u.user.LastSignInAt = &at
	return nil
}

func (f *fakeStore) CreateSession(ctx context.Context, s lifeguard.Session) (*lifeguard.Session, error) {
	if err := f.enter(ctx, "CreateSession"); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	f.nextID++
	s.ID = f.nextID
	s.TokenHash = slices.Clone(s.TokenHash)
	f.sessions[s.ID] = &s
	f.sessionByHash[string(s.TokenHash)] = s.ID
	out := s
	return &out, nil
}

func (f *fakeStore) SessionByHash(ctx context.Context, hash []byte, now time.Time) (*lifeguard.Session, *lifeguard.User, error) {
	if err := f.enter(ctx, "SessionByHash"); err != nil {
		return nil, nil, err
	}
	defer f.mu.Unlock()
	s, ok := f.sessions[f.sessionByHash[string(hash)]]
	if !ok || !now.Before(s.ExpiresAt) {
		return nil, nil, notFound("session")
	}
	out, u := *s, f.users[s.UserID].user
	return &out, &u, nil
}

func (f *fakeStore) TouchSession(ctx context.Context, id int64, now, expires time.Time) error {
	if err := f.enter(ctx, "TouchSession"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return notFound("session")
	}
	s.LastSeen, s.ExpiresAt = now, expires
	return nil
}

func (f *fakeStore) SetSessionSecondFactor(ctx context.Context, id int64) error {
	if err := f.enter(ctx, "SetSessionSecondFactor"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	s, ok := f.sessions[id]
	if !ok {
		return notFound("session")
	}
	s.SecondFactor = true
	return nil
}

func (f *fakeStore) DeleteSession(ctx context.Context, hash []byte) error {
	if err := f.enter(ctx, "DeleteSession"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	id, ok := f.sessionByHash[string(hash)]
	if !ok {
		return notFound("session")
	}
	delete(f.sessions, id)
	delete(f.sessionByHash, string(hash))
	return nil
}

func (f *fakeStore) DeleteUserSessions(ctx context.Context, userID int64) error {
	if err := f.enter(ctx, "DeleteUserSessions"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	for id, s := range f.sessions {
		if s.UserID == userID {
			delete(f.sessions, id)
			delete(f.sessionByHash, string(s.TokenHash))
		}
	}
	return nil
}

func (f *fakeStore) CreateToken(ctx context.Context, userID int64, name, prefix string, hash []byte) (*lifeguard.APIToken, error) {
	if err := f.enter(ctx, "CreateToken"); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	if _, ok := f.users[userID]; !ok {
		return nil, notFound("user")
	}
	f.nextID++
	t := &fakeToken{
		tok:  lifeguard.APIToken{ID: f.nextID, UserID: userID, Name: name, Prefix: prefix, CreatedAt: f.now()},
		hash: slices.Clone(hash),
	}
	f.tokens[t.tok.ID] = t
	f.tokenByHash[string(t.hash)] = t.tok.ID
	out := t.tok
	return &out, nil
}

func (f *fakeStore) TokenByHash(ctx context.Context, hash []byte, now time.Time) (*lifeguard.APIToken, *lifeguard.User, error) {
	if err := f.enter(ctx, "TokenByHash"); err != nil {
		return nil, nil, err
	}
	defer f.mu.Unlock()
	t, ok := f.tokens[f.tokenByHash[string(hash)]]
	if !ok {
		return nil, nil, notFound("token")
	}
	u := f.users[t.tok.UserID].user
	if t.tok.RevokedAt != nil || u.Disabled {
		return nil, nil, notFound("token")
	}
	t.tok.LastUsedAt = &now
	out := t.tok
	return &out, &u, nil
}

func (f *fakeStore) Tokens(ctx context.Context, userID int64) ([]lifeguard.APIToken, error) {
	if err := f.enter(ctx, "Tokens"); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	var out []lifeguard.APIToken
	for _, t := range f.tokens {
		if t.tok.UserID == userID {
			out = append(out, t.tok)
		}
	}
	slices.SortFunc(out, func(a, b lifeguard.APIToken) int { return int(a.ID - b.ID) })
	return out, nil
}

func (f *fakeStore) RevokeToken(ctx context.Context, id int64, now time.Time) error {
	if err := f.enter(ctx, "RevokeToken"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	t, ok := f.tokens[id]
	if !ok {
		return notFound("token")
	}
	if t.tok.RevokedAt == nil {
		t.tok.RevokedAt = &now
	}
	return nil
}

func (f *fakeStore) CountFailures(ctx context.Context, key string, since time.Time) (int, error) {
	if err := f.enter(ctx, "CountFailures"); err != nil {
		return 0, err
	}
	defer f.mu.Unlock()
	n := 0
	for _, at := range f.failures[key] {
		if !at.Before(since) {
			n++
		}
	}
	return n, nil
}

func (f *fakeStore) RecordFailure(ctx context.Context, key string, at time.Time) error {
	if err := f.enter(ctx, "RecordFailure"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	f.failures[key] = append(f.failures[key], at)
	return nil
}

func (f *fakeStore) ClearFailures(ctx context.Context, key string) error {
	if err := f.enter(ctx, "ClearFailures"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	delete(f.failures, key)
	return nil
}

func (f *fakeStore) failureCount(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.failures[key])
}

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// harness is a Service over a fake store with a test clock.
type harness struct {
	clock *clock
	store *fakeStore
	svc   *Service
}

func newHarness(t testing.TB, cfg Config) *harness {
	t.Helper()
	c := newClock()
	st := newFakeStore(c.Now)
	cfg.Now = c.Now
	if cfg.Params == (Params{}) {
		cfg.Params = testParams()
	}
	return &harness{clock: c, store: st, svc: New(st, cfg)}
}

// as returns ctx acting as u, authenticated via via.
func (h *harness) as(ctx context.Context, u lifeguard.User, via string) context.Context {
	return lifeguard.WithActor(ctx, h.svc.Actor(&u, via))
}

func (f *fakeStore) Failures(ctx context.Context, since time.Time) ([]lifeguard.FailureCount, error) {
	if err := f.enter(ctx, "Failures"); err != nil {
		return nil, err
	}
	defer f.mu.Unlock()
	var out []lifeguard.FailureCount
	for key, ats := range f.failures {
		c := lifeguard.FailureCount{Key: key}
		for _, at := range ats {
			if !at.Before(since) {
				c.Failures++
				if at.After(c.Last) {
					c.Last = at
				}
			}
		}
		if c.Failures > 0 {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b lifeguard.FailureCount) int {
		if a.Failures != b.Failures {
			return b.Failures - a.Failures
		}
		return strings.Compare(a.Key, b.Key)
	})
	return out, nil
}

func (f *fakeStore) SignedIn(ctx context.Context, userID int64, account, address, clear string, at time.Time) error {
	if err := f.enter(ctx, "SignedIn"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	u, ok := f.users[userID]
	if !ok {
		return notFound("user")
	}
	u.user.LastSignInAt = &at
	f.calls["RecordSignIn"]++
	if f.known == nil {
		f.known = map[string]time.Time{}
	}
	f.known[account+"\x00"+address] = at
	delete(f.failures, clear)
	return nil
}

func (f *fakeStore) RecordFailures(ctx context.Context, at time.Time, keys ...string) error {
	if err := f.enter(ctx, "RecordFailures"); err != nil {
		return err
	}
	defer f.mu.Unlock()
	for _, key := range keys {
		f.failures[key] = append(f.failures[key], at)
	}
	return nil
}

func (f *fakeStore) KnownAddress(ctx context.Context, account, address string, since time.Time) (bool, error) {
	if err := f.enter(ctx, "KnownAddress"); err != nil {
		return false, err
	}
	defer f.mu.Unlock()
	at, ok := f.known[account+"\x00"+address]
	return ok && !at.Before(since), nil
}
