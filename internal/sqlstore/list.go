package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"math"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Page sizes of a concern list.
const (
	defaultLimit = 50
	maxLimit     = 200
)

// cursor is the position after the last row of a page: its sort keys. It
// travels as base64 of "r.<reported_at>.<id>", "d.<due or ->.<id>" or
// "p.<bucket>.<due or ->.<id>" (see priority.go), with the order in front
// so that a cursor from one order is refused by another. It holds no
// filter: a client that changes the filter between pages starts again.
type cursor struct {
	order  string
	bucket int64  // the priority order's first key
	at     *int64 // reported_at, or due (nil when the row had none)
	id     int64
}

func (c cursor) encode() string {
	at := "-"
	if c.at != nil {
		at = strconv.FormatInt(*c.at, 10)
	}
	s := c.order[:1] + "."
	if c.order == lifeguard.OrderPriority {
		s += strconv.FormatInt(c.bucket, 10) + "."
	}
	return base64.RawURLEncoding.EncodeToString([]byte(s + at + "." + strconv.FormatInt(c.id, 10)))
}

func decodeCursor(s, order string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false
	}
	parts := strings.Split(string(b), ".")
	c := cursor{order: order}
	if order == lifeguard.OrderPriority && len(parts) == 4 {
		if c.bucket, err = strconv.ParseInt(parts[1], 10, 64); err != nil || c.bucket < 0 || c.bucket > 3 {
			return cursor{}, false
		}
		parts = append(parts[:1], parts[2:]...)
	} else if order == lifeguard.OrderPriority {
		return cursor{}, false
	}
	if len(parts) != 3 || parts[0] != order[:1] {
		return cursor{}, false
	}
	if c.id, err = strconv.ParseInt(parts[2], 10, 64); err != nil || c.id <= 0 {
		return cursor{}, false
	}
	if parts[1] != "-" {
		at, err := strconv.ParseInt(parts[1], 10, 64)
		if err != nil {
			return cursor{}, false
		}
		c.at = &at
	} else if order == lifeguard.OrderReported {
		return cursor{}, false // every concern has a reported_at
	}
	return c, true
}

// ListConcerns returns a page of the concerns the actor may see, newest
// first or by deadline, journaled as one read naming the concerns returned.
func (db *DB) ListConcerns(ctx context.Context, f lifeguard.ConcernFilter) (*lifeguard.ConcernPage, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := canListConcerns(a); err != nil {
		return nil, err
	}

	var p problems
	order := f.Order
	if order == "" {
		order = lifeguard.OrderReported
	}
	if order != lifeguard.OrderReported && order != lifeguard.OrderDue && order != lifeguard.OrderPriority {
		p.add("order", "%q is not an order; use %q, %q or %q", f.Order, lifeguard.OrderReported, lifeguard.OrderDue,
			lifeguard.OrderPriority)
	}
	limit := f.Limit
	if limit == 0 {
		limit = defaultLimit
	}
	if limit < 1 || limit > maxLimit {
		p.add("limit", "must be between 1 and %d", maxLimit)
	}
	if f.Status != "" && f.Status != lifeguard.StatusOpen && !f.Status.Valid() {
		p.add("status", "%q is not a status; use new, in_progress, closed or open", f.Status)
	} else if f.Status == lifeguard.StatusClosed && order == lifeguard.OrderPriority {
		p.add("status", "the priority order lists open concerns only; list closed ones in another order")
	}
	if f.AssignedTo < 0 {
		p.add("assigned", "is not a user")
	}
	if f.Type != "" {
		if _, ok := lifeguard.LookupConcernType(f.Type); !ok {
			p.add("type", "%q is not a concern type", f.Type)
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		p.add("to", "must be after from")
	}
	var cur cursor
	if f.Cursor != "" && len(p) == 0 {
		var ok bool
		if cur, ok = decodeCursor(f.Cursor, order); !ok {
			p.add("cursor", "is not a cursor of this list; start again from the first page")
		}
	}
	if err := p.err("The list is not valid"); err != nil {
		return nil, err
	}

	query, args := listQuery(a, f, order, cur, limit)

	now := db.now()
	page := &lifeguard.ConcernPage{Concerns: make([]lifeguard.ConcernSummary, 0, min(limit, 64))}
	err = db.inWrite(ctx, "list concerns", func(tx *tx) error {
		var lastBucket int64
		rows, err := tx.query(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s lifeguard.ConcernSummary
			var child, due, opened, assigned sql.NullInt64
			var ref, risk, assignee sql.NullString
			var deputy sql.NullBool
			var status, types, routes string
			var reported, bucket int64
			if err := rows.Scan(&s.ID, &s.OrganisationID, &child, &ref, &s.ReporterID, &status, &types, &routes,
				&reported, &due, &opened, &risk, &assigned, &assignee, &deputy, &bucket); err != nil {
				return err
			}
			if len(page.Concerns) == limit {
				last := page.Concerns[limit-1]
				c := cursor{order: order, id: last.ID, bucket: lastBucket}
				if order == lifeguard.OrderReported {
					at := micros(last.ReportedAt)
					c.at = &at
				} else if last.Due != nil {
					at := micros(*last.Due)
					c.at = &at
				}
				page.Next = c.encode()
				break
			}
			if child.Valid {
				s.ChildID = &child.Int64
			}
			s.ChildRef, s.Status, s.ReportedAt, s.Due = ref.String, lifeguard.ConcernStatus(status), fromMicros(reported), timePtr(due)
			s.ConcernTypes = splitCodes[lifeguard.ConcernType](types)
			s.Routes = splitCodes[lifeguard.RouteCode](routes)
			s.Overdue = s.Due != nil && s.Due.Before(now) && s.Status != lifeguard.StatusClosed
			s.FirstOpenedAt, s.RiskLevel = timePtr(opened), lifeguard.RiskLevel(risk.String)
			if assigned.Valid {
				s.AssignedTo = &lifeguard.Assignee{UserID: assigned.Int64, Name: assignee.String, Deputy: deputy.Bool}
			}
			page.Concerns = append(page.Concerns, s)
			lastBucket = bucket
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		ids := make([]int64, len(page.Concerns))
		for i, s := range page.Concerns {
			ids[i] = s.ID
		}
		return journal(ctx, tx, a, now, jList, jConcern, 0, "ids="+idList(ids))
	})
	if err != nil {
		return nil, err
	}
	return page, nil
}

// listQuery is the SQL of a page of a list and its arguments, for a filter
// already checked.
func listQuery(a *lifeguard.Actor, f lifeguard.ConcernFilter, order string, cur cursor, limit int) (string, []any) {
	var q strings.Builder
	args := make([]any, 0, 12)
	q.WriteString(`SELECT c.id, c.organisation_id, c.child_id, ch.ref, c.reporter_id, c.status, c.types, c.routes,
		c.reported_at, c.due, c.first_opened_at, c.risk_level, c.assigned_to, u.name, u.deputy, ` +
		priorityBucket("c.") + ` FROM concerns c LEFT JOIN children ch ON ch.id = c.child_id
		LEFT JOIN users u ON u.id = c.assigned_to WHERE `)
	// Who sees what: a DSL their organisation's concerns, staff and managers
	// what they reported, the system everything.
	switch a.May(lifeguard.OpReadConcern) {
	case lifeguard.ReachAll:
		q.WriteString(`1 = 1`)
	case lifeguard.ReachOrganisation:
		q.WriteString(`c.organisation_id = ?`)
		args = append(args, a.OrganisationID)
	default:
		q.WriteString(`c.reporter_id = ? AND c.organisation_id = ?`)
		args = append(args, a.UserID, a.OrganisationID)
	}
	switch f.Status {
	case "":
	case lifeguard.StatusOpen:
		q.WriteString(` AND c.status IN ('new', 'in_progress')`)
	default:
		q.WriteString(` AND c.status = ?`)
		args = append(args, string(f.Status))
	}
	if f.Type != "" {
		// EXISTS probes the side table's primary key for each of the
		// organisation's concerns in list order and stops at a page; IN
		// (SELECT …) would first collect every concern of the type in the
		// database.
		q.WriteString(` AND EXISTS (SELECT 1 FROM concern_types t WHERE t.concern_id = c.id AND t.type = ?)`)
		args = append(args, string(f.Type))
	}
	if f.ChildID != 0 {
		q.WriteString(` AND c.child_id = ?`)
		args = append(args, f.ChildID)
	}
	if f.AssignedTo != 0 {
		q.WriteString(` AND c.assigned_to = ?`)
		args = append(args, f.AssignedTo)
	}
	if !f.From.IsZero() {
		q.WriteString(` AND c.reported_at >= ?`)
		args = append(args, micros(f.From))
	}
	if !f.To.IsZero() {
		q.WriteString(` AND c.reported_at < ?`)
		args = append(args, micros(f.To))
	}
	switch order {
	case lifeguard.OrderPriority:
		// See priority.go. The condition is the partial indexes' own.
		q.WriteString(` AND c.` + openOnly)
		bucket, due := priorityBucket("c."), priorityDue("c.")
		if f.Cursor != "" {
			q.WriteString(` AND (` + bucket + `, ` + due + `, c.id) > (?, ?, ?)`)
			at := int64(math.MaxInt64)
			if cur.at != nil {
				at = *cur.at
			}
			args = append(args, cur.bucket, at, cur.id)
		}
		q.WriteString(` ORDER BY ` + bucket + `, ` + due + `, c.id`)
	case lifeguard.OrderReported:
		if f.Cursor != "" {
			q.WriteString(` AND (c.reported_at, c.id) < (?, ?)`)
			args = append(args, *cur.at, cur.id)
		}
		q.WriteString(` ORDER BY c.reported_at DESC, c.id DESC`)
	default:
		// The inbox: the earliest deadline first, so overdue concerns lead;
		// concerns with nothing due last, oldest first.
		switch {
		case f.Cursor == "":
		case cur.at != nil:
			q.WriteString(` AND (c.due IS NULL OR (c.due, c.id) > (?, ?))`)
			args = append(args, *cur.at, cur.id)
		default:
			q.WriteString(` AND c.due IS NULL AND c.id > ?`)
			args = append(args, cur.id)
		}
		q.WriteString(` ORDER BY c.due IS NULL, c.due, c.id`)
	}
	q.WriteString(` LIMIT ?`)
	args = append(args, limit+1) // one more tells whether there is a next page
	return q.String(), args
}

// splitCodes splits a comma-separated list column.
func splitCodes[T ~string](s string) []T {
	if s == "" {
		return []T{}
	}
	out := make([]T, 0, strings.Count(s, ",")+1)
	for c := range strings.SplitSeq(s, ",") {
		out = append(out, T(c))
	}
	return out
}
