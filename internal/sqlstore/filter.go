package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.FilterStore = (*DB)(nil)

// The filter's records (filter.go in the lifeguard package). Access, in
// one place:
//
//   - what a filter sends is recorded only by a filter's account, for its
//     own organisation (or by the system acting for one);
//   - the policy is set by an administrator of the organisation's
//     partnership, and read by that administrator and the filter;
//   - alerts are the organisation's DSL's;
//   - review requests are seen and closed by the organisation's DSL and
//     manager, and by an administrator of its partnership.
//
// Nothing here is logged: names and the child's words are personal data.

func errNoAlert() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such alert.") }
func errNoReview() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such review request.")
}

// orgPartnership returns the partnership of organisation org, or
// ENOTFOUND.
func orgPartnership(ctx context.Context, tx *tx, org int64) (int64, error) {
	var p int64
	err := tx.row(ctx, `SELECT partnership_id FROM organisations WHERE id = ?`, org).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errNoOrganisation()
	}
	return p, err
}

// policyETag is a strong entity tag of the document: the same document
// always has the same tag, so a filter that polls is told "not modified"
// until the document really changes.
func policyETag(doc []byte) string {
	sum := sha256.Sum256(doc)
	return `"` + hex.EncodeToString(sum[:16]) + `"`
}

// SetFilterPolicy stores the organisation's policy document.
func (db *DB) SetFilterPolicy(ctx context.Context, org int64, doc []byte) (*lifeguard.FilterPolicy, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpSetFilterPolicy) {
		return nil, errPolicyAdminOnly()
	}
	if ps := lifeguard.ValidateFilterPolicy(doc); len(ps) > 0 {
		return nil, lifeguard.Invalid("The filter policy is not valid", ps)
	}
	out := &lifeguard.FilterPolicy{OrganisationID: org, Document: slices.Clone(doc), ETag: policyETag(doc),
		UpdatedBy: a.UserID, UpdatedAt: db.now()}
	err = db.inWrite(ctx, "set filter policy", func(tx *tx) error {
		p, err := orgPartnership(ctx, tx, org)
		if err != nil {
			return err
		}
		if err := policyAccess(a, true, org, p); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE filter_policies SET document = ?, etag = ?, updated_by = ?, updated_at = ?
			WHERE organisation_id = ?`, string(doc), out.ETag, nullID(a.UserID), micros(out.UpdatedAt), org)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO filter_policies (organisation_id, document, etag, updated_by, updated_at)
			VALUES (?, ?, ?, ?, ?)`, org, string(doc), out.ETag, nullID(a.UserID), micros(out.UpdatedAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// FilterPolicy returns the organisation's policy document.
func (db *DB) FilterPolicy(ctx context.Context, org int64) (*lifeguard.FilterPolicy, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if org == 0 {
		org = a.OrganisationID
	}
	out := &lifeguard.FilterPolicy{OrganisationID: org}
	err = db.inRead(ctx, "filter policy", func(tx *tx) error {
		p, err := orgPartnership(ctx, tx, org)
		if err != nil {
			return err
		}
		if err := policyAccess(a, false, org, p); err != nil {
			return err
		}
		var doc string
		var by sql.NullInt64
		var at int64
		err = tx.row(ctx, `SELECT document, etag, updated_by, updated_at FROM filter_policies WHERE organisation_id = ?`,
			org).Scan(&doc, &out.ETag, &by, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "No filter policy has been set for the organisation.")
		}
		out.Document, out.UpdatedBy, out.UpdatedAt = json.RawMessage(doc), by.Int64, fromMicros(at)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// canonicalClient is the address in one spelling, so that attempts of one
// device group together however the filter wrote it.
func canonicalClient(s string) string {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return s // validated before; kept as given if not
	}
	return ip.Unmap().String()
}

// RecordFilterEvents stores a batch of events and raises alerts.
func (db *DB) RecordFilterEvents(ctx context.Context, events []lifeguard.FilterEvent) (*lifeguard.FilterReceipt, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := filterAccount(a); err != nil {
		return nil, err
	}
	now := db.now()
	if ps := lifeguard.ValidateFilterEvents(events, now); len(ps) > 0 {
		return nil, lifeguard.Invalid("The events are not valid", ps)
	}
	out := &lifeguard.FilterReceipt{Accepted: len(events)}
	err = db.inWrite(ctx, "record filter events", func(tx *tx) error {
		out.Duplicates = 0
		for _, e := range events {
			e.Client = canonicalClient(e.Client)
			e.Time = e.Time.UTC().Truncate(time.Microsecond)
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM filter_events WHERE organisation_id = ? AND ref = ?`,
				a.OrganisationID, e.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				out.Duplicates++
				continue
			}
			if _, err := tx.exec(ctx, `INSERT INTO filter_events (organisation_id, ref, at, client, grp, name,
				category, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, a.OrganisationID, e.ID, micros(e.Time),
				e.Client, e.Group, e.Name, string(e.Category), micros(now)); err != nil {
				return err
			}
			if e.Category.Alerts() {
				if err := addToAlert(ctx, tx, a.OrganisationID, &e, now); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// addToAlert adds one new attempt to the alert of its device, category and
// hour, raising the alert if it is the first. A closed alert opens again:
// the DSL dealt with what they saw, and this is more. Raising or reopening
// an alert tells the DSLs at once (alertFilterAlert), in this transaction.
func addToAlert(ctx context.Context, tx *tx, org int64, e *lifeguard.FilterEvent, now time.Time) error {
	hour := e.Time.Truncate(time.Hour)
	var (
		id, first, last int64
		attempts        int
		names, status   string
	)
	err := tx.row(ctx, `SELECT id, first_at, last_at, attempts, names, status FROM filter_alerts
		WHERE organisation_id = ? AND client = ? AND category = ? AND hour = ?`,
		org, e.Client, string(e.Category), micros(hour)).Scan(&id, &first, &last, &attempts, &names, &status)
	if errors.Is(err, sql.ErrNoRows) {
		b, err := json.Marshal([]string{e.Name})
		if err != nil {
			return err
		}
		id, err = tx.insert(ctx, `INSERT INTO filter_alerts (organisation_id, client, grp, category, hour, first_at,
			last_at, attempts, names, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, 'open', ?)`,
			org, e.Client, e.Group, string(e.Category), micros(hour), micros(e.Time), micros(e.Time), string(b),
			micros(now))
		if err != nil {
			return err
		}
		return alertFilterAlert(ctx, tx, now, org, id)
	}
	if err != nil {
		return err
	}
	var list []string
	if err := json.Unmarshal([]byte(names), &list); err != nil {
		return fmt.Errorf("alert %d: names: %w", id, err)
	}
	if !slices.Contains(list, e.Name) && len(list) < lifeguard.MaxAlertNames {
		list = append(list, e.Name)
	}
	b, err := json.Marshal(list)
	if err != nil {
		return err
	}
	at := micros(e.Time)
	_, err = tx.exec(ctx, `UPDATE filter_alerts SET first_at = ?, last_at = ?, attempts = ?, names = ?, grp = ?,
		status = 'open', closed_by = NULL, closed_at = NULL WHERE id = ?`,
		min(first, at), max(last, at), attempts+1, string(b), e.Group, id)
	if err != nil || status == lifeguard.FilterOpen {
		return err
	}
	// Opened again after the DSL closed it: more has happened, and they
	// are told as for a new alert.
	return alertFilterAlert(ctx, tx, now, org, id)
}

const reviewColumns = `id, organisation_id, ref, at, client, grp, name, category, comment, status, outcome,
	closed_by, closed_at, received_at`

func scanReview(scan func(...any) error) (*lifeguard.FilterReview, error) {
	var (
		r                  lifeguard.FilterReview
		at, received       int64
		category           string
		closedBy, closedAt sql.NullInt64
	)
	if err := scan(&r.ID, &r.OrganisationID, &r.Ref, &at, &r.Client, &r.Group, &r.Name, &category, &r.Comment,
		&r.Status, &r.Outcome, &closedBy, &closedAt, &received); err != nil {
		return nil, err
	}
	r.Time, r.ReceivedAt, r.Category = fromMicros(at), fromMicros(received), lifeguard.FilterCategory(category)
	if closedBy.Valid {
		r.ClosedBy = &closedBy.Int64
	}
	r.ClosedAt = timePtr(closedAt)
	return &r, nil
}

// RecordFilterReview stores a review request once.
func (db *DB) RecordFilterReview(ctx context.Context, in lifeguard.NewFilterReview) (*lifeguard.FilterReview, bool, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := filterAccount(a); err != nil {
		return nil, false, err
	}
	now := db.now()
	if ps := in.Validate(now); len(ps) > 0 {
		return nil, false, lifeguard.Invalid("The review request is not valid", ps)
	}
	var out *lifeguard.FilterReview
	created := false
	err = db.inWrite(ctx, "record filter review", func(tx *tx) error {
		created = false
		out, err = scanReview(tx.row(ctx, `SELECT `+reviewColumns+` FROM filter_reviews
			WHERE organisation_id = ? AND ref = ?`, a.OrganisationID, in.ID).Scan)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		r := &lifeguard.FilterReview{OrganisationID: a.OrganisationID, Ref: in.ID,
			Time: in.Time.UTC().Truncate(time.Microsecond), Client: canonicalClient(in.Client), Group: in.Group,
			Name: in.Name, Category: in.Category, Comment: in.Comment, Status: lifeguard.FilterOpen, ReceivedAt: now}
		r.ID, err = tx.insert(ctx, `INSERT INTO filter_reviews (organisation_id, ref, at, client, grp, name, category,
			comment, status, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.OrganisationID, r.Ref,
			micros(r.Time), r.Client, r.Group, r.Name, string(r.Category), r.Comment, r.Status, micros(now))
		out, created = r, err == nil
		return err
	})
	if err != nil {
		return nil, false, err
	}
	return out, created, nil
}

// RecordFilterWorry records a worry as a concern, once.
func (db *DB) RecordFilterWorry(ctx context.Context, in lifeguard.NewFilterWorry, nc lifeguard.NewConcern) (*lifeguard.FilterWorryReceipt, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := filterAccount(a); err != nil {
		return nil, err
	}
	now := db.now()
	var p problems
	p = append(p, in.Validate(now)...)
	p.facts(&nc)
	p.triage(&nc.Triage)
	if nc.ChildID != 0 || nc.ChildRef != "" {
		p.add("child_id", "a worry from the block page names no child")
	}
	if err := p.err("The worry is not valid"); err != nil {
		return nil, err
	}
	normaliseTriage(&nc.Triage)
	out := &lifeguard.FilterWorryReceipt{}
	err = db.inWrite(ctx, "record filter worry", func(tx *tx) error {
		*out = lifeguard.FilterWorryReceipt{}
		err := tx.row(ctx, `SELECT concern_id FROM filter_worries WHERE organisation_id = ? AND ref = ?`,
			a.OrganisationID, in.ID).Scan(&out.ConcernID)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		c := &lifeguard.Concern{OrganisationID: a.OrganisationID, ReporterID: a.UserID, Status: lifeguard.StatusNew,
			Facts: nc.Facts, Triage: nc.Triage, Due: dueOf(&nc.Triage, nil)}
		if err := insertConcern(ctx, tx, a, now, c, "source=filter_worry"); err != nil {
			return err
		}
		// What the filter knows besides the child's words goes in a note by
		// the filter's account, for the DSL who must find out who the child
		// is. It holds no free text from the block page.
		// The child's choice is one of a fixed list, not free text.
		note := fmt.Sprintf("Sent from the filter's block page. The child chose “%s”. The child is not identified: the filter knows the "+
			"device's address, %s%s, and that at %s the device was blocked from %s (category %s). Once you know "+
			"who the child is, change the facts to describe them; the triage is then run again with the child's age.",
			in.About.OrElse().Label(), canonicalClient(in.Client), groupWords(in.Group), in.Time.UTC().Format("2 January 2006 15:04 MST"), in.Name,
			in.Category)
		if _, err := tx.exec(ctx, `INSERT INTO notes (concern_id, text, author_id, created_at) VALUES (?, ?, ?, ?)`,
			c.ID, note, nullID(a.UserID), micros(now)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO filter_worries (organisation_id, ref, concern_id, at, client, grp,
			name, category, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, a.OrganisationID, in.ID, c.ID,
			micros(in.Time), canonicalClient(in.Client), in.Group, in.Name, string(in.Category), micros(now)); err != nil {
			return err
		}
		out.ConcernID, out.Created = c.ID, true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// groupWords names the device's group in the policy for a note.
func groupWords(g string) string {
	if g == "" {
		return " (in the default group)"
	}
	return " (in the group " + g + ")"
}

const alertColumns = `id, organisation_id, client, grp, category, hour, first_at, last_at, attempts, names, status,
	closed_by, closed_at, concern_id, created_at`

func scanAlert(scan func(...any) error) (*lifeguard.FilterAlert, error) {
	var (
		x                           lifeguard.FilterAlert
		category, names             string
		hour, first, last, created  int64
		closedBy, closedAt, concern sql.NullInt64
	)
	if err := scan(&x.ID, &x.OrganisationID, &x.Client, &x.Group, &category, &hour, &first, &last, &x.Attempts,
		&names, &x.Status, &closedBy, &closedAt, &concern, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(names), &x.Names); err != nil {
		return nil, fmt.Errorf("alert %d: names: %w", x.ID, err)
	}
	x.Category = lifeguard.FilterCategory(category)
	x.Hour, x.FirstAt, x.LastAt, x.CreatedAt = fromMicros(hour), fromMicros(first), fromMicros(last), fromMicros(created)
	if closedBy.Valid {
		x.ClosedBy = &closedBy.Int64
	}
	if concern.Valid {
		x.ConcernID = &concern.Int64
	}
	x.ClosedAt = timePtr(closedAt)
	return &x, nil
}

// statusFilter checks a status filter of alerts or review requests.
func statusFilter(status string) error {
	if status == "" || status == lifeguard.FilterOpen || status == lifeguard.FilterClosed {
		return nil
	}
	return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "status", Problem: "must be open or closed"}})
}

// FilterAlerts lists the organisation's alerts.
func (db *DB) FilterAlerts(ctx context.Context, status string) ([]lifeguard.FilterAlert, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := alertDSL(a); err != nil {
		return nil, err
	}
	if err := statusFilter(status); err != nil {
		return nil, err
	}
	q := `SELECT ` + alertColumns + ` FROM filter_alerts WHERE organisation_id = ?`
	args := []any{a.OrganisationID}
	if status != "" {
		q += ` AND status = ?`
		args = append(args, status)
	}
	q += ` ORDER BY last_at DESC, id DESC LIMIT 200`
	return readAll(ctx, db, "filter alerts", q, args, scanAlert)
}

// alertFor reads alert id and checks that a may see it.
func alertFor(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64) (*lifeguard.FilterAlert, error) {
	x, err := scanAlert(tx.row(ctx, `SELECT `+alertColumns+` FROM filter_alerts WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !a.IsSystem() && x.OrganisationID != a.OrganisationID {
		return nil, errNoAlert()
	}
	if err != nil {
		return nil, err
	}
	return x, alertDSL(a)
}

// FilterAlert returns one alert.
func (db *DB) FilterAlert(ctx context.Context, id int64) (*lifeguard.FilterAlert, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var x *lifeguard.FilterAlert
	err = db.inRead(ctx, "filter alert", func(tx *tx) error {
		x, err = alertFor(ctx, tx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// CloseFilterAlert marks an alert as dealt with.
func (db *DB) CloseFilterAlert(ctx context.Context, id, concernID int64) (*lifeguard.FilterAlert, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var x *lifeguard.FilterAlert
	err = db.inWrite(ctx, "close filter alert", func(tx *tx) error {
		if x, err = alertFor(ctx, tx, a, id); err != nil {
			return err
		}
		if x.Status == lifeguard.FilterClosed {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The alert has already been marked as dealt with.")
		}
		if concernID != 0 {
			var org int64
			err := tx.row(ctx, `SELECT organisation_id FROM concerns WHERE id = ?`, concernID).Scan(&org)
			if errors.Is(err, sql.ErrNoRows) || err == nil && org != x.OrganisationID {
				return lifeguard.Invalid("The alert cannot be closed", []lifeguard.Problem{{Path: "concern_id",
					Problem: "is not a concern of the alert's organisation"}})
			}
			if err != nil {
				return err
			}
			x.ConcernID = &concernID
		}
		now := db.now()
		x.Status, x.ClosedAt = lifeguard.FilterClosed, &now
		if a.UserID != 0 {
			x.ClosedBy = &a.UserID
		}
		_, err = tx.exec(ctx, `UPDATE filter_alerts SET status = 'closed', closed_by = ?, closed_at = ?,
			concern_id = ? WHERE id = ?`, nullID(a.UserID), micros(now), nullablePtr(x.ConcernID), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

const reviewFrom = ` FROM filter_reviews r JOIN organisations o ON o.id = r.organisation_id`

// FilterReviews lists the review requests the actor sees.
func (db *DB) FilterReviews(ctx context.Context, status string) ([]lifeguard.FilterReview, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	cond, args, err := reviewScope(a)
	if err != nil {
		return nil, err
	}
	if err := statusFilter(status); err != nil {
		return nil, err
	}
	if status != "" {
		cond += ` AND r.status = ?`
		args = append(args, status)
	}
	q := `SELECT r.` + reviewColumnsAliased + reviewFrom + ` WHERE ` + cond + ` ORDER BY r.received_at DESC, r.id DESC LIMIT 200`
	return readAll(ctx, db, "filter reviews", q, args, scanReview)
}

// reviewColumnsAliased is reviewColumns with every column of alias r.
const reviewColumnsAliased = `id, r.organisation_id, r.ref, r.at, r.client, r.grp, r.name, r.category, r.comment,
	r.status, r.outcome, r.closed_by, r.closed_at, r.received_at`

// CloseFilterReview closes a review request with its outcome.
func (db *DB) CloseFilterReview(ctx context.Context, id int64, outcome string) (*lifeguard.FilterReview, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	cond, args, err := reviewScope(a)
	if err != nil {
		return nil, err
	}
	var p problems
	p.text("outcome", outcome, lifeguard.MaxReason, true)
	if err := p.err("The review request cannot be closed"); err != nil {
		return nil, err
	}
	var r *lifeguard.FilterReview
	err = db.inWrite(ctx, "close filter review", func(tx *tx) error {
		r, err = scanReview(tx.row(ctx, `SELECT r.`+reviewColumnsAliased+reviewFrom+` WHERE r.id = ? AND `+cond,
			append([]any{id}, args...)...).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoReview()
		}
		if err != nil {
			return err
		}
		if r.Status == lifeguard.FilterClosed {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The review request has already been closed.")
		}
		now := db.now()
		r.Status, r.Outcome, r.ClosedAt = lifeguard.FilterClosed, outcome, &now
		if a.UserID != 0 {
			r.ClosedBy = &a.UserID
		}
		_, err = tx.exec(ctx, `UPDATE filter_reviews SET status = 'closed', outcome = ?, closed_by = ?, closed_at = ?
			WHERE id = ?`, outcome, nullID(a.UserID), micros(now), id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}
