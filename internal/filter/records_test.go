package filter

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

func TestLocalRecordsKeepAndPrune(t *testing.T) {
	dir := t.TempDir()
	clock := newTestClock(testStart)
	cfg := RecordsConfig{File: "blocked.jsonl", ReportsFile: "sub/reports.jsonl", Retention: 48 * time.Hour}
	open := func() (*LocalRecords, context.CancelFunc, chan struct{}) {
		r, err := OpenLocalRecords(cfg, dir, clock.Now, nil)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan struct{})
		go func() { r.Run(ctx); close(done) }()
		return r, cancel, done
	}
	r, cancel, done := open()
	client := netip.MustParseAddr("10.0.0.7")
	r.Event(Event{Time: clock.Now().Add(-72 * time.Hour), Client: client, Group: "secondary", Name: "old.test", Category: "gambling"})
	r.Event(Event{Time: clock.Now(), Client: client, Group: "secondary", Name: "new.test", Category: "self_harm", Alert: true})
	if err := r.Report(t.Context(), Report{Kind: "worry", Time: clock.Now(), Client: client, Name: "new.test", Text: "I saw a video"}); err != nil {
		t.Fatal(err)
	}
	// The report is on disk before Report returns.
	reps, err := readJSONLines[reportRecord](filepath.Join(dir, "sub/reports.jsonl"))
	if err != nil || len(reps) != 1 || reps[0].Text != "I saw a video" || reps[0].Kind != "worry" {
		t.Fatalf("reports %+v, %v", reps, err)
	}
	cancel()
	<-done
	events, err := readJSONLines[eventRecord](filepath.Join(dir, "blocked.jsonl"))
	if err != nil || len(events) != 2 {
		t.Fatalf("events %+v, %v", events, err)
	}
	if e := events[1]; e.Client != "10.0.0.7" || e.Group != "secondary" || e.Name != "new.test" || e.Category != "self_harm" || !e.Alert || !e.Time.Equal(testStart) {
		t.Errorf("event %+v", e)
	}
	if fi, err := os.Stat(filepath.Join(dir, "blocked.jsonl")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the records file is not private to its owner: %v %v", fi.Mode(), err)
	}
	// Opening again prunes what is past the retention period.
	_, cancel, done = open()
	cancel()
	<-done
	events, _ = readJSONLines[eventRecord](filepath.Join(dir, "blocked.jsonl"))
	if len(events) != 1 || events[0].Name != "new.test" {
		t.Errorf("after pruning: %+v, want only the attempt within 48h", events)
	}
}

func TestQueryLogOnlyWhenEnabled(t *testing.T) {
	dir := t.TempDir()
	h := newHarness(t, func(c *Config) {
		c.QueryLog.Enabled = true
		c.QueryLog.File = filepath.Join(dir, "queries.jsonl")
	})
	udpFrom(t, "127.0.0.2", h.dns, buildQuery(t, 1, "allowed.test.", dnsmessage.TypeA, 0))
	udpFrom(t, "127.0.0.2", h.dns, buildQuery(t, 2, "bad.test.", dnsmessage.TypeA, 0))
	udpFrom(t, "127.0.0.2", h.dns, buildQuery(t, 3, "www.search.test.", dnsmessage.TypeA, 0))
	// The writer flushes every second; wait for it.
	var recs []queryRecord
	for deadline := time.Now().Add(10 * time.Second); len(recs) < 2 && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var err error
		if recs, err = readJSONLines[queryRecord](filepath.Join(dir, "queries.jsonl")); err != nil {
			t.Fatal(err)
		}
	}
	if len(recs) != 2 || recs[0].Name != "allowed.test" || recs[0].Action != "allow" || recs[1].Action != "rewrite" || recs[0].Group != "primary" || recs[0].Client != "127.0.0.2" {
		t.Errorf("query log %+v: want the allowed and the rewritten query, not the blocked one", recs)
	}
}
