package monitor

import (
	"slices"
	"unicode/utf8"
)

// The whole-word path: most of most texts is ASCII words between spaces and
// punctuation, and for those the normal form is the word in lower case with
// repeats collapsed, one separator between words. words writes such runs at
// one go, without the per-word calls and bookkeeping of the general path
// (startToken, endToken, the singles), and hands everything else back to
// it. normalise_ref_test.go's reference normaliser says what the output must
// be; FuzzNormaliseMatchesReference holds the two together.

// The classes of the edge table, which endsWord reads for a byte met right
// after a word's letters and sepRun for a byte met between words (no word
// open, no single letter waiting): the general path's rules (ascii, inWord,
// letterNext) reduced to the cases that depend on nothing but the next byte.
// "Followed by a letter" below is letterNext's test: an ASCII letter, digit
// or leet mark, or any character outside ASCII.
const (
	edOther  = iota // leave it to the general path
	edSpace         // a space: ends the word, or is a separator
	edClause        // a clause break
	edApos          // ' or `: inside a word when followed by a letter, else a space
	edBang          // '!': inside a word when followed by a letter, else a clause break
	edMark          // '@' '|': inside a word when followed by a letter, else a space
	edSkip          // a control character: dropped without a trace
)

// edge is the class of every byte for the whole-word path; bytes outside
// ASCII are edOther.
var edge = func() (t [256]uint8) {
	for c := range 128 {
		switch asciiClass[c] {
		case clsSpace:
			t[c] = edSpace
		case clsClause:
			t[c] = edClause
		case clsApos:
			t[c] = edApos
		case clsSkip:
			t[c] = edSkip
		case clsLeet:
			t[c] = edMark
		}
	}
	t['!'] = edBang
	t['$'] = edOther // may start a word ("$uicide")
	return t
}()

// wordFollows reports whether s[i:] starts with a word the general path
// could not keep as a single letter: two different ASCII letters. Whatever
// follows them, such a word normalises to two letters or more.
func wordFollows(s string, i int) bool {
	if i+1 >= len(s) {
		return false
	}
	a, b := asciiLower[s[i]], asciiLower[s[i+1]]
	return a != 0 && b != 0 && a != b
}

// sepRun reads the separators from j, as sep reads them with no word open,
// and returns where they stop and the separator they make (see packSep):
// none, ' ', or '\n' when one of them breaks a clause, with where the first
// one is.
func sepRun(s string, j int) (int, uint64) {
	var kind uint64
	at := j
	for ; j < len(s); j++ {
		switch edge[s[j]] {
		case edSpace, edApos, edMark:
			if kind == 0 {
				kind, at = ' ', j
			}
		case edClause, edBang:
			if kind == 0 {
				at = j
			}
			kind = '\n'
		case edSkip:
		default:
			return j, packSep(kind, at)
		}
	}
	return j, packSep(kind, at)
}

// packSep packs a waiting separator, its kind (0, ' ' or '\n') and where it
// is in the original, into one value, so that the word loop holds one
// register for it instead of two. A kind of 0 packs to 0.
func packSep(kind uint64, at int) uint64 {
	if kind == 0 {
		return 0
	}
	return kind<<32 | uint64(uint32(at))
}

// fast maps the bytes the whole-word path reads without stopping: an ASCII
// letter to its lower case, a byte that only separates words (the general
// path's clsSpace: space, tab, quotes, brackets, '/', '-'…) to ' ', every
// other byte to 0.
var fast = func() (t [256]byte) {
	for c := range 128 {
		switch asciiClass[c] {
		case clsLetter:
			t[c] = asciiLower[c]
		case clsSpace:
			t[c] = ' '
		}
	}
	return t
}()

// letterBit tells a letter of the normal form from a separator (' ' or
// '\n'): lower-case letters have the bit 0x40, the separators do not.
const letterBit = 0x40

// words writes the words of ASCII letters starting at i, with the
// separators between them, for as long as each word's end is certain
// without the general path: the word stops at a byte that ends it whatever
// comes next, and a word that collapses to one letter is followed by a word
// that cannot ("i am", not "k i l l", which is joined). It returns where it
// stopped (i having written nothing), leaving the normaliser as the general
// path would have. The caller has checked that no word is open and no
// single letter waits; none is left open or waiting here.
//
// Most of a text is letters and single spaces, which one loop (run) reads
// with no branch that depends on where a word ends: such a branch is
// mispredicted once a word, and stalls the automaton's chain of table reads
// that the loop carries. The loop stops at anything else, which is decided
// here; a word whose end turns out uncertain is given back (giveBack) with
// the automaton's state and hits, which the loop keeps per byte in sts.
func (n *normaliser) words(s string, i int) int {
	text, orig := n.out.text, n.out.orig
	k := len(text)
	// Room for a separator and the rest of s, written past the slices'
	// length and made part of them at the end.
	if cap(text)-k <= len(s)-i || cap(orig)-k <= len(s)-i {
		text, orig = slices.Grow(text, len(s)-i+1), slices.Grow(orig, len(s)-i+1)
		n.out.text, n.out.orig = text, orig
	}
	room := min(cap(text), cap(orig))
	if len(n.sts) < room {
		n.sts = make([]uint32, room)
	}
	w, o, sts := text[:room], orig[:room], n.sts[:room]
	// The text's first word follows the leading '\n' (output ends with a
	// separator only while it holds nothing else) and gets no separator of
	// its own: its waiting one is written over the '\n', put back after.
	lead, leadOrig := k == 1, o[0]
	st := n.ms
	if lead {
		k--
	} else {
		// What the general path wrote is final now: no word is open and no
		// single letter waits.
		st, n.raw = n.m.feed(w[:k], n.fed, st, n.raw)
	}
	k0, st0 := k, st
	// The waiting separator, as emitSep writes it, and the first letter.
	kind, at := n.sepKind, n.sepOrig
	if kind == 0 {
		kind, at = ' ', int32(i)
	}
	w[k], o[k] = kind, at
	st = n.step(st, kind, k)
	sts[k] = st
	k++
	first := asciiLower[s[i]]
	w[k], o[k] = first, int32(i)
	st = n.step(st, first, k)
	sts[k] = st
	k++
	i++
	for {
		var single bool
		i, k, st, single = n.run(s, i, w, o, sts, k, st)
		inWord := w[k-1]&letterBit != 0
		if single {
			// A letter alone before a space and no certain word: from
			// its separator on, it is the general path's.
			p := k - 2
			return n.giveBack(w, o, sts, p, k0, st0, lead, leadOrig, int(o[p+1]))
		}
		if i == len(s) {
			if !inWord {
				return n.giveBack(w, o, sts, k-1, k0, st0, lead, leadOrig, i)
			}
			n.sepKind = 0
			return n.keep(w, o, k, st, lead, leadOrig, i)
		}
		if !inWord {
			// More separators after a space: one separator, a clause
			// break if any of them is, where the first one is.
			j, next := sepRun(s, i)
			if byte(next>>32) == '\n' {
				w[k-1] = '\n'
			}
			if j < len(s) && asciiLower[s[j]] != 0 {
				i = j
				continue
			}
			return n.giveBack(w, o, sts, k-1, k0, st0, lead, leadOrig, j)
		}
		// A word's letters stop at s[i].
		if edge[s[i]] == edApos && i+1 < len(s) && asciiLower[s[i+1]] != 0 {
			i++ // an apostrophe between letters is dropped ("don't" is "dont")
			continue
		}
		if !endsWord(s, i) {
			p := wordStart(w, k)
			return n.giveBack(w, o, sts, p, k0, st0, lead, leadOrig, int(o[p+1]))
		}
		j, next := sepRun(s, i)
		if w[k-2]&letterBit == 0 && j < len(s) && !wordFollows(s, j) {
			// A one-letter word, and no certain word after it.
			return n.giveBack(w, o, sts, k-2, k0, st0, lead, leadOrig, int(o[k-1]))
		}
		if j < len(s) && asciiLower[s[j]] != 0 {
			w[k], o[k] = byte(next>>32), int32(uint32(next))
			st = n.step(st, ' ', k)
			sts[k] = st
			k++
			i = j
			continue
		}
		// The text ends, or the general path reads on: the separator
		// waits for the next word.
		n.sepKind, n.sepOrig = byte(next>>32), int32(uint32(next))
		return n.keep(w, o, k, st, lead, leadOrig, j)
	}
}

// run reads letters and separating bytes from i, writing them at w[k] on as
// words() does: letters in lower case with a repeat of the one before left
// out, separating bytes as one ' ', and the automaton stepped on each byte
// kept, its state after each in sts. It returns where it stopped (a byte
// neither letter nor separating, or the end of s), the new k and the
// automaton's state; or, with single set, that it stopped at a space closing
// a one-letter word that no certain word follows, not written. k is at
// least 2, and w[k-1] is not '\n' when s[i] is a separating byte (a '\n'
// comes from words(), always before a letter), so a space repeats a space
// exactly when it equals w[k-1].
//
// The loop keeps few values, so that all stay in registers: the automaton's
// state above all, whose chain of table reads sets the loop's pace, and
// which a spill to the stack would lengthen on every byte.
func (n *normaliser) run(s string, i int, w []byte, o []int32, sts []uint32, k int, st uint32) (int, int, uint32, bool) {
	o, sts = o[:len(w)], sts[:len(w)] // one length for all, so one bounds check covers the stores
	delta, tab := n.m.delta, &n.m.fast
	for ; i < len(s); i++ {
		v := tab[s[i]]
		if v == 0 {
			break
		}
		c := byte(v)
		// Every byte is stored and only a new one kept: a repeat is
		// overwritten by what follows.
		w[k] = c
		o[k] = int32(i)
		if c != w[k-1] {
			// A space after a letter that follows a separator: c and
			// w[k-2] are both separators, tested without a branch on
			// either, since one on c alone would go the wrong way at
			// about every word's end.
			if (c|w[k-2])&letterBit == 0 && !wordFollows(s, i+1) {
				return i, k, st, true
			}
			st = delta[st+v>>8]
			if st&outFlag != 0 {
				st = n.hit(st, k)
			}
			sts[k] = st
			k++
		}
	}
	return i, k, st, false
}

// hit records the occurrences that end at w[k], where the automaton reached
// st (flagged), and returns st without its flag. It is kept out of run's
// loop, whose values it would otherwise push out of registers.
//
//go:noinline
func (n *normaliser) hit(st uint32, k int) uint32 {
	st &^= outFlag
	n.raw = n.m.found(st, k+1, n.raw)
	return st
}

// wordStart returns where the separator before the word ending at w[k-1]
// is.
func wordStart(w []byte, k int) int {
	p := k - 1
	for w[p]&letterBit != 0 {
		p--
	}
	return p
}

// step moves the automaton on c, written at k, recording the occurrences
// that end there.
func (n *normaliser) step(st uint32, c byte, k int) uint32 {
	st = n.m.delta[st+uint32(n.m.class[c])]
	if st&outFlag != 0 {
		st &^= outFlag
		n.raw = n.m.found(st, k+1, n.raw)
	}
	return st
}

// giveBack leaves the output from p on to the general path, which resumes
// at i: the separator at p waits again, and the automaton's state and hits
// go back to what they were before it. The rest is kept.
func (n *normaliser) giveBack(w []byte, o []int32, sts []uint32, p, k0 int, st0 uint32, lead bool, leadOrig int32, i int) int {
	n.sepKind, n.sepOrig = w[p], o[p]
	st := st0
	if p > k0 {
		st = sts[p-1]
	}
	for len(n.raw) > 0 && int(n.raw[len(n.raw)-1].end) > p {
		n.raw = n.raw[:len(n.raw)-1]
	}
	return n.keep(w, o, p, st, lead, leadOrig, i)
}

// keep makes w[:k] the output, fed to the automaton up to there, and
// returns i.
func (n *normaliser) keep(w []byte, o []int32, k int, st uint32, lead bool, leadOrig int32, i int) int {
	if lead {
		// The leading separator becomes '\n' if the waiting one was, and
		// it is '\n' already; with nothing kept it was never fed.
		w[0], o[0] = '\n', leadOrig
		if k == 0 {
			n.out.text, n.out.orig, n.ms, n.fed = w[:1], o[:1], 0, 0
			return i
		}
	}
	n.out.text, n.out.orig = w[:k], o[:k]
	n.ms, n.fed = st, k
	return i
}

// endsWord reports whether s[j], met right after a word's letters, ends the
// word whatever the general path would make of what follows: a space, a
// clause mark, or a mark that is a letter only between letters ("k!ll",
// "x@y") with none after it.
func endsWord(s string, j int) bool {
	switch edge[s[j]] {
	case edSpace, edClause:
		return true
	case edApos, edBang, edMark:
		return !letterAt(s, j+1)
	}
	return false
}

// letterAt reports whether s[i] is a byte that continues a word after a
// mark, as the general path's letterNext decides.
func letterAt(s string, i int) bool {
	if i >= len(s) {
		return false
	}
	c := s[i]
	if c >= utf8.RuneSelf {
		return true
	}
	k := asciiClass[c]
	return k == clsLetter || k == clsDigit || k == clsLeet
}
