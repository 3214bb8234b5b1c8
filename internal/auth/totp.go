package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
)

// TOTP as RFC 6238 defines it, with the parameters every authenticator app
// supports: HMAC-SHA-1, 6 digits, a 30-second step.
const (
	totpDigits = 6
	totpStep   = 30 // seconds
	// totpSkew is how many steps either side of now are accepted: a phone
	// clock a little off, or a code typed just as it changed.
	totpSkew = 1
	// 20 bytes is RFC 4226's recommended secret length, the size of SHA-1's
	// output.
	totpSecretBytes = 20
	totpIssuer      = "Lifeguard"
)

// NewTOTPSecret returns a new TOTP secret in base32 (upper case, no padding,
// as authenticator apps expect) and its otpauth:// URI for a QR code, labelled
// with the user's email address. The URI holds the secret: show it to the
// user once and never log it.
func NewTOTPSecret(email string) (secret, uri string) {
	b := make([]byte, totpSecretBytes)
	rand.Read(b)
	secret = b32().EncodeToString(b)
	// Key URI format: the label is "issuer:account", path-escaped, and the
	// issuer is repeated as a parameter for apps that read only that.
	uri = "otpauth://totp/" + url.PathEscape(totpIssuer+":"+email) +
		"?secret=" + secret + "&issuer=" + url.QueryEscape(totpIssuer)
	return secret, uri
}

// VerifyTOTP reports whether code is the TOTP of secret at now, or one step
// either side.
//
// VerifyTOTP alone does not stop a replay: a code stays good for up to 90
// seconds. Where that matters, use TOTPStep and refuse a step no later than
// the last one accepted for the user (RFC 6238 §5.2).
func VerifyTOTP(secret, code string, now time.Time) bool {
	_, ok := TOTPStep(secret, code, now)
	return ok
}

// TOTPStep is VerifyTOTP that also returns the time step the code matched,
// for the caller to store and compare: a code whose step is not after the
// last accepted one is a replay. Six digits are a million codes and three
// are good at any time, so the caller must also throttle failed codes, as
// SignIn does passwords.
func TOTPStep(secret, code string, now time.Time) (step int64, ok bool) {
	key, err := b32().DecodeString(strings.ToUpper(strings.TrimSpace(secret)))
	if err != nil || len(key) == 0 {
		return 0, false
	}
	// People type codes as they see them, sometimes "123 456".
	code = strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	if len(code) != totpDigits || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	now0 := now.Unix() / totpStep
	// Every candidate is compared, in constant time, so the time taken does
	// not say which step matched or how close a guess came.
	match := int64(-1)
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		c := now0 + d
		if c < 0 {
			continue
		}
		want := hotp(key, uint64(c), totpDigits)
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && match < 0 {
			match = c
		}
	}
	if match < 0 {
		return 0, false
	}
	return match, true
}

// hotp is RFC 4226's HOTP with HMAC-SHA-1: dynamic truncation of the HMAC of
// the counter, reduced to digits decimal digits. The digit count is a
// parameter so that RFC 6238's 8-digit test vectors can be checked.
func hotp(key []byte, counter uint64, digits int) string {
	m := hmac.New(sha1.New, key)
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	m.Write(msg[:])
	sum := m.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	s := make([]byte, digits)
	v := bin % mod
	for i := digits - 1; i >= 0; i-- {
		s[i] = byte('0' + v%10)
		v /= 10
	}
	return string(s)
}

// Recovery codes let a user in when their phone is lost. Each is 12
// characters in three groups ("abcd-efgh-ijkl") from an alphabet of 32 lower
// case letters and digits without 0, 1, l and o, which are easy to misread:
// 60 random bits. That is enough to store them as plain SHA-256 rather than
// argon2id: they are random, not chosen by a person, so there is no short
// list of likely ones to try against a stolen hash.
const (
	recoveryAlphabet = "abcdefghijkmnpqrstuvwxyz23456789"
	recoveryLen      = 12
	recoveryGroup    = 4
)

// NewRecoveryCodes returns n new recovery codes to show the user once, and
// their hashes (SHA-256 in hex) to store.
func NewRecoveryCodes(n int) (plain, hashes []string) {
	plain = make([]string, 0, max(n, 0))
	hashes = make([]string, 0, max(n, 0))
	raw := make([]byte, recoveryLen)
	for range n {
		rand.Read(raw)
		var b strings.Builder
		for i, r := range raw {
			if i > 0 && i%recoveryGroup == 0 {
				b.WriteByte('-')
			}
			// 32 divides 256, so masking keeps every character equally likely.
			b.WriteByte(recoveryAlphabet[r&31])
		}
		code := b.String()
		plain = append(plain, code)
		hashes = append(hashes, hashRecoveryCode(code))
	}
	return plain, hashes
}

// normalizeRecoveryCode forgives what people do when typing a code: capitals,
// spaces, and missing or extra dashes.
func normalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t':
			return -1
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, code)
}

func hashRecoveryCode(code string) string {
	h := sha256.Sum256([]byte(normalizeRecoveryCode(code)))
	return hex.EncodeToString(h[:])
}

// UseRecoveryCode reports which of the stored hashes code matches. The caller
// makes the code single-use by removing hashes[index] from the store before
// letting the user in; empty entries, for codes already used, never match.
func UseRecoveryCode(hashes []string, code string) (index int, ok bool) {
	if len(normalizeRecoveryCode(code)) != recoveryLen {
		return -1, false
	}
	got := hashRecoveryCode(code)
	index = -1
	// Compared in constant time against every entry so that timing does not
	// tell how much of a hash matched.
	for i, h := range hashes {
		if h != "" && subtle.ConstantTimeCompare([]byte(h), []byte(got)) == 1 && index < 0 {
			index = i
		}
	}
	return index, index >= 0
}
