package report

import (
	"fmt"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The written summary that opens the report: a few sentences in plain
// English for a board member who reads nothing else. Each is made from
// figures the report itself publishes, read back from its sections after
// suppression, so a number held back in a table is held back here too: a
// sentence names only figures shown as numbers, and says so where what
// it would say is hidden.

// summarise writes the summary of a built report. urgency gives a route's
// urgency in the procedure, to find the most urgent routes; nil leaves
// their timeliness out.
func summarise(r *Report, urgency func(lifeguard.RouteCode) (lifeguard.Urgency, bool)) []string {
	var out []string
	add := func(s string) {
		if s != "" {
			out = append(out, s)
		}
	}
	add(r.summaryVolume())
	add(r.summaryTypes())
	add(r.summaryChange())
	add(r.summaryTimeliness(urgency))
	add(r.summaryAudits())
	add(r.summaryPlan())
	if r.Rule == RuleRound5 && len(out) > 0 {
		add("Counts of concerns here are rounded to the nearest 5, as in the rest of the report, except the number of concerns in the period.")
	}
	return out
}

func (r *Report) section(id string) *Section {
	for i := range r.Sections {
		if r.Sections[i].ID == id {
			return &r.Sections[i]
		}
	}
	return nil
}

func (r *Report) fact(section, id string) (Figure, bool) {
	if s := r.section(section); s != nil {
		for _, f := range s.Figures {
			if f.ID == id {
				return f.Figure, true
			}
		}
	}
	return Figure{}, false
}

func (r *Report) table(id string) *Table {
	for i := range r.Sections {
		for j := range r.Sections[i].Tables {
			if r.Sections[i].Tables[j].ID == id {
				return &r.Sections[i].Tables[j]
			}
		}
	}
	return nil
}

// column is the index of a table's column, or -1.
func (t *Table) column(name string) int { return slices.Index(t.Columns, name) }

func concerns(n int64) string {
	if n == 1 {
		return "1 concern"
	}
	return fmt.Sprintf("%d concerns", n)
}

func (r *Report) summaryVolume() string {
	now, ok := r.fact("overview", "concerns")
	if !ok {
		return ""
	}
	var s string
	switch {
	case now.Value != nil:
		s = fmt.Sprintf("%s were reported from %s to %s", title(concerns(*now.Value)), r.LongFrom(), r.LongTo())
	case now.Text == MarkSmall:
		s = fmt.Sprintf("Fewer than 5 concerns were reported from %s to %s", r.LongFrom(), r.LongTo())
	default:
		return ""
	}
	prev, _ := r.fact("overview", "previous")
	change, _ := r.fact("overview", "change")
	switch {
	case prev.Value != nil && change.Text != MarkNone && change.Text != "":
		s += fmt.Sprintf(", against %d in the period of the same length before it (%s)", *prev.Value, change.Text)
	case prev.Value != nil:
		s += fmt.Sprintf(", against %d in the period of the same length before it", *prev.Value)
	}
	return s + "."
}

// summaryTypes names the concern types recorded most, from those shown.
func (r *Report) summaryTypes() string {
	t := r.table("types")
	if t == nil {
		return ""
	}
	type named struct {
		label string
		n     int64
	}
	var shown []named
	hidden := 0
	for _, row := range t.Rows {
		if len(row.Cells) == 0 {
			continue
		}
		switch c := row.Cells[0]; {
		case c.Value != nil && *c.Value > 0:
			shown = append(shown, named{row.Label, *c.Value})
		case c.Value == nil && (c.Text == MarkSmall || c.Text == MarkWithheld):
			hidden++
		}
	}
	if len(shown) == 0 {
		return ""
	}
	slices.SortStableFunc(shown, func(a, b named) int { return int(b.n - a.n) })
	shown = shown[:min(3, len(shown))]
	var parts []string
	for _, x := range shown {
		parts = append(parts, fmt.Sprintf("%s (%d)", strings.ToLower(x.label[:1])+x.label[1:], x.n))
	}
	s := "The concerns recorded most often were about " + join(parts) + "."
	if hidden > 0 {
		s += fmt.Sprintf(" The figures of %d other concern types are held back because they are small or would reveal a small one.", hidden)
	}
	return s
}

// summaryChange names the month that changed most on the same month of
// the previous period, where both figures are shown.
func (r *Report) summaryChange() string {
	t := r.table("trend")
	if t == nil {
		return ""
	}
	best, label := int64(-1), ""
	var now, prev int64
	for _, row := range t.Rows {
		if len(row.Cells) < 2 || row.Cells[0].Value == nil || row.Cells[1].Value == nil {
			continue
		}
		a, b := *row.Cells[0].Value, *row.Cells[1].Value
		if d := max(a-b, b-a); d > best {
			best, label, now, prev = d, row.Label, a, b
		}
	}
	if best <= 0 {
		return ""
	}
	month, before, _ := strings.Cut(label, "; previous: ")
	more := "more"
	if now < prev {
		more = "fewer"
	}
	return fmt.Sprintf("The largest change by month was in %s: %s, %d %s than in %s.", month, concerns(now), best, more, before)
}

// summaryTimeliness gives the share decided by the deadline for the most
// urgent routes the procedure has (immediate, then same working day) that
// have a share shown.
func (r *Report) summaryTimeliness(urgency func(lifeguard.RouteCode) (lifeguard.Urgency, bool)) string {
	t := r.table("timeliness")
	if t == nil || urgency == nil {
		return ""
	}
	share, decided := t.column("Share by the deadline"), t.column("Decided")
	if share < 0 || decided < 0 {
		return ""
	}
	var parts []string
	hidden := 0
	for _, row := range t.Rows {
		u, ok := urgency(lifeguard.RouteCode(row.Key))
		if !ok || u.Rank() > lifeguard.SameWorkingDay.Rank() {
			continue
		}
		sh, d := row.Cells[share], row.Cells[decided]
		if sh.Text == MarkNone || sh.Text == "" || d.Value == nil {
			hidden++
			continue
		}
		parts = append(parts, fmt.Sprintf("%s, %s of %d", row.Label, sh.Text, *d.Value))
	}
	if len(parts) == 0 {
		if hidden > 0 {
			return "For the most urgent routes (now or the same working day), the share decided by the deadline is held back because the numbers are small."
		}
		return ""
	}
	return "For the most urgent routes (now or the same working day), the share of first decisions made by the deadline was: " +
		strings.Join(parts, "; ") + "."
}

func (r *Report) summaryAudits() string {
	t := r.table("audit_coverage")
	if t == nil || t.Totals == nil || len(t.Totals.Cells) < 3 {
		return ""
	}
	done, all := t.Totals.Cells[0], t.Totals.Cells[1]
	if done.Value == nil || all.Value == nil || *all.Value == 0 {
		return ""
	}
	return fmt.Sprintf("%d of %d organisations (%s) completed a self-audit in the 12 months to the end of the period.",
		*done.Value, *all.Value, t.Totals.Cells[2].Text)
}

func (r *Report) summaryPlan() string {
	t := r.table("plan_status")
	if t == nil || t.Totals == nil {
		return ""
	}
	total, overdue := t.column("Total"), t.column("Overdue")
	if total < 0 || overdue < 0 || t.Totals.Cells[total].Value == nil || *t.Totals.Cells[total].Value == 0 {
		return ""
	}
	var parts []string
	for i, c := range t.Columns[:total] {
		if v := t.Totals.Cells[i].Value; v != nil && *v > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", *v, strings.ToLower(c)))
		}
	}
	s := fmt.Sprintf("The strategy action plan has %d actions", *t.Totals.Cells[total].Value)
	if len(parts) > 0 {
		s += " (" + strings.Join(parts, ", ") + ")"
	}
	if v := t.Totals.Cells[overdue].Value; v != nil && *v > 0 {
		s += fmt.Sprintf("; %d overdue", *v)
	}
	s += "."
	if b := r.table("barriers"); b != nil {
		switch n := len(b.Rows); n {
		case 0:
			s += " No barrier is escalated to the board."
		case 1:
			s += " 1 barrier is escalated to the board and not yet resolved."
		default:
			s += fmt.Sprintf(" %d barriers are escalated to the board and not yet resolved.", n)
		}
	}
	return s
}

// join lists items as a sentence does: "a, b and c".
func join(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
