package metrics

import (
	"bufio"
	"math"
	"sync/atomic"
)

// Counter is a family of counters, one per set of label values.
type Counter struct {
	name, help string
	labels     []string
	s          series[atomic.Uint64]
}

// Counter registers a counter family; its name should end in _total.
func (r *Registry) Counter(name, help string, labels ...string) *Counter {
	if r == nil {
		return nil
	}
	c := &Counter{name: name, help: help, labels: labels}
	r.add(name, labels, c)
	return c
}

// Inc adds one to the series of the label values given.
func (c *Counter) Inc(values ...string) { c.Add(1, values...) }

// Add adds n to the series of the label values given.
func (c *Counter) Add(n uint64, values ...string) {
	if c == nil {
		return
	}
	c.s.get(key(c.name, c.labels, values), newUint).Add(n)
}

func newUint() *atomic.Uint64 { return new(atomic.Uint64) }

func (c *Counter) write(w *bufio.Writer) {
	header(w, c.name, c.help, "counter")
	keys, vals := c.s.sorted()
	for i, k := range keys {
		sample(w, c.name, c.labels, k, "", "", float64(vals[i].Load()))
	}
}

// Histogram is a family of histograms, one per set of label values.
type Histogram struct {
	name, help string
	labels     []string
	bounds     []float64
	les        []string // the bounds as written in the le label
	s          series[histogram]
}

// histogram counts observations per bucket (not cumulated: the count is
// their sum, so a scrape never shows a count that its buckets disagree
// with) and their sum, as float64 bits.
type histogram struct {
	counts []atomic.Uint64 // one per bound, and the last for +Inf
	sum    atomic.Uint64
}

// Histogram registers a histogram family with the given upper bounds,
// which must be increasing.
func (r *Registry) Histogram(name, help string, bounds []float64, labels ...string) *Histogram {
	if r == nil {
		return nil
	}
	h := &Histogram{name: name, help: help, labels: labels, bounds: bounds}
	for i, b := range bounds {
		if i > 0 && b <= bounds[i-1] {
			panic("metrics: the bounds of " + name + " must increase")
		}
		h.les = append(h.les, formatFloat(b))
	}
	r.add(name, labels, h)
	return h
}

// Observe records v in the series of the label values given.
func (h *Histogram) Observe(v float64, values ...string) {
	if h == nil {
		return
	}
	s := h.s.get(key(h.name, h.labels, values), h.newHistogram)
	i := 0
	for i < len(h.bounds) && v > h.bounds[i] {
		i++
	}
	s.counts[i].Add(1)
	for {
		old := s.sum.Load()
		if s.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

func (h *Histogram) newHistogram() *histogram {
	return &histogram{counts: make([]atomic.Uint64, len(h.bounds)+1)}
}

func (h *Histogram) write(w *bufio.Writer) {
	header(w, h.name, h.help, "histogram")
	keys, vals := h.s.sorted()
	for i, k := range keys {
		var cum uint64
		for j := range vals[i].counts {
			cum += vals[i].counts[j].Load()
			le := "+Inf"
			if j < len(h.les) {
				le = h.les[j]
			}
			sample(w, h.name+"_bucket", h.labels, k, "le", le, float64(cum))
		}
		sample(w, h.name+"_sum", h.labels, k, "", "", math.Float64frombits(vals[i].sum.Load()))
		sample(w, h.name+"_count", h.labels, k, "", "", float64(cum))
	}
}

// Gauge is a family of values that go up and down, one per set of label
// values.
type Gauge struct {
	name, help string
	labels     []string
	s          series[atomic.Uint64] // float64 bits
}

// Gauge registers a gauge family.
func (r *Registry) Gauge(name, help string, labels ...string) *Gauge {
	if r == nil {
		return nil
	}
	g := &Gauge{name: name, help: help, labels: labels}
	r.add(name, labels, g)
	return g
}

// Set sets the series of the label values given to v.
func (g *Gauge) Set(v float64, values ...string) {
	if g == nil {
		return
	}
	g.s.get(key(g.name, g.labels, values), newUint).Store(math.Float64bits(v))
}

func (g *Gauge) write(w *bufio.Writer) {
	header(w, g.name, g.help, "gauge")
	keys, vals := g.s.sorted()
	for i, k := range keys {
		sample(w, g.name, g.labels, k, "", "", math.Float64frombits(vals[i].Load()))
	}
}

// Kind is the type of a collected family.
type Kind string

const (
	KindCounter Kind = "counter"
	KindGauge   Kind = "gauge"
)

// Emit gives one sample of a collected family: its value and its label
// values, in the order of the family's labels.
type Emit func(v float64, values ...string)

// collected is a family whose samples are read when it is scraped, from
// figures another part keeps (database/sql's pool statistics, the DNS
// filter's counters, the outbox's queue).
type collected struct {
	name, help string
	kind       Kind
	labels     []string
	collect    func(Emit)
}

// Collect registers a family read at each scrape: collect calls emit once
// per series. It must be quick and must not block for long; it runs while
// the scrape waits.
func (r *Registry) Collect(name, help string, kind Kind, labels []string, collect func(Emit)) {
	if r == nil {
		return
	}
	r.add(name, labels, &collected{name: name, help: help, kind: kind, labels: labels, collect: collect})
}

func (c *collected) write(w *bufio.Writer) {
	header(w, c.name, c.help, string(c.kind))
	c.collect(func(v float64, values ...string) {
		sample(w, c.name, c.labels, key(c.name, c.labels, values), "", "", v)
	})
}
