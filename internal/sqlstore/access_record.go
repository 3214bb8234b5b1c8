package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

func errNoAccessGroup() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such group in the access record.")
}

const accessColumns = `id, organisation_id, name, kind, members, member_count, devices, how_given, agreement,
	filter_group, updated_by, updated_at`

func scanAccessGroup(scan func(...any) error) (*lifeguard.AccessGroup, error) {
	var g lifeguard.AccessGroup
	var kind, agreement string
	var by sql.NullInt64
	var at int64
	if err := scan(&g.ID, &g.OrganisationID, &g.Name, &kind, &g.Members, &g.Count, &g.Devices, &g.HowGiven, &agreement,
		&g.FilterGroup, &by, &at); err != nil {
		return nil, err
	}
	g.Kind, g.Agreement, g.UpdatedBy, g.UpdatedAt = lifeguard.AccessGroupKind(kind), lifeguard.PolicyKind(agreement),
		by.Int64, fromMicros(at)
	return &g, nil
}

func (p *problems) accessGroup(in *lifeguard.NewAccessGroup) {
	in.Name, in.Members, in.Devices = strings.TrimSpace(in.Name), strings.TrimSpace(in.Members), strings.TrimSpace(in.Devices)
	in.HowGiven, in.FilterGroup = strings.TrimSpace(in.HowGiven), strings.TrimSpace(in.FilterGroup)
	p.text("name", in.Name, lifeguard.MaxShortText, true)
	switch {
	case lifeguard.TextProblem(string(in.Kind)) != "":
		p.check("kind", string(in.Kind))
	case in.Kind == "":
		p.add("kind", "is required: pupils, staff or visitors")
	case !in.Kind.Valid():
		p.add("kind", "%q is not a kind of group; use pupils, staff or visitors", in.Kind)
	}
	p.text("members", in.Members, lifeguard.MaxAccessText, true)
	p.count("count", in.Count, lifeguard.MaxAccessMembers)
	p.text("devices", in.Devices, lifeguard.MaxAccessText, true)
	p.text("how_given", in.HowGiven, lifeguard.MaxAccessText, true)
	switch {
	case lifeguard.TextProblem(string(in.Agreement)) != "":
		p.check("agreement", string(in.Agreement))
	case in.Agreement != "" && !in.Agreement.IsAgreement():
		p.add("agreement", "%q is not an agreement; use aup_staff, aup_pupils, aup_visitors, aup_parents or leave it empty",
			in.Agreement)
	}
	switch {
	case lifeguard.TextProblem(in.FilterGroup) != "":
		p.check("filter_group", in.FilterGroup)
	case in.FilterGroup != "" && !lifeguard.FilterGroupPattern.MatchString(in.FilterGroup):
		p.add("filter_group", "must be the name of a group of the filter's policy: lower-case letters, digits, '_' and '-'")
	}
}

// filterGroups reads the groups of the organisation's DNS filter policy;
// attached is false when no policy is set for it.
func filterGroups(ctx context.Context, tx *tx, org int64) (groups map[string][]string, def string, attached bool, err error) {
	var doc string
	err = tx.row(ctx, `SELECT document FROM filter_policies WHERE organisation_id = ?`, org).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return map[string][]string{}, "", false, nil
	}
	if err != nil {
		return nil, "", false, err
	}
	groups, def = lifeguard.FilterGroups([]byte(doc))
	return groups, def, true, nil
}

// readAccessRecord reads the organisation's groups with their filter
// cover.
func readAccessRecord(ctx context.Context, tx *tx, org int64) (*lifeguard.AccessRecord, error) {
	groups, def, attached, err := filterGroups(ctx, tx, org)
	if err != nil {
		return nil, err
	}
	out := &lifeguard.AccessRecord{OrganisationID: org, FilterAttached: attached, FilterGroups: []string{},
		Groups: []lifeguard.AccessGroup{}}
	for name := range groups {
		out.FilterGroups = append(out.FilterGroups, name)
	}
	slices.Sort(out.FilterGroups)
	err = each(ctx, tx, `SELECT `+accessColumns+` FROM access_groups WHERE organisation_id = ? ORDER BY kind, name`,
		[]any{org}, func(scan func(...any) error) error {
			g, err := scanAccessGroup(scan)
			if err != nil {
				return err
			}
			g.Filter = lifeguard.Cover(groups, def, g.FilterGroup)
			out.Groups = append(out.Groups, *g)
			return nil
		})
	if err != nil {
		return nil, err
	}
	// Pupils first, then staff, then visitors, as the page shows them.
	slices.SortStableFunc(out.Groups, func(x, y lifeguard.AccessGroup) int {
		return slices.Index(lifeguard.AccessGroupKinds(), x.Kind) - slices.Index(lifeguard.AccessGroupKinds(), y.Kind)
	})
	return out, nil
}

// AccessRecord is the organisation's internet access record.
func (db *DB) AccessRecord(ctx context.Context, organisationID int64) (*lifeguard.AccessRecord, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.AccessRecord
	err = db.inRead(ctx, "access record", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpReadPrevention, organisationID)
		if err != nil {
			return err
		}
		out, err = readAccessRecord(ctx, tx, org)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// accessGroupOut reads group id back with its filter cover.
func accessGroupOut(ctx context.Context, tx *tx, org, id int64) (*lifeguard.AccessGroup, error) {
	rec, err := readAccessRecord(ctx, tx, org)
	if err != nil {
		return nil, err
	}
	for i := range rec.Groups {
		if rec.Groups[i].ID == id {
			return &rec.Groups[i], nil
		}
	}
	return nil, errNoAccessGroup()
}

func uniqueGroupName(ctx context.Context, tx *tx, org, id int64, name string) error {
	var n int
	if err := tx.row(ctx, `SELECT COUNT(*) FROM access_groups WHERE organisation_id = ? AND name = ? AND id <> ?`,
		org, name, id).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return lifeguard.Invalid("The group is not valid", []lifeguard.Problem{{Path: "name",
			Problem: "is the name of another group of the access record; give each group its own name"}})
	}
	return nil
}

// RecordAccessGroup adds a group to the actor's organisation's record.
func (db *DB) RecordAccessGroup(ctx context.Context, in lifeguard.NewAccessGroup) (*lifeguard.AccessGroup, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	now := db.now()
	var out *lifeguard.AccessGroup
	err = db.inWrite(ctx, "record access group", func(tx *tx) error {
		org, err := preventionOrg(ctx, tx, a, lifeguard.OpKeepPrevention, 0)
		if err != nil {
			return err
		}
		var p problems
		p.accessGroup(&in)
		if err := p.err("The group is not valid"); err != nil {
			return err
		}
		if err := uniqueGroupName(ctx, tx, org, 0, in.Name); err != nil {
			return err
		}
		id, err := tx.insert(ctx, `INSERT INTO access_groups (organisation_id, name, kind, members, member_count, devices,
			how_given, agreement, filter_group, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, org,
			in.Name, string(in.Kind), in.Members, in.Count, in.Devices, in.HowGiven, string(in.Agreement), in.FilterGroup,
			nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		out, err = accessGroupOut(ctx, tx, org, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EditAccessGroup changes a group of the access record.
func (db *DB) EditAccessGroup(ctx context.Context, id int64, in lifeguard.NewAccessGroup) (*lifeguard.AccessGroup, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	now := db.now()
	var out *lifeguard.AccessGroup
	err = db.inWrite(ctx, "edit access group", func(tx *tx) error {
		g, err := scanAccessGroup(tx.row(ctx, `SELECT `+accessColumns+` FROM access_groups WHERE id = ?`, id).Scan)
		if err != nil {
			return noRow(err, errNoAccessGroup)
		}
		if err := registerRow(a, lifeguard.OpKeepPrevention, g.OrganisationID, errNoAccessGroup); err != nil {
			return err
		}
		var p problems
		p.accessGroup(&in)
		if err := p.err("The group is not valid"); err != nil {
			return err
		}
		if err := uniqueGroupName(ctx, tx, g.OrganisationID, id, in.Name); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE access_groups SET name = ?, kind = ?, members = ?, member_count = ?, devices = ?,
			how_given = ?, agreement = ?, filter_group = ?, updated_by = ?, updated_at = ? WHERE id = ?`, in.Name,
			string(in.Kind), in.Members, in.Count, in.Devices, in.HowGiven, string(in.Agreement), in.FilterGroup,
			nullID(a.UserID), micros(now), id); err != nil {
			return err
		}
		out, err = accessGroupOut(ctx, tx, g.OrganisationID, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
