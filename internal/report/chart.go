package report

import (
	"fmt"
	"html"
	"html/template"
	"strings"
)

// Charts. Each is an SVG with a title and a description that says where
// its figures are; colours come from classes in the stylesheets (no style
// attribute, which the page's policy forbids). Charts must not mislead:
//
//   - a suppressed figure ("<5", "*" or a table withheld) is drawn
//     hatched, with its mark and the word "hidden" beside it, never as an
//     empty bar or a pale cell that reads as zero; a hatched bar has one
//     length whatever the figure, and the chart's key says so;
//   - the length of a bar and the shade of a heat map cell are scaled over
//     the figures shown only;
//   - labels wrap onto more lines rather than being cut;
//   - every chart is followed by its table, which the page always shows.

const (
	chartWidth = 640
	labelWidth = 250
	barRow     = 26
	lineHeight = 17
	// labelChars is how many characters of a label fit on a line of
	// labelWidth at the chart's 14px type, allowing for wide letters.
	labelChars = 29
	// hiddenBar is the length of the bar of a suppressed figure: short,
	// and the same for every such figure, since its value is not known.
	hiddenBar = 36
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

// hidden reports whether a figure is suppressed: it has a mark, not a
// number, and the mark is not "no figure".
func hidden(f Figure) bool { return f.Value == nil && f.Text != MarkNone }

// hiddenWords is what a suppressed figure says in the chart.
func hiddenWords(f Figure) string {
	if f.Text == MarkDropped {
		return "hidden"
	}
	return f.Text + " hidden"
}

func hatchID(t Table) string { return "chart-" + t.ID + "-hatch" }

func svgOpen(b *strings.Builder, t Table, height int, kind string, anyHidden bool) {
	id := "chart-" + t.ID
	fmt.Fprintf(b, `<svg class="chart" role="img" aria-labelledby="%s-title %s-desc" viewBox="0 0 %d %d" width="100%%">`,
		id, id, chartWidth, height)
	fmt.Fprintf(b, `<title id="%s-title">%s</title>`, id, esc(t.Title))
	desc := kind + " of the figures in the table that follows."
	if anyHidden {
		desc += " Hatched figures are hidden to protect small numbers; their size means nothing."
	}
	fmt.Fprintf(b, `<desc id="%s-desc">%s</desc>`, id, esc(desc))
	if anyHidden {
		fmt.Fprintf(b, `<defs><pattern id="%s" width="8" height="8" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">`+
			`<rect class="chart-hatch-ground" width="8" height="8"></rect>`+
			`<line class="chart-hatch-line" x1="0" y1="0" x2="0" y2="8" stroke-width="3"></line></pattern></defs>`, hatchID(t))
	}
}

// hiddenKey draws the key to the hatching at y, and returns the height it
// takes.
func hiddenKey(b *strings.Builder, t Table, x, y int) int {
	fmt.Fprintf(b, `<rect class="chart-hidden" fill="url(#%s)" x="%d" y="%d" width="28" height="14"></rect>`, hatchID(t), x, y+4)
	fmt.Fprintf(b, `<text class="chart-label" x="%d" y="%d">Hidden to protect small numbers (its size means nothing)</text>`,
		x+34, y+16)
	return 24
}

// wrap splits a label into lines of at most n characters, at spaces where
// it can; a word longer than a line is split.
func wrap(s string, n int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		for len([]rune(w)) > n {
			if line != "" {
				lines, line = append(lines, line), ""
			}
			r := []rune(w)
			lines, w = append(lines, string(r[:n])), string(r[n:])
		}
		switch {
		case line == "":
			line = w
		case len([]rune(line))+1+len([]rune(w)) <= n:
			line += " " + w
		default:
			lines, line = append(lines, line), w
		}
	}
	if line != "" || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// label writes a label of one or more lines, right-aligned at x, its
// lines centred on y.
func label(b *strings.Builder, x, y int, lines []string) {
	top := y - (len(lines)-1)*lineHeight/2
	fmt.Fprintf(b, `<text class="chart-label" x="%d" y="%d" text-anchor="end">`, x, top+5)
	for i, l := range lines {
		if i == 0 {
			fmt.Fprintf(b, `<tspan x="%d">%s</tspan>`, x, esc(l))
		} else {
			fmt.Fprintf(b, `<tspan x="%d" dy="%d">%s</tspan>`, x, lineHeight, esc(l))
		}
	}
	b.WriteString(`</text>`)
}

func barChart(t Table, cols []int) template.HTML {
	var most int64 = 1
	anyHidden := false
	for _, row := range t.Rows {
		for _, c := range cols {
			f := row.Cells[c]
			if f.Value != nil && *f.Value > most {
				most = *f.Value
			}
			anyHidden = anyHidden || hidden(f)
		}
	}
	per := barRow * len(cols)
	labels := make([][]string, len(t.Rows))
	heights := make([]int, len(t.Rows))
	height := 0
	for i, row := range t.Rows {
		labels[i] = wrap(row.Label, labelChars)
		heights[i] = max(per, len(labels[i])*lineHeight+6) + 6
		height += heights[i]
	}
	keyAt := height
	if len(cols) > 1 {
		height += 30
	}
	if anyHidden {
		height += 24
	}
	height += 6
	var b strings.Builder
	kind := "A bar chart"
	if len(cols) > 1 {
		kind = "A bar chart comparing " + strings.Join(t.Columns[:len(cols)], " and ")
	}
	svgOpen(&b, t, height, kind, anyHidden)
	span := float64(chartWidth - labelWidth - 100)
	y := 0
	for i, row := range t.Rows {
		mid := y + heights[i]/2
		label(&b, labelWidth-8, mid, labels[i])
		first := mid - per/2
		for j, c := range cols {
			f := row.Cells[c]
			top := first + j*barRow
			w := 0
			text := f.Text
			switch {
			case f.Value != nil:
				w = int(span * float64(*f.Value) / float64(most))
				if w > 0 {
					fmt.Fprintf(&b, `<rect class="chart-bar chart-bar-%d" x="%d" y="%d" width="%d" height="%d"></rect>`,
						j, labelWidth, top+3, w, barRow-6)
				}
			case hidden(f):
				w, text = hiddenBar, hiddenWords(f)
				fmt.Fprintf(&b, `<rect class="chart-hidden" fill="url(#%s)" x="%d" y="%d" width="%d" height="%d"></rect>`,
					hatchID(t), labelWidth, top+3, w, barRow-6)
			}
			fmt.Fprintf(&b, `<text class="chart-value" x="%d" y="%d">%s</text>`, labelWidth+w+6, top+barRow/2+5, esc(text))
		}
		y += heights[i]
	}
	y = keyAt
	if len(cols) > 1 {
		for i, c := range cols {
			x := labelWidth + i*180
			fmt.Fprintf(&b, `<rect class="chart-bar chart-bar-%d" x="%d" y="%d" width="14" height="14"></rect>`, i, x, y+6)
			fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d">%s</text>`, x+20, y+18, esc(t.Columns[c]))
		}
		y += 30
	}
	if anyHidden {
		hiddenKey(&b, t, 8, y)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// heatMap shades each cell of the table but its last column (the total)
// in five steps of its share of the largest cell shown; a hidden cell is
// hatched, and a cell that cannot have a figure is left white.
func heatMap(t Table) template.HTML {
	cols := len(t.Columns) - 1
	cellW, cellH, left, top := 110, 44, 120, 30
	var most int64 = 1
	anyHidden := false
	for _, row := range t.Rows {
		for c := range cols {
			f := row.Cells[c]
			if f.Value != nil && *f.Value > most {
				most = *f.Value
			}
			anyHidden = anyHidden || hidden(f)
		}
	}
	height := top + len(t.Rows)*cellH + 10
	if anyHidden {
		height += 24
	}
	var b strings.Builder
	svgOpen(&b, t, height, "A heat map", anyHidden)
	for c := range cols {
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="middle">%s</text>`,
			left+c*cellW+cellW/2, top-10, esc(t.Columns[c]))
	}
	for i, row := range t.Rows {
		y := top + i*cellH
		fmt.Fprintf(&b, `<text class="chart-label" x="%d" y="%d" text-anchor="end">%s</text>`, left-8, y+cellH/2+5, esc(row.Label))
		for c := range cols {
			f := row.Cells[c]
			x := left + c*cellW
			class, fill, text := "heat-none", "", f.Text
			switch {
			case f.Value != nil:
				class = fmt.Sprintf("heat-%d", min(4, int(5*float64(*f.Value)/float64(most+1))))
			case hidden(f):
				class, fill, text = "chart-hidden", fmt.Sprintf(` fill="url(#%s)"`, hatchID(t)), hiddenWords(f)
			}
			fmt.Fprintf(&b, `<rect class="%s"%s x="%d" y="%d" width="%d" height="%d"></rect>`, class, fill, x+1, y+1, cellW-2, cellH-2)
			if class == "chart-hidden" {
				// The words sit on a plain ground, to be read over the
				// hatching.
				fmt.Fprintf(&b, `<rect class="chart-hidden-ground" x="%d" y="%d" width="%d" height="20"></rect>`,
					x+cellW/2-46, y+cellH/2-10, 92)
			}
			fmt.Fprintf(&b, `<text class="chart-value %s-text" x="%d" y="%d" text-anchor="middle">%s</text>`,
				class, x+cellW/2, y+cellH/2+5, esc(text))
		}
	}
	if anyHidden {
		hiddenKey(&b, t, left, top+len(t.Rows)*cellH+4)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
