package storetest

import (
	"sync"
	"time"
)

// clockStart is where every test's clock starts: a Wednesday in term, at ten
// in the morning, so that a few hours either way stay on the same day.
var clockStart = time.Date(2026, 10, 14, 10, 0, 0, 0, time.UTC)

// clock is the one clock of a test: the store reads it (sqlstore.Config.Now)
// and so does the test, for the times it writes and the deadlines it sets.
// It stands still until the test moves it, so that "overdue", "expired" and
// "later" mean the same on every run and on every engine, however slowly
// the machine runs.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: clockStart} }

// Now is the time on the clock.
func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
