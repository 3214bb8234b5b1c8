package report

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestSummaryUsesOnlyPublishedFigures checks the summary against the report
// it opens: every number in it is a figure the report publishes (or, for
// the month that changed most, the difference of two it publishes), so a
// figure suppressed in a table cannot reappear in a sentence.
func TestSummaryUsesOnlyPublishedFigures(t *testing.T) {
	r := fixedReport(t)
	if len(r.Summary) < 5 {
		t.Fatalf("summary: %q", r.Summary)
	}
	published := map[string]bool{}
	keep := func(f Figure) { published[strings.TrimSuffix(strings.TrimPrefix(f.Text, "+"), "%")] = true }
	var trend [][2]int64
	for _, s := range r.Sections {
		for _, f := range s.Figures {
			keep(f.Figure)
		}
		for _, tb := range s.Tables {
			rows := tb.Rows
			if tb.Totals != nil {
				rows = append(rows, *tb.Totals)
			}
			for _, row := range rows {
				for _, c := range row.Cells {
					keep(c)
				}
				if tb.ID == "trend" && len(row.Cells) == 2 && row.Cells[0].Value != nil && row.Cells[1].Value != nil {
					trend = append(trend, [2]int64{*row.Cells[0].Value, *row.Cells[1].Value})
				}
			}
		}
	}
	for _, d := range trend {
		published[strconv.FormatInt(max(d[0]-d[1], d[1]-d[0]), 10)] = true
	}
	published["12"] = true // "the 12 months to the end of the period"
	published["5"] = true  // "fewer than 5"
	dates := regexp.MustCompile(`\b\d{1,2} [A-Z][a-z]+ \d{4}\b|\b[A-Z][a-z]{2} \d{4}\b`)
	number := regexp.MustCompile(`\d+`)
	for _, s := range r.Summary {
		for _, n := range number.FindAllString(dates.ReplaceAllString(s, ""), -1) {
			if !published[n] {
				t.Errorf("the summary says %s, which the report does not publish:\n%s", n, s)
			}
		}
	}
}

// TestSummaryKeepsSmallNumbersBack gives a concern type a small number and
// the routes too few decisions to show a share: the summary names the
// type without its number nowhere, and says the shares are held back.
func TestSummaryKeepsSmallNumbersBack(t *testing.T) {
	rc := fixedCounts()
	rc.Types = []lifeguard.Tally{{Key: "cyberbullying", N: 60}, {Key: "grooming", N: 3}, {Key: "self_harm", N: 40},
		{Key: "gambling", N: 17}}
	r, err := Build(rc, Options{Scope: "Testshire", Now: fixedReport(t).Generated,
		RouteUrgency: func(c lifeguard.RouteCode) (lifeguard.Urgency, bool) { return lifeguard.Immediate, true }})
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(r.Summary, "\n")
	if strings.Contains(strings.ToLower(all), "grooming") {
		t.Errorf("the summary names a type whose number is small:\n%s", all)
	}
	if !strings.Contains(all, "cyberbullying (") {
		t.Errorf("the summary leaves out the largest type:\n%s", all)
	}
	if !strings.Contains(all, "120 concerns were reported from 1 January 2026 to 30 June 2026, against 97") {
		t.Errorf("the summary's first sentence:\n%s", all)
	}

	rc.Concerns = 3
	r, err = Build(rc, Options{Scope: "Testshire", Now: fixedReport(t).Generated})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(r.Summary[0], "Fewer than 5 concerns were reported") {
		t.Errorf("a small period is summarised as %q", r.Summary[0])
	}
}
