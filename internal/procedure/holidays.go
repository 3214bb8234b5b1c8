package procedure

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/lifeguard-scp/lifeguard"
)

// Holiday is a day that is not a working day even though it is a weekday.
type Holiday struct {
	Date lifeguard.Date
	Name string
	// Replaces, when not zero, is a usual holiday moved to Date for this
	// one year (in 2020 the early May bank holiday moved to VE day): that
	// day is a working day.
	Replaces lifeguard.Date
}

// ParseHolidays parses a holiday file:
//
//	calendar: England and Wales
//	holidays:
//	  - {date: 2024-01-01, name: New Year's Day}
//	  - {date: 2020-05-08, name: Early May bank holiday (VE day), replaces: 2020-05-04}
//
// name is the file's name as the errors should show it. Every error starts
// with name and a line number ("england-and-wales.yaml:12: ...") so whoever
// edits the file can find the mistake. Unknown keys are errors, because a
// misspelt key would otherwise drop a holiday silently and make a deadline
// wrong.
func ParseHolidays(name string, data []byte) ([]Holiday, error) {
	fail := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", name, line, fmt.Sprintf(format, args...))
	}
	// The YAML reader reports bad characters without a line, so catch them
	// first.
	if line, problem := checkText(data); problem != "" {
		return nil, fail(line, "%s", problem)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fail(1, "the file is empty; want a mapping with a holidays list")
		}
		line, msg := yamlErrorLine(data, err)
		return nil, fail(line, "%s", msg)
	}
	var next yaml.Node
	if err := dec.Decode(&next); err == nil {
		return nil, fail(next.Line, "a second YAML document; a holiday file holds one")
	} else if !errors.Is(err, io.EOF) {
		line, msg := yamlErrorLine(data, err)
		return nil, fail(line, "%s", msg)
	}

	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fail(root.Line, "want a mapping with calendar and holidays")
	}
	var list *yaml.Node
	seen := map[string]int{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return nil, fail(k.Line, "a key must be a plain word")
		}
		if prev, dup := seen[k.Value]; dup {
			return nil, fail(k.Line, "%q is given twice (first on line %d)", k.Value, prev)
		}
		seen[k.Value] = k.Line
		switch k.Value {
		case "calendar":
			if _, err := text(v); err != nil {
				return nil, fail(v.Line, "calendar: %v", err)
			}
		case "holidays":
			if v.Kind != yaml.SequenceNode {
				return nil, fail(v.Line, "holidays must be a list")
			}
			list = v
		default:
			return nil, fail(k.Line, "unknown key %q; want calendar or holidays", k.Value)
		}
	}
	if list == nil {
		return nil, fail(root.Line, "no holidays list")
	}

	holidays := make([]Holiday, 0, len(list.Content))
	dates := make(map[lifeguard.Date]int, len(list.Content))
	for _, item := range list.Content {
		h, err := parseHoliday(item)
		if err != nil {
			return nil, fail(err.line, "%s", err.msg)
		}
		if prev, dup := dates[h.Date]; dup {
			return nil, fail(item.Line, "%v is listed twice (first on line %d)", h.Date, prev)
		}
		dates[h.Date] = item.Line
		holidays = append(holidays, h)
	}
	return holidays, nil
}

type lineError struct {
	line int
	msg  string
}

func parseHoliday(item *yaml.Node) (Holiday, *lineError) {
	if item.Kind != yaml.MappingNode {
		return Holiday{}, &lineError{item.Line, "a holiday must be a mapping such as {date: 2026-12-25, name: Christmas Day}"}
	}
	var h Holiday
	var haveDate, haveName bool
	for i := 0; i+1 < len(item.Content); i += 2 {
		k, v := item.Content[i], item.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			return Holiday{}, &lineError{k.Line, "a key must be a plain word"}
		}
		switch k.Value {
		case "date":
			if haveDate {
				return Holiday{}, &lineError{k.Line, `"date" is given twice`}
			}
			s, err := text(v)
			if err != nil {
				return Holiday{}, &lineError{v.Line, "date: " + err.Error()}
			}
			d, err := lifeguard.ParseDate(s)
			if err != nil {
				return Holiday{}, &lineError{v.Line, err.Error()}
			}
			h.Date, haveDate = d, true
		case "name":
			if haveName {
				return Holiday{}, &lineError{k.Line, `"name" is given twice`}
			}
			s, err := text(v)
			if err != nil {
				return Holiday{}, &lineError{v.Line, "name: " + err.Error()}
			}
			h.Name, haveName = s, true
		case "replaces":
			if !h.Replaces.IsZero() {
				return Holiday{}, &lineError{k.Line, `"replaces" is given twice`}
			}
			s, err := text(v)
			if err != nil {
				return Holiday{}, &lineError{v.Line, "replaces: " + err.Error()}
			}
			d, err := lifeguard.ParseDate(s)
			if err != nil {
				return Holiday{}, &lineError{v.Line, "replaces: " + err.Error()}
			}
			h.Replaces = d
		default:
			return Holiday{}, &lineError{k.Line, fmt.Sprintf("unknown key %q; want date, name and perhaps replaces", k.Value)}
		}
	}
	if !haveDate {
		return Holiday{}, &lineError{item.Line, "the holiday has no date"}
	}
	if !haveName {
		return Holiday{}, &lineError{item.Line, "the holiday has no name"}
	}
	return h, nil
}

// text returns the value of a scalar that holds some text.
func text(n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", errors.New("want a single value, not a list or mapping")
	}
	s := strings.TrimSpace(n.Value)
	if n.Tag == "!!null" || s == "" {
		return "", errors.New("the value is empty")
	}
	return s, nil
}

// checkText finds what the YAML reader would reject (invalid UTF-8, control
// characters) and the line it is on. It also rejects the line breaks other
// than CR and LF that YAML recognises (NEL, LS, PS): they have no business in
// a holiday file, and without them our line numbers and the parser's agree.
func checkText(data []byte) (line int, problem string) {
	line = 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return line, "the file is not valid UTF-8"
		case r == '\n':
			line++
		case r == '\r':
			if i+1 == len(data) || data[i+1] != '\n' {
				line++
			}
		case r == '\t', r >= 0x20 && r <= 0x7e, r >= 0xa0 && r <= 0xd7ff && r != 0x2028 && r != 0x2029,
			r >= 0xe000 && r <= 0xfffd, r >= 0x10000:
		default:
			return line, fmt.Sprintf("character %U is not allowed", r)
		}
		i += size
	}
	return 0, ""
}

// parserProblems are the problems the YAML parser (as opposed to its scanner)
// reports. go.yaml.in/yaml/v3 prints the parser's zero-based line numbers as
// they are but adds one to the scanner's, so only these need correcting.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

// yamlErrorLine turns an error from the YAML module into a one-based line and
// a message. The module omits the line when the problem is on the first line,
// and for an undefined alias; for the alias, the line of its first use is the
// best guess. For some problems the module gives the line where the enclosing
// list or mapping starts rather than the line of the problem itself.
func yamlErrorLine(data []byte, err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, problem, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil && n > 0 {
				if parserProblems[problem] {
					n++
				}
				return n, problem
			}
		}
	}
	if rest, ok := strings.CutPrefix(msg, "unknown anchor '"); ok {
		if anchor, ok := strings.CutSuffix(rest, "' referenced"); ok {
			if i := bytes.Index(data, []byte("*"+anchor)); i >= 0 {
				return lineAt(data, i), msg
			}
		}
	}
	return 1, msg
}

// lineAt returns the one-based line of the byte at offset i, counting line
// breaks as YAML does (CR LF, LF or a lone CR).
func lineAt(data []byte, i int) int {
	line := 1
	for j := 0; j < i; j++ {
		if data[j] == '\n' || data[j] == '\r' && (j+1 == len(data) || data[j+1] != '\n') {
			line++
		}
	}
	return line
}
