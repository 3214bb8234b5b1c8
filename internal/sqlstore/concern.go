package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// CreateConcern records a concern in the actor's organisation, with the
// child it is about: the child given by ChildID (whose record gains the
// vulnerabilities in the facts), or a new child from the facts, or none when
// every concern type is about adults at work.
func (db *DB) CreateConcern(ctx context.Context, in lifeguard.NewConcern) (*lifeguard.Concern, error) {
	c, _, err := db.createConcern(ctx, nil, in)
	return c, err
}

// CreateConcernOnce is CreateConcern made idempotent by key; see
// lifeguard.ConcernStore.
func (db *DB) CreateConcernOnce(ctx context.Context, key lifeguard.ConcernKey, in lifeguard.NewConcern) (*lifeguard.Concern, bool, error) {
	return db.createConcern(ctx, &key, in)
}

// createConcern records the concern, or with a key already used by the
// actor, returns the concern recorded with it (replayed).
func (db *DB) createConcern(ctx context.Context, key *lifeguard.ConcernKey, in lifeguard.NewConcern) (*lifeguard.Concern, bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := canCreateConcern(a); err != nil {
		return nil, false, err
	}
	var p problems
	p.facts(&in)
	p.triage(&in.Triage)
	if in.ChildID != 0 && in.ChildRef != "" {
		p.add("child_ref", "give either child_id, to link a child already recorded, or child_ref, for a new child, not both")
	}
	if in.ChildRef != "" {
		if in.Facts.Child == nil {
			p.add("child_ref", "is given but the facts describe no child")
		}
		p.text("child_ref", in.ChildRef, lifeguard.MaxChildRef, true)
	}
	in.ChildLegalForename, in.ChildLegalSurname = strings.TrimSpace(in.ChildLegalForename), strings.TrimSpace(in.ChildLegalSurname)
	if in.ChildLegalForename != "" || in.ChildLegalSurname != "" {
		switch {
		case in.ChildID != 0:
			p.add("child_legal_surname", "names a new child, but child_id links one already recorded; change that child's record instead")
		case in.Facts.Child == nil:
			p.add("child_legal_surname", "is given but the facts describe no child")
		}
		_, probs := db.checkIdentity(lifeguard.ChildIdentity{LegalForename: in.ChildLegalForename,
			LegalSurname: in.ChildLegalSurname}, "child_")
		p = append(p, probs...)
	}
	if key != nil {
		p.text("idempotency_key", key.Key, lifeguard.MaxConcernKey, true)
		p.text("idempotency_key", key.Digest, lifeguard.MaxConcernKey, false)
	}
	if err := p.err("The concern is not valid"); err != nil {
		return nil, false, err
	}
	normaliseTriage(&in.Triage)
	now := db.now()
	c := &lifeguard.Concern{
		OrganisationID: a.OrganisationID,
		ReporterID:     a.UserID,
		Status:         lifeguard.StatusNew,
		Facts:          in.Facts,
		Triage:         in.Triage,
		Due:            dueOf(&in.Triage, nil),
		Decisions:      []lifeguard.Decision{},
		Actions:        []lifeguard.Action{},
		Evidence:       []lifeguard.Evidence{},
		Notes:          []lifeguard.Note{},
		AddedRoutes:    []lifeguard.AddedRoute{},
		CreatedAt:      now,
		UpdatedAt:      now,
	}
	var first int64
	err = db.inWrite(ctx, "create concern", func(tx *tx) error {
		if key != nil {
			// Writes are serialised (see writer; on PostgreSQL across
			// servers too, by the write lock), so no other request can record
			// the same key between this look and the insert below; the
			// table's primary key is the backstop.
			var err error
			if first, err = concernByKey(ctx, tx, a, *key); err != nil || first != 0 {
				return err
			}
		}
		childID, err := concernChild(ctx, tx, a, now, a.OrganisationID, in.ChildID, newChild{ref: in.ChildRef,
			forename: in.ChildLegalForename, surname: in.ChildLegalSurname, different: in.DifferentChild}, &in.Facts)
		if err != nil {
			return err
		}
		c.ChildID = childID
		if err := insertConcern(ctx, tx, a, now, c, ""); err != nil {
			return err
		}
		if key == nil {
			return nil
		}
		_, err = tx.exec(ctx, `INSERT INTO concern_keys (user_id, key, digest, concern_id, created_at)
			VALUES (?, ?, ?, ?, ?)`, a.UserID, key.Key, key.Digest, c.ID, micros(now))
		return err
	})
	if dup, ok := lifeguard.DuplicateOf(err); ok {
		// The refusal tells the reporter that a child of these names and
		// date of birth is on record, and which: a read of that child's
		// identity, journaled on its own as the refusal wrote nothing.
		if jerr := db.inWrite(ctx, "duplicate child", func(tx *tx) error {
			return journal(ctx, tx, a, now, jRead, jChild, dup.ChildID, "duplicate offered")
		}); jerr != nil {
			return nil, false, jerr
		}
	}
	if err != nil {
		return nil, false, err
	}
	if first != 0 {
		// The same report again: answer with the first, read (and
		// journaled) as any read of it is.
		c, err := db.Concern(ctx, first)
		return c, true, err
	}
	return c, false, nil
}

// concernByKey returns the concern that a recorded with key, or 0 when a
// has recorded none with it; EINVALID when the key came with another
// request.
func concernByKey(ctx context.Context, tx *tx, a *lifeguard.Actor, key lifeguard.ConcernKey) (int64, error) {
	var id int64
	var digest string
	err := tx.row(ctx, `SELECT concern_id, digest FROM concern_keys WHERE user_id = ? AND key = ?`, a.UserID, key.Key).
		Scan(&id, &digest)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	if digest != key.Digest {
		return 0, lifeguard.Invalid("The key was used before", []lifeguard.Problem{{Path: "idempotency_key",
			Problem: "was already used to record a concern from a different request; send a new key with a new concern"}})
	}
	return id, nil
}

// insertConcern inserts the new concern c, whose facts and triage are
// valid and normalised, with its types, sets its ID, and journals its
// creation; extra is added to the journal's detail (codes and ids only).
func insertConcern(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, c *lifeguard.Concern, extra string) error {
	factsJSON, err := json.Marshal(&c.Facts)
	if err != nil {
		return fmt.Errorf("encode facts: %w", err)
	}
	triageJSON, err := json.Marshal(&c.Triage)
	if err != nil {
		return fmt.Errorf("encode triage: %w", err)
	}
	types, routes := codeList(c.Facts.ConcernTypes), routeList(&c.Triage)
	c.ID, err = tx.insert(ctx, `INSERT INTO concerns (organisation_id, child_id, reporter_id, status, facts,
		triage, types, routes, reported_at, due, late_at, lead_now_due, now_window, created_at, updated_at, child_age, vulns)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.OrganisationID, nullablePtr(c.ChildID), c.ReporterID, string(c.Status), string(factsJSON),
		string(triageJSON), types, routes, micros(c.Facts.ReportedAt), nullMicros(c.Due),
		nullMicros(lateOf(&c.Triage, nil)), nullMicros(leadNowOf(&c.Triage, nil)), c.Triage.Window().Microseconds(),
		micros(now), micros(now),
		childAgeColumn(&c.Facts), vulnList(&c.Facts))
	if err != nil {
		return err
	}
	if err := insertTypes(ctx, tx, c.ID, c.Facts.ConcernTypes); err != nil {
		return err
	}
	if err := setPriorConcerns(ctx, tx, c.ID); err != nil {
		return err
	}
	if err := addReportCounts(ctx, tx, c.ID, 1); err != nil {
		return err
	}
	detail := "types=" + types + " routes=" + routes
	if c.ChildID != nil {
		detail = fmt.Sprintf("child=%d %s", *c.ChildID, detail)
	}
	if extra != "" {
		detail += " " + extra
	}
	// The alerts go with the concern, in its transaction: a concern that
	// is recorded is always alerted, and a failed one never is. Its one
	// journal entry names them.
	alerts, err := alertNewConcern(ctx, tx, now, c)
	if err != nil {
		return err
	}
	if alerts != "" {
		detail += " " + alerts
	}
	return journal(ctx, tx, a, now, jCreate, jConcern, c.ID, detail)
}

// nullablePtr is the column value of an optional id.
func nullablePtr(id *int64) any {
	if id == nil {
		return nil
	}
	return *id
}

// routeList is the comma-separated route codes of a triage.
func routeList(t *lifeguard.Triage) string {
	codes := make([]lifeguard.RouteCode, len(t.Routes))
	for i, r := range t.Routes {
		codes[i] = r.Code
	}
	return codeList(codes)
}

// childAgeColumn is the child's age when the concern was reported, for the
// report's age bands; nil when the facts describe no child.
func childAgeColumn(f *lifeguard.Facts) any {
	if age, ok := f.ChildAge(); ok {
		return age
	}
	return nil
}

// vulnList is the child's vulnerabilities as comma-separated codes.
func vulnList(f *lifeguard.Facts) string {
	if f.Child == nil {
		return ""
	}
	return codeList(f.Child.Vulnerabilities)
}

func insertTypes(ctx context.Context, tx *tx, id int64, types []lifeguard.ConcernType) error {
	for _, t := range types {
		if _, err := tx.exec(ctx, `INSERT INTO concern_types (concern_id, type) VALUES (?, ?)`, id, string(t)); err != nil {
			return err
		}
	}
	return nil
}

// dueOf returns the earliest deadline among t's routes that have no decision
// yet; nil when no such route has a deadline. Any decision (accepted,
// declined or done) decides a route.
func dueOf(t *lifeguard.Triage, decided map[lifeguard.RouteCode]bool) *time.Time {
	var due *time.Time
	for _, r := range t.Routes {
		if r.Due == nil || decided[r.Code] {
			continue
		}
		if due == nil || r.Due.Before(*due) {
			d := r.Due.UTC().Truncate(time.Microsecond)
			due = &d
		}
	}
	return due
}

// lateOf returns when the concern becomes overdue with the routes decided
// so far (lifeguard.Triage.LateAt), as the store keeps times.
func lateOf(t *lifeguard.Triage, decided map[lifeguard.RouteCode]bool) *time.Time {
	at := t.LateAt(decided)
	if at != nil {
		*at = at.UTC().Truncate(time.Microsecond)
	}
	return at
}

// leadNowOf returns when the concern needs its safeguarding lead with the
// routes decided so far (lifeguard.Triage.LeadNowDue), as the store keeps
// times: the column lead_now_due, kept wherever due and late_at are.
func leadNowOf(t *lifeguard.Triage, decided map[lifeguard.RouteCode]bool) *time.Time {
	at := t.LeadNowDue(decided)
	if at != nil {
		*at = at.UTC().Truncate(time.Microsecond)
	}
	return at
}

// concernHead is what the checks before a change to a concern need.
type concernHead struct {
	id       int64
	org      int64
	reporter int64
	child    sql.NullInt64
	status   lifeguard.ConcernStatus
	triage   string
	window   int64 // now_window, microseconds
}

// concernFor loads the head of concern id and checks that a may do want to
// it: ENOTFOUND, EFORBIDDEN or ECONFLICT otherwise.
func concernFor(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64, want concernAccess) (*concernHead, error) {
	h := concernHead{id: id}
	var status string
	err := tx.row(ctx, `SELECT organisation_id, reporter_id, child_id, status, triage, now_window FROM concerns
		WHERE id = ?`, id).Scan(&h.org, &h.reporter, &h.child, &status, &h.triage, &h.window)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoConcern()
	}
	if err != nil {
		return nil, err
	}
	h.status = lifeguard.ConcernStatus(status)
	var child *int64
	if h.child.Valid {
		child = &h.child.Int64
	}
	if _, err := concernAccessFor(ctx, tx, a, want, h.org, h.reporter, child, h.status); err != nil {
		return nil, err
	}
	return &h, nil
}

func (h *concernHead) decodeTriage() (*lifeguard.Triage, error) {
	var t lifeguard.Triage
	if err := json.Unmarshal([]byte(h.triage), &t); err != nil {
		return nil, fmt.Errorf("concern %d: triage: %w", h.id, err)
	}
	t.NowWindow = time.Duration(h.window) * time.Microsecond
	return &t, nil
}

// decidedRoutes returns the routes of concern id that have a decision.
func decidedRoutes(ctx context.Context, tx *tx, id int64) (map[lifeguard.RouteCode]bool, error) {
	rows, err := tx.query(ctx, `SELECT DISTINCT route FROM decisions WHERE concern_id = ?`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	decided := make(map[lifeguard.RouteCode]bool)
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		decided[lifeguard.RouteCode(r)] = true
	}
	return decided, rows.Err()
}

// worked is the status a concern moves to when someone works on it: a new
// concern becomes in progress. It is an SQL expression for an UPDATE.
const worked = `CASE WHEN status = 'new' THEN 'in_progress' ELSE status END`

// Concern returns the whole record, journaled as a read.
func (db *DB) Concern(ctx context.Context, id int64) (*lifeguard.Concern, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var c *lifeguard.Concern
	err = db.inWrite(ctx, "read concern", func(tx *tx) error {
		var via int64
		c, err = loadConcern(ctx, tx, id, func(c *lifeguard.Concern) (err error) {
			via, err = concernAccessFor(ctx, tx, a, readConcern, c.OrganisationID, c.ReporterID, c.ChildID, c.Status)
			return err
		})
		if err != nil {
			return err
		}
		now := db.now()
		if err := markOpened(ctx, tx, a, now, c); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jRead, jConcern, id, viaDetail("", via))
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// markOpened records, on the first read of the whole concern by a
// safeguarding lead or deputy of its organisation, when that was: the inbox
// puts concerns nobody has opened first, and an escalation asks whether an
// immediate concern has been opened. Reads by anyone else (the reporter, a
// lead reading a file received by transfer, Lifeguard itself) do not count,
// since none of them is the person who must act.
func markOpened(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, c *lifeguard.Concern) error {
	if c.FirstOpenedAt != nil || a.Role != lifeguard.RoleDSL || a.IsSystem() || a.OrganisationID != c.OrganisationID {
		return nil
	}
	if _, err := tx.exec(ctx, `UPDATE concerns SET first_opened_at = ? WHERE id = ? AND first_opened_at IS NULL`,
		micros(now), c.ID); err != nil {
		return err
	}
	at := now.UTC().Truncate(time.Microsecond)
	c.FirstOpenedAt = &at
	return nil
}

// loadConcern reads concern id with everything done about it, in time
// order. check runs on the concern's own row before anything else is read.
func loadConcern(ctx context.Context, tx *tx, id int64, check func(*lifeguard.Concern) error) (*lifeguard.Concern, error) {
	c := lifeguard.Concern{ID: id}
	var (
		child, due, closedAt, closedBy sql.NullInt64
		opened                         sql.NullInt64
		status, facts, triage, anyway  string
		outcome, summary               sql.NullString
		created, updated, window       int64
	)
	err := tx.row(ctx, `SELECT organisation_id, child_id, reporter_id, status, facts, triage, now_window, due,
		created_at, updated_at, closed_at, closed_by, outcome, outcome_summary, first_opened_at, close_anyway
		FROM concerns WHERE id = ?`, id).
		Scan(&c.OrganisationID, &child, &c.ReporterID, &status, &facts, &triage, &window, &due, &created, &updated,
			&closedAt, &closedBy, &outcome, &summary, &opened, &anyway)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoConcern()
	}
	if err != nil {
		return nil, err
	}
	c.Status = lifeguard.ConcernStatus(status)
	if child.Valid {
		c.ChildID = &child.Int64
	}
	if check != nil {
		if err := check(&c); err != nil {
			return nil, err
		}
	}
	if err := json.Unmarshal([]byte(facts), &c.Facts); err != nil {
		return nil, fmt.Errorf("concern %d: facts: %w", id, err)
	}
	if err := json.Unmarshal([]byte(triage), &c.Triage); err != nil {
		return nil, fmt.Errorf("concern %d: triage: %w", id, err)
	}
	c.Triage.NowWindow = time.Duration(window) * time.Microsecond
	c.Due, c.FirstOpenedAt = timePtr(due), timePtr(opened)
	c.CreatedAt, c.UpdatedAt = fromMicros(created), fromMicros(updated)
	if closedAt.Valid {
		c.Outcome = &lifeguard.Outcome{
			Codes:       outcomeCodes(outcome.String),
			Summary:     summary.String,
			CloseAnyway: anyway,
			ClosedBy:    closedBy.Int64,
			ClosedAt:    fromMicros(closedAt.Int64),
		}
		if len(c.Outcome.Codes) > 0 {
			c.Outcome.Code = c.Outcome.Codes[0]
		}
	}
	if err := loadRiskAndAssignment(ctx, tx, &c); err != nil {
		return nil, err
	}
	if c.Decisions, err = loadDecisions(ctx, tx, id); err != nil {
		return nil, err
	}
	if c.Actions, err = loadActions(ctx, tx, id, 0); err != nil {
		return nil, err
	}
	if c.Status == lifeguard.StatusClosed {
		for i := range c.Actions {
			if c.Actions[i].Open() {
				c.Actions[i].Status = lifeguard.ActionLeftOpen
			}
		}
	}
	if c.AddedRoutes, err = loadAddedRoutes(ctx, tx, id); err != nil {
		return nil, err
	}
	if c.Evidence, err = loadEvidence(ctx, tx, id); err != nil {
		return nil, err
	}
	if c.Notes, err = loadNotes(ctx, tx, id); err != nil {
		return nil, err
	}
	return &c, nil
}

func loadDecisions(ctx context.Context, tx *tx, concernID int64) ([]lifeguard.Decision, error) {
	rows, err := tx.query(ctx, `SELECT id, route, decision, reason, reference, on_time, decided_by, decided_at
		FROM decisions WHERE concern_id = ? ORDER BY decided_at, id`, concernID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lifeguard.Decision{}
	for rows.Next() {
		d := lifeguard.Decision{ConcernID: concernID}
		var route, kind string
		var onTime sql.NullBool
		var by sql.NullInt64
		var at int64
		if err := rows.Scan(&d.ID, &route, &kind, &d.Reason, &d.Reference, &onTime, &by, &at); err != nil {
			return nil, err
		}
		d.Route, d.Decision, d.DecidedBy, d.DecidedAt = lifeguard.RouteCode(route), lifeguard.DecisionKind(kind), by.Int64, fromMicros(at)
		if onTime.Valid {
			d.OnTime = &onTime.Bool
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// loadActions reads the actions of a concern, or the one action actionID
// when it is not zero.
func loadActions(ctx context.Context, tx *tx, concernID, actionID int64) ([]lifeguard.Action, error) {
	q := `SELECT id, title, owner, due, done_at, done_by, cancelled_at, cancelled_by, cancel_reason, created_by,
		created_at FROM actions WHERE concern_id = ?`
	args := []any{concernID}
	if actionID != 0 {
		q += ` AND id = ?`
		args = append(args, actionID)
	}
	rows, err := tx.query(ctx, q+` ORDER BY created_at, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lifeguard.Action{}
	for rows.Next() {
		x := lifeguard.Action{ConcernID: concernID}
		var due string
		var doneAt, doneBy, cancelledAt, cancelledBy, by sql.NullInt64
		var at int64
		if err := rows.Scan(&x.ID, &x.Title, &x.Owner, &due, &doneAt, &doneBy, &cancelledAt, &cancelledBy,
			&x.CancelReason, &by, &at); err != nil {
			return nil, err
		}
		if x.Due, err = lifeguard.ParseDate(due); err != nil {
			return nil, fmt.Errorf("action %d: due: %w", x.ID, err)
		}
		x.DoneAt, x.CreatedBy, x.CreatedAt = timePtr(doneAt), by.Int64, fromMicros(at)
		x.DoneBy, x.CancelledAt, x.CancelledBy = doneBy.Int64, timePtr(cancelledAt), cancelledBy.Int64
		switch {
		case x.DoneAt != nil:
			x.Status = lifeguard.ActionDone
		case x.CancelledAt != nil:
			x.Status = lifeguard.ActionCancelled
		default:
			x.Status = lifeguard.ActionToDo
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

func loadEvidence(ctx context.Context, tx *tx, concernID int64) ([]lifeguard.Evidence, error) {
	rows, err := tx.query(ctx, `SELECT id, what, location, held_by, sha256, recorded_by, recorded_at
		FROM evidence WHERE concern_id = ? ORDER BY recorded_at, id`, concernID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lifeguard.Evidence{}
	for rows.Next() {
		e := lifeguard.Evidence{ConcernID: concernID}
		var by sql.NullInt64
		var at int64
		if err := rows.Scan(&e.ID, &e.What, &e.Location, &e.HeldBy, &e.SHA256, &by, &at); err != nil {
			return nil, err
		}
		e.RecordedBy, e.RecordedAt = by.Int64, fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func loadNotes(ctx context.Context, tx *tx, concernID int64) ([]lifeguard.Note, error) {
	rows, err := tx.query(ctx, `SELECT id, text, author_id, created_at FROM notes WHERE concern_id = ?
		ORDER BY created_at, id`, concernID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []lifeguard.Note{}
	for rows.Next() {
		n := lifeguard.Note{ConcernID: concernID}
		var by sql.NullInt64
		var at int64
		if err := rows.Scan(&n.ID, &n.Text, &by, &at); err != nil {
			return nil, err
		}
		n.AuthorID, n.CreatedAt = by.Int64, fromMicros(at)
		out = append(out, n)
	}
	return out, rows.Err()
}

// UpdateFacts replaces the facts and the triage of a concern, keeping the
// replaced ones as a revision; decisions already made stay, and the deadline
// is worked out again from the new triage.
func (db *DB) UpdateFacts(ctx context.Context, id int64, f lifeguard.Facts, t lifeguard.Triage) (*lifeguard.Concern, error) {
	return db.updateFacts(ctx, id, f, f.Validate(), t)
}

// UpdateValidFacts is UpdateFacts for facts already checked, which are not
// checked again; see lifeguard.ConcernStore.
func (db *DB) UpdateValidFacts(ctx context.Context, id int64, f lifeguard.ValidFacts, t lifeguard.Triage) (*lifeguard.Concern, error) {
	var bad []lifeguard.Problem
	if f.IsZero() {
		bad = []lifeguard.Problem{{Path: "facts", Problem: "are required"}}
	}
	return db.updateFacts(ctx, id, f.Facts(), bad, t)
}

// updateFacts replaces the facts, whose problems the caller has found, so
// that they are reported after access is settled, as they were when this
// was one method.
func (db *DB) updateFacts(ctx context.Context, id int64, f lifeguard.Facts, bad []lifeguard.Problem, t lifeguard.Triage) (*lifeguard.Concern, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var c *lifeguard.Concern
	err = db.inWrite(ctx, "update facts", func(tx *tx) error {
		h, err := concernFor(ctx, tx, a, id, workConcern)
		if err != nil {
			return err
		}
		p := problems(bad)
		p.triage(&t)
		if err := p.err("The facts are not valid"); err != nil {
			return err
		}
		normaliseTriage(&t)
		factsJSON, err := json.Marshal(&f)
		if err != nil {
			return fmt.Errorf("encode facts: %w", err)
		}
		triageJSON, err := json.Marshal(&t)
		if err != nil {
			return fmt.Errorf("encode triage: %w", err)
		}
		now := db.now()
		if _, err := tx.exec(ctx, `INSERT INTO concern_revisions (concern_id, facts, triage, types, routes,
			changed_by, changed_at) SELECT id, facts, triage, types, routes, ?, ? FROM concerns WHERE id = ?`,
			nullID(a.UserID), micros(now), id); err != nil {
			return err
		}
		// The concern keeps its child, whose record gains any new
		// vulnerabilities; a concern that had none gets one if the facts now
		// describe a child.
		var child *int64
		switch {
		case h.child.Valid:
			child, err = concernChild(ctx, tx, a, now, h.org, h.child.Int64, newChild{}, &f)
		case f.Child != nil:
			child, err = concernChild(ctx, tx, a, now, h.org, 0, newChild{}, &f)
		}
		if err != nil {
			return err
		}
		decided, err := decidedRoutes(ctx, tx, id)
		if err != nil {
			return err
		}
		added, err := loadAddedRoutes(ctx, tx, id)
		if err != nil {
			return err
		}
		// The routes a DSL added stay with the concern, and their
		// deadlines with its due.
		withRoutes := t
		withRoutes.Routes = slices.Clone(t.Routes)
		withAdded(&withRoutes, added)
		types, routes := codeList(f.ConcernTypes), routeList(&t)
		if err := addReportCounts(ctx, tx, id, -1); err != nil {
			return err
		}
		// The new triage's window of "now" is the procedure's in force,
		// which judges the routes it has just worked out.
		if _, err := tx.exec(ctx, `UPDATE concerns SET facts = ?, triage = ?, types = ?, routes = ?, reported_at = ?,
			due = ?, late_at = ?, lead_now_due = ?, now_window = ?, child_id = ?, updated_at = ?, child_age = ?, vulns = ?
			WHERE id = ?`,
			string(factsJSON), string(triageJSON), types, routes, micros(f.ReportedAt),
			nullMicros(dueOf(&withRoutes, decided)), nullMicros(lateOf(&withRoutes, decided)),
			nullMicros(leadNowOf(&withRoutes, decided)), t.Window().Microseconds(),
			nullablePtr(child), micros(now), childAgeColumn(&f), vulnList(&f), id); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM concern_types WHERE concern_id = ?`, id); err != nil {
			return err
		}
		if err := insertTypes(ctx, tx, id, f.ConcernTypes); err != nil {
			return err
		}
		if err := setPriorConcerns(ctx, tx, id); err != nil {
			return err
		}
		if err := addReportCounts(ctx, tx, id, 1); err != nil {
			return err
		}
		if err := journal(ctx, tx, a, now, jUpdate, jConcern, id, "facts types="+types+" routes="+routes); err != nil {
			return err
		}
		c, err = loadConcern(ctx, tx, id, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AddDecision records what the DSL decided about one route of the concern,
// or about the triage's proposed decision.
func (db *DB) AddDecision(ctx context.Context, concernID int64, in lifeguard.NewDecision) (*lifeguard.Decision, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var d *lifeguard.Decision
	err = db.inWrite(ctx, "add decision", func(tx *tx) error {
		h, err := concernFor(ctx, tx, a, concernID, workConcern)
		if err != nil {
			return err
		}
		t, err := concernRoutes(ctx, tx, h) // the routes a DSL added are decided alike
		if err != nil {
			return err
		}
		var p problems
		route := t.Route(in.Route)
		switch {
		case in.Route == "":
			p.add("route", "is required")
		case in.Route == lifeguard.ProposalRoute && t.ProposedDecision != nil:
		case route == nil:
			p.add("route", "%q is not a route of this concern", in.Route)
		}
		switch {
		case in.Decision == "":
			p.add("decision", "is required")
		case !in.Decision.Valid():
			p.add("decision", "%q is not a decision; use accepted, declined or done", in.Decision)
		}
		// Declining a route needs a reason; so does any decision on the
		// proposed decision, which stands only once the DSL says why.
		p.text("reason", in.Reason, lifeguard.MaxReason,
			in.Decision == lifeguard.DecisionDeclined || in.Route == lifeguard.ProposalRoute)
		p.text("reference", in.Reference, lifeguard.MaxShortText, false)
		if err := p.err("The decision is not valid"); err != nil {
			return err
		}

		now := db.now()
		d = &lifeguard.Decision{ConcernID: concernID, Route: in.Route, Decision: in.Decision, Reason: in.Reason,
			Reference: in.Reference, DecidedBy: a.UserID, DecidedAt: now}
		var onTime any
		if route != nil {
			if d.OnTime = route.OnTimeAt(t.Window(), now); d.OnTime != nil {
				onTime = *d.OnTime
			}
		}
		if err := addReportCounts(ctx, tx, concernID, -1); err != nil {
			return err
		}
		d.ID, err = tx.insert(ctx, `INSERT INTO decisions (concern_id, route, decision, reason, reference, on_time,
			decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			concernID, string(d.Route), string(d.Decision), d.Reason, d.Reference, onTime, nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		decided, err := decidedRoutes(ctx, tx, concernID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE concerns SET due = ?, late_at = ?, lead_now_due = ?, status = `+worked+`,
			updated_at = ?, first_decided_at = COALESCE(first_decided_at, ?) WHERE id = ?`,
			nullMicros(dueOf(t, decided)), nullMicros(lateOf(t, decided)), nullMicros(leadNowOf(t, decided)),
			micros(now), micros(now), concernID); err != nil {
			return err
		}
		if err := addReportCounts(ctx, tx, concernID, 1); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jConcern, concernID,
			fmt.Sprintf("decision=%d route=%s decision=%s", d.ID, d.Route, d.Decision))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// AddAction sets a task that follows from the concern.
func (db *DB) AddAction(ctx context.Context, concernID int64, in lifeguard.NewAction) (*lifeguard.Action, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var x *lifeguard.Action
	err = db.inWrite(ctx, "add action", func(tx *tx) error {
		if _, err := concernFor(ctx, tx, a, concernID, workConcern); err != nil {
			return err
		}
		var p problems
		p.text("title", in.Title, lifeguard.MaxShortText, true)
		p.text("owner", in.Owner, lifeguard.MaxShortText, true)
		switch {
		case in.Due.IsZero():
			p.add("due", "is required")
		case !realDate(in.Due):
			p.add("due", "must be a real date")
		}
		now := db.now()
		p.dueNotPast("due", in.Due, lifeguard.DateOf(now))
		if err := p.err("The action is not valid"); err != nil {
			return err
		}
		x = &lifeguard.Action{ConcernID: concernID, Title: in.Title, Owner: in.Owner, Due: in.Due,
			Status: lifeguard.ActionToDo, CreatedBy: a.UserID, CreatedAt: now}
		var err error
		x.ID, err = tx.insert(ctx, `INSERT INTO actions (concern_id, title, owner, due, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, concernID, x.Title, x.Owner, x.Due.String(), nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE concerns SET status = `+worked+`, updated_at = ? WHERE id = ?`,
			micros(now), concernID); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jConcern, concernID, fmt.Sprintf("action=%d", x.ID))
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// CompleteAction marks an action of the concern done.
func (db *DB) CompleteAction(ctx context.Context, concernID, actionID int64) (*lifeguard.Action, error) {
	return db.endAction(ctx, "complete action", concernID, actionID, func(tx *tx, a *lifeguard.Actor, x *lifeguard.Action, now time.Time) (string, error) {
		x.DoneAt, x.DoneBy, x.Status = &now, a.UserID, lifeguard.ActionDone
		_, err := tx.exec(ctx, `UPDATE actions SET done_at = ?, done_by = ? WHERE id = ?`, micros(now), nullID(a.UserID), x.ID)
		return "done", err
	})
}

// AddEvidence records what evidence exists, where and who holds it.
func (db *DB) AddEvidence(ctx context.Context, concernID int64, in lifeguard.NewEvidence) (*lifeguard.Evidence, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var e *lifeguard.Evidence
	err = db.inWrite(ctx, "add evidence", func(tx *tx) error {
		if _, err := concernFor(ctx, tx, a, concernID, addToConcern); err != nil {
			return err
		}
		var p problems
		p.text("what", in.What, lifeguard.MaxShortText, true)
		p.text("location", in.Location, lifeguard.MaxShortText, true)
		p.text("held_by", in.HeldBy, lifeguard.MaxShortText, true)
		if in.SHA256 != "" && !sha256Pattern.MatchString(in.SHA256) {
			p.add("sha256", "must be 64 lowercase hexadecimal characters")
		}
		if err := p.err("The evidence is not valid"); err != nil {
			return err
		}
		now := db.now()
		e = &lifeguard.Evidence{ConcernID: concernID, What: in.What, Location: in.Location, HeldBy: in.HeldBy,
			SHA256: in.SHA256, RecordedBy: a.UserID, RecordedAt: now}
		var err error
		e.ID, err = tx.insert(ctx, `INSERT INTO evidence (concern_id, what, location, held_by, sha256, recorded_by,
			recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			concernID, e.What, e.Location, e.HeldBy, e.SHA256, nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE concerns SET updated_at = ? WHERE id = ?`, micros(now), concernID); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jConcern, concernID, fmt.Sprintf("evidence=%d", e.ID))
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// AddNote adds a dated note to the concern. A note by the DSL is work on the
// concern and moves a new one to in progress; the reporter's is not.
func (db *DB) AddNote(ctx context.Context, concernID int64, text string) (*lifeguard.Note, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var n *lifeguard.Note
	err = db.inWrite(ctx, "add note", func(tx *tx) error {
		if _, err := concernFor(ctx, tx, a, concernID, addToConcern); err != nil {
			return err
		}
		var p problems
		p.text("text", text, lifeguard.MaxNote, true)
		if err := p.err("The note is not valid"); err != nil {
			return err
		}
		now := db.now()
		n = &lifeguard.Note{ConcernID: concernID, Text: text, AuthorID: a.UserID, CreatedAt: now}
		var err error
		n.ID, err = tx.insert(ctx, `INSERT INTO notes (concern_id, text, author_id, created_at) VALUES (?, ?, ?, ?)`,
			concernID, text, nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		status := "status"
		if a.Can(lifeguard.OpWorkConcern) {
			status = worked
		}
		if _, err := tx.exec(ctx, `UPDATE concerns SET status = `+status+`, updated_at = ? WHERE id = ?`,
			micros(now), concernID); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jConcern, concernID, fmt.Sprintf("note=%d", n.ID))
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// summaryText shortens free text for a chronology line: the first line, at
// most n characters.
func summaryText(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
