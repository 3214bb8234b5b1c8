package report

import (
	"bytes"
	"html"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func num(n int64) Figure { return Figure{Value: &n, Text: itoa(n)} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestChartsDoNotMislead draws charts of tables with hidden figures and
// long labels: a hidden figure is hatched and says so, never an empty bar
// or a pale cell; the shades and lengths are scaled over the figures
// shown; no label is cut.
func TestChartsDoNotMislead(t *testing.T) {
	long := "Unsuitable material on our devices or on the organisation's own network"
	bars := Table{ID: "types", Title: "Types", Columns: []string{"Concerns"}, Chart: "bars", Rows: []Row{
		{Key: "a", Label: "Cyberbullying", Cells: []Figure{{Text: MarkWithheld}}},
		{Key: "b", Label: long, Cells: []Figure{num(11)}},
		{Key: "c", Label: "Grooming", Cells: []Figure{{Text: MarkSmall}}},
		{Key: "d", Label: "Gambling", Cells: []Figure{num(0)}},
	}}
	svg := string(Chart(bars))
	t.Run("a hidden bar is hatched and says it is hidden", func(t *testing.T) {
		if n := strings.Count(svg, `class="chart-hidden" fill="url(#chart-types-hatch)"`); n != 2+1 { // two bars and the key
			t.Errorf("%d hatched shapes, want 3 (two bars and the key):\n%s", n, svg)
		}
		for _, want := range []string{">* hidden</text>", ">&lt;5 hidden</text>", `<pattern id="chart-types-hatch"`,
			"Hidden to protect small numbers", "Hatched figures are hidden to protect small numbers"} {
			if !strings.Contains(svg, want) {
				t.Errorf("the chart lacks %q", want)
			}
		}
	})
	t.Run("the longest bar is the largest figure shown", func(t *testing.T) {
		m := regexp.MustCompile(`<rect class="chart-bar chart-bar-0" x="250" y="\d+" width="(\d+)"`).FindAllStringSubmatch(svg, -1)
		if len(m) != 1 || m[0][1] != itoa(int64(chartWidth-labelWidth-100)) {
			t.Errorf("bars %v, want one, of the full span", m)
		}
	})
	t.Run("labels wrap and are never cut", func(t *testing.T) {
		var words []string
		for _, m := range regexp.MustCompile(`<tspan[^>]*>([^<]*)</tspan>`).FindAllStringSubmatch(svg, -1) {
			line := html.UnescapeString(m[1])
			if len([]rune(line)) > labelChars {
				t.Errorf("a line of %d characters may not fit: %q", len([]rune(line)), line)
			}
			words = append(words, line)
		}
		if !strings.Contains(strings.Join(words, " "), long) || strings.Contains(svg, "…") {
			t.Errorf("the long label is not whole: %q", words)
		}
		if got := wrap("Supercalifragilisticexpialidocious-and-more words", 10); strings.Join(got, "") != "Supercalifragilisticexpialidocious-and-more words" {
			t.Errorf("wrap: %q", got)
		}
	})

	heat := Table{ID: "heatmap", Title: "Heat", Columns: []string{"A", "B", "Total"}, Chart: "heatmap", Rows: []Row{
		{Key: "x", Label: "Content", Cells: []Figure{{Text: MarkWithheld}, num(11), num(50)}},
		{Key: "y", Label: "Contact", Cells: []Figure{{Text: MarkSmall}, {Text: MarkNone}, {Text: MarkWithheld}}},
		{Key: "z", Label: "Conduct", Cells: []Figure{num(2 * 0), num(5), num(5)}},
	}}
	hsvg := string(Chart(heat))
	t.Run("a hidden cell is hatched, not pale", func(t *testing.T) {
		if n := strings.Count(hsvg, `<rect class="chart-hidden" fill="url(#chart-heatmap-hatch)"`); n != 3 {
			t.Errorf("%d hatched shapes, want 3 (two cells and the key)", n)
		}
		if strings.Contains(hsvg, "heat-hidden") || !strings.Contains(hsvg, ">* hidden</text>") || !strings.Contains(hsvg, ">&lt;5 hidden</text>") {
			t.Errorf("hidden cells are not drawn as hidden:\n%s", hsvg)
		}
	})
	t.Run("the darkest cell is the largest shown", func(t *testing.T) {
		// 11 is the largest figure shown, though the hidden one may be
		// larger: it has the darkest shade, and 5 a lighter one.
		if !strings.Contains(hsvg, `<rect class="heat-4" x="231" y="31"`) || !strings.Contains(hsvg, `<rect class="heat-2" x="231" y="119"`) {
			t.Errorf("shades:\n%s", hsvg)
		}
	})
}

// TestEveryChartKeepsItsTable checks the HTML of the fixed report: each
// chart is followed by the table of its figures.
func TestEveryChartKeepsItsTable(t *testing.T) {
	var b bytes.Buffer
	if err := WriteHTML(&b, fixedReport(t)); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	charts := regexp.MustCompile(`<figure class="report-chart" aria-labelledby="tbl-([a-z_]+)">`).FindAllStringSubmatchIndex(doc, -1)
	if len(charts) < 5 {
		t.Fatalf("%d charts", len(charts))
	}
	for i, m := range charts {
		id := doc[m[2]:m[3]]
		end := len(doc)
		if i+1 < len(charts) {
			end = charts[i+1][0]
		}
		if !strings.Contains(doc[m[1]:end], "<table") {
			t.Errorf("the chart of %s has no table after it", id)
		}
	}
}
