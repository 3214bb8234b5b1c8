package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/api"
)

type (
	requestIDKey struct{}
	patternKey   struct{}
)

// RequestID returns the request's id, which every log line of the request
// carries.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// middleware wraps every response, outermost first: an id and a log line for
// each request, security headers and a time limit. What only the API or
// only the pages need is mounted with each (New).
func (s *Server) middleware(next http.Handler) http.Handler {
	h := s.timeout(next)
	h = secureHeaders(h)
	return s.logRequests(h)
}

// statusWriter remembers the status for the log line.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs one line per request. It logs the route pattern, never
// the path or query (which can hold a child's reference), and the user's id
// and role, never their email.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := newRequestID()
		w.Header().Set("X-Request-Id", id)
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		pattern := new(string)
		ctx = context.WithValue(ctx, patternKey{}, pattern)
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(ctx))
		took := time.Since(start)
		s.metrics.observe(*pattern, sw.status, took)
		attrs := []slog.Attr{
			slog.String("request_id", id),
			slog.String("method", r.Method),
			slog.String("route", *pattern),
			slog.Int("status", sw.status),
			slog.Int("bytes", sw.bytes),
			slog.Duration("duration", took),
		}
		s.cfg.Logger.LogAttrs(ctx, slog.LevelInfo, "request", attrs...)
	})
}

func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// apiMount is what the API alone needs around its routes: a panic answered
// in JSON, and the user of a bearer token.
func (s *Server) apiMount(routes http.Handler) http.Handler {
	return s.recoverPanics(s.renderAPIError, s.authenticate(routes))
}

// pagesMount is what the pages alone need around their routes: a panic
// answered with an error page, and the pages' own handler (sessions and
// cross-origin protection of forms).
func (s *Server) pagesMount(routes http.Handler) http.Handler {
	return s.recoverPanics(s.cfg.Pages.RenderError, s.cfg.Pages.Handler(routes))
}

// noteRoute serves a mux and tells logRequests which of its routes
// matched. The mux sets Pattern on the request it is given, which is the
// one noteRoute holds (the middleware outside works on copies); the note is
// deferred so that the line of a request that panics names its route too.
// The outer mux is noted too (/healthz, /readyz, or the mount when a
// side's own mux matched nothing), but it does not replace the pattern a
// side's mux, which returns first, has noted.
func noteRoute(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p, ok := r.Context().Value(patternKey{}).(*string); ok && *p == "" {
				*p = r.Pattern
			}
		}()
		mux.ServeHTTP(w, r)
	})
}

// route is the route noted for the request so far.
func route(ctx context.Context) string {
	if p, ok := ctx.Value(patternKey{}).(*string); ok {
		return *p
	}
	return ""
}

// recoverPanics turns a panic into a logged 500 so that one bad request
// cannot take the server down for everyone else, answered by render: an
// error page for a page, JSON for the API.
func (s *Server) recoverPanics(render func(http.ResponseWriter, *http.Request, error), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.ErrorContext(r.Context(), "panic", slog.String("request_id", RequestID(r.Context())),
					slog.String("panic", fmt.Sprint(v)), slog.String("stack", string(debug.Stack())))
				render(w, r, fmt.Errorf("panic serving %s", route(r.Context())))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// renderAPIError answers err in the API's JSON shape.
func (s *Server) renderAPIError(w http.ResponseWriter, r *http.Request, err error) {
	api.RenderError(w, s.cfg.Logger, r, err)
}

// secureHeaders sets the headers every response carries. The API serves
// only JSON, so its policy allows nothing to load.
//
// Referrer-Policy is same-origin: no address of Lifeguard's leaves for
// another site, but the browser names Lifeguard's own origin in its own
// form posts. With no-referrer it sends "Origin: null" instead, and where
// it sends no Sec-Fetch-Site (plain HTTP to a name other than localhost)
// http.CrossOriginProtection must then refuse Lifeguard's own forms.
func secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
		h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
		h.Set("Cache-Control", "no-store")
		// Nothing of Lifeguard belongs in a search engine; the public help
		// page alone removes this (internal/web/help.go).
		h.Set("X-Robots-Tag", "noindex, nofollow")
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// timeout bounds the work of one request through its context; the stores
// turn a cancelled database call into EUNAVAILABLE, a 503.
func (s *Server) timeout(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.RequestTimeout)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// authenticate puts the acting user in the context of API calls that carry
// a bearer token; it is mounted with the API alone. A call without one
// reaches the handler with no actor and the stores answer 401; a bad token
// answers 401 here.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.cfg.Auth == nil {
			next.ServeHTTP(w, r)
			return
		}
		authz := r.Header.Get("Authorization")
		if authz == "" {
			next.ServeHTTP(w, r)
			return
		}
		plain, ok := strings.CutPrefix(authz, "Bearer ")
		if !ok || plain == "" {
			s.renderAPIError(w, r, lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "Send the API token as Authorization: Bearer <token>."))
			return
		}
		_, u, err := s.cfg.Auth.Token(r.Context(), plain)
		if err != nil {
			s.renderAPIError(w, r, err)
			return
		}
		ctx := lifeguard.WithActor(r.Context(), s.cfg.Auth.Actor(u, "token"))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
