package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Charts. Each is an SVG with a title and a description that says where
// its figures are; colours come from classes in app.css (no style
// attribute, which the page's policy forbids). A suppressed figure has no
// bar: its mark is written where the bar would be.

const (
	chartWidth = 640
	labelWidth = 250
	barRow     = 26
)

// Chart draws a table as the SVG its Chart names, or returns "" for none.
func Chart(t Table) template.HTML {
	switch t.Chart {
	case "bars":
		return barChart(t, []int{0})
	case "pair":
		return barChart(t, []int{0, 1})
	case "heatmap":
		return heatMap(t)
	}
	return ""
}

func esc(s string) string { return html.EscapeString(s) }

func svgOpen(b *strings.Builder, t Table, height int, kind string) {
	id := "chart-" + t.ID
	fmt.Fprintf(b, `<svg class="chart" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %d %d" width="100%%">`,
		id, id, chartWidth, height)
	fmt.Fprintf(b, `<title id="%s-title">%s</title>`, id, esc(t.Title))
	fmt.Fprintf(b, `<desc id="%s-desc">%s of the figures in the table that follows.</desc>`, id, esc(kind))
}

func barChart(t Table, cols []int) template.HTML {
	var most int64 = 1
	for _, row := range t.Rows {
		for _, c := range cols {
			if v := row.Cells[c].Value; v != nil && *v > most {
				most = *v
			}
		}
	}
	per := barRow * len(cols)
	height := len(t.Rows)*(per+6) + 30
	var b strings.Builder
	kind := "A bar chart"
	if len(cols) > 1 {
		kind = "A bar chart comparing " + strings.Join(t.Columns[:len(cols)], " and ")
	}
	svgOpen(&b, t, height, kind)
	span := float64(chartWidth - labelWidth - 60)
	y := 0
	for _, row := range t.Rows {
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="end">%s</text>`,
			labelWidth-8, y+barRow/2+5, esc(shorten(row.Label, 34)))
		for i, c := range cols {
			f := row.Cells[c]
			top := y + i*barRow
			w := 0
			if f.Value != nil {
				w = int(span * float64(*f.Value) / float64(most))
			}
			if w > 0 {
				fmt.Fprintf(&b, `<rect class="chart-bar chart-bar-%d" x="%d" y="%d" width="%d" height="%d"></rect>`,
					i, labelWidth, top+3, w, barRow-6)
			}
			fmt.Fprintf(&b, `<text class="chart-value" x="%d" y="%d">%s</text>`, labelWidth+w+6, top+barRow/2+5, esc(f.Text))
		}
		y += per + 6
	}
	if len(cols) > 1 {
		for i, c := range cols {
			x := labelWidth + i*180
			fmt.Fprintf(&b, `<rect class="chart-bar chart-bar-%d" x="%d" y="%d" width="14" height="14"></rect>`, i, x, y+6)
			fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d">%s</text>`, x+20, y+18, esc(t.Columns[c]))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// heatMap shades each cell of the table but its last column (the total)
// in five steps of its share of the largest cell.
func heatMap(t Table) template.HTML {
	cols := len(t.Columns) - 1
	cellW, cellH, left, top := 110, 44, 120, 30
	height := top + len(t.Rows)*cellH + 10
	var b strings.Builder
	svgOpen(&b, t, height, "A heat map")
	var most int64 = 1
	for _, row := range t.Rows {
		for c := range cols {
			if v := row.Cells[c].Value; v != nil && *v > most {
				most = *v
			}
		}
	}
	for c := range cols {
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="middle">%s</text>`,
			left+c*cellW+cellW/2, top-10, esc(t.Columns[c]))
	}
	for i, row := range t.Rows {
		y := top + i*cellH
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="end">%s</text>`, left-8, y+cellH/2+5, esc(row.Label))
		for c := range cols {
			f := row.Cells[c]
			class := "heat-none"
			if f.Value != nil {
				class = fmt.Sprintf("heat-%d", min(4, int(5*float64(*f.Value)/float64(most+1))))
			} else if f.Text != MarkNone {
				class = "heat-hidden"
			}
			x := left + c*cellW
			fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%d" height="%d"></rect>`, class, x+1, y+1, cellW-2, cellH-2)
			fmt.Fprintf(&b, `<text class="chart-value %s-text" x="%d" y="%d" text-anchor="middle">%s</text>`,
				class, x+cellW/2, y+cellH/2+5, esc(f.Text))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
