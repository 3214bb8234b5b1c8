package report

import (
	"slices"

	"github.com/lifeguard-scp/lifeguard"
)

// monitoring is the monitoring captures of the period by category
// (docs/monitor.md): what the phrase library matched and kept, counted
// when received. Small numbers are suppressed as in every other table,
// the total with them when the rule needs it. A report with no captures
// has no such section, so that a partnership without monitoring reads as
// before.
func (b *builder) monitoring() (Section, error) {
	if len(b.rc.Captures) == 0 {
		return Section{}, errNoSection
	}
	cats := lifeguard.MonitorCategories()
	count := map[lifeguard.MonitorCategory]int64{}
	var n int64
	for _, t := range b.rc.Captures {
		c := lifeguard.MonitorCategory(t.Key)
		if !slices.Contains(cats, c) {
			cats = append(cats, c)
		}
		count[c] += t.N
		n += t.N
	}
	cells := make([]*cell, len(cats))
	for i, c := range cats {
		cells[i] = &cell{v: count[c]}
	}
	total := &cell{v: n}
	b.protect(line(cells, total))
	t := Table{ID: "captures", Title: "Monitoring captures by risk category",
		Caption: "What children typed or searched on organisations' devices that matched the phrase library, " +
			"by the category of the most severe match. A capture is not a concern: the safeguarding lead reviews it.",
		RowHead: "Category", Columns: []string{"Captures"}, Chart: "bars"}
	for i, c := range cats {
		t.Rows = append(t.Rows, Row{Key: string(c), Label: c.Label(), Cells: figures(cells[i])})
	}
	t.Totals = &Row{Key: "total", Label: "Total", Cells: figures(total)}
	return Section{ID: "monitoring", Title: "Monitoring", Tables: []Table{t}}, nil
}
