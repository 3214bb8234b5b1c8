package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.AlertStore = (*DB)(nil)

// A user's alert preferences and an organisation's alert settings
// (lifeguard.AlertStore). Both decide who learns that a concern exists, so
// every change is journalled, with codes and ids only; reading them is not,
// since they hold nothing about a child.

// Journal records of the alert settings.
const (
	jAlertPreferences = "alert_preferences"
	jAlertSettings    = "alert_settings"
)

// AlertPreferences returns the acting user's choice of alerts, every alert
// on when they never chose.
func (db *DB) AlertPreferences(ctx context.Context) (*lifeguard.AlertPreferences, error) {
	a, err := ownUser(ctx)
	if err != nil {
		return nil, err
	}
	var p lifeguard.AlertPreferences
	err = db.inRead(ctx, "alert preferences", func(tx *tx) error {
		p, err = alertPreferencesOf(ctx, tx, a.UserID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// alertPreferencesOf reads user's preferences, or the defaults.
func alertPreferencesOf(ctx context.Context, tx *tx, user int64) (lifeguard.AlertPreferences, error) {
	p := lifeguard.DefaultAlertPreferences()
	err := tx.row(ctx, `SELECT immediate, digest, escalations, filter_alerts, overdue_digest FROM alert_preferences
		WHERE user_id = ?`, user).Scan(&p.Immediate, &p.Digest, &p.Escalations, &p.FilterAlerts, &p.OverdueDigest)
	if errors.Is(err, sql.ErrNoRows) {
		return lifeguard.DefaultAlertPreferences(), nil
	}
	return p, err
}

// SetAlertPreferences replaces the acting user's choice of alerts. The rule
// that a DSL keeps immediate alerts is checked against the role the store
// holds for the user, not the one the session carries.
func (db *DB) SetAlertPreferences(ctx context.Context, p lifeguard.AlertPreferences) (*lifeguard.AlertPreferences, error) {
	a, err := ownUser(ctx)
	if err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, "set alert preferences", func(tx *tx) error {
		var role string
		err := tx.row(ctx, `SELECT role FROM users WHERE id = ?`, a.UserID).Scan(&role)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoUser()
		}
		if err != nil {
			return err
		}
		if ps := p.Validate(lifeguard.Role(role)); len(ps) > 0 {
			return lifeguard.Invalid("The alert choices are not valid", ps)
		}
		now := db.now()
		res, err := tx.exec(ctx, `UPDATE alert_preferences SET immediate = ?, digest = ?, escalations = ?,
			filter_alerts = ?, overdue_digest = ?, updated_at = ? WHERE user_id = ?`,
			p.Immediate, p.Digest, p.Escalations, p.FilterAlerts, p.OverdueDigest, micros(now), a.UserID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if _, err := tx.exec(ctx, `INSERT INTO alert_preferences (user_id, immediate, digest, escalations,
				filter_alerts, overdue_digest, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, a.UserID,
				p.Immediate, p.Digest, p.Escalations, p.FilterAlerts, p.OverdueDigest, micros(now)); err != nil {
				return err
			}
		}
		return journal(ctx, tx, a, now, jUpdate, jAlertPreferences, a.UserID, preferencesDetail(p))
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// preferencesDetail is the journal's record of a choice of alerts: the
// kinds turned on.
func preferencesDetail(p lifeguard.AlertPreferences) string {
	var on []string
	for _, c := range []struct {
		name string
		on   bool
	}{{"immediate", p.Immediate}, {"digest", p.Digest}, {"escalations", p.Escalations},
		{"filter_alerts", p.FilterAlerts}, {"overdue_digest", p.OverdueDigest}} {
		if c.on {
			on = append(on, c.name)
		}
	}
	return "on=" + codeList(on)
}

// alertSettingsAccess checks that a may see and set the alert settings of
// organisation org: ENOTFOUND beyond the actor's organisation (as for any
// organisation they cannot reach), EFORBIDDEN for a role without the rule.
func alertSettingsAccess(a *lifeguard.Actor, org int64) error {
	reach := a.May(lifeguard.OpAlertSettings)
	switch {
	case reach == lifeguard.ReachNone:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the organisation's safeguarding lead or manager sets when and whom Lifeguard alerts.")
	case !reach.Covers(a.Near(0, org, 0)):
		return errNoOrganisation()
	}
	return nil
}

// AlertSettings returns the organisation's alert settings, the defaults
// when it has not chosen; org 0 is the actor's own.
func (db *DB) AlertSettings(ctx context.Context, org int64) (*lifeguard.AlertSettings, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if org == 0 {
		org = a.OrganisationID
	}
	if err := alertSettingsAccess(a, org); err != nil {
		return nil, err
	}
	var s lifeguard.AlertSettings
	err = db.inRead(ctx, "alert settings", func(tx *tx) error {
		if _, err := orgPartnership(ctx, tx, org); err != nil {
			return err
		}
		s, err = alertSettingsOf(ctx, tx, org)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// alertSettingsOf reads organisation org's settings, or the defaults.
func alertSettingsOf(ctx context.Context, tx *tx, org int64) (lifeguard.AlertSettings, error) {
	s := lifeguard.DefaultAlertSettings(org)
	var list string
	var by sql.NullInt64
	var at int64
	err := tx.row(ctx, `SELECT digest_at, zone, escalate_after, escalation_list, updated_by, updated_at
		FROM alert_settings WHERE organisation_id = ?`, org).Scan(&s.DigestAt, &s.Zone, &s.EscalateAfterMinutes, &list,
		&by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	}
	if err != nil {
		return s, err
	}
	if s.EscalationList, err = parseIDList(list); err != nil {
		return s, fmt.Errorf("alert settings of organisation %d: %w", org, err)
	}
	t := fromMicros(at)
	s.UpdatedBy, s.UpdatedAt = by.Int64, &t
	return s, nil
}

// parseIDList reads ids written by idList.
func parseIDList(s string) ([]int64, error) {
	out := []int64{}
	if s == "" {
		return out, nil
	}
	for f := range strings.SplitSeq(s, ",") {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("id list %q: %w", s, err)
		}
		out = append(out, id)
	}
	return out, nil
}

// escalationRoles are the roles that may be on an escalation list: the
// organisation's own people who act on a concern. A filter's account reads
// no email; the partnership's roles belong to no school.
func escalationRole(r lifeguard.Role) bool {
	return r == lifeguard.RoleStaff || r == lifeguard.RoleDSL || r == lifeguard.RoleManager
}

// SetAlertSettings replaces the organisation's alert settings (s names
// it; 0 is the actor's own).
func (db *DB) SetAlertSettings(ctx context.Context, s lifeguard.AlertSettings) (*lifeguard.AlertSettings, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if s.OrganisationID == 0 {
		s.OrganisationID = a.OrganisationID
	}
	if err := alertSettingsAccess(a, s.OrganisationID); err != nil {
		return nil, err
	}
	if s.EscalationList == nil {
		s.EscalationList = []int64{}
	}
	if ps := s.Validate(); len(ps) > 0 {
		return nil, lifeguard.Invalid("The alert settings are not valid", ps)
	}
	err = db.inWrite(ctx, "set alert settings", func(tx *tx) error {
		if _, err := orgPartnership(ctx, tx, s.OrganisationID); err != nil {
			return err
		}
		var p problems
		for i, id := range s.EscalationList {
			var org int64
			var role string
			var disabled bool
			err := tx.row(ctx, `SELECT organisation_id, role, disabled FROM users WHERE id = ?`, id).
				Scan(&org, &role, &disabled)
			path := fmt.Sprintf("escalation_list[%d]", i)
			switch {
			case errors.Is(err, sql.ErrNoRows) || err == nil && org != s.OrganisationID:
				p.add(path, "is not a user of the organisation")
			case err != nil:
				return err
			case disabled:
				p.add(path, "is a disabled account")
			case !escalationRole(lifeguard.Role(role)):
				p.add(path, "must be a member of staff, a safeguarding lead or a manager")
			}
		}
		if err := p.err("The alert settings are not valid"); err != nil {
			return err
		}
		now := db.now()
		list := idList(s.EscalationList)
		res, err := tx.exec(ctx, `UPDATE alert_settings SET digest_at = ?, zone = ?, escalate_after = ?,
			escalation_list = ?, updated_by = ?, updated_at = ? WHERE organisation_id = ?`,
			s.DigestAt, s.Zone, s.EscalateAfterMinutes, list, nullID(a.UserID), micros(now), s.OrganisationID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if _, err := tx.exec(ctx, `INSERT INTO alert_settings (organisation_id, digest_at, zone, escalate_after,
				escalation_list, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, s.OrganisationID, s.DigestAt,
				s.Zone, s.EscalateAfterMinutes, list, nullID(a.UserID), micros(now)); err != nil {
				return err
			}
		}
		s.UpdatedBy, s.UpdatedAt = a.UserID, &now
		return journal(ctx, tx, a, now, jUpdate, jAlertSettings, s.OrganisationID,
			fmt.Sprintf("digest_at=%s zone=%s escalate_after=%d escalation_list=%s", s.DigestAt, s.Zone,
				s.EscalateAfterMinutes, list))
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// EscalationCandidates lists the organisation's enabled staff, DSLs and
// managers by name, for the escalation list's choices.
func (db *DB) EscalationCandidates(ctx context.Context, org int64) ([]lifeguard.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if org == 0 {
		org = a.OrganisationID
	}
	if err := alertSettingsAccess(a, org); err != nil {
		return nil, err
	}
	return readAll(ctx, db, "escalation candidates", `SELECT `+userColumns+userFrom+`
		WHERE u.organisation_id = ? AND u.disabled = ? AND u.role IN (?, ?, ?) ORDER BY u.name, u.id`,
		[]any{org, false, string(lifeguard.RoleStaff), string(lifeguard.RoleDSL), string(lifeguard.RoleManager)},
		scanOneUser)
}
