package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.MonitorStore = (*DB)(nil)

// Monitoring captures (monitor.go in the lifeguard package). Access, in
// one place (the rules are the access table's):
//
//   - a monitor's account records captures for its own organisation and
//     reads its settings (monitorAccount, monitorSettingsAccess);
//   - the organisation's DSLs list, read and review its captures and make
//     exclusions (captureDSL); another organisation's capture is ENOTFOUND;
//   - its DSLs and managers set its settings.
//
// Nothing here is logged, and the journal holds ids and codes, never the
// text: what a child typed is personal data.

// jCapture is the journal's record of a capture.
const jCapture = "capture"

func errNoCapture() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such capture.") }

// monitorAccount checks that a may record what a monitor sends.
func monitorAccount(a *lifeguard.Actor) error {
	if a.IsSystem() {
		if a.OrganisationID == 0 {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"The system must act for a monitor's account of an organisation to record captures.")
		}
		return nil
	}
	if !a.Can(lifeguard.OpSendCaptures) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a monitor's account sends captures.")
	}
	return nil
}

// captureDSL checks that a may see and review the captures of their
// organisation.
func captureDSL(a *lifeguard.Actor) error {
	if a.Can(lifeguard.OpReviewCaptures) {
		return nil
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead sees the monitor's captures.")
}

// monitorSettingsAccess checks that a may read (or, with write, set) the
// monitoring settings of organisation org of partnership p.
func monitorSettingsAccess(a *lifeguard.Actor, write bool, org, p int64) error {
	op := lifeguard.OpReadMonitorSettings
	if write {
		op = lifeguard.OpSetMonitorSettings
	}
	reach := a.May(op)
	switch {
	case reach == lifeguard.ReachNone:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the organisation's safeguarding lead or manager sets its monitoring settings.")
	case !reach.Covers(a.Near(0, org, p)):
		return errNoOrganisation()
	}
	return nil
}

// readMonitorSettings reads org's settings, the defaults when none are set.
func readMonitorSettings(ctx context.Context, tx *tx, org int64) (*lifeguard.MonitorSettings, error) {
	s := lifeguard.DefaultMonitorSettings(org)
	var sites string
	var by sql.NullInt64
	var at int64
	err := tx.row(ctx, `SELECT excluded_sites, notice, retention_days, true_retention_days, updated_by, updated_at
		FROM monitor_settings WHERE organisation_id = ?`, org).Scan(&sites, &s.Notice, &s.RetentionDays,
		&s.TrueRetentionDays, &by, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return &s, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(sites), &s.ExcludedSites); err != nil {
		return nil, fmt.Errorf("monitor settings of %d: excluded sites: %w", org, err)
	}
	t := fromMicros(at)
	s.UpdatedBy, s.UpdatedAt = by.Int64, &t
	return &s, nil
}

// MonitorSettings returns the organisation's monitoring settings.
func (db *DB) MonitorSettings(ctx context.Context, org int64) (*lifeguard.MonitorSettings, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if org == 0 {
		org = a.OrganisationID
	}
	var s *lifeguard.MonitorSettings
	err = db.inRead(ctx, "monitor settings", func(tx *tx) error {
		p, err := orgPartnership(ctx, tx, org)
		if err != nil {
			return err
		}
		if err := monitorSettingsAccess(a, false, org, p); err != nil {
			return err
		}
		s, err = readMonitorSettings(ctx, tx, org)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// SetMonitorSettings stores the organisation's monitoring settings.
func (db *DB) SetMonitorSettings(ctx context.Context, s lifeguard.MonitorSettings) (*lifeguard.MonitorSettings, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpSetMonitorSettings) {
		return nil, monitorSettingsAccess(a, true, s.OrganisationID, 0)
	}
	if s.ExcludedSites == nil {
		s.ExcludedSites = []string{}
	}
	s.ExcludedSites = slices.Clone(s.ExcludedSites)
	if ps := s.Validate(); len(ps) > 0 {
		return nil, lifeguard.Invalid("The monitoring settings are not valid", ps)
	}
	slices.Sort(s.ExcludedSites)
	s.ExcludedSites = slices.Compact(s.ExcludedSites)
	sites, err := json.Marshal(s.ExcludedSites)
	if err != nil {
		return nil, err
	}
	now := db.now()
	s.UpdatedBy, s.UpdatedAt = a.UserID, &now
	err = db.inWrite(ctx, "set monitor settings", func(tx *tx) error {
		p, err := orgPartnership(ctx, tx, s.OrganisationID)
		if err != nil {
			return err
		}
		if err := monitorSettingsAccess(a, true, s.OrganisationID, p); err != nil {
			return err
		}
		res, err := tx.exec(ctx, `UPDATE monitor_settings SET excluded_sites = ?, notice = ?, retention_days = ?,
			true_retention_days = ?, updated_by = ?, updated_at = ? WHERE organisation_id = ?`, string(sites), s.Notice,
			s.RetentionDays, s.TrueRetentionDays, nullID(a.UserID), micros(now), s.OrganisationID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO monitor_settings (organisation_id, excluded_sites, notice,
				retention_days, true_retention_days, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
				s.OrganisationID, string(sites), s.Notice, s.RetentionDays, s.TrueRetentionDays, nullID(a.UserID),
				micros(now)); err != nil {
				return err
			}
		}
		return journal(ctx, tx, a, now, jUpdate, "organisation", s.OrganisationID,
			fmt.Sprintf("monitor settings: excluded_sites=%d retention_days=%d true_retention_days=%d",
				len(s.ExcludedSites), s.RetentionDays, s.TrueRetentionDays))
	})
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// readExclusions lists org's exclusions.
func readExclusions(ctx context.Context, tx *tx, org int64) ([]lifeguard.CaptureExclusion, error) {
	return scanAll(ctx, tx, `SELECT id, organisation_id, entry_id, phrase, site, created_by, created_at
		FROM monitor_exclusions WHERE organisation_id = ? ORDER BY site, entry_id`, []any{org}, scanExclusion)
}

func scanExclusion(scan func(...any) error) (*lifeguard.CaptureExclusion, error) {
	var x lifeguard.CaptureExclusion
	var by sql.NullInt64
	var at int64
	if err := scan(&x.ID, &x.OrganisationID, &x.EntryID, &x.Phrase, &x.Site, &by, &at); err != nil {
		return nil, err
	}
	x.CreatedBy, x.CreatedAt = by.Int64, fromMicros(at)
	return &x, nil
}

// keptCapture is a capture that matched, ready to insert.
type keptCapture struct {
	in      lifeguard.NewCapture
	context string
	matches []lifeguard.CaptureMatch
	primary lifeguard.CaptureMatch
}

// RecordCaptures scans a batch and stores the captures that match. The
// settings and exclusions are read first, the text is scanned outside any
// transaction, and only a batch with a match writes: most of what children
// type matches nothing, and costs one read.
func (db *DB) RecordCaptures(ctx context.Context, in []lifeguard.NewCapture, scan lifeguard.CaptureScanner) (*lifeguard.CaptureReceipt, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := monitorAccount(a); err != nil {
		return nil, err
	}
	if scan == nil {
		return nil, fmt.Errorf("record captures: no scanner")
	}
	now := db.now()
	in = slices.Clone(in)
	if ps := lifeguard.ValidateCaptures(in, now); len(ps) > 0 {
		return nil, lifeguard.Invalid("The captures are not valid", ps)
	}
	org := a.OrganisationID
	var (
		settings *lifeguard.MonitorSettings
		excl     []lifeguard.CaptureExclusion
	)
	err = db.inRead(ctx, "monitor settings for captures", func(tx *tx) error {
		var err error
		if settings, err = readMonitorSettings(ctx, tx, org); err != nil {
			return err
		}
		excl, err = readExclusions(ctx, tx, org)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := &lifeguard.CaptureReceipt{Accepted: len(in)}
	var kept []keptCapture
	for _, c := range in {
		if settings.Excludes(c.Site) {
			out.Excluded++
			continue
		}
		ms := slices.DeleteFunc(scan(c.Text, c.Site), func(m lifeguard.CaptureMatch) bool {
			for i := range excl {
				if excl[i].Covers(&m, c.Site) {
					return true
				}
			}
			return !m.Category.Valid() || m.Severity < 1 || m.Severity > 5 || m.Start < 0 || m.End > len(c.Text) ||
				m.Start > m.End
		})
		if len(ms) == 0 {
			continue
		}
		p := lifeguard.PrimaryMatch(ms)
		k := keptCapture{in: c, primary: ms[p]}
		k.context, k.matches = lifeguard.CutCaptureContext(c.Text, ms, p)
		kept = append(kept, k)
	}
	if len(kept) == 0 {
		return out, nil
	}
	deleteAfter := now.AddDate(0, 0, settings.RetentionDays)
	err = db.inWrite(ctx, "record captures", func(tx *tx) error {
		out.Matched, out.Duplicates = 0, 0
		var ids []int64
		for _, k := range kept {
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM monitor_captures WHERE organisation_id = ? AND ref = ?`,
				org, k.in.ID).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				out.Duplicates++
				continue
			}
			matches, err := json.Marshal(k.matches)
			if err != nil {
				return err
			}
			id, err := tx.insert(ctx, `INSERT INTO monitor_captures (organisation_id, ref, at, kind, site, url, device,
				user_label, context, matches, category, severity, entry_id, phrase, delete_after, received_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, org, k.in.ID,
				micros(k.in.Time.UTC().Truncate(time.Microsecond)), string(k.in.Kind), k.in.Site, k.in.URL, k.in.Device,
				k.in.User, k.context, string(matches), string(k.primary.Category), k.primary.Severity, k.primary.EntryID,
				k.primary.Phrase, micros(deleteAfter), micros(now))
			if err != nil {
				return err
			}
			ids = append(ids, id)
			out.Matched++
			if _, err := tx.exec(ctx, `INSERT INTO monitor_capture_counts (organisation_id, day, category, n)
				VALUES (?, ?, ?, 1) ON CONFLICT (organisation_id, day, category)
				DO UPDATE SET n = monitor_capture_counts.n + 1`, org, now.Unix()/86400,
				string(k.primary.Category)); err != nil {
				return err
			}
			if k.primary.Severity >= lifeguard.CaptureAlertSeverity {
				if err := alertCapture(ctx, tx, now, org, id, k.in.Device, k.in.Time); err != nil {
					return err
				}
			}
		}
		if len(ids) == 0 {
			return nil
		}
		return journal(ctx, tx, a, now, jCreate, jCapture, ids[0], "ids="+idList(ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// alertCapture tells the organisation's DSLs and deputies, and the
// webhooks listening for captures, of capture id at once. A child who
// types the same thing again and again should not bury the lead in email:
// one alert per device and clock hour reaches each recipient (the dedupe
// key holds a hash of the device's label, never the label). The message
// names the capture by id only.
func alertCapture(ctx context.Context, t *tx, now time.Time, org, id int64, device string, at time.Time) error {
	users, err := wantingLeads(ctx, t, org, "p.immediate")
	if err != nil {
		return err
	}
	hooks, err := webhooksFor(ctx, t, org, lifeguard.AlertCapture)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(device))
	key := fmt.Sprintf("capture:%d:%s:%d", org, hex.EncodeToString(sum[:8]), at.UTC().Truncate(time.Hour).Unix())
	base := lifeguard.OutboxMessage{Kind: lifeguard.AlertCapture, OrganisationID: org, RecordID: id,
		Urgency: lifeguard.Immediate}
	msgs := make([]lifeguard.OutboxMessage, 0, len(users)+len(hooks))
	for _, u := range users {
		m := base
		m.Channel, m.UserID, m.DedupeKey = lifeguard.ChannelEmail, u, fmt.Sprintf("%s:u%d", key, u)
		msgs = append(msgs, m)
	}
	for _, w := range hooks {
		m := base
		m.Channel, m.WebhookID, m.DedupeKey = lifeguard.ChannelWebhook, w, fmt.Sprintf("%s:w%d", key, w)
		msgs = append(msgs, m)
	}
	return enqueue(ctx, t, lifeguard.ActorFrom(ctx), now, msgs...)
}

const captureColumns = `id, organisation_id, ref, at, kind, site, url, device, user_label, context, matches, category,
	severity, entry_id, phrase, verdict, note, reviewed_by, reviewed_at, concern_id, delete_after, received_at`

func scanCapture(scan func(...any) error) (*lifeguard.Capture, error) {
	var (
		c                         lifeguard.Capture
		kind, matches, category   string
		at, deleteAfter, received int64
		by, reviewed, concern     sql.NullInt64
	)
	if err := scan(&c.ID, &c.OrganisationID, &c.Ref, &at, &kind, &c.Site, &c.URL, &c.Device, &c.User, &c.Context,
		&matches, &category, &c.Severity, &c.EntryID, &c.Phrase, &c.Verdict, &c.Note, &by, &reviewed, &concern,
		&deleteAfter, &received); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(matches), &c.Matches); err != nil {
		return nil, fmt.Errorf("capture %d: matches: %w", c.ID, err)
	}
	c.Kind, c.Category = lifeguard.CaptureKind(kind), lifeguard.MonitorCategory(category)
	c.Time, c.DeleteAfter, c.ReceivedAt = fromMicros(at), fromMicros(deleteAfter), fromMicros(received)
	if by.Valid {
		c.ReviewedBy = &by.Int64
	}
	if concern.Valid {
		c.ConcernID = &concern.Int64
	}
	c.ReviewedAt = timePtr(reviewed)
	return &c, nil
}

// captureVerdictFilter turns a filter's verdict into its SQL condition.
func captureVerdictFilter(v string) (string, []any, error) {
	switch v {
	case "", "unreviewed":
		return ` AND verdict = ?`, []any{lifeguard.VerdictNone}, nil
	case lifeguard.VerdictTrue, lifeguard.VerdictFalse:
		return ` AND verdict = ?`, []any{v}, nil
	case "all":
		return "", nil, nil
	}
	return "", nil, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "verdict",
		Problem: "must be unreviewed, true, false or all"}})
}

// Captures lists the organisation's captures for its DSL: the review
// queue, the most severe first, then the newest. The list is journaled by
// id, as a list of concerns is.
func (db *DB) Captures(ctx context.Context, f lifeguard.CaptureFilter) ([]lifeguard.Capture, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := captureDSL(a); err != nil {
		return nil, err
	}
	cond, args, err := captureVerdictFilter(f.Verdict)
	if err != nil {
		return nil, err
	}
	switch {
	case f.Limit == 0:
		f.Limit = 200
	case f.Limit < 1 || f.Limit > 500:
		return nil, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "limit", Problem: "must be from 1 to 500"}})
	}
	var out []lifeguard.Capture
	err = db.inWrite(ctx, "captures", func(tx *tx) error {
		var err error
		out, err = scanAll(ctx, tx, `SELECT `+captureColumns+` FROM monitor_captures WHERE organisation_id = ?`+cond+
			` ORDER BY severity DESC, at DESC, id DESC LIMIT ?`, slices.Concat([]any{a.OrganisationID}, args, []any{f.Limit}),
			scanCapture)
		if err != nil || len(out) == 0 || a.IsSystem() {
			return err
		}
		ids := make([]int64, len(out))
		for i := range out {
			ids[i] = out[i].ID
		}
		return journal(ctx, tx, a, db.now(), jList, jCapture, 0, "ids="+idList(ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// captureFor reads capture id and checks that a may see it: another
// organisation's answers as one that does not exist.
func captureFor(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64) (*lifeguard.Capture, error) {
	if err := captureDSL(a); err != nil {
		return nil, err
	}
	c, err := scanCapture(tx.row(ctx, `SELECT `+captureColumns+` FROM monitor_captures WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) || err == nil && !a.IsSystem() && c.OrganisationID != a.OrganisationID {
		return nil, errNoCapture()
	}
	return c, err
}

// Capture returns one capture, journaled as read.
func (db *DB) Capture(ctx context.Context, id int64) (*lifeguard.Capture, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var c *lifeguard.Capture
	err = db.inWrite(ctx, "capture", func(tx *tx) error {
		if c, err = captureFor(ctx, tx, a, id); err != nil {
			return err
		}
		return journal(ctx, tx, a, db.now(), jRead, jCapture, id, "")
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// review sets capture c's verdict and note, and when it is deleted: a true
// positive TrueRetentionDays from now, the rest RetentionDays from when it
// was received.
func review(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, c *lifeguard.Capture, verdict, note string,
	concern *int64) error {
	s, err := readMonitorSettings(ctx, tx, c.OrganisationID)
	if err != nil {
		return err
	}
	c.DeleteAfter = c.ReceivedAt.AddDate(0, 0, s.RetentionDays)
	if verdict == lifeguard.VerdictTrue {
		c.DeleteAfter = now.AddDate(0, 0, s.TrueRetentionDays)
	}
	c.Verdict, c.Note, c.ReviewedAt = verdict, note, &now
	if a.UserID != 0 {
		c.ReviewedBy = &a.UserID
	}
	if concern != nil {
		c.ConcernID = concern
	}
	if _, err := tx.exec(ctx, `UPDATE monitor_captures SET verdict = ?, note = ?, reviewed_by = ?, reviewed_at = ?,
		concern_id = ?, delete_after = ? WHERE id = ?`, verdict, note, nullID(a.UserID), micros(now),
		nullablePtr(c.ConcernID), micros(c.DeleteAfter), c.ID); err != nil {
		return err
	}
	detail := "verdict=" + verdict
	if concern != nil {
		detail += fmt.Sprintf(" concern=%d", *concern)
	}
	return journal(ctx, tx, a, now, jUpdate, jCapture, c.ID, detail)
}

// ReviewCapture records the DSL's verdict on a capture.
func (db *DB) ReviewCapture(ctx context.Context, id int64, verdict, note string) (*lifeguard.Capture, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := captureDSL(a); err != nil {
		return nil, err
	}
	var p problems
	if verdict != lifeguard.VerdictTrue && verdict != lifeguard.VerdictFalse {
		p.add("verdict", "must be true or false")
	}
	p.text("note", note, lifeguard.MaxCaptureNote, false)
	if err := p.err("The review is not valid"); err != nil {
		return nil, err
	}
	var c *lifeguard.Capture
	err = db.inWrite(ctx, "review capture", func(tx *tx) error {
		if c, err = captureFor(ctx, tx, a, id); err != nil {
			return err
		}
		if c.ConcernID != nil && verdict != lifeguard.VerdictTrue {
			return lifeguard.Errorf(lifeguard.ECONFLICT,
				"A concern was recorded from this capture; it stays a true positive.")
		}
		return review(ctx, tx, a, db.now(), c, verdict, note, nil)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// RecordCaptureConcern records a concern from a capture and marks the
// capture a true positive linked to it, in one transaction, so that a
// concern never exists without its capture marked, nor the reverse.
func (db *DB) RecordCaptureConcern(ctx context.Context, id int64, nc lifeguard.NewConcern) (*lifeguard.Concern, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := captureDSL(a); err != nil {
		return nil, err
	}
	if err := canCreateConcern(a); err != nil {
		return nil, err
	}
	var p problems
	p.facts(&nc)
	p.triage(&nc.Triage)
	if nc.ChildID != 0 || nc.ChildRef != "" {
		p.add("child_id", "a concern from a capture names no child; change its facts once you know who it is")
	}
	if err := p.err("The concern is not valid"); err != nil {
		return nil, err
	}
	normaliseTriage(&nc.Triage)
	var out *lifeguard.Concern
	err = db.inWrite(ctx, "record capture concern", func(tx *tx) error {
		c, err := captureFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		if c.ConcernID != nil {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "A concern has already been recorded from this capture.")
		}
		now := db.now()
		out = &lifeguard.Concern{OrganisationID: c.OrganisationID, ReporterID: a.UserID, Status: lifeguard.StatusNew,
			Facts: nc.Facts, Triage: nc.Triage, Due: dueOf(&nc.Triage, nil)}
		if err := insertConcern(ctx, tx, a, now, out, fmt.Sprintf("source=capture capture=%d", c.ID)); err != nil {
			return err
		}
		return review(ctx, tx, a, now, c, lifeguard.VerdictTrue, c.Note, &out.ID)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// IgnoreCapturePhrase makes an exclusion of the capture's entry on its
// site; the capture, if not reviewed, becomes a false positive.
func (db *DB) IgnoreCapturePhrase(ctx context.Context, id int64) (*lifeguard.CaptureExclusion, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var x *lifeguard.CaptureExclusion
	err = db.inWrite(ctx, "ignore capture phrase", func(tx *tx) error {
		c, err := captureFor(ctx, tx, a, id)
		if err != nil {
			return err
		}
		now := db.now()
		x, err = scanExclusion(tx.row(ctx, `SELECT id, organisation_id, entry_id, phrase, site, created_by, created_at
			FROM monitor_exclusions WHERE organisation_id = ? AND entry_id = ? AND site = ?`,
			c.OrganisationID, c.EntryID, c.Site).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			x = &lifeguard.CaptureExclusion{OrganisationID: c.OrganisationID, EntryID: c.EntryID, Phrase: c.Phrase,
				Site: c.Site, CreatedBy: a.UserID, CreatedAt: now}
			x.ID, err = tx.insert(ctx, `INSERT INTO monitor_exclusions (organisation_id, entry_id, phrase, site,
				created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`, x.OrganisationID, x.EntryID, x.Phrase, x.Site,
				nullID(a.UserID), micros(now))
			if err != nil {
				return err
			}
			if err := journal(ctx, tx, a, now, jCreate, "capture_exclusion", x.ID,
				fmt.Sprintf("capture=%d entry=%s", c.ID, c.EntryID)); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if c.Verdict != lifeguard.VerdictNone {
			return nil
		}
		return review(ctx, tx, a, now, c, lifeguard.VerdictFalse, "The phrase is ignored on this site from now on.", nil)
	})
	if err != nil {
		return nil, err
	}
	return x, nil
}

// CaptureExclusions lists the organisation's exclusions for its DSL.
func (db *DB) CaptureExclusions(ctx context.Context) ([]lifeguard.CaptureExclusion, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := captureDSL(a); err != nil {
		return nil, err
	}
	var out []lifeguard.CaptureExclusion
	err = db.inRead(ctx, "capture exclusions", func(tx *tx) error {
		out, err = readExclusions(ctx, tx, a.OrganisationID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// captureCounts tallies the captures kept in days [from, to] by category,
// for a report of partnership q.PartnershipID or organisation
// q.OrganisationID.
func captureCounts(ctx context.Context, tx *tx, q lifeguard.ReportQuery, from, to int64) ([]lifeguard.Tally, error) {
	scope, args := `o.partnership_id = ?`, []any{q.PartnershipID}
	if q.OrganisationID != 0 {
		scope, args = scope+` AND o.id = ?`, append(args, q.OrganisationID)
	}
	return scanAll(ctx, tx, `SELECT c.category, SUM(c.n) FROM monitor_capture_counts c
		JOIN organisations o ON o.id = c.organisation_id
		WHERE `+scope+` AND c.day >= ? AND c.day <= ? GROUP BY c.category ORDER BY c.category`,
		append(args, from, to), func(scan func(...any) error) (*lifeguard.Tally, error) {
			var t lifeguard.Tally
			return &t, scan(&t.Key, &t.N)
		})
}
