// Package lists reads domain lists in the three formats people publish them in
// (one name a line, hosts files, adblock "||name^" rules) and holds the names
// in a compact suffix matcher.
//
// A parser never stops at a bad line: it hands every valid name to its caller
// and reports each bad line as a Problem (file, line, what is wrong). Lines
// that are well formed but mean something a DNS filter cannot apply (an
// element-hiding rule, an exception rule, a rule limited to some pages) are
// counted by reason and reported once per reason and file.
package lists

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sort"
)

// Limits of a domain name in its text form (RFC 1035: 255 octets on the wire
// make 253 characters of text; 63 octets a label).
const (
	MaxNameLen  = 253
	MaxLabelLen = 63
)

// MaxLineLen is the longest list line read; a longer line is reported as a
// problem and skipped.
const MaxLineLen = 4096

// MaxProblemsPerFile bounds how many bad lines of one file are listed one by
// one; the rest are counted in a last Problem, so a file of garbage cannot
// flood the operator's log.
const MaxProblemsPerFile = 100

// Problem is one line of a list file that was skipped (or, with Line 0, a
// summary of several).
type Problem struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.File + ": " + p.Message
	}
	return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Message)
}

// Stats counts what a parse found.
type Stats struct {
	Lines   int            // lines read
	Names   int            // names handed to the caller (duplicates included)
	Bad     int            // lines reported as problems
	Ignored map[string]int // well-formed lines the filter cannot apply, by reason
}

// Reasons a well-formed line is ignored. They are counted, and reported once
// per file with the count and the first line.
const (
	IgnoredAddress   = "an IP address, not a name: a DNS filter cannot block an address"
	IgnoredLocalhost = "a hosts-file entry for the machine itself (localhost and the like)"
	IgnoredCosmetic  = "an element-hiding rule (##): it hides parts of pages, which DNS cannot do"
	IgnoredException = "an exception rule (@@): put names to allow in an allow list instead"
	IgnoredOptions   = "a rule with options ($…) that limit it to some requests; DNS sees only the name"
	IgnoredPattern   = "a rule that matches part of an address (a path, a wildcard or a regular expression), not a whole name"
	IgnoredHeader    = "an adblock header line"
)

// hostsSelfNames are the names hosts files map to the machine itself; they are
// boilerplate, not entries to block.
var hostsSelfNames = map[string]bool{
	"localhost": true, "localhost.localdomain": true, "local": true,
	"broadcasthost": true, "ip6-localhost": true, "ip6-loopback": true,
	"ip6-localnet": true, "ip6-mcastprefix": true, "ip6-allnodes": true,
	"ip6-allrouters": true, "ip6-allhosts": true,
}

// Parse reads a list from r and calls add with each valid name, normalised
// (lower case, no trailing dot). The slice given to add is only valid during
// the call. Each line's format is recognised on its own: "||" starts an adblock
// rule, an IP address followed by names is a hosts line, a single word is a
// name; "#" starts a comment in names and hosts lines, "!" in adblock lists.
// file names the list in problems. The error is only for a failed read; bad
// lines are problems.
func Parse(r io.Reader, file string, add func(name []byte)) (Stats, []Problem, error) {
	p := parser{file: file, add: add, stats: Stats{Ignored: map[string]int{}}, firstIgnored: map[string]int{}}
	br := bufio.NewReaderSize(r, 64*1024)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) || (len(line) > MaxLineLen) {
			p.stats.Lines++
			p.bad(fmt.Sprintf("line longer than %d characters", MaxLineLen))
			// Skip the rest of the long line.
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			if err == io.EOF {
				break
			}
			if err != nil {
				return p.finish(), p.problems, fmt.Errorf("read %s: %w", file, err)
			}
			continue
		}
		if len(line) > 0 {
			p.stats.Lines++
			p.line(line)
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return p.finish(), p.problems, fmt.Errorf("read %s: %w", file, err)
		}
	}
	return p.finish(), p.problems, nil
}

type parser struct {
	file         string
	add          func([]byte)
	stats        Stats
	problems     []Problem
	firstIgnored map[string]int
	fields       [][]byte
}

func (p *parser) bad(msg string) {
	p.stats.Bad++
	if p.stats.Bad <= MaxProblemsPerFile {
		p.problems = append(p.problems, Problem{File: p.file, Line: p.stats.Lines, Message: msg})
	}
}

func (p *parser) ignore(reason string) {
	if p.stats.Ignored[reason] == 0 {
		p.firstIgnored[reason] = p.stats.Lines
	}
	p.stats.Ignored[reason]++
}

func (p *parser) finish() Stats {
	if p.stats.Bad > MaxProblemsPerFile {
		p.problems = append(p.problems, Problem{File: p.file,
			Message: fmt.Sprintf("%d more bad lines not listed one by one", p.stats.Bad-MaxProblemsPerFile)})
	}
	reasons := make([]string, 0, len(p.stats.Ignored))
	for r := range p.stats.Ignored {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		n := p.stats.Ignored[r]
		msg := fmt.Sprintf("ignored %d line(s), first at line %d: %s", n, p.firstIgnored[r], r)
		p.problems = append(p.problems, Problem{File: p.file, Message: msg})
	}
	return p.stats
}

func (p *parser) name(b []byte) {
	n, msg := normalize(b)
	if msg == "" && bytes.IndexByte(n, '.') < 0 {
		msg = "a single label (such as a top-level domain) would cover every name under it; give it as a block entry in the configuration if that is meant"
	}
	if msg != "" {
		p.bad(msg)
		return
	}
	p.stats.Names++
	p.add(n)
}

func (p *parser) line(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	switch line[0] {
	case '#':
		return
	case '!':
		return
	case '[':
		p.ignore(IgnoredHeader)
		return
	}
	if line[0] == '@' && len(line) > 1 && line[1] == '@' {
		p.ignore(IgnoredException)
		return
	}
	hash := bytes.IndexByte(line, '#')
	if hash >= 0 && (bytes.Contains(line, []byte("##")) || bytes.Contains(line, []byte("#@#")) ||
		bytes.Contains(line, []byte("#?#")) || bytes.Contains(line, []byte("#$#"))) {
		p.ignore(IgnoredCosmetic)
		return
	}
	if line[0] == '|' && len(line) > 1 && line[1] == '|' {
		p.adblock(line[2:])
		return
	}
	if line[0] == '|' || line[0] == '/' {
		p.ignore(IgnoredPattern)
		return
	}
	// Names and hosts lines: drop a trailing comment.
	if hash >= 0 {
		line = bytes.TrimSpace(line[:hash])
	}
	if bytes.IndexByte(line, ' ') < 0 && bytes.IndexByte(line, '\t') < 0 {
		p.single(line) // the common case: one name a line
		return
	}
	p.fields = splitFields(p.fields[:0], line)
	switch {
	case len(p.fields) == 1:
		p.single(p.fields[0])
	case isAddress(p.fields[0]):
		for _, f := range p.fields[1:] {
			if isAddress(f) {
				p.ignore(IgnoredAddress)
				continue
			}
			if n, msg := normalize(f); msg == "" && hostsSelfNames[string(n)] {
				p.ignore(IgnoredLocalhost)
				continue
			}
			p.name(f)
		}
	default:
		p.bad("more than one word, and the first is not an IP address: not a name, hosts or adblock line")
	}
}

// single handles a line of one word.
func (p *parser) single(f []byte) {
	if isAddress(f) {
		p.ignore(IgnoredAddress)
		return
	}
	if len(f) > 2 && f[0] == '*' && f[1] == '.' {
		f = f[2:] // "*.example.com": the name covers its subdomains anyway
	}
	p.name(f)
}

// adblock handles the text after "||".
func (p *parser) adblock(rule []byte) {
	end := bytes.IndexByte(rule, '^')
	if end < 0 {
		if bytes.ContainsAny(rule, "/*") {
			p.ignore(IgnoredPattern)
			return
		}
		p.bad(`adblock rule without "^" after the name (write ||name^)`)
		return
	}
	name, rest := rule[:end], rule[end+1:]
	if bytes.ContainsAny(name, "/*") {
		p.ignore(IgnoredPattern)
		return
	}
	if len(rest) > 0 && rest[0] == '|' {
		rest = rest[1:]
	}
	if len(rest) > 0 {
		if rest[0] != '$' {
			p.ignore(IgnoredPattern)
			return
		}
		if !appliesToWholeName(rest[1:]) {
			p.ignore(IgnoredOptions)
			return
		}
	}
	p.name(name)
}

// appliesToWholeName reports whether adblock options leave the rule blocking
// every request to the name, as a DNS filter does.
func appliesToWholeName(opts []byte) bool {
	for o := range bytes.SplitSeq(opts, []byte(",")) {
		switch string(bytes.TrimSpace(o)) {
		case "important", "all", "document", "doc":
		default:
			return false
		}
	}
	return true
}

func splitFields(dst [][]byte, line []byte) [][]byte {
	for {
		i := 0
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		line = line[i:]
		if len(line) == 0 {
			return dst
		}
		j := 0
		for j < len(line) && line[j] != ' ' && line[j] != '\t' {
			j++
		}
		dst = append(dst, line[:j])
		line = line[j:]
	}
}

// isAddress reports whether b is an IPv4 or IPv6 address (with or without
// a zone).
func isAddress(b []byte) bool {
	if len(b) == 0 || len(b) > 64 {
		return false
	}
	// Every address has a colon or ends with a digit; most names do neither.
	if last := b[len(b)-1]; (last < '0' || last > '9') && bytes.IndexByte(b, ':') < 0 {
		return false
	}
	_, err := netip.ParseAddr(string(b))
	return err == nil
}

// Normalize returns name in the form the filter compares: lower case, without
// a trailing dot, checked against the limits of a DNS name. Internationalised
// names must be given in their ASCII (punycode, "xn--") form; they are kept as
// they are. Letters, digits, "-" and "_" are allowed in labels (underscores
// appear in real names, such as service records and some hosting sites).
func Normalize(name string) (string, error) {
	b := []byte(name)
	n, msg := normalize(b)
	if msg != "" {
		return "", errors.New(msg)
	}
	return string(n), nil
}

// normalize lower-cases b in place and returns it without a trailing dot, or
// a message saying why it is not a valid name.
func normalize(b []byte) ([]byte, string) {
	if len(b) > 0 && b[len(b)-1] == '.' {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return nil, "empty name"
	}
	if len(b) > MaxNameLen {
		return nil, fmt.Sprintf("name longer than %d characters", MaxNameLen)
	}
	label := 0
	for i, c := range b {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-', c == '_':
			label++
		case c >= 'A' && c <= 'Z':
			b[i] = c + ('a' - 'A')
			label++
		case c == '.':
			if label == 0 {
				return nil, "empty label (two dots together, or a leading dot)"
			}
			label = 0
			continue
		case c >= 0x80:
			return nil, "not ASCII: give internationalised names in their punycode form (xn--…)"
		default:
			return nil, fmt.Sprintf("character %q is not allowed in a name", rune(c))
		}
		if label > MaxLabelLen {
			return nil, fmt.Sprintf("label longer than %d characters", MaxLabelLen)
		}
	}
	if label == 0 {
		return nil, "empty label (two dots together, or a leading dot)"
	}
	return b, ""
}

// IsName reports whether s is already a normalised name.
func IsName(s string) bool {
	n, err := Normalize(s)
	return err == nil && n == s
}
