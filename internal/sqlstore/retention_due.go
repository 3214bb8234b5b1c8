package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The administrator's list of what falls due (issue 19 item 2) takes in
// every kind the erasure job removes, so that nothing goes unannounced:
// the records with a date of their own stored (children, concerns,
// referrals, captures) and the kinds kept years from a date of their own
// (lifeguard.YearsKinds), whose date the list works out from the
// schedule as the job does. The filter's blocked attempts are not listed
// one by one: they go on a rolling window of days (docs/retention.md).

// yearsDue says, for each kind kept years from a date of its own, which
// date its years run from (an SQL expression on the kind's table: a day
// '2006-01-02' when day, else microseconds; NULL when the record is due
// whatever its date, as a consent whose child's record is erased), whose
// organisation it is (NULL for the partnership's own), and which rows are
// the actor's partnership's (one ? for the partnership's id). Which rows
// fall due is the job's own condition (prunable), so that the list and
// the job cannot disagree.
var yearsDue = map[lifeguard.RetentionKind]struct {
	table, due, date, org, scope string
	day                          bool
}{
	lifeguard.RetainConsent:       {date: "withdrawn_on", day: true},
	lifeguard.RetainTraining:      {date: "expires_on", day: true},
	lifeguard.RetainTeaching:      {date: "taught_on", day: true},
	lifeguard.RetainParentContact: {date: "held_on", day: true},
	lifeguard.RetainChildSurvey:   {date: "held_on", day: true},
	lifeguard.RetainSubjectAccess: {date: "disclosed_at"},
	lifeguard.RetainDataRequest:   {date: "decided_at"},
	lifeguard.RetainAgreement: {date: `(SELECT n.created_at FROM policy_versions v JOIN policy_versions n
		ON n.policy_id = v.policy_id AND n.number = v.number + 1 WHERE v.id = agreements.version_id)`},
	lifeguard.RetainPolicyVersion: {date: `(SELECT n.created_at FROM policy_versions n
		WHERE n.policy_id = policy_versions.policy_id AND n.number = policy_versions.number + 1)`,
		org:   "(SELECT p.organisation_id FROM policies p WHERE p.id = policy_versions.policy_id)",
		scope: "policy_id IN (SELECT p.id FROM policies p WHERE p.partnership_id = ?)"},
	lifeguard.RetainImprovement: {date: "closed_at"},
	lifeguard.RetainAudit:       {date: "completed_at"},
	lifeguard.RetainPlanAction: {date: "completed_at", org: "owner_organisation_id",
		scope: "objective_id IN (SELECT j.id FROM plan_objectives j WHERE j.partnership_id = ?)"},
	// An account is blanked only once disabled (eraseUsers).
	lifeguard.RetainUser: {table: "users", due: "disabled AND erased_at IS NULL AND disabled_at < ?", date: "disabled_at"},
}

// RetentionDue lists what falls due at or before q.Until in the actor's
// partnership, soonest first: kinds, ids, organisations and dates only.
// The list is journalled as read, or as a disclosure when it leaves
// Lifeguard.
func (db *DB) RetentionDue(ctx context.Context, q lifeguard.RetentionDueQuery) ([]lifeguard.RetentionDue, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpReadRetention) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator sees what falls due for erasure.")
	}
	if q.Until.IsZero() {
		return nil, lifeguard.Invalid("The query is not valid", []lifeguard.Problem{{Path: "until", Problem: "is required"}})
	}
	sched := q.Schedule
	if len(sched.Rules) == 0 {
		sched = lifeguard.ShippedRetentionSchedule()
	}
	var out []lifeguard.RetentionDue
	err = db.inWrite(ctx, "retention due", func(tx *tx) error {
		names, err := organisationNames(ctx, tx, a)
		if err != nil {
			return err
		}
		if out, err = datedDue(ctx, tx, a, q.Until, names); err != nil {
			return err
		}
		for _, k := range lifeguard.YearsKinds {
			more, err := yearsKindDue(ctx, tx, a, k, sched, q.Until, db.now(), names)
			if err != nil {
				return err
			}
			out = append(out, more...)
		}
		slices.SortFunc(out, func(x, y lifeguard.RetentionDue) int {
			return cmp.Or(x.Due.Compare(y.Due), cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.ID, y.ID))
		})
		if len(out) > lifeguard.MaxRetentionDue {
			out = out[:lifeguard.MaxRetentionDue]
		}
		action := jList
		if q.Disclose {
			action = jDisclose
		}
		return journal(ctx, tx, a, db.now(), action, jRetention, 0, "until="+q.Until.UTC().Format("2006-01-02")+
			" records="+strconv.Itoa(len(out)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// organisationNames maps the ids of the organisations in the actor's
// partnership (every one, for the system) to their names; 0 to the
// partnership's own name, for its own policies.
func organisationNames(ctx context.Context, tx *tx, a *lifeguard.Actor) (map[int64]string, error) {
	q, args := `SELECT id, name FROM organisations`, []any{}
	p := `SELECT name FROM partnerships WHERE id = ?`
	if !a.IsSystem() {
		q, args = q+` WHERE partnership_id = ?`, []any{a.PartnershipID}
	}
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	names := map[int64]string{0: "The partnership"}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		names[id] = name
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if !a.IsSystem() {
		var name string
		if err := tx.row(ctx, p, a.PartnershipID).Scan(&name); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, err
		}
		if name != "" {
			names[0] = name
		}
	}
	return names, nil
}

// datedDue lists the records whose date is stored on them: children,
// concerns and referrals not yet erased, allegations for a person to
// review, and captures.
func datedDue(ctx context.Context, tx *tx, a *lifeguard.Actor, until time.Time, names map[int64]string) ([]lifeguard.RetentionDue, error) {
	scope, args := "", []any{}
	if !a.IsSystem() {
		scope, args = " AND o.partnership_id = ?", []any{a.PartnershipID}
	}
	part := func(kind, table, org, at string) string {
		return `SELECT '` + kind + `' AS kind, r.id AS id, o.id AS org, r.` + at + ` AS due FROM ` + table + ` r
			JOIN organisations o ON o.id = r.` + org + ` WHERE r.` + at + ` <= ?` + scope
	}
	var all []any
	for range 5 {
		all = append(all, micros(until))
		all = append(all, args...)
	}
	all = append(all, lifeguard.MaxRetentionDue)
	// An allegation whose adult's pension age is unknown is not erased
	// at ten years: it is listed for a person to decide.
	rows, err := tx.query(ctx, part("child", "children", "organisation_id", "retain_until")+` AND r.erased_at IS NULL
		UNION ALL `+part("concern", "concerns", "organisation_id", "retain_until")+` AND r.erased_at IS NULL
		UNION ALL `+part("referral", "referrals", "from_organisation_id", "retain_until")+` AND r.erased_at IS NULL
		UNION ALL `+part(lifeguard.RetentionReview, "referrals", "from_organisation_id", "retention_review_at")+` AND r.erased_at IS NULL
		UNION ALL `+part("capture", "monitor_captures", "organisation_id", "delete_after")+`
		ORDER BY due, kind, id LIMIT ?`, all...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []lifeguard.RetentionDue
	for rows.Next() {
		var d lifeguard.RetentionDue
		var due int64
		if err := rows.Scan(&d.Kind, &d.ID, &d.OrganisationID, &due); err != nil {
			return nil, err
		}
		d.Due, d.Organisation = fromMicros(due), names[d.OrganisationID]
		out = append(out, d)
	}
	return out, rows.Err()
}

// yearsKindDue lists the records of kind k that the erasure job, run at
// until, would remove, each with the date it falls due: its own date and
// the kind's years (the day after, for a day, as the job compares days),
// or now when it is due whatever its date.
func yearsKindDue(ctx context.Context, tx *tx, a *lifeguard.Actor, k lifeguard.RetentionKind, sched lifeguard.RetentionSchedule,
	until, now time.Time, names map[int64]string) ([]lifeguard.RetentionDue, error) {
	y := yearsDue[k]
	table, due := y.table, y.due
	if p, ok := prunable[k]; ok {
		table, due = p.table, p.due
	}
	before := sched.PruneBefore(k, until)
	var at any = micros(before)
	if y.day {
		at = lifeguard.DateOf(before.UTC()).String()
	}
	org, scope := y.org, y.scope
	if org == "" {
		org = "organisation_id"
	}
	if scope == "" {
		scope = "organisation_id IN (SELECT o.id FROM organisations o WHERE o.partnership_id = ?)"
	}
	args := []any{at}
	if a.IsSystem() {
		scope = "1 = 1"
	} else {
		args = append(args, a.PartnershipID)
	}
	args = append(args, lifeguard.MaxRetentionDue)
	date := y.date
	rows, err := tx.query(ctx, `SELECT id, `+org+`, `+date+` FROM `+table+` WHERE (`+due+`) AND `+scope+`
		ORDER BY 3, id LIMIT ?`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	years := sched.Rule(k).Years
	var out []lifeguard.RetentionDue
	for rows.Next() {
		var id int64
		var orgID sql.NullInt64
		var day sql.NullString
		var t sql.NullInt64
		var err error
		if y.day {
			err = rows.Scan(&id, &orgID, &day)
		} else {
			err = rows.Scan(&id, &orgID, &t)
		}
		if err != nil {
			return nil, err
		}
		d := lifeguard.RetentionDue{Kind: string(k), ID: id, OrganisationID: orgID.Int64, Organisation: names[orgID.Int64], Due: now.UTC()}
		switch {
		case y.day && day.Valid:
			if on, err := time.Parse(time.DateOnly, day.String); err == nil {
				d.Due = on.AddDate(years, 0, 1)
			}
		case !y.day && t.Valid:
			d.Due = fromMicros(t.Int64).AddDate(years, 0, 0)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
