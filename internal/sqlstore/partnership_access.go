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

// Partnership-wide subject access requests (issue 19, item 3): the
// officer records one (OpStartPartnershipAccess) and the store matches the
// child typed against every register of the partnership; each
// organisation's DSL answers its part (OpAnswerPartnershipAccess). The
// journal holds ids and answers only: never the name typed, the
// requester's name or a reason's words.

const (
	jPartnershipAccess = "partnership_access"
	jPartnershipPart   = "partnership_access_part"
)

func errNoPartnershipAccess() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such partnership-wide request.")
}

// partnershipAccessAllowed decides whether a may do op to a record of
// organisation org (0: the partnership's own) of partnership p.
func partnershipAccessAllowed(a *lifeguard.Actor, op lifeguard.Op, org, p int64) error {
	switch reach := a.May(op); {
	case reach == lifeguard.ReachNone && op == lifeguard.OpStartPartnershipAccess:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the partnership officer starts a partnership-wide request.")
	case reach == lifeguard.ReachNone:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's designated safeguarding lead answers a partnership-wide request.")
	case !reach.Covers(a.Near(0, org, p)):
		return errNoPartnershipAccess()
	}
	return nil
}

// foldName is a name as it is compared: lower case, single spaces.
func foldName(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// StartPartnershipAccess records a request and asks every organisation of
// the partnership whose register holds a child of that name and date of
// birth.
func (db *DB) StartPartnershipAccess(ctx context.Context, in lifeguard.NewPartnershipAccess) (*lifeguard.PartnershipAccess, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsSystem() { // Lifeguard itself belongs to no partnership to ask
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the partnership officer starts a partnership-wide request.")
	}
	if err := partnershipAccessAllowed(a, lifeguard.OpStartPartnershipAccess, 0, a.PartnershipID); err != nil {
		return nil, err
	}
	in.ChildName, in.RequesterName, in.VerifiedNote = strings.TrimSpace(in.ChildName), strings.TrimSpace(in.RequesterName), strings.TrimSpace(in.VerifiedNote)
	now := db.now()
	today := lifeguard.DateOf(now)
	var p problems
	before := len(p)
	p.text("child_name", in.ChildName, lifeguard.MaxChildNameTyped, true)
	if len(p) == before && len(strings.Fields(in.ChildName)) < 2 {
		p.add("child_name", "must give the forename and the surname")
	}
	switch {
	case in.BornOn.IsZero():
		p.add("born_on", "is required")
	case today.Before(in.BornOn):
		p.add("born_on", "is after today")
	}
	requesterProblems(&p, in.Requester, in.RequesterName, in.ReceivedOn, today)
	if !slices.Contains(lifeguard.IdentityChecks(), in.Verified) {
		p.check("verified", string(in.Verified))
		p.add("verified", "must say how the identity was verified: known_in_person, photo_id, parental_responsibility, written_authority or other")
	}
	p.text("verified_note", in.VerifiedNote, lifeguard.MaxVerifiedNote, in.Verified == lifeguard.CheckOther)
	if err := p.err("The partnership-wide request is not valid"); err != nil {
		return nil, err
	}
	s := &lifeguard.PartnershipAccess{PartnershipID: a.PartnershipID, Requester: in.Requester, RequesterName: in.RequesterName,
		ReceivedOn: in.ReceivedOn, Verified: in.Verified, VerifiedNote: in.VerifiedNote,
		Due: lifeguard.AccessDeadline(in.ReceivedOn, false), StartedBy: a.UserID, StartedAt: now, Parts: []lifeguard.PartnershipAccessPart{}}
	want := foldName(in.ChildName)
	err = db.inWrite(ctx, "start partnership access", func(tx *tx) error {
		type match struct {
			child, org int64
			name       string
		}
		var found []match
		err := each(ctx, tx, `SELECT c.id, c.organisation_id, o.name, COALESCE(c.legal_forename, ''), COALESCE(c.preferred_forename, ''),
			COALESCE(c.legal_surname, '') FROM children c JOIN organisations o ON o.id = c.organisation_id
			WHERE o.partnership_id = ? AND c.date_of_birth = ? AND c.merged_into IS NULL ORDER BY o.name, c.id`,
			[]any{a.PartnershipID, in.BornOn.String()}, func(scan func(...any) error) error {
				var m match
				var legal, preferred, surname string
				if err := scan(&m.child, &m.org, &m.name, &legal, &preferred, &surname); err != nil {
					return err
				}
				if surname != "" && (foldName(legal+" "+surname) == want || (preferred != "" && foldName(preferred+" "+surname) == want)) {
					found = append(found, m)
				}
				return nil
			})
		if err != nil {
			return err
		}
		if s.ID, err = tx.insert(ctx, `INSERT INTO partnership_access (partnership_id, requester, requester_name, received_on,
			verified, verified_note, due_on, started_by, started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.PartnershipID, string(s.Requester), s.RequesterName, s.ReceivedOn.String(), string(s.Verified), s.VerifiedNote,
			s.Due.String(), nullID(a.UserID), micros(now)); err != nil {
			return err
		}
		orgs := make([]string, 0, len(found))
		for _, m := range found {
			part := lifeguard.PartnershipAccessPart{RequestID: s.ID, OrganisationID: m.org, Organisation: m.name,
				Answer: lifeguard.PartAsked, Due: s.Due, ReceivedOn: s.ReceivedOn}
			if part.ID, err = tx.insert(ctx, `INSERT INTO partnership_access_parts (request_id, organisation_id, child_id)
				VALUES (?, ?, ?)`, s.ID, m.org, m.child); err != nil {
				return err
			}
			s.Parts = append(s.Parts, part)
			orgs = append(orgs, fmt.Sprint(m.org))
		}
		return journal(ctx, tx, a, now, jCreate, jPartnershipAccess, s.ID, "asked="+strings.Join(orgs, ","))
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

const partnershipAccessColumns = `r.id, r.partnership_id, r.requester, r.requester_name, r.received_on, r.verified,
	r.verified_note, r.due_on, r.started_by, r.started_at`

func scanPartnershipAccess(scan func(...any) error) (*lifeguard.PartnershipAccess, error) {
	var s lifeguard.PartnershipAccess
	var requester, received, verified, due string
	var startedBy sql.NullInt64
	var started int64
	if err := scan(&s.ID, &s.PartnershipID, &requester, &s.RequesterName, &received, &verified, &s.VerifiedNote, &due,
		&startedBy, &started); err != nil {
		return nil, err
	}
	var err error
	if s.ReceivedOn, err = lifeguard.ParseDate(received); err != nil {
		return nil, fmt.Errorf("partnership access %d: received on: %w", s.ID, err)
	}
	if s.Due, err = lifeguard.ParseDate(due); err != nil {
		return nil, fmt.Errorf("partnership access %d: due on: %w", s.ID, err)
	}
	s.Requester, s.Verified, s.StartedBy, s.StartedAt = lifeguard.Requester(requester), lifeguard.IdentityCheck(verified), startedBy.Int64, fromMicros(started)
	s.Parts = []lifeguard.PartnershipAccessPart{}
	return &s, nil
}

const partColumns = `pp.id, pp.request_id, pp.organisation_id, o.name, pp.child_id, pp.answer, pp.decline_reason,
	pp.subject_access_id, COALESCE(sa.status, ''), r.due_on, r.received_on, pp.answered_at, o.partnership_id`

const partFrom = ` FROM partnership_access_parts pp JOIN partnership_access r ON r.id = pp.request_id
	JOIN organisations o ON o.id = pp.organisation_id LEFT JOIN subject_access sa ON sa.id = pp.subject_access_id`

// scanPart reads a row of partColumns and the organisation's partnership.
func scanPart(scan func(...any) error) (*lifeguard.PartnershipAccessPart, int64, error) {
	var pt lifeguard.PartnershipAccessPart
	var answer, status, due, received string
	var sar, answered sql.NullInt64
	var p int64
	if err := scan(&pt.ID, &pt.RequestID, &pt.OrganisationID, &pt.Organisation, &pt.ChildID, &answer, &pt.DeclineReason,
		&sar, &status, &due, &received, &answered, &p); err != nil {
		return nil, 0, err
	}
	var err error
	if pt.Due, err = lifeguard.ParseDate(due); err != nil {
		return nil, 0, fmt.Errorf("partnership access part %d: due on: %w", pt.ID, err)
	}
	if pt.ReceivedOn, err = lifeguard.ParseDate(received); err != nil {
		return nil, 0, fmt.Errorf("partnership access part %d: received on: %w", pt.ID, err)
	}
	pt.Answer, pt.SubjectAccessID, pt.AnsweredAt = lifeguard.PartAnswer(answer), sar.Int64, timePtr(answered)
	pt.Disclosed = status == string(lifeguard.AccessDisclosed)
	return &pt, p, nil
}

// PartnershipAccesses lists the officer's partnership's requests, latest
// first, each with its parts.
func (db *DB) PartnershipAccesses(ctx context.Context) ([]lifeguard.PartnershipAccess, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := partnershipAccessAllowed(a, lifeguard.OpStartPartnershipAccess, 0, a.PartnershipID); err != nil {
		return nil, err
	}
	out := []lifeguard.PartnershipAccess{}
	err = db.inRead(ctx, "partnership accesses", func(tx *tx) error {
		err := each(ctx, tx, `SELECT `+partnershipAccessColumns+` FROM partnership_access r WHERE r.partnership_id = ?
			ORDER BY r.id DESC LIMIT ?`, []any{a.PartnershipID, lifeguard.MaxRequestHistory}, func(scan func(...any) error) error {
			s, err := scanPartnershipAccess(scan)
			if err != nil {
				return err
			}
			out = append(out, *s)
			return nil
		})
		if err != nil {
			return err
		}
		for i := range out {
			if out[i].Parts, err = partsOf(ctx, tx, out[i].ID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// partsOf lists a request's parts as the officer sees them: without the
// child's record.
func partsOf(ctx context.Context, tx *tx, id int64) ([]lifeguard.PartnershipAccessPart, error) {
	parts := []lifeguard.PartnershipAccessPart{}
	err := each(ctx, tx, `SELECT `+partColumns+partFrom+` WHERE pp.request_id = ? ORDER BY o.name, pp.id`, []any{id},
		func(scan func(...any) error) error {
			pt, _, err := scanPart(scan)
			if err != nil {
				return err
			}
			pt.ChildID = 0
			parts = append(parts, *pt)
			return nil
		})
	return parts, err
}

// PartnershipAccess reads one request with its parts.
func (db *DB) PartnershipAccess(ctx context.Context, id int64) (*lifeguard.PartnershipAccess, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpStartPartnershipAccess) {
		return nil, partnershipAccessAllowed(a, lifeguard.OpStartPartnershipAccess, 0, 0)
	}
	var s *lifeguard.PartnershipAccess
	err = db.inRead(ctx, "partnership access", func(tx *tx) error {
		s, err = scanPartnershipAccess(tx.row(ctx, `SELECT `+partnershipAccessColumns+` FROM partnership_access r WHERE r.id = ?`, id).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoPartnershipAccess()
		}
		if err != nil {
			return err
		}
		if err := partnershipAccessAllowed(a, lifeguard.OpStartPartnershipAccess, 0, s.PartnershipID); err != nil {
			return err
		}
		s.Parts, err = partsOf(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// PartnershipAccessAsks lists the DSL's organisation's parts: those still
// to answer first, by deadline, then the rest, latest first.
func (db *DB) PartnershipAccessAsks(ctx context.Context) ([]lifeguard.PartnershipAccessPart, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := partnershipAccessAllowed(a, lifeguard.OpAnswerPartnershipAccess, a.OrganisationID, a.PartnershipID); err != nil {
		return nil, err
	}
	out := []lifeguard.PartnershipAccessPart{}
	err = db.inRead(ctx, "partnership access asks", func(tx *tx) error {
		return each(ctx, tx, `SELECT `+partColumns+partFrom+` WHERE pp.organisation_id = ?
			ORDER BY CASE WHEN pp.answer = 'asked' THEN 0 ELSE 1 END, r.due_on, pp.id DESC LIMIT ?`,
			[]any{a.OrganisationID, lifeguard.MaxRequestHistory}, func(scan func(...any) error) error {
				pt, _, err := scanPart(scan)
				if err != nil {
					return err
				}
				out = append(out, *pt)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AnswerPartnershipAccess records the DSL's answer to a part: agreeing
// makes the organisation's own subject access request for the matched
// child, received when the partnership received it and due the same day.
func (db *DB) AnswerPartnershipAccess(ctx context.Context, partID int64, agree bool, reason string) (*lifeguard.PartnershipAccessPart, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpAnswerPartnershipAccess) {
		return nil, partnershipAccessAllowed(a, lifeguard.OpAnswerPartnershipAccess, 0, 0)
	}
	reason = strings.TrimSpace(reason)
	var p problems
	p.text("reason", reason, lifeguard.MaxDeclineReason, !agree)
	if agree && reason != "" {
		p.add("reason", "is given only when declining")
	}
	if err := p.err("The answer is not valid"); err != nil {
		return nil, err
	}
	now := db.now()
	var pt *lifeguard.PartnershipAccessPart
	err = db.inWrite(ctx, "answer partnership access", func(tx *tx) error {
		var part int64
		pt, part, err = scanPart(tx.row(ctx, `SELECT `+partColumns+partFrom+` WHERE pp.id = ?`, partID).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoPartnershipAccess()
		}
		if err != nil {
			return err
		}
		if err := partnershipAccessAllowed(a, lifeguard.OpAnswerPartnershipAccess, pt.OrganisationID, part); err != nil {
			return err
		}
		if pt.Answer != lifeguard.PartAsked {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "This request is answered already.")
		}
		detail := "declined"
		pt.Answer, pt.DeclineReason, pt.AnsweredAt = lifeguard.PartDeclined, reason, &now
		if agree {
			pt.Answer = lifeguard.PartAgreed
			var child int64
			if err := tx.row(ctx, `SELECT COALESCE(merged_into, id) FROM children WHERE id = ?`, pt.ChildID).Scan(&child); err != nil {
				return err
			}
			pt.ChildID = child
			if pt.SubjectAccessID, err = tx.insert(ctx, `INSERT INTO subject_access (organisation_id, subject, child_id, requester,
				requester_name, received_on, verified, verified_note, due_on, status, started_by, started_at)
				SELECT ?, 'child', ?, requester, requester_name, received_on, verified, verified_note, due_on, 'open', ?, ?
				FROM partnership_access WHERE id = ?`, pt.OrganisationID, child, nullID(a.UserID), micros(now), pt.RequestID); err != nil {
				return err
			}
			if err := journal(ctx, tx, a, now, jCreate, jSubjectAccess, pt.SubjectAccessID,
				fmt.Sprintf("child=%d partnership_access=%d", child, pt.RequestID)); err != nil {
				return err
			}
			detail = fmt.Sprintf("agreed subject_access=%d", pt.SubjectAccessID)
		}
		if _, err := tx.exec(ctx, `UPDATE partnership_access_parts SET answer = ?, decline_reason = ?, subject_access_id = ?,
			answered_by = ?, answered_at = ? WHERE id = ?`, string(pt.Answer), reason, nullID(pt.SubjectAccessID),
			nullID(a.UserID), micros(now), partID); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jPartnershipPart, partID, detail)
	})
	if err != nil {
		return nil, err
	}
	return pt, nil
}
