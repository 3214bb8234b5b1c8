package lists

import (
	"errors"
	"hash/maphash"
	"io"
	"math/bits"
	"strings"
)

// A Matcher maps names to bit masks (the categories or lists a name is in),
// and a listed name covers all its subdomains: Match("a.b.example.com") is the
// union of the masks of a.b.example.com, b.example.com, example.com and com.
//
// It keeps no names, only a 64-bit keyed hash of each (hash/maphash, with a
// seed drawn at random for every build) in an open-addressing table, plus a
// 16-bit index into the few distinct masks: about 13 bytes a name. Two names
// are confused only if their 64-bit hashes are equal; with 1.5 million names
// the chance that a given lookup meets such a collision is about one in 10^13,
// and because the seed is secret and new at every load, nobody can craft a
// name that collides on purpose.
//
// A Matcher is immutable and safe for concurrent use; Match does not allocate.
type Matcher struct {
	seed  maphash.Seed
	keys  []uint64 // hash of a name; 0 marks an empty slot
	vals  []uint16 // index into masks
	masks []uint64
	names int
}

// Builder collects names and their masks for a Matcher. Names must already be
// normalised (see Normalize and Parse).
type Builder struct {
	seed    maphash.Seed
	batches []batch
	total   int
}

type batch struct {
	mask   uint64
	hashes []uint64
}

// NewBuilder returns a Builder with a fresh random seed.
func NewBuilder() *Builder { return &Builder{seed: maphash.MakeSeed()} }

// Keys holds the keys of the names of one list, read by ReadKeys, in chunks
// so that a long list is never copied as it grows.
type Keys struct {
	chunks [][]uint64
	n      int
}

const keyChunk = 1 << 15

// Len returns the number of keys (names, duplicates included).
func (k *Keys) Len() int { return k.n }

func (k *Keys) add(h uint64) {
	if len(k.chunks) == 0 || len(k.chunks[len(k.chunks)-1]) == keyChunk {
		k.chunks = append(k.chunks, make([]uint64, 0, keyChunk))
	}
	last := &k.chunks[len(k.chunks)-1]
	*last = append(*last, h)
	k.n++
}

// ReadKeys parses a list (see Parse) and returns the keys of its names under
// b's seed, for AddKeys. It is safe to call from several goroutines at once,
// to read several files in parallel.
func (b *Builder) ReadKeys(r io.Reader, file string) (*Keys, Stats, []Problem, error) {
	k := &Keys{}
	st, probs, err := Parse(r, file, func(name []byte) { k.add(fix(maphash.Bytes(b.seed, name))) })
	return k, st, probs, err
}

// AddKeys adds names read by ReadKeys with one mask. Keys may be added to
// several masks (a file used by two categories).
func (b *Builder) AddKeys(mask uint64, keys *Keys) {
	if keys == nil || mask == 0 {
		return
	}
	for _, c := range keys.chunks {
		b.batches = append(b.batches, batch{mask: mask, hashes: c})
		b.total += len(c)
	}
}

// Add adds one normalised name with a mask.
func (b *Builder) Add(name string, mask uint64) {
	b.batches = append(b.batches, batch{mask: mask, hashes: []uint64{fix(maphash.String(b.seed, name))}})
	b.total++
}

// ErrTooManyMasks is returned by Build when names carry more than 65,535
// distinct combinations of mask bits.
var ErrTooManyMasks = errors.New("more than 65535 distinct combinations of categories and lists")

// Build makes the Matcher. A name added more than once (in one list or in
// several) ends with the union of its masks.
func (b *Builder) Build() (*Matcher, error) {
	m := &Matcher{seed: b.seed}
	if b.total == 0 {
		return m, nil
	}
	// A load factor of at most 3/4 keeps linear probing short.
	size := b.total + b.total/3 + 1
	m.keys = make([]uint64, size)
	m.vals = make([]uint16, size)
	index := map[uint64]uint16{}
	maskIndex := func(mask uint64) (uint16, error) {
		if i, ok := index[mask]; ok {
			return i, nil
		}
		if len(m.masks) == 1<<16-1 {
			return 0, ErrTooManyMasks
		}
		i := uint16(len(m.masks))
		m.masks = append(m.masks, mask)
		index[mask] = i
		return i, nil
	}
	for _, bt := range b.batches {
		vi, err := maskIndex(bt.mask)
		if err != nil {
			return nil, err
		}
		for _, h := range bt.hashes {
			i := m.slot(h)
			for m.keys[i] != 0 && m.keys[i] != h {
				if i++; i == len(m.keys) {
					i = 0
				}
			}
			switch {
			case m.keys[i] == 0:
				m.keys[i] = h
				m.vals[i] = vi
				m.names++
			case m.masks[m.vals[i]]|bt.mask != m.masks[m.vals[i]]:
				u, err := maskIndex(m.masks[m.vals[i]] | bt.mask)
				if err != nil {
					return nil, err
				}
				m.vals[i] = u
			}
		}
	}
	b.batches = nil
	return m, nil
}

func fix(h uint64) uint64 {
	if h == 0 {
		return 1
	}
	return h
}

func (m *Matcher) slot(h uint64) int {
	hi, _ := bits.Mul64(h, uint64(len(m.keys)))
	return int(hi)
}

// get returns the mask of exactly name, 0 if it is not listed.
func (m *Matcher) get(name string) uint64 {
	h := fix(maphash.String(m.seed, name))
	i := m.slot(h)
	for {
		k := m.keys[i]
		if k == h {
			return m.masks[m.vals[i]]
		}
		if k == 0 {
			return 0
		}
		if i++; i == len(m.keys) {
			i = 0
		}
	}
}

// Match returns the union of the masks of name and of every domain above it
// (name without its first label, and so on up to the top-level domain). name
// must be normalised.
func (m *Matcher) Match(name string) uint64 {
	if m == nil || m.names == 0 {
		return 0
	}
	var mask uint64
	for {
		mask |= m.get(name)
		i := strings.IndexByte(name, '.')
		if i < 0 {
			return mask
		}
		name = name[i+1:]
	}
}

// Len returns the number of distinct names.
func (m *Matcher) Len() int {
	if m == nil {
		return 0
	}
	return m.names
}

// CountBits returns, for each bit of the masks, how many distinct names
// have it set. It reads the table once.
func (m *Matcher) CountBits() [64]int {
	var out [64]int
	if m == nil || len(m.masks) == 0 {
		return out
	}
	perMask := make([]int, len(m.masks))
	for i, k := range m.keys {
		if k != 0 {
			perMask[m.vals[i]]++
		}
	}
	for i, n := range perMask {
		for mask := m.masks[i]; mask != 0; mask &= mask - 1 {
			out[bits.TrailingZeros64(mask)] += n
		}
	}
	return out
}

// Bytes returns the memory the Matcher's tables hold.
func (m *Matcher) Bytes() int {
	if m == nil {
		return 0
	}
	return len(m.keys)*8 + len(m.vals)*2 + len(m.masks)*8
}
