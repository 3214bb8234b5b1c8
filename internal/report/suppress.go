package report

import (
	"errors"
	"math"
	"slices"
)

// Suppression of small numbers.
//
// A figure from 1 to 4 is shown as "<5" (primary suppression). That alone is
// not enough: a table that publishes its total and all but one of its cells
// gives the missing cell away by subtraction. So further figures are
// withheld, shown as "*" (secondary suppression), until no withheld figure
// can be worked out exactly from everything the table publishes.
//
// "Worked out" is decided exactly, not by a rule of thumb. Each table is a
// network: every figure is an arc, and every published sum is a node where
// what flows in equals what flows out (a row's cells flow into the row's
// total, the totals into the grand total, and the grand total back round).
// A reader who knows the published figures knows the flow on those arcs,
// and knows of each hidden one only its range: 1 to 4 for "<5", 5 or more
// for "*" (secondary figures are always chosen among those of 5 or more),
// and 0 or more for a sum the table does not show. Any other table of
// figures consistent with what was published differs from the true one by a
// circulation, and a circulation that changes a given arc can be split into
// cycles, one of which changes it and each of which is feasible by itself
// (the conformal decomposition of a circulation). So a hidden figure can
// take another value exactly when some cycle through its arc can carry one
// more, or one less, unit within every range: a path search in the residual
// network. The sums of a table and of a hierarchy of totals (concern types
// within a heat map cell within an area) form such a network because they
// are two nested families of sums, one on each side.

// state is what a figure shows.
type state int

const (
	shown    state = iota // the number itself
	small                 // 1 to 4, shown as "<5"
	withheld              // 5 or more, withheld to protect a small one, shown as "*"
	unshown               // a sum the table does not publish
	dropped               // any number: the whole table is withheld (withholdAll)
)

// cell is one figure of a table before publication.
type cell struct {
	v     int64
	state state
	// fixed figures are never withheld to protect another: the number of
	// concerns of the period, which several tables publish as their total
	// and which must read the same in all of them.
	fixed bool
}

func (c *cell) bounds() (lo, hi int64) {
	switch c.state {
	case small:
		return 1, 4
	case withheld:
		return 5, math.MaxInt64
	case unshown, dropped:
		return 0, math.MaxInt64
	}
	return c.v, c.v
}

type arc struct {
	from, to int
	c        *cell
}

// network is the figures of one table (or of tables that share sums) as
// arcs between the sums they add up to.
type network struct {
	nodes int
	arcs  []arc
}

func (n *network) node() int { n.nodes++; return n.nodes - 1 }

func (n *network) add(from, to int, c *cell) { n.arcs = append(n.arcs, arc{from, to, c}) }

// movable reports whether arc i can carry one unit more (up) or less while
// every other figure stays consistent with what is published.
func (n *network) movable(i int, up bool) bool {
	e := n.arcs[i]
	lo, hi := e.c.bounds()
	if (up && e.c.v >= hi) || (!up && e.c.v <= lo) {
		return false
	}
	// One more on e needs a path from its head back to its tail; one less,
	// from its tail to its head.
	start, goal := e.to, e.from
	if !up {
		start, goal = e.from, e.to
	}
	adj := make([][]int, n.nodes)
	for j, a := range n.arcs {
		if j == i {
			continue
		}
		lo, hi := a.c.bounds()
		if a.c.v < hi {
			adj[a.from] = append(adj[a.from], a.to)
		}
		if a.c.v > lo {
			adj[a.to] = append(adj[a.to], a.from)
		}
	}
	seen := make([]bool, n.nodes)
	queue := []int{start}
	seen[start] = true
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		if u == goal {
			return true
		}
		for _, v := range adj[u] {
			if !seen[v] {
				seen[v] = true
				queue = append(queue, v)
			}
		}
	}
	return false
}

// exposed returns the index of a small figure that can be worked out
// exactly, or -1. A withheld figure (5 or more) that can be worked out
// gives nothing away: the search for the small ones already allows for
// everything that can be known about it.
func (n *network) exposed() int {
	for i, a := range n.arcs {
		if a.c.state != small {
			continue
		}
		if !n.movable(i, true) && !n.movable(i, false) {
			return i
		}
	}
	return -1
}

// alone suppresses a figure that no published sum includes: only if it is
// small.
func alone(c *cell) {
	if c.state == shown && c.v >= 1 && c.v <= 4 {
		c.state = small
	}
}

var errUnprotectable = errors.New("report: a small number cannot be protected in this table")

// protect suppresses the network's figures; when that cannot protect a
// small one (a table whose other figures are zeros or totals published
// elsewhere), it withholds every figure of the network but those fixed.
// It reports whether it had to.
func (n *network) protect() bool {
	if err := n.suppress(); err == nil {
		return false
	}
	for _, a := range n.arcs {
		if !a.c.fixed && a.c.state != unshown {
			a.c.state = dropped
		}
	}
	return true
}

// suppress marks every published figure from 1 to 4 small, then withholds
// further figures, smallest first and those next to the exposed figure
// before others, until none can be worked out.
func (n *network) suppress() error {
	for _, a := range n.arcs {
		if a.c.state == shown && a.c.v >= 1 && a.c.v <= 4 {
			a.c.state = small
		}
	}
	for {
		i := n.exposed()
		if i < 0 {
			return nil
		}
		e := n.arcs[i]
		var cands []int
		for j, a := range n.arcs {
			if a.c.state == shown && !a.c.fixed && a.c.v > 0 {
				cands = append(cands, j)
			}
		}
		if len(cands) == 0 {
			return errUnprotectable
		}
		near := func(j int) int {
			a := n.arcs[j]
			if a.from == e.from || a.from == e.to || a.to == e.from || a.to == e.to {
				return 0
			}
			return 1
		}
		slices.SortStableFunc(cands, func(x, y int) int {
			if d := near(x) - near(y); d != 0 {
				return d
			}
			return int(n.arcs[x].c.v - n.arcs[y].c.v)
		})
		chosen := cands[0]
		for _, j := range cands {
			n.arcs[j].c.state = withheld
			ok := n.movable(i, true) || n.movable(i, false)
			n.arcs[j].c.state = shown
			if ok {
				chosen = j
				break
			}
		}
		n.arcs[chosen].c.state = withheld
	}
}
