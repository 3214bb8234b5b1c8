package sqltest

import (
	"bytes"
	"sync"
)

// Logs collects the log lines of a store, server or command a test runs,
// safe for the handlers writing while the test reads: tests check that no
// personal text reached a log, or which route a request line names.
type Logs struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *Logs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// String is every line written so far.
func (l *Logs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
