package sqlstore

import (
	"context"
	"database/sql"
	"errors"

	"github.com/lifeguard-scp/lifeguard"
)

// currentVersion is the join to a policy's current version.
const currentVersion = `JOIN policy_versions v ON v.policy_id = p.id
	AND v.number = (SELECT MAX(x.number) FROM policy_versions x WHERE x.policy_id = p.id)`

// PolicyFigures counts an organisation's policy library for its self-audit.
func (db *DB) PolicyFigures(ctx context.Context, organisationID int64) (*lifeguard.PolicyFigures, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := &lifeguard.PolicyFigures{}
	err = db.inRead(ctx, "policy figures", func(tx *tx) error {
		o, err := auditOrg(ctx, tx, organisationID)
		if err != nil {
			return err
		}
		if err := checkAudits(a, readAudits, o.ID, o.PartnershipID, errNoOrganisation); err != nil {
			return err
		}
		var approved string
		var review sql.NullString
		err = tx.row(ctx, `SELECT v.number, v.approved_on, p.review_due FROM policies p `+currentVersion+`
			WHERE p.organisation_id = ? AND p.kind = 'online_safety'`, o.ID).Scan(&out.Policy, &approved, &review)
		switch {
		case err == nil:
			d, err := lifeguard.ParseDate(approved)
			if err != nil {
				return err
			}
			out.Approved = &d
			if review.Valid {
				r, err := lifeguard.ParseDate(review.String)
				if err != nil {
					return err
				}
				out.ReviewDue = &r
			}
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		var staffVersion int64
		err = tx.row(ctx, `SELECT v.id, v.number FROM policies p `+currentVersion+`
			WHERE p.organisation_id = ? AND p.kind = 'aup_staff'`, o.ID).Scan(&staffVersion, &out.StaffVersion)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := tx.row(ctx, `SELECT COUNT(*), COUNT(g.id) FROM users u
			LEFT JOIN agreements g ON g.version_id = ? AND g.user_id = u.id
			WHERE u.organisation_id = ? AND u.disabled = ? AND u.role <> 'filter'`, staffVersion, o.ID, false).
			Scan(&out.StaffTotal, &out.StaffAgreed); err != nil {
			return err
		}
		if err := tx.row(ctx, `SELECT COUNT(*) FROM policies p `+currentVersion+`
			WHERE p.organisation_id = ? AND p.kind = 'aup_pupils'`, o.ID).Scan(&out.PupilAgreements); err != nil {
			return err
		}
		return tx.row(ctx, `SELECT COUNT(DISTINCT c.id), COUNT(DISTINCT g.child_id) FROM children c
			LEFT JOIN agreements g ON g.child_id = c.id AND g.version_id IN (SELECT v.id FROM policies p `+currentVersion+`
				WHERE p.organisation_id = ? AND p.kind = 'aup_pupils')
			WHERE c.organisation_id = ? AND c.left_on IS NULL AND c.merged_into IS NULL`, o.ID, o.ID).
			Scan(&out.ChildrenOnRoll, &out.ChildrenAgreed)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
