package monitor

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The library file format: one directive a line, '#' starts a comment line,
// blank lines are ignored. A directive is a verb, an identifier and
// key=value fields; a value with spaces is written in double quotes, with \"
// and \\ inside. See docs/monitor.md.
//
//	entry sh-cut-myself category=self_harm severity=4 mode=word phrase="cut myself" except="cut myself some slack" lang=en ages=11-18 source=lifeguard
//	frame neg-never kind=negated cue="never" window=2 effect=cancel
//	frame you kind=reporting cue="you" window=1 categories=suicide,self_harm effect=lower-2
//	retire sh-cut-myself
//	regrade sh-cut-myself severity=3
//	reword sh-cut-myself phrase="cutting myself" mode=word
//	exclude site=bbc.co.uk category=violence_weapons
//
// retire, regrade and reword change an entry of the library the file is
// merged onto (Library.Merge); entry, frame and exclude add to it.

const (
	defaultGap    = 3
	maxGap        = 8
	maxPhrase     = 200 // bytes
	maxLine       = 4096
	defaultWindow = 3
	maxWindow     = 12
)

// Load reads and validates a library file; name is used in errors
// ("local.lib:12: severity must be 1 to 5"). Every problem is reported, in a
// *LoadError.
func Load(r io.Reader, name string) (*Library, error) {
	p := parser{name: name, ids: map[string]bool{}, frameIDs: map[string]bool{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, maxLine), maxLine)
	line := 0
	for sc.Scan() {
		line++
		p.line(line, sc.Text())
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			p.fail(line+1, "line longer than %d bytes", maxLine)
		} else {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
	}
	if len(p.problems) > 0 {
		return nil, &LoadError{Problems: p.problems}
	}
	return build(name, p.entries, p.frames, p.exclusions, p.changes)
}

type parser struct {
	name       string
	problems   []string
	entries    []Entry
	frames     []Frame
	exclusions []Exclusion
	changes    []change
	ids        map[string]bool
	frameIDs   map[string]bool
}

func (p *parser) fail(line int, format string, args ...any) {
	p.problems = append(p.problems, fmt.Sprintf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...)))
}

// field is one key=value (or a bare word, with key "").
type field struct {
	key, value string
}

// splitFields splits a directive line into fields.
func splitFields(s string) ([]field, error) {
	var out []field
	i := 0
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
		if i >= len(s) {
			return out, nil
		}
		start := i
		for i < len(s) && s[i] != ' ' && s[i] != '\t' && s[i] != '=' && s[i] != '"' {
			i++
		}
		if i < len(s) && s[i] == '"' {
			return nil, fmt.Errorf("a quote must follow key= (at column %d)", i+1)
		}
		if i >= len(s) || s[i] != '=' {
			out = append(out, field{value: s[start:i]})
			continue
		}
		key := s[start:i]
		if key == "" {
			return nil, fmt.Errorf("'=' with no key before it (at column %d)", i+1)
		}
		i++
		if i < len(s) && s[i] == '"' {
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				c := s[i]
				if c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
					b.WriteByte(s[i+1])
					i += 2
					continue
				}
				if c == '"' {
					closed = true
					i++
					break
				}
				b.WriteByte(c)
				i++
			}
			if !closed {
				return nil, fmt.Errorf("%s: the quoted value is not closed", key)
			}
			if i < len(s) && s[i] != ' ' && s[i] != '\t' {
				return nil, fmt.Errorf("%s: a space must follow the closing quote", key)
			}
			out = append(out, field{key: key, value: b.String()})
			continue
		}
		vs := i
		for i < len(s) && s[i] != ' ' && s[i] != '\t' {
			i++
		}
		out = append(out, field{key: key, value: s[vs:i]})
	}
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || (i > 0 && (c == '-' || c == '_' || c == '.'))
		if !ok {
			return false
		}
	}
	return true
}

// allowed lists the keys each verb takes, and whether a key may repeat.
var allowed = map[string]map[string]bool{
	"entry":   {"category": false, "severity": false, "mode": false, "phrase": false, "gap": false, "except": true, "lang": false, "ages": false, "source": false},
	"frame":   {"kind": false, "cue": false, "window": false, "effect": false, "position": false, "categories": false},
	"retire":  {},
	"regrade": {"severity": false},
	"reword":  {"phrase": false, "mode": false, "gap": false, "except": true},
	"exclude": {"site": false, "entry": false, "category": false},
}

func (p *parser) line(n int, text string) {
	if !utf8.ValidString(text) {
		p.fail(n, "the line is not valid UTF-8")
		return
	}
	t := strings.TrimSpace(text)
	if t == "" || t[0] == '#' {
		return
	}
	for _, r := range t {
		if r < 0x20 && r != '\t' || r == 0x7f {
			p.fail(n, "the line holds a control character")
			return
		}
	}
	fs, err := splitFields(t)
	if err != nil {
		p.fail(n, "%v", err)
		return
	}
	verb := fs[0]
	if verb.key != "" {
		p.fail(n, "a line must start with a verb (entry, frame, retire, regrade, reword, exclude), not %s=", verb.key)
		return
	}
	keys, ok := allowed[verb.value]
	if !ok {
		p.fail(n, "unknown verb %q: use entry, frame, retire, regrade, reword or exclude", verb.value)
		return
	}
	rest := fs[1:]
	id := ""
	if verb.value != "exclude" {
		if len(rest) == 0 || rest[0].key != "" {
			p.fail(n, "%s needs an identifier after it", verb.value)
			return
		}
		id = rest[0].value
		rest = rest[1:]
		if !validID(id) {
			p.fail(n, "identifier %q: use 1 to 64 lower-case letters, digits, '-', '_' or '.', starting with a letter or digit", id)
			return
		}
	}
	vals := map[string][]string{}
	for _, f := range rest {
		if f.key == "" {
			p.fail(n, "unexpected word %q: fields are key=value", f.value)
			return
		}
		repeat, ok := keys[f.key]
		if !ok {
			p.fail(n, "%s does not take %s", verb.value, f.key)
			return
		}
		if !repeat && len(vals[f.key]) > 0 {
			p.fail(n, "%s is given twice", f.key)
			return
		}
		vals[f.key] = append(vals[f.key], f.value)
	}
	one := func(k string) string {
		if v := vals[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	origin := fmt.Sprintf("%s:%d", p.name, n)
	switch verb.value {
	case "entry":
		p.entry(n, id, one, vals["except"], origin)
	case "frame":
		p.frame(n, id, one, origin)
	case "retire":
		p.changes = append(p.changes, change{verb: "retire", id: id, origin: origin})
	case "regrade":
		sev, ok := p.severity(n, one("severity"))
		if ok {
			p.changes = append(p.changes, change{verb: "regrade", id: id, severity: sev, origin: origin})
		}
	case "reword":
		c := change{verb: "reword", id: id, phrase: one("phrase"), origin: origin}
		if c.phrase == "" {
			p.fail(n, "reword needs phrase=")
			return
		}
		if m := one("mode"); m != "" {
			if c.mode = Mode(m); !validMode(c.mode) {
				p.fail(n, "mode %q: use word, part or phrase", m)
				return
			}
		}
		if g := one("gap"); g != "" {
			if c.gap = p.number(n, "gap", g, 1, maxGap); c.gap == 0 {
				return
			}
		}
		for _, x := range vals["except"] {
			if msg := checkPhrase(ModeWord, x); msg != "" {
				p.fail(n, "except %q: %s", x, msg)
				return
			}
		}
		c.except = vals["except"]
		if c.mode != "" {
			if msg := checkPhrase(c.mode, c.phrase); msg != "" {
				p.fail(n, "phrase: %s", msg)
				return
			}
		}
		p.changes = append(p.changes, c)
	case "exclude":
		p.exclude(n, one, origin)
	}
}

func (p *parser) severity(n int, s string) (int, bool) {
	if s == "" {
		p.fail(n, "severity is missing: give 1 (low) to 5 (a child may be at risk now)")
		return 0, false
	}
	v := p.number(n, "severity", s, 1, 5)
	return v, v != 0
}

// number parses a whole number in [lo, hi]; 0 (with a problem recorded) when
// it is not one.
func (p *parser) number(n int, key, s string, lo, hi int) int {
	v, err := strconv.Atoi(s)
	if err != nil || v < lo || v > hi {
		p.fail(n, "%s %q: must be a whole number from %d to %d", key, s, lo, hi)
		return 0
	}
	return v
}

func validMode(m Mode) bool { return m == ModeWord || m == ModePart || m == ModePhrase }

func (p *parser) entry(n int, id string, one func(string) string, except []string, origin string) {
	if p.ids[id] {
		p.fail(n, "entry %q is defined twice in this file", id)
		return
	}
	e := Entry{ID: id, Origin: origin, Exceptions: except, Lang: "en", Ages: []string{"all"}, Source: p.name}
	bad := len(p.problems)
	e.Category = Category(one("category"))
	switch {
	case e.Category == "":
		p.fail(n, "category is missing")
	case !e.Category.Valid():
		p.fail(n, "category %q is not one of %s", e.Category, categoryList())
	}
	if sev, ok := p.severity(n, one("severity")); ok {
		e.Severity = sev
	}
	e.Mode = Mode(one("mode"))
	if e.Mode == "" {
		e.Mode = ModeWord
	}
	if !validMode(e.Mode) {
		p.fail(n, "mode %q: use word, part or phrase", e.Mode)
	}
	e.Phrase = one("phrase")
	if e.Phrase == "" {
		p.fail(n, "phrase is missing")
	} else if validMode(e.Mode) {
		if msg := checkPhrase(e.Mode, e.Phrase); msg != "" {
			p.fail(n, "phrase %q: %s", e.Phrase, msg)
		}
	}
	if g := one("gap"); g != "" {
		if e.Mode != ModePhrase {
			p.fail(n, "gap is only for mode=phrase")
		} else {
			e.Gap = p.number(n, "gap", g, 1, maxGap)
		}
	} else if e.Mode == ModePhrase {
		e.Gap = defaultGap
	}
	for _, x := range except {
		if msg := checkPhrase(ModeWord, x); msg != "" {
			p.fail(n, "except %q: %s", x, msg)
		}
	}
	if l := one("lang"); l != "" {
		if !validLang(l) {
			p.fail(n, "lang %q: use a two- or three-letter language code such as en", l)
		}
		e.Lang = l
	}
	if a := one("ages"); a != "" {
		e.Ages = strings.Split(a, ",")
		for _, band := range e.Ages {
			if !validAgeBand(band) {
				p.fail(n, "ages %q: use all or bands such as 5-10,11-13 (ages 4 to 18)", a)
				break
			}
		}
	}
	if s := one("source"); s != "" {
		e.Source = s
	}
	p.ids[id] = true
	if len(p.problems) == bad {
		p.entries = append(p.entries, e)
	}
}

func categoryList() string {
	var b strings.Builder
	for i, c := range Categories() {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(string(c))
	}
	return b.String()
}

func validLang(l string) bool {
	if len(l) < 2 || len(l) > 3 {
		return false
	}
	for i := 0; i < len(l); i++ {
		if l[i] < 'a' || l[i] > 'z' {
			return false
		}
	}
	return true
}

func validAgeBand(b string) bool {
	if b == "all" {
		return true
	}
	lo, hi, ok := strings.Cut(b, "-")
	if !ok {
		return false
	}
	l, err1 := strconv.Atoi(lo)
	h, err2 := strconv.Atoi(hi)
	return err1 == nil && err2 == nil && l >= 4 && l <= h && h <= 18
}

// checkPhrase returns what is wrong with a phrase for a mode, or "".
func checkPhrase(m Mode, phrase string) string {
	if len(phrase) > maxPhrase {
		return fmt.Sprintf("longer than %d bytes", maxPhrase)
	}
	if !utf8.ValidString(phrase) {
		return "not valid UTF-8"
	}
	norm := Normalise(phrase)
	if norm == "" {
		return "has no letters or digits to match"
	}
	if strings.ContainsRune(norm, '\n') {
		return "holds punctuation that ends a clause (. , ; : ! ?), so it could never match"
	}
	switch m {
	case ModePart:
		if strings.ContainsRune(norm, ' ') {
			return "mode=part takes a single word; use mode=word for several"
		}
		if utf8.RuneCountInString(norm) < 4 {
			return fmt.Sprintf("mode=part needs at least 4 letters after normalising (%q), or it fires inside everyday words", norm)
		}
	case ModePhrase:
		if !strings.ContainsRune(norm, ' ') {
			return "mode=phrase needs two words or more; use mode=word for one"
		}
	}
	return ""
}

func (p *parser) frame(n int, id string, one func(string) string, origin string) {
	if p.frameIDs[id] {
		p.fail(n, "frame %q is defined twice in this file", id)
		return
	}
	p.frameIDs[id] = true
	bad := len(p.problems)
	f := Frame{ID: id, Kind: FrameKind(one("kind")), Cue: one("cue"), Window: defaultWindow, Origin: origin}
	switch f.Kind {
	case FrameEducational, FrameReporting, FrameNegated:
	case "":
		p.fail(n, "kind is missing: educational, reporting or negated")
	default:
		p.fail(n, "kind %q: use educational, reporting or negated", f.Kind)
	}
	if f.Cue == "" {
		p.fail(n, "cue is missing")
	} else if msg := checkPhrase(ModeWord, f.Cue); msg != "" {
		p.fail(n, "cue %q: %s", f.Cue, msg)
	}
	if w := one("window"); w != "" {
		f.Window = p.number(n, "window", w, 0, maxWindow)
		if w == "0" {
			f.Window = 0
		}
	}
	if cs := one("categories"); cs != "" {
		for _, c := range strings.Split(cs, ",") {
			if !Category(c).Valid() {
				p.fail(n, "categories: %q is not one of %s", c, categoryList())
				break
			}
			f.Categories = append(f.Categories, Category(c))
		}
	}
	switch pos := one("position"); pos {
	case "", "before":
	case "after":
		f.After = true
	default:
		p.fail(n, "position %q: use before or after", pos)
	}
	switch eff := one("effect"); {
	case eff == "cancel":
		f.Cancel = true
	case strings.HasPrefix(eff, "lower-"):
		f.Lower = p.number(n, "effect", eff[len("lower-"):], 1, 4)
	case eff == "":
		p.fail(n, "effect is missing: cancel, or lower-N (N from 1 to 4)")
	default:
		p.fail(n, "effect %q: use cancel, or lower-N (N from 1 to 4)", eff)
	}
	if len(p.problems) == bad {
		p.frames = append(p.frames, f)
	}
}

func (p *parser) exclude(n int, one func(string) string, origin string) {
	x := Exclusion{Site: strings.ToLower(one("site")), EntryID: one("entry"), Category: Category(one("category")), Origin: origin}
	if x.Site == "" {
		p.fail(n, "exclude needs site=")
		return
	}
	if !validSite(x.Site) {
		p.fail(n, "site %q: give a host name such as example.org (it covers its subdomains)", x.Site)
		return
	}
	if x.EntryID != "" && x.Category != "" {
		p.fail(n, "exclude takes entry= or category=, not both")
		return
	}
	if x.Category != "" && !x.Category.Valid() {
		p.fail(n, "category %q is not one of %s", x.Category, categoryList())
		return
	}
	if x.EntryID != "" && !validID(x.EntryID) {
		p.fail(n, "entry %q is not a valid identifier", x.EntryID)
		return
	}
	p.exclusions = append(p.exclusions, x)
}

func validSite(s string) bool {
	if len(s) > 253 || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}
