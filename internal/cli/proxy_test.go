package cli

import (
	"net/http"
	neturl "net/url"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrustProxyThrottlesEachClient runs serve behind a pretend reverse
// proxy (every request from 127.0.0.1, the client's address in
// X-Forwarded-For). Someone guessing a user's password from one client is
// throttled; with --trust-proxy the user, from another client, still signs
// in, and without it the guesser's failures, counted against the proxy's
// address, shut the user out too, whatever X-Forwarded-For says.
func TestTrustProxyThrottlesEachClient(t *testing.T) {
	for _, tc := range []struct {
		name        string
		flags       []string
		ownerSignIn bool
	}{
		{"trusted", []string{"--trust-proxy"}, true},
		{"not trusted", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			for _, args := range [][]string{
				{"org", "add", "--data", dir, "--name", "Hillside School", "--setting", "school", "--partnership", "Hillside SCP"},
				{"user", "add", "--data", dir, "--email", "staff@hillside.example", "--name", "Sam Staff", "--role", "staff", "--org", "1"},
			} {
				if code, _, stderr := run(t, "a staff passphrase\n", args...); code != 0 {
					t.Fatalf("%v: %s", args, stderr)
				}
			}
			s := serveAt(t, "127.0.0.1:0", append([]string{"--data", dir}, tc.flags...)...)
			client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			signIn := func(from, password string) (int, string) {
				req, _ := http.NewRequestWithContext(t.Context(), "POST", s.url+"/signin",
					strings.NewReader(neturl.Values{"email": {"staff@hillside.example"}, "password": {password}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", from)
				res, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer res.Body.Close()
				return res.StatusCode, res.Header.Get("Location")
			}
			for range 6 {
				if code, _ := signIn("203.0.113.7", "not the passphrase"); code != http.StatusUnauthorized {
					t.Fatalf("a wrong password: %d", code)
				}
			}
			code, loc := signIn("198.51.100.9", "a staff passphrase")
			if signedIn := code == http.StatusSeeOther && !strings.HasPrefix(loc, "/signin"); signedIn != tc.ownerSignIn {
				t.Errorf("the owner from another client: %d to %q, signed in %v, want %v", code, loc, signedIn, tc.ownerSignIn)
			}
		})
	}
}
