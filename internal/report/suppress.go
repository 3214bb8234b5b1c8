package report

import (
	"cmp"
	"errors"
	"iter"
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
	rounded               // 5 or more, shown rounded to the nearest 5 (RuleRound5)
)

// round5 is v to the nearest 5; v is never halfway, being whole.
func round5(v int64) int64 { return (v + 2) / 5 * 5 }

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
	case rounded:
		// A figure that reads r is from r-2 to r+2, and 5 or more since
		// it does not read "<5".
		r := round5(c.v)
		return max(5, r-2), r + 2
	}
	return c.v, c.v
}

// published is the number a reader sees for the figure, and whether they
// see one.
func (c *cell) published() (int64, bool) {
	switch c.state {
	case shown:
		return c.v, true
	case rounded:
		return round5(c.v), true
	}
	return 0, false
}

// publishedShare is the share of the concerns counted in cells that the
// published figures show (shown or rounded, not withheld): 1 when the cells
// count none. A table that hides too much of what it counts is built again
// more coarsely.
func publishedShare(cells iter.Seq[*cell]) float64 {
	var seen, all int64
	for c := range cells {
		all += c.v
		if _, ok := c.published(); ok {
			seen += c.v
		}
	}
	if all == 0 {
		return 1
	}
	return float64(seen) / float64(all)
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
	// budget bounds suppress's search; searchBudget when zero.
	budget int
	// round shows the figures of 5 or more rounded to the nearest 5
	// (RuleRound5); suppression then protects the small figures from
	// what the rounded ones say.
	round bool
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
// small; with round, a figure of 5 or more is rounded, unless it is fixed.
// The number of concerns of the period is shown exactly under either rule:
// several tables share it as their total, and a rounded total would let
// each of them narrow it for the others, which no one table's check sees.
func alone(c *cell, round bool) {
	switch {
	case c.state == shown && c.v >= 1 && c.v <= 4:
		c.state = small
	case c.state == shown && c.v >= 5 && round && !c.fixed:
		c.state = rounded
	}
}

var errUnprotectable = errors.New("report: a small number cannot be protected in this table")

// protect suppresses the network's figures (rounding them first when
// n.round); when that cannot protect a
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

// searchBudget bounds the checks the exact search of suppress makes in one
// network. The tables of a report need far fewer (see
// TestSuppressionIsLeast); a network that would need more keeps the best
// choice found by then, which protects as well as any, only perhaps at a
// greater loss.
const searchBudget = 20000

// suppress marks every published figure from 1 to 4 small, then withholds
// the further figures that protect them at the least loss: the fewest
// concerns hidden (the sum of the withheld figures), and of choices that
// hide as many, the one of fewest figures. So no withheld figure could be
// swapped for a smaller one. The choice is exact: a branch and bound over
// the candidate figures, smallest first, which starts from a greedy choice
// and drops any branch that cannot protect even if it withheld every
// figure left, or that already hides as much as the best choice found.
func (n *network) suppress() error {
	for _, a := range n.arcs {
		alone(a.c, n.round)
	}
	if n.exposed() < 0 {
		return nil
	}
	var cands []*cell
	for _, a := range n.arcs {
		if (a.c.state == shown || a.c.state == rounded) && !a.c.fixed && a.c.v > 0 && !slices.Contains(cands, a.c) {
			cands = append(cands, a.c)
		}
	}
	slices.SortStableFunc(cands, func(x, y *cell) int { return cmp.Compare(x.v, y.v) })
	orig := make([]state, len(cands))
	for i, c := range cands {
		orig[i] = c.state
	}
	set := func(chosen []bool) {
		for i, c := range cands {
			c.state = orig[i]
			if chosen[i] {
				c.state = withheld
			}
		}
	}
	all := make([]bool, len(cands))
	for i := range all {
		all[i] = true
	}
	set(all)
	if len(cands) == 0 || n.exposed() >= 0 {
		set(make([]bool, len(cands)))
		return errUnprotectable
	}

	s := search{n: n, cands: cands, orig: orig, set: set, budget: cmp.Or(n.budget, searchBudget)}
	s.best = s.greedy()
	s.cost, s.count = s.measure(s.best)
	s.branch(make([]int, len(cands)), 0, 0)
	set(s.best)
	return nil
}

// search is the state of suppress's branch and bound.
type search struct {
	n     *network
	cands []*cell // the figures that may be withheld, smallest first
	orig  []state // each one's state when it is not withheld
	set   func([]bool)
	// best is the least choice found, hiding cost concerns in count figures.
	best   []bool
	cost   int64
	count  int
	budget int
}

func (s *search) measure(chosen []bool) (cost int64, count int) {
	for i, c := range s.cands {
		if chosen[i] {
			cost, count = cost+c.v, count+1
		}
	}
	return cost, count
}

// safe reports whether withholding chosen protects every small figure.
func (s *search) safe(chosen []bool) bool {
	s.budget--
	s.set(chosen)
	return s.n.exposed() < 0
}

// worse reports whether hiding cost concerns in count figures is no
// better than the best choice.
func (s *search) worse(cost int64, count int) bool {
	return cost > s.cost || cost == s.cost && count >= s.count
}

// Decisions of the branch and bound on each candidate.
const (
	undecided = iota
	in        // withheld
	out       // shown
)

// branch searches the choices that agree with the decisions made so far,
// which withhold cost concerns in count figures. It branches on a
// candidate of the cheapest cycle that would set free the small figure
// dearest to set free: withholding it first, then not.
func (s *search) branch(status []int, cost int64, count int) {
	if s.budget <= 0 || s.worse(cost, count) {
		return
	}
	chosen := make([]bool, len(status))
	for k, st := range status {
		chosen[k] = st == in
	}
	if s.safe(chosen) {
		s.best, s.cost, s.count = chosen, cost, count
		return
	}
	more, path, ok := s.lowerBound(status)
	if !ok || len(path) == 0 || s.worse(cost+more, count+1) {
		return
	}
	k := path[0]
	for _, j := range path {
		if s.cands[j].v > s.cands[k].v {
			k = j
		}
	}
	status[k] = in
	s.branch(status, cost+s.cands[k].v, count+1)
	status[k] = out
	s.branch(status, cost, count)
	status[k] = undecided
}

// lowerBound is the least number of concerns that must still be withheld
// given the decisions: for each small figure that can be worked out, the
// cheapest cycle through it in the residual network, where a figure
// already free to move costs nothing, an undecided candidate costs its
// value, and one decided against cannot be used. Any choice that protects
// the figure withholds every candidate on some such cycle, so the dearest
// of these cheapest cycles bounds what is left; path is its undecided
// candidates (never empty while some figure is exposed). ok is false when
// some small figure cannot be set free at all.
func (s *search) lowerBound(status []int) (more int64, path []int, ok bool) {
	n := s.n
	index := make(map[*cell]int, len(s.cands))
	for k, c := range s.cands {
		index[c] = k
	}
	more = -1
	for x, e := range n.arcs {
		if e.c.state != small || n.movable(x, true) || n.movable(x, false) {
			continue
		}
		s.budget--
		adj := make([][]edge, n.nodes)
		for y, a := range n.arcs {
			if y == x {
				continue
			}
			// What the figure allows as it stands costs nothing; what it
			// would allow withheld costs its value while undecided.
			k, isCand := index[a.c]
			st := a.c.state
			if isCand {
				st = s.orig[k]
				if status[k] == in {
					st = withheld
				}
			}
			lo, hi := (&cell{v: a.c.v, state: st}).bounds()
			up, down := a.c.v < hi, a.c.v > lo
			if up {
				adj[a.from] = append(adj[a.from], edge{a.to, 0, -1})
			}
			if down {
				adj[a.to] = append(adj[a.to], edge{a.from, 0, -1})
			}
			if isCand && status[k] == undecided {
				if !up {
					adj[a.from] = append(adj[a.from], edge{a.to, a.c.v, k})
				}
				if !down && a.c.v > 5 {
					adj[a.to] = append(adj[a.to], edge{a.from, a.c.v, k})
				}
			}
		}
		best, bestPath := int64(math.MaxInt64), []int(nil)
		lo, hi := e.c.bounds()
		for _, up := range []bool{true, false} {
			if (up && e.c.v >= hi) || (!up && e.c.v <= lo) {
				continue
			}
			start, goal := e.to, e.from
			if !up {
				start, goal = e.from, e.to
			}
			if d, p := shortest(adj, start, goal); d < best {
				best, bestPath = d, p
			}
		}
		if best == math.MaxInt64 {
			return 0, nil, false
		}
		if best > more {
			more, path = best, bestPath
		}
	}
	return more, path, true
}

// edge is a step of a path in the residual network, with the concerns it
// costs to take and the undecided candidate it withholds (-1 for none).
type edge struct {
	to   int
	cost int64
	cand int
}

// shortest is the cost of the cheapest path from start to goal and the
// undecided candidates on it (Dijkstra, by scanning: a table has a few
// dozen sums); MaxInt64 when there is none.
func shortest(adj [][]edge, start, goal int) (int64, []int) {
	dist := make([]int64, len(adj))
	done := make([]bool, len(adj))
	via := make([]edge, len(adj)) // the step into each node, with its source in to
	for k := range dist {
		dist[k] = math.MaxInt64
	}
	dist[start] = 0
	for {
		u := -1
		for k := range dist {
			if !done[k] && dist[k] != math.MaxInt64 && (u < 0 || dist[k] < dist[u]) {
				u = k
			}
		}
		if u < 0 {
			return math.MaxInt64, nil
		}
		if u == goal {
			var path []int
			for v := goal; v != start; v = via[v].to {
				if via[v].cand >= 0 {
					path = append(path, via[v].cand)
				}
			}
			return dist[u], path
		}
		done[u] = true
		for _, e := range adj[u] {
			if d := dist[u] + e.cost; d < dist[e.to] {
				dist[e.to] = d
				via[e.to] = edge{u, e.cost, e.cand}
			}
		}
	}
}

// greedy is a first choice that protects: for each figure that can be
// worked out, the smallest candidate next to it that sets it free, else
// the smallest one that does, else the smallest; then any withheld figure
// that is not needed, the largest first, is shown again.
func (s *search) greedy() []bool {
	n := s.n
	chosen := make([]bool, len(s.cands))
	for !s.safe(chosen) {
		i := n.exposed()
		e := n.arcs[i]
		near := func(c *cell) int {
			for _, a := range n.arcs {
				if a.c == c && (a.from == e.from || a.from == e.to || a.to == e.from || a.to == e.to) {
					return 0
				}
			}
			return 1
		}
		var order []int
		for j := range s.cands {
			if !chosen[j] {
				order = append(order, j)
			}
		}
		slices.SortStableFunc(order, func(x, y int) int { return near(s.cands[x]) - near(s.cands[y]) })
		pick := order[0]
		for _, j := range order {
			chosen[j] = true
			s.set(chosen)
			ok := n.movable(i, true) || n.movable(i, false)
			chosen[j] = false
			if ok {
				pick = j
				break
			}
		}
		chosen[pick] = true
	}
	for j := len(s.cands) - 1; j >= 0; j-- {
		if chosen[j] {
			chosen[j] = false
			if !s.safe(chosen) {
				chosen[j] = true
			}
		}
	}
	return chosen
}
