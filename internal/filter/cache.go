package filter

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"
)

// cache keeps upstream replies in wire format, keyed by the lower-case name,
// the type and the client's DO and CD bits. It is split into shards so that
// readers on many cores rarely meet on one lock, and it is bounded in bytes:
// when a shard is full, expired entries go first, then entries nobody asked
// for since the last sweep (the CLOCK approximation of least recently used).
type cache struct {
	seed     maphash.Seed
	shards   [cacheShards]cacheShard
	maxBytes int // per shard
}

const (
	cacheShards = 64
	// entryOverhead approximates what an entry costs beyond its key and
	// message: the entry struct, its map slot and the slice headers.
	entryOverhead = 120
)

type cacheShard struct {
	mu    sync.RWMutex
	m     map[string]*entry
	bytes int
}

// entry is one cached reply. Everything but used is immutable once stored.
type entry struct {
	msg     []byte   // the reply without its OPT record, as the upstream sent it
	ttlOffs []uint16 // where its TTLs are
	ext     int      // the upper bits of an extended rcode, for the filter's own OPT
	stored  int64    // unix nanoseconds when stored
	expires int64    // unix nanoseconds
	used    atomic.Bool
}

func newCache(maxBytes int) *cache {
	c := &cache{seed: maphash.MakeSeed(), maxBytes: max(maxBytes/cacheShards, 1)}
	for i := range c.shards {
		c.shards[i].m = make(map[string]*entry)
	}
	return c
}

func (c *cache) shard(key []byte) *cacheShard {
	return &c.shards[maphash.Bytes(c.seed, key)%cacheShards]
}

// get returns the live entry for key, if any.
func (c *cache) get(key []byte, now time.Time) *entry {
	s := c.shard(key)
	s.mu.RLock()
	e := s.m[string(key)]
	s.mu.RUnlock()
	if e == nil || now.UnixNano() >= e.expires {
		return nil
	}
	if !e.used.Load() {
		e.used.Store(true)
	}
	return e
}

// put stores msg for key for ttl. msg must not be changed afterwards.
func (c *cache) put(key []byte, msg []byte, ttlOffs []uint16, ext int, ttl time.Duration, now time.Time) {
	if ttl <= 0 {
		return
	}
	size := len(key) + len(msg) + 2*len(ttlOffs) + entryOverhead
	if size > c.maxBytes {
		return
	}
	e := &entry{msg: msg, ttlOffs: ttlOffs, ext: ext, stored: now.UnixNano(), expires: now.Add(ttl).UnixNano()}
	s := c.shard(key)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.m[string(key)]; ok {
		s.bytes -= len(key) + len(old.msg) + 2*len(old.ttlOffs) + entryOverhead
		delete(s.m, string(key))
	}
	if s.bytes+size > c.maxBytes {
		s.evict(size, c.maxBytes, now.UnixNano())
	}
	s.m[string(key)] = e
	s.bytes += size
}

// evict frees room for size bytes. Map iteration starts at a random place,
// which spreads the sweep over the shard. The first pass drops expired and
// unused entries and marks the rest unused; the second drops whatever it
// meets, so the loop always ends.
func (s *cacheShard) evict(size, limit int, now int64) {
	for pass := 0; pass < 2 && s.bytes+size > limit; pass++ {
		for k, e := range s.m {
			if pass == 1 || now >= e.expires || !e.used.Swap(false) {
				s.bytes -= len(k) + len(e.msg) + 2*len(e.ttlOffs) + entryOverhead
				delete(s.m, k)
				if s.bytes+size <= limit {
					return
				}
			}
		}
	}
}

// len returns the number of entries, expired ones included.
func (c *cache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.m)
		s.mu.RUnlock()
	}
	return n
}
