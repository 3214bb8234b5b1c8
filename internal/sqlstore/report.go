package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.ReportStore = (*DB)(nil)

// ReportCounts gives the aggregates of a report. Every figure is one
// aggregate query over the concerns of the period through the
// concerns_report index (decisions through decisions_report); no concern is
// read into memory and no text column is touched. Nothing is journaled: no
// record is read, only counts.
func (db *DB) ReportCounts(ctx context.Context, q lifeguard.ReportQuery) (*lifeguard.ReportCounts, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var p problems
	switch {
	case q.From.IsZero():
		p.add("from", "is required")
	case q.To.IsZero():
		p.add("to", "is required")
	case !q.From.Before(q.To):
		p.add("to", "must be after from")
	case q.To.Sub(q.From) > lifeguard.MaxReportPeriod:
		p.add("to", "the period may be at most ten years")
	}
	if err := p.err("The report's period is not valid"); err != nil {
		return nil, err
	}
	switch {
	case a.IsSystem():
		if q.PartnershipID == 0 {
			return nil, lifeguard.Invalid("The report is not valid", []lifeguard.Problem{{Path: "partnership_id",
				Problem: "is required for a report made by Lifeguard itself"}})
		}
	case a.Role == lifeguard.RolePartnership:
		q.PartnershipID = a.PartnershipID
	case a.Role == lifeguard.RoleDSL || a.Role == lifeguard.RoleManager:
		if q.OrganisationID != a.OrganisationID {
			return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "You may see only your own organisation's report.")
		}
		q.PartnershipID = a.PartnershipID
	default:
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not see reports.")
	}

	r := &lifeguard.ReportCounts{Query: q}
	err = db.inRead(ctx, "report", func(tx *tx) error {
		if q.OrganisationID != 0 {
			var part int64
			err := tx.row(ctx, `SELECT partnership_id FROM organisations WHERE id = ?`, q.OrganisationID).Scan(&part)
			if err == sql.ErrNoRows || (err == nil && part != q.PartnershipID) {
				return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such organisation.")
			}
			if err != nil {
				return err
			}
		}
		rq := reportQuery{tx: tx, scope: q, from: micros(q.From), to: micros(q.To)}
		return rq.run(ctx, db.d, r)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

type reportQuery struct {
	tx       *tx
	scope    lifeguard.ReportQuery
	from, to int64
}

// where is the condition that picks the concerns (alias c) of [from, to)
// in the scope, and its arguments.
func (rq *reportQuery) where(from, to int64) (string, []any) {
	if rq.scope.OrganisationID != 0 {
		return `c.organisation_id = ? AND c.reported_at >= ? AND c.reported_at < ?`,
			[]any{rq.scope.OrganisationID, from, to}
	}
	// The unary plus keeps SQLite from using concerns_reported, led by
	// organisation_id, for the partnership's list of organisations: the
	// period's range on concerns_report, which covers every column the
	// report reads, is far cheaper. PostgreSQL reads it as plain arithmetic.
	return `c.reported_at >= ? AND c.reported_at < ?
		AND +c.organisation_id IN (SELECT id FROM organisations WHERE partnership_id = ?)`,
		[]any{from, to, rq.scope.PartnershipID}
}

// tallies runs a query whose rows are (key, count).
func (rq *reportQuery) tallies(ctx context.Context, q string, args ...any) ([]lifeguard.Tally, error) {
	rows, err := rq.tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lifeguard.Tally{}
	for rows.Next() {
		var key sql.NullString
		var n int64
		if err := rows.Scan(&key, &n); err != nil {
			return nil, err
		}
		out = append(out, lifeguard.Tally{Key: key.String, N: n})
	}
	// Sorted here, not by ORDER BY, so that both engines give one order
	// (PostgreSQL puts NULL last, SQLite first; ages sort as numbers).
	slices.SortFunc(out, func(a, b lifeguard.Tally) int { return strings.Compare(a.Key, b.Key) })
	return out, rows.Err()
}

func (rq *reportQuery) run(ctx context.Context, d *dialect, r *lifeguard.ReportCounts) error {
	w, args := rq.where(rq.from, rq.to)
	var err error
	group := func(col string) ([]lifeguard.Tally, error) {
		return rq.tallies(ctx, `SELECT `+col+`, COUNT(*) FROM concerns c WHERE `+w+` GROUP BY `+col, args...)
	}
	if r.TypeSets, err = group("c.types"); err != nil {
		return err
	}
	for _, t := range r.TypeSets {
		r.Concerns += t.N
	}
	if r.VulnSets, err = group("c.vulns"); err != nil {
		return err
	}
	if r.RouteSets, err = group("c.routes"); err != nil {
		return err
	}
	if r.Ages, err = group("c.child_age"); err != nil {
		return err
	}
	if r.Months, err = group(d.month("c.reported_at")); err != nil {
		return err
	}
	if r.Settings, err = rq.tallies(ctx, `SELECT o.setting, SUM(n) FROM (SELECT c.organisation_id AS org, COUNT(*) AS n
		FROM concerns c WHERE `+w+` GROUP BY c.organisation_id) t JOIN organisations o ON o.id = t.org
		GROUP BY o.setting`, args...); err != nil {
		return err
	}
	span := rq.to - rq.from
	pw, pargs := rq.where(rq.from-span, rq.from)
	if r.PrevMonths, err = rq.tallies(ctx, `SELECT `+d.month("c.reported_at")+`, COUNT(*) FROM concerns c WHERE `+pw+
		` GROUP BY 1`, pargs...); err != nil {
		return err
	}
	for _, t := range r.PrevMonths {
		r.Previous += t.N
	}
	if r.PerChild, err = rq.tallies(ctx, `SELECT CAST(n AS TEXT), COUNT(*) FROM (SELECT c.child_id, COUNT(*) AS n
		FROM concerns c WHERE `+w+` AND c.child_id IS NOT NULL GROUP BY c.child_id) t GROUP BY n`,
		args...); err != nil {
		return err
	}
	if r.Routes, err = rq.routes(ctx, w, args); err != nil {
		return err
	}
	return rq.firstDecision(ctx, w, args, r)
}

// routes counts each route's decisions, one per concern and route: whether
// any decision followed it, and whether the first was by its deadline. A
// later decision is never earlier than the first, so "the first was on
// time" is "any was on time".
func (rq *reportQuery) routes(ctx context.Context, w string, args []any) ([]lifeguard.RouteTally, error) {
	rows, err := rq.tx.query(ctx, `SELECT route, followed, deadline, on_time, COUNT(*) FROM (
			SELECT d.route AS route,
				MAX(CASE WHEN d.decision IN ('accepted', 'done') THEN 1 ELSE 0 END) AS followed,
				MAX(CASE WHEN d.on_time IS NULL THEN 0 ELSE 1 END) AS deadline,
				MAX(CASE WHEN d.on_time THEN 1 ELSE 0 END) AS on_time
			FROM concerns c JOIN decisions d ON d.concern_id = c.id
			WHERE `+w+` AND d.route <> ?
			GROUP BY d.concern_id, d.route) t
		GROUP BY route, followed, deadline, on_time`, append(args, string(lifeguard.ProposalRoute))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lifeguard.RouteTally{}
	for rows.Next() {
		var route string
		var followed, deadline, onTime int
		var n int64
		if err := rows.Scan(&route, &followed, &deadline, &onTime, &n); err != nil {
			return nil, err
		}
		out = append(out, lifeguard.RouteTally{Route: lifeguard.RouteCode(route), Followed: followed == 1,
			Deadline: deadline == 1, OnTime: onTime == 1, N: n})
	}
	slices.SortFunc(out, func(a, b lifeguard.RouteTally) int {
		return strings.Compare(fmt.Sprint(a.Route, !a.Followed, !a.Deadline, !a.OnTime),
			fmt.Sprint(b.Route, !b.Followed, !b.Deadline, !b.OnTime))
	})
	return out, rows.Err()
}

// firstDecision counts the concerns with a decision and finds the median
// time from report to the first: the middle value, or the mean of the two
// middle values, read with OFFSET from the ordered times.
func (rq *reportQuery) firstDecision(ctx context.Context, w string, args []any, r *lifeguard.ReportCounts) error {
	if err := rq.tx.row(ctx, `SELECT COUNT(*) FROM concerns c WHERE `+w+` AND c.first_decided_at IS NOT NULL`,
		args...).Scan(&r.Decided); err != nil {
		return err
	}
	if r.Decided == 0 {
		return nil
	}
	rows, err := rq.tx.query(ctx, `SELECT c.first_decided_at - c.reported_at AS t FROM concerns c
		WHERE `+w+` AND c.first_decided_at IS NOT NULL ORDER BY t LIMIT ? OFFSET ?`,
		append(args, 2-r.Decided%2, (r.Decided-1)/2)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	var sum, n int64
	for rows.Next() {
		var t int64
		if err := rows.Scan(&t); err != nil {
			return err
		}
		sum, n = sum+t, n+1
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if n > 0 {
		r.MedianToDecision = time.Duration(sum/n) * time.Microsecond
	}
	return nil
}
