package export

import (
	"io"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// The teaching, parents', survey and access registers (issue 17, items 5
// to 7). Codes go out as codes (the strand, the kind) with their words
// beside them, so a spreadsheet can filter on either.

// Teaching writes one line per teaching entry.
func Teaching(w io.Writer, entries []lifeguard.TeachingEntry) error {
	x := newWriter(w, "id", "organisation_id", "year_group", "key_stage", "strand", "strand_name", "taught_on", "term",
		"taught", "taught_by", "updated_at")
	for _, e := range entries {
		x.row(id(e.ID), id(e.OrganisationID), e.YearGroup, lifeguard.KeyStage(e.YearGroup), string(e.Strand),
			e.Strand.Label(), e.TaughtOn.String(), lifeguard.TermOf(e.TaughtOn), e.Taught, e.TaughtBy, stamp(&e.UpdatedAt))
	}
	return x.done()
}

// Coverage writes the coverage map: one line per year group and strand,
// with how many entries and the last date ("" and 0 for a gap).
func Coverage(w io.Writer, c *lifeguard.TeachingCoverage) error {
	x := newWriter(w, "school_year", "year_group", "key_stage", "strand", "strand_name", "entries", "last_taught")
	for _, r := range c.Rows {
		for _, cell := range r.Cells {
			last := ""
			if cell.Last != nil {
				last = cell.Last.String()
			}
			x.row(lifeguard.SchoolYearLabel(c.SchoolYear), r.YearGroup, lifeguard.KeyStage(r.YearGroup), string(cell.Strand),
				cell.Strand.Label(), strconv.Itoa(cell.Entries), last)
		}
	}
	return x.done()
}

// ParentContacts writes one line per session or communication.
func ParentContacts(w io.Writer, list []lifeguard.ParentContact) error {
	x := newWriter(w, "id", "organisation_id", "on", "kind", "kind_name", "topic", "reached", "notes", "updated_at")
	for _, c := range list {
		x.row(id(c.ID), id(c.OrganisationID), c.On.String(), string(c.Kind), c.Kind.Label(), c.Topic,
			strconv.Itoa(c.Reached), c.Notes, stamp(&c.UpdatedAt))
	}
	return x.done()
}

// Surveys writes one line per answer option of each question of each
// survey, with how many chose it.
func Surveys(w io.Writer, list []lifeguard.ChildSurvey) error {
	x := newWriter(w, "survey_id", "organisation_id", "title", "on", "year_groups", "respondents", "question_no",
		"question", "answer", "chosen")
	for _, s := range list {
		for i, q := range s.Questions {
			for _, o := range q.Options {
				x.row(id(s.ID), id(s.OrganisationID), s.Title, s.On.String(), s.YearGroups, strconv.Itoa(s.Respondents),
					strconv.Itoa(i+1), q.Text, o.Text, strconv.Itoa(o.Count))
			}
		}
	}
	return x.done()
}

// AccessRecord writes one line per group of the access record, with the
// filter policy that covers it ("" when none does).
func AccessRecord(w io.Writer, rec *lifeguard.AccessRecord) error {
	x := newWriter(w, "id", "organisation_id", "name", "kind", "members", "count", "devices", "how_given", "agreement",
		"filter_group", "filter_applies", "filter_categories", "updated_at")
	for _, g := range rec.Groups {
		applies, cats := "", ""
		if g.Filter != nil {
			applies = g.Filter.Group
			for i, c := range g.Filter.Categories {
				if i > 0 {
					cats += " "
				}
				cats += c
			}
		}
		x.row(id(g.ID), id(g.OrganisationID), g.Name, string(g.Kind), g.Members, strconv.Itoa(g.Count), g.Devices,
			g.HowGiven, string(g.Agreement), g.FilterGroup, applies, cats, stamp(&g.UpdatedAt))
	}
	return x.done()
}
