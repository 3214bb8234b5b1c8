package procedure

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The YAML shapes of the baseline procedure and of a partnership's local file.
// They are parsed strictly: an unknown key is an error with its line, because a
// misspelt key in a safeguarding procedure must not be silently ignored.

type baselineDoc struct {
	Name       string        `yaml:"name"`
	Version    string        `yaml:"version"`
	TimeZone   string        `yaml:"time_zone"`
	WorkingDay workingDayDoc `yaml:"working_day"`
	// NowWindow is how long "now" lasts when timeliness is judged, as a
	// duration such as 1h or 45m; lifeguard.DefaultNowWindow when absent
	// (the 2026.1 baseline has none).
	NowWindow string              `yaml:"now_window,omitempty"`
	Sets      map[string][]string `yaml:"sets"`
	Routes    []routeDoc          `yaml:"routes"`
	Guidance  []string            `yaml:"guidance"`
	Rules     []ruleDoc           `yaml:"rules"`
	Warnings  []warningDoc        `yaml:"warnings"`
	History   []historyDoc        `yaml:"history"`
}

// historyDoc is one version of the baseline and the rules it changed or
// added, oldest version first.
type historyDoc struct {
	Version string          `yaml:"version"`
	Summary string          `yaml:"summary"`
	Rules   []ruleChangeDoc `yaml:"rules,omitempty"`
}

// ruleChangeDoc is one rule a version changed, or added when Added is set.
type ruleChangeDoc struct {
	ID     string `yaml:"id"`
	Added  bool   `yaml:"added,omitempty"`
	Change string `yaml:"change"`
}

type localDoc struct {
	Name    string `yaml:"name"`
	Version string `yaml:"version"`
	// BaselineVersion is the version of the baseline the file was written
	// for; procedure check lists the overrides of rules changed since.
	BaselineVersion string                   `yaml:"baseline_version,omitempty"`
	TimeZone        string                   `yaml:"time_zone,omitempty"`
	WorkingDay      workingDayDoc            `yaml:"working_day,omitempty"`
	NowWindow       string                   `yaml:"now_window,omitempty"`
	EarlyHelpDays   int                      `yaml:"early_help_days,omitempty"`
	Holidays        []holidayDoc             `yaml:"holidays,omitempty"`
	Sets            map[string][]string      `yaml:"sets,omitempty"`
	Routes          map[string]localRouteDoc `yaml:"routes,omitempty"`
	Guidance        []string                 `yaml:"guidance,omitempty"`
	Rules           []ruleDoc                `yaml:"rules,omitempty"`
	Overrides       []overrideDoc            `yaml:"overrides,omitempty"`
	Warnings        []warningDoc             `yaml:"warnings,omitempty"`
}

type workingDayDoc struct {
	Start string `yaml:"start,omitempty"`
	Close string `yaml:"close,omitempty"`
}

type holidayDoc struct {
	Date string `yaml:"date"`
	Name string `yaml:"name"`
}

type routeDoc struct {
	Code    string  `yaml:"code"`
	Title   string  `yaml:"title"`
	Action  string  `yaml:"action"`
	Contact *string `yaml:"contact,omitempty"`
	Urgency string  `yaml:"urgency"`
	Days    int     `yaml:"days,omitempty"`
}

type localRouteDoc struct {
	Title   string `yaml:"title,omitempty"`
	Action  string `yaml:"action,omitempty"`
	Contact string `yaml:"contact,omitempty"`
}

type ruleDoc struct {
	ID       string       `yaml:"id"`
	When     string       `yaml:"when"`
	Routes   []ruleRoute  `yaml:"routes,omitempty"`
	Removes  []string     `yaml:"removes,omitempty"`
	Proposes *proposalDoc `yaml:"proposes,omitempty"`
	Reason   string       `yaml:"reason"`
	Guidance []string     `yaml:"guidance,omitempty"`
	Offences []offenceDoc `yaml:"offences,omitempty"`
	Source   string       `yaml:"source"`
}

// overrideDoc replaces parts of a baseline rule. Reason is the partnership's
// recorded reason for the change and is required; the other fields replace the
// rule's own when given. Disabled switches the rule off, which is allowed only
// because the reason is recorded and shown.
type overrideDoc struct {
	ID          string       `yaml:"id"`
	Reason      string       `yaml:"reason"`
	Disabled    bool         `yaml:"disabled,omitempty"`
	When        string       `yaml:"when,omitempty"`
	Routes      []ruleRoute  `yaml:"routes,omitempty"`
	Removes     []string     `yaml:"removes,omitempty"`
	Explanation string       `yaml:"explanation,omitempty"`
	Guidance    []string     `yaml:"guidance,omitempty"`
	Offences    []offenceDoc `yaml:"offences,omitempty"`
	Source      string       `yaml:"source,omitempty"`
}

type proposalDoc struct {
	Code  string `yaml:"code"`
	Title string `yaml:"title"`
}

type offenceDoc struct {
	Law     string `yaml:"law"`
	Section string `yaml:"section"`
	Title   string `yaml:"title"`
	When    string `yaml:"when,omitempty"`
}

type warningDoc struct {
	When string `yaml:"when"`
	Text string `yaml:"text"`
}

// ruleRoute is a route a rule adds: a bare code, or a mapping with its own
// condition, reason and urgency.
type ruleRoute struct {
	Code    string `yaml:"code"`
	When    string `yaml:"when,omitempty"`
	Reason  string `yaml:"reason,omitempty"`
	Urgency string `yaml:"urgency,omitempty"`
	Days    int    `yaml:"days,omitempty"`
}

func (r *ruleRoute) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		r.Code = n.Value
		return nil
	}
	type plain ruleRoute
	if err := checkKeys(n, reflect.TypeFor[plain]()); err != nil {
		return err
	}
	return n.Decode((*plain)(r))
}

func (r ruleRoute) MarshalYAML() (any, error) {
	if r.When == "" && r.Reason == "" && r.Urgency == "" && r.Days == 0 {
		return r.Code, nil
	}
	type plain ruleRoute
	return plain(r), nil
}

// LineProblem is one problem in a procedure file, at a line, perhaps in a rule.
type LineProblem struct {
	File    string
	Line    int
	Rule    string
	Problem string
}

// LoadError lists every problem found in the procedure files.
type LoadError struct {
	Problems []LineProblem
}

func (e *LoadError) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
		if p.Rule != "" {
			fmt.Fprintf(&b, "rule %s: ", p.Rule)
		}
		b.WriteString(p.Problem)
	}
	return b.String()
}

func (e *LoadError) add(file string, line int, rule, format string, args ...any) {
	e.Problems = append(e.Problems, LineProblem{File: file, Line: line, Rule: rule, Problem: fmt.Sprintf(format, args...)})
}

func (e *LoadError) err() error {
	if len(e.Problems) == 0 {
		return nil
	}
	return e
}

// decodeStrict parses one YAML document into v, rejecting unknown keys at any
// depth, and returns the root mapping so callers can find the lines of items.
func decodeStrict(file string, data []byte, v any) (*yaml.Node, error) {
	fail := func(line int, problem string) (*yaml.Node, error) {
		return nil, &LoadError{Problems: []LineProblem{{File: file, Line: line, Problem: problem}}}
	}
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		return fail(yamlProblem(err))
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return fail(extra.Line, "a procedure file holds one YAML document")
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return fail(root.Line, "a procedure file is a mapping of keys (name, version, rules and so on)")
	}
	if err := checkKeys(root.Content[0], reflect.TypeOf(v).Elem()); err != nil {
		return fail(yamlProblem(err))
	}
	if err := root.Content[0].Decode(v); err != nil {
		return fail(yamlProblem(err))
	}
	return root.Content[0], nil
}

// yamlProblem splits a yaml or key error into its line and one sentence
// without the package's prefixes.
func yamlProblem(err error) (int, string) {
	if ke, ok := errors.AsType[*keyError](err); ok {
		return ke.line, ke.msg
	}
	s := err.Error()
	s = strings.TrimPrefix(s, "yaml: unmarshal errors:\n  ")
	s = strings.TrimPrefix(s, "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(s, "line "); ok {
		if n, after, ok := strings.Cut(rest, ": "); ok {
			if v, err := strconv.Atoi(n); err == nil {
				line, s = v, after
			}
		}
	}
	return line, strings.ReplaceAll(s, "\n  ", "; ")
}

type keyError struct {
	line int
	msg  string
}

func (e *keyError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

// checkKeys walks n alongside the Go type t and reports the first key that t
// does not declare. Types with their own UnmarshalYAML check themselves.
func checkKeys(n *yaml.Node, t reflect.Type) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[yaml.Unmarshaler]()) {
		return nil
	}
	switch t.Kind() {
	case reflect.Int:
		// The yaml package truncates 0.5 to 0 without an error; a procedure
		// must not silently get a different number from the one written.
		if n.Kind == yaml.ScalarNode && n.ShortTag() != "!!int" {
			return &keyError{n.Line, fmt.Sprintf("%q must be a whole number", n.Value)}
		}
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return nil // the decoder reports the type mismatch with its line
		}
		fields := map[string]reflect.Type{}
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				return &keyError{k.Line, fmt.Sprintf("%q is not a known key here (known: %s)", k.Value, knownKeys(fields))}
			}
			if err := checkKeys(v, ft); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return nil
		}
		for _, c := range n.Content {
			if err := checkKeys(c, t.Elem()); err != nil {
				return err
			}
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 1; i < len(n.Content); i += 2 {
			if err := checkKeys(n.Content[i], t.Elem()); err != nil {
				return err
			}
		}
	}
	return nil
}

func knownKeys(fields map[string]reflect.Type) string {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	// Sorted so that the message is the same on every run.
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// itemLines returns the line of each item of the sequence under key in the
// mapping m, so that problems found after decoding can name their line.
func itemLines(m *yaml.Node, key string) []int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key && m.Content[i+1].Kind == yaml.SequenceNode {
			lines := make([]int, len(m.Content[i+1].Content))
			for j, c := range m.Content[i+1].Content {
				lines[j] = c.Line
			}
			return lines
		}
	}
	return nil
}

// keyLine returns the line of key in the mapping m, or 0.
func keyLine(m *yaml.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i].Line
		}
	}
	return 0
}

func itemLine(lines []int, i int) int {
	if i < len(lines) {
		return lines[i]
	}
	return 0
}
