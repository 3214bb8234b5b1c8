package auth

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/lifeguard-scp/lifeguard"
)

// Params are the argon2id cost parameters of a password hash.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes, computed in parallel
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes of derived hash
}

// DefaultParams returns the parameters of new hashes: RFC 9106's second
// recommended option (64 MiB, 3 passes) with 2 lanes instead of 4, because
// the server has 2 cores and a third or fourth lane would only queue. One
// hash takes about 80 ms there and 64 MiB while it runs; the Service bounds
// how many run at once (Config.MaxHashing) so that a burst of sign-ins cannot
// exhaust memory. Raising any of these makes VerifyPassword report
// needsRehash, and SignIn rehashes on the next successful sign-in.
func DefaultParams() Params {
	return Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}
}

// Limits on what a stored hash may ask for. A hash outside them is refused
// rather than computed: the parameters come from the database, and a
// corrupted or planted row must not make one sign-in allocate gigabytes or
// spin for minutes.
const (
	maxMemory  = 256 * 1024 // KiB: four times the default
	maxTime    = 16
	maxThreads = 16
	minSalt    = 8 // RFC 9106 §3.1 allows 8; we write 16
	maxSalt    = 64
	minKey     = 16
	maxKey     = 64
)

// validate reports whether p can be computed and stays within the limits.
func (p Params) validate() error {
	switch {
	case p.Threads < 1 || p.Threads > maxThreads:
		return fmt.Errorf("argon2id parallelism %d is outside 1–%d", p.Threads, maxThreads)
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("argon2id time cost %d is outside 1–%d", p.Time, maxTime)
	// RFC 9106 requires at least 8 KiB per lane; the library would raise a
	// smaller value silently, and the hash would then not say what was done.
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("argon2id memory %d KiB is outside %d–%d", p.Memory, 8*uint32(p.Threads), maxMemory)
	case p.SaltLen < minSalt || p.SaltLen > maxSalt:
		return fmt.Errorf("argon2id salt of %d bytes is outside %d–%d", p.SaltLen, minSalt, maxSalt)
	case p.KeyLen < minKey || p.KeyLen > maxKey:
		return fmt.Errorf("argon2id hash of %d bytes is outside %d–%d", p.KeyLen, minKey, maxKey)
	}
	return nil
}

// ErrMalformedHash is wrapped by every error about a stored hash that cannot
// be read.
var ErrMalformedHash = errors.New("malformed password hash")

// b64 is the PHC string format's base64: standard alphabet, no padding.
// Strict, so that each hash has exactly one spelling. A function rather than
// a package variable so that nothing at package level can be changed.
func b64() *base64.Encoding { return base64.RawStdEncoding.Strict() }

// HashPassword hashes pw with DefaultParams and a fresh random salt, in the
// PHC string format: $argon2id$v=19$m=65536,t=3,p=2$<salt>$<hash>.
func HashPassword(pw string) (string, error) { return hashPassword(pw, DefaultParams()) }

func hashPassword(pw string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt) // never fails: crypto/rand crashes the program instead
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return encodeHash(p, salt, key), nil
}

func encodeHash(p Params, salt, key []byte) string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64().EncodeToString(salt), b64().EncodeToString(key))
}

// VerifyPassword reports whether pw matches the encoded hash, comparing in
// constant time, and whether the hash should be replaced because it was made
// with parameters other than DefaultParams (needsRehash is only ever true
// when ok is). A hash that cannot be read, or asks for more than the limits,
// is an error wrapping ErrMalformedHash, never a panic.
func VerifyPassword(encoded, pw string) (ok bool, needsRehash bool, err error) {
	return verifyPassword(encoded, pw, DefaultParams())
}

func verifyPassword(encoded, pw string, current Params) (ok, needsRehash bool, err error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return false, false, nil
	}
	return true, p != current, nil
}

// decodeHash parses a PHC string strictly: only argon2id version 19, the
// parameters in the order m, t, p with canonical decimal numbers, and strict
// base64. Strictness means a parsed hash re-encodes to the same string.
func decodeHash(s string) (p Params, salt, key []byte, err error) {
	bad := func(why string) (Params, []byte, []byte, error) {
		// The hash itself stays out of the message: it is a secret.
		return Params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformedHash, why)
	}
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" {
		return bad("not a PHC string with five fields")
	}
	if parts[1] != "argon2id" {
		return bad("not argon2id")
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return bad("not version 19")
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return bad("parameters are not m, t and p")
	}
	var vals [3]uint32
	for i, name := range []string{"m=", "t=", "p="} {
		v, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return bad("parameters are not m, t and p")
		}
		n, ok := parseCanonical(v)
		if !ok {
			return bad("a parameter is not a number")
		}
		vals[i] = n
	}
	if vals[2] > maxThreads {
		return bad("parallelism out of range")
	}
	// The decoder skips \r and \n even when strict, which would give a hash
	// more than one spelling.
	if strings.ContainsAny(parts[4], "\r\n") || strings.ContainsAny(parts[5], "\r\n") {
		return bad("line break in base64")
	}
	if salt, err = b64().DecodeString(parts[4]); err != nil {
		return bad("salt is not base64")
	}
	if key, err = b64().DecodeString(parts[5]); err != nil {
		return bad("hash is not base64")
	}
	p = Params{Memory: vals[0], Time: vals[1], Threads: uint8(vals[2]), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	if err := p.validate(); err != nil {
		return bad(err.Error())
	}
	return p, salt, key, nil
}

// parseCanonical parses a decimal uint32 written without sign, spaces or
// leading zeros.
func parseCanonical(s string) (uint32, bool) {
	if s == "" || len(s) > 10 || (s[0] == '0' && len(s) > 1) {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + uint64(s[i]-'0')
	}
	if n > 1<<32-1 {
		return 0, false
	}
	return uint32(n), true
}

// Password policy limits. The upper one is in bytes because that is what
// hashing costs and what the store keeps no copy of; 256 bytes is 256
// letters of plain text and fewer with accents or emoji.
const (
	minPasswordRunes = 12
	maxPasswordBytes = 256
)

// commonPasswords lists passwords that are long enough for the length rule
// but the first an attacker would try, one a line, lower case. It is short
// on purpose: the length rule and throttling do most of the work, this
// catches the obvious ones.
//
//go:embed common_passwords.txt
var commonPasswords string

// CheckPassword returns what is wrong with pw as a new password, or nothing.
// Every problem has the path "password".
func CheckPassword(pw string) []lifeguard.Problem {
	var problems []lifeguard.Problem
	add := func(msg string) {
		problems = append(problems, lifeguard.Problem{Path: "password", Problem: msg})
	}
	if !utf8.ValidString(pw) {
		add("must be valid text")
		return problems
	}
	if n := utf8.RuneCountInString(pw); n < minPasswordRunes {
		add(fmt.Sprintf("must be at least %d characters long", minPasswordRunes))
	}
	if len(pw) > maxPasswordBytes {
		add(fmt.Sprintf("must be at most %d bytes long (%d plain letters, fewer with accents or symbols)", maxPasswordBytes, maxPasswordBytes))
	}
	if pw != "" && sameRune(pw) {
		add("must not be one character repeated")
	}
	if isCommon(pw) {
		add("is one of the most common passwords; choose another")
	}
	return problems
}

func sameRune(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	for _, r := range s {
		if r != first {
			return false
		}
	}
	return true
}

func isCommon(pw string) bool {
	pw = strings.ToLower(pw)
	for line := range strings.Lines(commonPasswords) {
		if strings.TrimRight(line, "\r\n") == pw {
			return true
		}
	}
	return false
}
