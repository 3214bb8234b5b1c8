package report

import (
	"fmt"
	"slices"

	"github.com/lifeguard-scp/lifeguard"
)

// The prevention section (issue 17, item 8): the prevention registers
// across the partnership by type of organisation, and what children are
// taught by strand and key stage.

// preventionColumn is one column of the section's first table, whose
// rows are the types of organisation: a measure, its heading, and how its
// cells are written. A measure added later (training in date) slots in as
// one more column here.
type preventionColumn struct {
	measure, heading string
	// share writes "N of Of (x%)"; of writes Of; otherwise the cell is N.
	share, of bool
	// children marks a count of children: its small numbers are
	// suppressed down the column and its total.
	children bool
}

var preventionColumns = []preventionColumn{
	{measure: lifeguard.MeasurePolicyInDate, heading: "Organisations with an online-safety policy in date", share: true},
	{measure: lifeguard.MeasureStaffAgreement, heading: "Staff who agreed to the current staff agreement", share: true},
	{measure: lifeguard.MeasureTrainingInDate, heading: "Staff with safeguarding training in date", share: true},
	{measure: lifeguard.MeasureParentContacts, heading: "Sessions and communications for parents"},
	{measure: lifeguard.MeasureParentContacts, heading: "Organisations that held them", of: true},
	{measure: lifeguard.MeasureParentsReached, heading: "Parents and carers reached"},
	{measure: lifeguard.MeasureChildSurveys, heading: "Surveys of children"},
	{measure: lifeguard.MeasureSurveyAnswers, heading: "Children who answered them", children: true},
}

func shareText(n, of int64) Figure {
	if of == 0 {
		return textFigure(MarkNone)
	}
	return textFigure(fmt.Sprintf("%d of %d (%.0f%%)", n, of, 100*float64(n)/float64(of)))
}

// prevention builds the section; a report whose store gave no prevention
// counts has none.
func (b *builder) prevention() (Section, error) {
	p := b.rc.Prevention
	if p == nil {
		return Section{}, errNoSection
	}
	sec := Section{ID: "prevention", Title: "Prevention",
		Intro: "What organisations record of prevention: policies, agreements, parents reached and children's " +
			"surveys as they stand at the end of the period or over the 12 months to it, and what children " +
			"were taught in the school year " + lifeguard.SchoolYearLabel(p.SchoolYear) + ". Counts of children " +
			"are suppressed like every other; the rest count organisations, staff and parents."}
	var settings []lifeguard.Setting
	type key struct {
		measure string
		setting lifeguard.Setting
	}
	got := map[key]lifeguard.PreventionTally{}
	for _, t := range p.Measures {
		if !slices.Contains(settings, t.Setting) {
			settings = append(settings, t.Setting)
		}
		got[key{t.Measure, t.Setting}] = t
	}
	order := lifeguard.Settings()
	slices.SortFunc(settings, func(x, y lifeguard.Setting) int { return slices.Index(order, x) - slices.Index(order, y) })
	bySetting := Table{ID: "prevention_by_setting", Title: "Prevention by type of organisation",
		RowHead: "Type of organisation", Caption: "A policy is in date when its current version was approved in " +
			"the 12 months to the end of the period and its review is not past. Parents and surveys are those of " +
			"the 12 months to the end of the period; staff of an organisation with no staff agreement count as " +
			"not agreed."}
	for _, c := range preventionColumns {
		bySetting.Columns = append(bySetting.Columns, c.heading)
	}
	cols := make([][]Figure, len(preventionColumns)) // each column's cells, a row per setting, then the total
	for ci, c := range preventionColumns {
		var n, of int64
		var cells []*cell
		for _, st := range settings {
			t := got[key{c.measure, st}]
			n, of = n+t.N, of+t.Of
			switch {
			case c.share:
				cols[ci] = append(cols[ci], shareText(t.N, t.Of))
			case c.of:
				cols[ci] = append(cols[ci], count(t.Of))
			default:
				cells = append(cells, &cell{v: t.N})
			}
		}
		switch {
		case c.share:
			cols[ci] = append(cols[ci], shareText(n, of))
		case c.of:
			cols[ci] = append(cols[ci], count(of))
		default:
			total := &cell{v: n}
			if c.children {
				b.protect(line(cells, total))
			}
			cols[ci] = append(figures(cells...), total.figure())
		}
	}
	for si, st := range settings {
		r := Row{Key: string(st), Label: st.GroupLabel()}
		for ci := range preventionColumns {
			r.Cells = append(r.Cells, cols[ci][si])
		}
		bySetting.Rows = append(bySetting.Rows, r)
	}
	tot := Row{Key: "total", Label: "All"}
	for ci := range preventionColumns {
		tot.Cells = append(tot.Cells, cols[ci][len(settings)])
	}
	bySetting.Totals = &tot
	sec.Tables = append(sec.Tables, bySetting)

	teach := Table{ID: "teaching_coverage", Title: "Teaching by strand and key stage", RowHead: "Strand",
		Caption: "Of the year groups on organisations' coverage maps in each key stage, the share taught each " +
			"strand of Education for a Connected World in " + lifeguard.SchoolYearLabel(p.SchoolYear) + "."}
	type sk struct {
		stage  string
		strand lifeguard.TeachingStrand
	}
	tally := map[sk]lifeguard.TeachingTally{}
	stageOf := map[string]int64{} // the year groups of a key stage, the same for each strand
	var stages []string
	for _, t := range p.Teaching {
		if !slices.Contains(stages, t.Stage) {
			stages = append(stages, t.Stage)
		}
		tally[sk{t.Stage, t.Strand}] = t
		stageOf[t.Stage] = max(stageOf[t.Stage], t.Of)
	}
	if len(stages) == 0 {
		sec.Notes = append(sec.Notes, "No organisation has recorded teaching or year groups for this school year.")
		return sec, nil
	}
	teach.Columns = slices.Concat(stages, []string{"All"})
	for _, s := range lifeguard.TeachingStrands() {
		r := Row{Key: string(s), Label: s.Label()}
		var n, of int64
		for _, st := range stages {
			t := tally[sk{st, s}]
			n, of = n+t.N, of+stageOf[st]
			r.Cells = append(r.Cells, shareText(t.N, stageOf[st]))
		}
		r.Cells = append(r.Cells, shareText(n, of))
		teach.Rows = append(teach.Rows, r)
	}
	sec.Tables = append(sec.Tables, teach)
	return sec, nil
}

// preventionChildren reports whether the prevention table's column of
// that heading counts children, and so is suppressed.
func preventionChildren(heading string) bool {
	for _, c := range preventionColumns {
		if c.heading == heading {
			return c.children
		}
	}
	return false
}
