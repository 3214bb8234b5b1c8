package jobs

import (
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/metrics"
)

// Metrics are the scheduled jobs' and the outbox delivery's figures for
// /metrics, labelled by job name, channel and outcome only: never a
// message's address, an id or an error's text.
type Metrics struct {
	runs       *metrics.Counter
	took       *metrics.Histogram
	deliveries *metrics.Counter
}

// NewMetrics registers the jobs' families in r; nil when r is nil, which
// counts nothing.
func NewMetrics(r *metrics.Registry) *Metrics {
	if r == nil {
		return nil
	}
	return &Metrics{
		runs: r.Counter("lifeguard_job_runs_total",
			"Runs of a scheduled job on this server, by job and outcome (done, failed, or lost: another server took its slot over).",
			"job", "outcome"),
		took: r.Histogram("lifeguard_job_run_seconds", "Time a scheduled job's run took on this server.",
			[]float64{0.01, 0.1, 1, 10, 60, 300, 1800}, "job"),
		deliveries: r.Counter("lifeguard_outbox_deliveries_total",
			"Attempts to deliver an alert from the outbox, by channel and outcome (delivered, retry: failed and to be tried again, given_up).",
			"channel", "outcome"),
	}
}

func (m *Metrics) run(job, outcome string, took time.Duration) {
	if m == nil {
		return
	}
	m.runs.Inc(job, outcome)
	m.took.Observe(took.Seconds(), job)
}

func (m *Metrics) delivery(channel, outcome string) {
	if m == nil {
		return
	}
	m.deliveries.Inc(channel, outcome)
}
