package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// A concern is worked to its end: every route decided, every action done
// or cancelled, then closed with its outcomes. Closing with work left is
// refused with the list of it, unless the DSL says why they close anyway,
// which is kept with the outcome. This file holds what that needs: the
// routes a DSL adds, cancelling an action, and closing.

// concernRoutes returns the triage of the concern with the routes its DSL
// added after the triage's own: the routes that decisions are made on and
// that deadlines come from.
func concernRoutes(ctx context.Context, tx *tx, h *concernHead) (*lifeguard.Triage, error) {
	t, err := h.decodeTriage()
	if err != nil {
		return nil, err
	}
	added, err := loadAddedRoutes(ctx, tx, h.id)
	if err != nil {
		return nil, err
	}
	withAdded(t, added)
	return t, nil
}

// withAdded appends to t the added routes it does not give itself (a change
// of facts may since have made the procedure give one of them).
func withAdded(t *lifeguard.Triage, added []lifeguard.AddedRoute) {
	for _, a := range added {
		if !t.HasRoute(a.Route.Code) {
			t.Routes = append(t.Routes, a.Route)
		}
	}
}

// loadAddedRoutes reads the routes a DSL added to the concern, in the
// order they were added.
func loadAddedRoutes(ctx context.Context, tx *tx, concernID int64) ([]lifeguard.AddedRoute, error) {
	out := []lifeguard.AddedRoute{}
	err := each(ctx, tx, `SELECT route_json, reason, added_by, added_at FROM added_routes WHERE concern_id = ?
		ORDER BY added_at, id`, []any{concernID}, func(scan func(...any) error) error {
		var a lifeguard.AddedRoute
		var route string
		var by sql.NullInt64
		var at int64
		if err := scan(&route, &a.Reason, &by, &at); err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(route), &a.Route); err != nil {
			return fmt.Errorf("concern %d: added route: %w", concernID, err)
		}
		a.AddedBy, a.AddedAt = by.Int64, fromMicros(at)
		out = append(out, a)
		return nil
	})
	return out, err
}

// AddRoute adds to the concern a route of the procedure that its triage
// did not give, with the DSL's reason. From then on it is one of the
// concern's routes: decided like the others, its deadline in the inbox.
func (db *DB) AddRoute(ctx context.Context, concernID int64, in lifeguard.NewRoute) (*lifeguard.AddedRoute, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.AddedRoute
	err = db.inWrite(ctx, "add route", func(tx *tx) error {
		h, err := concernFor(ctx, tx, a, concernID, workConcern)
		if err != nil {
			return err
		}
		t, err := concernRoutes(ctx, tx, h)
		if err != nil {
			return err
		}
		r := in.Route
		var p problems
		switch {
		case r.Code == "":
			p.add("route", "is required")
		case !routeCodePattern.MatchString(string(r.Code)) || r.Code == lifeguard.ProposalRoute:
			p.add("route", "%q is not a route code", r.Code)
		case strings.TrimSpace(r.Title) == "" || !r.Urgency.Valid():
			// The caller takes the route from the procedure, which always
			// gives both.
			p.add("route", "%s is not a route as the procedure gives it: it needs its title and urgency", r.Code)
		case lifeguard.TextProblem(r.Title) != "":
			// Kept in route_json, where encoding would quietly change it.
			p.check("route", r.Title)
		case t.HasRoute(r.Code):
			p.add("route", "%s is already a route of this concern", r.Code)
		}
		p.text("reason", in.Reason, lifeguard.MaxReason, true)
		if err := p.err("The route cannot be added"); err != nil {
			return err
		}
		if r.Rules == nil {
			r.Rules = []string{}
		}
		if r.Why == nil {
			r.Why = []string{}
		}
		if r.Due != nil {
			d := r.Due.UTC().Truncate(time.Microsecond)
			r.Due = &d
		}
		routeJSON, err := json.Marshal(&r)
		if err != nil {
			return fmt.Errorf("encode route: %w", err)
		}
		now := db.now()
		if err := addReportCounts(ctx, tx, concernID, -1); err != nil {
			return err
		}
		if _, err := tx.insert(ctx, `INSERT INTO added_routes (concern_id, route, route_json, reason, added_by, added_at)
			VALUES (?, ?, ?, ?, ?, ?)`, concernID, string(r.Code), string(routeJSON), in.Reason, nullID(a.UserID),
			micros(now)); err != nil {
			return err
		}
		t.Routes = append(t.Routes, r)
		decided, err := decidedRoutes(ctx, tx, concernID)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE concerns SET due = ?, late_at = ?, lead_now_due = ?, status = `+worked+`,
			updated_at = ? WHERE id = ?`, nullMicros(dueOf(t, decided)), nullMicros(lateOf(t, decided)),
			nullMicros(leadNowOf(t, decided)), micros(now), concernID); err != nil {
			return err
		}
		if err := addReportCounts(ctx, tx, concernID, 1); err != nil {
			return err
		}
		out = &lifeguard.AddedRoute{Route: r, Reason: in.Reason, AddedBy: a.UserID, AddedAt: now}
		return journal(ctx, tx, a, now, jUpdate, jConcern, concernID, "route added="+string(r.Code))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CancelAction ends an action that will not be done, with the reason.
func (db *DB) CancelAction(ctx context.Context, concernID, actionID int64, reason string) (*lifeguard.Action, error) {
	return db.endAction(ctx, "cancel action", concernID, actionID, func(tx *tx, a *lifeguard.Actor, x *lifeguard.Action, now time.Time) (string, error) {
		var p problems
		p.text("reason", reason, lifeguard.MaxReason, true)
		if err := p.err("The action cannot be cancelled"); err != nil {
			return "", err
		}
		x.CancelledAt, x.CancelledBy, x.CancelReason, x.Status = &now, a.UserID, reason, lifeguard.ActionCancelled
		_, err := tx.exec(ctx, `UPDATE actions SET cancelled_at = ?, cancelled_by = ?, cancel_reason = ? WHERE id = ?`,
			micros(now), nullID(a.UserID), reason, x.ID)
		return "cancelled", err
	})
}

// endAction ends an action of the concern that is still to do, as end
// says (done or cancelled, returning the word the journal records), in the
// transaction that marks the concern worked and journals the end.
func (db *DB) endAction(ctx context.Context, what string, concernID, actionID int64,
	end func(tx *tx, a *lifeguard.Actor, x *lifeguard.Action, now time.Time) (string, error)) (*lifeguard.Action, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var x *lifeguard.Action
	err = db.inWrite(ctx, what, func(tx *tx) error {
		if _, err := concernFor(ctx, tx, a, concernID, workConcern); err != nil {
			return err
		}
		xs, err := loadActions(ctx, tx, concernID, actionID)
		if err != nil {
			return err
		}
		if len(xs) == 0 {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such action on this concern.")
		}
		x = &xs[0]
		if err := actionEnded(x); err != nil {
			return err
		}
		now := db.now()
		word, err := end(tx, a, x, now)
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE concerns SET status = `+worked+`, updated_at = ? WHERE id = ?`,
			micros(now), concernID); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jConcern, concernID, fmt.Sprintf("action=%d %s", actionID, word))
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// actionEnded is ECONFLICT for an action already done or cancelled.
func actionEnded(x *lifeguard.Action) error {
	switch {
	case x.DoneAt != nil:
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The action is already done.")
	case x.CancelledAt != nil:
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The action is already cancelled.")
	}
	return nil
}

// leftOpen is the work of a concern not finished: routes (the proposed
// decision included) with no decision, and actions still to do.
type leftOpen struct {
	routes  []lifeguard.RouteCode
	titles  []string
	actions []int64
	doing   []string
}

func (l *leftOpen) any() bool { return len(l.titles) > 0 || len(l.doing) > 0 }

// message lists the work left by title, as the DSL reads it on the page,
// as the problem of the close_anyway field.
func (l *leftOpen) message() string {
	var parts []string
	if n := len(l.titles); n > 0 {
		parts = append(parts, plural(n, "route is", "routes are")+" not decided ("+strings.Join(l.titles, "; ")+")")
	}
	if n := len(l.doing); n > 0 {
		parts = append(parts, plural(n, "action is", "actions are")+" still to do ("+strings.Join(l.doing, "; ")+")")
	}
	return "is required while " + strings.Join(parts, " and ") + ". Decide each route and mark each action " +
		"done or cancelled, or say why the concern closes anyway"
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// unfinished finds the work of the concern that is not finished.
func unfinished(ctx context.Context, tx *tx, h *concernHead) (*leftOpen, error) {
	t, err := concernRoutes(ctx, tx, h)
	if err != nil {
		return nil, err
	}
	decided, err := decidedRoutes(ctx, tx, h.id)
	if err != nil {
		return nil, err
	}
	l := &leftOpen{}
	for _, r := range t.Routes {
		if !decided[r.Code] {
			l.routes, l.titles = append(l.routes, r.Code), append(l.titles, r.Title)
		}
	}
	if pd := t.ProposedDecision; pd != nil && !decided[lifeguard.ProposalRoute] {
		l.routes = append(l.routes, lifeguard.ProposalRoute)
		l.titles = append(l.titles, "the proposed decision: "+pd.Title)
	}
	xs, err := loadActions(ctx, tx, h.id, 0)
	if err != nil {
		return nil, err
	}
	for _, x := range xs {
		if x.Open() {
			l.actions, l.doing = append(l.actions, x.ID), append(l.doing, x.Title)
		}
	}
	return l, nil
}

// CloseConcern closes the concern with its outcomes; see
// lifeguard.ConcernStore for the work that must be finished first.
func (db *DB) CloseConcern(ctx context.Context, concernID int64, in lifeguard.NewOutcome) (*lifeguard.Concern, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var c *lifeguard.Concern
	err = db.inWrite(ctx, "close concern", func(tx *tx) error {
		h, err := concernFor(ctx, tx, a, concernID, workConcern)
		if err != nil {
			return err
		}
		codes := in.OutcomeSet()
		// A problem is named after the field the client used: "codes" for
		// the list, "code" for the single outcome of the first version.
		path := "code"
		if len(in.Codes) > 0 {
			path = "codes"
		}
		var p problems
		if len(codes) == 0 {
			p.add(path, "is required")
		}
		for _, o := range codes {
			if !slices.Contains(lifeguard.Outcomes(), o) {
				p.add(path, "%q is not an outcome; use one of %s", o, codeList(lifeguard.Outcomes()))
			}
		}
		p.text("summary", in.Summary, lifeguard.MaxReason, true)
		p.text("close_anyway", in.CloseAnyway, lifeguard.MaxReason, false)
		if err := p.err("The outcome is not valid"); err != nil {
			return err
		}
		left, err := unfinished(ctx, tx, h)
		if err != nil {
			return err
		}
		if left.any() && strings.TrimSpace(in.CloseAnyway) == "" {
			return lifeguard.Invalid("The concern has work that is not finished",
				[]lifeguard.Problem{{Path: "close_anyway", Problem: left.message()}})
		}
		now := db.now()
		if _, err := tx.exec(ctx, `UPDATE concerns SET status = ?, closed_at = ?, closed_by = ?, outcome = ?,
			outcome_summary = ?, close_anyway = ?, updated_at = ? WHERE id = ?`,
			string(lifeguard.StatusClosed), micros(now), nullID(a.UserID), codeList(codes), in.Summary,
			in.CloseAnyway, micros(now), concernID); err != nil {
			return err
		}
		detail := "closed outcome=" + codeList(codes)
		if left.any() {
			// Codes and ids only: the reason itself is on the record.
			detail += " anyway"
			if len(left.routes) > 0 {
				detail += " undecided=" + codeList(left.routes)
			}
			if len(left.actions) > 0 {
				detail += " open_actions=" + idList(left.actions)
			}
		}
		if err := journal(ctx, tx, a, now, jUpdate, jConcern, concernID, detail); err != nil {
			return err
		}
		c, err = loadConcern(ctx, tx, concernID, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// outcomeCodes reads the outcome column: a comma-separated set of codes.
func outcomeCodes(s string) []lifeguard.OutcomeCode {
	return splitCodes[lifeguard.OutcomeCode](s)
}
