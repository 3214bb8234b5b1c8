package filter

import (
	"sync/atomic"

	"github.com/lifeguard-scp/lifeguard/internal/metrics"
)

// RegisterMetrics registers the filter's counters (Stats) in r, read at each
// scrape. No label names a client, a domain or a child: the figures are
// totals since the filter started.
func (f *Filter) RegisterMetrics(r *metrics.Registry) {
	counter := func(name, help string, c *atomic.Uint64) {
		r.Collect(name, help, metrics.KindCounter, nil, func(emit metrics.Emit) { emit(float64(c.Load())) })
	}
	st := &f.stats
	counter("lifeguard_filter_queries_total", "DNS queries answered by the filter.", &st.Queries)
	counter("lifeguard_filter_blocked_total", "DNS queries blocked by the policy.", &st.Blocked)
	counter("lifeguard_filter_cache_hits_total", "DNS queries answered from the filter's cache.", &st.CacheHits)
	counter("lifeguard_filter_upstream_queries_total", "DNS queries sent to an upstream resolver.", &st.Upstream)
	counter("lifeguard_filter_upstream_failures_total", "SERVFAIL answers because no upstream resolver answered.", &st.Failures)
	counter("lifeguard_filter_malformed_total", "Queries refused as malformed before the policy.", &st.Malformed)
	counter("lifeguard_filter_shed_total", "SERVFAIL answers because too many queries were waiting.", &st.Shed)
}
