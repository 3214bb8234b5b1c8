// Package metrics keeps Lifeguard's figures for Prometheus and writes them
// in its text exposition format (version 0.0.4), with the standard library
// only. There is no default registry: the command makes one and passes it to
// the parts that count, and a nil *Registry, like a nil family, counts
// nothing, so a part works the same whether or not metrics are on.
//
// A label's value must never be personal data or the id of a child, user,
// organisation or concern: labels are for what a figure is about (a route
// pattern, a status code, a job's name), and each distinct value is a
// series Prometheus keeps for ever. Callers pass fixed vocabularies only.
package metrics

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// maxLabels is how many labels a family may have; the series of a family
// are kept in a map keyed by a fixed array of this size, which hashes
// without allocating on the request path.
const maxLabels = 4

type labelKey [maxLabels]string

// Registry holds the families and writes them out.
type Registry struct {
	mu       sync.Mutex
	families map[string]family
}

// family is one metric family: it writes its HELP, TYPE and samples.
type family interface {
	write(w *bufio.Writer)
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{families: map[string]family{}} }

var (
	nameRE  = regexp.MustCompile(`^[a-zA-Z_:][a-zA-Z0-9_:]*$`)
	labelRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// add registers f under name. A bad or repeated name is a programming
// error, found by the first test that builds the registry, so it panics.
func (r *Registry) add(name string, labels []string, f family) {
	if !nameRE.MatchString(name) {
		panic("metrics: bad metric name " + strconv.Quote(name))
	}
	if len(labels) > maxLabels {
		panic("metrics: too many labels on " + name)
	}
	for _, l := range labels {
		if !labelRE.MatchString(l) || strings.HasPrefix(l, "__") || l == "le" {
			panic("metrics: bad label name " + strconv.Quote(l) + " on " + name)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.families[name]; ok {
		panic("metrics: " + name + " registered twice")
	}
	r.families[name] = f
}

// WriteText writes every family in the text exposition format, sorted by
// name, each family's series sorted by their labels.
func (r *Registry) WriteText(w io.Writer) error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	names := make([]string, 0, len(r.families))
	for n := range r.families {
		names = append(names, n)
	}
	fams := make([]family, len(names))
	slices.Sort(names)
	for i, n := range names {
		fams[i] = r.families[n]
	}
	r.mu.Unlock()
	bw := bufio.NewWriter(w)
	for _, f := range fams {
		f.write(bw)
	}
	return bw.Flush()
}

// ContentType is the media type of the text exposition format.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Handler serves the registry's figures.
func (r *Registry) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Cache-Control", "no-store")
		r.WriteText(w)
	})
}

// header writes a family's HELP and TYPE lines.
func header(w *bufio.Writer, name, help, kind string) {
	w.WriteString("# HELP ")
	w.WriteString(name)
	w.WriteByte(' ')
	w.WriteString(helpEscaper.Replace(help))
	w.WriteString("\n# TYPE ")
	w.WriteString(name)
	w.WriteByte(' ')
	w.WriteString(kind)
	w.WriteByte('\n')
}

var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	valueEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

// sample writes one line: name{labels} value. extra is one more label
// (le, for a histogram's buckets) when its name is not empty.
func sample(w *bufio.Writer, name string, labels []string, values labelKey, extraName, extraValue string, v float64) {
	w.WriteString(name)
	if len(labels) > 0 || extraName != "" {
		w.WriteByte('{')
		for i, l := range labels {
			if i > 0 {
				w.WriteByte(',')
			}
			w.WriteString(l)
			w.WriteString(`="`)
			w.WriteString(valueEscaper.Replace(values[i]))
			w.WriteByte('"')
		}
		if extraName != "" {
			if len(labels) > 0 {
				w.WriteByte(',')
			}
			w.WriteString(extraName)
			w.WriteString(`="`)
			w.WriteString(extraValue)
			w.WriteByte('"')
		}
		w.WriteByte('}')
	}
	w.WriteByte(' ')
	w.WriteString(formatFloat(v))
	w.WriteByte('\n')
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// key turns label values into a map key. A call with the wrong number of
// values is a programming error.
func key(name string, labels []string, values []string) labelKey {
	if len(values) != len(labels) {
		panic(fmt.Sprintf("metrics: %s takes %d label values, not %d", name, len(labels), len(values)))
	}
	var k labelKey
	copy(k[:], values)
	return k
}

// series is the map of a labelled family's series, each made on first use.
type series[T any] struct {
	mu sync.RWMutex
	m  map[labelKey]*T
}

func (s *series[T]) get(k labelKey, make func() *T) *T {
	s.mu.RLock()
	v, ok := s.m[k]
	s.mu.RUnlock()
	if ok {
		return v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.m[k]; ok {
		return v
	}
	if s.m == nil {
		s.m = map[labelKey]*T{}
	}
	v = make()
	s.m[k] = v
	return v
}

// sorted is the series in the order of their label values.
func (s *series[T]) sorted() ([]labelKey, []*T) {
	s.mu.RLock()
	keys := make([]labelKey, 0, len(s.m))
	for k := range s.m {
		keys = append(keys, k)
	}
	s.mu.RUnlock()
	slices.SortFunc(keys, func(a, b labelKey) int { return slices.Compare(a[:], b[:]) })
	vals := make([]*T, len(keys))
	s.mu.RLock()
	for i, k := range keys {
		vals[i] = s.m[k]
	}
	s.mu.RUnlock()
	return keys, vals
}
