package server

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

// TestSearchEnginesKeptOut checks robots.txt, the noindex header on every
// answer but the public help page, and the favicon browsers ask for.
func TestSearchEnginesKeptOut(t *testing.T) {
	wb := testPages(t)
	s := New(Config{Addr: "127.0.0.1:0", Pages: wb, Logger: slog.New(slog.DiscardHandler)})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		return res, string(b)
	}

	t.Run("robots.txt disallows everything", func(t *testing.T) {
		res, body := get("/robots.txt")
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("robots.txt: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		if !regexp.MustCompile(`(?m)^User-agent: \*\nDisallow: /$`).MatchString(body) {
			t.Errorf("robots.txt does not disallow everything:\n%s", body)
		}
	})

	t.Run("the favicon is an icon, and the layout links it", func(t *testing.T) {
		res, body := get("/favicon.ico")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/x-icon" || !bytes.HasPrefix([]byte(body), []byte{0, 0, 1, 0}) {
			t.Fatalf("/favicon.ico: %d %s, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(body))
		}
		_, page := get("/signin")
		m := regexp.MustCompile(`<link rel="icon" href="(/static/favicon\.[0-9a-f]+\.ico)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatal("the layout links no icon")
		}
		if res, linked := get(m[1]); res.StatusCode != 200 || linked != body {
			t.Errorf("the linked icon %s: %d", m[1], res.StatusCode)
		}
	})

	t.Run("noindex everywhere but the help page", func(t *testing.T) {
		for _, path := range []string{"/", "/signin", "/no/such/page", "/robots.txt", "/favicon.ico", "/healthz", "/readyz", "/api/v1/me", "/inbox"} {
			if res, _ := get(path); !strings.Contains(res.Header.Get("X-Robots-Tag"), "noindex") {
				t.Errorf("%s: X-Robots-Tag %q, want noindex", path, res.Header.Get("X-Robots-Tag"))
			}
		}
		res, body := get("/help")
		if res.StatusCode != 200 || !strings.Contains(body, "Childline") {
			t.Fatalf("the help page: %d", res.StatusCode)
		}
		if v := res.Header.Values("X-Robots-Tag"); len(v) > 0 {
			t.Errorf("the public help page says X-Robots-Tag %q: search engines should be let list it", v)
		}
	})
}
