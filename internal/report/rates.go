package report

import (
	"fmt"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// Concerns per 1,000 children by type of organisation, so that a large
// school is not read as a worse one.
//
// A rate reveals nothing the report does not already publish: it is worked
// out from the published figure of the type's concerns (the very figure of
// the settings table, as rounded under RuleRound5) and the children of
// the type, and is given only when that figure is published as a number.
// A type whose concerns read "<5" or "*" has no rate, so a rate times the
// children can never give back a hidden figure. The children of a type are
// the numbers its organisations' managers gave, which are no secret and
// count no concern, so differencing them with anything published tells a
// reader nothing about concerns. A rate is given only where every
// organisation of the type gave its number (a partial sum would divide all
// of the type's concerns by some of its children) and the type has at least
// minRateOrganisations organisations (a rate of one or two organisations
// describes those organisations, not a type). The table says why each
// type without a rate has none.

// minRateOrganisations is the fewest organisations of a type that get a
// rate.
const minRateOrganisations = 3

// rateTable builds the table of rates from the settings table's cells:
// for each kind of organisation the partnership has, its concerns (the
// settings table's figure), its children and its rate, or why it has none.
// settings and cells are the settings table's rows, already protected.
func (b *builder) rateTable(settings []lifeguard.Setting, cells []*cell) (Table, bool) {
	if b.rc.Query.OrganisationID != 0 || len(b.rc.Children) == 0 {
		return Table{}, false
	}
	by := map[lifeguard.Setting]lifeguard.SettingChildren{}
	for _, c := range b.rc.Children {
		by[c.Setting] = c
	}
	t := Table{ID: "rates", Title: "Concerns per 1,000 children, by kind of organisation",
		Caption: "The concerns each kind of organisation recorded, for every 1,000 children its organisations " +
			"serve, as their managers gave the number. A kind of organisation has a rate only when there are at " +
			"least " + strconv.Itoa(minRateOrganisations) + " of them, every one gave its number, and their number " +
			"of concerns is shown; otherwise the last column says why not.",
		RowHead: "Organisation", Columns: []string{"Concerns", "Children", "Per 1,000 children", "Why no rate"}}
	for i, s := range settings {
		sc, ok := by[s]
		if !ok || sc.Organisations == 0 {
			continue // no organisation of the kind: nothing to say
		}
		none := textFigure(MarkNone)
		row := Row{Key: string(s), Label: s.GroupLabel(), Cells: []Figure{cells[i].figure(), none, none, none}}
		v, shown := cells[i].published()
		switch {
		case sc.Organisations < minRateOrganisations:
			row.Cells[3] = textFigure(fmt.Sprintf("fewer than %d organisations (%s)", minRateOrganisations,
				numberOf(sc.Organisations, "organisation")))
		case sc.Counted < sc.Organisations:
			left := sc.Organisations - sc.Counted
			verb := "have not given their"
			if left == 1 {
				verb = "has not given its"
			}
			row.Cells[3] = textFigure(fmt.Sprintf("%d of %d %s number of children", left, sc.Organisations, verb))
		case !shown:
			row.Cells[3] = textFigure("the number of concerns is not shown")
		case sc.Children <= 0:
			// Every organisation gave a number of at least one child, so
			// this cannot happen; say so rather than divide by zero.
			row.Cells[3] = textFigure("no children given")
		default:
			row.Cells[1] = count(sc.Children)
			row.Cells[2] = textFigure(rate(v, sc.Children))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, true
}

// rate is concerns per 1,000 children, to one decimal place.
func rate(concerns, children int64) string {
	return strconv.FormatFloat(float64(concerns)*1000/float64(children), 'f', 1, 64)
}

// numberOf says n of a unit: "1 organisation", "2 organisations".
func numberOf(n int64, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.FormatInt(n, 10) + " " + unit + "s"
}
