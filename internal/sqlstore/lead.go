package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The organisations' safeguarding and online-safety leads, kept with the
// partnership's directory (lead.go in the root package).

var _ lifeguard.LeadStore = (*DB)(nil)

const leadColumns = `l.organisation_id, o.name, l.kind, l.name, l.role, l.email, l.phone, l.updated_at`

func scanLead(scan func(...any) error) (*lifeguard.OrganisationLead, error) {
	var l lifeguard.OrganisationLead
	var kind string
	var at int64
	if err := scan(&l.OrganisationID, &l.Organisation, &kind, &l.Name, &l.Role, &l.Email, &l.Phone, &at); err != nil {
		return nil, err
	}
	l.Kind, l.UpdatedAt = lifeguard.LeadKind(kind), fromMicros(at)
	return &l, nil
}

// leadsAccess checks that a may read (or, with keep, change) the leads of
// organisation org: ENOTFOUND for an organisation it may not see, so that
// another partnership's answers as one that does not exist.
func leadsAccess(ctx context.Context, tx *tx, a *lifeguard.Actor, org int64, keep bool) error {
	var p int64
	err := tx.row(ctx, `SELECT partnership_id FROM organisations WHERE id = ?`, org).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoOrganisation()
	}
	if err != nil || a.IsSystem() {
		return err
	}
	near := a.Near(0, org, p)
	read := a.May(lifeguard.OpReadLeads)
	switch {
	case p != a.PartnershipID:
		return errNoOrganisation()
	case read == lifeguard.ReachNone:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not see the organisations' leads.")
	case !read.Covers(near):
		return errNoOrganisation()
	case keep && !a.May(lifeguard.OpKeepLeads).Covers(near):
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the organisation's manager or the partnership officer keeps its safeguarding and online-safety leads.")
	}
	return nil
}

// OrganisationLeads lists organisation org's leads in the order given.
func (db *DB) OrganisationLeads(ctx context.Context, org int64) ([]lifeguard.OrganisationLead, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.OrganisationLead
	err = db.inRead(ctx, "organisation leads", func(tx *tx) error {
		if err := leadsAccess(ctx, tx, a, org, false); err != nil {
			return err
		}
		out, err = scanAll(ctx, tx, `SELECT `+leadColumns+` FROM organisation_leads l
			JOIN organisations o ON o.id = l.organisation_id WHERE l.organisation_id = ? ORDER BY l.position`,
			[]any{org}, scanLead)
		return err
	})
	return out, err
}

// PartnershipLeads lists the leads of every organisation the actor may see
// them for: the partnership's, or the actor's own organisation's when the
// rule reaches no further.
func (db *DB) PartnershipLeads(ctx context.Context) ([]lifeguard.OrganisationLead, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	q := `SELECT ` + leadColumns + ` FROM organisation_leads l JOIN organisations o ON o.id = l.organisation_id`
	var args []any
	switch reach := a.May(lifeguard.OpReadLeads); {
	case a.IsSystem():
	case reach == lifeguard.ReachNone:
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not see the organisations' leads.")
	case reach == lifeguard.ReachOrganisation:
		q += ` WHERE o.id = ?`
		args = append(args, a.OrganisationID)
	default:
		q += ` WHERE o.partnership_id = ?`
		args = append(args, a.PartnershipID)
	}
	return readAll(ctx, db, "partnership leads", q+` ORDER BY o.name, o.id, l.position`, args, scanLead)
}

// SetOrganisationLeads replaces organisation org's leads.
func (db *DB) SetOrganisationLeads(ctx context.Context, org int64, leads []lifeguard.Lead) ([]lifeguard.OrganisationLead, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.OrganisationLead
	err = db.inWrite(ctx, "set organisation leads", func(tx *tx) error {
		if err := leadsAccess(ctx, tx, a, org, true); err != nil {
			return err
		}
		// Checked after access, so that an organisation beyond reach
		// answers the same whatever was sent.
		if ps := lifeguard.ValidateLeads(leads); len(ps) > 0 {
			return lifeguard.Invalid("The leads are not valid", ps)
		}
		now := db.now()
		if _, err := tx.exec(ctx, `DELETE FROM organisation_leads WHERE organisation_id = ?`, org); err != nil {
			return err
		}
		count := map[lifeguard.LeadKind]int{}
		for i, l := range leads {
			count[l.Kind]++
			if _, err := tx.exec(ctx, `INSERT INTO organisation_leads (organisation_id, position, kind, name, role, email, phone, updated_by, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, org, i, string(l.Kind), l.Name, l.Role, l.Email, l.Phone, nullID(a.UserID), micros(now)); err != nil {
				return err
			}
		}
		// The journal says how many of each kind, never who.
		var detail []string
		for _, k := range lifeguard.LeadKinds() {
			detail = append(detail, fmt.Sprintf("%s=%d", k, count[k]))
		}
		if err := journal(ctx, tx, a, now, jUpdate, jOrganisation, org, "leads "+strings.Join(detail, " ")); err != nil {
			return err
		}
		out, err = scanAll(ctx, tx, `SELECT `+leadColumns+` FROM organisation_leads l
			JOIN organisations o ON o.id = l.organisation_id WHERE l.organisation_id = ? ORDER BY l.position`,
			[]any{org}, scanLead)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
