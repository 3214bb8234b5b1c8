package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testSignInInputs: what a sign-in form can send in the email, however
// long or malformed, is an unknown address on both engines, never an
// error; and throttling keys are bounded the same way on both.
func testSignInInputs(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	now := f.now().UTC().Truncate(time.Microsecond)
	for name, email := range map[string]string{
		"300,000 characters": strings.Repeat("a", 300_000) + "@example.org",
		"NUL":                "jo\x00@example.org",
		"invalid UTF-8":      "jo\xff\xfe@example.org",
		"only NUL":           "\x00",
		"NUL after a user's": f.staff.Email + "\x00",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := f.db.CredentialsByEmail(ctx, email)
			wantCode(t, err, lifeguard.ENOTFOUND)
			// A key built from it carelessly is refused as invalid input or
			// counted as nothing, never a database error.
			wantCode(t, f.db.RecordFailure(ctx, "account:"+email, now), lifeguard.EINVALID)
			if n, err := f.db.CountFailures(ctx, "account:"+email, now.Add(-time.Hour)); err != nil || n != 0 {
				t.Errorf("CountFailures = %d, %v", n, err)
			}
			wantCode(t, f.db.RecordFailures(ctx, now, "addr:192.0.2.1", "account:"+email), lifeguard.EINVALID)
			wantCode(t, f.db.SignedIn(ctx, f.staff.ID, "account:"+email, "addr:192.0.2.1", "pair:x", now), lifeguard.EINVALID)
			if known, err := f.db.KnownAddress(ctx, "account:"+email, "addr:192.0.2.1", time.Time{}); err != nil || known {
				t.Errorf("KnownAddress = %v, %v", known, err)
			}
		})
	}
}

// testThrottleStore: the failures an administrator lists, and known
// addresses.
func testThrottleStore(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	now := f.now().UTC().Truncate(time.Microsecond)
	for i := range 3 {
		if err := f.db.RecordFailure(ctx, "pair:192.0.2.1 jo@example.org", now.Add(time.Duration(i)*time.Second)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.RecordFailure(ctx, "addr:192.0.2.1", now); err != nil {
		t.Fatal(err)
	}
	if err := f.db.RecordFailure(ctx, "addr:192.0.2.9", now.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.Failures(ctx, now.Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"pair:192.0.2.1 jo@example.org 3 " + now.Add(2*time.Second).Format(time.RFC3339Nano),
		"addr:192.0.2.1 1 " + now.Format(time.RFC3339Nano)}
	if len(got) != len(want) {
		t.Fatalf("Failures = %+v; want %v", got, want)
	}
	for i, g := range got {
		if s := fmt.Sprintf("%s %d %s", g.Key, g.Failures, g.Last.UTC().Format(time.RFC3339Nano)); s != want[i] {
			t.Errorf("Failures[%d] = %s; want %s", i, s, want[i])
		}
	}

	const acct, addr = "account:jo@example.org", "addr:192.0.2.1"
	if known, err := f.db.KnownAddress(ctx, acct, addr, time.Time{}); err != nil || known {
		t.Errorf("before any sign-in: %v, %v", known, err)
	}
	for _, at := range []time.Time{now.Add(-time.Hour), now} { // the second updates the first
		if err := f.db.SignedIn(ctx, f.staff.ID, acct, addr, "pair:192.0.2.1 jo@example.org", at); err != nil {
			t.Fatal(err)
		}
	}
	// The sign-in cleared the pair's failures only, and was recorded.
	if n, _ := f.db.CountFailures(ctx, "pair:192.0.2.1 jo@example.org", time.Time{}); n != 0 {
		t.Errorf("the pair has %d failures after signing in", n)
	}
	if n, _ := f.db.CountFailures(ctx, "addr:192.0.2.1", time.Time{}); n != 1 {
		t.Errorf("the address has %d failures after signing in; want 1", n)
	}
	if c, err := f.db.CredentialsByEmail(ctx, f.staff.Email); err != nil || c.User.LastSignInAt == nil || !c.User.LastSignInAt.Equal(now) {
		t.Errorf("last sign-in not recorded: %v", err)
	}
	wantCode(t, f.db.SignedIn(ctx, 1<<40, acct, addr, "pair:x", now), lifeguard.ENOTFOUND)
	if err := f.db.RecordFailures(ctx, now, "pair:y", "addr:y"); err != nil {
		t.Fatal(err)
	}
	if n, _ := f.db.CountFailures(ctx, "addr:y", time.Time{}); n != 1 {
		t.Errorf("RecordFailures recorded %d for a key; want 1", n)
	}
	if known, err := f.db.KnownAddress(ctx, acct, addr, now.Add(-time.Minute)); err != nil || !known {
		t.Errorf("after a sign-in: %v, %v", known, err)
	}
	if known, _ := f.db.KnownAddress(ctx, acct, addr, now.Add(time.Minute)); known {
		t.Error("a sign-in older than since counted")
	}
	if known, _ := f.db.KnownAddress(ctx, acct, "addr:192.0.2.2", time.Time{}); known {
		t.Error("another address counted")
	}
}

// testFactorReplaceAndReset: a factor is replaced only in place of the
// secret the caller proved, and reset with the user's sessions, journalled.
func testFactorReplaceAndReset(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	now := f.now().UTC().Truncate(time.Microsecond)
	first := lifeguard.SecondFactor{Secret: "FIRSTSECRET23456", RecoveryHashes: []string{recoveryHash("a")}}
	wantCode(t, f.db.ReplaceSecondFactor(ctx, f.dsl.ID, "SOMETHING", first), lifeguard.ECONFLICT)
	if err := f.db.ReplaceSecondFactor(ctx, f.dsl.ID, "", first); err != nil {
		t.Fatal(err)
	}
	// A second first enrolment, or one in place of a secret not held, is
	// refused and changes nothing.
	wantCode(t, f.db.ReplaceSecondFactor(ctx, f.dsl.ID, "", lifeguard.SecondFactor{Secret: "INTRUDER2345678"}), lifeguard.ECONFLICT)
	wantCode(t, f.db.ReplaceSecondFactor(ctx, f.dsl.ID, "WRONGSECRET2345", lifeguard.SecondFactor{Secret: "INTRUDER2345678"}), lifeguard.ECONFLICT)
	wantCode(t, f.db.ReplaceSecondFactor(ctx, 1<<40, "", first), lifeguard.ENOTFOUND)
	wantProblem(t, f.db.ReplaceSecondFactor(ctx, f.dsl.ID, "", lifeguard.SecondFactor{Secret: "bad\x00"}), "secret")
	if got, err := f.db.SecondFactor(ctx, f.dsl.ID); err != nil || got.Secret != first.Secret {
		t.Fatalf("after refused replacements: %+v, %v", got, err)
	}
	if err := f.db.ReplaceSecondFactor(ctx, f.dsl.ID, first.Secret, lifeguard.SecondFactor{Secret: "SECONDSECRET234"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.db.SecondFactor(ctx, f.dsl.ID); got.Secret != "SECONDSECRET234" || len(got.RecoveryHashes) != 0 {
		t.Errorf("after the replacement: %+v", got)
	}

	if _, err := f.db.CreateSession(ctx, lifeguard.Session{UserID: f.dsl.ID, TokenHash: []byte("reset-session"),
		CreatedAt: now, ExpiresAt: now.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	before, err := f.db.VerifyJournal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.db.ResetSecondFactor(ctx, f.dsl.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.SecondFactor(ctx, f.dsl.ID)
	wantCode(t, err, lifeguard.ENOTFOUND)
	_, _, err = f.db.SessionByHash(ctx, []byte("reset-session"), now)
	wantCode(t, err, lifeguard.ENOTFOUND)
	after, err := f.db.VerifyJournal(ctx)
	if err != nil || after.FirstBroken != 0 || after.Entries != before.Entries+1 {
		t.Errorf("journal %+v, %v; want one entry more than %d", after, err, before.Entries)
	}
	wantCode(t, f.db.ResetSecondFactor(ctx, 1<<40), lifeguard.ENOTFOUND)
	// After a reset, a first enrolment is possible again.
	if err := f.db.ReplaceSecondFactor(ctx, f.dsl.ID, "", first); err != nil {
		t.Errorf("enrolling after a reset: %v", err)
	}
}

// testDemoAccounts: the demo accounts are recorded by id.
func testDemoAccounts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	if ids, err := f.db.DemoAccounts(ctx); err != nil || len(ids) != 0 {
		t.Fatalf("before: %v, %v", ids, err)
	}
	if err := f.db.MarkDemoAccounts(ctx, []int64{f.dsl.ID, f.staff.ID, f.dsl.ID}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.MarkDemoAccounts(ctx, []int64{f.staff.ID}); err != nil {
		t.Fatal(err) // marking again is harmless
	}
	ids, err := f.db.DemoAccounts(ctx)
	want := []int64{min(f.dsl.ID, f.staff.ID), max(f.dsl.ID, f.staff.ID)}
	if err != nil || fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("DemoAccounts = %v, %v; want %v", ids, err, want)
	}
	wantCode(t, f.db.MarkDemoAccounts(ctx, []int64{1 << 40}), lifeguard.ENOTFOUND)
}
