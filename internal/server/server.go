// Package server runs Lifeguard's HTTP server: it mounts the API under /api/
// and the web pages under / side by side, each with its own middleware,
// wraps both in what every response needs, and shuts down gracefully.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/api"
	"github.com/lifeguard-scp/lifeguard/internal/metrics"
)

// Authenticator turns a bearer token into a user; the auth package
// implements it.
type Authenticator interface {
	Token(ctx context.Context, plain string) (*lifeguard.APIToken, *lifeguard.User, error)
	Actor(u *lifeguard.User, via string) *lifeguard.Actor
}

// Readiness reports whether the database is reachable and migrated, for a
// load balancer's /readyz.
type Readiness interface {
	Ready(ctx context.Context) error
}

// Pages are the web pages: their routes, the handler that wraps their mux
// with their sessions and form protection, and their error page, which
// answers a page's panic in HTML (the API answers JSON).
type Pages interface {
	Routes(mux *http.ServeMux)
	Handler(mux http.Handler) http.Handler
	RenderError(w http.ResponseWriter, r *http.Request, err error)
}

// Config is what the server needs, loaded once by the command and passed
// down.
type Config struct {
	Addr   string
	API    *api.API
	Pages  Pages
	Auth   Authenticator
	Ready  Readiness
	Logger *slog.Logger
	// RequestTimeout bounds each request's work, so a stuck database call
	// answers 503 rather than hanging.
	RequestTimeout time.Duration
	// Metrics receives the request counts and latencies; nil counts
	// nothing.
	Metrics *metrics.Registry
}

// Server is Lifeguard's HTTP server.
type Server struct {
	cfg     Config
	http    *http.Server
	ln      net.Listener
	metrics *httpMetrics
}

// New builds the server and its routes. The API and the pages each get a
// mux of their own, mounted side by side: /api/ goes to the API behind
// bearer-token authentication and JSON errors, everything else to the
// pages behind their sessions, cross-origin protection and HTML errors, so
// neither side's middleware has to recognise the other's requests.
func New(cfg Config) *Server {
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 15 * time.Second
	}
	s := &Server{cfg: cfg, metrics: newHTTPMetrics(cfg.Metrics)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", s.readyz)
	if cfg.API != nil {
		routes := http.NewServeMux()
		cfg.API.Routes(routes)
		mux.Handle("/api/", s.apiMount(noteRoute(routes)))
	}
	if cfg.Pages != nil {
		routes := http.NewServeMux()
		cfg.Pages.Routes(routes)
		mux.Handle("/", s.pagesMount(noteRoute(routes)))
	}
	s.http = &http.Server{
		Handler:           s.middleware(noteRoute(mux)),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      cfg.RequestTimeout + 15*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return s
}

// Handler returns the whole handler, for tests that serve it themselves.
func (s *Server) Handler() http.Handler { return s.http.Handler }

// Listen binds the address; Addr then reports the real port when ":0" was
// asked for.
func (s *Server) Listen() error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	s.ln = ln
	return nil
}

// Addr is the address the server listens on.
func (s *Server) Addr() string {
	if s.ln == nil {
		return s.cfg.Addr
	}
	return s.ln.Addr().String()
}

// Serve serves until ctx is done, then stops accepting, lets requests in
// flight finish (up to 20 seconds) and returns.
func (s *Server) Serve(ctx context.Context) error {
	if s.ln == nil {
		if err := s.Listen(); err != nil {
			return err
		}
	}
	errc := make(chan error, 1)
	go func() { errc <- s.http.Serve(s.ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.http.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if s.cfg.Ready != nil {
		if err := s.cfg.Ready.Ready(r.Context()); err != nil {
			s.cfg.Logger.WarnContext(r.Context(), "not ready", slog.String("error", err.Error()))
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "not ready")
			return
		}
	}
	fmt.Fprintln(w, "ready")
}
