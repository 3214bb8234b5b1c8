package sqlstore

import (
	"context"
	"maps"
	"slices"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// preventionCounts counts the prevention registers of q's scope (the
// partnership's organisations, or one organisation) as of q.To: policies
// and staff agreements as they stand, parents and surveys over the 365
// days to q.To, and teaching in the school year of q.To. Only counts leave
// the store.
func preventionCounts(ctx context.Context, tx *tx, q lifeguard.ReportQuery) (*lifeguard.PreventionCounts, error) {
	scope, args := `o.partnership_id = ?`, []any{q.PartnershipID}
	if q.OrganisationID != 0 {
		scope, args = `o.id = ?`, []any{q.OrganisationID}
	}
	end := q.To.String()
	yearAgo := lifeguard.DateOf(q.To.In(time.UTC).AddDate(-1, 0, 0)).String()
	out := &lifeguard.PreventionCounts{SchoolYear: lifeguard.SchoolYearOf(q.To),
		Measures: []lifeguard.PreventionTally{}, Teaching: []lifeguard.TeachingTally{}}
	add := func(measure string, withOf bool) func(scan func(...any) error) error {
		return func(scan func(...any) error) error {
			t := lifeguard.PreventionTally{Measure: measure}
			var setting string
			dest := []any{&setting, &t.N}
			if withOf {
				dest = append(dest, &t.Of)
			}
			if err := scan(dest...); err != nil {
				return err
			}
			t.Setting = lifeguard.Setting(setting)
			out.Measures = append(out.Measures, t)
			return nil
		}
	}
	if err := each(ctx, tx, `SELECT o.setting, SUM(CASE WHEN EXISTS (SELECT 1 FROM policies p `+currentVersion+`
			WHERE p.organisation_id = o.id AND p.kind = 'online_safety' AND v.approved_on > ?
			AND (p.review_due IS NULL OR p.review_due >= ?)) THEN 1 ELSE 0 END), COUNT(*)
		FROM organisations o WHERE `+scope+` GROUP BY o.setting ORDER BY o.setting`,
		append([]any{yearAgo, end}, args...), add(lifeguard.MeasurePolicyInDate, true)); err != nil {
		return nil, err
	}
	if err := each(ctx, tx, `SELECT o.setting, COUNT(g.id), COUNT(u.id) FROM users u
		JOIN organisations o ON o.id = u.organisation_id
		LEFT JOIN agreements g ON g.user_id = u.id AND g.version_id IN (SELECT v.id FROM policies p `+currentVersion+`
			WHERE p.organisation_id = o.id AND p.kind = 'aup_staff')
		WHERE `+scope+` AND u.disabled = ? AND u.role IN ('staff', 'dsl', 'manager')
		GROUP BY o.setting ORDER BY o.setting`, append(args, false), add(lifeguard.MeasureStaffAgreement, true)); err != nil {
		return nil, err
	}
	if err := trainingTally(ctx, tx, scope, args, q.To, out); err != nil {
		return nil, err
	}
	window := append(args, yearAgo, end)
	if err := each(ctx, tx, `SELECT o.setting, COUNT(*), COUNT(DISTINCT c.organisation_id) FROM parent_contacts c
		JOIN organisations o ON o.id = c.organisation_id WHERE `+scope+` AND c.held_on > ? AND c.held_on <= ?
		GROUP BY o.setting ORDER BY o.setting`, window, add(lifeguard.MeasureParentContacts, true)); err != nil {
		return nil, err
	}
	if err := each(ctx, tx, `SELECT o.setting, COALESCE(SUM(c.reached), 0) FROM parent_contacts c
		JOIN organisations o ON o.id = c.organisation_id WHERE `+scope+` AND c.held_on > ? AND c.held_on <= ?
		GROUP BY o.setting ORDER BY o.setting`, window, add(lifeguard.MeasureParentsReached, false)); err != nil {
		return nil, err
	}
	if err := each(ctx, tx, `SELECT o.setting, COUNT(*), COUNT(DISTINCT s.organisation_id) FROM child_surveys s
		JOIN organisations o ON o.id = s.organisation_id WHERE `+scope+` AND s.held_on > ? AND s.held_on <= ?
		GROUP BY o.setting ORDER BY o.setting`, window, add(lifeguard.MeasureChildSurveys, true)); err != nil {
		return nil, err
	}
	if err := each(ctx, tx, `SELECT o.setting, COALESCE(SUM(s.respondents), 0) FROM child_surveys s
		JOIN organisations o ON o.id = s.organisation_id WHERE `+scope+` AND s.held_on > ? AND s.held_on <= ?
		GROUP BY o.setting ORDER BY o.setting`, window, add(lifeguard.MeasureSurveyAnswers, false)); err != nil {
		return nil, err
	}
	return out, teachingTallies(ctx, tx, scope, args, out)
}

// trainingTally counts, per type of organisation, the staff of the scope
// whose training is in date on the report's last day, by the same rules
// as the training matrix (staffRows), of the staff who need it.
func trainingTally(ctx context.Context, tx *tx, scope string, args []any, to lifeguard.Date, out *lifeguard.PreventionCounts) error {
	settings := map[int64]lifeguard.Setting{}
	if err := each(ctx, tx, `SELECT o.id, o.setting FROM organisations o WHERE `+scope, args,
		func(scan func(...any) error) error {
			var id int64
			var s string
			if err := scan(&id, &s); err != nil {
				return err
			}
			settings[id] = lifeguard.Setting(s)
			return nil
		}); err != nil {
		return err
	}
	rows, err := staffRows(ctx, tx, scope, args, to)
	if err != nil {
		return err
	}
	by := map[lifeguard.Setting]*lifeguard.PreventionTally{}
	for org, people := range rows {
		s := settings[org]
		t := by[s]
		if t == nil {
			t = &lifeguard.PreventionTally{Measure: lifeguard.MeasureTrainingInDate, Setting: s}
			by[s] = t
		}
		for _, r := range people {
			t.Of++
			if r.InDate {
				t.N++
			}
		}
	}
	for _, s := range slices.Sorted(maps.Keys(by)) {
		out.Measures = append(out.Measures, *by[s])
	}
	return nil
}

// teachingTallies counts, per key stage and strand, the year groups on
// the coverage maps of the scope's organisations (those with children on
// roll, and any with an entry in the school year) and those taught the
// strand in it.
func teachingTallies(ctx context.Context, tx *tx, scope string, args []any, out *lifeguard.PreventionCounts) error {
	type group struct {
		org   int64
		group string
	}
	onMap := map[group]bool{}
	taught := map[group]map[lifeguard.TeachingStrand]bool{}
	from, to := schoolYearSpan(out.SchoolYear)
	err := each(ctx, tx, `SELECT DISTINCT e.organisation_id, e.year_group, e.strand FROM teaching_entries e
		JOIN organisations o ON o.id = e.organisation_id WHERE `+scope+` AND e.taught_on >= ? AND e.taught_on <= ?`,
		append(args, from, to), func(scan func(...any) error) error {
			var g group
			var strand string
			if err := scan(&g.org, &g.group, &strand); err != nil {
				return err
			}
			onMap[g] = true
			if taught[g] == nil {
				taught[g] = map[lifeguard.TeachingStrand]bool{}
			}
			taught[g][lifeguard.TeachingStrand(strand)] = true
			return nil
		})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT DISTINCT c.organisation_id, c.year_group FROM children c
		JOIN organisations o ON o.id = c.organisation_id WHERE `+scope+` AND c.year_group IS NOT NULL
		AND c.left_on IS NULL AND c.merged_into IS NULL`, args, func(scan func(...any) error) error {
		var g group
		if err := scan(&g.org, &g.group); err != nil {
			return err
		}
		onMap[g] = true
		return nil
	})
	if err != nil {
		return err
	}
	type cell struct {
		stage  string
		strand lifeguard.TeachingStrand
	}
	n, of := map[cell]int64{}, map[string]int64{}
	for g := range onMap {
		stage := lifeguard.KeyStage(g.group)
		of[stage]++
		for s := range taught[g] {
			n[cell{stage, s}]++
		}
	}
	for _, stage := range lifeguard.KeyStages() {
		if of[stage] == 0 {
			continue
		}
		for _, s := range lifeguard.TeachingStrands() {
			out.Teaching = append(out.Teaching, lifeguard.TeachingTally{Stage: stage, Strand: s, N: n[cell{stage, s}], Of: of[stage]})
		}
	}
	return nil
}
