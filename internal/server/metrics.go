package server

import (
	"strconv"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/metrics"
)

// httpMetrics counts requests by route pattern and status. The pattern is
// the ServeMux pattern that matched ("GET /concerns/{id}"), never the path:
// a path holds concern and child ids, and every distinct label value would
// be a series kept for ever.
type httpMetrics struct {
	requests *metrics.Counter
	duration *metrics.Histogram
	// status holds each code's label, made once, so that a request does
	// not format one.
	status [600]string
}

// requestBounds are the latency histogram's buckets in seconds: a page
// should take tens of milliseconds, and RequestTimeout ends anything past
// 15 s.
var requestBounds = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15}

func newHTTPMetrics(r *metrics.Registry) *httpMetrics {
	if r == nil {
		return nil
	}
	m := &httpMetrics{
		requests: r.Counter("lifeguard_http_requests_total",
			"HTTP requests answered, by the route pattern that matched (\"unmatched\" when none did) and status code.",
			"route", "status"),
		duration: r.Histogram("lifeguard_http_request_duration_seconds",
			"Time to answer an HTTP request, by route pattern and status code.", requestBounds, "route", "status"),
	}
	for i := range m.status {
		m.status[i] = strconv.Itoa(i)
	}
	return m
}

// observe counts one request. It is on every request's path, so it only
// looks up two series and adds to them.
func (m *httpMetrics) observe(pattern string, status int, took time.Duration) {
	if m == nil {
		return
	}
	if pattern == "" {
		pattern = "unmatched"
	}
	code := "other"
	if status >= 0 && status < len(m.status) {
		code = m.status[status]
	}
	m.requests.Inc(pattern, code)
	m.duration.Observe(took.Seconds(), pattern, code)
}
