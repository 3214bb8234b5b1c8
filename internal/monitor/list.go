package monitor

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ListOptions says what the phrases of a plain list are.
type ListOptions struct {
	Category Category // every phrase's category
	Severity int      // every phrase's severity, 1 to 5
	Prefix   string   // entry IDs are Prefix-LINE ("iwf-12")
	Source   string   // the list's origin, for the entries' Source
}

// LoadList reads a plain keyword list, one phrase a line ('#' comment lines
// and blank lines ignored), as whole-word entries of one category and
// severity. It is how an operator loads lists held under licence, such as
// the Internet Watch Foundation's keyword list for illegal content, which
// Lifeguard does not ship; merge the result onto the baseline.
func LoadList(r io.Reader, name string, o ListOptions) (*Library, error) {
	var problems []string
	if !o.Category.Valid() {
		problems = append(problems, fmt.Sprintf("%s: category %q is not one of %s", name, o.Category, categoryList()))
	}
	if o.Severity < 1 || o.Severity > 5 {
		problems = append(problems, fmt.Sprintf("%s: severity %d: must be 1 to 5", name, o.Severity))
	}
	if o.Prefix == "" {
		o.Prefix = "list"
	}
	if !validID(o.Prefix) || len(o.Prefix) > 48 {
		problems = append(problems, fmt.Sprintf("%s: prefix %q is not a valid identifier", name, o.Prefix))
	}
	if len(problems) > 0 {
		return nil, &LoadError{Problems: problems}
	}
	if o.Source == "" {
		o.Source = name
	}
	var entries []Entry
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxLine)
	line := 0
	for sc.Scan() {
		line++
		t := strings.TrimSpace(sc.Text())
		if t == "" || t[0] == '#' {
			continue
		}
		if !utf8.ValidString(t) {
			problems = append(problems, fmt.Sprintf("%s:%d: the line is not valid UTF-8", name, line))
			continue
		}
		if msg := checkPhrase(ModeWord, t); msg != "" {
			problems = append(problems, fmt.Sprintf("%s:%d: %s", name, line, msg))
			continue
		}
		entries = append(entries, Entry{
			ID: fmt.Sprintf("%s-%d", o.Prefix, line), Category: o.Category, Severity: o.Severity,
			Mode: ModeWord, Phrase: t, Lang: "en", Ages: []string{"all"}, Source: o.Source,
			Origin: fmt.Sprintf("%s:%d", name, line),
		})
	}
	if err := sc.Err(); err != nil {
		if err != bufio.ErrTooLong {
			return nil, fmt.Errorf("reading %s: %w", name, err)
		}
		problems = append(problems, fmt.Sprintf("%s:%d: line longer than %d bytes", name, line+1, maxLine))
	}
	if len(problems) > 0 {
		return nil, &LoadError{Problems: problems}
	}
	return build(name, entries, nil, nil, nil)
}
