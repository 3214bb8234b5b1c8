package monitor

// matcher is an Aho-Corasick automaton over the bytes of normalised text,
// compiled to a dense transition table: one table read per input byte and no
// backtracking, whatever the number of patterns.
//
// Bytes are first mapped to classes (every byte used by some pattern gets its
// own class, ' ' and '\n' share one, all other bytes share class 0), which
// keeps the table at states × classes rather than states × 256.
//
// Transitions hold the target state premultiplied by the number of classes,
// so the inner loop is one add and one load; the top bit marks targets that
// have output, so the loop only leaves the fast path on a hit.
type matcher struct {
	class  [256]uint16
	nclass int
	// fast is the normaliser's fast table (normalise_words.go) with each
	// byte's class: the byte it writes in the low 8 bits, the class of that
	// byte above them; 0 where the fast loop stops. One lookup a byte gives
	// the loop both, and one table less to hold in a register.
	fast  [256]uint32
	delta []uint32 // (state*nclass + class) -> next state*nclass | outFlag
	// The patterns found on reaching state s are outIDs[outStart[s]:
	// outStart[s+1]]: its own, then those of the states down its failure
	// chain, listed in full for each state so that a hit reads one range
	// rather than walking the chain through memory.
	outStart []int32
	outIDs   []int32
	recip    uint64 // ceil(2^32 / nclass): a premultiplied state divided by nclass without a division
	patLen   []int32
}

const outFlag = 1 << 31

// compile builds the automaton for patterns (non-empty byte strings).
func compile(patterns [][]byte) *matcher {
	m := &matcher{}
	// Byte classes.
	used := [256]bool{}
	for _, p := range patterns {
		for _, b := range p {
			used[b] = true
		}
	}
	used['\n'] = false
	next := uint16(1)
	for b := range 256 {
		if used[b] {
			m.class[b] = next
			next++
		}
	}
	m.class['\n'] = m.class[' ']
	m.nclass = int(next)
	C := m.nclass
	for b, c := range fast {
		if c != 0 {
			m.fast[b] = uint32(m.class[c])<<8 | uint32(c)
		}
	}

	// Trie.
	trie := make([]int32, C, C*(len(patterns)+1))
	for i := range trie {
		trie[i] = -1
	}
	own := [][]int32{nil}
	m.patLen = make([]int32, len(patterns))
	for id, p := range patterns {
		m.patLen[id] = int32(len(p))
		s := 0
		for _, b := range p {
			c := int(m.class[b])
			t := trie[s*C+c]
			if t < 0 {
				t = int32(len(own))
				trie[s*C+c] = t
				own = append(own, nil)
				for range C {
					trie = append(trie, -1)
				}
			}
			s = int(t)
		}
		own[s] = append(own[s], int32(id))
	}
	n := len(own)

	// Number the states breadth first, so that the shallow states, where
	// the scan spends nearly all its time, sit together at the start of the
	// table and stay in the cache.
	order := make([]int32, 0, n)
	order = append(order, 0)
	for i := 0; i < len(order); i++ {
		s := int(order[i])
		for c := range C {
			if t := trie[s*C+c]; t >= 0 {
				order = append(order, t)
			}
		}
	}
	renum := make([]int32, n)
	for i, s := range order {
		renum[s] = int32(i)
	}
	trie2 := make([]int32, n*C)
	own2 := make([][]int32, n)
	for old, s := range renum {
		for c := range C {
			t := trie[old*C+c]
			if t >= 0 {
				t = renum[t]
			}
			trie2[int(s)*C+c] = t
		}
		own2[s] = own[old]
	}
	trie, own = trie2, own2

	// Failure links and the full transition function, breadth first.
	fail := make([]int32, n)
	outLink := make([]int32, n) // nearest state down the failure chain with outputs, or -1
	m.delta = make([]uint32, n*C)
	queue := make([]int32, 0, n)
	outLink[0] = -1
	for c := range C {
		t := trie[c]
		if t < 0 {
			m.delta[c] = 0
			continue
		}
		fail[t] = 0
		outLink[t] = -1
		queue = append(queue, t)
		m.delta[c] = uint32(t)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c := range C {
			t := trie[int(s)*C+c]
			if t < 0 {
				m.delta[int(s)*C+c] = m.delta[int(fail[s])*C+c]
				continue
			}
			f := int32(m.delta[int(fail[s])*C+c])
			fail[t] = f
			if len(own[f]) > 0 {
				outLink[t] = f
			} else {
				outLink[t] = outLink[f]
			}
			m.delta[int(s)*C+c] = uint32(t)
			queue = append(queue, t)
		}
	}
	// Premultiply and flag.
	hasOut := func(s uint32) bool { return len(own[s]) > 0 || outLink[s] >= 0 }
	for i, t := range m.delta {
		v := t * uint32(C)
		if hasOut(t) {
			v |= outFlag
		}
		m.delta[i] = v
	}
	m.outStart = make([]int32, n+1)
	for s := range own {
		for st := int32(s); st >= 0; st = outLink[st] {
			m.outIDs = append(m.outIDs, own[st]...)
		}
		m.outStart[s+1] = int32(len(m.outIDs))
	}
	m.recip = (1<<32 + uint64(C) - 1) / uint64(C)
	return m
}

// states is the number of states of the automaton.
func (m *matcher) states() int { return len(m.outStart) - 1 }

// bytes is the memory the automaton's tables hold.
func (m *matcher) bytes() int {
	return 4*(len(m.delta)+len(m.outStart)+len(m.outIDs)+len(m.patLen)+len(m.fast)) + 2*len(m.class)
}

// rawHit is one pattern occurrence: the pattern's id and the offset just
// after its end.
type rawHit struct {
	id  int32
	end int32
}

// run appends every occurrence of every pattern in text to hits.
func (m *matcher) run(text []byte, hits []rawHit) []rawHit {
	_, hits = m.feed(text, 0, 0, hits)
	return hits
}

// feed steps the automaton from state s over text[from:], appending the
// occurrences that end there to hits, and returns the state it reached: the
// normaliser feeds its output in pieces as each becomes final.
func (m *matcher) feed(text []byte, from int, s uint32, hits []rawHit) (uint32, []rawHit) {
	// The tables in locals: the loop appends to hits, after which the
	// compiler would read m's fields from memory again on every byte.
	delta, class := m.delta, &m.class
	for i := from; i < len(text); i++ {
		s = delta[s+uint32(class[text[i]])]
		if s&outFlag != 0 {
			s &^= outFlag
			hits = m.found(s, i+1, hits)
		}
	}
	return s, hits
}

// found appends the occurrences that end at end, where the automaton
// reached state s (premultiplied, flag cleared), to hits.
func (m *matcher) found(s uint32, end int, hits []rawHit) []rawHit {
	st := m.state(s)
	for _, id := range m.outIDs[m.outStart[st]:m.outStart[st+1]] {
		hits = append(hits, rawHit{id, int32(end)})
	}
	return hits
}

// state returns the number of the state that s, premultiplied, stands for.
// s is a multiple of nclass below 2^31, so the product's error, under
// s/2^32, never reaches the next integer.
func (m *matcher) state(s uint32) uint32 {
	return uint32(uint64(s) * m.recip >> 32)
}

// plain is an automaton of no patterns, for a normaliser that only
// normalises: stepping it costs a read of one table entry and finds nothing.
var plain = compile(nil)

// count returns how many pattern occurrences text holds: the matcher alone,
// for the benchmark.
func (m *matcher) count(text []byte) int {
	delta, class := m.delta, &m.class
	s := uint32(0)
	n := 0
	for _, b := range text {
		s = delta[s+uint32(class[b])]
		if s&outFlag != 0 {
			s &^= outFlag
			st := m.state(s)
			n += int(m.outStart[st+1] - m.outStart[st])
		}
	}
	return n
}
