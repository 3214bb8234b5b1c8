package webhook_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/webhook"
)

func TestVerify(t *testing.T) {
	now := time.Unix(1760436131, 0)
	body := []byte(`{"event":"new_concern"}`)
	h := webhook.Sign("s3cret", now, body)
	for _, tc := range []struct {
		name   string
		header string
		body   []byte
		at     time.Time
		ok     bool
	}{
		{"genuine", h, body, now, true},
		{"four minutes late", h, body, now.Add(4 * time.Minute), true},
		{"six minutes late: a replay", h, body, now.Add(6 * time.Minute), false},
		{"from the future", h, body, now.Add(-6 * time.Minute), false},
		{"body changed", h, []byte(`{"event":"escalation"}`), now, false},
		{"other secret", webhook.Sign("other", now, body), body, now, false},
		{"no signature", "t=1760436131", body, now, false},
		{"no time", "v1=00", body, now, false},
		{"empty", "", body, now, false},
		{"a second, rotated signature", h + ",v1=" + strings.Repeat("0", 64), body, now, true},
	} {
		err := webhook.Verify("s3cret", tc.header, tc.body, tc.at)
		if (err == nil) != tc.ok {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestPostErrors: a refusal, a redirect and an unreachable address are
// errors that do not repeat the URL, which may hold a token.
func TestPostErrors(t *testing.T) {
	c := webhook.NewCaller(5*time.Second, time.Now)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		http.Error(w, "no", http.StatusInternalServerError)
	}))
	defer srv.Close()
	for _, url := range []string{srv.URL + "/hook?token=abc", srv.URL + "/moved?token=abc", "http://127.0.0.1:1/hook?token=abc"} {
		err := c.Post(t.Context(), url, "s", "lifeguard-outbox-1", []byte(`{}`))
		if err == nil || strings.Contains(err.Error(), "token=abc") {
			t.Errorf("%s: %v", url, err)
		}
	}
}
