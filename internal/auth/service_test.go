package auth

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

const (
	alice   = "alice@school.example"
	alicePW = "blue kettle on the stairs"
	bob     = "bob@school.example"
	bobPW   = "seven green bottles"
	addr1   = "192.0.2.10"
)

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lifeguard.ErrorCode(err); got != code {
		t.Fatalf("error %v has code %q; want %q", err, got, code)
	}
}

func TestSignIn(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()

	// An earlier failure is forgotten on success.
	if _, _, _, err := h.svc.SignIn(ctx, alice, "wrong password!", addr1); err == nil {
		t.Fatal("a wrong password signed in")
	}
	if n := h.store.failureCount("account:" + alice); n != 1 {
		t.Fatalf("%d failures recorded for the account; want 1", n)
	}

	token, s, u, err := h.svc.SignIn(ctx, "  Alice@School.example ", alicePW, addr1)
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != a.ID || u.LastSignInAt == nil || !u.LastSignInAt.Equal(h.clock.Now()) {
		t.Errorf("user = %+v; want user %d signed in now", u, a.ID)
	}
	if s.UserID != a.ID || s.SecondFactor || !s.CreatedAt.Equal(h.clock.Now()) ||
		!s.ExpiresAt.Equal(h.clock.Now().Add(30*time.Minute)) {
		t.Errorf("session = %+v; want one for user %d, no second factor, ending in 30 minutes", s, a.ID)
	}
	if !validSessionToken(token) || !slices.Equal(s.TokenHash, hashToken(token)) {
		t.Errorf("the token is malformed or the store was given another hash")
	}
	if n := h.store.failureCount("pair:" + addr1 + " " + alice); n != 0 {
		t.Errorf("%d failures left for the account at the address after success; want 0", n)
	}
	// The account and the address keep their counts: one success does not
	// vouch for guessers elsewhere, nor for everyone behind the address.
	if n := h.store.failureCount("account:" + alice); n != 1 {
		t.Errorf("%d failures left for the account; want 1", n)
	}
	if n := h.store.failureCount("addr:" + addr1); n != 1 {
		t.Errorf("%d failures left for the address; want 1", n)
	}
	if known, _ := h.store.KnownAddress(system(ctx), "account:"+alice, "addr:"+addr1, time.Time{}); !known {
		t.Error("the address of a successful sign-in was not recorded as known")
	}
	if h.store.count("RecordSignIn") != 1 {
		t.Error("the sign-in was not recorded")
	}
	// The session works.
	if _, su, err := h.svc.Session(ctx, token); err != nil || su.ID != a.ID {
		t.Errorf("Session(new token) = %v, %v", su, err)
	}
}

func TestSignInSameErrorForUnknownEmail(t *testing.T) {
	h := newHarness(t, Config{})
	h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()

	_, _, _, wrongPW := h.svc.SignIn(ctx, alice, "not the password", addr1)
	_, _, _, unknown := h.svc.SignIn(ctx, "nobody@school.example", "not the password", "192.0.2.11")
	_, _, _, empty := h.svc.SignIn(ctx, "", "", "192.0.2.12")
	for _, err := range []error{wrongPW, unknown, empty} {
		wantCode(t, err, lifeguard.EUNAUTHORIZED)
	}
	if wrongPW.Error() != unknown.Error() || wrongPW.Error() != empty.Error() {
		t.Errorf("different messages: %q, %q, %q", wrongPW, unknown, empty)
	}
	// Both record a failure for both keys.
	for _, key := range []string{"account:" + alice, "addr:" + addr1, "account:nobody@school.example", "addr:192.0.2.11"} {
		if n := h.store.failureCount(key); n != 1 {
			t.Errorf("%d failures for %s; want 1", n, key)
		}
	}
	if strings.Contains(wrongPW.Error(), alice) {
		t.Error("the error names the account")
	}
}

// TestSignInTiming checks that an unknown email costs an argon2id verification
// like a wrong password. Without the dummy hash it would be thousands of times
// faster; the bounds are wide so that a busy machine does not fail the test.
func TestSignInTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	p := Params{Memory: 8 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}
	h := newHarness(t, Config{Params: p, PairLimit: 1000, AccountLimit: 1000, AddressLimit: 1000})
	h.store.addUser(t, alice, alicePW, p)
	ctx := t.Context()
	median := func(email string) time.Duration {
		var d []time.Duration
		for range 7 {
			start := time.Now()
			if _, _, _, err := h.svc.SignIn(ctx, email, "not the password", addr1); err == nil {
				t.Fatal("signed in")
			}
			d = append(d, time.Since(start))
		}
		slices.Sort(d)
		return d[len(d)/2]
	}
	known, unknown := median(alice), median("nobody@school.example")
	if ratio := float64(unknown) / float64(known); ratio < 0.3 || ratio > 3 {
		t.Errorf("an unknown email takes %v, a wrong password %v: a timing oracle", unknown, known)
	}
}

func TestSignInDisabled(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.store.addUser(t, alice, alicePW, testParams())
	h.store.setDisabled(a.ID, true)
	ctx := t.Context()

	_, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
	if !strings.Contains(err.Error(), "disabled") {
		t.Errorf("error %q does not say the account is disabled", err)
	}
	if h.store.count("CreateSession") != 0 {
		t.Error("a session was created")
	}
	// Without the password, a disabled account looks like any other.
	_, _, _, err = h.svc.SignIn(ctx, alice, "not the password", addr1)
	if err.Error() != errBadCredentials().Error() {
		t.Errorf("wrong password for a disabled account: %q; want the usual error", err)
	}
}

// TestSignInFilterAccount refuses a DNS filter's account the pages, even
// with its password: it works with an API token only.
func TestSignInFilterAccount(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.store.addUser(t, alice, alicePW, testParams())
	h.store.mu.Lock()
	h.store.users[a.ID].user.Role = lifeguard.RoleFilter
	h.store.mu.Unlock()
	_, _, _, err := h.svc.SignIn(t.Context(), alice, alicePW, addr1)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
	if h.store.count("CreateSession") != 0 {
		t.Error("a session was created for a filter's account")
	}
}

func TestSignInNoPasswordSet(t *testing.T) {
	h := newHarness(t, Config{})
	h.store.addUser(t, alice, "", testParams())
	_, _, _, err := h.svc.SignIn(t.Context(), alice, "", addr1)
	if err == nil || err.Error() != errBadCredentials().Error() {
		t.Errorf("sign-in without a password set: %v; want the usual error", err)
	}
}

func TestSignInMalformedStoredHash(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.store.addUser(t, alice, alicePW, testParams())
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	if err := h.store.SetPasswordHash(ctx, a.ID, "$argon2id$garbage"); err != nil {
		t.Fatal(err)
	}
	_, _, _, err := h.svc.SignIn(t.Context(), alice, alicePW, addr1)
	if !errors.Is(err, ErrMalformedHash) {
		t.Errorf("err = %v; want one wrapping ErrMalformedHash", err)
	}
}

func TestSignInRehash(t *testing.T) {
	h := newHarness(t, Config{})
	old := Params{Memory: 32, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}
	a := h.store.addUser(t, alice, alicePW, old)
	before := h.store.passwordHash(a.ID)
	if _, _, _, err := h.svc.SignIn(t.Context(), alice, alicePW, addr1); err != nil {
		t.Fatal(err)
	}
	after := h.store.passwordHash(a.ID)
	if after == before {
		t.Fatal("the hash was not replaced")
	}
	p, _, _, err := decodeHash(after)
	if err != nil || p != testParams() {
		t.Errorf("new hash has %+v, %v; want %+v", p, err, testParams())
	}
	// A second sign-in leaves the new hash alone.
	if _, _, _, err := h.svc.SignIn(t.Context(), alice, alicePW, addr1); err != nil {
		t.Fatal(err)
	}
	if h.store.passwordHash(a.ID) != after || h.store.count("SetPasswordHash") != 1 {
		t.Error("a current hash was rehashed")
	}
}

// TestThrottlePair: five failures of one account from one address refuse
// that address for that account, even with the right password, and no one
// else: the owner from another address and other accounts from the same
// address still get in.
func TestThrottlePair(t *testing.T) {
	h := newHarness(t, Config{})
	h.store.addUser(t, alice, alicePW, testParams())
	h.store.addUser(t, bob, bobPW, testParams())
	ctx := t.Context()
	const attacker = "198.51.100.66"
	for i := range 5 {
		email := alice
		if i%2 == 1 {
			email = strings.ToUpper(alice) // the same account, however written
		}
		_, _, _, err := h.svc.SignIn(ctx, email, "guess number "+fmt.Sprint(i), attacker)
		if err == nil || err.Error() != errBadCredentials().Error() {
			t.Fatalf("failure %d: %v", i, err)
		}
		h.clock.Advance(time.Minute)
	}
	_, _, _, err := h.svc.SignIn(ctx, alice, alicePW, attacker)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
	if !strings.Contains(err.Error(), "Wait 15 minutes") {
		t.Errorf("throttled error %q does not say to wait", err)
	}
	if h.store.count("CredentialsByEmail") != 5 {
		t.Error("a throttled sign-in looked the user up")
	}
	// An unknown account is throttled the same way, so throttling does not
	// tell who exists either.
	for range 5 {
		h.svc.SignIn(ctx, "nobody@school.example", "guess", attacker)
	}
	_, _, _, errUnknown := h.svc.SignIn(ctx, "nobody@school.example", "guess", attacker)
	if errUnknown == nil || errUnknown.Error() != err.Error() {
		t.Errorf("unknown account throttled with %v; want %v", errUnknown, err)
	}
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, "203.0.113.9"); err != nil {
		t.Errorf("the owner from another address: %v", err)
	}
	if _, _, _, err := h.svc.SignIn(ctx, bob, bobPW, attacker); err != nil {
		t.Errorf("another account from the attacker's address: %v", err)
	}

	// The window slides: the first failure was at 0 min and we are at 5.
	// At 15 min exactly it is still in the window (the store counts from
	// "since" inclusive); a second later it has left, leaving 4 < 5.
	h.clock.Advance(10 * time.Minute)
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, attacker); err == nil {
		t.Fatal("signed in before the oldest failure left the window")
	}
	h.clock.Advance(time.Second)
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, attacker); err != nil {
		t.Fatalf("still throttled after the window: %v", err)
	}
}

// TestThrottleDistributedGuessing: guesses at one account from many
// addresses, each below the pair's limit, trip the account's limit, which
// then refuses new addresses but not the owner's known one.
func TestThrottleDistributedGuessing(t *testing.T) {
	h := newHarness(t, Config{})
	h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()
	const home = "203.0.113.9"
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, home); err != nil {
		t.Fatal(err)
	}
	for i := range 10 {
		h.svc.SignIn(ctx, alice, "guess number "+fmt.Sprint(i), fmt.Sprintf("198.51.100.%d", i))
	}
	// A new address, even with the right password, waits.
	_, _, _, err := h.svc.SignIn(ctx, alice, alicePW, "192.0.2.200")
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
	if !strings.Contains(err.Error(), "Wait") {
		t.Errorf("throttled error %q does not say to wait", err)
	}
	// The owner's usual address does not.
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, home); err != nil {
		t.Errorf("the owner from a known address: %v", err)
	}
	// A known address goes stale after KnownFor.
	for i := range 10 {
		h.svc.SignIn(ctx, alice, "guess number "+fmt.Sprint(i), fmt.Sprintf("198.51.100.%d", i))
	}
	h.clock.Advance(91 * 24 * time.Hour)
	for i := range 10 {
		h.svc.SignIn(ctx, alice, "guess number "+fmt.Sprint(i), fmt.Sprintf("198.51.100.%d", 100+i))
	}
	_, _, _, err = h.svc.SignIn(ctx, alice, alicePW, home)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
}

// TestThrottleBurst sends many guesses at once: the count and the recording of
// a failure share a hashing slot, so the limit is overshot by at most
// MaxHashing-1.
func TestThrottleBurst(t *testing.T) {
	h := newHarness(t, Config{MaxHashing: 2})
	h.store.addUser(t, alice, alicePW, testParams())
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Go(func() {
			h.svc.SignIn(t.Context(), alice, fmt.Sprintf("guess number %d", i), "198.51.100.1")
		})
	}
	wg.Wait()
	if n := h.store.failureCount("pair:198.51.100.1 " + alice); n < 5 || n > 6 {
		t.Errorf("%d failures recorded for 40 guesses at once; want 5 or 6", n)
	}
}

func TestThrottledAttemptsAreNotCounted(t *testing.T) {
	h := newHarness(t, Config{PairLimit: 2})
	h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()
	for range 2 {
		h.svc.SignIn(ctx, alice, "guess guess guess", addr1)
	}
	// Hammering a locked pair does not keep it locked for longer.
	for range 10 {
		h.svc.SignIn(ctx, alice, "guess guess guess", addr1)
	}
	if n := h.store.failureCount("account:" + alice); n != 2 {
		t.Errorf("%d failures recorded; want 2", n)
	}
	h.clock.Advance(15*time.Minute + time.Second)
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1); err != nil {
		t.Errorf("the lock did not expire: %v", err)
	}
}

// TestThrottleAddress: failures over many accounts from one address (an
// IPv6 /64 counts as one) trip the address's limit, which refuses accounts
// that have not signed in from there before, and not those that have.
func TestThrottleAddress(t *testing.T) {
	h := newHarness(t, Config{AddressLimit: 20})
	h.store.addUser(t, alice, alicePW, testParams())
	h.store.addUser(t, bob, bobPW, testParams())
	ctx := t.Context()
	if _, _, _, err := h.svc.SignIn(ctx, bob, bobPW, "2001:db8:aa:bb::7"); err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		addr := fmt.Sprintf("2001:db8:aa:bb:%x::%x", i, i+1)
		_, _, _, err := h.svc.SignIn(ctx, fmt.Sprintf("user%d@school.example", i), "guess guess guess", addr)
		if err == nil || err.Error() != errBadCredentials().Error() {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	if n := h.store.failureCount("addr:2001:db8:aa:bb::/64"); n != 20 {
		t.Fatalf("%d failures for the /64; want 20", n)
	}
	// A new account from the same /64 is refused, even with a right password.
	_, _, _, err := h.svc.SignIn(ctx, alice, alicePW, "2001:db8:aa:bb:ffff:ffff:ffff:ffff")
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
	if !strings.Contains(err.Error(), "Wait") {
		t.Errorf("throttled error %q does not say to wait", err)
	}
	// One that has signed in there before is not.
	if _, _, _, err := h.svc.SignIn(ctx, bob, bobPW, "2001:db8:aa:bb::99"); err != nil {
		t.Errorf("a known account behind the address: %v", err)
	}
	// The next /64 is someone else.
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, "2001:db8:aa:bc::1"); err != nil {
		t.Errorf("a neighbouring /64 is throttled: %v", err)
	}
	h.clock.Advance(15*time.Minute + time.Second)
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, "2001:db8:aa:bb::1"); err != nil {
		t.Errorf("the address is still throttled after the window: %v", err)
	}
}

// TestThrottlesSeenAndCleared: the command line's view of throttles, and
// clearing them by account, by address or both.
func TestThrottlesSeenAndCleared(t *testing.T) {
	h := newHarness(t, Config{})
	h.store.addUser(t, alice, alicePW, testParams())
	ctx, sys := t.Context(), system(t.Context())
	for range 5 {
		h.svc.SignIn(ctx, alice, "guess guess guess", "198.51.100.1")
	}
	h.svc.SignIn(ctx, bob, "guess guess guess", "198.51.100.1")
	if _, err := h.svc.Throttles(ctx); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("Throttles without the system actor: %v", err)
	}
	ts, err := h.svc.Throttles(sys)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"pair 198.51.100.1 " + alice + " 5 true": true, "account  " + alice + " 5 false": true,
		"address 198.51.100.1  6 false": true, "pair 198.51.100.1 " + bob + " 1 false": true, "account  " + bob + " 1 false": true}
	for _, th := range ts {
		k := fmt.Sprintf("%s %s %s %d %v", th.Kind, th.Address, th.Account, th.Failures, th.Refusing())
		if !want[k] {
			t.Errorf("unexpected throttle %q", k)
		}
		delete(want, k)
	}
	if len(want) > 0 {
		t.Errorf("throttles missing: %v", want)
	}
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, "198.51.100.1"); err == nil {
		t.Fatal("not throttled")
	}
	if n, err := h.svc.ClearThrottle(sys, strings.ToUpper(alice), ""); err != nil || n != 2 {
		t.Errorf("ClearThrottle(account) = %d, %v; want 2 keys", n, err)
	}
	if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, "198.51.100.1"); err != nil {
		t.Errorf("still throttled after clearing: %v", err)
	}
	if n, err := h.svc.ClearThrottle(sys, "", "198.51.100.1"); err != nil || n != 2 {
		t.Errorf("ClearThrottle(address) = %d, %v; want 2 keys (the address and bob's pair)", n, err)
	}
	if _, err := h.svc.ClearThrottle(sys, "", "not an address"); lifeguard.ErrorCode(err) != lifeguard.EINVALID {
		t.Errorf("ClearThrottle(bad address): %v", err)
	}
	if _, err := h.svc.ClearThrottle(ctx, alice, ""); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("ClearThrottle without the system actor: %v", err)
	}
}

// TestSignInImplausibleEmail: an email no one can have (far too long, a
// NUL, invalid UTF-8) gets the ordinary answer without reaching the store's
// lookup, and its failures are counted under a short key.
func TestSignInImplausibleEmail(t *testing.T) {
	h := newHarness(t, Config{})
	ctx := t.Context()
	for _, email := range []string{strings.Repeat("a", 300_000) + "@school.example", "ali\x00ce@school.example",
		"al\xffice@school.example", "ali\tce@school.example"} {
		_, _, _, err := h.svc.SignIn(ctx, email, "guess guess guess", addr1)
		if err == nil || err.Error() != errBadCredentials().Error() {
			t.Errorf("SignIn(%.20q…): %v; want the ordinary answer", email, err)
		}
	}
	if n := h.store.count("CredentialsByEmail"); n != 0 {
		t.Errorf("the store was asked %d times for emails no one can have", n)
	}
	for key := range h.store.failures {
		if len(key) > 300 {
			t.Errorf("a throttling key of %d bytes", len(key))
		}
	}
}

func TestAddressKey(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"192.0.2.1", "addr:192.0.2.1"},
		{" 192.0.2.1 ", "addr:192.0.2.1"},
		{"192.0.2.1:4431", "addr:192.0.2.1"},
		{"::ffff:192.0.2.1", "addr:192.0.2.1"},
		{"2001:db8::1", "addr:2001:db8::/64"},
		{"2001:db8:0:0:ffff:ffff:ffff:ffff", "addr:2001:db8::/64"},
		{"2001:DB8:0:1::1", "addr:2001:db8:0:1::/64"},
		{"[2001:db8::1]:443", "addr:2001:db8::/64"},
		{"fe80::1%eth0", "addr:fe80::/64"},
		{"", "addr:unknown"},
		{"not an address", "addr:unknown"},
		{"192.0.2.1, 198.51.100.2", "addr:unknown"},
	} {
		if got := addressKey(tc.in); got != tc.want {
			t.Errorf("addressKey(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
}

func TestSessionIdleAndSliding(t *testing.T) {
	h := newHarness(t, Config{})
	h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()
	token, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
	if err != nil {
		t.Fatal(err)
	}

	// Within a minute of the last write, no write.
	for _, d := range []time.Duration{10 * time.Second, 20 * time.Second, 29 * time.Second} {
		h.clock.Advance(d)
		if _, _, err := h.svc.Session(ctx, token); err != nil {
			t.Fatal(err)
		}
	}
	if n := h.store.count("TouchSession"); n != 0 {
		t.Errorf("%d touches within the first minute; want 0", n)
	}
	h.clock.Advance(time.Second) // 60 s since sign-in
	s, _, err := h.svc.Session(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if n := h.store.count("TouchSession"); n != 1 {
		t.Errorf("%d touches after a minute; want 1", n)
	}
	if !s.LastSeen.Equal(h.clock.Now()) || !s.ExpiresAt.Equal(h.clock.Now().Add(30*time.Minute)) {
		t.Errorf("session after touch = %+v; want seen now, ending in 30 minutes", s)
	}

	// Used every 29 minutes, it lives on past the first 30.
	for range 3 {
		h.clock.Advance(29 * time.Minute)
		if _, _, err := h.svc.Session(ctx, token); err != nil {
			t.Fatalf("an active session ended: %v", err)
		}
	}
	// Left for 30 minutes, it ends.
	h.clock.Advance(30 * time.Minute)
	_, _, err = h.svc.Session(ctx, token)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
}

// TestSessionIdleCheckedHere covers a store whose ExpiresAt is later than the
// configuration now allows, as after the idle limit was shortened.
func TestSessionIdleCheckedHere(t *testing.T) {
	h := newHarness(t, Config{})
	h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()
	token, s, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
	if err != nil {
		t.Fatal(err)
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	if err := h.store.TouchSession(sys, s.ID, s.LastSeen, s.LastSeen.Add(10*time.Hour)); err != nil {
		t.Fatal(err)
	}
	h.clock.Advance(31 * time.Minute)
	_, _, err = h.svc.Session(ctx, token)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
}

func TestSessionAbsoluteExpiry(t *testing.T) {
	h := newHarness(t, Config{SessionMax: 2 * time.Hour})
	h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()
	token, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
	if err != nil {
		t.Fatal(err)
	}
	// Busy all along: every 20 minutes for 1 h 40 min.
	for range 5 {
		h.clock.Advance(20 * time.Minute)
		s, _, err := h.svc.Session(ctx, token)
		if err != nil {
			t.Fatalf("at %v: %v", h.clock.Now(), err)
		}
		if lim := s.CreatedAt.Add(2 * time.Hour); s.ExpiresAt.After(lim) {
			t.Fatalf("expiry %v slid past the absolute limit %v", s.ExpiresAt, lim)
		}
	}
	// At 1 h 55 the idle expiry is capped at 2 h.
	h.clock.Advance(15 * time.Minute)
	s, _, err := h.svc.Session(ctx, token)
	if err != nil {
		t.Fatal(err)
	}
	if want := s.CreatedAt.Add(2 * time.Hour); !s.ExpiresAt.Equal(want) {
		t.Errorf("expiry %v; want the absolute limit %v", s.ExpiresAt, want)
	}
	h.clock.Advance(5 * time.Minute)
	_, _, err = h.svc.Session(ctx, token)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
}

func TestSessionRefused(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()
	token, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := newSessionToken()

	t.Run("malformed, without asking the store", func(t *testing.T) {
		before := h.store.totalCalls()
		for _, bad := range []string{"", "x", token + "A", token[:42], token[:42] + "!", token[:42] + "=", " " + token[1:], strings.Repeat("A", 43) + "\x00"} {
			_, _, err := h.svc.Session(ctx, bad)
			wantCode(t, err, lifeguard.EUNAUTHORIZED)
		}
		if h.store.totalCalls() != before {
			t.Error("the store was asked about a malformed token")
		}
	})
	t.Run("unknown", func(t *testing.T) {
		_, _, err := h.svc.Session(ctx, other)
		wantCode(t, err, lifeguard.EUNAUTHORIZED)
	})
	t.Run("disabled user", func(t *testing.T) {
		h.store.setDisabled(a.ID, true)
		defer h.store.setDisabled(a.ID, false)
		_, _, err := h.svc.Session(ctx, token)
		wantCode(t, err, lifeguard.EUNAUTHORIZED)
	})
	t.Run("still fine", func(t *testing.T) {
		if _, _, err := h.svc.Session(ctx, token); err != nil {
			t.Error(err)
		}
	})
}

func TestSignOut(t *testing.T) {
	h := newHarness(t, Config{})
	h.store.addUser(t, alice, alicePW, testParams())
	ctx := t.Context()
	token, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
	if err != nil {
		t.Fatal(err)
	}
	keep, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.SignOut(ctx, token); err != nil {
		t.Fatal(err)
	}
	_, _, err = h.svc.Session(ctx, token)
	wantCode(t, err, lifeguard.EUNAUTHORIZED)
	if _, _, err := h.svc.Session(ctx, keep); err != nil {
		t.Errorf("signing out one session ended another: %v", err)
	}
	// Again, and with junk: nothing to do, and no error.
	for _, tok := range []string{token, "", "junk"} {
		if err := h.svc.SignOut(ctx, tok); err != nil {
			t.Errorf("SignOut(%q) = %v; want nil", tok, err)
		}
	}
}

func TestSetPassword(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.store.addUser(t, alice, alicePW, testParams())
	b := h.store.addUser(t, bob, bobPW, testParams())
	ctx := t.Context()
	const newPW = "a completely new passphrase"

	t.Run("policy", func(t *testing.T) {
		err := h.svc.SetPassword(h.as(ctx, a, "session"), a.ID, "short")
		wantCode(t, err, lifeguard.EINVALID)
		var e *lifeguard.Error
		if !errors.As(err, &e) || len(e.Problems) == 0 || e.Problems[0].Path != "password" {
			t.Errorf("err = %#v; want problems on password", err)
		}
	})
	t.Run("who may", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			ctx  func() error
			code string
		}{
			{"nobody", func() error { return h.svc.SetPassword(ctx, a.ID, newPW) }, lifeguard.EUNAUTHORIZED},
			{"another user", func() error { return h.svc.SetPassword(h.as(ctx, b, "session"), a.ID, newPW) }, lifeguard.EFORBIDDEN},
			{"an administrator", func() error {
				adm := b
				adm.Role = lifeguard.RoleAdmin
				return h.svc.SetPassword(h.as(ctx, adm, "session"), a.ID, newPW)
			}, lifeguard.EFORBIDDEN},
			{"the user with an API token", func() error { return h.svc.SetPassword(h.as(ctx, a, "token"), a.ID, newPW) }, lifeguard.EFORBIDDEN},
		} {
			t.Run(tc.name, func(t *testing.T) { wantCode(t, tc.ctx(), tc.code) })
		}
		if h.store.count("SetPasswordHash") != 0 {
			t.Error("a refused change reached the store")
		}
	})
	t.Run("the user", func(t *testing.T) {
		token, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
		if err != nil {
			t.Fatal(err)
		}
		if err := h.svc.SetPassword(h.as(ctx, a, "session"), a.ID, newPW); err != nil {
			t.Fatal(err)
		}
		if _, _, err := h.svc.Session(ctx, token); err == nil {
			t.Error("the session of the old password lives on")
		}
		if _, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1); err == nil {
			t.Error("the old password still works")
		}
		if _, _, _, err := h.svc.SignIn(ctx, alice, newPW, addr1); err != nil {
			t.Errorf("the new password does not work: %v", err)
		}
	})
	t.Run("the system", func(t *testing.T) {
		sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
		if err := h.svc.SetPassword(sys, b.ID, newPW); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := h.svc.SignIn(ctx, bob, newPW, addr1); err != nil {
			t.Errorf("the new password does not work: %v", err)
		}
	})
}

func TestActor(t *testing.T) {
	svc := New(newFakeStore(time.Now), Config{Params: testParams()})
	u := &lifeguard.User{ID: 4, Role: lifeguard.RoleStaff, OrganisationID: 8, PartnershipID: 2}
	got := svc.Actor(u, "session")
	want := lifeguard.Actor{UserID: 4, Role: lifeguard.RoleStaff, OrganisationID: 8, PartnershipID: 2, Via: "session"}
	if *got != want {
		t.Errorf("Actor = %+v; want %+v", *got, want)
	}
	if got.IsSystem() {
		t.Error("a user is the system")
	}
	if svc.Actor(nil, "session") != nil {
		t.Error("Actor(nil) is not nil")
	}
	// A user must never pass for the system, which passes every check.
	for _, via := range []string{"system", "", "cookie"} {
		if a := svc.Actor(u, via); a != nil {
			t.Errorf("Actor(u, %q) = %+v; want nil", via, a)
		}
	}
}

func TestConfigDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.SessionIdle != 30*time.Minute || c.SessionMax != 12*time.Hour || c.PairLimit != 5 || c.AccountLimit != 10 ||
		c.AddressLimit != 500 || c.Window != 15*time.Minute || c.KnownFor != 90*24*time.Hour || c.CodeLimit != 5 || c.Params != DefaultParams() ||
		c.MaxHashing < 1 || c.Now == nil || c.Logger == nil {
		t.Errorf("defaults = %+v", c)
	}
	defer func() {
		if recover() == nil {
			t.Error("New accepted parameters argon2 would panic on")
		}
	}()
	New(newFakeStore(time.Now), Config{Params: Params{Memory: 64, Time: 0, Threads: 1, SaltLen: 16, KeyLen: 32}})
}

func TestHashingIsBounded(t *testing.T) {
	h := newHarness(t, Config{MaxHashing: 1})
	h.store.addUser(t, alice, alicePW, testParams())
	// Hold the only slot: a sign-in must wait, and give up with its context.
	h.svc.hashing <- struct{}{}
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	_, _, _, err := h.svc.SignIn(ctx, alice, alicePW, addr1)
	if err == nil || !strings.Contains(err.Error(), "waiting to hash") {
		t.Errorf("err = %v; want a wait cut short", err)
	}
	<-h.svc.hashing
	if _, _, _, err := h.svc.SignIn(t.Context(), alice, alicePW, addr1); err != nil {
		t.Error(err)
	}
}
