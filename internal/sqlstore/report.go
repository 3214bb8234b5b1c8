package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.ReportStore = (*DB)(nil)

// The board report is counted from report_counts: one row per partnership,
// day, dimension and key, kept in step with the concerns by the store in
// the same transaction as each change (addReportCounts). A report over a
// partnership reads the rows of its days, a few thousand, whatever the
// number of concerns; an organisation's own report counts its concerns
// with the very query that keeps report_counts, so the two cannot differ.
//
// The dimensions, each counted on the day the concern was reported:
//
//	concerns       ""               every concern
//	type           concern type     once per type of the concern
//	age            age or ""        the child's age when reported; "" no child
//	vuln           vulnerability    once per vulnerability of the child
//	setting        setting          the kind of organisation that recorded it
//	given          route            once per route the triage gave
//	added          route            once per route a DSL added (not in given)
//	route          ROUTE:FDO        once per route with a decision, but for
//	                                routes a DSL added: F 1 when
//	                                followed (accepted or done), D 1 when it
//	                                had a deadline, O 1 when the first
//	                                decision was by it
//	prior          "0"…"4"          earlier concerns about the child (4: 4+)
//	first_decision minutes          the band of the time to the first
//	                                decision (lifeguard.FirstDecisionBand)
const (
	dayMicros = 86_400_000_000
	// yearMicros is the 365 days of prior_concerns.
	yearMicros = 365 * dayMicros
)

// contributions is the SQL of every (partnership, day, dim, key, n) that
// the concerns picked by where (on concerns c) add to report_counts, as a
// WITH clause and a SELECT to follow it.
func (d *dialect) contributions(where string) (with, sel string) {
	with = `WITH cs AS (SELECT c.id, o.partnership_id AS p, o.setting, c.reported_at / ` +
		strconv.FormatInt(dayMicros, 10) + ` AS day, c.reported_at, c.child_id, c.child_age, c.vulns, c.routes,
			c.prior_concerns, c.first_decided_at
		FROM concerns c JOIN organisations o ON o.id = c.organisation_id WHERE ` + where + `)`
	minutes := `((cs.first_decided_at - cs.reported_at) / 60000000)`
	band := func(w int) string {
		return fmt.Sprintf("(%s / %d * %d)", minutes, w, w)
	}
	sel = `SELECT p, day, 'concerns' AS dim, '' AS key, 1 AS n FROM cs
		UNION ALL SELECT cs.p, cs.day, 'type', t.type, 1 FROM cs JOIN concern_types t ON t.concern_id = cs.id
		UNION ALL SELECT p, day, 'age', COALESCE(CAST(child_age AS TEXT), ''), 1 FROM cs
		UNION ALL SELECT cs.p, cs.day, 'vuln', s.value, 1 FROM cs, ` + d.splitList("cs.vulns") + ` WHERE s.value <> ''
		UNION ALL SELECT p, day, 'setting', setting, 1 FROM cs
		UNION ALL SELECT cs.p, cs.day, 'given', s.value, 1 FROM cs, ` + d.splitList("cs.routes") + ` WHERE s.value <> ''
		UNION ALL SELECT p, day, 'route', route || ':' || CAST(f AS TEXT) || CAST(dl AS TEXT) || CAST(ot AS TEXT), 1 FROM (
			SELECT cs.p, cs.day, dc.route,
				MAX(CASE WHEN dc.decision IN ('accepted', 'done') THEN 1 ELSE 0 END) AS f,
				MAX(CASE WHEN dc.on_time IS NULL THEN 0 ELSE 1 END) AS dl,
				MAX(CASE WHEN dc.on_time THEN 1 ELSE 0 END) AS ot
			FROM cs JOIN decisions dc ON dc.concern_id = cs.id
			WHERE dc.route <> '` + string(lifeguard.ProposalRoute) + `'
			AND NOT EXISTS (SELECT 1 FROM added_routes ar WHERE ar.concern_id = cs.id AND ar.route = dc.route)
			GROUP BY cs.id, cs.p, cs.day, dc.route) r
		UNION ALL SELECT cs.p, cs.day, 'added', ar.route, 1 FROM cs JOIN added_routes ar ON ar.concern_id = cs.id
		UNION ALL SELECT p, day, 'prior', CASE WHEN prior_concerns >= 4 THEN '4' ELSE CAST(prior_concerns AS TEXT) END, 1
			FROM cs WHERE child_id IS NOT NULL
		UNION ALL SELECT p, day, 'first_decision', CAST(CASE
				WHEN ` + minutes + ` < 0 THEN 0
				WHEN ` + minutes + ` < 60 THEN ` + band(5) + `
				WHEN ` + minutes + ` < 2880 THEN ` + band(30) + `
				WHEN ` + minutes + ` < 43200 THEN ` + band(360) + `
				ELSE ` + band(1440) + ` END AS TEXT), 1
			FROM cs WHERE first_decided_at IS NOT NULL`
	return with, sel
}

// addReportCounts adds sign (1 or -1) times concern id's contributions to
// report_counts. Every write that changes what a concern contributes
// subtracts them before the change and adds them after it.
func addReportCounts(ctx context.Context, tx *tx, id int64, sign int) error {
	with, sel := tx.d.contributions(`c.id = ?`)
	_, err := tx.exec(ctx, with+` INSERT INTO report_counts (partnership_id, day, dim, key, n)
		SELECT p, day, dim, key, SUM(n) * `+strconv.Itoa(sign)+` FROM (`+sel+`) u WHERE true
		GROUP BY p, day, dim, key
		ON CONFLICT (partnership_id, day, dim, key) DO UPDATE SET n = report_counts.n + excluded.n`, id)
	if err == nil {
		err = bumpReportVersion(ctx, tx, id)
	}
	if err != nil {
		return fmt.Errorf("report counts: %w", err)
	}
	return nil
}

// setPriorConcerns counts the concerns about the same child recorded before
// concern id in the 365 days before it was.
func setPriorConcerns(ctx context.Context, tx *tx, id int64) error {
	_, err := tx.exec(ctx, `UPDATE concerns SET prior_concerns = CASE WHEN child_id IS NULL THEN 0 ELSE
		(SELECT COUNT(*) FROM concerns p WHERE p.child_id = concerns.child_id AND p.id < concerns.id
			AND p.created_at >= concerns.created_at - ?) END WHERE id = ?`, yearMicros, id)
	return err
}

// rebuildReportCounts counts report_counts afresh from every concern when
// report_rebuild says it is needed, at the end of Migrate.
func (db *DB) rebuildReportCounts(ctx context.Context) error {
	var rebuilt bool
	err := db.inWrite(ctx, "rebuild report counts", func(tx *tx) error {
		var needed bool
		if err := tx.row(ctx, `SELECT needed FROM report_rebuild WHERE id = 1`).Scan(&needed); err != nil || !needed {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM report_counts`); err != nil {
			return err
		}
		with, sel := tx.d.contributions(`true`)
		if _, err := tx.exec(ctx, with+` INSERT INTO report_counts (partnership_id, day, dim, key, n)
			SELECT p, day, dim, key, SUM(n) FROM (`+sel+`) u WHERE true GROUP BY p, day, dim, key`); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE report_versions SET version = version + 1`); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `UPDATE report_rebuild SET needed = ? WHERE id = 1`, false)
		rebuilt = true
		return err
	})
	if err == nil && rebuilt {
		db.log.Info("report counts rebuilt")
	}
	return err
}

// ReportCounts gives the aggregates of a report.
func (db *DB) ReportCounts(ctx context.Context, q lifeguard.ReportQuery) (*lifeguard.ReportCounts, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var p problems
	from, to := epochDay(q.From), epochDay(q.To)
	switch {
	case q.From.IsZero():
		p.add("from", "is required")
	case q.To.IsZero():
		p.add("to", "is required")
	case to < from:
		p.add("to", "must not be before from")
	case to-from+1 > lifeguard.MaxReportDays:
		p.add("to", "the period may be at most ten years")
	}
	if err := p.err("The report's period is not valid"); err != nil {
		return nil, err
	}
	if err := reportScope(a, &q); err != nil {
		return nil, err
	}

	prevFrom := from - (to - from + 1)
	r := &lifeguard.ReportCounts{Query: q}
	err = db.inRead(ctx, "report", func(tx *tx) error {
		// The counter first: sums read after it are at least as new as
		// it says, so they are never kept under a later counter.
		version, err := reportVersion(ctx, tx, q.PartnershipID)
		if err != nil {
			return err
		}
		if kept := db.reports.get(q, version); kept != nil {
			r = kept
		} else {
			if err := sumReportCounts(ctx, tx, q, r, prevFrom, from, to); err != nil {
				return err
			}
			db.reports.put(q, version, r)
		}
		end := (to + 1) * dayMicros
		if r.Referrals, err = referralCounts(ctx, tx, q, from*dayMicros, end); err != nil {
			return err
		}
		if r.Audits, err = auditCounts(ctx, tx, q, end-yearMicros, end); err != nil {
			return err
		}
		if r.Captures, err = captureCounts(ctx, tx, q, from, to); err != nil {
			return err
		}
		if r.Prevention, err = preventionCounts(ctx, tx, q); err != nil {
			return err
		}
		if q.OrganisationID == 0 {
			if r.Plan, err = planCounts(ctx, tx, q.PartnershipID, q.To); err != nil {
				return err
			}
			// Read afresh, as the audits are: a change of a number of
			// children does not move the report counter.
			r.Children, err = childrenBySetting(ctx, tx, q.PartnershipID)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// sumReportCounts sums a period's concern figures into r: the board's from
// report_counts, an organisation's from its concerns.
func sumReportCounts(ctx context.Context, tx *tx, q lifeguard.ReportQuery, r *lifeguard.ReportCounts, prevFrom, from, to int64) error {
	var rows *sql.Rows
	var err error
	if q.OrganisationID != 0 {
		var part int64
		err := tx.row(ctx, `SELECT partnership_id FROM organisations WHERE id = ?`, q.OrganisationID).Scan(&part)
		if err == sql.ErrNoRows || (err == nil && part != q.PartnershipID) {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such organisation.")
		}
		if err != nil {
			return err
		}
		with, sel := tx.d.contributions(`c.organisation_id = ? AND c.reported_at >= ? AND c.reported_at < ?`)
		rows, err = tx.query(ctx, with+` SELECT dim, key, day, SUM(n) FROM (`+sel+`) u
				WHERE day >= ? OR dim = 'concerns' GROUP BY dim, key, day`,
			q.OrganisationID, prevFrom*dayMicros, (to+1)*dayMicros, from)
		if err != nil {
			return err
		}
	} else {
		rows, err = tx.query(ctx, `SELECT dim, key, day, SUM(n) FROM report_counts
				WHERE partnership_id = ? AND day >= ? AND day <= ? AND (day >= ? OR dim = 'concerns')
				GROUP BY dim, key, day`, q.PartnershipID, prevFrom, to, from)
		if err != nil {
			return err
		}
	}
	defer rows.Close()
	f := newFold(from)
	for rows.Next() {
		var dim, key string
		var day, n int64
		if err := rows.Scan(&dim, &key, &day, &n); err != nil {
			return err
		}
		f.add(dim, key, day, n)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return f.into(r)
}

// epochDay is the number of days from 1970-01-01 to d.
func epochDay(d lifeguard.Date) int64 {
	return d.In(time.UTC).Unix() / 86400
}

// fold sums the rows of (dim, key, day) into the report's tallies.
type fold struct {
	from   int64
	sums   map[string]map[string]int64
	routes map[string]int64
}

func newFold(from int64) *fold {
	return &fold{from: from, sums: map[string]map[string]int64{}, routes: map[string]int64{}}
}

func (f *fold) add(dim, key string, day, n int64) {
	if n == 0 {
		return
	}
	if dim == "concerns" {
		month := time.Unix(day*86400, 0).UTC().Format("2006-01")
		dim = "month"
		if day < f.from {
			dim = "prev_month"
		}
		key = month
	}
	if f.sums[dim] == nil {
		f.sums[dim] = map[string]int64{}
	}
	f.sums[dim][key] += n
}

func (f *fold) tallies(dim string) []lifeguard.Tally {
	out := []lifeguard.Tally{}
	for k, n := range f.sums[dim] {
		if n != 0 {
			out = append(out, lifeguard.Tally{Key: k, N: n})
		}
	}
	slices.SortFunc(out, func(a, b lifeguard.Tally) int { return strings.Compare(a.Key, b.Key) })
	return out
}

func (f *fold) into(r *lifeguard.ReportCounts) error {
	r.Types, r.Vulns, r.Given = f.tallies("type"), f.tallies("vuln"), f.tallies("given")
	r.Added = f.tallies("added")
	r.Ages, r.Settings, r.Prior = f.tallies("age"), f.tallies("setting"), f.tallies("prior")
	r.Months, r.PrevMonths = f.tallies("month"), f.tallies("prev_month")
	r.FirstDecision = f.tallies("first_decision")
	for _, t := range r.Months {
		r.Concerns += t.N
	}
	for _, t := range r.PrevMonths {
		r.Previous += t.N
	}
	r.Routes = []lifeguard.RouteTally{}
	for _, t := range f.tallies("route") {
		route, bits, ok := strings.Cut(t.Key, ":")
		if !ok || len(bits) != 3 {
			return fmt.Errorf("report counts: route key %q", t.Key)
		}
		r.Routes = append(r.Routes, lifeguard.RouteTally{Route: lifeguard.RouteCode(route), Followed: bits[0] == '1',
			Deadline: bits[1] == '1', OnTime: bits[2] == '1', N: t.N})
	}
	return nil
}

// auditCounts counts the organisations in scope, those with an audit
// completed in [from, to) (Unix microseconds), and the strand scores of
// each one's latest such audit.
func auditCounts(ctx context.Context, tx *tx, q lifeguard.ReportQuery, from, to int64) (*lifeguard.AuditCounts, error) {
	scope, args := `o.partnership_id = ?`, []any{q.PartnershipID}
	if q.OrganisationID != 0 {
		scope, args = scope+` AND o.id = ?`, append(args, q.OrganisationID)
	}
	a := &lifeguard.AuditCounts{Organisations: []lifeguard.Tally{}, Audited: []lifeguard.Tally{},
		Scores: []lifeguard.ScoreTally{}}
	rows, err := tx.query(ctx, `SELECT o.setting, COUNT(*), SUM(CASE WHEN EXISTS (SELECT 1 FROM audits a
			WHERE a.organisation_id = o.id AND a.status = 'completed' AND a.completed_at >= ? AND a.completed_at < ?)
			THEN 1 ELSE 0 END)
		FROM organisations o WHERE `+scope+` GROUP BY o.setting ORDER BY o.setting`, append([]any{from, to}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var setting string
		var n, audited int64
		if err := rows.Scan(&setting, &n, &audited); err != nil {
			return nil, err
		}
		a.Organisations = append(a.Organisations, lifeguard.Tally{Key: setting, N: n})
		a.Audited = append(a.Audited, lifeguard.Tally{Key: setting, N: audited})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rows, err = tx.query(ctx, `SELECT s.strand, s.tenths, COUNT(*) FROM audit_scores s
		JOIN audits a ON a.id = s.audit_id JOIN organisations o ON o.id = a.organisation_id
		WHERE `+scope+` AND a.status = 'completed' AND a.completed_at >= ? AND a.completed_at < ?
		AND a.completed_at = (SELECT MAX(b.completed_at) FROM audits b WHERE b.organisation_id = a.organisation_id
			AND b.status = 'completed' AND b.completed_at >= ? AND b.completed_at < ?)
		GROUP BY s.strand, s.tenths ORDER BY s.strand, s.tenths`, append(args, from, to, from, to)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t lifeguard.ScoreTally
		if err := rows.Scan(&t.Strand, &t.Tenths, &t.N); err != nil {
			return nil, err
		}
		a.Scores = append(a.Scores, t)
	}
	return a, rows.Err()
}

// planCounts counts the partnership's plan actions by strand and status,
// those overdue on day (not complete, due before it), and lists the
// barriers escalated and not resolved.
func planCounts(ctx context.Context, tx *tx, partnership int64, day lifeguard.Date) (*lifeguard.PlanCounts, error) {
	p := &lifeguard.PlanCounts{Actions: []lifeguard.PlanTally{}, Overdue: []lifeguard.PlanTally{},
		Barriers: []lifeguard.EscalatedBarrier{}}
	for _, part := range []struct {
		out  *[]lifeguard.PlanTally
		cond string
		args []any
	}{
		{&p.Actions, ``, nil},
		{&p.Overdue, ` AND pa.rag <> 'complete' AND pa.due < ?`, []any{day.String()}},
	} {
		rows, err := tx.query(ctx, `SELECT ob.strand, pa.rag, COUNT(*) FROM plan_actions pa
			JOIN plan_objectives ob ON ob.id = pa.objective_id WHERE ob.partnership_id = ?`+part.cond+`
			GROUP BY ob.strand, pa.rag ORDER BY ob.strand, pa.rag`, append([]any{partnership}, part.args...)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var t lifeguard.PlanTally
			if err := rows.Scan(&t.Strand, &t.RAG, &t.N); err != nil {
				rows.Close()
				return nil, err
			}
			*part.out = append(*part.out, t)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	rows, err := tx.query(ctx, `SELECT ob.strand, ob.title, pa.title, o.name, pb.text, pb.escalated_at
		FROM plan_barriers pb JOIN plan_actions pa ON pa.id = pb.action_id
		JOIN plan_objectives ob ON ob.id = pa.objective_id JOIN organisations o ON o.id = pa.owner_organisation_id
		WHERE ob.partnership_id = ? AND pb.status = 'escalated' ORDER BY pb.escalated_at, pb.id`, partnership)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var b lifeguard.EscalatedBarrier
		var at sql.NullInt64
		if err := rows.Scan(&b.Strand, &b.Objective, &b.Action, &b.Owner, &b.Text, &at); err != nil {
			return nil, err
		}
		if at.Valid {
			b.EscalatedAt = fromMicros(at.Int64)
		}
		p.Barriers = append(p.Barriers, b)
	}
	return p, rows.Err()
}
