package auth

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func TestAPITokenFormat(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		plain, hash := newAPIToken()
		if len(plain) != 55 || !strings.HasPrefix(plain, "lg_") || strings.ContainsAny(plain[3:], "=ABCDEFGHIJKLMNOPQRSTUVWXYZ0189") {
			t.Fatalf("token %q is not lg_ and 52 lower-case base32 characters", plain)
		}
		if !validAPIToken(plain) {
			t.Fatalf("validAPIToken refuses a new token %q", plain)
		}
		if !slices.Equal(hash, hashToken(plain)) || len(hash) != 32 {
			t.Fatal("the hash is not SHA-256 of the token")
		}
		if seen[plain] {
			t.Fatal("the same token twice")
		}
		seen[plain] = true
	}
}

func TestValidAPIToken(t *testing.T) {
	good, _ := newAPIToken()
	// The last character carries one bit, so it is 'a' or 'q'; the next
	// letter differs only in the four bits the decoder ignores.
	other := good[len(good)-1] + 1
	for _, tc := range []struct {
		name, tok string
		ok        bool
	}{
		{"good", good, true},
		{"empty", "", false},
		{"prefix only", "lg_", false},
		{"short", good[:54], false},
		{"long", good + "a", false},
		{"upper case", strings.ToUpper(good), false},
		{"upper-case body", "lg_" + strings.ToUpper(good[3:]), false},
		{"other prefix", "lx_" + good[3:], false},
		{"digit 1", good[:10] + "1" + good[11:], false},
		{"padding", good[:54] + "=", false},
		{"space", good[:54] + " ", false},
		{"another spelling of the last bit", good[:54] + string(rune(other)), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := validAPIToken(tc.tok); got != tc.ok {
				t.Errorf("validAPIToken(%q) = %v; want %v", tc.tok, got, tc.ok)
			}
		})
	}
}

func TestAPITokens(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.store.addUser(t, alice, alicePW, testParams())
	b := h.store.addUser(t, bob, bobPW, testParams())
	ctx := t.Context()
	asAlice := h.as(ctx, a, "session")

	plain, tok, err := h.svc.CreateToken(asAlice, a.ID, "  laptop script  ")
	if err != nil {
		t.Fatal(err)
	}
	if tok.UserID != a.ID || tok.Name != "laptop script" || tok.Prefix != plain[:10] || len(tok.Prefix) != 10 {
		t.Errorf("token = %+v; want alice's, named, with the first 10 characters of %q", tok, plain)
	}

	t.Run("lookup", func(t *testing.T) {
		h.clock.Advance(time.Hour)
		got, u, err := h.svc.Token(ctx, plain)
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != tok.ID || u.ID != a.ID {
			t.Errorf("Token = %+v, %+v; want token %d of user %d", got, u, tok.ID, a.ID)
		}
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(h.clock.Now()) {
			t.Errorf("last used %v; want now", got.LastUsedAt)
		}
		// The actor built from it is the user, via the token.
		if act := h.svc.Actor(u, "token"); act.UserID != a.ID || act.Via != "token" {
			t.Errorf("actor = %+v", act)
		}
	})
	t.Run("malformed, without asking the store", func(t *testing.T) {
		before := h.store.totalCalls()
		for _, bad := range []string{"", "Bearer " + plain, plain + " ", strings.ToUpper(plain), plain[:54], "lg_" + strings.Repeat("a", 53)} {
			_, _, err := h.svc.Token(ctx, bad)
			wantCode(t, err, lifeguard.EUNAUTHORIZED)
		}
		if h.store.totalCalls() != before {
			t.Error("the store was asked about a malformed token")
		}
	})
	t.Run("unknown", func(t *testing.T) {
		other, _ := newAPIToken()
		_, _, err := h.svc.Token(ctx, other)
		wantCode(t, err, lifeguard.EUNAUTHORIZED)
	})
	t.Run("disabled user", func(t *testing.T) {
		h.store.setDisabled(a.ID, true)
		defer h.store.setDisabled(a.ID, false)
		_, _, err := h.svc.Token(ctx, plain)
		wantCode(t, err, lifeguard.EUNAUTHORIZED)
	})
	t.Run("list", func(t *testing.T) {
		if _, _, err := h.svc.CreateToken(asAlice, a.ID, "second"); err != nil {
			t.Fatal(err)
		}
		ts, err := h.svc.Tokens(asAlice, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) != 2 || ts[0].ID != tok.ID || ts[1].Name != "second" {
			t.Errorf("Tokens = %+v", ts)
		}
		if _, err := h.svc.Tokens(h.as(ctx, b, "session"), a.ID); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
			t.Errorf("bob listing alice's tokens: %v; want forbidden", err)
		}
		// Reading one's own list with a token is fine.
		if _, err := h.svc.Tokens(h.as(ctx, a, "token"), a.ID); err != nil {
			t.Errorf("listing with a token: %v", err)
		}
	})
	t.Run("revoke", func(t *testing.T) {
		// Bob cannot revoke alice's token, and learns nothing of it.
		err := h.svc.RevokeToken(h.as(ctx, b, "session"), tok.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		err404 := h.svc.RevokeToken(h.as(ctx, b, "session"), 9999)
		if err.Error() != err404.Error() {
			t.Errorf("another's token %q differs from a missing one %q", err, err404)
		}
		wantCode(t, h.svc.RevokeToken(ctx, tok.ID), lifeguard.EUNAUTHORIZED)
		if _, _, err := h.svc.Token(ctx, plain); err != nil {
			t.Fatalf("refused revocations revoked: %v", err)
		}

		if err := h.svc.RevokeToken(asAlice, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = h.svc.Token(ctx, plain)
		wantCode(t, err, lifeguard.EUNAUTHORIZED)
		ts, err := h.svc.Tokens(asAlice, a.ID)
		if err != nil || ts[0].RevokedAt == nil {
			t.Errorf("the list does not show the revocation: %+v, %v", ts, err)
		}
	})
	t.Run("the system revokes any", func(t *testing.T) {
		plain, tok, err := h.svc.CreateToken(lifeguard.WithActor(ctx, lifeguard.SystemActor()), b.ID, "import job")
		if err != nil {
			t.Fatal(err)
		}
		if err := h.svc.RevokeToken(lifeguard.WithActor(ctx, lifeguard.SystemActor()), tok.ID); err != nil {
			t.Fatal(err)
		}
		_, _, err = h.svc.Token(ctx, plain)
		wantCode(t, err, lifeguard.EUNAUTHORIZED)
	})
}

func TestCreateTokenRefused(t *testing.T) {
	h := newHarness(t, Config{})
	a := h.store.addUser(t, alice, alicePW, testParams())
	b := h.store.addUser(t, bob, bobPW, testParams())
	ctx := t.Context()
	admin := b
	admin.Role = lifeguard.RoleAdmin
	for _, tc := range []struct {
		name     string
		ctx      context.Context
		tokName  string
		code     string
		problems int
	}{
		{"no actor", ctx, "x", lifeguard.EUNAUTHORIZED, 0},
		{"another user", h.as(ctx, b, "session"), "x", lifeguard.EFORBIDDEN, 0},
		{"an administrator", h.as(ctx, admin, "session"), "x", lifeguard.EFORBIDDEN, 0},
		{"via a token", h.as(ctx, a, "token"), "x", lifeguard.EFORBIDDEN, 0},
		{"empty name", h.as(ctx, a, "session"), "   ", lifeguard.EINVALID, 1},
		{"long name", h.as(ctx, a, "session"), strings.Repeat("n", 101), lifeguard.EINVALID, 1},
		{"two lines", h.as(ctx, a, "session"), "a\nb", lifeguard.EINVALID, 1},
		{"not utf-8", h.as(ctx, a, "session"), "a\xffb", lifeguard.EINVALID, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plain, tok, err := h.svc.CreateToken(tc.ctx, a.ID, tc.tokName)
			wantCode(t, err, tc.code)
			if plain != "" || tok != nil {
				t.Error("a refused token was returned")
			}
			if e, ok := err.(*lifeguard.Error); !ok || len(e.Problems) != tc.problems {
				t.Errorf("err = %#v; want %d problems", err, tc.problems)
			} else if tc.problems > 0 && e.Problems[0].Path != "name" {
				t.Errorf("problem %v is not on name", e.Problems[0])
			}
		})
	}
	if h.store.count("CreateToken") != 0 {
		t.Error("a refused token reached the store")
	}
	if _, _, err := h.svc.CreateToken(h.as(ctx, a, "session"), a.ID, strings.Repeat("é", 100)); err != nil {
		t.Errorf("100 characters refused: %v", err)
	}
}

// BenchmarkTokenLookup measures Token with the fake store holding 1,000
// tokens: the cost of the parsing, hashing and checks around the store's
// lookup, not of a database.
func BenchmarkTokenLookup(b *testing.B) {
	h := newHarness(b, Config{})
	u := h.store.addUser(b, alice, "", testParams())
	sys := lifeguard.WithActor(b.Context(), lifeguard.SystemActor())
	var plain string
	for i := range 1000 {
		p, _, err := h.svc.CreateToken(sys, u.ID, fmt.Sprint("token ", i))
		if err != nil {
			b.Fatal(err)
		}
		if i == 500 {
			plain = p
		}
	}
	for b.Loop() {
		if _, _, err := h.svc.Token(b.Context(), plain); err != nil {
			b.Fatal(err)
		}
	}
}
