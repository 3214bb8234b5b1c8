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

// Referrals carry one route of a concern to the agency the partnership's
// directory names for it (referral.go in the root package). What is sent
// is a snapshot built here from the concern, the child's record and its
// chronology, as the referring DSL chose, so the receiving agency reads
// that and never the referrer's records. Each step is journaled against
// the referral; sending it is also journaled against the concern and the
// child, as a disclosure of their records to the other agency.

// jReferral is the journal record of a referral.
const jReferral = "referral"

const referralColumns = `r.id, r.concern_id, r.route, r.agency, r.from_organisation_id, org_from.name,
	r.to_organisation_id, org_to.name, r.status, r.parts, r.sent_at, r.phoned_at, r.phone_note, r.acknowledged_at,
	r.decided_at, r.outcome, r.decision_note, r.considered_at, r.harm_threshold_met, r.retention, r.due_by`

const referralFrom = ` FROM referrals r JOIN organisations org_from ON org_from.id = r.from_organisation_id
	JOIN organisations org_to ON org_to.id = r.to_organisation_id`

func scanReferral(scan func(...any) error) (*lifeguard.Referral, error) {
	var r lifeguard.Referral
	var route, agency, status, parts string
	var sent, due int64
	var phoned, acked, decided, considered sql.NullInt64
	var met sql.NullBool
	var outcome string
	if err := scan(&r.ID, &r.ConcernID, &route, &agency, &r.FromOrgID, &r.FromOrgName, &r.ToOrgID, &r.ToOrgName,
		&status, &parts, &sent, &phoned, &r.PhoneNote, &acked, &decided, &outcome, &r.DecisionNote, &considered,
		&met, &r.Retention, &due); err != nil {
		return nil, err
	}
	r.Route, r.Agency, r.Status = lifeguard.RouteCode(route), lifeguard.ReferralAgency(agency), lifeguard.ReferralStatus(status)
	r.Outcome, r.SentAt, r.DueBy = lifeguard.ReferralOutcome(outcome), fromMicros(sent), fromMicros(due)
	r.PhonedAt, r.AcknowledgedAt, r.DecidedAt, r.ConsideredAt = timePtr(phoned), timePtr(acked), timePtr(decided), timePtr(considered)
	if met.Valid {
		r.HarmThresholdMet = &met.Bool
	}
	if err := json.Unmarshal([]byte(parts), &r.Parts); err != nil {
		return nil, fmt.Errorf("referral %d: parts: %w", r.ID, err)
	}
	r.Messages = []lifeguard.ReferralMessage{}
	return &r, nil
}

// loadReferral reads referral id with its messages, and its snapshot when
// withSnapshot; ENOTFOUND when there is none. check runs on the row before
// anything else is read.
func loadReferral(ctx context.Context, tx *tx, id int64, withSnapshot bool, check func(*lifeguard.Referral) error) (*lifeguard.Referral, error) {
	var snap string
	row := tx.row(ctx, `SELECT `+referralColumns+`, r.snapshot`+referralFrom+` WHERE r.id = ?`, id)
	r, err := scanReferral(func(dest ...any) error { return row.Scan(append(dest, &snap)...) })
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoReferral()
	}
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(r); err != nil {
			return nil, err
		}
	}
	if withSnapshot {
		r.Snapshot = &lifeguard.ReferralSnapshot{}
		if err := json.Unmarshal([]byte(snap), r.Snapshot); err != nil {
			return nil, fmt.Errorf("referral %d: snapshot: %w", id, err)
		}
	}
	err = each(ctx, tx, `SELECT m.id, m.kind, m.organisation_id, o.name, m.text, m.at FROM referral_messages m
		JOIN organisations o ON o.id = m.organisation_id WHERE m.referral_id = ? ORDER BY m.id`, []any{id},
		func(scan func(...any) error) error {
			var m lifeguard.ReferralMessage
			var kind string
			var at int64
			if err := scan(&m.ID, &kind, &m.FromOrgID, &m.FromOrgName, &m.Text, &at); err != nil {
				return err
			}
			m.Kind, m.At = lifeguard.MessageKind(kind), fromMicros(at)
			r.Messages = append(r.Messages, m)
			return nil
		})
	return r, err
}

// forSide hides from the receiving agency what is the referrer's own: the
// id of the concern, which names a record it cannot read.
func forSide(a *lifeguard.Actor, r *lifeguard.Referral) *lifeguard.Referral {
	if !a.IsSystem() && a.OrganisationID != r.FromOrgID {
		r.ConcernID = 0
	}
	return r
}

// SendReferral sends a route of a concern to the organisation that the
// partnership's directory names for it.
func (db *DB) SendReferral(ctx context.Context, in lifeguard.NewReferral) (*lifeguard.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Referral
	err = db.inWrite(ctx, "send referral", func(tx *tx) error {
		c, err := loadConcern(ctx, tx, in.ConcernID, func(c *lifeguard.Concern) error {
			return checkSendReferral(a, c.OrganisationID, c.ReporterID, c.Status)
		})
		if err != nil {
			return err
		}
		now := db.now()
		var partnership int64
		var phone string
		if err := tx.row(ctx, `SELECT partnership_id, safeguarding_phone FROM organisations WHERE id = ?`,
			c.OrganisationID).Scan(&partnership, &phone); err != nil {
			return err
		}
		var p problems
		p.check("route", string(in.Route))
		agency, referable := lifeguard.ReferralAgencyOf(in.Route)
		var to int64
		switch {
		case len(p) > 0:
		case in.Route == "":
			p.add("route", "is required")
		case !referable:
			p.add("route", "%s is not a route sent to another agency; the routes sent are %s", in.Route,
				codeList(lifeguard.ReferralRoutes()))
		case !concernHasRoute(c, in.Route):
			p.add("route", "%s is not a route of this concern; add it to the concern first", in.Route)
		default:
			err := tx.row(ctx, `SELECT organisation_id FROM referral_routes WHERE partnership_id = ? AND route = ?`,
				partnership, string(in.Route)).Scan(&to)
			if errors.Is(err, sql.ErrNoRows) {
				p.add("route", "the partnership's directory names no organisation that receives %s; ask the partnership officer",
					in.Route)
			} else if err != nil {
				return err
			} else if to == c.OrganisationID {
				p.add("route", "the partnership's directory names your own organisation as receiving %s", in.Route)
			}
		}
		p.text("phone_note", in.PhoneNote, lifeguard.MaxPhoneNote, false)
		if in.PhonedAt != nil && in.PhonedAt.After(now) {
			p.add("phoned_at", "is in the future")
		}
		if in.PhonedAt == nil && strings.TrimSpace(in.PhoneNote) != "" {
			p.add("phoned_at", "is required when the phone call is described")
		}
		if !in.DueBy.After(now) {
			p.add("due_by", "must be after the time of sending: one working day after it")
		}
		if d := in.Parts.ChronologySince; !d.IsZero() && !realDate(d) {
			p.add("parts.chronology_since", "is not a real date")
		}
		var born, pension any
		if b := in.SubjectBorn; b != nil {
			today := lifeguard.DateOf(now)
			switch {
			case agency != lifeguard.AgencyLADO:
				p.add("subject_date_of_birth", "is for a referral to the LADO of an allegation against an adult only")
			case !realDate(*b):
				p.add("subject_date_of_birth", "is not a real date")
			case today.Before(lifeguard.DateOf(b.In(time.UTC).AddDate(16, 0, 0))):
				p.add("subject_date_of_birth", "must be at least 16 years ago: the date of birth of the adult concerned")
			case b.Before(lifeguard.DateOf(now.AddDate(-100, 0, 0))):
				p.add("subject_date_of_birth", "must be within the last 100 years")
			default:
				born, pension = b.String(), micros(lifeguard.StatePensionDate(*b).In(time.UTC))
			}
		}
		if err := p.err("The referral is not valid"); err != nil {
			return err
		}
		var sent int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM referrals WHERE concern_id = ? AND route = ?`, c.ID,
			string(in.Route)).Scan(&sent); err != nil {
			return err
		}
		if sent > 0 {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "This route of the concern has already been sent.")
		}
		snap, err := referralSnapshot(ctx, tx, a, c, in.Parts, phone)
		if err != nil {
			return err
		}
		snapJSON, err := json.Marshal(snap)
		if err != nil {
			return fmt.Errorf("referral snapshot: %w", err)
		}
		parts, err := json.Marshal(in.Parts)
		if err != nil {
			return fmt.Errorf("referral parts: %w", err)
		}
		var phoned any
		if in.PhonedAt != nil {
			phoned = micros(trunc(*in.PhonedAt))
		}
		retention := ""
		if agency == lifeguard.AgencyLADO {
			retention = lifeguard.RetentionAllegation
		}
		id, err := tx.insert(ctx, `INSERT INTO referrals (concern_id, route, agency, from_organisation_id,
			to_organisation_id, status, parts, snapshot, sent_by, sent_at, due_by, phoned_at, phone_note, retention,
			subject_born, subject_pension_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, string(in.Route), string(agency), c.OrganisationID, to,
			string(lifeguard.ReferralSent), string(parts), string(snapJSON), nullID(a.UserID), micros(now),
			micros(trunc(in.DueBy)), phoned, in.PhoneNote, retention, born, pension)
		if err != nil {
			return err
		}
		detail := fmt.Sprintf("route=%s to=%d parts=%s", in.Route, to, partList(in.Parts))
		if err := journal(ctx, tx, a, now, jCreate, jReferral, id, detail); err != nil {
			return err
		}
		// The disclosure, against the records it discloses.
		if err := journal(ctx, tx, a, now, jRead, jConcern, c.ID, fmt.Sprintf("disclosed referral=%d to=%d", id, to)); err != nil {
			return err
		}
		if in.Parts.Child && c.ChildID != nil {
			if err := journal(ctx, tx, a, now, jRead, jChild, *c.ChildID,
				fmt.Sprintf("disclosed referral=%d to=%d", id, to)); err != nil {
				return err
			}
		}
		if err := alertReferral(ctx, tx, a, now, lifeguard.AlertReferral, to, id); err != nil {
			return err
		}
		out, err = loadReferral(ctx, tx, id, true, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// concernHasRoute reports whether the triage gave route or a DSL added it.
func concernHasRoute(c *lifeguard.Concern, route lifeguard.RouteCode) bool {
	if c.Triage.HasRoute(route) {
		return true
	}
	return slices.ContainsFunc(c.AddedRoutes, func(x lifeguard.AddedRoute) bool { return x.Route.Code == route })
}

// partList writes the chosen parts for a journal detail.
func partList(p lifeguard.ReferralParts) string {
	parts := []string{"facts"}
	for _, x := range []struct {
		on   bool
		name string
	}{{p.Words, "words"}, {p.Decisions, "decisions"}, {p.Child, "child"}, {p.Chronology, "chronology"}} {
		if x.on {
			parts = append(parts, x.name)
		}
	}
	return strings.Join(parts, ",")
}

// referralSnapshot builds what is sent of concern c.
func referralSnapshot(ctx context.Context, tx *tx, a *lifeguard.Actor, c *lifeguard.Concern, parts lifeguard.ReferralParts,
	phone string) (*lifeguard.ReferralSnapshot, error) {
	s := &lifeguard.ReferralSnapshot{Facts: c.Facts, SafeguardingPhone: phone, SentByName: "Lifeguard"}
	s.Facts.Description = ""
	if parts.Words {
		s.Words = c.Facts.Description
	}
	s.Routes = append(s.Routes, c.Triage.Routes...)
	for _, x := range c.AddedRoutes {
		s.Routes = append(s.Routes, x.Route)
	}
	if parts.Decisions {
		for _, d := range c.Decisions {
			s.Decisions = append(s.Decisions, lifeguard.ReferralDecision{Route: d.Route, Decision: d.Decision,
				Reason: d.Reason, Reference: d.Reference, DecidedAt: d.DecidedAt})
		}
	}
	if a.UserID != 0 {
		if err := tx.row(ctx, `SELECT name FROM users WHERE id = ?`, a.UserID).Scan(&s.SentByName); err != nil {
			return nil, err
		}
	}
	if c.ChildID == nil {
		return s, nil
	}
	if parts.Child {
		ch, err := scanChild(tx.row(ctx, `SELECT `+childColumns+` FROM children WHERE id = ?`, *c.ChildID).Scan)
		if err != nil {
			return nil, err
		}
		ch.ID, ch.OrganisationID, ch.MergedInto = 0, 0, nil
		s.Child = ch
	}
	if parts.Chronology {
		var cs []chron
		add := func(at int64, kind string, concern *int64, summary string, _ sql.NullInt64, role sql.NullString, id int64) {
			// The receiver knows no concern of the referrer's by id.
			cs = append(cs, chron{ChronologyEntry: lifeguard.ChronologyEntry{At: fromMicros(at), Kind: kind,
				Summary: summary, ActorRole: lifeguard.Role(role.String)}, rank: chronRank(kind), id: id})
		}
		if _, err := chronologyConcerns(ctx, tx, *c.ChildID, add); err != nil {
			return nil, err
		}
		slices.SortFunc(cs, compareChron)
		since := time.Time{}
		if !parts.ChronologySince.IsZero() {
			since = parts.ChronologySince.In(time.UTC)
		}
		for _, x := range cs {
			if !x.At.Before(since) {
				s.Chronology = append(s.Chronology, x.ChronologyEntry)
			}
		}
	}
	return s, nil
}

// alertReferral tells the DSLs of organisation org, at once, and its
// webhooks listening for kind, of referral id: ids only.
func alertReferral(ctx context.Context, t *tx, a *lifeguard.Actor, now time.Time, kind lifeguard.AlertKind, org, id int64) error {
	base := lifeguard.OutboxMessage{Kind: kind, OrganisationID: org, RecordID: id, Urgency: lifeguard.SameWorkingDay}
	users, err := newConcernRecipients(ctx, t, org, lifeguard.SameWorkingDay)
	if err != nil {
		return err
	}
	hooks, err := webhooksFor(ctx, t, org, kind)
	if err != nil {
		return err
	}
	var msgs []lifeguard.OutboxMessage
	for _, u := range users {
		m := base
		m.Channel, m.UserID = lifeguard.ChannelEmail, u
		msgs = append(msgs, m)
	}
	for _, h := range hooks {
		m := base
		m.Channel, m.WebhookID = lifeguard.ChannelWebhook, h
		msgs = append(msgs, m)
	}
	detail, err := enqueueQuiet(ctx, t, now, msgs...)
	if err != nil || detail == "" {
		return err
	}
	return journal(ctx, t, a, now, jCreate, jReferral, id, detail)
}

// Referrals lists the referrals sent by and to the actor's organisation:
// open ones first, then the newest. Journaled as one list naming them.
func (db *DB) Referrals(ctx context.Context) ([]lifeguard.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := canListReferrals(a); err != nil {
		return nil, err
	}
	q, args := `SELECT `+referralColumns+referralFrom+` WHERE 1 = 1`, []any{}
	if !a.IsSystem() || a.OrganisationID != 0 {
		q += ` AND (r.from_organisation_id = ? OR r.to_organisation_id = ?)`
		args = append(args, a.OrganisationID, a.OrganisationID)
	}
	q += ` ORDER BY CASE WHEN r.status = 'decided' THEN 1 ELSE 0 END, r.sent_at DESC, r.id DESC`
	var out []lifeguard.Referral
	err = db.inWrite(ctx, "referrals", func(tx *tx) error {
		if out, err = scanAll(ctx, tx, q, args, scanReferral); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i := range out {
			ids[i] = out[i].ID
			forSide(a, &out[i])
		}
		return journal(ctx, tx, a, db.now(), jList, jReferral, 0, "ids="+idList(ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ConcernReferrals lists the referrals of a concern, for a DSL of its
// organisation (the concern's own access otherwise).
func (db *DB) ConcernReferrals(ctx context.Context, concernID int64) ([]lifeguard.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.Referral
	err = db.inWrite(ctx, "concern referrals", func(tx *tx) error {
		var org, reporter int64
		var status string
		err := tx.row(ctx, `SELECT organisation_id, reporter_id, status FROM concerns WHERE id = ?`, concernID).
			Scan(&org, &reporter, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoConcern()
		}
		if err != nil {
			return err
		}
		if err := checkConcern(a, readConcern, org, reporter, lifeguard.ConcernStatus(status)); err != nil {
			return err
		}
		if !a.May(lifeguard.OpReadReferral).Covers(a.Near(0, org, 0)) {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead sees referrals.")
		}
		if out, err = scanAll(ctx, tx, `SELECT `+referralColumns+referralFrom+` WHERE r.concern_id = ? ORDER BY r.id`,
			[]any{concernID}, scanReferral); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i := range out {
			ids[i] = out[i].ID
		}
		return journal(ctx, tx, a, db.now(), jList, jReferral, 0, fmt.Sprintf("concern=%d ids=%s", concernID, idList(ids)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Referral returns a referral with what was sent and its messages, to a
// DSL of either side; journaled as a read, on the side that reads.
func (db *DB) Referral(ctx context.Context, id int64) (*lifeguard.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Referral
	err = db.inWrite(ctx, "read referral", func(tx *tx) error {
		r, err := loadReferral(ctx, tx, id, true, func(r *lifeguard.Referral) error {
			return checkReferral(a, readReferral, r.FromOrgID, r.ToOrgID)
		})
		if err != nil {
			return err
		}
		out = forSide(a, r)
		return journal(ctx, tx, a, db.now(), jRead, jReferral, id, "side="+side(a, r))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// side names the actor's side of r for the journal.
func side(a *lifeguard.Actor, r *lifeguard.Referral) string {
	switch {
	case a.IsSystem():
		return "system"
	case a.OrganisationID == r.ToOrgID:
		return "receiver"
	}
	return "referrer"
}

// changeReferral loads referral id for want, runs change on it inside the
// write, journals detail and returns the referral as it now is.
func (db *DB) changeReferral(ctx context.Context, op string, id int64, want referralAccess,
	change func(tx *tx, a *lifeguard.Actor, now time.Time, r *lifeguard.Referral) (string, error)) (*lifeguard.Referral, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Referral
	err = db.inWrite(ctx, op, func(tx *tx) error {
		r, err := loadReferral(ctx, tx, id, false, func(r *lifeguard.Referral) error {
			return checkReferral(a, want, r.FromOrgID, r.ToOrgID)
		})
		if err != nil {
			return err
		}
		now := db.now()
		detail, err := change(tx, a, now, r)
		if err != nil {
			return err
		}
		if err := journal(ctx, tx, a, now, jUpdate, jReferral, id, detail); err != nil {
			return err
		}
		// The referrer's side keeps the answer against its concern too.
		if want == answerReferral {
			if err := journal(ctx, tx, a, now, jUpdate, jConcern, r.ConcernID,
				fmt.Sprintf("referral=%d %s", id, detail)); err != nil {
				return err
			}
		}
		if out, err = loadReferral(ctx, tx, id, true, nil); err != nil {
			return err
		}
		forSide(a, out)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// errDecided is the answer to a change of a referral already decided.
func errDecided() error {
	return lifeguard.Errorf(lifeguard.ECONFLICT, "The referral has been decided; it takes no more answers.")
}

// acknowledge marks r acknowledged at now, when it is not yet.
func acknowledge(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, r *lifeguard.Referral) error {
	if r.AcknowledgedAt != nil {
		return nil
	}
	_, err := tx.exec(ctx, `UPDATE referrals SET acknowledged_by = ?, acknowledged_at = ?,
		status = CASE WHEN status = 'sent' THEN 'acknowledged' ELSE status END WHERE id = ? AND acknowledged_at IS NULL`,
		nullID(a.UserID), micros(now), r.ID)
	return err
}

// AcknowledgeReferral records that the receiving agency has the referral.
func (db *DB) AcknowledgeReferral(ctx context.Context, id int64) (*lifeguard.Referral, error) {
	return db.changeReferral(ctx, "acknowledge referral", id, answerReferral,
		func(tx *tx, a *lifeguard.Actor, now time.Time, r *lifeguard.Referral) (string, error) {
			if r.AcknowledgedAt != nil {
				return "", lifeguard.Errorf(lifeguard.ECONFLICT, "The referral has already been acknowledged.")
			}
			if err := acknowledge(ctx, tx, a, now, r); err != nil {
				return "", err
			}
			return "acknowledged", alertReferral(ctx, tx, a, now, lifeguard.AlertReferralAnswer, r.FromOrgID, r.ID)
		})
}

// ConsiderReferral records the LADO's initial consideration of an
// allegation: whether the harm threshold is met.
func (db *DB) ConsiderReferral(ctx context.Context, id int64, met bool) (*lifeguard.Referral, error) {
	return db.changeReferral(ctx, "consider referral", id, answerReferral,
		func(tx *tx, a *lifeguard.Actor, now time.Time, r *lifeguard.Referral) (string, error) {
			if r.Agency != lifeguard.AgencyLADO {
				return "", lifeguard.Invalid("The consideration is not valid", []lifeguard.Problem{{
					Path: "harm_threshold_met", Problem: "is considered only for a referral to the LADO"}})
			}
			if !r.Open() {
				return "", errDecided()
			}
			if err := acknowledge(ctx, tx, a, now, r); err != nil {
				return "", err
			}
			if _, err := tx.exec(ctx, `UPDATE referrals SET considered_at = ?, harm_threshold_met = ? WHERE id = ?`,
				micros(now), met, r.ID); err != nil {
				return "", err
			}
			return fmt.Sprintf("considered harm_threshold_met=%t", met), nil
		})
}

// AnswerReferral records the agency's decision and tells the referrer.
func (db *DB) AnswerReferral(ctx context.Context, id int64, in lifeguard.ReferralAnswer) (*lifeguard.Referral, error) {
	return db.changeReferral(ctx, "answer referral", id, answerReferral,
		func(tx *tx, a *lifeguard.Actor, now time.Time, r *lifeguard.Referral) (string, error) {
			var p problems
			p.check("outcome", string(in.Outcome))
			switch {
			case len(p) > 0:
			case in.Outcome == "":
				p.add("outcome", "is required")
			case !r.Agency.HasOutcome(in.Outcome):
				codes := make([]lifeguard.ReferralOutcome, 0, 6)
				for _, o := range r.Agency.Outcomes() {
					codes = append(codes, o.Code)
				}
				p.add("outcome", "%q is not an outcome of %s; the outcomes are %s", in.Outcome, r.Agency.Label(), codeList(codes))
			case r.Agency == lifeguard.AgencyLADO && r.HarmThresholdMet == nil:
				p.add("outcome", "comes after the initial consideration: record first whether the harm threshold is met")
			case r.Agency == lifeguard.AgencyLADO && *r.HarmThresholdMet != (in.Outcome != lifeguard.OutcomeThresholdNotMet):
				if *r.HarmThresholdMet {
					p.add("outcome", "the harm threshold was met; choose the allegation's outcome")
				} else {
					p.add("outcome", "the harm threshold was not met; the outcome is %s", lifeguard.OutcomeThresholdNotMet)
				}
			}
			p.text("note", in.Note, lifeguard.MaxReferralMessage, false)
			if err := p.err("The decision is not valid"); err != nil {
				return "", err
			}
			if !r.Open() {
				return "", errDecided()
			}
			if err := acknowledge(ctx, tx, a, now, r); err != nil {
				return "", err
			}
			res, err := tx.exec(ctx, `UPDATE referrals SET status = ?, decided_by = ?, decided_at = ?, outcome = ?,
				decision_note = ? WHERE id = ? AND status <> ?`, string(lifeguard.ReferralDecided), nullID(a.UserID),
				micros(now), string(in.Outcome), in.Note, r.ID, string(lifeguard.ReferralDecided))
			if err != nil {
				return "", err
			}
			if n, err := res.RowsAffected(); err != nil {
				return "", err
			} else if n == 0 {
				return "", errDecided()
			}
			if r.Retention == lifeguard.RetentionAllegation && in.Outcome == lifeguard.OutcomeMalicious {
				// The guidance removes an allegation found malicious from
				// the person's history: what was sent and said goes now,
				// the outcome and its dates stay for the counts.
				if err := erase(ctx, tx, referralErasure, now, r.ID); err != nil {
					return "", err
				}
				if err := journal(ctx, tx, a, now, jErase, jRetention, r.ID, "referrals=1 malicious"); err != nil {
					return "", err
				}
			}
			return "decided outcome=" + string(in.Outcome),
				alertReferral(ctx, tx, a, now, lifeguard.AlertReferralAnswer, r.FromOrgID, r.ID)
		})
}

// AddReferralMessage adds a message to a referral: the agency asks for
// more information (and the referrer is alerted) or records an employer's
// action on a LADO referral; the referrer replies (and the agency is
// alerted).
func (db *DB) AddReferralMessage(ctx context.Context, id int64, kind lifeguard.MessageKind, text string) (*lifeguard.Referral, error) {
	want := answerReferral
	if kind == lifeguard.MessageReply {
		want = replyReferral
	}
	var p problems
	p.check("kind", string(kind))
	switch kind {
	case lifeguard.MessageRequest, lifeguard.MessageReply, lifeguard.MessageEmployerAction:
	default:
		if len(p) == 0 {
			p.add("kind", "must be request, reply or employer_action")
		}
	}
	p.text("text", text, lifeguard.MaxReferralMessage, true)
	if err := p.err("The message is not valid"); err != nil {
		return nil, err
	}
	return db.changeReferral(ctx, "referral message", id, want,
		func(tx *tx, a *lifeguard.Actor, now time.Time, r *lifeguard.Referral) (string, error) {
			status, alertOrg, alertKind := r.Status, int64(0), lifeguard.AlertKind("")
			switch kind {
			case lifeguard.MessageRequest:
				if !r.Open() {
					return "", errDecided()
				}
				status, alertOrg, alertKind = lifeguard.ReferralMoreInfo, r.FromOrgID, lifeguard.AlertReferralAnswer
			case lifeguard.MessageReply:
				if r.Status != lifeguard.ReferralMoreInfo {
					return "", lifeguard.Errorf(lifeguard.ECONFLICT, "The agency has not asked for more information.")
				}
				status, alertOrg, alertKind = lifeguard.ReferralAcknowledged, r.ToOrgID, lifeguard.AlertReferral
			case lifeguard.MessageEmployerAction:
				if r.Agency != lifeguard.AgencyLADO {
					return "", lifeguard.Invalid("The message is not valid", []lifeguard.Problem{{Path: "kind",
						Problem: "an employer's action is recorded only on a referral to the LADO"}})
				}
			}
			if want == answerReferral {
				if err := acknowledge(ctx, tx, a, now, r); err != nil {
					return "", err
				}
				if status == lifeguard.ReferralSent {
					status = lifeguard.ReferralAcknowledged
				}
			}
			// The side that writes: the agency, or the referrer for a
			// reply (also when Lifeguard itself writes for it).
			from := r.ToOrgID
			if kind == lifeguard.MessageReply {
				from = r.FromOrgID
			}
			mid, err := tx.insert(ctx, `INSERT INTO referral_messages (referral_id, kind, organisation_id, user_id, text, at)
				VALUES (?, ?, ?, ?, ?, ?)`, r.ID, string(kind), from, nullID(a.UserID), text, micros(now))
			if err != nil {
				return "", err
			}
			if _, err := tx.exec(ctx, `UPDATE referrals SET status = ? WHERE id = ?`, string(status), r.ID); err != nil {
				return "", err
			}
			if alertOrg != 0 {
				if err := alertReferral(ctx, tx, a, now, alertKind, alertOrg, r.ID); err != nil {
					return "", err
				}
			}
			return fmt.Sprintf("message=%d kind=%s", mid, kind), nil
		})
}

// ReferralDirectory lists which organisation receives each referral route
// in the actor's partnership.
func (db *DB) ReferralDirectory(ctx context.Context) ([]lifeguard.ReferralRoute, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := directoryAccess(a, false, a.PartnershipID); err != nil {
		return nil, err
	}
	return readAll(ctx, db, "referral directory", `SELECT d.route, d.organisation_id, o.name FROM referral_routes d
		JOIN organisations o ON o.id = d.organisation_id WHERE d.partnership_id = ? ORDER BY d.route`,
		[]any{a.PartnershipID}, func(scan func(...any) error) (*lifeguard.ReferralRoute, error) {
			var r lifeguard.ReferralRoute
			var route string
			if err := scan(&route, &r.OrganisationID, &r.Organisation); err != nil {
				return nil, err
			}
			r.Route = lifeguard.RouteCode(route)
			r.Agency, _ = lifeguard.ReferralAgencyOf(r.Route)
			return &r, nil
		})
}

// SetReferralReceiver names the organisation of partnership p that
// receives route; org 0 removes the row.
func (db *DB) SetReferralReceiver(ctx context.Context, p int64, route lifeguard.RouteCode, org int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if p == 0 && !a.IsSystem() {
		p = a.PartnershipID
	}
	if err := directoryAccess(a, true, p); err != nil {
		return err
	}
	var pr problems
	pr.check("route", string(route))
	if _, ok := lifeguard.ReferralAgencyOf(route); !ok && len(pr) == 0 {
		pr.add("route", "%s is not a route sent to another agency; the routes sent are %s", route,
			codeList(lifeguard.ReferralRoutes()))
	}
	if err := pr.err("The directory entry is not valid"); err != nil {
		return err
	}
	return db.inWrite(ctx, "set referral receiver", func(tx *tx) error {
		now := db.now()
		if _, err := tx.exec(ctx, `DELETE FROM referral_routes WHERE partnership_id = ? AND route = ?`, p,
			string(route)); err != nil {
			return err
		}
		if org != 0 {
			var op int64
			err := tx.row(ctx, `SELECT partnership_id FROM organisations WHERE id = ?`, org).Scan(&op)
			if errors.Is(err, sql.ErrNoRows) || err == nil && op != p {
				return lifeguard.Invalid("The directory entry is not valid", []lifeguard.Problem{{
					Path: "organisation_id", Problem: "is not an organisation of the partnership"}})
			}
			if err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO referral_routes (partnership_id, route, organisation_id, updated_by,
				updated_at) VALUES (?, ?, ?, ?, ?)`, p, string(route), org, nullID(a.UserID), micros(now)); err != nil {
				return err
			}
		}
		return journal(ctx, tx, a, now, jUpdate, "partnership", p, fmt.Sprintf("referral route=%s organisation=%d", route, org))
	})
}
