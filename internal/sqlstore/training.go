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

// Staff training (lifeguard.TrainingStore). Records are kept as entered;
// whether someone is in date is worked out when asked, from the rules of
// their role (lifeguard.TrainingRules), so a change of rule needs no
// migration.

const jTraining = "training"

// trainedRoles are the roles whose users are staff for training: those of
// TrainingRules, in SQL.
const trainedRoles = `('staff', 'dsl', 'manager')`

// errNoStaff is the answer for a member of staff the actor may not know.
func errNoStaff() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such member of staff in your organisation.")
}

// trainee is a member of staff whose training is recorded or read.
type trainee struct {
	id, org int64
	role    lifeguard.Role
	name    string
}

// traineeFor reads user id (0: the actor) and checks that the actor's
// rule for op reaches them.
func traineeFor(ctx context.Context, tx *tx, a *lifeguard.Actor, op lifeguard.Op, id int64) (*trainee, error) {
	if id == 0 {
		id = a.UserID
	}
	var t trainee
	var org sql.NullInt64
	var disabled bool
	var role string
	err := tx.row(ctx, `SELECT id, organisation_id, role, name, disabled FROM users WHERE id = ?`, id).
		Scan(&t.id, &org, &role, &t.name, &disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoStaff()
	}
	if err != nil {
		return nil, err
	}
	t.org, t.role = org.Int64, lifeguard.Role(role)
	near := a.Near(t.id, t.org, 0)
	switch {
	case a.May(op).Covers(near):
	case a.May(lifeguard.OpReadTraining).Covers(near):
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only your organisation's manager or safeguarding lead records others' training.")
	case near == lifeguard.ReachOrganisation && !a.IsSystem() && a.Can(op):
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only your organisation's manager or safeguarding lead sees others' training.")
	default:
		return nil, errNoStaff()
	}
	if !strings.Contains(trainedRoles, "'"+role+"'") {
		return nil, lifeguard.Invalid("The training is not valid", []lifeguard.Problem{{Path: "user_id",
			Problem: "is not a member of staff whose training is recorded"}})
	}
	return &t, nil
}

// checkTraining checks a course's fields, with paths under prefix.
func checkTraining(p *problems, prefix string, in *lifeguard.NewTraining, today lifeguard.Date) {
	in.Course, in.Provider = strings.TrimSpace(in.Course), strings.TrimSpace(in.Provider)
	if !in.Type.Valid() {
		p.check(prefix+"type", string(in.Type))
		codes := []lifeguard.TrainingType{}
		for _, r := range lifeguard.TrainingRules() {
			codes = append(codes, r.Type)
		}
		p.add(prefix+"type", "must be one of %s", codeList(codes))
	}
	p.text(prefix+"course", in.Course, lifeguard.MaxTrainingCourse, true)
	p.text(prefix+"provider", in.Provider, lifeguard.MaxTrainingProvider, true)
	switch {
	case !realDate(in.CompletedOn):
		p.add(prefix+"completed_on", "is required: the date completed, as YYYY-MM-DD")
	case today.Before(in.CompletedOn):
		p.add(prefix+"completed_on", "is after today")
	case in.CompletedOn.Year < 1990:
		p.add(prefix+"completed_on", "is before 1990")
	}
}

// insertTraining writes a course for t unless it is recorded already
// (same type, date and course): then it returns the record there.
func insertTraining(ctx context.Context, tx *tx, a *lifeguard.Actor, t *trainee, in lifeguard.NewTraining,
	now time.Time) (*lifeguard.Training, bool, error) {
	rule, _ := lifeguard.TrainingRuleOf(in.Type)
	var id int64
	err := tx.row(ctx, `SELECT id FROM trainings WHERE user_id = ? AND type = ? AND completed_on = ? AND course = ?`,
		t.id, string(in.Type), in.CompletedOn.String(), in.Course).Scan(&id)
	if err == nil {
		x, err := readTraining(ctx, tx, id)
		return x, false, err
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return nil, false, err
	}
	at := micros(now)
	id, err = tx.insert(ctx, `INSERT INTO trainings (organisation_id, user_id, type, course, provider, completed_on,
		expires_on, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.org, t.id, string(in.Type), in.Course,
		in.Provider, in.CompletedOn.String(), rule.Expiry(in.CompletedOn).String(), nullID(a.UserID), at)
	if err != nil {
		return nil, false, err
	}
	x, err := readTraining(ctx, tx, id)
	return x, true, err
}

const trainingColumns = `t.id, t.organisation_id, t.user_id, u.name, t.type, t.course, t.provider, t.completed_on,
	t.expires_on, COALESCE(t.recorded_by, 0), t.recorded_at`

func scanTraining(scan func(...any) error) (*lifeguard.Training, error) {
	var x lifeguard.Training
	var typ, done, exp string
	var at int64
	if err := scan(&x.ID, &x.OrganisationID, &x.UserID, &x.UserName, &typ, &x.Course, &x.Provider, &done, &exp,
		&x.RecordedBy, &at); err != nil {
		return nil, err
	}
	x.Type, x.RecordedAt = lifeguard.TrainingType(typ), fromMicros(at)
	var err error
	if x.CompletedOn, err = lifeguard.ParseDate(done); err != nil {
		return nil, err
	}
	if x.ExpiresOn, err = lifeguard.ParseDate(exp); err != nil {
		return nil, err
	}
	return &x, nil
}

func readTraining(ctx context.Context, tx *tx, id int64) (*lifeguard.Training, error) {
	rows, err := tx.query(ctx, `SELECT `+trainingColumns+` FROM trainings t JOIN users u ON u.id = t.user_id WHERE t.id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, err
		}
		return nil, errNoStaff()
	}
	return scanTraining(rows.Scan)
}

// RecordTraining records a course for a member of staff.
func (db *DB) RecordTraining(ctx context.Context, in lifeguard.NewTraining) (*lifeguard.Training, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpRecordTraining) || a.IsSystem() {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only staff of an organisation record training.")
	}
	var out *lifeguard.Training
	err = db.inWrite(ctx, "record training", func(tx *tx) error {
		t, err := traineeFor(ctx, tx, a, lifeguard.OpRecordTraining, in.UserID)
		if err != nil {
			return err
		}
		var p problems
		checkTraining(&p, "", &in, lifeguard.DateOf(db.now()))
		if err := p.err("The training is not valid"); err != nil {
			return err
		}
		x, added, err := insertTraining(ctx, tx, a, t, in, db.now())
		if err != nil {
			return err
		}
		out = x
		if !added {
			return nil
		}
		return journal(ctx, tx, a, db.now(), jCreate, jTraining, x.ID, fmt.Sprintf("type=%s user=%d", x.Type, x.UserID))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Trainings lists training records, newest first.
func (db *DB) Trainings(ctx context.Context, userID int64) ([]lifeguard.Training, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpReadTraining) || a.IsSystem() || a.OrganisationID == 0 {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only staff of an organisation read its training records.")
	}
	out := []lifeguard.Training{}
	err = db.inRead(ctx, "trainings", func(tx *tx) error {
		q := `SELECT ` + trainingColumns + ` FROM trainings t JOIN users u ON u.id = t.user_id WHERE `
		var args []any
		switch {
		case userID != 0:
			t, err := traineeFor(ctx, tx, a, lifeguard.OpReadTraining, userID)
			if err != nil {
				return err
			}
			q += `t.user_id = ?`
			args = []any{t.id}
		case a.May(lifeguard.OpReadTraining).Covers(lifeguard.ReachOrganisation):
			q += `t.organisation_id = ?`
			args = []any{a.OrganisationID}
		default:
			q += `t.user_id = ?`
			args = []any{a.UserID}
		}
		q += ` ORDER BY t.completed_on DESC, t.id DESC`
		return each(ctx, tx, q, args, func(scan func(...any) error) error {
			x, err := scanTraining(scan)
			if err != nil {
				return err
			}
			out = append(out, *x)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// staffRows reads the staff of the organisations a query selects, with
// their latest training of each type, and works out where each stands on
// day on. where is a condition on users u joined to organisations o.
func staffRows(ctx context.Context, tx *tx, where string, args []any, on lifeguard.Date) (map[int64][]lifeguard.TrainingRow, error) {
	type person struct {
		org int64
		row lifeguard.TrainingRow
	}
	var people []*person
	byID := map[int64]*person{}
	if err := each(ctx, tx, `SELECT u.id, u.organisation_id, u.name, u.role FROM users u
		JOIN organisations o ON o.id = u.organisation_id
		WHERE u.disabled = ? AND u.role IN `+trainedRoles+` AND `+where+` ORDER BY u.name, u.id`,
		append([]any{false}, args...), func(scan func(...any) error) error {
			p := &person{}
			var role string
			if err := scan(&p.row.UserID, &p.org, &p.row.Name, &role); err != nil {
				return err
			}
			p.row.Role = lifeguard.Role(role)
			people = append(people, p)
			byID[p.row.UserID] = p
			return nil
		}); err != nil {
		return nil, err
	}
	latest := map[int64]map[lifeguard.TrainingType]lifeguard.Date{}
	if err := each(ctx, tx, `SELECT t.user_id, t.type, MAX(t.completed_on) FROM trainings t
		JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.organisation_id
		WHERE u.disabled = ? AND u.role IN `+trainedRoles+` AND `+where+` GROUP BY t.user_id, t.type`,
		append([]any{false}, args...), func(scan func(...any) error) error {
			var user int64
			var typ, done string
			if err := scan(&user, &typ, &done); err != nil {
				return err
			}
			d, err := lifeguard.ParseDate(done)
			if err != nil {
				return err
			}
			if latest[user] == nil {
				latest[user] = map[lifeguard.TrainingType]lifeguard.Date{}
			}
			latest[user][lifeguard.TrainingType(typ)] = d
			return nil
		}); err != nil {
		return nil, err
	}
	out := map[int64][]lifeguard.TrainingRow{}
	for _, p := range people {
		p.row.Cells, p.row.InDate = trainingCells(p.row.Role, latest[p.row.UserID], on)
		out[p.org] = append(out[p.org], p.row)
	}
	return out, nil
}

// trainingCells works out a member of staff's standing on every rule from
// the latest date of each type they completed.
func trainingCells(role lifeguard.Role, done map[lifeguard.TrainingType]lifeguard.Date, on lifeguard.Date) ([]lifeguard.TrainingCell, bool) {
	soon := lifeguard.DateOf(on.In(time.UTC).AddDate(0, 0, lifeguard.TrainingDueWarning))
	inDate := true
	var cells []lifeguard.TrainingCell
	for _, r := range lifeguard.TrainingRules() {
		c := lifeguard.TrainingCell{Type: r.Type, Status: lifeguard.TrainingNotDue}
		if !r.Applies(role) {
			cells = append(cells, c)
			continue
		}
		var last *lifeguard.Date
		for _, t := range append([]lifeguard.TrainingType{r.Type}, r.MetBy...) {
			if d, ok := done[t]; ok && (last == nil || last.Before(d)) {
				d := d
				last = &d
			}
		}
		switch {
		case last == nil:
			c.Status = lifeguard.TrainingNone
		default:
			exp := r.Expiry(*last)
			c.ExpiresOn = &exp
			switch {
			case !on.Before(exp):
				c.Status = lifeguard.TrainingOverdue
			case !soon.Before(exp):
				c.Status = lifeguard.TrainingDueSoon
			default:
				c.Status = lifeguard.TrainingInDate
			}
		}
		if c.Status == lifeguard.TrainingNone || c.Status == lifeguard.TrainingOverdue {
			inDate = false
		}
		cells = append(cells, c)
	}
	return cells, inDate
}

// TrainingMatrix is the actor's organisation's staff by type of training.
func (db *DB) TrainingMatrix(ctx context.Context, on lifeguard.Date) (*lifeguard.TrainingMatrix, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpReadTraining) || a.IsSystem() || a.OrganisationID == 0 {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only staff of an organisation read its training records.")
	}
	if !realDate(on) {
		return nil, lifeguard.Invalid("The matrix is not valid", []lifeguard.Problem{{Path: "on", Problem: "is not a date"}})
	}
	out := &lifeguard.TrainingMatrix{On: on, Rows: []lifeguard.TrainingRow{}}
	for _, r := range lifeguard.TrainingRules() {
		out.Types = append(out.Types, r.Type)
	}
	err = db.inRead(ctx, "training matrix", func(tx *tx) error {
		where, args := `u.organisation_id = ?`, []any{a.OrganisationID}
		if !a.May(lifeguard.OpReadTraining).Covers(lifeguard.ReachOrganisation) {
			where, args = `u.id = ? AND u.organisation_id = ?`, []any{a.UserID, a.OrganisationID}
		}
		rows, err := staffRows(ctx, tx, where, args, on)
		if err != nil {
			return err
		}
		for _, r := range rows[a.OrganisationID] {
			out.Rows = append(out.Rows, r)
			out.Staff++
			if r.InDate {
				out.InDate++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// TrainingCoverage counts staff in date: of one organisation, or of a
// partnership by setting.
func (db *DB) TrainingCoverage(ctx context.Context, partnershipID, organisationID int64, on lifeguard.Date) ([]lifeguard.TrainingCoverage, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !realDate(on) {
		return nil, lifeguard.Invalid("The coverage is not valid", []lifeguard.Problem{{Path: "on", Problem: "is not a date"}})
	}
	out := []lifeguard.TrainingCoverage{}
	err = db.inRead(ctx, "training coverage", func(tx *tx) error {
		var where string
		var args []any
		settings := map[int64]lifeguard.Setting{}
		if organisationID != 0 {
			o, err := auditOrg(ctx, tx, organisationID)
			if err != nil {
				return err
			}
			if err := checkAudits(a, readAudits, o.ID, o.PartnershipID, errNoOrganisation); err != nil {
				return err
			}
			where, args = `o.id = ?`, []any{o.ID}
			settings[o.ID] = o.Setting
		} else {
			if partnershipID == 0 || !a.May(lifeguard.OpReadReport).Covers(a.Near(0, 0, partnershipID)) {
				return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the partnership reads its training coverage.")
			}
			where, args = `o.partnership_id = ?`, []any{partnershipID}
			if err := each(ctx, tx, `SELECT id, setting FROM organisations WHERE partnership_id = ? ORDER BY setting, id`,
				[]any{partnershipID}, func(scan func(...any) error) error {
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
		}
		rows, err := staffRows(ctx, tx, where, args, on)
		if err != nil {
			return err
		}
		by := map[lifeguard.Setting]*lifeguard.TrainingCoverage{}
		var order []lifeguard.Setting
		for org, s := range settings {
			c := by[s]
			if c == nil {
				c = &lifeguard.TrainingCoverage{Setting: s}
				by[s] = c
				order = append(order, s)
			}
			c.Organisations++
			for _, r := range rows[org] {
				c.Staff++
				if r.InDate {
					c.InDate++
				}
			}
		}
		slices.Sort(order)
		for _, s := range order {
			out = append(out, *by[s])
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
