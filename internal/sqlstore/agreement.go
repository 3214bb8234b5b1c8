package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Agreements to the policy library's acceptable-use agreements: staff
// acknowledge the staff agreement themselves; staff record the agreements
// of children (or their parents) and visitors.

// staffAgreementQuery finds the current version of an organisation's staff
// agreement that a user has not acknowledged: its policy id and version id.
const staffAgreementQuery = `SELECT p.id, v.id FROM policies p
	JOIN policy_versions v ON v.policy_id = p.id
	WHERE p.organisation_id = ? AND p.kind = 'aup_staff'
		AND v.number = (SELECT MAX(x.number) FROM policy_versions x WHERE x.policy_id = p.id)
		AND NOT EXISTS (SELECT 1 FROM agreements g WHERE g.version_id = v.id AND g.user_id = ?)`

// StaffAgreementDue returns the staff agreement the actor has still to
// acknowledge, or nil. It is asked on every signed-in request, so it is
// one indexed query when nothing is due.
func (db *DB) StaffAgreementDue(ctx context.Context) (*lifeguard.Policy, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsSystem() || a.UserID == 0 || a.OrganisationID == 0 || !a.Can(lifeguard.OpAcknowledge) {
		return nil, nil
	}
	var out *lifeguard.Policy
	err = db.inRead(ctx, "staff agreement due", func(tx *tx) error {
		var pid, vid int64
		err := tx.row(ctx, staffAgreementQuery, a.OrganisationID, a.UserID).Scan(&pid, &vid)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err = readPolicy(ctx, tx, a, lifeguard.OpReadPolicies, pid)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Acknowledge records the actor's agreement to the current version of
// their organisation's staff agreement. Acknowledging it again changes
// nothing and answers the first record.
func (db *DB) Acknowledge(ctx context.Context, versionID int64) (*lifeguard.Agreement, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsSystem() || a.UserID == 0 || !a.Can(lifeguard.OpAcknowledge) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a signed-in member of staff acknowledges the staff agreement.")
	}
	var out *lifeguard.Agreement
	err = db.inWrite(ctx, "acknowledge agreement", func(tx *tx) error {
		var pid, org int64
		var kind string
		var number, latest int
		err := tx.row(ctx, `SELECT p.id, COALESCE(p.organisation_id, 0), p.kind, v.number,
			(SELECT MAX(x.number) FROM policy_versions x WHERE x.policy_id = p.id)
			FROM policy_versions v JOIN policies p ON p.id = v.policy_id WHERE v.id = ?`, versionID).
			Scan(&pid, &org, &kind, &number, &latest)
		if errors.Is(err, sql.ErrNoRows) || err == nil && org != a.OrganisationID {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such version of your organisation's agreements.")
		}
		if err != nil {
			return err
		}
		if lifeguard.PolicyKind(kind) != lifeguard.AgreementStaff || number != latest {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "That is not the current staff agreement: acknowledge the current version.")
		}
		now := db.now()
		g := &lifeguard.Agreement{VersionID: versionID, OrganisationID: org, UserID: a.UserID,
			AgreedOn: lifeguard.DateOf(now), RecordedBy: a.UserID, RecordedAt: now}
		var id, at int64
		var on string
		err = tx.row(ctx, `SELECT id, agreed_on, recorded_at FROM agreements WHERE version_id = ? AND user_id = ?`,
			versionID, a.UserID).Scan(&id, &on, &at)
		switch {
		case err == nil:
			g.ID, g.RecordedAt = id, fromMicros(at)
			g.AgreedOn, err = lifeguard.ParseDate(on)
			out = g
			return err
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		g.ID, err = tx.insert(ctx, `INSERT INTO agreements (version_id, organisation_id, user_id, agreed_on, recorded_by,
			recorded_at) VALUES (?, ?, ?, ?, ?, ?)`, versionID, org, a.UserID, g.AgreedOn.String(), a.UserID, micros(now))
		out = g
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RecordAgreements records children's or visitors' agreements to the
// current version of an agreement of the actor's organisation.
func (db *DB) RecordAgreements(ctx context.Context, policyID int64, in []lifeguard.AgreementInput) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	err = db.inWrite(ctx, "record agreements", func(tx *tx) error {
		pol, err := readPolicy(ctx, tx, a, lifeguard.OpReadPolicies, policyID)
		if err != nil {
			return err
		}
		if !a.May(lifeguard.OpRecordAgreements).Covers(policyNear(a, lifeguard.OpRecordAgreements, pol)) {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only staff of the organisation record agreements to its policies.")
		}
		cur, ok := pol.Current()
		switch {
		case pol.OrganisationID == 0:
			return lifeguard.Errorf(lifeguard.ECONFLICT, "A model policy is adopted by an organisation before anyone agrees to it.")
		case !pol.Kind.IsAgreement() || pol.Kind == lifeguard.AgreementStaff:
			return lifeguard.Errorf(lifeguard.ECONFLICT,
				"Agreements are recorded for pupils', parents' and visitors' agreements; staff acknowledge theirs when they sign in.")
		case !ok:
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The agreement has no version yet: add one before recording agreements.")
		}
		today := lifeguard.DateOf(db.now())
		var p problems
		if len(in) == 0 {
			p.add("agreements", "is required: tick at least one child, or give a visitor's name")
		}
		for i := range in {
			x := &in[i]
			path := fmt.Sprintf("agreements[%d]", i)
			x.Name = strings.TrimSpace(x.Name)
			if !realDate(x.AgreedOn) {
				p.add(path+".agreed_on", "is required: the date they agreed, as YYYY-MM-DD")
			} else if today.Before(x.AgreedOn) {
				p.add(path+".agreed_on", "is after today")
			}
			if pol.Kind == lifeguard.AgreementVisitors {
				p.text(path+".name", x.Name, lifeguard.MaxShortText, true)
				if x.ChildID != 0 {
					p.add(path+".child_id", "is not for a visitors' agreement: give the visitor's name")
				}
				continue
			}
			if x.Name != "" {
				p.add(path+".name", "is for visitors; choose the child from the register")
			}
			var org sql.NullInt64
			var left sql.NullString
			err := tx.row(ctx, `SELECT organisation_id, left_on FROM children WHERE id = ? AND merged_into IS NULL`,
				x.ChildID).Scan(&org, &left)
			switch {
			case errors.Is(err, sql.ErrNoRows) || err == nil && org.Int64 != pol.OrganisationID:
				p.add(path+".child_id", "is not a child of your organisation")
			case err != nil:
				return err
			case left.Valid:
				p.add(path+".child_id", "has left the organisation")
			}
		}
		if err := p.err("The agreements are not valid"); err != nil {
			return err
		}
		now := db.now()
		children := 0
		for _, x := range in {
			if x.ChildID != 0 {
				var dup int
				if err := tx.row(ctx, `SELECT COUNT(*) FROM agreements WHERE version_id = ? AND child_id = ?`,
					cur.ID, x.ChildID).Scan(&dup); err != nil {
					return err
				}
				if dup > 0 {
					continue
				}
				children++
			}
			if _, err := tx.exec(ctx, `INSERT INTO agreements (version_id, organisation_id, child_id, name, agreed_on,
				recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, cur.ID, pol.OrganisationID, nullID(x.ChildID),
				x.Name, x.AgreedOn.String(), nullID(a.UserID), micros(now)); err != nil {
				return err
			}
			n++
		}
		if children == 0 {
			return nil
		}
		return journal(ctx, tx, a, now, jCreate, jPolicy, pol.ID,
			fmt.Sprintf("agreements of %d children to version %d", children, cur.Number))
	})
	return n, err
}

// AgreementStatus says who has and has not agreed to the current version.
func (db *DB) AgreementStatus(ctx context.Context, policyID int64, regGroup string) (*lifeguard.AgreementStatus, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	regGroup = strings.TrimSpace(regGroup)
	if pr := lifeguard.CheckText("reg_group", regGroup); pr != nil {
		return nil, lifeguard.Invalid("The class is not valid", []lifeguard.Problem{*pr})
	}
	var out *lifeguard.AgreementStatus
	err = db.inWrite(ctx, "agreement status", func(tx *tx) error {
		pol, err := readPolicy(ctx, tx, a, lifeguard.OpReadPolicies, policyID)
		if err != nil {
			return err
		}
		// Staff who record a class's agreements see that one class's list,
		// with a tick for each child who has agreed: the class list they
		// record from. The whole organisation's is for its manager and DSL.
		classList := regGroup != "" && (pol.Kind == lifeguard.AgreementPupils || pol.Kind == lifeguard.AgreementParents) &&
			a.May(lifeguard.OpRecordAgreements).Covers(policyNear(a, lifeguard.OpRecordAgreements, pol))
		if pol.OrganisationID == 0 || !classList && !a.May(lifeguard.OpReadAgreements).Covers(policyNear(a, lifeguard.OpReadAgreements, pol)) {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead sees who has agreed.")
		}
		out = &lifeguard.AgreementStatus{Policy: pol, Agreed: []lifeguard.AgreementParty{}, Missing: []lifeguard.AgreementParty{}}
		cur, ok := pol.Current()
		if !ok {
			return nil
		}
		out.Version = cur
		add := func(x lifeguard.AgreementParty, on sql.NullString) error {
			if !on.Valid {
				out.Missing = append(out.Missing, x)
				return nil
			}
			d, err := lifeguard.ParseDate(on.String)
			if err != nil {
				return err
			}
			x.AgreedOn = &d
			out.Agreed = append(out.Agreed, x)
			return nil
		}
		switch pol.Kind {
		case lifeguard.AgreementStaff:
			return each(ctx, tx, `SELECT u.id, u.name, g.agreed_on FROM users u
				LEFT JOIN agreements g ON g.version_id = ? AND g.user_id = u.id
				WHERE u.organisation_id = ? AND u.disabled = ? AND u.role <> 'filter' ORDER BY u.name, u.id`,
				[]any{cur.ID, pol.OrganisationID, false}, func(scan func(...any) error) error {
					var x lifeguard.AgreementParty
					var on sql.NullString
					if err := scan(&x.UserID, &x.Name, &on); err != nil {
						return err
					}
					return add(x, on)
				})
		case lifeguard.AgreementVisitors:
			return each(ctx, tx, `SELECT name, agreed_on FROM agreements WHERE version_id = ? AND name <> ''
				ORDER BY agreed_on DESC, id`, []any{cur.ID}, func(scan func(...any) error) error {
				var x lifeguard.AgreementParty
				var on sql.NullString
				if err := scan(&x.Name, &on); err != nil {
					return err
				}
				return add(x, on)
			})
		case lifeguard.AgreementPupils, lifeguard.AgreementParents:
			q := `SELECT c.id, c.ref, COALESCE(c.legal_forename, ''), COALESCE(c.legal_surname, ''),
				COALESCE(c.preferred_forename, ''), COALESCE(c.reg_group, ''), g.agreed_on FROM children c
				LEFT JOIN agreements g ON g.version_id = ? AND g.child_id = c.id
				WHERE c.organisation_id = ? AND c.left_on IS NULL AND c.merged_into IS NULL`
			args := []any{cur.ID, pol.OrganisationID}
			if regGroup != "" {
				q += ` AND c.reg_group = ?`
				args = append(args, regGroup)
			}
			q += ` ORDER BY c.reg_group, c.legal_surname, c.legal_forename, c.id`
			if err := each(ctx, tx, q, args, func(scan func(...any) error) error {
				var c lifeguard.Child
				var on sql.NullString
				if err := scan(&c.ID, &c.Ref, &c.LegalForename, &c.LegalSurname, &c.PreferredForename, &c.RegGroup, &on); err != nil {
					return err
				}
				return add(lifeguard.AgreementParty{ChildID: c.ID, Name: c.DisplayName(), RegGroup: c.RegGroup}, on)
			}); err != nil {
				return err
			}
			// The list names children: the read is journaled, with counts.
			return journal(ctx, tx, a, db.now(), jRead, jPolicy, pol.ID,
				fmt.Sprintf("agreement status of %d children", len(out.Agreed)+len(out.Missing)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RegGroups lists the registration groups of the actor's organisation's
// children on roll. Group names say nothing of a child, so the read is not
// journaled.
func (db *DB) RegGroups(ctx context.Context) ([]string, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.OrganisationID == 0 || !a.May(lifeguard.OpRecordAgreements).Covers(lifeguard.ReachOrganisation) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only staff of an organisation see its classes.")
	}
	out := []string{}
	err = db.inRead(ctx, "registration groups", func(tx *tx) error {
		return each(ctx, tx, `SELECT DISTINCT reg_group FROM children WHERE organisation_id = ? AND left_on IS NULL
			AND merged_into IS NULL AND reg_group IS NOT NULL AND reg_group <> '' ORDER BY reg_group`,
			[]any{a.OrganisationID}, func(scan func(...any) error) error {
				var g string
				if err := scan(&g); err != nil {
					return err
				}
				out = append(out, g)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
