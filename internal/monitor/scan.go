package monitor

import (
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Match is one phrase of the library found in a text.
type Match struct {
	Category Category `json:"category"`
	Severity int      `json:"severity"`
	EntryID  string   `json:"entry"`
	Phrase   string   `json:"phrase"`
	// Rule names the context rule (a frame's ID) that lowered the severity;
	// empty when none did.
	Rule string `json:"rule,omitempty"`
	// Start and End are byte offsets into the original text: text[Start:End]
	// is what matched, as the child wrote it.
	Start int `json:"start"`
	End   int `json:"end"`
}

// pattern kinds: what a compiled pattern stands for.
const (
	patEntry      = iota // an entry's phrase (word or part mode), or a phrase entry's first word
	patException         // an exception of an entry
	patFrame             // a frame's cue, standing before its match
	patFrameAfter        // a frame's cue, standing after its match
)

type pattern struct {
	ref   int32 // entry or frame index
	len   int32 // bytes, boundary separators included
	kind  uint8
	inner bool // the pattern carries a space at each end to strip
}

// compiled holds what Scan needs beyond the automaton. What it reads for
// every hit is kept in small arrays of its own (pats, hot), not read from
// the entries, whose text and metadata would spread each scan's reads over
// far more memory than the automaton's own tables, and push them out of the
// cache.
type compiled struct {
	pats  []pattern
	hot   []entryHot  // per entry
	heads []matchHead // per entry, for the matches kept
	words [][][]byte  // ModePhrase entries: the normalised words after the first
	rules frameRules
}

// entryHot is what the rules read of an entry for each of its hits.
type entryHot struct {
	severity int32
	gap      int32  // ModePhrase: the most words between two of the phrase's
	cat      uint16 // its category's bit, for the frames' categories
	phrase   bool   // ModePhrase
}

// matchHead is what a Match copies from its entry.
type matchHead struct {
	category Category
	id       string
	phrase   string
}

func build(name string, entries []Entry, frames []Frame, excl []Exclusion, changes []change) (*Library, error) {
	start := time.Now()
	l := &Library{name: name, entries: entries, frames: frames, exclusions: excl, changes: changes}
	var raw [][]byte
	c := &compiled{words: make([][][]byte, len(entries)), hot: make([]entryHot, len(entries)),
		heads: make([]matchHead, len(entries)), rules: newFrameRules(frames)}
	add := func(p pattern, text []byte) {
		p.len = int32(len(text))
		c.pats = append(c.pats, p)
		raw = append(raw, text)
	}
	var n normaliser
	word := func(s string) []byte {
		return append([]byte(nil), n.normalise(s).text...) // "\nword\n": both ends bounded
	}
	for i, e := range entries {
		c.hot[i] = entryHot{severity: int32(max(e.Severity, 1)), gap: int32(e.Gap), cat: catBit(e.Category), phrase: e.Mode == ModePhrase}
		c.heads[i] = matchHead{category: e.Category, id: e.ID, phrase: e.Phrase}
		switch e.Mode {
		case ModePart:
			t := n.normalise(e.Phrase).text
			add(pattern{kind: patEntry, ref: int32(i)}, append([]byte(nil), t[1:len(t)-1]...))
		case ModeWord:
			add(pattern{kind: patEntry, ref: int32(i), inner: true}, word(e.Phrase))
		case ModePhrase:
			ws := strings.Split(Normalise(e.Phrase), " ")
			add(pattern{kind: patEntry, ref: int32(i), inner: true}, []byte("\n"+ws[0]+"\n"))
			for _, w := range ws[1:] {
				c.words[i] = append(c.words[i], []byte(w))
			}
		}
		for _, x := range e.Exceptions {
			add(pattern{kind: patException, ref: int32(i), inner: true}, word(x))
		}
	}
	for i, f := range frames {
		kind := uint8(patFrame)
		if f.After {
			kind = patFrameAfter
		}
		add(pattern{kind: kind, ref: int32(i), inner: true}, word(f.Cue))
	}
	// '\n' and ' ' are one class in the automaton, so "\nword\n" matches
	// between any separators; spaces inside are written ' ' for the class
	// table to see.
	for _, p := range raw {
		for j := range p {
			if p[j] == '\n' {
				p[j] = ' '
			}
		}
	}
	l.m = compile(raw)
	l.c = c
	l.pool = &sync.Pool{New: func() any { return &scanState{n: normaliser{m: l.m}} }}
	l.stats = Stats{
		Entries:   len(entries),
		Patterns:  len(raw),
		States:    l.m.states(),
		Classes:   l.m.nclass,
		Bytes:     l.m.bytes(),
		BuildTime: time.Since(start),
	}
	return l, nil
}

// hit is one pattern occurrence in normalised text, [start, end) without
// the boundary separators.
type hit struct {
	pat        int32
	start, end int32
}

type scanState struct {
	n      normaliser
	hits   []hit      // entries' phrases
	except []hit      // exceptions
	before []frameHit // cues standing before their match, by end
	after  []frameHit // cues standing after their match, by start
	// cands collects a text's matches before duplicates and contained ones
	// go; Scan returns a new slice of exactly the ones kept, so the only
	// allocation per text with matches is its result.
	cands []cand
}

// cand is a match before duplicates and contained ones go. It holds no
// pointers, so that filling the pooled slice costs no write barriers and
// the strings of a Match are copied only for the matches kept.
type cand struct {
	entry      int32
	frame      int32 // the frame that lowered the severity, or -1
	severity   int32
	start, end int32 // byte offsets into the original text
}

// Scan returns the library's matches in text, typed or searched on site (a
// host name or URL; "" when unknown), ordered by where they start. A text
// with none gives an empty, non-nil slice.
func (l *Library) Scan(text, site string) []Match {
	st := l.pool.Get().(*scanState)
	defer l.pool.Put(st)
	nt := st.n.normalise(text) // runs the automaton too: st.n.raw
	if len(st.n.raw) == 0 {
		return []Match{}
	}
	st.hits, st.except, st.before, st.after = st.hits[:0], st.except[:0], st.before[:0], st.after[:0]
	cues := int32(0)
	for _, r := range st.n.raw {
		p := l.c.pats[r.id]
		s, e := r.end-p.len, r.end
		if p.inner {
			s, e = s+1, e-1
		}
		switch p.kind {
		case patEntry:
			st.hits = append(st.hits, hit{pat: r.id, start: s, end: e})
		case patException:
			st.except = append(st.except, hit{pat: r.id, start: s, end: e})
		case patFrame:
			st.before = append(st.before, frameHit{frame: p.ref, ord: cues, start: s, end: e})
			cues++
		default:
			st.after = append(st.after, frameHit{frame: p.ref, ord: cues, start: s, end: e})
			cues++
		}
	}
	if len(st.hits) == 0 {
		return []Match{}
	}
	sortByStart(st.after)
	cands := st.cands[:0]
	host := siteHost(site)
	for _, h := range st.hits {
		ref := l.c.pats[h.pat].ref
		e := &l.c.hot[ref]
		if e.phrase {
			end, ok := followWords(nt.text, int(h.end), l.c.words[ref], int(e.gap))
			if !ok {
				continue
			}
			h.end = int32(end)
		}
		if (len(st.except) > 0 && l.excepted(st.except, ref, h)) || l.excluded(host, &l.entries[ref]) {
			continue
		}
		sev, frame := e.severity, int32(-1)
		if cues > 0 {
			var cancel bool
			if sev, frame, cancel = l.frameEffect(nt.text, st.before, st.after, h, e); cancel {
				continue
			}
		}
		start, end := nt.orig[h.start], nt.orig[h.end]
		if end <= start { // a match ending inside one original character ("ﬁ")
			_, size := utf8.DecodeRuneInString(text[start:])
			end = start + int32(max(size, 1))
		}
		cands = append(cands, cand{entry: ref, frame: frame, severity: sev, start: start, end: end})
	}
	st.cands = cands[:0]
	slices.SortStableFunc(cands, func(a, b cand) int {
		if a.start != b.start {
			return int(a.start - b.start)
		}
		return int(b.severity - a.severity)
	})
	// One match per entry and place: a phrase written twice ("kill kill")
	// still counts twice, but the same span never does.
	cands = slices.CompactFunc(cands, func(a, b cand) bool {
		return a.start == b.start && a.end == b.end && (a.entry == b.entry || l.c.heads[a.entry].id == l.c.heads[b.entry].id)
	})
	return l.results(cands)
}

// results returns, in a new slice of exactly their number, the matches of
// cs not lying wholly inside a longer one: the longer phrase is the more
// specific reading ("kill myself" is suicide, not the violence of "kill"),
// and one place in the text raises one alert. cs is sorted by start.
func (l *Library) results(cs []cand) []Match {
	n := 0
	for i := range cs {
		if !contained(cs, i) {
			n++
		}
	}
	out := make([]Match, n)
	j := 0
	for i := range cs {
		if contained(cs, i) {
			continue
		}
		c := &cs[i]
		e := &l.c.heads[c.entry]
		m := &out[j]
		j++
		m.Category, m.Severity, m.EntryID, m.Phrase = e.category, int(c.severity), e.id, e.phrase
		m.Start, m.End = int(c.start), int(c.end)
		if c.frame >= 0 {
			m.Rule = l.frames[c.frame].ID
		}
	}
	return out
}

// contained reports whether cs[i] lies inside a longer match of cs.
func contained(cs []cand, i int) bool {
	m := cs[i]
	for j := range cs {
		o := &cs[j]
		if o.start > m.start {
			return false
		}
		if j != i && m.end <= o.end && o.end-o.start > m.end-m.start {
			return true
		}
	}
	return false
}

// followWords checks that words follow position at (a separator) in order,
// each within gap other words of the one before and in the same clause, and
// returns where the last one ends.
func followWords(text []byte, at int, words [][]byte, gap int) (int, bool) {
	for _, w := range words {
		found := false
		for skipped := 0; skipped <= gap; skipped++ {
			if at >= len(text)-1 || text[at] == '\n' {
				return 0, false
			}
			ws := at + 1
			we := ws
			for we < len(text) && text[we] != ' ' && text[we] != '\n' {
				we++
			}
			at = we
			if string(text[ws:we]) == string(w) {
				found = true
				break
			}
		}
		if !found {
			return 0, false
		}
	}
	return at, true
}

// excepted reports whether an exception of entry ref overlaps h.
func (l *Library) excepted(except []hit, ref int32, h hit) bool {
	for _, x := range except {
		if l.c.pats[x.pat].ref == ref && x.start < h.end && h.start < x.end {
			return true
		}
	}
	return false
}

func (l *Library) excluded(host string, e *Entry) bool {
	if host == "" {
		return false
	}
	for _, x := range l.exclusions {
		if host != x.Site && !strings.HasSuffix(host, "."+x.Site) {
			continue
		}
		if (x.EntryID == "" && x.Category == "") || x.EntryID == e.ID || x.Category == e.Category {
			return true
		}
	}
	return false
}

// siteHost reduces a site given as a URL or host to its lower-case host name.
func siteHost(site string) string {
	if site == "" { // most captures and every bench text: nothing to take apart
		return ""
	}
	s := strings.ToLower(strings.TrimSpace(site))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if i := strings.LastIndexByte(s, ':'); i >= 0 && !strings.Contains(s[i:], "]") {
		s = s[:i]
	}
	return strings.TrimSuffix(s, ".")
}

// NormalForm returns the bytes the automaton reads for s: its normal form
// with a clause break at each end. With CountNormalised it measures the
// automaton apart from normalising and the rules (bench/monitor).
func NormalForm(s string) []byte {
	var n normaliser
	return append([]byte(nil), n.normalise(s).text...)
}

// Normaliser gives the normal form of texts one after another, reusing its
// buffers as Scan does: with it bench/monitor measures the normaliser per
// text, as the pipeline runs it. It is not safe for concurrent use.
type Normaliser struct{ n normaliser }

// Form returns the bytes the automaton reads for s, valid until the next
// call.
func (n *Normaliser) Form(s string) []byte { return n.n.normalise(s).text }

// CountNormalised counts every occurrence of every compiled pattern
// (phrases, exceptions and cues) in text already in normal form: the
// automaton alone, without the rules, for benchmarks.
func (l *Library) CountNormalised(text []byte) int { return l.m.count(text) }
