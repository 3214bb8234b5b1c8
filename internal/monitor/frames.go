package monitor

import "sort"

// The context rules' lookup. A text of a few hundred words may hold dozens
// of cue hits ("you", "he", "support") and dozens of matches; trying every
// cue against every match cost more than the automaton itself. Instead the
// cues that precede their match are kept in the order of their end, those
// that follow it in the order of their start, and each match looks only at
// the cues next to it, outwards, stopping at the first that is out of every
// frame's window: the gap to any cue further out holds that one's gap.

// frameHit is one cue occurrence in normalised text, [start, end) without
// the boundary separators; ord is its place among all the text's cue hits
// in the automaton's order, which decides between frames that lower alike.
type frameHit struct {
	frame      int32
	ord        int32
	start, end int32
}

// frameRules is what the lookup needs of the library's frames, worked out
// once when it is built.
type frameRules struct {
	cats      []uint16 // per frame: the categories it applies to as bits; 0 is every one
	maxBefore int      // the widest window of a frame whose cue precedes its match
	maxAfter  int      // the same for cues that follow
}

func newFrameRules(frames []Frame) frameRules {
	r := frameRules{cats: make([]uint16, len(frames))}
	for i, f := range frames {
		for _, c := range f.Categories {
			r.cats[i] |= catBit(c)
		}
		if f.After {
			r.maxAfter = max(r.maxAfter, f.Window)
		} else {
			r.maxBefore = max(r.maxBefore, f.Window)
		}
	}
	return r
}

// catBit is c's bit among the categories; every loaded category is valid,
// so none is 0.
func catBit(c Category) uint16 {
	for i, k := range Categories() {
		if c == k {
			return 1 << i
		}
	}
	return 0
}

// frameChoice collects the frames that apply to one match: the strongest
// wins, a cancel over any lowering, and of equal lowerings the cue met
// first in the text.
type frameChoice struct {
	cancel bool
	lower  int
	frame  int32 // -1 while no frame lowers
	ord    int32
}

func (c *frameChoice) take(f *Frame, frame, ord int32) {
	switch {
	case f.Cancel:
		c.cancel = true
	case f.Lower > c.lower || (f.Lower == c.lower && c.lower > 0 && ord < c.ord):
		c.lower, c.frame, c.ord = f.Lower, frame, ord
	}
}

// frameEffect applies the frames whose cue stands within their window of h
// in the same clause. before holds the preceding-cue hits ordered by end,
// after the following-cue hits ordered by start.
func (l *Library) frameEffect(text []byte, before, after []frameHit, h hit, e *entryHot) (sev int32, frame int32, cancel bool) {
	ch := frameChoice{frame: -1}
	bit := e.cat
	// The last cue ending at or before the match, then outwards.
	lo := sort.Search(len(before), func(i int) bool { return before[i].end > h.start })
	for i := lo - 1; i >= 0; i-- {
		x := &before[i]
		words := gapWords(text[x.end:h.start], l.c.rules.maxBefore)
		if words < 0 {
			break
		}
		if f := &l.frames[x.frame]; words <= f.Window && l.appliesTo(x.frame, bit) {
			ch.take(f, x.frame, x.ord)
		}
	}
	// The first cue starting at or after the match's end, then outwards.
	lo = sort.Search(len(after), func(i int) bool { return after[i].start >= h.end })
	for i := lo; i < len(after); i++ {
		x := &after[i]
		words := gapWords(text[h.end:x.start], l.c.rules.maxAfter)
		if words < 0 {
			break
		}
		if f := &l.frames[x.frame]; words <= f.Window && l.appliesTo(x.frame, bit) {
			ch.take(f, x.frame, x.ord)
		}
	}
	if ch.cancel {
		return 0, -1, true
	}
	return max(e.severity-int32(ch.lower), 1), ch.frame, false
}

func (l *Library) appliesTo(frame int32, bit uint16) bool {
	c := l.c.rules.cats[frame]
	return c == 0 || c&bit != 0
}

// gapWords returns how many words stand in gap, the text between a cue and
// a match (each word brings one separator more than the one a gap of no
// words holds), or -1 when gap breaks the clause or holds more than window
// words. It stops reading as soon as the answer is -1.
func gapWords(gap []byte, window int) int {
	seps := 0
	for _, b := range gap {
		switch b {
		case ' ':
			seps++
			if seps-1 > window {
				return -1
			}
		case '\n':
			return -1
		}
	}
	return max(seps-1, 0)
}

// sortByStart orders the following-cue hits by where they start; the
// automaton reports them by where they end, so they are nearly in order
// already and an insertion sort (stable: equal starts keep the automaton's
// order) does it in one pass.
func sortByStart(hs []frameHit) {
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hs[j].start < hs[j-1].start; j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}
