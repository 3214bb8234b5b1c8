package monitor

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// refNormaliser is the first, plain implementation of the normaliser, kept
// as the reference that the fast one (normalise.go) is fuzzed against: both
// must give the same bytes and offsets for every input.
// refNormaliser holds the buffers of one normalisation; reuse it to avoid
// allocating per text. It is not safe for concurrent use.
type refNormaliser struct {
	src        string
	out        normalised
	tok        []byte // the word being read
	tokOrig    []int32
	tokLetters bool
	tokLeet    bool
	sepKind    byte // the separator waiting to be written before the next word: 0, ' ' or '\n'
	sepOrig    int32
	// singles holds one-letter words in a row ("k i l l"); three or more are
	// joined into one word.
	singles     []byte
	singlesOrig []int32
	singlesSep  []byte // separator kind before each single
	singlesSepO []int32
	decomp      []byte
}

// normalise returns s's normal form. The result's slices are the
// refNormaliser's own and valid until its next call.
func (n *refNormaliser) normalise(s string) normalised {
	n.src = s
	n.out.text = append(n.out.text[:0], '\n')
	n.out.orig = append(n.out.orig[:0], 0)
	n.tok, n.tokOrig = n.tok[:0], n.tokOrig[:0]
	n.tokLetters, n.tokLeet = false, false
	n.sepKind, n.sepOrig = 0, 0
	n.singles, n.singlesOrig, n.singlesSep, n.singlesSepO = n.singles[:0], n.singlesOrig[:0], n.singlesSep[:0], n.singlesSepO[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			n.ascii(c, i)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n.rune(r, i, i+size)
		i += size
	}
	n.sep('\n', len(s))
	n.flushSingles()
	last := len(n.out.text) - 1
	if n.out.text[last] == ' ' || n.out.text[last] == '\n' {
		n.out.text[last] = '\n'
	} else {
		n.out.text = append(n.out.text, '\n')
		n.out.orig = append(n.out.orig, n.sepOrig)
	}
	// One more offset, so that orig[end] exists for a match ending at the
	// last byte.
	n.out.orig = append(n.out.orig, int32(len(s)))
	return n.out
}

func (n *refNormaliser) ascii(c byte, i int) {
	switch asciiClass[c] {
	case clsLetter:
		n.tok = append(n.tok, c|0x20)
		n.tokOrig = append(n.tokOrig, int32(i))
		n.tokLetters = true
	case clsDigit:
		n.tok = append(n.tok, c)
		n.tokOrig = append(n.tokOrig, int32(i))
		n.tokLeet = true
	case clsSpace:
		n.sep(' ', i)
	case clsClause:
		// "k!ll": a '!' between letters is a letter.
		if c == '!' && n.inWord(i) {
			n.tok = append(n.tok, c)
			n.tokOrig = append(n.tokOrig, int32(i))
			n.tokLeet = true
			return
		}
		n.sep('\n', i)
	case clsLeet:
		// '$' may start a word ("$uicide"); '@' and '|' only continue one,
		// so that "@name" stays a name.
		if n.inWord(i) || (c == '$' && n.letterNext(i)) {
			n.tok = append(n.tok, c)
			n.tokOrig = append(n.tokOrig, int32(i))
			n.tokLeet = true
			return
		}
		n.sep(' ', i)
	case clsApos:
		if n.inWord(i) {
			return
		}
		n.sep(' ', i)
	}
}

// inWord reports whether the character at i stands between a word's letters.
func (n *refNormaliser) inWord(i int) bool {
	return len(n.tok) > 0 && n.letterNext(i)
}

func (n *refNormaliser) letterNext(i int) bool {
	if i+1 >= len(n.src) {
		return false
	}
	c := n.src[i+1]
	if c >= utf8.RuneSelf {
		return true
	}
	k := asciiClass[c]
	return k == clsLetter || k == clsDigit || k == clsLeet
}

func (n *refNormaliser) rune(r rune, start, end int) {
	if r == '\u2019' || r == '\u2018' || r == '\u02bc' { // typographic apostrophes
		n.ascii('\'', start)
		return
	}
	if w := emojiWord(r); w != "" {
		n.sep(' ', start)
		for i := 0; i < len(w); i++ {
			n.tok = append(n.tok, w[i])
			n.tokOrig = append(n.tokOrig, int32(start))
		}
		n.tokLetters = true
		n.sep(' ', end)
		return
	}
	if l := confusable(unicode.ToLower(r)); l != 0 {
		n.letter(l, start)
		return
	}
	switch {
	case r == utf8.RuneError:
		n.sep(' ', start)
		return
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me, unicode.Mc):
		// Zero-width, direction and other invisible marks, variation
		// selectors and combining accents: dropped, so "ki\u200bll" is "kill".
		return
	case unicode.In(r, unicode.Zl, unicode.Zp):
		n.sep('\n', start)
		return
	case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
		n.sep(' ', start)
		return
	}
	var one [utf8.UTFMax]byte
	k := utf8.EncodeRune(one[:], r)
	n.decomp = norm.NFKD.Append(n.decomp[:0], one[:k]...)
	for _, d := range string(n.decomp) {
		switch {
		case d < utf8.RuneSelf:
			n.ascii(byte(d), start)
		case d == '\u2019' || d == '\u2018' || d == '\u02bc': // "ŉ" decomposes to "ʼn"
			n.ascii('\'', start)
		case unicode.In(d, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf):
		case d == 'ß' || d == 'ẞ':
			n.letter('s', start)
			n.letter('s', start)
		case unicode.IsLetter(d) || unicode.IsDigit(d):
			d = unicode.ToLower(d)
			if l := confusable(d); l != 0 {
				n.letter(l, start)
				continue
			}
			var b [utf8.UTFMax]byte
			k := utf8.EncodeRune(b[:], d)
			for j := range k {
				n.tok = append(n.tok, b[j])
				n.tokOrig = append(n.tokOrig, int32(start))
			}
			n.tokLetters = true
		case d == '…' || d == '。' || d == '！' || d == '？' || d == '¡' || d == '¿':
			n.sep('\n', start)
		default:
			n.sep(' ', start)
		}
	}
}

func (n *refNormaliser) letter(c byte, at int) {
	n.tok = append(n.tok, c)
	n.tokOrig = append(n.tokOrig, int32(at))
	n.tokLetters = true
}

// sep ends the word being read; kind '\n' (a clause break) outranks ' '.
func (n *refNormaliser) sep(kind byte, at int) {
	n.flushToken()
	if n.sepKind == 0 {
		n.sepKind, n.sepOrig = kind, int32(at)
	} else if kind == '\n' {
		n.sepKind = '\n'
	}
}

// flushToken finishes the word being read: leet letters become letters when
// the word has real ones, repeated letters collapse to one, and a one-letter
// word waits in singles to see whether it is spelt out.
func (n *refNormaliser) flushToken() {
	if len(n.tok) == 0 {
		return
	}
	w, o := n.tok[:0], n.tokOrig[:0]
	var prev byte
	for i, c := range n.tok {
		if n.tokLeet {
			if n.tokLetters {
				c = leet(c)
			} else if c < '0' || c > '9' {
				continue // symbols with no letters: "$$"
			}
		}
		if c == prev && c >= 'a' && c <= 'z' {
			continue
		}
		prev = c
		w = append(w, c)
		o = append(o, n.tokOrig[i])
	}
	n.tok, n.tokOrig = n.tok[:0], n.tokOrig[:0]
	n.tokLetters, n.tokLeet = false, false
	if len(w) == 0 {
		return
	}
	if len(w) == 1 && w[0] >= 'a' && w[0] <= 'z' {
		n.singles = append(n.singles, w[0])
		n.singlesOrig = append(n.singlesOrig, o[0])
		n.singlesSep = append(n.singlesSep, n.sepKind)
		n.singlesSepO = append(n.singlesSepO, n.sepOrig)
		n.sepKind = 0
		return
	}
	n.flushSingles()
	n.emitSep(o[0])
	n.out.text = append(n.out.text, w...)
	n.out.orig = append(n.out.orig, o...)
}

// flushSingles writes the waiting one-letter words: as one word when there
// are three or more ("k i l l" is "kill"), else each as itself.
func (n *refNormaliser) flushSingles() {
	if len(n.singles) == 0 {
		return
	}
	kind, at := n.sepKind, n.sepOrig
	if len(n.singles) >= 3 {
		n.sepKind, n.sepOrig = n.singlesSep[0], n.singlesSepO[0]
		n.emitSep(n.singlesOrig[0])
		var prev byte
		for i, c := range n.singles {
			if c == prev {
				continue
			}
			prev = c
			n.out.text = append(n.out.text, c)
			n.out.orig = append(n.out.orig, n.singlesOrig[i])
		}
	} else {
		for i, c := range n.singles {
			n.sepKind, n.sepOrig = n.singlesSep[i], n.singlesSepO[i]
			n.emitSep(n.singlesOrig[i])
			n.out.text = append(n.out.text, c)
			n.out.orig = append(n.out.orig, n.singlesOrig[i])
		}
	}
	n.sepKind, n.sepOrig = kind, at
	n.singles, n.singlesOrig, n.singlesSep, n.singlesSepO = n.singles[:0], n.singlesOrig[:0], n.singlesSep[:0], n.singlesSepO[:0]
}

// emitSep writes the waiting separator before a word that starts at next in
// the original; two words always have one between them.
func (n *refNormaliser) emitSep(next int32) {
	last := n.out.text[len(n.out.text)-1]
	kind, at := n.sepKind, n.sepOrig
	n.sepKind = 0
	if last == ' ' || last == '\n' {
		if kind == '\n' {
			n.out.text[len(n.out.text)-1] = '\n'
		}
		return
	}
	if kind == 0 {
		kind, at = ' ', next
	}
	n.out.text = append(n.out.text, kind)
	n.out.orig = append(n.out.orig, at)
}
