package report

import (
	"fmt"
	"slices"

	"github.com/lifeguard-scp/lifeguard"
)

// The prevention section (issue 17, item 8): the prevention registers
// across the partnership by type of organisation, and what children are
// taught by strand and key stage.

// preventionRow is one row of the section's first table: a measure, what
// it reads, and how its cells are written. A measure added later (training
// in date) slots in as one more row here.
type preventionRow struct {
	measure, label string
	// share writes "N of Of (x%)"; otherwise the cell is the count N.
	share bool
	// children marks a count of children: its small numbers are
	// suppressed across the row and its total.
	children bool
}

var preventionRows = []preventionRow{
	{lifeguard.MeasurePolicyInDate, "Online-safety policy approved in the last 12 months and not past its review (organisations)", true, false},
	{lifeguard.MeasureStaffAgreement, "Staff who agreed to the current staff agreement", true, false},
	{lifeguard.MeasureParentContacts, "Sessions and communications for parents, with the organisations that held them", false, false},
	{lifeguard.MeasureParentsReached, "Parents and carers reached", false, false},
	{lifeguard.MeasureChildSurveys, "Surveys of children about their online lives", false, false},
	{lifeguard.MeasureSurveyAnswers, "Children who answered them", false, true},
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
	bySetting := Table{ID: "prevention_by_setting", Title: "Prevention by type of organisation", RowHead: "Measure",
		Caption: "Parents and surveys are those of the 12 months to the end of the period; staff of an organisation " +
			"with no staff agreement count as not agreed."}
	for _, s := range settings {
		bySetting.Columns = append(bySetting.Columns, s.GroupLabel())
	}
	bySetting.Columns = append(bySetting.Columns, "All")
	for _, row := range preventionRows {
		r := Row{Key: row.measure, Label: row.label}
		var n, of int64
		var cells []*cell
		for _, s := range settings {
			t := got[key{row.measure, s}]
			n, of = n+t.N, of+t.Of
			switch {
			case row.share:
				r.Cells = append(r.Cells, shareText(t.N, t.Of))
			case row.measure == lifeguard.MeasureParentContacts || row.measure == lifeguard.MeasureChildSurveys:
				r.Cells = append(r.Cells, textFigure(fmt.Sprintf("%d by %d", t.N, t.Of)))
			default:
				c := &cell{v: t.N}
				cells = append(cells, c)
			}
		}
		switch {
		case row.share:
			r.Cells = append(r.Cells, shareText(n, of))
		case row.measure == lifeguard.MeasureParentContacts || row.measure == lifeguard.MeasureChildSurveys:
			r.Cells = append(r.Cells, textFigure(fmt.Sprintf("%d by %d", n, of)))
		default:
			total := &cell{v: n}
			if row.children {
				b.protect(line(cells, total))
			}
			r.Cells = append(figures(cells...), total.figure())
		}
		bySetting.Rows = append(bySetting.Rows, r)
	}
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
