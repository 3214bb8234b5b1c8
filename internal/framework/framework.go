// Package framework loads the online-safety self-audit framework: the baseline
// embedded in the binary (framework.yaml) and, when a partnership has one,
// its local file, which adds, rewords or retires aspects. Every problem in
// either file is reported at once, each with its file, line and field, so
// that a partnership officer can fix a local file in one pass.
//
// The framework's types are lifeguard.Framework and its parts; scoring is
// lifeguard.Score.
package framework

import (
	"bytes"
	_ "embed"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/lifeguard-scp/lifeguard"
)

//go:embed framework.yaml
var baselineYAML []byte

// BaselineFile is the name problems in the embedded framework carry.
const BaselineFile = "framework.yaml"

// Limits of a framework's text.
const (
	maxName    = 200
	maxVersion = 64
	maxText    = 1000
	maxTitle   = 200
)

var (
	strandCodePattern = regexp.MustCompile(`^[A-Z]{1,3}$`)
	aspectIDPattern   = regexp.MustCompile(`^[A-Z]{1,3}[0-9]{1,3}$`)
	versionPattern    = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
)

// LineProblem is one thing wrong in a framework file: where, which field
// (in the file's own terms, as strands[1].aspects[0].text) and what.
type LineProblem struct {
	File    string
	Line    int
	Field   string
	Problem string
}

func (p LineProblem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Problem)
	return b.String()
}

// LoadError lists every problem found in a framework file.
type LoadError struct {
	Problems []LineProblem
}

func (e *LoadError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Baseline returns the embedded framework. It is checked by the package's
// tests, so it cannot fail in a built binary; Load reports it if it ever did.
func Baseline() (*lifeguard.Framework, error) { return Load("", nil) }

// Load returns the baseline framework changed by the partnership's local
// file, when local is not nil; file names it in problems. The version of
// the result is the baseline's, a "+", and the local file's, so that an
// audit records exactly which framework it was completed on.
func Load(file string, local []byte) (*lifeguard.Framework, error) {
	fw, err := parseBaseline(BaselineFile, baselineYAML)
	if err != nil {
		return nil, err
	}
	if local == nil {
		return fw, nil
	}
	if file == "" {
		file = "local framework"
	}
	if err := applyLocal(fw, file, local); err != nil {
		return nil, err
	}
	return fw, nil
}

// checker collects problems of one file.
type checker struct {
	file     string
	problems []LineProblem
}

func (c *checker) add(n *yaml.Node, field, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	c.problems = append(c.problems, LineProblem{File: c.file, Line: line, Field: field,
		Problem: fmt.Sprintf(format, args...)})
}

func (c *checker) err() error {
	if len(c.problems) == 0 {
		return nil
	}
	return &LoadError{Problems: c.problems}
}

// root parses data as one YAML document holding a mapping.
func (c *checker) root(data []byte) *yaml.Node {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		c.problems = append(c.problems, LineProblem{File: c.file, Line: yamlLine(err),
			Problem: "is not valid YAML: " + yamlMessage(err)})
		return nil
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		c.add(&extra, "", "a framework file holds one YAML document; remove the second (after ---)")
		return nil
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		c.add(&doc, "", "a framework file is a mapping of keys (name, version, ...)")
		return nil
	}
	return doc.Content[0]
}

var yamlLinePattern = regexp.MustCompile(`line (\d+)`)

func yamlLine(err error) int {
	m := yamlLinePattern.FindStringSubmatch(err.Error())
	if m == nil {
		return 0
	}
	n := 0
	fmt.Sscanf(m[1], "%d", &n)
	return n
}

var yamlPrefixPattern = regexp.MustCompile(`^(yaml: )?(line \d+: )?`)

func yamlMessage(err error) string { return yamlPrefixPattern.ReplaceAllString(err.Error(), "") }

// fields reads a mapping's keys, reporting any key not in allowed and any
// key given twice; it returns the value node of each key.
func (c *checker) fields(m *yaml.Node, path string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if m.Kind != yaml.MappingNode {
		c.add(m, path, "must be a mapping of keys (%s)", strings.Join(allowed, ", "))
		return out
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		f := join(path, k.Value)
		switch {
		case !contains(allowed, k.Value):
			c.add(k, f, "is not a known key; the keys here are %s", strings.Join(allowed, ", "))
		case out[k.Value] != nil:
			c.add(k, f, "is given twice")
		default:
			out[k.Value] = v
		}
	}
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// str reads a required scalar string of at most max characters; parent is
// the mapping, for the line of a missing key.
func (c *checker) str(parent *yaml.Node, fs map[string]*yaml.Node, key, path string, max int) string {
	f := join(path, key)
	n := fs[key]
	if n == nil {
		c.add(parent, f, "is required")
		return ""
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		c.add(n, f, "must be text")
		return ""
	}
	s := strings.TrimSpace(n.Value)
	switch {
	case s == "":
		c.add(n, f, "is required and must not be blank")
	case utf8.RuneCountInString(s) > max:
		c.add(n, f, "is %d characters long; the most allowed is %d", utf8.RuneCountInString(s), max)
	}
	return s
}

// seq reads a sequence; a missing key is an empty list unless required.
func (c *checker) seq(parent *yaml.Node, fs map[string]*yaml.Node, key, path string, required bool) []*yaml.Node {
	f := join(path, key)
	n := fs[key]
	if n == nil {
		if required {
			c.add(parent, f, "is required")
		}
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		c.add(n, f, "must be a list")
		return nil
	}
	if required && len(n.Content) == 0 {
		c.add(n, f, "must not be empty")
	}
	return n.Content
}

func (c *checker) applies(parent *yaml.Node, fs map[string]*yaml.Node, path string) lifeguard.Applicability {
	s := c.str(parent, fs, "applies_to", path, 20)
	a := lifeguard.Applicability(s)
	if s != "" && !a.Valid() {
		c.add(fs["applies_to"], join(path, "applies_to"), "%q is not one of all, schools, internet", s)
	}
	return a
}

func (c *checker) version(parent *yaml.Node, fs map[string]*yaml.Node) string {
	v := c.str(parent, fs, "version", "", maxVersion)
	if v != "" && !versionPattern.MatchString(v) {
		c.add(fs["version"], "version", "%q must be letters, digits, dots, dashes and underscores, as 2026.1", v)
	}
	return v
}

// parseBaseline reads a whole framework.
func parseBaseline(file string, data []byte) (*lifeguard.Framework, error) {
	c := &checker{file: file}
	root := c.root(data)
	if root == nil {
		return nil, c.err()
	}
	fs := c.fields(root, "", "name", "version", "levels", "strands")
	fw := &lifeguard.Framework{Name: c.str(root, fs, "name", "", maxName), Version: c.version(root, fs)}

	seen := map[lifeguard.Level]bool{}
	for i, n := range c.seq(root, fs, "levels", "", true) {
		path := fmt.Sprintf("levels[%d]", i)
		lf := c.fields(n, path, "level", "name", "meaning")
		d := lifeguard.LevelDescriptor{Name: c.str(n, lf, "name", path, maxTitle),
			Meaning: c.str(n, lf, "meaning", path, maxText)}
		ln := lf["level"]
		if ln == nil {
			c.add(n, path+".level", "is required")
			continue
		}
		var l int
		if ln.Decode(&l) != nil || !lifeguard.Level(l).Valid() {
			c.add(ln, path+".level", "%q is not a level from 1 to 4", ln.Value)
			continue
		}
		d.Level = lifeguard.Level(l)
		if seen[d.Level] {
			c.add(ln, path+".level", "level %d is described twice", l)
		}
		seen[d.Level] = true
		fw.Levels = append(fw.Levels, d)
	}
	if fs["levels"] != nil {
		for l := lifeguard.LevelNotInPlace; l <= lifeguard.LevelEmbedded; l++ {
			if !seen[l] {
				c.add(fs["levels"], "levels", "level %d is not described; describe each of levels 1 to 4", l)
			}
		}
	}

	codes, ids := map[string]bool{}, map[string]bool{}
	for i, n := range c.seq(root, fs, "strands", "", true) {
		path := fmt.Sprintf("strands[%d]", i)
		sf := c.fields(n, path, "code", "title", "aspects")
		s := lifeguard.Strand{Code: c.str(n, sf, "code", path, 3), Title: c.str(n, sf, "title", path, maxTitle)}
		switch {
		case s.Code != "" && !strandCodePattern.MatchString(s.Code):
			c.add(sf["code"], path+".code", "%q must be one to three capital letters, as L", s.Code)
		case codes[s.Code]:
			c.add(sf["code"], path+".code", "strand %s is given twice", s.Code)
		}
		codes[s.Code] = true
		for j, an := range c.seq(n, sf, "aspects", path, true) {
			apath := fmt.Sprintf("%s.aspects[%d]", path, j)
			af := c.fields(an, apath, "id", "applies_to", "text")
			a := lifeguard.Aspect{ID: c.str(an, af, "id", apath, 6), Strand: s.Code,
				AppliesTo: c.applies(an, af, apath), Text: c.str(an, af, "text", apath, maxText)}
			c.aspectID(af["id"], apath+".id", a.ID, s.Code, ids)
			s.Aspects = append(s.Aspects, a)
		}
		fw.Strands = append(fw.Strands, s)
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	return fw, nil
}

// aspectID checks a new aspect's id: its shape, that it starts with its
// strand's code, and that no other aspect has it.
func (c *checker) aspectID(n *yaml.Node, path, id, strand string, ids map[string]bool) {
	if id == "" {
		return
	}
	switch {
	case !aspectIDPattern.MatchString(id):
		c.add(n, path, "%q must be capital letters then a number, as L11", id)
	case strand != "" && strings.TrimRight(id, "0123456789") != strand:
		c.add(n, path, "%q must start with its strand's code %s", id, strand)
	case ids[id]:
		c.add(n, path, "aspect %s is given twice", id)
	}
	ids[id] = true
}

// applyLocal changes fw by a partnership's local file:
//
//	name: ...            optional, replaces the framework's name
//	version: ...         required: the local file's own version
//	add:    [{id, strand, applies_to, text}]
//	reword: [{id, text, applies_to}]   text and/or applies_to
//	retire: [{id, reason}]
func applyLocal(fw *lifeguard.Framework, file string, data []byte) error {
	c := &checker{file: file}
	root := c.root(data)
	if root == nil {
		return c.err()
	}
	fs := c.fields(root, "", "name", "version", "add", "reword", "retire")
	if fs["name"] != nil {
		fw.Name = c.str(root, fs, "name", "", maxName)
	}
	version := c.version(root, fs)
	touched := map[string]string{} // aspect id -> the list that changed it

	ids := map[string]bool{}
	for _, s := range fw.Strands {
		for _, a := range s.Aspects {
			ids[a.ID] = true
		}
	}
	for i, n := range c.seq(root, fs, "add", "", false) {
		path := fmt.Sprintf("add[%d]", i)
		af := c.fields(n, path, "id", "strand", "applies_to", "text")
		a := lifeguard.Aspect{ID: c.str(n, af, "id", path, 6), Strand: c.str(n, af, "strand", path, 3),
			AppliesTo: c.applies(n, af, path), Text: c.str(n, af, "text", path, maxText)}
		s, ok := fw.Strand(a.Strand)
		if a.Strand != "" && !ok {
			c.add(af["strand"], path+".strand", "%q is not a strand of the framework (%s)", a.Strand, strandCodes(fw))
		}
		if ids[a.ID] {
			c.add(af["id"], path+".id", "aspect %s is already in the framework; reword it, or add a new id", a.ID)
			continue
		}
		c.aspectID(af["id"], path+".id", a.ID, a.Strand, ids)
		touched[a.ID] = "add"
		if ok {
			s.Aspects = append(s.Aspects, a)
		}
	}
	for i, n := range c.seq(root, fs, "reword", "", false) {
		path := fmt.Sprintf("reword[%d]", i)
		rf := c.fields(n, path, "id", "text", "applies_to")
		id := c.str(n, rf, "id", path, 6)
		a := c.existing(fw, rf["id"], path+".id", id, "reword", touched)
		if rf["text"] == nil && rf["applies_to"] == nil {
			c.add(n, path, "gives neither text nor applies_to: say what changes")
			continue
		}
		var text string
		var applies lifeguard.Applicability
		if rf["text"] != nil {
			text = c.str(n, rf, "text", path, maxText)
		}
		if rf["applies_to"] != nil {
			applies = c.applies(n, rf, path)
		}
		if a != nil {
			if text != "" {
				a.Text = text
			}
			if applies.Valid() {
				a.AppliesTo = applies
			}
		}
	}
	for i, n := range c.seq(root, fs, "retire", "", false) {
		path := fmt.Sprintf("retire[%d]", i)
		rf := c.fields(n, path, "id", "reason")
		id := c.str(n, rf, "id", path, 6)
		c.str(n, rf, "reason", path, maxText)
		if a := c.existing(fw, rf["id"], path+".id", id, "retire", touched); a != nil {
			a.Retired = true
		}
	}
	if len(fs) > 0 && fs["add"] == nil && fs["reword"] == nil && fs["retire"] == nil && len(c.problems) == 0 {
		c.add(root, "", "changes nothing: give add, reword or retire")
	}
	live := 0
	for _, s := range fw.Strands {
		for _, a := range s.Aspects {
			if !a.Retired {
				live++
			}
		}
	}
	if live == 0 && len(c.problems) == 0 {
		c.add(fs["retire"], "retire", "retires every aspect; an audit needs at least one")
	}
	if err := c.err(); err != nil {
		return err
	}
	fw.Version += "+" + version
	return nil
}

// existing finds an aspect a local file changes, reporting an unknown id,
// a retired one, or one already changed by another entry of the file.
func (c *checker) existing(fw *lifeguard.Framework, n *yaml.Node, path, id, list string, touched map[string]string) *lifeguard.Aspect {
	if id == "" {
		return nil
	}
	a, ok := fw.Aspect(id)
	switch {
	case !ok:
		c.add(n, path, "there is no aspect %s in the framework", id)
		return nil
	case touched[id] != "":
		c.add(n, path, "aspect %s is already changed under %s in this file; change it once", id, touched[id])
		return nil
	}
	touched[id] = list
	return a
}

func strandCodes(fw *lifeguard.Framework) string {
	codes := make([]string, len(fw.Strands))
	for i, s := range fw.Strands {
		codes[i] = s.Code
	}
	return strings.Join(codes, ", ")
}
