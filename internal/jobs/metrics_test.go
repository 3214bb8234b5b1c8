package jobs_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/mail/smtptest"
	"github.com/lifeguard-scp/lifeguard/internal/metrics"
	"github.com/lifeguard-scp/lifeguard/internal/metrics/metricstest"
)

func scrape(t *testing.T, reg *metrics.Registry) string {
	t.Helper()
	var sb strings.Builder
	if err := reg.WriteText(&sb); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}

func wantValue(t *testing.T, text, name string, labels map[string]string, want float64) {
	t.Helper()
	if got, ok := metricstest.Value(metricstest.Parse(t, text), name, labels); !ok || got != want {
		t.Errorf("%s%v = %v (found: %v), want %v", name, labels, got, ok, want)
	}
}

// TestJobMetrics counts a job's runs by outcome: one slot that fails and is
// retried at the next tick, where it is done.
func TestJobMetrics(t *testing.T) {
	dbs := sqliteServers(t, 1)
	clk := newClock(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
	reg := metrics.NewRegistry()
	calls := 0
	job := minuteJob(func(context.Context, time.Time) error {
		calls++
		if calls == 1 {
			return errors.New("the first attempt fails")
		}
		return nil
	})
	s, err := jobs.New(jobs.Config{Store: dbs[0], Jobs: []jobs.Job{job}, Holder: "a", Now: clk.now,
		Metrics: jobs.NewMetrics(reg)})
	if err != nil {
		t.Fatal(err)
	}
	s.RunDue(t.Context())
	s.RunDue(t.Context())
	text := scrape(t, reg)
	wantValue(t, text, "lifeguard_job_runs_total", map[string]string{"job": "count", "outcome": "failed"}, 1)
	wantValue(t, text, "lifeguard_job_runs_total", map[string]string{"job": "count", "outcome": "done"}, 1)
	wantValue(t, text, "lifeguard_job_run_seconds", map[string]string{"job": "count"}, 2)
}

// TestDeliveryMetrics counts an alert's delivery attempts: refused while
// the SMTP server is down (to be retried), then delivered.
func TestDeliveryMetrics(t *testing.T) {
	w := newAlertWorld(t)
	if _, err := w.db.SetUserDisabled(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), w.deputy.ID, true); err != nil {
		t.Fatal(err)
	}
	srv := smtptest.New(t, smtptest.Options{})
	reg := metrics.NewRegistry()
	d := w.delivery(t, "a", mailer(t, srv))
	d.Metrics = jobs.NewMetrics(reg)
	w.report(t, lifeguard.Immediate)
	w.pass(t, d)
	srv.Start()
	w.clk.add(30 * time.Second)
	if n := w.pass(t, d); n != 1 {
		t.Fatalf("delivered %d", n)
	}
	text := scrape(t, reg)
	wantValue(t, text, "lifeguard_outbox_deliveries_total", map[string]string{"channel": "email", "outcome": "retry"}, 1)
	wantValue(t, text, "lifeguard_outbox_deliveries_total", map[string]string{"channel": "email", "outcome": "delivered"}, 1)
	noPersonalData(t, "the exposition", text)
}
