package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The partnership's strategy action plan (lifeguard.PlanStore). A
// partnership officer keeps it; the users of an organisation that owns an
// action read that action and add progress notes to it. The plan is about
// the partnership's work, not about children, so it is not journaled.

func errNoObjective() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such objective.")
}
func errNoPlanAction() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such action in the plan.")
}
func errNoBarrier() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such barrier.") }

func errOfficerOnly() error {
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a partnership officer changes the strategy action plan.")
}

func (p *problems) objective(in *lifeguard.NewObjective) {
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	switch {
	case in.Strand == "":
		p.add("strand", "is required: prevention, protection, or prosecution and diversion")
	case !in.Strand.Valid():
		p.add("strand", "%q is not a strand of the strategy", in.Strand)
	}
	p.text("title", in.Title, lifeguard.MaxShortText, true)
	p.text("description", in.Description, lifeguard.MaxObjectiveDoc, false)
}

// objectiveForChange finds the partnership of an objective that a wants to
// change or add to: an officer may; a user who sees one of its actions
// gets EFORBIDDEN; anyone else ENOTFOUND.
func objectiveForChange(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64) (int64, error) {
	var partnership int64
	err := tx.row(ctx, `SELECT partnership_id FROM plan_objectives WHERE id = ?`, id).Scan(&partnership)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !a.IsSystem() && partnership != a.PartnershipID {
		return 0, errNoObjective()
	}
	if err != nil {
		return 0, err
	}
	if isOfficer(a, partnership) {
		return partnership, nil
	}
	var owned int
	if err := tx.row(ctx, `SELECT COUNT(*) FROM plan_actions WHERE objective_id = ? AND owner_organisation_id = ?`,
		id, a.OrganisationID).Scan(&owned); err != nil {
		return 0, err
	}
	if owned == 0 || !a.Can(lifeguard.OpReadPlan) {
		return 0, errNoObjective()
	}
	return 0, errOfficerOnly()
}

// CreateObjective adds an objective to the officer's partnership's plan.
func (db *DB) CreateObjective(ctx context.Context, in lifeguard.NewObjective) (*lifeguard.Objective, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !isOfficer(a, a.PartnershipID) || a.PartnershipID == 0 {
		return nil, errOfficerOnly()
	}
	var p problems
	p.objective(&in)
	if err := p.err("The objective is not valid"); err != nil {
		return nil, err
	}
	now := db.now()
	o := &lifeguard.Objective{PartnershipID: a.PartnershipID, Strand: in.Strand, Title: in.Title,
		Description: in.Description, CreatedAt: now, UpdatedAt: now, Actions: []lifeguard.PlanAction{}}
	err = db.inWrite(ctx, "create objective", func(tx *tx) error {
		o.ID, err = tx.insert(ctx, `INSERT INTO plan_objectives (partnership_id, strand, title, description, created_by,
			created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, o.PartnershipID, string(o.Strand), o.Title,
			o.Description, nullID(a.UserID), micros(now), micros(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// UpdateObjective changes an objective's strand, title and description.
func (db *DB) UpdateObjective(ctx context.Context, id int64, in lifeguard.NewObjective) (*lifeguard.Objective, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Objective
	err = db.inWrite(ctx, "update objective", func(tx *tx) error {
		partnership, err := objectiveForChange(ctx, tx, a, id)
		if err != nil {
			return err
		}
		var p problems
		p.objective(&in)
		if err := p.err("The objective is not valid"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE plan_objectives SET strand = ?, title = ?, description = ?, updated_at = ?
			WHERE id = ?`, string(in.Strand), in.Title, in.Description, micros(db.now()), id); err != nil {
			return err
		}
		objs, err := readPlan(ctx, tx, a, partnership, id)
		if err != nil {
			return err
		}
		out = &objs[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Plan returns the objectives of the actor's partnership with the actions
// the actor may see; EFORBIDDEN for a role that does not read the plan.
func (db *DB) Plan(ctx context.Context) ([]lifeguard.Objective, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpReadPlan) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not read the strategy action plan.")
	}
	var out []lifeguard.Objective
	err = db.inRead(ctx, "plan", func(tx *tx) error {
		out, err = readPlan(ctx, tx, a, a.PartnershipID, 0)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Objective returns one objective with the actions the actor may see.
func (db *DB) Objective(ctx context.Context, id int64) (*lifeguard.Objective, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Objective
	err = db.inRead(ctx, "objective", func(tx *tx) error {
		var partnership int64
		err := tx.row(ctx, `SELECT partnership_id FROM plan_objectives WHERE id = ?`, id).Scan(&partnership)
		if errors.Is(err, sql.ErrNoRows) || err == nil && !a.IsSystem() && partnership != a.PartnershipID {
			return errNoObjective()
		}
		if err != nil {
			return err
		}
		objs, err := readPlan(ctx, tx, a, partnership, id)
		if err != nil {
			return err
		}
		if len(objs) == 0 {
			return errNoObjective()
		}
		out = &objs[0]
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

const planActionColumns = `x.id, x.objective_id, x.title, x.owner_organisation_id, o.name, x.due, x.rag,
	x.created_at, x.updated_at, j.title, j.strand`

const planActionFrom = ` FROM plan_actions x JOIN plan_objectives j ON j.id = x.objective_id
	JOIN organisations o ON o.id = x.owner_organisation_id`

func scanPlanAction(scan func(...any) error) (*lifeguard.PlanAction, error) {
	var x lifeguard.PlanAction
	var due, rag, strand string
	var created, updated int64
	if err := scan(&x.ID, &x.ObjectiveID, &x.Title, &x.OwnerOrgID, &x.OwnerOrgName, &due, &rag, &created, &updated,
		&x.ObjectiveTitle, &strand); err != nil {
		return nil, err
	}
	d, err := lifeguard.ParseDate(due)
	if err != nil {
		return nil, fmt.Errorf("plan action %d: %w", x.ID, err)
	}
	x.Due, x.RAG, x.ObjectiveStrand = d, lifeguard.RAG(rag), lifeguard.PlanStrand(strand)
	x.CreatedAt, x.UpdatedAt = fromMicros(created), fromMicros(updated)
	x.Notes, x.Barriers = []lifeguard.ProgressNote{}, []lifeguard.Barrier{}
	return &x, nil
}

// readPlan reads partnership p's objectives (only objective when not 0)
// with the actions a may see, their notes and barriers. For anyone but an
// officer, objectives without such an action are left out; a role that
// does not read the plan (a monitor's token) sees none, so an objective
// answers to it as one that does not exist.
func readPlan(ctx context.Context, tx *tx, a *lifeguard.Actor, p, objective int64) ([]lifeguard.Objective, error) {
	officer := isOfficer(a, p)
	if !officer && !a.May(lifeguard.OpReadPlan).Covers(lifeguard.ReachOrganisation) {
		return []lifeguard.Objective{}, nil
	}
	where, args := `j.partnership_id = ?`, []any{p}
	if a.IsSystem() && p == 0 {
		where, args = `1 = 1`, nil
	}
	if objective != 0 {
		where, args = where+` AND j.id = ?`, append(args, objective)
	}
	actionWhere, actionArgs := where, args
	if !officer {
		actionWhere, actionArgs = where+` AND x.owner_organisation_id = ?`, append(append([]any{}, args...), a.OrganisationID)
	}

	objs, err := scanAll(ctx, tx, `SELECT j.id, j.partnership_id, j.strand, j.title, j.description, j.created_at,
		j.updated_at FROM plan_objectives j WHERE `+where+` ORDER BY CASE j.strand WHEN 'prevention' THEN 0
		WHEN 'protection' THEN 1 ELSE 2 END, j.id`, args, scanObjective)
	if err != nil {
		return nil, err
	}
	index := map[int64]int{}
	for i, o := range objs {
		index[o.ID] = i
	}
	actions, err := scanAll(ctx, tx, `SELECT `+planActionColumns+planActionFrom+` WHERE `+actionWhere+
		` ORDER BY x.due, x.id`, actionArgs, scanPlanAction)
	if err != nil {
		return nil, err
	}
	if len(actions) > 0 {
		byID := map[int64]*lifeguard.PlanAction{}
		for i := range actions {
			byID[actions[i].ID] = &actions[i]
		}
		if err := fillPlanActions(ctx, tx, byID, actionWhere, actionArgs); err != nil {
			return nil, err
		}
	}
	for _, x := range actions {
		if i, ok := index[x.ObjectiveID]; ok {
			objs[i].Actions = append(objs[i].Actions, x)
		}
	}
	if officer {
		return objs, nil
	}
	kept := []lifeguard.Objective{}
	for _, o := range objs {
		if len(o.Actions) > 0 {
			kept = append(kept, o)
		}
	}
	return kept, nil
}

func scanObjective(scan func(...any) error) (*lifeguard.Objective, error) {
	var o lifeguard.Objective
	var strand string
	var created, updated int64
	if err := scan(&o.ID, &o.PartnershipID, &strand, &o.Title, &o.Description, &created, &updated); err != nil {
		return nil, err
	}
	o.Strand, o.CreatedAt, o.UpdatedAt = lifeguard.PlanStrand(strand), fromMicros(created), fromMicros(updated)
	o.Actions = []lifeguard.PlanAction{}
	return &o, nil
}

// fillPlanActions reads the notes and barriers of the actions in byID,
// which are the actions x of objectives j that match where (with args).
func fillPlanActions(ctx context.Context, tx *tx, byID map[int64]*lifeguard.PlanAction, where string, args []any) error {
	chosen := `(SELECT x.id FROM plan_actions x JOIN plan_objectives j ON j.id = x.objective_id WHERE ` + where + `)`
	notes, err := scanAll(ctx, tx, `SELECT n.id, n.action_id, n.on_date, n.text, n.author_id, COALESCE(u.name, ''),
		COALESCE(uo.name, ''), n.created_at FROM plan_notes n
		LEFT JOIN users u ON u.id = n.author_id LEFT JOIN organisations uo ON uo.id = u.organisation_id
		WHERE n.action_id IN `+chosen+` ORDER BY n.on_date, n.id`, args, scanProgressNote)
	if err != nil {
		return err
	}
	for _, n := range notes {
		if x := byID[n.ActionID]; x != nil {
			x.Notes = append(x.Notes, n)
		}
	}
	barriers, err := scanAll(ctx, tx, `SELECT `+barrierColumns+` FROM plan_barriers b WHERE b.action_id IN `+chosen+
		` ORDER BY b.id`, args, scanBarrier)
	if err != nil {
		return err
	}
	for _, b := range barriers {
		if x := byID[b.ActionID]; x != nil {
			x.Barriers = append(x.Barriers, b)
		}
	}
	return nil
}

func scanProgressNote(scan func(...any) error) (*lifeguard.ProgressNote, error) {
	var n lifeguard.ProgressNote
	var on string
	var author sql.NullInt64
	var created int64
	if err := scan(&n.ID, &n.ActionID, &on, &n.Text, &author, &n.AuthorName, &n.AuthorOrg, &created); err != nil {
		return nil, err
	}
	d, err := lifeguard.ParseDate(on)
	if err != nil {
		return nil, fmt.Errorf("plan note %d: %w", n.ID, err)
	}
	n.On, n.AuthorID, n.CreatedAt = d, author.Int64, fromMicros(created)
	return &n, nil
}

const barrierColumns = `b.id, b.action_id, b.text, b.status, b.raised_by, b.raised_at, b.escalated_at, b.resolved_at,
	b.resolution`

func scanBarrier(scan func(...any) error) (*lifeguard.Barrier, error) {
	var b lifeguard.Barrier
	var status string
	var by sql.NullInt64
	var raised int64
	var escalated, resolved sql.NullInt64
	if err := scan(&b.ID, &b.ActionID, &b.Text, &status, &by, &raised, &escalated, &resolved, &b.Resolution); err != nil {
		return nil, err
	}
	b.Status, b.RaisedBy, b.RaisedAt = lifeguard.BarrierStatus(status), by.Int64, fromMicros(raised)
	b.EscalatedAt, b.ResolvedAt = timePtr(escalated), timePtr(resolved)
	return &b, nil
}

// readPlanAction reads one action whole, checking a may read it (write
// false) or change it (write true).
func readPlanAction(ctx context.Context, tx *tx, a *lifeguard.Actor, write bool, id int64) (*lifeguard.PlanAction, int64, error) {
	var partnership int64
	x, err := scanPlanAction(func(dest ...any) error {
		return tx.row(ctx, `SELECT `+planActionColumns+`, j.partnership_id`+planActionFrom+` WHERE x.id = ?`, id).
			Scan(append(dest, &partnership)...)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, errNoPlanAction()
	}
	if err != nil {
		return nil, 0, err
	}
	if err := checkPlanAction(a, write, partnership, x.OwnerOrgID); err != nil {
		return nil, 0, err
	}
	if err := fillPlanActions(ctx, tx, map[int64]*lifeguard.PlanAction{x.ID: x}, `x.id = ?`, []any{id}); err != nil {
		return nil, 0, err
	}
	return x, partnership, nil
}

// PlanAction returns one action with its notes and barriers.
func (db *DB) PlanAction(ctx context.Context, id int64) (*lifeguard.PlanAction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.PlanAction
	err = db.inRead(ctx, "plan action", func(tx *tx) error {
		out, _, err = readPlanAction(ctx, tx, a, false, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// checkPlanActionInput checks an action's fields; the owner is checked
// against the partnership in the transaction.
// A due date before today is refused unless it is the one the action
// already has (was, or zero for a new action): an action that is overdue can
// still have its status changed.
func checkPlanActionInput(ctx context.Context, tx *tx, p int64, in *lifeguard.NewPlanAction, today, was lifeguard.Date) error {
	in.Title = strings.TrimSpace(in.Title)
	var pr problems
	pr.text("title", in.Title, lifeguard.MaxShortText, true)
	if in.OwnerOrgID == 0 {
		pr.add("owner_organisation_id", "is required: the organisation that owns the action")
	} else {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM organisations WHERE id = ? AND partnership_id = ?`,
			in.OwnerOrgID, p).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			pr.add("owner_organisation_id", "is not an organisation of the partnership")
		}
	}
	switch {
	case in.Due.IsZero():
		pr.add("due", "is required")
	case !realDate(in.Due):
		pr.add("due", "is not a real date")
	case in.Due != was:
		pr.dueNotPast("due", in.Due, today)
	}
	switch {
	case in.RAG == "":
		pr.add("rag", "is required: red, amber, green or complete")
	case !in.RAG.Valid():
		pr.add("rag", "%q is not red, amber, green or complete", in.RAG)
	}
	return pr.err("The action is not valid")
}

// CreatePlanAction adds an action to an objective.
func (db *DB) CreatePlanAction(ctx context.Context, objectiveID int64, in lifeguard.NewPlanAction) (*lifeguard.PlanAction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.PlanAction
	err = db.inWrite(ctx, "create plan action", func(tx *tx) error {
		p, err := objectiveForChange(ctx, tx, a, objectiveID)
		if err != nil {
			return err
		}
		if err := checkPlanActionInput(ctx, tx, p, &in, lifeguard.DateOf(db.now()), lifeguard.Date{}); err != nil {
			return err
		}
		now := micros(db.now())
		id, err := tx.insert(ctx, `INSERT INTO plan_actions (objective_id, owner_organisation_id, title, due, rag,
			created_by, created_at, updated_at, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, objectiveID, in.OwnerOrgID, in.Title,
			in.Due.String(), string(in.RAG), nullID(a.UserID), now, now, completedAt(in.RAG, now, sql.NullInt64{}))
		if err != nil {
			return err
		}
		out, _, err = readPlanAction(ctx, tx, a, false, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// UpdatePlanAction changes an action's title, owner, due date and status.
func (db *DB) UpdatePlanAction(ctx context.Context, id int64, in lifeguard.NewPlanAction) (*lifeguard.PlanAction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.PlanAction
	err = db.inWrite(ctx, "update plan action", func(tx *tx) error {
		x, p, err := readPlanAction(ctx, tx, a, true, id)
		if err != nil {
			return err
		}
		if err := checkPlanActionInput(ctx, tx, p, &in, lifeguard.DateOf(db.now()), x.Due); err != nil {
			return err
		}
		var was sql.NullInt64
		if err := tx.row(ctx, `SELECT completed_at FROM plan_actions WHERE id = ?`, id).Scan(&was); err != nil {
			return err
		}
		now := micros(db.now())
		if _, err := tx.exec(ctx, `UPDATE plan_actions SET owner_organisation_id = ?, title = ?, due = ?, rag = ?,
			updated_at = ?, completed_at = ? WHERE id = ?`, in.OwnerOrgID, in.Title, in.Due.String(), string(in.RAG),
			now, completedAt(in.RAG, now, was), id); err != nil {
			return err
		}
		out, _, err = readPlanAction(ctx, tx, a, false, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// completedAt is when an action of status rag was completed, for its
// retention (docs/retention.md, plan_action): the time it was first
// marked complete, kept through later edits; none while it is not.
func completedAt(rag lifeguard.RAG, now int64, was sql.NullInt64) any {
	switch {
	case rag != lifeguard.RAGComplete:
		return nil
	case was.Valid:
		return was.Int64
	}
	return now
}

// AddProgressNote adds a dated note to an action: an officer, or a user of
// the organisation that owns it.
func (db *DB) AddProgressNote(ctx context.Context, actionID int64, in lifeguard.NewProgressNote) (*lifeguard.ProgressNote, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	in.Text = strings.TrimSpace(in.Text)
	now := db.now()
	today := lifeguard.DateOf(now)
	if in.On.IsZero() {
		in.On = today
	}
	var p problems
	p.text("text", in.Text, lifeguard.MaxPlanNote, true)
	switch {
	case !realDate(in.On):
		p.add("on", "is not a real date")
	case today.Before(in.On):
		p.add("on", "is after today: a note records progress made, not planned")
	}
	var out *lifeguard.ProgressNote
	err = db.inWrite(ctx, "add progress note", func(tx *tx) error {
		x, _, err := readPlanAction(ctx, tx, a, false, actionID)
		if err != nil {
			return err
		}
		if err := p.err("The progress note is not valid"); err != nil {
			return err
		}
		out = &lifeguard.ProgressNote{ActionID: x.ID, On: in.On, Text: in.Text, AuthorID: a.UserID, CreatedAt: now}
		out.ID, err = tx.insert(ctx, `INSERT INTO plan_notes (action_id, on_date, text, author_id, created_at)
			VALUES (?, ?, ?, ?, ?)`, x.ID, in.On.String(), in.Text, nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		if a.UserID != 0 {
			return tx.row(ctx, `SELECT u.name, o.name FROM users u JOIN organisations o ON o.id = u.organisation_id
				WHERE u.id = ?`, a.UserID).Scan(&out.AuthorName, &out.AuthorOrg)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AddBarrier records a barrier to an action.
func (db *DB) AddBarrier(ctx context.Context, actionID int64, text string) (*lifeguard.Barrier, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	text = strings.TrimSpace(text)
	var out *lifeguard.Barrier
	err = db.inWrite(ctx, "add barrier", func(tx *tx) error {
		x, _, err := readPlanAction(ctx, tx, a, true, actionID)
		if err != nil {
			return err
		}
		var p problems
		p.text("text", text, lifeguard.MaxBarrierText, true)
		if err := p.err("The barrier is not valid"); err != nil {
			return err
		}
		now := db.now()
		out = &lifeguard.Barrier{ActionID: x.ID, Text: text, Status: lifeguard.BarrierOpen, RaisedBy: a.UserID,
			RaisedAt: now}
		out.ID, err = tx.insert(ctx, `INSERT INTO plan_barriers (action_id, text, status, raised_by, raised_at)
			VALUES (?, ?, 'open', ?, ?)`, x.ID, text, nullID(a.UserID), micros(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// changeBarrier reads a barrier for a change by an officer, then runs fn.
func (db *DB) changeBarrier(ctx context.Context, op string, id int64, fn func(tx *tx, a *lifeguard.Actor, b *lifeguard.Barrier) error) (*lifeguard.Barrier, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Barrier
	err = db.inWrite(ctx, op, func(tx *tx) error {
		read := func() error {
			b, err := scanBarrier(tx.row(ctx, `SELECT `+barrierColumns+` FROM plan_barriers b WHERE b.id = ?`, id).Scan)
			if errors.Is(err, sql.ErrNoRows) {
				return errNoBarrier()
			}
			out = b
			return err
		}
		if err := read(); err != nil {
			return err
		}
		if _, _, err := readPlanAction(ctx, tx, a, true, out.ActionID); err != nil {
			if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
				return errNoBarrier()
			}
			return err
		}
		if err := fn(tx, a, out); err != nil {
			return err
		}
		return read()
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EscalateBarrier escalates an open barrier to the board.
func (db *DB) EscalateBarrier(ctx context.Context, id int64) (*lifeguard.Barrier, error) {
	return db.changeBarrier(ctx, "escalate barrier", id, func(tx *tx, a *lifeguard.Actor, b *lifeguard.Barrier) error {
		switch b.Status {
		case lifeguard.BarrierEscalated:
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The barrier is already escalated to the board.")
		case lifeguard.BarrierResolved:
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The barrier is resolved; record a new one if it has come back.")
		}
		_, err := tx.exec(ctx, `UPDATE plan_barriers SET status = 'escalated', escalated_by = ?, escalated_at = ?
			WHERE id = ?`, nullID(a.UserID), micros(db.now()), id)
		return err
	})
}

// ResolveBarrier records how a barrier was resolved.
func (db *DB) ResolveBarrier(ctx context.Context, id int64, resolution string) (*lifeguard.Barrier, error) {
	resolution = strings.TrimSpace(resolution)
	return db.changeBarrier(ctx, "resolve barrier", id, func(tx *tx, a *lifeguard.Actor, b *lifeguard.Barrier) error {
		if b.Status == lifeguard.BarrierResolved {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The barrier is already resolved.")
		}
		var p problems
		p.text("resolution", resolution, lifeguard.MaxBarrierText, true)
		if err := p.err("The resolution is not valid"); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `UPDATE plan_barriers SET status = 'resolved', resolved_by = ?, resolved_at = ?,
			resolution = ? WHERE id = ?`, nullID(a.UserID), micros(db.now()), resolution, id)
		return err
	})
}
