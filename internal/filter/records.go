package filter

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// jsonLog is an append-only file of JSON lines, each with a "time" field,
// from which lines older than the retention period are removed. Callers on
// the DNS path hand records to a channel; one goroutine (run) writes,
// flushes every second and prunes every hour, so a slow disk or a prune
// never holds a query up. If the channel is ever full the record is
// counted as dropped, and run logs the count.
type jsonLog struct {
	path      string
	retention time.Duration
	now       func() time.Time
	ch        chan []byte
	dropped   atomic.Uint64

	mu sync.Mutex // guards f and w between run and sync
	f  *os.File
	w  *bufio.Writer
}

// jsonLogQueue is how many records may wait for the writer.
const jsonLogQueue = 1 << 16

func openJSONLog(path string, retention time.Duration, now func() time.Time) (*jsonLog, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	l := &jsonLog{path: path, retention: retention, now: now, ch: make(chan []byte, jsonLogQueue)}
	if err := l.prune(); err != nil {
		return nil, err
	}
	return l, nil
}

// append queues one record. It never blocks.
func (l *jsonLog) append(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		l.dropped.Add(1)
		return
	}
	select {
	case l.ch <- b:
	default:
		l.dropped.Add(1)
	}
}

// run writes queued records until ctx ends, then writes what is left and
// closes the file.
func (l *jsonLog) run(ctx context.Context, log *slog.Logger) {
	flush := time.NewTicker(time.Second)
	defer flush.Stop()
	prune := time.NewTicker(time.Hour)
	defer prune.Stop()
	var reported uint64
	for {
		select {
		case b := <-l.ch:
			l.write(b)
		case <-flush.C:
			l.sync(log)
			if d := l.dropped.Load(); d != reported {
				log.Warn("records dropped: the writer could not keep up", slog.String("file", l.path), slog.Uint64("dropped", d-reported))
				reported = d
			}
		case <-prune.C:
			l.drain()
			if err := l.prune(); err != nil {
				log.Error("pruning records", slog.String("file", l.path), slog.String("error", err.Error()))
			}
		case <-ctx.Done():
			l.drain()
			l.sync(log)
			l.mu.Lock()
			l.f.Close()
			l.mu.Unlock()
			return
		}
	}
}

func (l *jsonLog) write(b []byte) {
	l.mu.Lock()
	l.w.Write(b)
	l.w.WriteByte('\n')
	l.mu.Unlock()
}

// drain writes whatever is queued now.
func (l *jsonLog) drain() {
	for {
		select {
		case b := <-l.ch:
			l.write(b)
		default:
			return
		}
	}
}

func (l *jsonLog) sync(log *slog.Logger) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if err := l.w.Flush(); err != nil {
		log.Error("writing records", slog.String("file", l.path), slog.String("error", err.Error()))
	}
}

// prune rewrites the file without the lines older than the retention
// period (or unreadable), then reopens it for appending.
func (l *jsonLog) prune() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w != nil {
		if err := l.w.Flush(); err != nil {
			return err
		}
		l.f.Close()
	}
	cutoff := l.now().Add(-l.retention)
	in, err := os.Open(l.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return err
	default:
		tmp, err := os.CreateTemp(filepath.Dir(l.path), ".prune-*")
		if err != nil {
			in.Close()
			return err
		}
		w := bufio.NewWriter(tmp)
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		kept := 0
		for sc.Scan() {
			var rec struct {
				Time time.Time `json:"time"`
			}
			line := sc.Bytes()
			if json.Unmarshal(line, &rec) != nil || rec.Time.Before(cutoff) {
				continue
			}
			w.Write(line)
			w.WriteByte('\n')
			kept++
		}
		in.Close()
		err = errors.Join(sc.Err(), w.Flush(), tmp.Chmod(0o600), tmp.Close())
		if err == nil {
			err = os.Rename(tmp.Name(), l.path)
		}
		if err != nil {
			os.Remove(tmp.Name())
			return fmt.Errorf("pruning %s: %w", l.path, err)
		}
	}
	f, err := os.OpenFile(l.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	l.f, l.w = f, bufio.NewWriterSize(f, 64<<10)
	return nil
}

// queryRecord is one line of the query log.
type queryRecord struct {
	Time   time.Time `json:"time"`
	Client string    `json:"client"`
	Group  string    `json:"group"`
	Name   string    `json:"name"`
	Type   uint16    `json:"type"`
	Action string    `json:"action"`
}

// eventRecord is one line of the blocked attempts file.
type eventRecord struct {
	Time     time.Time `json:"time"`
	Client   string    `json:"client"`
	Group    string    `json:"group"`
	Name     string    `json:"name"`
	Category string    `json:"category"`
	Alert    bool      `json:"alert,omitempty"`
}

// reportRecord is one line of the reports file.
type reportRecord struct {
	Kind     string    `json:"kind"`
	Time     time.Time `json:"time"`
	Client   string    `json:"client"`
	Group    string    `json:"group"`
	Name     string    `json:"name"`
	Category string    `json:"category"`
	About    string    `json:"about,omitempty"`
	Text     string    `json:"text"`
}

// LocalRecords keeps a standalone filter's blocked attempts and reports in
// files, each with a retention period. It is the EventSink and Reporter of a
// filter that has no Lifeguard server.
type LocalRecords struct {
	events  *jsonLog
	reports *jsonLog
	log     *slog.Logger
}

// OpenLocalRecords opens (creating when needed) the files named in cfg,
// relative to baseDir, and prunes them.
func OpenLocalRecords(cfg RecordsConfig, baseDir string, now func() time.Time, log *slog.Logger) (*LocalRecords, error) {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	fb := &File{BaseDir: baseDir}
	ev, err := openJSONLog(fb.resolve(cfg.File), cfg.Retention, now)
	if err != nil {
		return nil, fmt.Errorf("opening records.file: %w", err)
	}
	rep, err := openJSONLog(fb.resolve(cfg.ReportsFile), cfg.Retention, now)
	if err != nil {
		return nil, fmt.Errorf("opening records.reports_file: %w", err)
	}
	return &LocalRecords{events: ev, reports: rep, log: log}, nil
}

// Event queues a blocked attempt for the records file.
func (r *LocalRecords) Event(e Event) {
	r.events.append(eventRecord{Time: e.Time.UTC(), Client: e.Client.String(), Group: e.Group, Name: e.Name, Category: e.Category, Alert: e.Alert})
}

// Report writes a review request or worry and flushes it to disk before it
// returns, so the child is never thanked for something that was lost.
func (r *LocalRecords) Report(_ context.Context, rep Report) error {
	b, err := json.Marshal(reportRecord{Kind: rep.Kind, Time: rep.Time.UTC(), Client: rep.Client.String(), Group: rep.Group, Name: rep.Name, Category: rep.Category, About: rep.About, Text: rep.Text})
	if err != nil {
		return err
	}
	l := r.reports
	l.mu.Lock()
	defer l.mu.Unlock()
	l.w.Write(b)
	l.w.WriteByte('\n')
	if err := l.w.Flush(); err != nil {
		return err
	}
	return l.f.Sync()
}

// Run writes queued records until ctx ends.
func (r *LocalRecords) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { r.events.run(ctx, r.log) })
	wg.Go(func() { r.reports.run(ctx, r.log) })
	wg.Wait()
}

// readJSONLines reads a records file, for tests and tools.
func readJSONLines[T any](path string) ([]T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []T
	for line := range bytes.Lines(data) {
		var v T
		if err := json.Unmarshal(line, &v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
