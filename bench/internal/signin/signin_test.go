package signin

import (
	"testing"
	"time"
)

// TestTOTPMatchesRFC6238 checks the code against RFC 6238's SHA-1 test
// vectors (their last six digits): a wrong code would stop every bench run
// that enrols a second factor at sign-in.
func TestTOTPMatchesRFC6238(t *testing.T) {
	// Base32 of the RFC's ASCII key "12345678901234567890".
	const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
	for unix, want := range map[int64]string{59: "287082", 1111111109: "081804", 1234567890: "005924", 2000000000: "279037"} {
		if got := totp(secret, time.Unix(unix, 0)); got != want {
			t.Errorf("totp at %d = %s, want %s", unix, got, want)
		}
	}
}
