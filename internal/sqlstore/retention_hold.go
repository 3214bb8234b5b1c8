package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Legal holds (issue 19): a DSL stops the retention clock on a child's
// file or on one concern of their organisation, saying why; the hold is
// journalled with what it covers, never its reason.

// SetLegalHold sets a hold and clears the dates it covers at once, so
// that nothing held is erased before the next refresh.
func (db *DB) SetLegalHold(ctx context.Context, in lifeguard.NewLegalHold) (*lifeguard.LegalHold, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpSetLegalHold) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead sets a legal hold.")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var p problems
	p.text("reason", in.Reason, lifeguard.MaxHoldReason, true)
	if (in.ChildID == 0) == (in.ConcernID == 0) {
		p.add("child_id", "give a child or a concern, one of the two")
	}
	if !in.Basis.Valid() {
		p.add("basis", "must be one of %s", holdBases())
	}
	if err := p.err("The legal hold is not valid"); err != nil {
		return nil, err
	}
	h := &lifeguard.LegalHold{ChildID: in.ChildID, ConcernID: in.ConcernID, Basis: in.Basis, Reason: in.Reason, SetBy: a.UserID}
	err = db.inWrite(ctx, "set legal hold", func(tx *tx) error {
		table, id, missing := "children", in.ChildID, errNoChild()
		if in.ConcernID != 0 {
			table, id, missing = "concerns", in.ConcernID, errNoConcern()
		}
		var part int64
		err := tx.row(ctx, `SELECT r.organisation_id, o.name, o.partnership_id FROM `+table+` r
			JOIN organisations o ON o.id = r.organisation_id WHERE r.id = ?`, id).Scan(&h.OrganisationID, &h.Organisation, &part)
		if errors.Is(err, sql.ErrNoRows) {
			return missing
		}
		if err != nil {
			return err
		}
		if !a.May(lifeguard.OpSetLegalHold).Covers(a.Near(0, h.OrganisationID, part)) {
			return missing
		}
		h.SetAt = db.now()
		h.ID, err = tx.insert(ctx, `INSERT INTO retention_holds (organisation_id, child_id, concern_id, basis, reason, set_by, set_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, h.OrganisationID, nullID(in.ChildID), nullID(in.ConcernID), string(in.Basis), in.Reason,
			nullID(a.UserID), micros(h.SetAt))
		if err != nil {
			return err
		}
		if in.ChildID != 0 {
			if _, err := tx.exec(ctx, `UPDATE children SET retain_until = NULL WHERE id = ?`, in.ChildID); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `UPDATE concerns SET retain_until = NULL WHERE child_id = ?`, in.ChildID); err != nil {
				return err
			}
		} else if _, err := tx.exec(ctx, `UPDATE concerns SET retain_until = NULL WHERE id = ?`, in.ConcernID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE referrals SET retain_until = NULL, retention_review_at = NULL WHERE concern_id = ?
			OR concern_id IN (SELECT id FROM concerns WHERE child_id = ?)`, in.ConcernID, in.ChildID); err != nil {
			return err
		}
		// Who is the journal entry's actor; why is the basis, a code.
		detail := "concern=" + strconv.FormatInt(in.ConcernID, 10)
		if in.ChildID != 0 {
			detail = "child=" + strconv.FormatInt(in.ChildID, 10)
		}
		detail += " basis=" + string(in.Basis)
		return journal(ctx, tx, a, h.SetAt, jCreate, jLegalHold, h.ID, detail)
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// ReleaseLegalHold releases a hold; the next refresh gives the records
// their dates again.
func (db *DB) ReleaseLegalHold(ctx context.Context, id int64) error {
	if id < 1 {
		return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such legal hold.")
	}
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.Can(lifeguard.OpSetLegalHold) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead releases a legal hold.")
	}
	missing := lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such legal hold.")
	return db.inWrite(ctx, "release legal hold", func(tx *tx) error {
		var org, part int64
		var released sql.NullInt64
		err := tx.row(ctx, `SELECT h.organisation_id, o.partnership_id, h.released_at FROM retention_holds h
			JOIN organisations o ON o.id = h.organisation_id WHERE h.id = ?`, id).Scan(&org, &part, &released)
		if errors.Is(err, sql.ErrNoRows) {
			return missing
		}
		if err != nil {
			return err
		}
		if !a.May(lifeguard.OpSetLegalHold).Covers(a.Near(0, org, part)) {
			return missing
		}
		if released.Valid {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The legal hold is released already.")
		}
		now := db.now()
		if _, err := tx.exec(ctx, `UPDATE retention_holds SET released_by = ?, released_at = ? WHERE id = ?`,
			nullID(a.UserID), micros(now), id); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jLegalHold, id, "released")
	})
}

// holdBases lists the bases' codes for a message.
func holdBases() string {
	var codes []string
	for _, b := range lifeguard.LegalHoldBases() {
		codes = append(codes, string(b.Basis))
	}
	return strings.Join(codes, ", ")
}

// LegalHolds lists the holds q picks that the actor reaches, newest first:
// a DSL those of their organisation, with the reasons; an administrator
// those of their partnership, without. Journalled as a list of holds.
func (db *DB) LegalHolds(ctx context.Context, q lifeguard.LegalHoldQuery) ([]lifeguard.LegalHold, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpReadLegalHolds) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead or an administrator sees the legal holds.")
	}
	where, args := []string{"1 = 1"}, []any{}
	switch reach := a.May(lifeguard.OpReadLegalHolds); {
	case a.IsSystem():
	case reach == lifeguard.ReachPartnership:
		where, args = append(where, "o.partnership_id = ?"), append(args, a.PartnershipID)
	default:
		where, args = append(where, "h.organisation_id = ?"), append(args, a.OrganisationID)
	}
	if q.ChildID != 0 {
		where = append(where, "(h.child_id = ? OR h.concern_id IN (SELECT k.id FROM concerns k WHERE k.child_id = ?))")
		args = append(args, q.ChildID, q.ChildID)
	}
	if q.ConcernID != 0 {
		where = append(where, "(h.concern_id = ? OR h.child_id = (SELECT k.child_id FROM concerns k WHERE k.id = ?))")
		args = append(args, q.ConcernID, q.ConcernID)
	}
	if !q.Released {
		where = append(where, "h.released_at IS NULL")
	}
	args = append(args, lifeguard.MaxLegalHolds)
	var out []lifeguard.LegalHold
	err = db.inWrite(ctx, "legal holds", func(tx *tx) error {
		rows, err := tx.query(ctx, `SELECT h.id, h.organisation_id, o.name, o.partnership_id, h.child_id, h.concern_id, h.basis,
				h.reason, h.set_by, COALESCE(u.name, ''), h.set_at, h.released_by, h.released_at
			FROM retention_holds h JOIN organisations o ON o.id = h.organisation_id
			LEFT JOIN users u ON u.id = h.set_by
			WHERE `+strings.Join(where, " AND ")+` ORDER BY h.set_at DESC, h.id DESC LIMIT ?`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var h lifeguard.LegalHold
			var part, set int64
			var child, concern, setBy, releasedBy, released sql.NullInt64
			var basis string
			if err := rows.Scan(&h.ID, &h.OrganisationID, &h.Organisation, &part, &child, &concern, &basis, &h.Reason,
				&setBy, &h.SetByName, &set, &releasedBy, &released); err != nil {
				return err
			}
			h.ChildID, h.ConcernID, h.Basis = child.Int64, concern.Int64, lifeguard.LegalHoldBasis(basis)
			h.SetBy, h.SetAt, h.ReleasedBy, h.ReleasedAt = setBy.Int64, fromMicros(set), releasedBy.Int64, timePtr(released)
			// The reason's words are for those who may set a hold there.
			if !a.May(lifeguard.OpSetLegalHold).Covers(a.Near(0, h.OrganisationID, part)) {
				h.Reason = ""
			}
			out = append(out, h)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		detail := "holds=" + strconv.Itoa(len(out))
		if q.ChildID != 0 {
			detail = "child=" + strconv.FormatInt(q.ChildID, 10) + " " + detail
		}
		if q.ConcernID != 0 {
			detail = "concern=" + strconv.FormatInt(q.ConcernID, 10) + " " + detail
		}
		return journal(ctx, tx, a, db.now(), jList, jLegalHold, 0, detail)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
