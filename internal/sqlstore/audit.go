package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Self-audits and improvement actions (lifeguard.AuditStore). Access, as
// the contract says: a manager or DSL of the organisation does everything
// to its audits; a partnership officer of its partnership reads levels,
// scores, dates and statuses with every free-text field emptied (evidence,
// comments, owners: any of them could name a child); staff and
// administrators of the organisation get EFORBIDDEN; everyone else
// ENOTFOUND. Audits hold no child's record, so they are not journaled.

func errNoAudit() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such audit.") }

// auditOrg reads the organisation an audit is of.
func auditOrg(ctx context.Context, tx *tx, id int64) (*lifeguard.Organisation, error) {
	o, err := scanOrganisation(tx.row(ctx, `SELECT `+orgColumns+` FROM organisations WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoOrganisation()
	}
	return o, err
}

// StartAudit begins an audit of the actor's organisation on fw.
func (db *DB) StartAudit(ctx context.Context, fw *lifeguard.Framework) (*lifeguard.Audit, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if fw == nil || fw.Version == "" {
		return nil, fmt.Errorf("sqlstore: start audit: no framework")
	}
	if a.OrganisationID == 0 {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "An audit is started by a user of the organisation.")
	}
	var out *lifeguard.Audit
	err = db.inWrite(ctx, "start audit", func(tx *tx) error {
		o, err := auditOrg(ctx, tx, a.OrganisationID)
		if err != nil {
			return err
		}
		if err := checkAudits(a, writeAudits, o.ID, o.PartnershipID, errNoOrganisation); err != nil {
			return err
		}
		var open int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM audits WHERE organisation_id = ? AND status = 'in_progress'`,
			o.ID).Scan(&open); err != nil {
			return err
		}
		if open > 0 {
			return errAuditOpen()
		}
		now := db.now()
		out = &lifeguard.Audit{OrganisationID: o.ID, OrganisationName: o.Name, FrameworkName: fw.Name,
			FrameworkVersion: fw.Version, Status: lifeguard.AuditInProgress, StartedBy: a.UserID, StartedAt: now,
			Answers: []lifeguard.AuditAnswer{}, Scores: []lifeguard.StrandScore{}}
		out.ID, err = tx.insert(ctx, `INSERT INTO audits (organisation_id, framework_name, framework_version, status,
			started_by, started_at) VALUES (?, ?, ?, 'in_progress', ?, ?)`,
			o.ID, fw.Name, fw.Version, nullID(a.UserID), micros(now))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func errAuditOpen() *lifeguard.Error {
	return lifeguard.Errorf(lifeguard.ECONFLICT,
		"Your organisation already has an audit in progress: carry on with that one.")
}

const auditColumns = `a.id, a.organisation_id, o.name, a.framework_name, a.framework_version, a.status,
	a.started_by, a.started_at, a.completed_by, a.completed_at`

const auditFrom = ` FROM audits a JOIN organisations o ON o.id = a.organisation_id`

func scanAudit(scan func(...any) error) (*lifeguard.Audit, error) {
	var au lifeguard.Audit
	var status string
	var startedBy, completedBy, completedAt sql.NullInt64
	var started int64
	if err := scan(&au.ID, &au.OrganisationID, &au.OrganisationName, &au.FrameworkName, &au.FrameworkVersion,
		&status, &startedBy, &started, &completedBy, &completedAt); err != nil {
		return nil, err
	}
	au.Status, au.StartedBy, au.StartedAt = lifeguard.AuditStatus(status), startedBy.Int64, fromMicros(started)
	au.CompletedBy, au.CompletedAt = completedBy.Int64, timePtr(completedAt)
	au.Answers, au.Scores = []lifeguard.AuditAnswer{}, []lifeguard.StrandScore{}
	return &au, nil
}

// fillAudits reads the answers and scores of the audits given, which are
// all of one organisation (where lists which: "a.id = ?" or
// "a.organisation_id = ?").
func fillAudits(ctx context.Context, tx *tx, audits []*lifeguard.Audit, where string, arg int64, hide bool) error {
	byID := make(map[int64]*lifeguard.Audit, len(audits))
	for _, au := range audits {
		byID[au.ID] = au
	}
	err := each(ctx, tx, `SELECT x.audit_id, x.aspect_id, x.strand, x.level, x.evidence, x.comment, x.updated_by,
		x.updated_at FROM audit_answers x JOIN audits a ON a.id = x.audit_id WHERE `+where+`
		ORDER BY x.audit_id, x.aspect_id`, []any{arg}, func(scan func(...any) error) error {
		var id, at int64
		var by sql.NullInt64
		var x lifeguard.AuditAnswer
		if err := scan(&id, &x.AspectID, &x.Strand, &x.Level, &x.Evidence, &x.Comment, &by, &at); err != nil {
			return err
		}
		x.UpdatedBy, x.UpdatedAt = by.Int64, fromMicros(at)
		if hide {
			x.Evidence, x.Comment = "", ""
		}
		if au := byID[id]; au != nil {
			au.Answers = append(au.Answers, x)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT s.audit_id, s.strand, s.tenths, s.aspects FROM audit_scores s
		JOIN audits a ON a.id = s.audit_id WHERE `+where+` ORDER BY s.audit_id, s.strand`, []any{arg},
		func(scan func(...any) error) error {
			var id int64
			var s lifeguard.StrandScore
			if err := scan(&id, &s.Strand, &s.Tenths, &s.Aspects); err != nil {
				return err
			}
			if au := byID[id]; au != nil {
				au.Scores = append(au.Scores, s)
			}
			return nil
		})
}

// readAudit reads one audit whole, checking the actor may do want to it.
func readAudit(ctx context.Context, tx *tx, a *lifeguard.Actor, want auditAccess, id int64) (*lifeguard.Audit, *lifeguard.Organisation, error) {
	au, err := scanAudit(tx.row(ctx, `SELECT `+auditColumns+auditFrom+` WHERE a.id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNoAudit()
	}
	if err != nil {
		return nil, nil, err
	}
	o, err := auditOrg(ctx, tx, au.OrganisationID)
	if err != nil {
		return nil, nil, err
	}
	if err := checkAudits(a, want, o.ID, o.PartnershipID, errNoAudit); err != nil {
		return nil, nil, err
	}
	if err := fillAudits(ctx, tx, []*lifeguard.Audit{au}, "a.id = ?", id, redacted(a)); err != nil {
		return nil, nil, err
	}
	return au, o, nil
}

// Audit returns one audit with its answers and scores.
func (db *DB) Audit(ctx context.Context, id int64) (*lifeguard.Audit, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Audit
	err = db.inRead(ctx, "audit", func(tx *tx) error {
		out, _, err = readAudit(ctx, tx, a, readAudits, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Audits returns an organisation's audits, oldest first.
func (db *DB) Audits(ctx context.Context, organisationID int64) ([]lifeguard.Audit, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var list []*lifeguard.Audit
	err = db.inRead(ctx, "audits", func(tx *tx) error {
		o, err := auditOrg(ctx, tx, organisationID)
		if err != nil {
			return err
		}
		if err := checkAudits(a, readAudits, o.ID, o.PartnershipID, errNoOrganisation); err != nil {
			return err
		}
		if err := each(ctx, tx, `SELECT `+auditColumns+auditFrom+` WHERE a.organisation_id = ?
			ORDER BY a.started_at, a.id`, []any{o.ID}, func(scan func(...any) error) error {
			au, err := scanAudit(scan)
			if err == nil {
				list = append(list, au)
			}
			return err
		}); err != nil {
			return err
		}
		return fillAudits(ctx, tx, list, "a.organisation_id = ?", o.ID, redacted(a))
	})
	if err != nil {
		return nil, err
	}
	out := make([]lifeguard.Audit, len(list))
	for i, au := range list {
		out[i] = *au
	}
	return out, nil
}

// checkAnswers checks answers against the framework and the organisation.
func checkAnswers(fw *lifeguard.Framework, o *lifeguard.Organisation, answers []lifeguard.AnswerInput) error {
	var p problems
	seen := map[string]bool{}
	for i, x := range answers {
		path := fmt.Sprintf("answers[%d]", i)
		asp, ok := fw.Aspect(x.AspectID)
		switch {
		case x.AspectID == "":
			p.add(path+".aspect_id", "is required")
		case !ok:
			p.add(path+".aspect_id", "%q is not an aspect of the framework %s", x.AspectID, fw.Version)
		case asp.Retired:
			p.add(path+".aspect_id", "aspect %s is retired from the framework and is no longer rated", x.AspectID)
		case !asp.AppliesToOrg(o):
			p.add(path+".aspect_id", "aspect %s does not apply to your organisation", x.AspectID)
		case seen[x.AspectID]:
			p.add(path+".aspect_id", "aspect %s is given twice", x.AspectID)
		}
		seen[x.AspectID] = true
		if !x.Level.Valid() {
			p.add(path+".level", "must be a level from 1 to 4")
		}
		p.text(path+".evidence", x.Evidence, lifeguard.MaxEvidence, false)
		if x.Level.NeedsEvidence() && strings.TrimSpace(x.Evidence) == "" {
			p.add(path+".evidence", "is required at level %d: name a document, a record in Lifeguard or a date that shows it",
				x.Level)
		}
		p.text(path+".comment", x.Comment, lifeguard.MaxComment, false)
	}
	return p.err("The audit answers are not valid")
}

// SaveAuditAnswers saves or replaces the answers given.
func (db *DB) SaveAuditAnswers(ctx context.Context, auditID int64, fw *lifeguard.Framework,
	answers []lifeguard.AnswerInput) (*lifeguard.Audit, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if fw == nil {
		return nil, fmt.Errorf("sqlstore: save audit answers: no framework")
	}
	var out *lifeguard.Audit
	err = db.inWrite(ctx, "save audit answers", func(tx *tx) error {
		au, o, err := readAudit(ctx, tx, a, writeAudits, auditID)
		if err != nil {
			return err
		}
		if au.Status != lifeguard.AuditInProgress {
			return errAuditDone()
		}
		if err := checkAnswers(fw, o, answers); err != nil {
			return err
		}
		now := db.now()
		for _, x := range answers {
			asp, _ := fw.Aspect(x.AspectID)
			res, err := tx.exec(ctx, `UPDATE audit_answers SET strand = ?, level = ?, evidence = ?, comment = ?,
				updated_by = ?, updated_at = ? WHERE audit_id = ? AND aspect_id = ?`,
				asp.Strand, int(x.Level), x.Evidence, x.Comment, nullID(a.UserID), micros(now), auditID, x.AspectID)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n > 0 {
				if err != nil {
					return err
				}
				continue
			}
			if _, err := tx.exec(ctx, `INSERT INTO audit_answers (audit_id, aspect_id, strand, level, evidence,
				comment, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, auditID, x.AspectID, asp.Strand,
				int(x.Level), x.Evidence, x.Comment, nullID(a.UserID), micros(now)); err != nil {
				return err
			}
		}
		out, _, err = readAudit(ctx, tx, a, writeAudits, auditID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func errAuditDone() error {
	return lifeguard.Errorf(lifeguard.ECONFLICT, "The audit is completed and cannot be changed; start a new one.")
}

// CompleteAudit scores the audit, creates its improvement actions and
// closes the earlier ones it answers, in one transaction.
func (db *DB) CompleteAudit(ctx context.Context, auditID int64, fw *lifeguard.Framework,
	in lifeguard.AuditCompletion) (*lifeguard.AuditResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if fw == nil {
		return nil, fmt.Errorf("sqlstore: complete audit: no framework")
	}
	in.Owner = strings.TrimSpace(in.Owner)
	res := &lifeguard.AuditResult{Created: []lifeguard.ImprovementAction{}, Closed: []lifeguard.ImprovementAction{}}
	err = db.inWrite(ctx, "complete audit", func(tx *tx) error {
		au, o, err := readAudit(ctx, tx, a, writeAudits, auditID)
		if err != nil {
			return err
		}
		if au.Status != lifeguard.AuditInProgress {
			return errAuditDone()
		}
		scores, missing := lifeguard.Score(fw, o, au.Answers)
		var p problems
		for _, id := range missing {
			p.add("aspects."+id, "has no level yet: rate aspect %s before you complete the audit", id)
		}
		p.text("owner", in.Owner, lifeguard.MaxShortText, true)
		if err := p.err("The audit cannot be completed yet"); err != nil {
			return err
		}
		now := db.now()
		today := lifeguard.DateOf(now)
		if _, err := tx.exec(ctx, `UPDATE audits SET status = 'completed', completed_by = ?, completed_at = ?,
			framework_name = ?, framework_version = ? WHERE id = ?`,
			nullID(a.UserID), micros(now), fw.Name, fw.Version, auditID); err != nil {
			return err
		}
		for _, s := range scores {
			if _, err := tx.exec(ctx, `INSERT INTO audit_scores (audit_id, strand, tenths, aspects) VALUES (?, ?, ?, ?)`,
				auditID, s.Strand, s.Tenths, s.Aspects); err != nil {
				return err
			}
		}
		// The levels this audit gives the aspects that apply.
		rated := map[string]lifeguard.Level{}
		for _, x := range au.Answers {
			if asp, ok := fw.Aspect(x.AspectID); ok && asp.AppliesToOrg(o) {
				rated[x.AspectID] = x.Level
			}
		}
		// Earlier open actions: met where the aspect is now 3 or more,
		// superseded by a new action where it is still 1 or 2. An action
		// whose aspect no longer applies (retired) stays open.
		open, err := improvementActions(ctx, tx, `organisation_id = ? AND status = 'open'`, o.ID)
		if err != nil {
			return err
		}
		for _, x := range open {
			l, ok := rated[x.AspectID]
			if !ok {
				continue
			}
			status := lifeguard.ImprovementMet
			if l.NeedsAction() {
				status = lifeguard.ImprovementSuperseded
			}
			if _, err := tx.exec(ctx, `UPDATE improvement_actions SET status = ?, closed_at = ?, closed_by_audit_id = ?
				WHERE id = ?`, string(status), micros(now), auditID, x.ID); err != nil {
				return err
			}
			x.Status, x.ClosedAt, x.ClosedByAudit = status, &now, auditID
			res.Closed = append(res.Closed, x)
		}
		for _, asp := range fw.Applicable(o) {
			l := rated[asp.ID]
			if !l.NeedsAction() {
				continue
			}
			x := lifeguard.ImprovementAction{OrganisationID: o.ID, AuditID: auditID, AspectID: asp.ID,
				Strand: asp.Strand, Level: l, Title: asp.Text, Owner: in.Owner, Due: lifeguard.ImprovementDue(l, today),
				Status: lifeguard.ImprovementOpen, CreatedAt: now}
			x.ID, err = tx.insert(ctx, `INSERT INTO improvement_actions (organisation_id, audit_id, aspect_id, strand,
				level, title, owner, due, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'open', ?)`,
				o.ID, auditID, asp.ID, asp.Strand, int(l), x.Title, x.Owner, x.Due.String(), micros(now))
			if err != nil {
				return err
			}
			res.Created = append(res.Created, x)
		}
		res.Audit, _, err = readAudit(ctx, tx, a, writeAudits, auditID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

const improvementColumns = `id, organisation_id, audit_id, aspect_id, strand, level, title, owner, due, status,
	created_at, closed_at, closed_by_audit_id, closed_by, closed_note`

// improvementActions reads an organisation's improvement actions matching
// where (with the one argument arg): open first, then by due date.
func improvementActions(ctx context.Context, tx *tx, where string, arg int64) ([]lifeguard.ImprovementAction, error) {
	out := []lifeguard.ImprovementAction{}
	err := each(ctx, tx, `SELECT `+improvementColumns+` FROM improvement_actions WHERE `+where+`
		ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, due, id`, []any{arg},
		func(scan func(...any) error) error {
			var x lifeguard.ImprovementAction
			var due, status string
			var created int64
			var closed, by, closedBy sql.NullInt64
			if err := scan(&x.ID, &x.OrganisationID, &x.AuditID, &x.AspectID, &x.Strand, &x.Level, &x.Title,
				&x.Owner, &due, &status, &created, &closed, &by, &closedBy, &x.ClosedNote); err != nil {
				return err
			}
			d, err := lifeguard.ParseDate(due)
			if err != nil {
				return fmt.Errorf("improvement action %d: %w", x.ID, err)
			}
			x.Due, x.Status, x.CreatedAt = d, lifeguard.ImprovementStatus(status), fromMicros(created)
			x.ClosedAt, x.ClosedByAudit, x.ClosedBy = timePtr(closed), by.Int64, closedBy.Int64
			out = append(out, x)
			return nil
		})
	return out, err
}

// ImprovementActions returns an organisation's improvement actions.
func (db *DB) ImprovementActions(ctx context.Context, organisationID int64) ([]lifeguard.ImprovementAction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.ImprovementAction
	err = db.inRead(ctx, "improvement actions", func(tx *tx) error {
		o, err := auditOrg(ctx, tx, organisationID)
		if err != nil {
			return err
		}
		if err := checkAudits(a, readAudits, o.ID, o.PartnershipID, errNoOrganisation); err != nil {
			return err
		}
		out, err = improvementActions(ctx, tx, `organisation_id = ?`, o.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if redacted(a) {
		for i := range out {
			out[i].Owner, out[i].ClosedNote = "", ""
		}
	}
	return slices.Clip(out), nil
}

func errNoImprovement() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such improvement action.")
}

// readImprovement reads one improvement action, checking the actor may do
// want to its organisation's audits.
func readImprovement(ctx context.Context, tx *tx, a *lifeguard.Actor, want auditAccess, id int64) (*lifeguard.ImprovementAction, error) {
	list, err := improvementActions(ctx, tx, `id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errNoImprovement()
	}
	x := &list[0]
	o, err := auditOrg(ctx, tx, x.OrganisationID)
	if err != nil {
		return nil, err
	}
	if err := checkAudits(a, want, o.ID, o.PartnershipID, errNoImprovement); err != nil {
		return nil, err
	}
	if redacted(a) {
		x.Owner, x.ClosedNote = "", ""
	}
	return x, nil
}

// ImprovementAction returns one improvement action.
func (db *DB) ImprovementAction(ctx context.Context, id int64) (*lifeguard.ImprovementAction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.ImprovementAction
	err = db.inRead(ctx, "improvement action", func(tx *tx) error {
		out, err = readImprovement(ctx, tx, a, readAudits, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func errImprovementClosed() error {
	return lifeguard.Errorf(lifeguard.ECONFLICT, "The improvement action is closed and no longer changes.")
}

// UpdateImprovementAction changes an open action's title, owner and due date.
func (db *DB) UpdateImprovementAction(ctx context.Context, id int64, in lifeguard.ImprovementChange) (*lifeguard.ImprovementAction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	in.Title, in.Owner = strings.TrimSpace(in.Title), strings.TrimSpace(in.Owner)
	var out *lifeguard.ImprovementAction
	err = db.inWrite(ctx, "update improvement action", func(tx *tx) error {
		x, err := readImprovement(ctx, tx, a, writeAudits, id)
		if err != nil {
			return err
		}
		if x.Status != lifeguard.ImprovementOpen {
			return errImprovementClosed()
		}
		var p problems
		p.text("title", in.Title, lifeguard.MaxShortText, true)
		p.text("owner", in.Owner, lifeguard.MaxShortText, true)
		if !realDate(in.Due) {
			p.add("due", "is required: the date the action is due, as YYYY-MM-DD")
		}
		if err := p.err("The improvement action is not valid"); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE improvement_actions SET title = ?, owner = ?, due = ?, updated_at = ?
			WHERE id = ?`, in.Title, in.Owner, in.Due.String(), micros(db.now()), id); err != nil {
			return err
		}
		out, err = readImprovement(ctx, tx, a, writeAudits, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CloseImprovementAction closes an open action by hand with a note.
func (db *DB) CloseImprovementAction(ctx context.Context, id int64, in lifeguard.ImprovementClosing) (*lifeguard.ImprovementAction, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	in.Note = strings.TrimSpace(in.Note)
	var out *lifeguard.ImprovementAction
	err = db.inWrite(ctx, "close improvement action", func(tx *tx) error {
		x, err := readImprovement(ctx, tx, a, writeAudits, id)
		if err != nil {
			return err
		}
		if x.Status != lifeguard.ImprovementOpen {
			return errImprovementClosed()
		}
		var p problems
		p.text("note", in.Note, lifeguard.MaxComment, true)
		if err := p.err("The improvement action cannot be closed"); err != nil {
			return err
		}
		now := db.now()
		if _, err := tx.exec(ctx, `UPDATE improvement_actions SET status = 'closed', closed_at = ?, closed_by = ?,
			closed_note = ?, updated_at = ? WHERE id = ?`, micros(now), nullID(a.UserID), in.Note, micros(now), id); err != nil {
			return err
		}
		out, err = readImprovement(ctx, tx, a, writeAudits, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
