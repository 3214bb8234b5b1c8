package metrics_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/metrics"
	"github.com/lifeguard-scp/lifeguard/internal/metrics/metricstest"
)

func TestExpositionParses(t *testing.T) {
	r := metrics.NewRegistry()
	c := r.Counter("lg_requests_total", "Requests.\nBy route \\ status.", "route", "status")
	c.Inc("GET /concerns/{id}", "200")
	c.Inc("GET /concerns/{id}", "200")
	c.Add(5, `a "quoted" \ value`+"\nline", "500")
	h := r.Histogram("lg_duration_seconds", "Durations.", []float64{0.01, 0.1, 1}, "route")
	h.Observe(0.005, "GET /")
	h.Observe(0.05, "GET /")
	h.Observe(3, "GET /")
	g := r.Gauge("lg_queue", "Queue.")
	g.Set(7)
	r.Collect("lg_pool_open", "Open connections.", metrics.KindGauge, []string{"pool"}, func(emit metrics.Emit) {
		emit(3, "read")
		emit(1, "write")
	})
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type %q", ct)
	}
	fams := metricstest.Parse(t, rec.Body.String())
	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"lg_requests_total", map[string]string{"route": "GET /concerns/{id}", "status": "200"}, 2},
		{"lg_requests_total", map[string]string{"route": `a "quoted" \ value` + "\nline", "status": "500"}, 5},
		{"lg_duration_seconds", map[string]string{"route": "GET /"}, 3},
		{"lg_queue", nil, 7},
		{"lg_pool_open", map[string]string{"pool": "write"}, 1},
	} {
		got, ok := metricstest.Value(fams, tc.name, tc.labels)
		if !ok || got != tc.want {
			t.Errorf("%s%v = %v (found %v), want %v", tc.name, tc.labels, got, ok, tc.want)
		}
	}
	hist := fams["lg_duration_seconds"].GetMetric()[0].GetHistogram()
	if got := hist.GetSampleSum(); got < 3.054 || got > 3.056 {
		t.Errorf("sum %v, want 3.055", got)
	}
	wantCum := []uint64{1, 2, 2, 3} // the parser keeps +Inf as a bucket
	if len(hist.GetBucket()) != len(wantCum) {
		t.Fatalf("%d buckets, want %d", len(hist.GetBucket()), len(wantCum))
	}
	for i, b := range hist.GetBucket() {
		if b.GetCumulativeCount() != wantCum[i] {
			t.Errorf("bucket le=%v holds %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), wantCum[i])
		}
	}
}

func TestNilRegistryCountsNothing(t *testing.T) {
	var r *metrics.Registry
	r.Counter("x_total", "x", "a").Inc("b")
	r.Histogram("y", "y", []float64{1}).Observe(2)
	r.Gauge("z", "z").Set(1)
	r.Collect("w", "w", metrics.KindGauge, nil, func(metrics.Emit) { t.Error("collected from a nil registry") })
	var sb strings.Builder
	if err := r.WriteText(&sb); err != nil || sb.Len() != 0 {
		t.Errorf("nil registry wrote %q, %v", sb.String(), err)
	}
}

func TestBadNamesPanic(t *testing.T) {
	for _, tc := range []struct {
		name   string
		labels []string
	}{
		{"bad-name", nil},
		{"ok_total", []string{"le"}},
		{"ok_total", []string{"__x"}},
		{"ok_total", []string{"a", "b", "c", "d", "e"}},
	} {
		t.Run(tc.name+strings.Join(tc.labels, ","), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Error("registered without a panic")
				}
			}()
			metrics.NewRegistry().Counter(tc.name, "h", tc.labels...)
		})
	}
}

func TestWrongLabelCountPanics(t *testing.T) {
	c := metrics.NewRegistry().Counter("x_total", "x", "a")
	defer func() {
		if recover() == nil {
			t.Error("counted with two values for one label")
		}
	}()
	c.Inc("1", "2")
}
