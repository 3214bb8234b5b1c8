package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Parents' consents (lifeguard.ConsentStore). A consent is a row given on
// a date; withdrawing it closes the row with the date withdrawn, so the
// history stays.

const jConsents = "consents"

// consentOrg is the actor's organisation when the actor's rule for op
// reaches it.
func consentOrg(a *lifeguard.Actor, op lifeguard.Op, what string) (int64, error) {
	if a.IsSystem() || a.OrganisationID == 0 || !a.May(op).Covers(lifeguard.ReachOrganisation) {
		return 0, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only %s.", what)
	}
	return a.OrganisationID, nil
}

// RecordConsents records the changes in one transaction.
func (db *DB) RecordConsents(ctx context.Context, in []lifeguard.ConsentChange) (int, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	org, err := consentOrg(a, lifeguard.OpRecordConsents, "the organisation's manager or safeguarding lead records parents' consents")
	if err != nil {
		return 0, err
	}
	n := 0
	err = db.inWrite(ctx, "record consents", func(tx *tx) error {
		today := lifeguard.DateOf(db.now())
		var p problems
		if len(in) == 0 {
			p.add("consents", "is required: choose at least one consent given or withdrawn")
		}
		children := map[int64]bool{}
		for i, x := range in {
			path := fmt.Sprintf("consents[%d]", i)
			if !x.Kind.Valid() {
				p.check(path+".kind", string(x.Kind))
				p.add(path+".kind", "must be one of %s", codeList(lifeguard.ConsentKinds()))
			}
			switch {
			case !realDate(x.On):
				p.add(path+".on", "is required: the date given or withdrawn, as YYYY-MM-DD")
			case today.Before(x.On):
				p.add(path+".on", "is after today")
			}
			if children[x.ChildID] {
				continue
			}
			var cOrg sql.NullInt64
			var left sql.NullString
			err := tx.row(ctx, `SELECT organisation_id, left_on FROM children WHERE id = ? AND merged_into IS NULL`,
				x.ChildID).Scan(&cOrg, &left)
			switch {
			case errors.Is(err, sql.ErrNoRows) || err == nil && cOrg.Int64 != org:
				p.add(path+".child_id", "is not a child of your organisation")
			case err != nil:
				return err
			case left.Valid:
				p.add(path+".child_id", "has left the organisation")
			default:
				children[x.ChildID] = true
			}
		}
		if err := p.err("The consents are not valid"); err != nil {
			return err
		}
		n, err = applyConsents(ctx, tx, a, org, in, db.now(), &p)
		if err != nil {
			return err
		}
		return p.err("The consents are not valid")
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// openConsent is the child's consent of kind in force: its id and the day
// it was given; open is false when there is none.
func openConsent(ctx context.Context, tx *tx, child int64, kind lifeguard.ConsentKind) (id int64, given string, open bool, err error) {
	err = tx.row(ctx, `SELECT id, given_on FROM consents WHERE child_id = ? AND kind = ? AND withdrawn_on IS NULL`,
		child, string(kind)).Scan(&id, &given)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", false, nil
	}
	return id, given, err == nil, err
}

// applyConsents writes the checked changes of the children of org: a
// consent given that the child has already, or withdrawn that it does
// not have, changes nothing (a class list posted twice records once); a
// withdrawal dated before the consent was given is a problem of p on
// consents[i].on. Each child whose consents changed is journalled with
// the codes of what changed, never a name. It returns how many changed.
func applyConsents(ctx context.Context, tx *tx, a *lifeguard.Actor, org int64, in []lifeguard.ConsentChange, now time.Time,
	p *problems) (int, error) {
	n := 0
	changed := map[int64][]string{}
	for i, x := range in {
		id, given, open, err := openConsent(ctx, tx, x.ChildID, x.Kind)
		if err != nil {
			return 0, err
		}
		switch {
		case x.Given && open, !x.Given && !open:
			continue
		case x.Given:
			if _, err := tx.exec(ctx, `INSERT INTO consents (organisation_id, child_id, kind, given_on, recorded_by,
				recorded_at) VALUES (?, ?, ?, ?, ?, ?)`, org, x.ChildID, string(x.Kind), x.On.String(),
				nullID(a.UserID), micros(now)); err != nil {
				return 0, err
			}
			changed[x.ChildID] = append(changed[x.ChildID], string(x.Kind)+" given")
		default:
			if x.On.String() < given {
				p.add(fmt.Sprintf("consents[%d].on", i), "is before the consent was given (%s)", given)
				continue
			}
			if _, err := tx.exec(ctx, `UPDATE consents SET withdrawn_on = ?, withdrawn_by = ?, withdrawn_at = ? WHERE id = ?`,
				x.On.String(), nullID(a.UserID), micros(now), id); err != nil {
				return 0, err
			}
			changed[x.ChildID] = append(changed[x.ChildID], string(x.Kind)+" withdrawn")
		}
		n++
	}
	ids := make([]int64, 0, len(changed))
	for id := range changed {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := journal(ctx, tx, a, now, jUpdate, jChild, id, "consents: "+strings.Join(changed[id], ", ")); err != nil {
			return 0, err
		}
	}
	return n, nil
}

// checkGroup checks a class chosen from the register.
func checkGroup(g *lifeguard.ConsentGroup) error {
	g.RegGroup, g.YearGroup = strings.TrimSpace(g.RegGroup), strings.TrimSpace(g.YearGroup)
	var p problems
	p.text("reg_group", g.RegGroup, lifeguard.MaxShortText, false)
	p.text("year_group", g.YearGroup, lifeguard.MaxShortText, false)
	return p.err("The class is not valid")
}

// classChildren reads the children on roll of org in g, in class and name
// order, with the state of each consent.
func classChildren(ctx context.Context, tx *tx, org int64, g lifeguard.ConsentGroup) ([]lifeguard.ChildConsents, error) {
	q := `SELECT c.id, c.ref, COALESCE(c.legal_forename, ''), COALESCE(c.legal_surname, ''),
		COALESCE(c.preferred_forename, ''), COALESCE(c.reg_group, ''), COALESCE(c.year_group, '') FROM children c
		WHERE c.organisation_id = ? AND c.left_on IS NULL AND c.merged_into IS NULL`
	args := []any{org}
	if g.RegGroup != "" {
		q += ` AND c.reg_group = ?`
		args = append(args, g.RegGroup)
	}
	if g.YearGroup != "" {
		q += ` AND c.year_group = ?`
		args = append(args, g.YearGroup)
	}
	if g.ChildID != 0 {
		q += ` AND c.id = ?`
		args = append(args, g.ChildID)
	}
	q += ` ORDER BY c.reg_group, c.legal_surname, c.legal_forename, c.id`
	out := []lifeguard.ChildConsents{}
	at := map[int64]int{}
	if err := each(ctx, tx, q, args, func(scan func(...any) error) error {
		var c lifeguard.Child
		if err := scan(&c.ID, &c.Ref, &c.LegalForename, &c.LegalSurname, &c.PreferredForename, &c.RegGroup, &c.YearGroup); err != nil {
			return err
		}
		st := map[lifeguard.ConsentKind]lifeguard.ConsentState{}
		for _, k := range lifeguard.ConsentKinds() {
			st[k] = lifeguard.ConsentNone
		}
		at[c.ID] = len(out)
		out = append(out, lifeguard.ChildConsents{ChildID: c.ID, Name: c.DisplayName(), RegGroup: c.RegGroup,
			YearGroup: c.YearGroup, States: st})
		return nil
	}); err != nil {
		return nil, err
	}
	// Every consent of the organisation, open ones last, so that the last
	// row of a child and kind says where it stands.
	err := each(ctx, tx, `SELECT child_id, kind, withdrawn_on IS NULL FROM consents WHERE organisation_id = ?
		ORDER BY CASE WHEN withdrawn_on IS NULL THEN 1 ELSE 0 END, id`, []any{org}, func(scan func(...any) error) error {
		var child int64
		var kind string
		var open bool
		if err := scan(&child, &kind, &open); err != nil {
			return err
		}
		if i, ok := at[child]; ok {
			s := lifeguard.ConsentWithdrawn
			if open {
				s = lifeguard.ConsentGiven
			}
			out[i].States[lifeguard.ConsentKind(kind)] = s
		}
		return nil
	})
	return out, err
}

// ConsentList is a class with the state of each consent.
func (db *DB) ConsentList(ctx context.Context, g lifeguard.ConsentGroup) ([]lifeguard.ChildConsents, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkGroup(&g); err != nil {
		return nil, err
	}
	org, err := consentOrg(a, lifeguard.OpReadConsents, "the organisation's manager or safeguarding lead reads parents' consents")
	if err != nil {
		return nil, err
	}
	var out []lifeguard.ChildConsents
	err = db.inWrite(ctx, "consent list", func(tx *tx) error {
		if out, err = classChildren(ctx, tx, org, g); err != nil {
			return err
		}
		// The list names children: the read is journaled, with a count.
		return journal(ctx, tx, a, db.now(), jRead, jConsents, org, fmt.Sprintf("consent list of %d children", len(out)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// PhotoList is a class's do-not-photograph list.
func (db *DB) PhotoList(ctx context.Context, g lifeguard.ConsentGroup) (*lifeguard.PhotoList, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkGroup(&g); err != nil {
		return nil, err
	}
	org, err := consentOrg(a, lifeguard.OpReadPhotoList, "staff of the organisation see its do-not-photograph list")
	if err != nil {
		return nil, err
	}
	out := &lifeguard.PhotoList{Group: g, Entries: []lifeguard.PhotoListEntry{}}
	err = db.inWrite(ctx, "photo list", func(tx *tx) error {
		kids, err := classChildren(ctx, tx, org, g)
		if err != nil {
			return err
		}
		out.Children = len(kids)
		for _, c := range kids {
			e := lifeguard.PhotoListEntry{Name: c.Name, RegGroup: c.RegGroup,
				Website: c.States[lifeguard.ConsentImagesWebsite] == lifeguard.ConsentGiven,
				Social:  c.States[lifeguard.ConsentImagesSocial] == lifeguard.ConsentGiven,
				Press:   c.States[lifeguard.ConsentImagesPress] == lifeguard.ConsentGiven}
			if e.Website && e.Social && e.Press {
				continue
			}
			e.NoImages = !e.Website && !e.Social && !e.Press
			out.Entries = append(out.Entries, e)
		}
		return journal(ctx, tx, a, db.now(), jRead, jConsents, org,
			fmt.Sprintf("do-not-photograph list of %d children", out.Children))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Consents lists the organisation's consents, every record.
func (db *DB) Consents(ctx context.Context, childID int64) ([]lifeguard.Consent, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	org, err := consentOrg(a, lifeguard.OpReadConsents, "the organisation's manager or safeguarding lead reads parents' consents")
	if err != nil {
		return nil, err
	}
	out := []lifeguard.Consent{}
	err = db.inWrite(ctx, "consents", func(tx *tx) error {
		q := `SELECT id, organisation_id, child_id, kind, given_on, withdrawn_on, COALESCE(recorded_by, 0), recorded_at,
			COALESCE(withdrawn_by, 0), withdrawn_at FROM consents WHERE organisation_id = ?`
		args := []any{org}
		if childID != 0 {
			var cOrg sql.NullInt64
			err := tx.row(ctx, `SELECT organisation_id FROM children WHERE id = ?`, childID).Scan(&cOrg)
			if errors.Is(err, sql.ErrNoRows) || err == nil && cOrg.Int64 != org {
				return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such child in your organisation.")
			}
			if err != nil {
				return err
			}
			q += ` AND child_id = ?`
			args = append(args, childID)
		}
		q += ` ORDER BY child_id, kind, given_on, id`
		if err := each(ctx, tx, q, args, func(scan func(...any) error) error {
			var c lifeguard.Consent
			var kind, given string
			var withdrawn sql.NullString
			var at int64
			var wAt sql.NullInt64
			if err := scan(&c.ID, &c.OrganisationID, &c.ChildID, &kind, &given, &withdrawn, &c.RecordedBy, &at,
				&c.WithdrawnBy, &wAt); err != nil {
				return err
			}
			c.Kind, c.RecordedAt = lifeguard.ConsentKind(kind), fromMicros(at)
			var err error
			if c.GivenOn, err = lifeguard.ParseDate(given); err != nil {
				return err
			}
			if withdrawn.Valid {
				d, err := lifeguard.ParseDate(withdrawn.String)
				if err != nil {
					return err
				}
				c.WithdrawnOn = &d
			}
			if wAt.Valid {
				t := fromMicros(wAt.Int64)
				c.WithdrawnAt = &t
			}
			out = append(out, c)
			return nil
		}); err != nil {
			return err
		}
		if childID != 0 {
			return journal(ctx, tx, a, db.now(), jRead, jChild, childID, fmt.Sprintf("consents: %d records", len(out)))
		}
		return journal(ctx, tx, a, db.now(), jRead, jConsents, org, fmt.Sprintf("consents: %d records", len(out)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ConsentGroups lists the registration and year groups on roll. Group
// names say nothing of a child, so the read is not journaled.
func (db *DB) ConsentGroups(ctx context.Context) (regGroups, yearGroups []string, err error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, nil, err
	}
	org, err := consentOrg(a, lifeguard.OpReadPhotoList, "staff of an organisation see its classes")
	if err != nil {
		return nil, nil, err
	}
	regGroups, yearGroups = []string{}, []string{}
	err = db.inRead(ctx, "consent groups", func(tx *tx) error {
		for _, g := range []struct {
			col string
			to  *[]string
		}{{"reg_group", &regGroups}, {"year_group", &yearGroups}} {
			if err := each(ctx, tx, `SELECT DISTINCT `+g.col+` FROM children WHERE organisation_id = ? AND left_on IS NULL
				AND merged_into IS NULL AND `+g.col+` IS NOT NULL AND `+g.col+` <> '' ORDER BY `+g.col,
				[]any{org}, func(scan func(...any) error) error {
					var s string
					if err := scan(&s); err != nil {
						return err
					}
					*g.to = append(*g.to, s)
					return nil
				}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return regGroups, yearGroups, nil
}

// ConsentFigures counts an organisation's consents for its self-audit.
func (db *DB) ConsentFigures(ctx context.Context, organisationID int64) (*lifeguard.ConsentFigures, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := &lifeguard.ConsentFigures{}
	err = db.inRead(ctx, "consent figures", func(tx *tx) error {
		o, err := auditOrg(ctx, tx, organisationID)
		if err != nil {
			return err
		}
		if err := checkAudits(a, readAudits, o.ID, o.PartnershipID, errNoOrganisation); err != nil {
			return err
		}
		// Per child on roll: how many image kinds have a record at all,
		// how many are given now, and whether internet access is given.
		return each(ctx, tx, `SELECT
				COUNT(DISTINCT CASE WHEN x.kind <> 'internet' THEN x.kind END),
				COUNT(DISTINCT CASE WHEN x.kind <> 'internet' AND x.withdrawn_on IS NULL THEN x.kind END),
				COUNT(CASE WHEN x.kind = 'internet' AND x.withdrawn_on IS NULL THEN 1 END)
			FROM children c LEFT JOIN consents x ON x.child_id = c.id
			WHERE c.organisation_id = ? AND c.left_on IS NULL AND c.merged_into IS NULL GROUP BY c.id`,
			[]any{o.ID}, func(scan func(...any) error) error {
				var recorded, given, internet int
				if err := scan(&recorded, &given, &internet); err != nil {
					return err
				}
				out.OnRoll++
				if recorded == len(lifeguard.ImageConsentKinds()) {
					out.ImageRecorded++
				}
				if given == 0 {
					out.NoImages++
				}
				if internet > 0 {
					out.Internet++
				}
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
