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

// Subject access requests (issue 19, item 3): recorded and followed by a
// DSL of the person's organisation or an administrator of its partnership
// (OpStartDataRights); the bundle is the DSL's alone (OpWorkDataRights,
// subject_access_bundle.go). The journal names the request and the
// person's record, never the requester's name or the notes.

const jSubjectAccess = "subject_access"

func errNoSubjectAccess() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such subject access request.")
}

// dataRightsAccess decides whether a may do op to a request of
// organisation org of partnership p: EFORBIDDEN for a role without the
// rule, notFound for a record beyond its reach.
func dataRightsAccess(a *lifeguard.Actor, op lifeguard.Op, org, p int64, notFound func() error) error {
	reach := a.May(op)
	switch {
	case reach == lifeguard.ReachNone:
		if op == lifeguard.OpWorkDataRights && a.Can(lifeguard.OpStartDataRights) {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"Only the organisation's designated safeguarding lead reads the records and decides.")
		}
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only a designated safeguarding lead or an administrator deals with requests about a person's data.")
	case !reach.Covers(a.Near(0, org, p)):
		return notFound()
	}
	return nil
}

// personOrg finds the organisation holding the person's records (a child
// of the register, or a user) and checks a may start a request about
// them. An administrator, who sees no child's name, may not start a
// child's request.
func personOrg(ctx context.Context, tx *tx, a *lifeguard.Actor, childID, userID int64) (org int64, err error) {
	table, id, missing := "children", childID, errNoChild
	if userID != 0 {
		table, id, missing = "users", userID, errNoUser
	}
	var p int64
	err = tx.row(ctx, `SELECT r.organisation_id, o.partnership_id FROM `+table+` r
		JOIN organisations o ON o.id = r.organisation_id WHERE r.id = ?`, id).Scan(&org, &p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, missing()
	}
	if err != nil {
		return 0, err
	}
	if err := dataRightsAccess(a, lifeguard.OpStartDataRights, org, p, missing); err != nil {
		return 0, err
	}
	if childID != 0 && !a.IsSystem() && !a.May(lifeguard.OpReadChildIdentity).Covers(a.Near(0, org, p)) {
		return 0, lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"A child's request is recorded by the organisation's designated safeguarding lead, who keeps the register.")
	}
	return org, nil
}

// requesterProblems checks who asked and when, shared by both kinds of
// request.
func requesterProblems(p *problems, r lifeguard.Requester, name string, received lifeguard.Date, today lifeguard.Date) {
	if !slices.Contains(lifeguard.Requesters(), r) {
		p.add("requester", "must be one of self, parent or representative")
	}
	p.text("requester_name", name, lifeguard.MaxRequesterName, true)
	switch {
	case received.IsZero():
		p.add("received_on", "is required")
	case today.Before(received):
		p.add("received_on", "is after today")
	}
}

// StartSubjectAccess records a request and sets its deadline.
func (db *DB) StartSubjectAccess(ctx context.Context, in lifeguard.NewSubjectAccess) (*lifeguard.SubjectAccess, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpStartDataRights) {
		return nil, dataRightsAccess(a, lifeguard.OpStartDataRights, 0, 0, errNoSubjectAccess)
	}
	in.RequesterName, in.VerifiedNote = strings.TrimSpace(in.RequesterName), strings.TrimSpace(in.VerifiedNote)
	now := db.now()
	var p problems
	switch in.Subject {
	case lifeguard.SubjectChild:
		if in.ChildID <= 0 || in.UserID != 0 {
			p.add("child_id", "is required for a child's request, without a user_id")
		}
	case lifeguard.SubjectStaff:
		if in.UserID <= 0 || in.ChildID != 0 {
			p.add("user_id", "is required for a member of staff's request, without a child_id")
		}
	default:
		p.check("subject", string(in.Subject))
		p.add("subject", "must be child or staff")
	}
	requesterProblems(&p, in.Requester, in.RequesterName, in.ReceivedOn, lifeguard.DateOf(now))
	if !slices.Contains(lifeguard.IdentityChecks(), in.Verified) {
		p.check("verified", string(in.Verified))
		p.add("verified", "must say how the identity was verified: known_in_person, photo_id, parental_responsibility, written_authority or other")
	}
	p.text("verified_note", in.VerifiedNote, lifeguard.MaxVerifiedNote, in.Verified == lifeguard.CheckOther)
	if err := p.err("The subject access request is not valid"); err != nil {
		return nil, err
	}
	s := &lifeguard.SubjectAccess{Subject: in.Subject, ChildID: in.ChildID, UserID: in.UserID, Requester: in.Requester,
		RequesterName: in.RequesterName, ReceivedOn: in.ReceivedOn, Verified: in.Verified, VerifiedNote: in.VerifiedNote,
		Due: lifeguard.AccessDeadline(in.ReceivedOn, false), Status: lifeguard.AccessOpen, StartedBy: a.UserID,
		StartedAt: now}
	err = db.inWrite(ctx, "start subject access", func(tx *tx) error {
		if s.OrganisationID, err = personOrg(ctx, tx, a, in.ChildID, in.UserID); err != nil {
			return err
		}
		s.ID, err = tx.insert(ctx, `INSERT INTO subject_access (organisation_id, subject, child_id, user_id, requester,
			requester_name, received_on, verified, verified_note, due_on, status, started_by, started_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.OrganisationID, string(s.Subject), nullID(s.ChildID),
			nullID(s.UserID), string(s.Requester), s.RequesterName, s.ReceivedOn.String(), string(s.Verified),
			s.VerifiedNote, s.Due.String(), string(s.Status), nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jCreate, jSubjectAccess, s.ID, subjectDetail(s))
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// subjectDetail names the person's record for the journal.
func subjectDetail(s *lifeguard.SubjectAccess) string {
	if s.ChildID != 0 {
		return fmt.Sprintf("child=%d", s.ChildID)
	}
	return fmt.Sprintf("user=%d", s.UserID)
}

const subjectAccessColumns = `s.id, s.organisation_id, s.subject, s.child_id, s.user_id, s.requester, s.requester_name,
	s.received_on, s.verified, s.verified_note, s.due_on, s.extend_reason, s.status, s.started_by, s.started_at,
	s.disclosed_at, o.partnership_id`

const subjectAccessFrom = ` FROM subject_access s JOIN organisations o ON o.id = s.organisation_id`

// scanSubjectAccess reads a row of subjectAccessColumns and the partnership.
func scanSubjectAccess(scan func(...any) error) (*lifeguard.SubjectAccess, int64, error) {
	var s lifeguard.SubjectAccess
	var child, user, startedBy, disclosed sql.NullInt64
	var subject, requester, received, verified, due, status string
	var started, part int64
	if err := scan(&s.ID, &s.OrganisationID, &subject, &child, &user, &requester, &s.RequesterName, &received,
		&verified, &s.VerifiedNote, &due, &s.ExtendReason, &status, &startedBy, &started, &disclosed, &part); err != nil {
		return nil, 0, err
	}
	var err error
	if s.ReceivedOn, err = lifeguard.ParseDate(received); err != nil {
		return nil, 0, fmt.Errorf("subject access %d: received on: %w", s.ID, err)
	}
	if s.Due, err = lifeguard.ParseDate(due); err != nil {
		return nil, 0, fmt.Errorf("subject access %d: due on: %w", s.ID, err)
	}
	s.Subject, s.Requester, s.Verified = lifeguard.DataSubject(subject), lifeguard.Requester(requester), lifeguard.IdentityCheck(verified)
	s.Status, s.ChildID, s.UserID, s.StartedBy = lifeguard.SubjectAccessStatus(status), child.Int64, user.Int64, startedBy.Int64
	s.StartedAt, s.DisclosedAt = fromMicros(started), timePtr(disclosed)
	return &s, part, nil
}

// subjectAccessFor loads request id and checks that a may do op to it.
func subjectAccessFor(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64, op lifeguard.Op) (*lifeguard.SubjectAccess, error) {
	if !a.Can(op) {
		return nil, dataRightsAccess(a, op, 0, 0, errNoSubjectAccess)
	}
	s, part, err := scanSubjectAccess(tx.row(ctx, `SELECT `+subjectAccessColumns+subjectAccessFrom+` WHERE s.id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSubjectAccess()
	}
	if err != nil {
		return nil, err
	}
	if err := dataRightsAccess(a, op, s.OrganisationID, part, errNoSubjectAccess); err != nil {
		return nil, err
	}
	return s, nil
}

// dataRightsScope is the condition (on organisation alias o) selecting the
// requests a lists.
func dataRightsScope(a *lifeguard.Actor) (string, []any, error) {
	switch a.May(lifeguard.OpStartDataRights) {
	case lifeguard.ReachAll:
		return `1 = 1`, nil, nil
	case lifeguard.ReachPartnership:
		return `o.partnership_id = ?`, []any{a.PartnershipID}, nil
	case lifeguard.ReachOrganisation:
		return `o.id = ?`, []any{a.OrganisationID}, nil
	}
	return "", nil, dataRightsAccess(a, lifeguard.OpStartDataRights, 0, 0, errNoSubjectAccess)
}

// SubjectAccesses lists the requests the actor follows: open ones first,
// by deadline, then those disclosed, latest first.
func (db *DB) SubjectAccesses(ctx context.Context) ([]lifeguard.SubjectAccess, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	where, args, err := dataRightsScope(a)
	if err != nil {
		return nil, err
	}
	out := []lifeguard.SubjectAccess{}
	err = db.inRead(ctx, "subject accesses", func(tx *tx) error {
		return each(ctx, tx, `SELECT `+subjectAccessColumns+subjectAccessFrom+` WHERE `+where+`
			ORDER BY CASE WHEN s.status = 'open' THEN 0 ELSE 1 END, s.due_on, s.id LIMIT ?`,
			append(args, lifeguard.MaxRequestHistory), func(scan func(...any) error) error {
				s, _, err := scanSubjectAccess(scan)
				if err != nil {
					return err
				}
				out = append(out, *s)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SubjectAccess reads one request.
func (db *DB) SubjectAccess(ctx context.Context, id int64) (*lifeguard.SubjectAccess, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var s *lifeguard.SubjectAccess
	err = db.inRead(ctx, "subject access", func(tx *tx) error {
		s, err = subjectAccessFor(ctx, tx, a, id, lifeguard.OpStartDataRights)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ExtendSubjectAccess extends an open request's deadline by two months,
// with the reason, once.
func (db *DB) ExtendSubjectAccess(ctx context.Context, id int64, reason string) (*lifeguard.SubjectAccess, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var p problems
	p.text("reason", reason, lifeguard.MaxExtendReason, true)
	if err := p.err("The extension is not valid"); err != nil {
		return nil, err
	}
	var s *lifeguard.SubjectAccess
	err = db.inWrite(ctx, "extend subject access", func(tx *tx) error {
		if s, err = subjectAccessFor(ctx, tx, a, id, lifeguard.OpStartDataRights); err != nil {
			return err
		}
		switch {
		case s.Status != lifeguard.AccessOpen:
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The request is answered already.")
		case s.Extended():
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The deadline is extended already; the law allows it once, by two months.")
		}
		s.ExtendReason, s.Due = reason, lifeguard.AccessDeadline(s.ReceivedOn, true)
		if _, err := tx.exec(ctx, `UPDATE subject_access SET extend_reason = ?, due_on = ? WHERE id = ?`,
			reason, s.Due.String(), id); err != nil {
			return err
		}
		return journal(ctx, tx, a, db.now(), jUpdate, jSubjectAccess, id, "extended due="+s.Due.String())
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// SubjectAccessReminders lists the open requests of the DSL's organisation
// due within the warning, or past due, by deadline.
func (db *DB) SubjectAccessReminders(ctx context.Context, today lifeguard.Date) ([]lifeguard.SubjectAccess, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsSystem() || !a.May(lifeguard.OpWorkDataRights).Covers(lifeguard.ReachOrganisation) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Reminders of subject access deadlines are for safeguarding leads.")
	}
	soon := lifeguard.DateOf(today.In(time.UTC).AddDate(0, 0, lifeguard.AccessWarningDays))
	out := []lifeguard.SubjectAccess{}
	err = db.inRead(ctx, "subject access reminders", func(tx *tx) error {
		return each(ctx, tx, `SELECT `+subjectAccessColumns+subjectAccessFrom+`
			WHERE s.organisation_id = ? AND s.status = 'open' AND s.due_on <= ? ORDER BY s.due_on, s.id LIMIT ?`,
			[]any{a.OrganisationID, soon.String(), lifeguard.MaxRequestHistory}, func(scan func(...any) error) error {
				s, _, err := scanSubjectAccess(scan)
				if err != nil {
					return err
				}
				out = append(out, *s)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// RequestStaff lists the users a request may be about, by name.
func (db *DB) RequestStaff(ctx context.Context) ([]lifeguard.User, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	where, args, err := dataRightsScope(a)
	if err != nil {
		return nil, err
	}
	out := []lifeguard.User{}
	err = db.inRead(ctx, "request staff", func(tx *tx) error {
		return each(ctx, tx, `SELECT u.id, u.name, u.organisation_id, u.role FROM users u
			JOIN organisations o ON o.id = u.organisation_id WHERE `+where+` AND u.role NOT IN ('filter', 'monitor')
			ORDER BY u.name, u.id LIMIT ?`, append(args, lifeguard.MaxRequestHistory), func(scan func(...any) error) error {
			var u lifeguard.User
			var role string
			if err := scan(&u.ID, &u.Name, &u.OrganisationID, &role); err != nil {
				return err
			}
			u.Role = lifeguard.Role(role)
			out = append(out, u)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
