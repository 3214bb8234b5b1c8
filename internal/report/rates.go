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
// describes those organisations, not a type). The report says why each
// type without a rate has none.

// minRateOrganisations is the fewest organisations of a type that get a
// rate.
const minRateOrganisations = 3

// rateTable builds the table of rates from the settings table's cells, and
// the notes that say why a type has no rate. settings and cells are the
// settings table's rows, already protected.
func (b *builder) rateTable(settings []lifeguard.Setting, cells []*cell) (Table, []string, bool) {
	if b.rc.Query.OrganisationID != 0 || len(b.rc.Children) == 0 {
		return Table{}, nil, false
	}
	by := map[lifeguard.Setting]lifeguard.SettingChildren{}
	for _, c := range b.rc.Children {
		by[c.Setting] = c
	}
	t := Table{ID: "rates", Title: "Concerns per 1,000 children, by kind of organisation",
		Caption: "The concerns each kind of organisation recorded, for every 1,000 children its organisations " +
			"serve, as their managers gave the number. A kind of organisation has a rate only when every one " +
			"of them gave it, there are at least " + strconv.Itoa(minRateOrganisations) + " of them and their " +
			"number of concerns is shown.",
		RowHead: "Organisation", Columns: []string{"Concerns", "Children", "Per 1,000 children"}}
	var notes []string
	for i, s := range settings {
		sc, ok := by[s]
		if !ok || sc.Organisations == 0 {
			continue // no organisation of the kind: nothing to say
		}
		row := Row{Key: string(s), Label: s.GroupLabel(), Cells: []Figure{cells[i].figure(), textFigure(MarkNone), textFigure(MarkNone)}}
		v, shown := cells[i].published()
		switch {
		case sc.Counted < sc.Organisations:
			notes = append(notes, fmt.Sprintf("%s: %d of %d have not given their number of children.",
				s.GroupLabel(), sc.Organisations-sc.Counted, sc.Organisations))
		case sc.Organisations < minRateOrganisations:
			notes = append(notes, fmt.Sprintf("%s: no rate for fewer than %d organisations (there %s).",
				s.GroupLabel(), minRateOrganisations, plural2(sc.Organisations)))
		case !shown:
			notes = append(notes, fmt.Sprintf("%s: no rate, because their number of concerns is not shown.", s.GroupLabel()))
		case sc.Children <= 0:
			// Every organisation gave a number of at least one child, so
			// this cannot happen; say nothing rather than divide by zero.
		default:
			row.Cells[1] = countFigure(sc.Children)
			row.Cells[2] = textFigure(rate(v, sc.Children))
		}
		t.Rows = append(t.Rows, row)
	}
	return t, notes, true
}

// rate is concerns per 1,000 children, to one decimal place.
func rate(concerns, children int64) string {
	return strconv.FormatFloat(float64(concerns)*1000/float64(children), 'f', 1, 64)
}

func countFigure(n int64) Figure {
	v := n
	return Figure{Value: &v, Text: strconv.FormatInt(n, 10)}
}

func plural2(n int64) string {
	if n == 1 {
		return "is 1"
	}
	return "are " + strconv.FormatInt(n, 10)
}
