package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// SetRiskLevel rates the concern's risk, or clears the rating; see
// lifeguard.ConcernStore. Rating a concern is working it: a new concern
// moves to in progress.
func (db *DB) SetRiskLevel(ctx context.Context, concernID int64, level lifeguard.RiskLevel) (*lifeguard.RiskRating, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var rating *lifeguard.RiskRating
	err = db.inWrite(ctx, "set risk level", func(tx *tx) error {
		if _, err := concernFor(ctx, tx, a, concernID, workConcern); err != nil {
			return err
		}
		if level != "" && !level.Valid() {
			return lifeguard.Invalid("The risk level is not valid", []lifeguard.Problem{{Path: "risk_level",
				Problem: fmt.Sprintf("%q is not a risk level; use high, medium or low, or nothing to clear it", level)}})
		}
		now := db.now()
		var lv, by, at any
		detail := "risk=none"
		if level != "" {
			lv, by, at = string(level), nullID(a.UserID), micros(now)
			rating = &lifeguard.RiskRating{Level: level, SetBy: a.UserID, SetAt: now.UTC().Truncate(time.Microsecond)}
			detail = "risk=" + string(level)
		}
		if _, err := tx.exec(ctx, `UPDATE concerns SET risk_level = ?, risk_set_by = ?, risk_set_at = ?,
			status = `+worked+`, updated_at = ? WHERE id = ?`, lv, by, at, micros(now), concernID); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jConcern, concernID, detail)
	})
	if err != nil {
		return nil, err
	}
	return rating, nil
}

// AssignConcern assigns the concern to a lead or deputy of its
// organisation, or unassigns it; see lifeguard.ConcernStore.
func (db *DB) AssignConcern(ctx context.Context, concernID, userID int64) (*lifeguard.Assignment, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var as *lifeguard.Assignment
	err = db.inWrite(ctx, "assign concern", func(tx *tx) error {
		h, err := concernFor(ctx, tx, a, concernID, workConcern)
		if err != nil {
			return err
		}
		now := db.now()
		var to, by, at any
		detail := "assigned=none"
		if userID != 0 {
			who, err := assignee(ctx, tx, h.org, userID)
			if err != nil {
				return err
			}
			to, by, at = userID, nullID(a.UserID), micros(now)
			as = &lifeguard.Assignment{Assignee: *who, AssignedBy: a.UserID,
				AssignedAt: now.UTC().Truncate(time.Microsecond)}
			detail = fmt.Sprintf("assigned=%d", userID)
		}
		if _, err := tx.exec(ctx, `UPDATE concerns SET assigned_to = ?, assigned_by = ?, assigned_at = ?,
			updated_at = ? WHERE id = ?`, to, by, at, micros(now), concernID); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jConcern, concernID, detail)
	})
	if err != nil {
		return nil, err
	}
	return as, nil
}

// leadsWhere selects the users a concern of organisation ? can be assigned
// to: its enabled users of role dsl, leads and deputies alike.
const leadsWhere = ` WHERE organisation_id = ? AND role = 'dsl' AND NOT disabled`

// assignee returns user id when a concern of organisation org can be
// assigned to them; EINVALID on assigned_to otherwise, the same answer for
// a user of another organisation as for one that does not exist, so that
// the answer tells nobody who works elsewhere.
func assignee(ctx context.Context, tx *tx, org, id int64) (*lifeguard.Assignee, error) {
	who := lifeguard.Assignee{UserID: id}
	err := tx.row(ctx, `SELECT name, deputy FROM users`+leadsWhere+` AND id = ?`, org, id).Scan(&who.Name, &who.Deputy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotAssignee()
	}
	if err != nil {
		return nil, err
	}
	return &who, nil
}

func errNotAssignee() error {
	return lifeguard.Invalid("The assignment is not valid", []lifeguard.Problem{{Path: "assigned_to",
		Problem: "is not a designated safeguarding lead or deputy of the concern's organisation"}})
}

// Assignees lists the leads and deputies the concern can be assigned to;
// see lifeguard.ConcernStore.
func (db *DB) Assignees(ctx context.Context, concernID int64) ([]lifeguard.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.User
	err = db.inRead(ctx, "assignees", func(tx *tx) error {
		h, err := concernFor(ctx, tx, a, concernID, workConcern)
		if err != nil {
			return err
		}
		out, err = scanAll(ctx, tx, `SELECT `+userColumns+userFrom+` WHERE u.organisation_id = ? AND u.role = 'dsl'
			AND NOT u.disabled ORDER BY u.name, u.id`, []any{h.org}, scanOneUser)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// loadRiskAndAssignment fills in c's risk rating and assignment.
func loadRiskAndAssignment(ctx context.Context, tx *tx, c *lifeguard.Concern) error {
	var (
		level, name              sql.NullString
		setBy, setAt, to, by, at sql.NullInt64
		deputy                   sql.NullBool
	)
	err := tx.row(ctx, `SELECT c.risk_level, c.risk_set_by, c.risk_set_at, c.assigned_to, u.name, u.deputy,
		c.assigned_by, c.assigned_at FROM concerns c LEFT JOIN users u ON u.id = c.assigned_to WHERE c.id = ?`, c.ID).
		Scan(&level, &setBy, &setAt, &to, &name, &deputy, &by, &at)
	if err != nil {
		return err
	}
	if level.Valid {
		c.Risk = &lifeguard.RiskRating{Level: lifeguard.RiskLevel(level.String), SetBy: setBy.Int64,
			SetAt: fromMicros(setAt.Int64)}
	}
	if to.Valid {
		c.Assignment = &lifeguard.Assignment{
			Assignee:   lifeguard.Assignee{UserID: to.Int64, Name: name.String, Deputy: deputy.Bool},
			AssignedBy: by.Int64, AssignedAt: fromMicros(at.Int64),
		}
	}
	return nil
}
