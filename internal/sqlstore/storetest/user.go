package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// preferenceCases are a user's own display settings: every signed-in user
// has them; the system, which is no user, does not.
func preferenceCases() []accessCase {
	own := []string{ok, ok, ok, ok, ok, ok, ok, fb, ua}
	return []accessCase{
		{"Preferences", own, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.Preferences(ctx)
			return err
		}},
		{"SetPreferences", own, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.SetPreferences(ctx, lifeguard.Preferences{TextSize: lifeguard.TextLarge})
			return err
		}},
	}
}

// secondFactorCases are the SecondFactorStore's methods, each for the system
// actor only, as the AuthStore's are.
func secondFactorCases(f *fixture) []accessCase {
	sysOnly := []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}
	n := int64(0)
	enrol := func(ctx context.Context, codes ...string) error {
		return f.db.EnrolSecondFactor(sys(ctx), f.staff2.ID, lifeguard.SecondFactor{Secret: "JBSWY3DPEHPK3PXP",
			RecoveryHashes: codes})
	}
	return []accessCase{
		{"SecondFactor", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			if err := enrol(ctx); err != nil {
				return err
			}
			_, err := f.db.SecondFactor(ctx, f.staff2.ID)
			return err
		}},
		{"EnrolSecondFactor", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.EnrolSecondFactor(ctx, f.staff2.ID, lifeguard.SecondFactor{Secret: "JBSWY3DPEHPK3PXP"})
		}},
		{"AcceptStep", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			if err := enrol(ctx); err != nil {
				return err
			}
			n++
			return f.db.AcceptStep(ctx, f.staff2.ID, n)
		}},
		{"UseRecoveryCode", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			if err := enrol(ctx, recoveryHash("code")); err != nil {
				return err
			}
			return f.db.UseRecoveryCode(ctx, f.staff2.ID, recoveryHash("code"))
		}},
		{"ReplaceSecondFactor", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			if err := enrol(ctx); err != nil {
				return err
			}
			return f.db.ReplaceSecondFactor(ctx, f.staff2.ID, "JBSWY3DPEHPK3PXP", lifeguard.SecondFactor{Secret: "JBSWY3DPEHPK3PXP"})
		}},
		{"ResetSecondFactor", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.ResetSecondFactor(ctx, f.staff2.ID)
		}},
	}
}

// recoveryHash is the hash the auth package would store for a code.
func recoveryHash(code string) string {
	h := sha256.Sum256([]byte(code))
	return hex.EncodeToString(h[:])
}

// testPreferences checks that each user has their own settings, with
// defaults, and that a bad text size is refused.
func testPreferences(t *testing.T, open Opener) {
	f := newFixture(t, open)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	get := func(ctx context.Context) lifeguard.Preferences {
		t.Helper()
		p, err := f.db.Preferences(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return *p
	}
	before := journalLen(t, f.db)
	defaults := lifeguard.Preferences{TextSize: lifeguard.TextMedium, HighVisibility: false}
	if p := get(staff); p != defaults {
		t.Errorf("new user's preferences %+v, want %+v", p, defaults)
	}
	want := lifeguard.Preferences{TextSize: lifeguard.TextLarge, HighVisibility: true}
	got, err := f.db.SetPreferences(staff, want)
	if err != nil {
		t.Fatal(err)
	}
	if *got != want {
		t.Errorf("SetPreferences returned %+v, want %+v", *got, want)
	}
	if p := get(staff); p != want {
		t.Errorf("read back %+v, want %+v", p, want)
	}
	if p := get(dsl); p != defaults {
		t.Errorf("another user's preferences changed too: %+v", p)
	}
	for _, size := range []lifeguard.TextSize{"", "huge", "Large"} {
		_, err := f.db.SetPreferences(staff, lifeguard.Preferences{TextSize: size})
		wantProblem(t, err, "text_size")
	}
	if p := get(staff); p != want {
		t.Errorf("after refused changes: %+v, want %+v", p, want)
	}
	if _, err := f.db.SetPreferences(staff, lifeguard.Preferences{TextSize: lifeguard.TextSmall}); err != nil {
		t.Fatal(err)
	}
	if p := get(staff); p != (lifeguard.Preferences{TextSize: lifeguard.TextSmall}) {
		t.Errorf("after turning high visibility off: %+v", p)
	}
	if n := journalLen(t, f.db); n != before {
		t.Errorf("preferences appended %d journal entries; they hold nothing about a child", n-before)
	}
}

// testSecondFactor checks enrolment, the replay protection of AcceptStep,
// and that each recovery code works once, even when it is used twice at
// the same moment.
func testSecondFactor(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	const missing = 1 << 40
	before := journalLen(t, f.db)
	codes := []string{recoveryHash("alpha"), recoveryHash("bravo"), recoveryHash("charlie")}
	enrolled := f.now().Add(-time.Minute).UTC().Truncate(time.Microsecond)
	secret := "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

	t.Run("a user not enrolled has no factor, no steps, no recovery codes and no secret at sign-in", func(t *testing.T) {
		_, err := f.db.SecondFactor(ctx, f.dsl.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.SecondFactor(ctx, missing)
		wantCode(t, err, lifeguard.ENOTFOUND)
		wantCode(t, f.db.AcceptStep(ctx, f.dsl.ID, 1), lifeguard.ENOTFOUND)
		wantCode(t, f.db.UseRecoveryCode(ctx, f.dsl.ID, codes[0]), lifeguard.ENOTFOUND)
		c, err := f.db.CredentialsByEmail(ctx, f.dsl.Email)
		if err != nil {
			t.Fatal(err)
		}
		if c.TOTPSecret != "" {
			t.Errorf("TOTP secret %q before enrolment", c.TOTPSecret)
		}
	})

	step(t, "enrolling keeps the secret, the recovery codes and when, and sign-in reads the secret", func(t *testing.T) {
		if err := f.db.EnrolSecondFactor(ctx, f.dsl.ID, lifeguard.SecondFactor{Secret: secret,
			RecoveryHashes: codes, EnrolledAt: enrolled}); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.SecondFactor(ctx, f.dsl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Secret != secret || !slices.Equal(got.RecoveryHashes, codes) || got.LastStep != 0 ||
			!got.EnrolledAt.Equal(enrolled) {
			t.Errorf("factor %+v", got)
		}
		c, err := f.db.CredentialsByEmail(ctx, f.dsl.Email)
		if err != nil {
			t.Fatal(err)
		}
		if c.TOTPSecret != secret {
			t.Errorf("CredentialsByEmail's TOTP secret %q, want the enrolled one", c.TOTPSecret)
		}
		wantCode(t, f.db.EnrolSecondFactor(ctx, missing, lifeguard.SecondFactor{Secret: secret}), lifeguard.ENOTFOUND)
	})

	t.Run("an enrolment with a blank secret, a blank code or a negative step is refused, naming each, and changes nothing", func(t *testing.T) {
		err := f.db.EnrolSecondFactor(ctx, f.dsl.ID, lifeguard.SecondFactor{Secret: " ",
			RecoveryHashes: []string{codes[0], ""}, LastStep: -1})
		for _, p := range []string{"secret", "recovery_hashes[1]", "last_step"} {
			wantProblem(t, err, p)
		}
		got, err := f.db.SecondFactor(ctx, f.dsl.ID)
		if err != nil || got.Secret != secret {
			t.Errorf("a refused enrolment changed the factor: %+v, %v", got, err)
		}
	})

	t.Run("an accepted step is later than the last one: a replayed or older code is refused", func(t *testing.T) {
		steps := []struct {
			step int64
			want string
		}{
			{0, lifeguard.ECONFLICT}, // not after the enrolment's last step
			{59_000_000, ok},
			{59_000_000, lifeguard.ECONFLICT}, // the same code again: a replay
			{58_999_999, lifeguard.ECONFLICT}, // an older code
			{59_000_001, ok},
			{59_000_003, ok}, // steps may be skipped
			{59_000_002, lifeguard.ECONFLICT},
		}
		for _, s := range steps {
			if got := lifeguard.ErrorCode(f.db.AcceptStep(ctx, f.dsl.ID, s.step)); got != s.want {
				t.Errorf("AcceptStep(%d): %q, want %q", s.step, got, s.want)
			}
		}
		got, err := f.db.SecondFactor(ctx, f.dsl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.LastStep != 59_000_003 {
			t.Errorf("last step %d, want 59000003", got.LastStep)
		}
		wantCode(t, f.db.AcceptStep(ctx, missing, 1), lifeguard.ENOTFOUND)
	})

	t.Run("each recovery code works once, for its own user only", func(t *testing.T) {
		if err := f.db.UseRecoveryCode(ctx, f.dsl.ID, codes[1]); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.db.UseRecoveryCode(ctx, f.dsl.ID, codes[1]), lifeguard.ENOTFOUND)
		wantCode(t, f.db.UseRecoveryCode(ctx, f.dsl.ID, recoveryHash("delta")), lifeguard.ENOTFOUND)
		wantCode(t, f.db.UseRecoveryCode(ctx, f.dsl.ID, ""), lifeguard.ENOTFOUND)
		wantCode(t, f.db.UseRecoveryCode(ctx, missing, codes[0]), lifeguard.ENOTFOUND)
		// One user's code is not another's.
		wantCode(t, f.db.UseRecoveryCode(ctx, f.staff.ID, codes[0]), lifeguard.ENOTFOUND)
		got, err := f.db.SecondFactor(ctx, f.dsl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{codes[0], codes[2]}; !slices.Equal(got.RecoveryHashes, want) {
			t.Errorf("unused codes %v, want %v", got.RecoveryHashes, want)
		}
	})

	t.Run("enrolling again replaces the secret, the codes and the last step", func(t *testing.T) {
		fresh := []string{recoveryHash("echo")}
		if err := f.db.EnrolSecondFactor(ctx, f.dsl.ID, lifeguard.SecondFactor{Secret: "NEWSECRET234567",
			RecoveryHashes: fresh}); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.SecondFactor(ctx, f.dsl.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Secret != "NEWSECRET234567" || !slices.Equal(got.RecoveryHashes, fresh) || got.LastStep != 0 ||
			got.EnrolledAt.IsZero() || !got.EnrolledAt.After(enrolled) {
			t.Errorf("re-enrolled factor %+v", got)
		}
		wantCode(t, f.db.UseRecoveryCode(ctx, f.dsl.ID, codes[0]), lifeguard.ENOTFOUND)
		// With no codes at all, the list is empty, not null.
		if err := f.db.EnrolSecondFactor(ctx, f.staff.ID, lifeguard.SecondFactor{Secret: secret}); err != nil {
			t.Fatal(err)
		}
		got, err = f.db.SecondFactor(ctx, f.staff.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.RecoveryHashes == nil || len(got.RecoveryHashes) != 0 {
			t.Errorf("recovery hashes %#v, want an empty list", got.RecoveryHashes)
		}
	})

	// Two sign-ins racing with the same code: exactly one gets in.
	t.Run("of sixteen sign-ins using one recovery code at once, exactly one gets in", func(t *testing.T) {
		codes := make([]string, 10)
		for i := range codes {
			codes[i] = recoveryHash(fmt.Sprint("race", i))
		}
		if err := f.db.EnrolSecondFactor(ctx, f.manager.ID, lifeguard.SecondFactor{Secret: secret,
			RecoveryHashes: codes}); err != nil {
			t.Fatal(err)
		}
		const racers = 16
		var wg sync.WaitGroup
		results := make([]error, racers)
		start := make(chan struct{})
		for i := range racers {
			wg.Go(func() {
				<-start
				results[i] = f.db.UseRecoveryCode(ctx, f.manager.ID, codes[4])
			})
		}
		close(start)
		wg.Wait()
		succeeded := 0
		for i, err := range results {
			switch lifeguard.ErrorCode(err) {
			case ok:
				succeeded++
			case lifeguard.ENOTFOUND:
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		}
		if succeeded != 1 {
			t.Errorf("the code was used %d times, want exactly once", succeeded)
		}
		got, err := f.db.SecondFactor(ctx, f.manager.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := slices.Delete(slices.Clone(codes), 4, 5); !slices.Equal(got.RecoveryHashes, want) {
			t.Errorf("unused codes %v, want %v", got.RecoveryHashes, want)
		}
	})

	t.Run("of sixteen sign-ins using one step at once, exactly one gets in", func(t *testing.T) {
		const racers = 16
		var wg sync.WaitGroup
		results := make([]error, racers)
		start := make(chan struct{})
		for i := range racers {
			wg.Go(func() {
				<-start
				results[i] = f.db.AcceptStep(ctx, f.manager.ID, 60_000_000)
			})
		}
		close(start)
		wg.Wait()
		succeeded := 0
		for i, err := range results {
			switch lifeguard.ErrorCode(err) {
			case ok:
				succeeded++
			case lifeguard.ECONFLICT:
			default:
				t.Errorf("racer %d: %v", i, err)
			}
		}
		if succeeded != 1 {
			t.Errorf("the step was accepted %d times, want exactly once", succeeded)
		}
	})

	t.Run("second factors append nothing to the journal", func(t *testing.T) {
		if n := journalLen(t, f.db); n != before {
			t.Errorf("second factors appended %d journal entries; they hold nothing about a child", n-before)
		}
	})
}
