package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
)

// Tokens are 32 random bytes: 256 bits, so guessing one is hopeless and a
// stolen database of their SHA-256 hashes gives nothing back.
//
// The store keeps only SHA-256 of the token string and finds a token by an
// exact match of that hash (an index lookup). A lookup by hash needs no
// constant-time comparison: the attacker chooses the token, not its hash, so
// timing the index can at best tell them which hash prefixes exist, and a
// hash prefix of a real token does not help find a token whose whole hash
// matches — that would take a preimage of SHA-256. A slow hash (argon2) is
// not needed either: it protects guessable secrets, and these are not.
const tokenBytes = 32

// Session tokens travel in a cookie, so they use base64url (43 characters),
// which needs no quoting in a cookie value.
func b64url() *base64.Encoding { return base64.RawURLEncoding.Strict() }

// newSessionToken returns a new session token and the hash the store keeps.
func newSessionToken() (plain string, hash []byte) {
	b := make([]byte, tokenBytes)
	rand.Read(b)
	plain = b64url().EncodeToString(b)
	return plain, hashToken(plain)
}

func validSessionToken(s string) bool {
	if len(s) != b64url().EncodedLen(tokenBytes) {
		return false
	}
	b, err := b64url().DecodeString(s)
	return err == nil && len(b) == tokenBytes
}

// hashToken is what the store keeps of a token: SHA-256 of the whole string
// as the user presents it.
func hashToken(plain string) []byte {
	h := sha256.Sum256([]byte(plain))
	return h[:]
}
