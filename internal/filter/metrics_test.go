package filter

import (
	"strings"
	"testing"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/lifeguard-scp/lifeguard/internal/metrics"
	"github.com/lifeguard-scp/lifeguard/internal/metrics/metricstest"
)

// TestMetricsCountQueries sends the filter an allowed name twice (the
// second from its cache) and a blocked one, and reads the counts through
// the exposition Prometheus would scrape: no name asked for appears in it.
func TestMetricsCountQueries(t *testing.T) {
	h := newHarness(t, nil)
	reg := metrics.NewRegistry()
	h.f.RegisterMetrics(reg)
	for _, name := range []string{"allowed.test.", "allowed.test.", "bad.test."} {
		parseReply(t, udpFrom(t, "127.0.0.1", h.dns, buildQuery(t, 7, name, dnsmessage.TypeA, 1232)))
	}
	var sb strings.Builder
	if err := reg.WriteText(&sb); err != nil {
		t.Fatal(err)
	}
	fams := metricstest.Parse(t, sb.String())
	for name, want := range map[string]float64{
		"lifeguard_filter_queries_total":          3,
		"lifeguard_filter_blocked_total":          1,
		"lifeguard_filter_cache_hits_total":       1,
		"lifeguard_filter_upstream_queries_total": 1,
	} {
		if got, ok := metricstest.Value(fams, name, nil); !ok || got != want {
			t.Errorf("%s = %v (found: %v), want %v", name, got, ok, want)
		}
	}
	if strings.Contains(sb.String(), ".test") {
		t.Errorf("the exposition names a domain asked for:\n%s", sb.String())
	}
}
