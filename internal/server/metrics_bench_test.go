package server

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/metrics"
)

// okPages is the least a side can be: one route that answers 200.
type okPages struct{}

func (okPages) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /concerns/{id}", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
}
func (okPages) Handler(h http.Handler) http.Handler                         { return h }
func (okPages) RenderError(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(500) }

// BenchmarkMiddleware measures the whole middleware around a request that
// does nothing, without and with metrics: the difference is what counting
// costs each request (bench/README.md).
func BenchmarkMiddleware(b *testing.B) {
	for _, tc := range []struct {
		name string
		on   bool
	}{{"without-metrics", false}, {"with-metrics", true}} {
		b.Run(tc.name, func(b *testing.B) {
			var reg *metrics.Registry
			if tc.on {
				reg = metrics.NewRegistry()
			}
			s := New(Config{Logger: slog.New(slog.DiscardHandler), Pages: okPages{}, Metrics: reg})
			h := s.Handler()
			req := httptest.NewRequest("GET", "/concerns/42", nil)
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), req)
			}
		})
	}
}

// BenchmarkObserve measures counting one request alone, in parallel as
// requests are.
func BenchmarkObserve(b *testing.B) {
	m := newHTTPMetrics(metrics.NewRegistry())
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			m.observe("GET /concerns/{id}", 200, 1234567)
		}
	})
}
