package monitor

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Mode says how an entry's phrase must sit in the text.
type Mode string

const (
	// ModeWord matches the phrase as whole words: "cut myself" matches
	// "I cut myself" but not "haircut myselfie".
	ModeWord Mode = "word"
	// ModePart matches the phrase anywhere, even inside a longer word:
	// "nazi" in "neonazis". Such phrases need at least four letters, so that
	// short ones do not fire inside everyday words.
	ModePart Mode = "part"
	// ModePhrase matches the phrase's words in order with up to Gap other
	// words between each pair: "want die" with gap 3 matches "want to just die".
	ModePhrase Mode = "phrase"
)

// Entry is one phrase of the library.
type Entry struct {
	ID       string
	Category Category
	Severity int // 1 (low) to 5 (a child may be at risk now)
	Mode     Mode
	Phrase   string // as written in the library
	Gap      int    // ModePhrase: most words allowed between two of the phrase's words
	// Exceptions are phrases that cancel a match they overlap: "kill time"
	// cancels "kill".
	Exceptions []string
	Lang       string   // ISO 639-1 code of the phrase's language
	Ages       []string // age bands the entry is meant for, "all" or "N-M"
	Source     string   // where the entry came from
	Origin     string   // file and line it was read from
}

// FrameKind is the kind of context a frame rule recognises.
type FrameKind string

const (
	FrameEducational FrameKind = "educational" // "how to help a friend who…", "signs of…"
	FrameReporting   FrameKind = "reporting"   // "my friend told me…", "I want to report…"
	FrameNegated     FrameKind = "negated"     // "I would never…"
)

// Frame is a context rule: when its cue stands shortly before a match in the
// same clause, the match is cancelled or its severity lowered.
type Frame struct {
	ID     string
	Kind   FrameKind
	Cue    string
	Window int  // most words between the cue and the match
	After  bool // the cue follows the match ("suicide prevention") instead of preceding it
	Cancel bool
	Lower  int // severity steps taken off when not Cancel (a match never drops below 1)
	// Categories limits the frame to matches of these categories; empty
	// means every category.
	Categories []Category
	Origin     string
}

// Exclusion stops matches on a site (and its subdomains): all of them, one
// entry's, or one category's.
type Exclusion struct {
	Site     string
	EntryID  string
	Category Category
	Origin   string
}

// change is a directive of a local file that alters an entry of the library
// it is merged onto.
type change struct {
	verb     string // retire, regrade, reword
	id       string
	severity int
	phrase   string
	mode     Mode
	gap      int
	except   []string
	origin   string
}

// Library is a validated, compiled phrase library. It is safe for concurrent
// Scans; nothing changes it after it is built.
type Library struct {
	name       string
	entries    []Entry
	frames     []Frame
	exclusions []Exclusion
	changes    []change // pending: applied by Merge onto another library

	m     *matcher
	c     *compiled
	pool  *sync.Pool // of *scanState: Scan's buffers, reused
	stats Stats
}

// Stats describes the compiled automaton.
type Stats struct {
	Entries   int
	Patterns  int // phrases, exceptions and frame cues compiled
	States    int
	Classes   int // byte classes of the transition table
	Bytes     int // memory held by the transition and output tables
	BuildTime time.Duration
}

// Name is the name the library was loaded under.
func (l *Library) Name() string { return l.name }

// Entries returns a copy of the library's entries.
func (l *Library) Entries() []Entry { return slices.Clone(l.entries) }

// Frames returns a copy of the library's context rules.
func (l *Library) Frames() []Frame { return slices.Clone(l.frames) }

// Exclusions returns a copy of the library's site exclusions.
func (l *Library) Exclusions() []Exclusion { return slices.Clone(l.exclusions) }

// Stats returns figures about the compiled automaton.
func (l *Library) Stats() Stats { return l.stats }

// Pending reports how many retire, regrade and reword directives wait to be
// applied by Merge.
func (l *Library) Pending() int { return len(l.changes) }

// Merge returns a new library: l's entries with local's changes applied
// (retire, regrade, reword) and local's entries, frames and exclusions added.
// A local entry may not reuse an ID of l (reword or regrade it instead), and
// every change must name an entry that exists; errors name local's file and
// line.
func (l *Library) Merge(local *Library) (*Library, error) {
	byID := make(map[string]int, len(l.entries))
	entries := slices.Clone(l.entries)
	for i, e := range entries {
		byID[e.ID] = i
	}
	var errs []string
	for _, e := range local.entries {
		if _, dup := byID[e.ID]; dup {
			errs = append(errs, fmt.Sprintf("%s: entry %q is already in %s; reword, regrade or retire it instead", e.Origin, e.ID, l.name))
			continue
		}
		byID[e.ID] = len(entries)
		entries = append(entries, e)
	}
	frameIDs := map[string]bool{}
	for _, f := range l.frames {
		frameIDs[f.ID] = true
	}
	for _, f := range local.frames {
		if frameIDs[f.ID] {
			errs = append(errs, fmt.Sprintf("%s: frame %q is already in %s", f.Origin, f.ID, l.name))
		}
	}
	retired := map[int]bool{}
	for _, c := range slices.Concat(l.changes, local.changes) {
		i, ok := byID[c.id]
		if !ok || retired[i] {
			errs = append(errs, fmt.Sprintf("%s: %s names entry %q, which is not in the library", c.origin, c.verb, c.id))
			continue
		}
		e := &entries[i]
		switch c.verb {
		case "retire":
			retired[i] = true
		case "regrade":
			e.Severity = c.severity
		case "reword":
			e.Phrase = c.phrase
			if c.mode != "" {
				e.Mode = c.mode
			}
			if c.gap != 0 {
				e.Gap = c.gap
			}
			e.Exceptions = append(slices.Clone(e.Exceptions), c.except...)
			if e.Mode == ModePhrase && e.Gap == 0 {
				e.Gap = defaultGap
			}
			if msg := checkPhrase(e.Mode, e.Phrase); msg != "" {
				errs = append(errs, fmt.Sprintf("%s: reword %q: %s", c.origin, c.id, msg))
			}
		}
		e.Origin = c.origin
	}
	for _, x := range local.exclusions {
		if x.EntryID != "" {
			if _, ok := byID[x.EntryID]; !ok {
				errs = append(errs, fmt.Sprintf("%s: exclude names entry %q, which is not in the library", x.Origin, x.EntryID))
			}
		}
	}
	if len(errs) > 0 {
		return nil, &LoadError{Problems: errs}
	}
	kept := entries[:0:0]
	for i, e := range entries {
		if !retired[i] {
			kept = append(kept, e)
		}
	}
	return build(l.name+"+"+local.name, kept, slices.Concat(l.frames, local.frames), slices.Concat(l.exclusions, local.exclusions), nil)
}

// LoadError lists every problem found in a library file, each starting with
// the file's name and line.
type LoadError struct {
	Problems []string
}

func (e *LoadError) Error() string {
	const most = 20
	if len(e.Problems) > most {
		return strings.Join(e.Problems[:most], "\n") + fmt.Sprintf("\n(and %d more problems)", len(e.Problems)-most)
	}
	return strings.Join(e.Problems, "\n")
}
