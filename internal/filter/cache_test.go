package filter

import (
	"fmt"
	"testing"
	"time"
)

func TestCacheStaysWithinItsSize(t *testing.T) {
	const limit = 256 << 10
	c := newCache(limit)
	now := testStart
	msg := make([]byte, 200)
	for i := range 20000 {
		key := fmt.Appendf(nil, "name-%d.test", i)
		c.put(key, msg, nil, 0, time.Hour, now)
	}
	total := 0
	for i := range c.shards {
		s := &c.shards[i]
		if s.bytes > c.maxBytes {
			t.Errorf("shard %d holds %d bytes, more than its %d", i, s.bytes, c.maxBytes)
		}
		total += s.bytes
	}
	if total > limit || c.len() == 0 || c.len() >= 20000 {
		t.Errorf("%d entries in %d bytes, want some, within %d", c.len(), total, limit)
	}
	// The most recent entry is there; one asked for survives a sweep better
	// than one never asked for.
	if c.get([]byte("name-19999.test"), now) == nil {
		t.Error("the newest entry was evicted at once")
	}
}

func TestCacheExpiryAndReplace(t *testing.T) {
	c := newCache(1 << 20)
	key := []byte("a.test")
	c.put(key, []byte("one"), nil, 0, 10*time.Second, testStart)
	if e := c.get(key, testStart.Add(9*time.Second)); e == nil || string(e.msg) != "one" {
		t.Fatal("a live entry was not found")
	}
	if c.get(key, testStart.Add(10*time.Second)) != nil {
		t.Error("an expired entry was served")
	}
	c.put(key, []byte("two"), nil, 0, 10*time.Second, testStart)
	if e := c.get(key, testStart); e == nil || string(e.msg) != "two" || c.len() != 1 {
		t.Error("a replaced entry was not replaced")
	}
	c.put([]byte("b.test"), []byte("x"), nil, 0, 0, testStart)
	if c.get([]byte("b.test"), testStart) != nil {
		t.Error("an entry with no TTL was kept")
	}
}
