package auth

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// fakeFactors keeps second factors in memory with the store's contract:
// system actor only, replays refused, recovery codes spent once.
type fakeFactors struct {
	mu sync.Mutex
	f  map[int64]*lifeguard.SecondFactor
}

func (x *fakeFactors) check(ctx context.Context) error {
	if !lifeguard.ActorFrom(ctx).IsSystem() {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "system only")
	}
	return nil
}

func (x *fakeFactors) SecondFactor(ctx context.Context, id int64) (*lifeguard.SecondFactor, error) {
	if err := x.check(ctx); err != nil {
		return nil, err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	f, ok := x.f[id]
	if !ok {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "none")
	}
	c := *f
	c.RecoveryHashes = slices.Clone(f.RecoveryHashes)
	return &c, nil
}

func (x *fakeFactors) EnrolSecondFactor(ctx context.Context, id int64, f lifeguard.SecondFactor) error {
	if err := x.check(ctx); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.f[id] = &f
	return nil
}

func (x *fakeFactors) ReplaceSecondFactor(ctx context.Context, id int64, current string, f lifeguard.SecondFactor) error {
	if err := x.check(ctx); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	old, ok := x.f[id]
	if current == "" && ok || current != "" && (!ok || old.Secret != current) {
		return lifeguard.Errorf(lifeguard.ECONFLICT, "not current")
	}
	x.f[id] = &f
	return nil
}

func (x *fakeFactors) ResetSecondFactor(ctx context.Context, id int64) error {
	if err := x.check(ctx); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.f, id)
	return nil
}

func (x *fakeFactors) AcceptStep(ctx context.Context, id int64, step int64) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if step <= x.f[id].LastStep {
		return lifeguard.Errorf(lifeguard.ECONFLICT, "replay")
	}
	x.f[id].LastStep = step
	return nil
}

func (x *fakeFactors) UseRecoveryCode(ctx context.Context, id int64, hash string) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	i := slices.Index(x.f[id].RecoveryHashes, hash)
	if i < 0 {
		return lifeguard.Errorf(lifeguard.ENOTFOUND, "no such code")
	}
	x.f[id].RecoveryHashes = slices.Delete(x.f[id].RecoveryHashes, i, i+1)
	return nil
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	key, err := b32().DecodeString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return hotp(key, uint64(at.Unix()/totpStep), totpDigits)
}

func TestSecondFactor(t *testing.T) {
	c := newClock()
	store := newFakeStore(c.Now)
	factors := &fakeFactors{f: map[int64]*lifeguard.SecondFactor{}}
	svc := New(store, Config{Now: c.Now, Params: testParams(), Factors: factors})
	u := store.addUser(t, "dsl@example.org", "a long enough passphrase", testParams())
	_, sess, _, err := svc.SignIn(t.Context(), "dsl@example.org", "a long enough passphrase", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if has, err := svc.HasSecondFactor(ctx, u.ID); err != nil || has {
		t.Fatalf("before enrolment: %v %v", has, err)
	}
	secret, uri, err := svc.BeginSecondFactor(u.Email)
	if err != nil || secret == "" || uri == "" {
		t.Fatal(err)
	}
	if _, err := svc.ConfirmSecondFactor(ctx, u.ID, sess.ID, secret, "000000"); err == nil {
		t.Fatal("a wrong first code enrolled the factor")
	}
	codes, err := svc.ConfirmSecondFactor(ctx, u.ID, sess.ID, secret, codeAt(t, secret, c.Now()))
	if err != nil || len(codes) != 10 {
		t.Fatalf("confirm: %v, %d codes", err, len(codes))
	}
	if has, _ := svc.HasSecondFactor(ctx, u.ID); !has {
		t.Fatal("not enrolled after confirming")
	}
	if !store.sessions[sess.ID].SecondFactor {
		t.Error("confirming did not mark the session")
	}

	t.Run("the enrolment code cannot be used again", func(t *testing.T) {
		if err := svc.VerifySecondFactor(ctx, u.ID, sess.ID, codeAt(t, secret, c.Now()), "192.0.2.1"); lifeguard.ErrorCode(err) != lifeguard.EUNAUTHORIZED {
			t.Errorf("replayed code: %v", err)
		}
	})
	t.Run("a later code works once", func(t *testing.T) {
		c.Advance(30 * time.Second)
		code := codeAt(t, secret, c.Now())
		if err := svc.VerifySecondFactor(ctx, u.ID, sess.ID, code, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if err := svc.VerifySecondFactor(ctx, u.ID, sess.ID, code, "192.0.2.1"); err == nil {
			t.Error("the same code worked twice")
		}
	})
	t.Run("a recovery code works once", func(t *testing.T) {
		if err := svc.VerifySecondFactor(ctx, u.ID, sess.ID, codes[3], "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		if err := svc.VerifySecondFactor(ctx, u.ID, sess.ID, codes[3], "192.0.2.1"); err == nil {
			t.Error("a recovery code worked twice")
		}
	})
	t.Run("failed codes are throttled", func(t *testing.T) {
		c.Advance(time.Hour)
		for range 5 {
			svc.VerifySecondFactor(ctx, u.ID, sess.ID, "999999", "192.0.2.1")
		}
		c.Advance(30 * time.Second)
		err := svc.VerifySecondFactor(ctx, u.ID, sess.ID, codeAt(t, secret, c.Now()), "192.0.2.1")
		if err == nil || lifeguard.ErrorMessage(err) == lifeguard.ErrorMessage(errBadCode()) {
			t.Errorf("after five failures a right code gave %v, want the throttling message", err)
		}
		c.Advance(16 * time.Minute)
		if err := svc.VerifySecondFactor(ctx, u.ID, sess.ID, codeAt(t, secret, c.Now()), "192.0.2.1"); err != nil {
			t.Errorf("after the window a right code gave %v", err)
		}
	})
}

// TestReplacingAFactorNeedsIt: an enrolled factor is never replaced by a
// first enrolment, only by its user, signed in with a session, who gives a
// code of it or a recovery code; the command line can reset it.
func TestReplacingAFactorNeedsIt(t *testing.T) {
	c := newClock()
	store := newFakeStore(c.Now)
	factors := &fakeFactors{f: map[int64]*lifeguard.SecondFactor{}}
	svc := New(store, Config{Now: c.Now, Params: testParams(), Factors: factors})
	u := store.addUser(t, "dsl@example.org", "a long enough passphrase", testParams())
	ctx := t.Context()
	_, sess, _, err := svc.SignIn(ctx, "dsl@example.org", "a long enough passphrase", "192.0.2.1")
	if err != nil {
		t.Fatal(err)
	}
	secret, _, _ := svc.BeginSecondFactor(u.Email)
	codes, err := svc.ConfirmSecondFactor(ctx, u.ID, sess.ID, secret, codeAt(t, secret, c.Now()))
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := svc.BeginSecondFactor(u.Email)
	c.Advance(30 * time.Second)

	// The password alone: a first enrolment is refused.
	if _, err := svc.ConfirmSecondFactor(ctx, u.ID, sess.ID, other, codeAt(t, other, c.Now())); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("a second first enrolment: %v; want forbidden", err)
	}
	// Replacing without being the user, or without the current factor.
	if _, err := svc.ReplaceSecondFactor(ctx, u.ID, sess.ID, codes[0], other, codeAt(t, other, c.Now())); lifeguard.ErrorCode(err) != lifeguard.EUNAUTHORIZED {
		t.Errorf("replacing with no actor: %v; want unauthorized", err)
	}
	me := lifeguard.WithActor(ctx, svc.Actor(&u, viaSession))
	if _, err := svc.ReplaceSecondFactor(me, u.ID, sess.ID, "123456", other, codeAt(t, other, c.Now())); lifeguard.ErrorCode(err) != lifeguard.EUNAUTHORIZED {
		t.Errorf("replacing with a wrong current code: %v; want unauthorized", err)
	}
	if _, err := svc.ReplaceSecondFactor(lifeguard.WithActor(ctx, svc.Actor(&u, viaToken)), u.ID, sess.ID, codes[0], other,
		codeAt(t, other, c.Now())); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("replacing with an API token: %v; want forbidden", err)
	}
	if f, _ := factors.SecondFactor(system(ctx), u.ID); f.Secret != secret {
		t.Fatal("a refused replacement changed the factor")
	}
	// With a recovery code, it is replaced, and the code is spent.
	fresh, err := svc.ReplaceSecondFactor(me, u.ID, sess.ID, codes[0], other, codeAt(t, other, c.Now()))
	if err != nil || len(fresh) != 10 {
		t.Fatalf("replacing with a recovery code: %v", err)
	}
	if f, _ := factors.SecondFactor(system(ctx), u.ID); f.Secret != other {
		t.Error("the factor was not replaced")
	}

	// The command line resets it; a user cannot.
	if err := svc.ResetSecondFactor(me, u.ID); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("a user reset a factor: %v", err)
	}
	if err := svc.ResetSecondFactor(system(ctx), u.ID); err != nil {
		t.Fatal(err)
	}
	if has, _ := svc.HasSecondFactor(ctx, u.ID); has {
		t.Error("still enrolled after the reset")
	}
}
