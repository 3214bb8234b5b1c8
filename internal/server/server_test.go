package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestEveryResponseCarriesSecurityHeaders(t *testing.T) {
	s := New(Config{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	for _, path := range []string{"/healthz", "/readyz", "/nowhere"} {
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		for h, want := range map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "DENY",
			"Referrer-Policy":        "same-origin",
			"Cache-Control":          "no-store",
		} {
			if got := res.Header.Get(h); got != want {
				t.Errorf("%s: %s = %q, want %q", path, h, got, want)
			}
		}
		if res.Header.Get("Content-Security-Policy") == "" || res.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no Content-Security-Policy or X-Request-Id", path)
		}
	}
}

func TestPanicsAnswer500AndTheServerGoesOn(t *testing.T) {
	s := New(Config{Addr: "127.0.0.1:0", Logger: slog.New(slog.DiscardHandler)})
	h := s.middleware(s.apiMount(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { panic("bug") })))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/me", nil))
	if rec.Code != http.StatusInternalServerError || rec.Header().Get("Content-Type") != "application/json" {
		t.Errorf("panic answered %d %q", rec.Code, rec.Header().Get("Content-Type"))
	}
}
