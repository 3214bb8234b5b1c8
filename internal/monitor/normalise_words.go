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

// lowerRun copies the ASCII letters of s from i into w and o from k, lower
// case, a letter repeating prev (the last one written) left out, and steps
// the automaton from state st over each letter kept. It returns where the
// letters stop, the new k, the last letter and the automaton's state. w and
// o have room for every byte of s from i, and one more.
func (n *normaliser) lowerRun(s string, i int, w []byte, o []int32, k int, prev byte, st uint32) (int, int, byte, uint32) {
	o = o[:len(w)] // one length for both, so one bounds check covers both stores
	delta, class := n.m.delta, &n.m.class
	for ; i < len(s); i++ {
		c := asciiLower[s[i]]
		if c == 0 {
			break
		}
		// Every letter is stored and only a new one kept: a repeat is
		// overwritten by what follows.
		w[k] = c
		o[k] = int32(i)
		if c != prev {
			k++
			st = delta[st+uint32(class[c])]
			if st&outFlag != 0 {
				st &^= outFlag
				n.raw = n.m.found(st, k, n.raw)
			}
		}
		prev = c
	}
	return i, k, prev, st
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

// words writes the words of ASCII letters starting at i, with the
// separators between them, for as long as each word's end is certain
// without the general path: the word stops at a byte that ends it whatever
// comes next, and a word that collapses to one letter is followed by a word
// that cannot ("i am", not "k i l l", which is joined). It returns where it
// stopped (i having written nothing), leaving the normaliser as the general
// path would have. The caller has checked that no word is open and no
// single letter waits; none is left open or waiting here.
//
// The loop keeps few values live, so that they stay in registers: the
// separator waiting before the next word is packed in one (packSep).
func (n *normaliser) words(s string, i int) int {
	text, orig := n.out.text, n.out.orig
	k := len(text)
	// Room for a separator and the rest of s: a word is copied in the same
	// loop that finds its end, past the slices' length, and only made part
	// of them once its end is certain.
	if cap(text)-k <= len(s)-i || cap(orig)-k <= len(s)-i {
		text, orig = slices.Grow(text, len(s)-i+1), slices.Grow(orig, len(s)-i+1)
		n.out.text, n.out.orig = text, orig
	}
	room := min(cap(text), cap(orig))
	w, o := text[:room], orig[:room]
	// The text's first word follows the leading '\n' (output ends with a
	// separator only while it holds nothing else) and gets no separator of
	// its own: its waiting one is written over the '\n', put back after.
	lead, leadOrig := k == 1, o[0]
	st, fed := n.ms, n.fed
	if lead {
		k--
	} else {
		// What the general path wrote is final now: no word is open and no
		// single letter waits.
		st, n.raw = n.m.feed(w[:k], fed, st, n.raw)
		fed = k
	}
	space := n.m.class[' '] // '\n' is of the same class
	sep := packSep(uint64(n.sepKind), int(n.sepOrig))
	for i < len(s) && asciiLower[s[i]] != 0 {
		// The waiting separator, as emitSep writes it, then the word; the
		// automaton's state and hits from before it are kept, to take the
		// word back if it stays to the general path.
		if sep == 0 {
			sep = packSep(' ', i)
		}
		w[k], o[k] = byte(sep>>32), int32(uint32(sep))
		st0, raw0 := st, len(n.raw)
		st = n.m.delta[st+uint32(space)]
		if st&outFlag != 0 {
			st &^= outFlag
			n.raw = n.m.found(st, k+1, n.raw)
		}
		j, kk, prev, st1 := n.lowerRun(s, i, w, o, k+1, 0, st)
		// An apostrophe between letters is dropped ("don't" is "dont").
		for j+1 < len(s) && edge[s[j]] == edApos && asciiLower[s[j+1]] != 0 {
			j, kk, prev, st1 = n.lowerRun(s, j+1, w, o, kk, prev, st1)
		}
		var next uint64
		if j+1 < len(s) && s[j] == ' ' && asciiLower[s[j+1]] != 0 {
			// The commonest end: one space, and the next word.
			next, j = packSep(' ', j), j+1
		} else {
			if j < len(s) && !endsWord(s, j) {
				st, n.raw = st0, n.raw[:raw0]
				break
			}
			j, next = sepRun(s, j)
		}
		if kk-k == 2 && j < len(s) && !wordFollows(s, j) {
			st, n.raw = st0, n.raw[:raw0]
			break // a single letter: "k i l l" may be spelt out
		}
		sep, k, i, st, fed = next, kk, j, st1, kk
	}
	if sep == 0 {
		n.sepKind = 0 // its place stays as it was, as emitSep leaves it
	} else {
		n.sepKind, n.sepOrig = byte(sep>>32), int32(uint32(sep))
	}
	if lead {
		// The leading separator becomes '\n' if the waiting one was, and
		// it is '\n' already.
		w[0], o[0] = '\n', leadOrig
		k = max(k, 1)
	}
	n.out.text, n.out.orig = w[:k], o[:k]
	n.ms, n.fed = st, fed
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
