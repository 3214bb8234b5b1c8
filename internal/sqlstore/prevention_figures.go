package sqlstore

import (
	"context"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// PreventionFigures counts an organisation's teaching, parents', survey
// and access registers for its self-audit.
func (db *DB) PreventionFigures(ctx context.Context, organisationID int64) (*lifeguard.PreventionFigures, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	today := dayOf(db.now())
	out := &lifeguard.PreventionFigures{Today: today, SchoolYear: lifeguard.SchoolYearOf(today)}
	err = db.inRead(ctx, "prevention figures", func(tx *tx) error {
		o, err := auditOrg(ctx, tx, organisationID)
		if err != nil {
			return err
		}
		if err := checkAudits(a, readAudits, o.ID, o.PartnershipID, errNoOrganisation); err != nil {
			return err
		}
		return preventionFigures(ctx, tx, o.ID, today, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// preventionFigures fills out for organisation org as of today.
func preventionFigures(ctx context.Context, tx *tx, org int64, today lifeguard.Date, out *lifeguard.PreventionFigures) error {
	cov, err := coverage(ctx, tx, org, out.SchoolYear)
	if err != nil {
		return err
	}
	out.YearGroups, out.Cells = len(cov.Rows), len(cov.Rows)*len(lifeguard.TeachingStrands())
	for _, r := range cov.Rows {
		out.Covered += len(r.Cells) - r.Gaps()
	}
	since := lifeguard.DateOf(today.In(time.UTC).AddDate(0, 0, -365)).String()
	if err := tx.row(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN kind IN ('session', 'meeting') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(reached), 0) FROM parent_contacts WHERE organisation_id = ? AND held_on > ? AND held_on <= ?`,
		org, since, today.String()).Scan(&out.ParentContacts, &out.ParentSessions, &out.ParentsReached); err != nil {
		return err
	}
	if err := tx.row(ctx, `SELECT COUNT(*), COALESCE(SUM(respondents), 0) FROM child_surveys
		WHERE organisation_id = ? AND held_on > ? AND held_on <= ?`, org, since, today.String()).
		Scan(&out.Surveys, &out.Respondents); err != nil {
		return err
	}
	rec, err := readAccessRecord(ctx, tx, org)
	if err != nil {
		return err
	}
	out.AccessGroups, out.Unfiltered, out.FilterAttached = len(rec.Groups), rec.Unfiltered(), rec.FilterAttached
	for _, g := range rec.Groups {
		if g.Agreement == "" {
			out.NoAgreement++
		}
	}
	return nil
}
