package monitor

import (
	"slices"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The normalised form of a text is its words in lower case, Latin letters
// without accents, separated by one space, with '\n' between clauses
// (sentence ends, commas, line breaks) and at both ends. The automaton treats
// ' ' and '\n' alike, so a whole-word pattern is simply " word "; the context
// rules use '\n' to keep a cue in its own clause.
//
// Patterns go through the same function as the texts they are matched
// against, so every rule below holds for both sides: "kill" is stored as
// "kil", and "KiLLLL", "k1ll", "k i l l" and "кill" all become "kil" too.

const (
	clsSkip   = iota // control characters: dropped without a trace
	clsLetter        // a-z, A-Z
	clsDigit         // 0-9
	clsSpace         // ends a word
	clsClause        // ends a clause: . , ; : ! ? and line breaks
	clsLeet          // @ $ | : a letter inside a word, else a space
	clsApos          // ' : dropped inside a word ("don't" is "dont"), else a space
)

// asciiClass classifies every ASCII byte once; the fast path reads it.
var asciiClass = func() (t [128]uint8) {
	for c := range 128 {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z':
			t[c] = clsLetter
		case c >= '0' && c <= '9':
			t[c] = clsDigit
		case c == '\n' || c == '\r' || c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?':
			t[c] = clsClause
		case c == '@' || c == '$' || c == '|':
			t[c] = clsLeet
		case c == '\'' || c == '`':
			t[c] = clsApos
		case c < 0x20 && c != '\t', c == 0x7f:
			t[c] = clsSkip
		default:
			t[c] = clsSpace
		}
	}
	return t
}()

// asciiLower maps each ASCII letter to its lower case and every other byte
// (multibyte UTF-8 included) to 0: the fast path's one lookup per letter.
var asciiLower = func() (t [256]byte) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = byte(c), byte(c)
	}
	return t
}()

// leet maps the digits and symbols people put for letters, used only inside
// a word that also has real letters ("k1ll", "$uicide"), so that numbers
// ("24 7", "2008") stay numbers.
func leet(c byte) byte {
	switch c {
	case '0':
		return 'o'
	case '1', '!', '|':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return c
}

// normalised is a text's normal form with, for every byte of it, the offset
// in the original text of the character it came from.
type normalised struct {
	text []byte
	orig []int32
}

// normaliser holds the buffers of one normalisation; reuse it to avoid
// allocating per text. It is not safe for concurrent use.
//
// It writes each word straight into the output as it reads it, folding case
// and collapsing repeated letters on the way, and only goes back over a word
// that needs it: one holding leet digits or symbols, or a one-letter word,
// which waits in singles to see whether it is spelt out ("k i l l").
// normalise_ref_test.go keeps a plainer implementation that this one is
// fuzzed against.
type normaliser struct {
	src string
	out normalised

	inTok      bool
	tokStart   int // where the word's bytes start in out.text
	tokLetters bool
	tokLeet    bool
	prev       byte // last byte written in the word, for collapsing repeats
	// The state before the word started, to take it back out.
	preLen     int
	preLast    byte
	preSepKind byte
	preSepOrig int32

	sepKind byte // the separator waiting to be written before the next word: 0, ' ' or '\n'
	sepOrig int32

	singles     []byte
	singlesOrig []int32
	singlesSep  []byte // separator kind before each single
	singlesSepO []int32

	scratch     []byte
	scratchOrig []int32
	plans       map[rune][]runeOp // what each character outside ASCII met so far does

	// The automaton reads the output as it is written, while the text is in
	// the cache and between the normaliser's own steps, rather than in a
	// second pass: m is the library's (plain when only normalising), ms its
	// state after the first fed bytes of out.text, raw the occurrences found.
	// A byte is fed once it is final; the general path may still take back
	// an open word or waiting single letters, so its output is fed when the
	// whole-word path starts (words) and at the end. A separator it rewrites
	// later (' ' to '\n') is of the same class.
	m   *matcher
	ms  uint32
	fed int
	raw []rawHit
	sts []uint32 // words: the automaton's state after each byte it wrote
}

// normalise returns s's normal form. The result's slices are the
// normaliser's own and valid until its next call.
func (n *normaliser) normalise(s string) normalised {
	n.src = s
	if cap(n.out.text) < len(s)+16 {
		n.out.text = make([]byte, 0, len(s)+len(s)/8+16)
		n.out.orig = make([]int32, 0, len(s)+len(s)/8+16)
	}
	n.out.text = append(n.out.text[:0], '\n')
	n.out.orig = append(n.out.orig[:0], 0)
	n.inTok = false
	n.sepKind, n.sepOrig = 0, 0
	n.singles, n.singlesOrig, n.singlesSep, n.singlesSepO = n.singles[:0], n.singlesOrig[:0], n.singlesSep[:0], n.singlesSepO[:0]
	if n.m == nil {
		n.m = plain
	}
	n.ms, n.fed, n.raw = 0, 0, n.raw[:0]
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			// The common case, a run of ASCII letters, in a tight loop on
			// local copies of the output slices.
			if asciiClass[c] == clsLetter {
				if !n.inTok && len(n.singles) == 0 {
					if j := n.words(s, i); j > i {
						i = j
						continue
					}
				}
				if !n.inTok {
					n.startToken(int32(i))
				}
				// A run of ASCII letters writes at most one byte per byte
				// read, so room for the rest of s is made once and the loop
				// stores by index, without append's capacity check per byte.
				text, orig, prev := n.out.text, n.out.orig, n.prev
				k := len(text)
				if cap(text)-k < len(s)-i || cap(orig)-k < len(s)-i {
					text, orig = slices.Grow(text, len(s)-i), slices.Grow(orig, len(s)-i)
				}
				text, orig = text[:cap(text)], orig[:cap(orig)]
				for ; i < len(s); i++ {
					c := asciiLower[s[i]]
					if c == 0 {
						break
					}
					if c != prev {
						text[k] = c
						orig[k] = int32(i)
						k++
						prev = c
					}
				}
				n.out.text, n.out.orig, n.prev = text[:k], orig[:k], prev
				n.tokLetters = true
				continue
			}
			if c == ' ' { // the next commonest: a space after a word
				if n.inTok {
					n.endToken()
				}
				if n.sepKind == 0 {
					n.sepKind, n.sepOrig = ' ', int32(i)
				}
				i++
				continue
			}
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
	n.ms, n.raw = n.m.feed(n.out.text, n.fed, n.ms, n.raw)
	n.fed = len(n.out.text)
	// One more offset, so that orig[end] exists for a match ending at the
	// last byte.
	n.out.orig = append(n.out.orig, int32(len(s)))
	return n.out
}

// startToken begins a word whose first character is at offset at.
func (n *normaliser) startToken(at int32) {
	n.preLen = len(n.out.text)
	n.preLast = n.out.text[n.preLen-1]
	n.preSepKind, n.preSepOrig = n.sepKind, n.sepOrig
	n.emitSep(at)
	n.inTok = true
	n.tokStart = len(n.out.text)
	n.tokLetters, n.tokLeet = false, false
	n.prev = 0
}

// add appends one byte of a word; letters a-z repeated in a row collapse.
func (n *normaliser) add(c byte, at int) {
	if !n.inTok {
		n.startToken(int32(at))
	}
	if c == n.prev && c >= 'a' && c <= 'z' {
		return
	}
	n.out.text = append(n.out.text, c)
	n.out.orig = append(n.out.orig, int32(at))
	n.prev = c
}

// undoToken takes the word being read back out of the output, separator
// included.
func (n *normaliser) undoToken() {
	n.out.text = n.out.text[:n.preLen]
	n.out.orig = n.out.orig[:n.preLen]
	n.out.text[n.preLen-1] = n.preLast
	n.sepKind, n.sepOrig = n.preSepKind, n.preSepOrig
}

func (n *normaliser) ascii(c byte, i int) {
	switch asciiClass[c] {
	case clsLetter:
		n.add(c|0x20, i)
		n.tokLetters = true
	case clsDigit:
		n.add(c, i)
		n.tokLeet = true
	case clsSpace:
		n.sep(' ', i)
	case clsClause:
		// "k!ll": a '!' between letters is a letter.
		if c == '!' && n.inWord(i) {
			n.add(c, i)
			n.tokLeet = true
			return
		}
		n.sep('\n', i)
	case clsLeet:
		// '$' may start a word ("$uicide"); '@' and '|' only continue one,
		// so that "@name" stays a name.
		if n.inWord(i) || (c == '$' && n.letterNext(i)) {
			n.add(c, i)
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
func (n *normaliser) inWord(i int) bool {
	return n.inTok && n.letterNext(i)
}

func (n *normaliser) letterNext(i int) bool {
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

// runeOp is one step of what a character outside ASCII does to the normal
// form; a character's steps depend on the character alone, so they are
// worked out once (runePlan, with the Unicode tables and decomposition that
// cost about a microsecond) and then replayed from the normaliser's cache.
type runeOp struct {
	kind uint8
	b    byte   // opASCII, opLetter: the byte; opSep: the separator kind
	s    string // opRaw: the lower-case letter's UTF-8; opEmoji: the word
}

const (
	opASCII  = iota // as the ASCII character b
	opLetter        // the letter b
	opSep           // a separator of kind b
	opRaw           // a letter kept as it is (s)
	opEmoji         // the word s, a word of its own
)

// runeCacheMax bounds each normaliser's cache of character plans, so that a
// text of many different characters cannot grow it without end.
const runeCacheMax = 4096

func (n *normaliser) rune(r rune, start, end int) {
	plan, ok := n.plans[r]
	if !ok {
		plan = runePlan(r)
		if n.plans == nil {
			n.plans = make(map[rune][]runeOp)
		}
		if len(n.plans) < runeCacheMax {
			n.plans[r] = plan
		}
	}
	for _, op := range plan {
		switch op.kind {
		case opASCII:
			n.ascii(op.b, start)
		case opLetter:
			n.letter(op.b, start)
		case opSep:
			n.sep(op.b, start)
		case opRaw:
			if !n.inTok {
				n.startToken(int32(start))
			}
			for j := 0; j < len(op.s); j++ {
				n.out.text = append(n.out.text, op.s[j])
				n.out.orig = append(n.out.orig, int32(start))
			}
			n.prev = 0
			n.tokLetters = true
		case opEmoji:
			n.sep(' ', start)
			for j := 0; j < len(op.s); j++ {
				n.add(op.s[j], start)
			}
			n.tokLetters = true
			n.sep(' ', end)
		}
	}
}

// runePlan works out the steps for r, a character outside ASCII.
func runePlan(r rune) []runeOp {
	if r == '\u2019' || r == '\u2018' || r == '\u02bc' { // typographic apostrophes
		return []runeOp{{kind: opASCII, b: '\''}}
	}
	if w := emojiWord(r); w != "" {
		return []runeOp{{kind: opEmoji, s: w}}
	}
	if l := confusable(unicode.ToLower(r)); l != 0 {
		return []runeOp{{kind: opLetter, b: l}}
	}
	switch {
	case r == utf8.RuneError:
		return []runeOp{{kind: opSep, b: ' '}}
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Mn, unicode.Me, unicode.Mc):
		// Zero-width, direction and other invisible marks, variation
		// selectors and combining accents: dropped, so "ki\u200bll" is "kill".
		return []runeOp{}
	case unicode.In(r, unicode.Zl, unicode.Zp):
		return []runeOp{{kind: opSep, b: '\n'}}
	case unicode.IsSpace(r) || unicode.Is(unicode.Zs, r):
		return []runeOp{{kind: opSep, b: ' '}}
	}
	var one [utf8.UTFMax]byte
	k := utf8.EncodeRune(one[:], r)
	plan := []runeOp{}
	for _, d := range string(norm.NFKD.Append(nil, one[:k]...)) {
		switch {
		case d < utf8.RuneSelf:
			plan = append(plan, runeOp{kind: opASCII, b: byte(d)})
		case d == '\u2019' || d == '\u2018' || d == '\u02bc': // "ŉ" decomposes to "ʼn"
			plan = append(plan, runeOp{kind: opASCII, b: '\''})
		case unicode.In(d, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf):
		case d == 'ß' || d == 'ẞ':
			plan = append(plan, runeOp{kind: opLetter, b: 's'}, runeOp{kind: opLetter, b: 's'})
		case unicode.IsLetter(d) || unicode.IsDigit(d):
			d = unicode.ToLower(d)
			if l := confusable(d); l != 0 {
				plan = append(plan, runeOp{kind: opLetter, b: l})
				continue
			}
			plan = append(plan, runeOp{kind: opRaw, s: string(d)})
		case d == '…' || d == '。' || d == '！' || d == '？' || d == '¡' || d == '¿':
			plan = append(plan, runeOp{kind: opSep, b: '\n'})
		default:
			plan = append(plan, runeOp{kind: opSep, b: ' '})
		}
	}
	return plan
}

func (n *normaliser) letter(c byte, at int) {
	n.add(c, at)
	n.tokLetters = true
}

// sep ends the word being read; kind '\n' (a clause break) outranks ' '.
func (n *normaliser) sep(kind byte, at int) {
	if n.inTok {
		n.endToken()
	}
	if n.sepKind == 0 {
		n.sepKind, n.sepOrig = kind, int32(at)
	} else if kind == '\n' {
		n.sepKind = '\n'
	}
}

// endToken finishes the word being read: leet letters become letters when
// the word has real ones (and repeats collapse again), and a one-letter word
// waits in singles.
func (n *normaliser) endToken() {
	n.inTok = false
	if n.tokLeet {
		w := n.out.text[n.tokStart:]
		o := n.out.orig[n.tokStart:]
		k := 0
		var prev byte
		for i, c := range w {
			if n.tokLetters {
				c = leet(c)
			} else if c < '0' || c > '9' {
				continue // symbols with no letters: "$$"
			}
			if c == prev && c >= 'a' && c <= 'z' {
				continue
			}
			prev = c
			w[k], o[k] = c, o[i]
			k++
		}
		n.out.text = n.out.text[:n.tokStart+k]
		n.out.orig = n.out.orig[:n.tokStart+k]
		if k == 0 {
			n.undoToken()
			return
		}
	}
	w := n.out.text[n.tokStart:]
	if len(w) == 1 && w[0] >= 'a' && w[0] <= 'z' {
		c, at := w[0], n.out.orig[n.tokStart]
		n.undoToken()
		n.singles = append(n.singles, c)
		n.singlesOrig = append(n.singlesOrig, at)
		n.singlesSep = append(n.singlesSep, n.sepKind)
		n.singlesSepO = append(n.singlesSepO, n.sepOrig)
		n.sepKind = 0
		return
	}
	if len(n.singles) == 0 {
		return
	}
	// Single letters wait before this word: take the word out, write them,
	// and put the word back after them.
	n.scratch = append(n.scratch[:0], w...)
	n.scratchOrig = append(n.scratchOrig[:0], n.out.orig[n.tokStart:]...)
	n.undoToken()
	n.flushSingles()
	n.emitSep(n.scratchOrig[0])
	n.out.text = append(n.out.text, n.scratch...)
	n.out.orig = append(n.out.orig, n.scratchOrig...)
}

// flushSingles writes the waiting one-letter words: as one word when there
// are three or more ("k i l l" is "kill"), else each as itself.
func (n *normaliser) flushSingles() {
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
func (n *normaliser) emitSep(next int32) {
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

// Normalise returns the normal form of s the matcher sees, without the
// separators at its ends: for tests, the scan command's users and anyone
// wanting to know why a phrase did or did not match.
func Normalise(s string) string {
	var n normaliser
	t := n.normalise(s).text
	if len(t) <= 2 {
		return ""
	}
	return string(t[1 : len(t)-1])
}
