package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

func errNoTeaching() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such teaching entry.")
}

const teachingColumns = `id, organisation_id, year_group, strand, taught_on, taught, taught_by, recorded_by, created_at, updated_at`

func scanTeaching(scan func(...any) error) (*lifeguard.TeachingEntry, error) {
	var e lifeguard.TeachingEntry
	var strand, on string
	var by sql.NullInt64
	var created, updated int64
	if err := scan(&e.ID, &e.OrganisationID, &e.YearGroup, &strand, &on, &e.Taught, &e.TaughtBy, &by, &created,
		&updated); err != nil {
		return nil, err
	}
	d, err := parseDay(on)
	if err != nil {
		return nil, err
	}
	e.Strand, e.TaughtOn, e.RecordedBy = lifeguard.TeachingStrand(strand), d, by.Int64
	e.CreatedAt, e.UpdatedAt = fromMicros(created), fromMicros(updated)
	return &e, nil
}

func (p *problems) teaching(in *lifeguard.NewTeaching, today lifeguard.Date) {
	in.Taught, in.TaughtBy = strings.TrimSpace(in.Taught), strings.TrimSpace(in.TaughtBy)
	switch g, ok := lifeguard.NormaliseYearGroup(in.YearGroup); {
	case lifeguard.TextProblem(in.YearGroup) != "":
		p.check("year_group", in.YearGroup)
	case strings.TrimSpace(in.YearGroup) == "":
		p.add("year_group", "is required: N1, N2, R or 1 to 13")
	case !ok:
		p.add("year_group", "%q is not a year group; use N1, N2, R or 1 to 13", in.YearGroup)
	default:
		in.YearGroup = g
	}
	switch {
	case lifeguard.TextProblem(string(in.Strand)) != "":
		p.check("strand", string(in.Strand))
	case in.Strand == "":
		p.add("strand", "is required: one of %s", strandCodes())
	case !in.Strand.Valid():
		p.add("strand", "%q is not a strand of Education for a Connected World; use one of %s", in.Strand, strandCodes())
	}
	p.pastDate("taught_on", in.TaughtOn, today, "the date it was taught")
	p.text("taught", in.Taught, lifeguard.MaxTeachingText, true)
	p.text("taught_by", in.TaughtBy, lifeguard.MaxTaughtBy, true)
}

func strandCodes() string {
	var s []string
	for _, c := range lifeguard.TeachingStrands() {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

// schoolYearSpan is the first and last day of school year y, as stored.
func schoolYearSpan(y int) (string, string) {
	return fmt.Sprintf("%04d-09-01", y), fmt.Sprintf("%04d-08-31", y+1)
}

// TeachingEntries lists an organisation's entries of a school year.
func (db *DB) TeachingEntries(ctx context.Context, organisationID int64, schoolYear int) ([]lifeguard.TeachingEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := []lifeguard.TeachingEntry{}
	err = db.inRead(ctx, "teaching entries", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpReadPrevention, organisationID)
		if err != nil {
			return err
		}
		from, to := schoolYearSpan(schoolYear)
		return each(ctx, tx, `SELECT `+teachingColumns+` FROM teaching_entries
			WHERE organisation_id = ? AND taught_on >= ? AND taught_on <= ? ORDER BY taught_on DESC, id DESC`,
			[]any{org, from, to}, func(scan func(...any) error) error {
				e, err := scanTeaching(scan)
				if err == nil {
					out = append(out, *e)
				}
				return err
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func readTeaching(ctx context.Context, tx *tx, a *lifeguard.Actor, op lifeguard.Op, id int64) (*lifeguard.TeachingEntry, error) {
	e, err := scanTeaching(tx.row(ctx, `SELECT `+teachingColumns+` FROM teaching_entries WHERE id = ?`, id).Scan)
	if err != nil {
		return nil, noRow(err, errNoTeaching)
	}
	return e, registerRow(a, op, e.OrganisationID, errNoTeaching)
}

// TeachingEntry returns one entry.
func (db *DB) TeachingEntry(ctx context.Context, id int64) (*lifeguard.TeachingEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.TeachingEntry
	err = db.inRead(ctx, "teaching entry", func(tx *tx) error {
		out, err = readTeaching(ctx, tx, a, lifeguard.OpReadPrevention, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordTeaching records an entry of the actor's organisation.
func (db *DB) RecordTeaching(ctx context.Context, in lifeguard.NewTeaching) (*lifeguard.TeachingEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	now := db.now()
	var out *lifeguard.TeachingEntry
	err = db.inWrite(ctx, "record teaching", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpKeepPrevention, 0)
		if err != nil {
			return err
		}
		var p problems
		p.teaching(&in, dayOf(now))
		if err := p.err("The teaching entry is not valid"); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO teaching_entries (organisation_id, year_group, strand, taught_on, taught,
			taught_by, recorded_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, org, in.YearGroup,
			string(in.Strand), in.TaughtOn.String(), in.Taught, in.TaughtBy, nullID(a.UserID), micros(now), micros(now))
		if err != nil {
			return err
		}
		out, err = readTeaching(ctx, tx, a, lifeguard.OpKeepPrevention, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EditTeaching changes an entry.
func (db *DB) EditTeaching(ctx context.Context, id int64, in lifeguard.NewTeaching) (*lifeguard.TeachingEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	now := db.now()
	var out *lifeguard.TeachingEntry
	err = db.inWrite(ctx, "edit teaching", func(tx *tx) error {
		if _, err := readTeaching(ctx, tx, a, lifeguard.OpKeepPrevention, id); err != nil {
			return err
		}
		var p problems
		p.teaching(&in, dayOf(now))
		if err := p.err("The teaching entry is not valid"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE teaching_entries SET year_group = ?, strand = ?, taught_on = ?, taught = ?,
			taught_by = ?, updated_at = ? WHERE id = ?`, in.YearGroup, string(in.Strand), in.TaughtOn.String(), in.Taught,
			in.TaughtBy, micros(now), id); err != nil {
			return err
		}
		out, err = readTeaching(ctx, tx, a, lifeguard.OpKeepPrevention, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TeachingCoverage is the coverage map of an organisation's school year.
func (db *DB) TeachingCoverage(ctx context.Context, organisationID int64, schoolYear int) (*lifeguard.TeachingCoverage, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.TeachingCoverage
	err = db.inRead(ctx, "teaching coverage", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpReadPrevention, organisationID)
		if err != nil {
			return err
		}
		out, err = coverage(ctx, tx, org, schoolYear)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// coverage builds the map: rows for the year groups of the children on
// roll and of any entry of the year, in school order.
func coverage(ctx context.Context, tx *tx, org int64, schoolYear int) (*lifeguard.TeachingCoverage, error) {
	type key struct{ group, strand string }
	cells := map[key]*lifeguard.CoverageCell{}
	groups := map[string]bool{}
	from, to := schoolYearSpan(schoolYear)
	err := each(ctx, tx, `SELECT year_group, strand, COUNT(*), MAX(taught_on) FROM teaching_entries
		WHERE organisation_id = ? AND taught_on >= ? AND taught_on <= ? GROUP BY year_group, strand`,
		[]any{org, from, to}, func(scan func(...any) error) error {
			var g, s, last string
			var n int
			if err := scan(&g, &s, &n, &last); err != nil {
				return err
			}
			d, err := parseDay(last)
			if err != nil {
				return err
			}
			groups[g] = true
			cells[key{g, s}] = &lifeguard.CoverageCell{Strand: lifeguard.TeachingStrand(s), Entries: n, Last: &d}
			return nil
		})
	if err != nil {
		return nil, err
	}
	err = each(ctx, tx, `SELECT DISTINCT year_group FROM children WHERE organisation_id = ? AND year_group IS NOT NULL
		AND left_on IS NULL AND merged_into IS NULL`, []any{org}, func(scan func(...any) error) error {
		var g string
		if err := scan(&g); err != nil {
			return err
		}
		groups[g] = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := &lifeguard.TeachingCoverage{OrganisationID: org, SchoolYear: schoolYear, Rows: []lifeguard.CoverageRow{}}
	for _, g := range lifeguard.YearGroups() {
		if !groups[g] {
			continue
		}
		row := lifeguard.CoverageRow{YearGroup: g}
		for _, s := range lifeguard.TeachingStrands() {
			c := lifeguard.CoverageCell{Strand: s}
			if got := cells[key{g, string(s)}]; got != nil {
				c = *got
			}
			row.Cells = append(row.Cells, c)
		}
		out.Rows = append(out.Rows, row)
	}
	out.Rows = slices.Clip(out.Rows)
	return out, nil
}
