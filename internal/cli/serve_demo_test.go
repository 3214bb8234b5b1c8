package cli

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDemoHistoryStopAndRestart starts serve --demo with the full demo,
// stops it (as Ctrl-C does) as soon as it listens, while the partnership's
// year is being added, and starts it again on the same data directory: the
// first stop is clean and leaves the year's progress kept, matching the
// concerns recorded; the second start carries on and finishes the year
// without seeding the stories again; a third adds nothing. The year is cut
// short in the kept progress so that the test is quick.
func TestDemoHistoryStopAndRestart(t *testing.T) {
	dir := t.TempDir()
	args := []string{"--demo", "--demo-password", "a demo passphrase", "--data", dir}

	// Stopped once the year's first concerns are kept, half way through.
	out := serveUntil(t, "Lifeguard is running at", func() bool {
		b, err := os.ReadFile(demoHistoryFile(dir))
		return err == nil && !strings.Contains(string(b), `"next":0,`)
	}, args...)
	if !strings.Contains(out, "being added in the background") {
		t.Errorf("serve --demo did not say the year is being added:\n%s", out)
	}
	h := readHistory(t, dir)
	if h.Next == 0 || h.Recorded != h.Next || h.Done {
		t.Fatalf("after a stop: history %+v", h)
	}
	// The stories' concerns, and those of the year the first server added:
	// if the progress kept were not the concerns recorded, the count after
	// the year is finished would not be stories + the year.
	stories := countConcerns(t, dir) - h.Next
	// Forty more concerns to go.
	h.PerYear = h.Next + 40
	b, _ := json.Marshal(h)
	if err := os.WriteFile(demoHistoryFile(dir), b, 0o600); err != nil {
		t.Fatal(err)
	}

	out = serveUntil(t, "Demo history added", nil, args...)
	if strings.Contains(out, "Demo partnership seeded") {
		t.Errorf("the second start seeded the demo again:\n%s", out)
	}
	if got := countConcerns(t, dir); got != stories+h.PerYear {
		t.Errorf("after the second start: %d concerns, want %d", got, stories+h.PerYear)
	}
	if _, err := os.Stat(demoHistoryFile(dir)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the finished history is still kept: %v", err)
	}

	out = serveUntil(t, "Lifeguard is running at", nil, args...)
	if strings.Contains(out, "being added") || strings.Contains(out, "Demo partnership seeded") {
		t.Errorf("the third start seeded again:\n%s", out)
	}
	if got := countConcerns(t, dir); got != stories+h.PerYear {
		t.Errorf("after the third start: %d concerns, want %d", got, stories+h.PerYear)
	}
}

// serveUntil runs serve until its output has a line containing want and
// then, when ready is not nil, until ready returns true; it then stops it as
// an interrupt does, and returns its output. It fails the test
// when serve does not stop cleanly.
func serveUntil(t *testing.T, want string, ready func() bool, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	pr, pw := io.Pipe()
	var logs lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run(ctx, append([]string{"serve", "--listen", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, &logs)
		pw.Close()
	}()
	var mu sync.Mutex
	var out strings.Builder
	seen := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			out.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), want) {
				once.Do(func() { close(seen) })
			}
		}
	}()
	select {
	case <-seen:
	case code := <-done:
		t.Fatalf("serve exited %d before %q", code, want)
	case <-time.After(5 * time.Minute):
		t.Fatalf("no %q within five minutes", want)
	}
	for deadline := time.Now().Add(5 * time.Minute); ready != nil && !ready(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("serve was not ready within five minutes")
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d:\n%s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop within 30 seconds of its context ending")
	}
	mu.Lock()
	defer mu.Unlock()
	return out.String()
}

func readHistory(t *testing.T, dir string) (h struct {
	Now      time.Time          `json:"now"`
	PerYear  int                `json:"per_year"`
	Next     int                `json:"next"`
	Recorded int                `json:"recorded"`
	Done     bool               `json:"done"`
	Children map[string][]int64 `json:"children"`
}) {
	t.Helper()
	b, err := os.ReadFile(demoHistoryFile(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func countConcerns(t *testing.T, dir string) int {
	t.Helper()
	conn, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "lifeguard.db")+"?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	if err := conn.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM concerns`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// lockedBuffer is serve's log, written by its goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
