package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// boomPages are the real pages with one more that panics, as a page with
// a bug would.
type boomPages struct{ *web.Web }

func (p boomPages) Routes(mux *http.ServeMux) {
	p.Web.Routes(mux)
	mux.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("a bug in a page") })
}

// missingFromPage returns what an answer lacks of a page a browser can
// show: a language, a title, a main landmark and a heading.
func missingFromPage(body string) []string {
	var missing []string
	for _, c := range []struct{ what, re string }{
		{"lang", `<html[^>]* lang="[a-z]{2}`},
		{"title", `<title>[^<]+</title>`},
		{"main", `<main[\s>]`},
		{"heading", `<h1[^>]*>[^<]+</h1>`},
	} {
		if !regexp.MustCompile(c.re).MatchString(body) {
			missing = append(missing, c.what)
		}
	}
	return missing
}

// TestErrorAnswersArePages walks the errors a browser can meet on the
// pages' side of the server and checks that each is an HTML page with a
// language, a title, a main landmark and a heading, never plain text or
// JSON.
func TestErrorAnswersArePages(t *testing.T) {
	wb := testPages(t)
	s := New(Config{Addr: "127.0.0.1:0", Pages: boomPages{wb}, Logger: slog.New(slog.DiscardHandler)})
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	tests := []struct {
		name         string
		method, path string
		header       map[string]string
		status       int
		want         string
	}{
		{"a page that does not exist", "GET", "/no/such/page", nil, 404, "Page not found"},
		{"a static file that does not exist", "GET", "/static/app.00000000.css", nil, 404, "Page not found"},
		{"a page asked with a method it does not take", "DELETE", "/signin", nil, 405, "This page cannot do that"},
		{"a form's address opened as a link", "GET", "/signout", nil, 405, "This page cannot do that"},
		{"a form posted from another site", "POST", "/signin", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "another site"},
		{"a form posted from another site by an old browser", "POST", "/signin", map[string]string{"Origin": "http://elsewhere.example"}, 403, "another site"},
		{"a page that panics", "GET", "/boom", nil, 500, "Something went wrong"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, ts.URL+tc.path, strings.NewReader("email=a%40b.example"))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			body := string(b)
			if res.StatusCode != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("status %d, want %d saying %q:\n%.600s", res.StatusCode, tc.status, tc.want, body)
			}
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type %q, want an HTML page", ct)
			}
			if missing := missingFromPage(body); len(missing) > 0 {
				t.Errorf("the answer is not a page: it has no %v:\n%.600s", missing, body)
			}
		})
	}
}
