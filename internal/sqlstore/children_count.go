package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// The number of children an organisation serves, and the board report's
// children by type of organisation (issue 14, h-demo).

// jOrganisation is the journal's record of an organisation's settings.
const jOrganisation = "organisation"

// SetChildrenCount sets or clears the number of children organisation
// orgID serves: its manager, or an administrator of its partnership
// (lifeguard.OpSetChildrenCount). The change is journaled with the number,
// which says nothing about any child.
func (db *DB) SetChildrenCount(ctx context.Context, orgID int64, n *int64) (*lifeguard.Organisation, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var o *lifeguard.Organisation
	err = db.inWrite(ctx, "set children count", func(tx *tx) error {
		o, err = scanOrganisation(tx.row(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, orgID).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoOrganisation()
		}
		if err != nil {
			return err
		}
		reach := a.May(lifeguard.OpSetChildrenCount)
		switch {
		case !a.IsSystem() && o.PartnershipID != a.PartnershipID:
			return errNoOrganisation()
		case reach == lifeguard.ReachNone:
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"Only the organisation's manager or an administrator gives its number of children.")
		case !reach.Covers(a.Near(0, o.ID, o.PartnershipID)):
			return errNoOrganisation()
		}
		if n != nil {
			if msg := lifeguard.ChildrenCountProblem(*n); msg != "" {
				return lifeguard.Invalid("The organisation is not valid", []lifeguard.Problem{{Path: "children_count", Problem: msg}})
			}
		}
		now := db.now()
		var at any
		detail := "children_count=none"
		if n != nil {
			at = micros(now)
			detail = "children_count=" + strconv.FormatInt(*n, 10)
		}
		if _, err := tx.exec(ctx, `UPDATE organisations SET children_count = ?, children_count_at = ? WHERE id = ?`,
			nullablePtr(n), at, orgID); err != nil {
			return err
		}
		o.ChildrenCount, o.ChildrenCountAt = nil, nil
		if n != nil {
			v := *n
			o.ChildrenCount, o.ChildrenCountAt = &v, &now
		}
		return journal(ctx, tx, a, now, jUpdate, jOrganisation, orgID, detail)
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// childrenBySetting reads, for each type of organisation of partnership p,
// how many organisations it has, how many of them gave their number of
// children, and the children of those that did.
func childrenBySetting(ctx context.Context, tx *tx, p int64) ([]lifeguard.SettingChildren, error) {
	rows, err := tx.query(ctx, `SELECT setting, COUNT(*), COUNT(children_count), COALESCE(SUM(children_count), 0)
		FROM organisations WHERE partnership_id = ? GROUP BY setting ORDER BY setting`, p)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lifeguard.SettingChildren{}
	for rows.Next() {
		var s lifeguard.SettingChildren
		var setting string
		if err := rows.Scan(&setting, &s.Organisations, &s.Counted, &s.Children); err != nil {
			return nil, err
		}
		s.Setting = lifeguard.Setting(setting)
		out = append(out, s)
	}
	return out, rows.Err()
}
