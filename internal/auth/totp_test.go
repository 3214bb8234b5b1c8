package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// rfcKey is the SHA-1 seed of RFC 6238 Appendix B: "12345678901234567890".
const rfcKey = "12345678901234567890"

// TestTOTPVectors checks the SHA-1 column of RFC 6238 Appendix B, which has
// 8 digits, and the 6-digit codes VerifyTOTP takes: the last 6 of those 8,
// since both are the same number reduced modulo a power of ten.
func TestTOTPVectors(t *testing.T) {
	secret := b32().EncodeToString([]byte(rfcKey))
	for _, tc := range []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		t.Run(tc.code, func(t *testing.T) {
			now := time.Unix(tc.unix, 0)
			if got := hotp([]byte(rfcKey), uint64(tc.unix/30), 8); got != tc.code {
				t.Errorf("TOTP at %d = %s; want %s", tc.unix, got, tc.code)
			}
			six := tc.code[2:]
			if !VerifyTOTP(secret, six, now) {
				t.Errorf("VerifyTOTP(%s) at %d = false", six, tc.unix)
			}
			if VerifyTOTP(secret, tc.code, now) {
				t.Error("an 8-digit code was accepted")
			}
		})
	}
}

func TestTOTPDriftAndReplay(t *testing.T) {
	// A fixed key, so that no two of the steps below share a code by chance.
	key := []byte(rfcKey)
	secret := b32().EncodeToString(key)
	now := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
	step := now.Unix() / 30
	codeAt := func(s int64) string { return hotp(key, uint64(s), 6) }

	for _, tc := range []struct {
		name  string
		step  int64
		taken bool
	}{
		{"now", step, true},
		{"one step behind: a slow phone", step - 1, true},
		{"one step ahead: a fast phone", step + 1, true},
		{"two steps behind", step - 2, false},
		{"two steps ahead", step + 2, false},
		{"an hour old", step - 120, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := codeAt(tc.step)
			got, ok := TOTPStep(secret, code, now)
			if ok != tc.taken || (ok && got != tc.step) {
				t.Errorf("TOTPStep = %d, %v; want %d, %v", got, ok, tc.step, tc.taken)
			}
			if VerifyTOTP(secret, code, now) != tc.taken {
				t.Errorf("VerifyTOTP disagrees with TOTPStep")
			}
		})
	}

	t.Run("replay", func(t *testing.T) {
		// What the caller does: keep the last step accepted and refuse a
		// code that matches no later one.
		var last int64 = -1
		use := func(code string, at time.Time) bool {
			s, ok := TOTPStep(secret, code, at)
			if !ok || s <= last {
				return false
			}
			last = s
			return true
		}
		code := codeAt(step)
		if !use(code, now) {
			t.Fatal("the first use was refused")
		}
		if use(code, now.Add(20*time.Second)) {
			t.Error("the same code was taken twice")
		}
		// An older code, still inside the window, is refused too.
		if use(codeAt(step-1), now) {
			t.Error("an earlier step was taken after a later one")
		}
		if !use(codeAt(step+1), now.Add(30*time.Second)) {
			t.Error("the next code was refused")
		}
	})
}

func TestTOTPInput(t *testing.T) {
	secret := b32().EncodeToString([]byte(rfcKey))
	now := time.Unix(59, 0) // code 287082
	for _, tc := range []struct {
		secret, code string
		ok           bool
	}{
		{secret, "287082", true},
		{secret, " 287 082 ", true},
		{strings.ToLower(secret), "287082", true},
		{secret, "28708", false},
		{secret, "2870820", false},
		{secret, "28708a", false},
		{secret, "+87082", false},
		{secret, "", false},
		{secret, "٢٨٧٠٨٢", false}, // Arabic-Indic digits
		{"", "287082", false},
		{"not base32!", "287082", false},
	} {
		if got := VerifyTOTP(tc.secret, tc.code, now); got != tc.ok {
			t.Errorf("VerifyTOTP(%q, %q) = %v; want %v", tc.secret, tc.code, got, tc.ok)
		}
	}
	// At the first step there is no step before it to try.
	if !VerifyTOTP(secret, hotp([]byte(rfcKey), 0, 6), time.Unix(10, 0)) {
		t.Error("step 0 refused")
	}
}

func TestNewTOTPSecret(t *testing.T) {
	secret, uri := NewTOTPSecret("alice+dsl@school.example")
	key, err := b32().DecodeString(secret)
	if err != nil || len(key) != 20 {
		t.Fatalf("secret %q is not 20 bytes of base32: %v", secret, err)
	}
	if strings.ToUpper(secret) != secret || strings.Contains(secret, "=") {
		t.Errorf("secret %q is not upper case without padding", secret)
	}
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/Lifeguard:alice+dsl@school.example" {
		t.Errorf("uri %q: scheme %q, host %q, path %q", uri, u.Scheme, u.Host, u.Path)
	}
	if q := u.Query(); q.Get("secret") != secret || q.Get("issuer") != "Lifeguard" {
		t.Errorf("uri %q has query %v", uri, q)
	}
	if !strings.HasPrefix(uri, "otpauth://totp/Lifeguard:alice+dsl@school.example?secret="+secret+"&issuer=Lifeguard") {
		t.Errorf("uri = %q", uri)
	}
	if other, _ := NewTOTPSecret("a@b.example"); other == secret {
		t.Error("two secrets are equal")
	}
}

func TestRecoveryCodes(t *testing.T) {
	plain, hashes := NewRecoveryCodes(10)
	if len(plain) != 10 || len(hashes) != 10 {
		t.Fatalf("%d codes and %d hashes; want 10 of each", len(plain), len(hashes))
	}
	format := regexp.MustCompile(`^[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}-[a-km-np-z2-9]{4}$`)
	seen := map[string]bool{}
	for i, c := range plain {
		if !format.MatchString(c) {
			t.Errorf("code %q is not like abcd-efgh-jkmn", c)
		}
		if seen[c] {
			t.Errorf("code %q twice", c)
		}
		seen[c] = true
		sum := sha256.Sum256([]byte(strings.ReplaceAll(c, "-", "")))
		if hashes[i] != hex.EncodeToString(sum[:]) {
			t.Errorf("hash %d is not SHA-256 hex of the code", i)
		}
	}

	t.Run("single use", func(t *testing.T) {
		stored := append([]string(nil), hashes...)
		i, ok := UseRecoveryCode(stored, plain[3])
		if !ok || i != 3 {
			t.Fatalf("UseRecoveryCode = %d, %v; want 3, true", i, ok)
		}
		// What the caller does: forget the used code.
		stored[i] = ""
		if i, ok := UseRecoveryCode(stored, plain[3]); ok {
			t.Errorf("a used code matched again, at %d", i)
		}
		if _, ok := UseRecoveryCode(stored, plain[4]); !ok {
			t.Error("another code stopped working")
		}
		// Removing it from the slice works too.
		stored = append(stored[:3], stored[4:]...)
		if _, ok := UseRecoveryCode(stored, plain[3]); ok {
			t.Error("a removed code matched")
		}
	})
	t.Run("as people type them", func(t *testing.T) {
		c := plain[0]
		for _, typed := range []string{strings.ToUpper(c), strings.ReplaceAll(c, "-", ""), strings.ReplaceAll(c, "-", " "), " " + c + " "} {
			if i, ok := UseRecoveryCode(hashes, typed); !ok || i != 0 {
				t.Errorf("UseRecoveryCode(%q) = %d, %v; want 0, true", typed, i, ok)
			}
		}
	})
	t.Run("wrong", func(t *testing.T) {
		for _, typed := range []string{"", "abcd-efgh-jkmn", plain[0][:13], plain[0] + "a", hashes[0]} {
			if i, ok := UseRecoveryCode(hashes, typed); ok || i != -1 {
				t.Errorf("UseRecoveryCode(%q) = %d, %v; want -1, false", typed, i, ok)
			}
		}
		if _, ok := UseRecoveryCode(nil, plain[0]); ok {
			t.Error("a code matched no hashes")
		}
	})
	if p, h := NewRecoveryCodes(0); len(p) != 0 || len(h) != 0 {
		t.Error("NewRecoveryCodes(0) made codes")
	}
	if p, h := NewRecoveryCodes(-1); len(p) != 0 || len(h) != 0 {
		t.Error("NewRecoveryCodes(-1) made codes")
	}
}
