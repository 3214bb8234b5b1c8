package server

import (
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/api"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// lastRoute is the route of the last request line in logs.
func lastRoute(t *testing.T, logs *sqltest.Logs) string {
	t.Helper()
	route, found := "", false
	for line := range strings.SplitSeq(strings.TrimSpace(logs.String()), "\n") {
		var rec struct{ Msg, Route string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec.Msg == "request" {
			route, found = rec.Route, true
		}
	}
	if !found {
		t.Fatal("no request was logged")
	}
	return route
}

// TestAPIAndPagesSideBySide checks that the API and the pages each answer
// with their own middleware: the API in JSON behind bearer tokens, blind
// to the session cookie; the pages in HTML behind their sessions and
// cross-origin protection, blind to a bearer token. Each request's log line
// names the route that matched on its side, a panicking page's too, or the
// side's mount when the request was answered before its routes.
func TestAPIAndPagesSideBySide(t *testing.T) {
	db := testDB(t)
	logs := &sqltest.Logs{}
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	svc := auth.New(db, auth.Config{})
	s := New(Config{Addr: "127.0.0.1:0", Logger: logger, Auth: svc, Pages: boomPages{PagesOver(t, db, svc, nil)},
		API: &api.API{Concerns: db, Children: db, Orgs: db, Filter: db, Logger: logger}})
	tests := []struct {
		name         string
		method, path string
		header       map[string]string
		status       int
		contentType  string
		route        string
		clearsCookie bool
	}{
		{"an API call without a token", "GET", "/api/v1/me", nil, 401, "application/json", "GET /api/v1/me", false},
		{"an API call with a credential that is not a bearer token", "GET", "/api/v1/me",
			map[string]string{"Authorization": "Basic eDp5"}, 401, "application/json", "/api/", false},
		{"an API call with an ended session's cookie", "GET", "/api/v1/me",
			map[string]string{"Cookie": "lifeguard_session=ended"}, 401, "application/json", "GET /api/v1/me", false},
		{"an address under /api/ that is no endpoint", "GET", "/api/nowhere", nil, 404, "application/json", "/api/", false},
		{"an endpoint asked with a method it does not take", "DELETE", "/api/v1/me", nil, 404, "application/json", "/api/", false},
		{"a page", "GET", "/signin", nil, 200, "text/html; charset=utf-8", "GET /signin", false},
		{"a page asked with a bearer token", "GET", "/signin",
			map[string]string{"Authorization": "Bearer not-a-token"}, 200, "text/html; charset=utf-8", "GET /signin", false},
		{"a page with an ended session's cookie", "GET", "/signin",
			map[string]string{"Cookie": "lifeguard_session=ended"}, 200, "text/html; charset=utf-8", "GET /signin", true},
		{"a page that does not exist", "GET", "/nowhere", nil, 404, "text/html; charset=utf-8", "/", false},
		{"a form posted from another site", "POST", "/signin",
			map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "text/html; charset=utf-8", "/", false},
		{"a page that panics", "GET", "/boom", nil, 500, "text/html; charset=utf-8", "GET /boom", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequestWithContext(t.Context(), tc.method, "/"+strings.TrimPrefix(tc.path, "/"), nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.status || rec.Header().Get("Content-Type") != tc.contentType {
				t.Errorf("%d %q, want %d %q\n%.300s", rec.Code, rec.Header().Get("Content-Type"), tc.status, tc.contentType,
					rec.Body.String())
			}
			if route := lastRoute(t, logs); route != tc.route {
				t.Errorf("logged route %q, want %q", route, tc.route)
			}
			cleared := strings.Contains(rec.Header().Get("Set-Cookie"), "lifeguard_session=;")
			if cleared != tc.clearsCookie {
				t.Errorf("session cookie cleared: %v, want %v (Set-Cookie %q)", cleared, tc.clearsCookie,
					rec.Header().Get("Set-Cookie"))
			}
		})
	}
}
