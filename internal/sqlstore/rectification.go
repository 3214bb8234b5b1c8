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

// Requests to correct or erase a record (issue 19, item 4): recorded by a
// DSL (or, for staff, an administrator), decided by the organisation's
// DSL. The journal names the request, the record and the outcome, never
// the values or reasons.

const jDataRequest = "data_request"

func errNoDataRequest() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such request.")
}

// dataRequestProblems checks a new request's shape: which record, which
// field, which value, for which kind.
func dataRequestProblems(p *problems, in lifeguard.NewDataRequest) {
	switch in.Kind {
	case lifeguard.RequestRectify:
		switch in.Target {
		case lifeguard.TargetChildIdentity:
			if !slices.Contains(lifeguard.RectifiableIdentity(), in.Field) {
				p.check("field", in.Field)
				p.add("field", "must be one of %s", strings.Join(lifeguard.RectifiableIdentity(), ", "))
			}
		case lifeguard.TargetConcernFact:
			if !slices.Contains(lifeguard.RectifiableFacts(), in.Field) {
				p.check("field", in.Field)
				p.add("field", "must be one of %s", strings.Join(lifeguard.RectifiableFacts(), ", "))
			}
		default:
			p.check("target", string(in.Target))
			p.add("target", "a correction is of a child's identity (child_identity) or a concern's facts (concern_fact)")
		}
		p.text("value", in.Value, lifeguard.MaxDataValue, in.Field != "upn" && in.Field != "nhs_number" && in.Field != "la_number")
	case lifeguard.RequestErase:
		if !slices.Contains([]lifeguard.DataTarget{lifeguard.TargetConcern, lifeguard.TargetChildFile, lifeguard.TargetPreferences}, in.Target) {
			p.check("target", string(in.Target))
			p.add("target", "an erasure is of a concern, a child's file (child_file) or a member of staff's preferences")
		}
		if in.Field != "" || in.Value != "" {
			p.add("value", "an erasure takes no field or value")
		}
	default:
		p.check("kind", string(in.Kind))
		p.add("kind", "must be rectify or erase")
	}
	want := map[lifeguard.DataTarget]string{lifeguard.TargetChildIdentity: "child_id", lifeguard.TargetChildFile: "child_id",
		lifeguard.TargetConcernFact: "concern_id", lifeguard.TargetConcern: "concern_id", lifeguard.TargetPreferences: "user_id"}[in.Target]
	given := map[string]int64{"child_id": in.ChildID, "concern_id": in.ConcernID, "user_id": in.UserID}
	for name, id := range given {
		switch {
		case want == "":
		case name == want && id <= 0:
			p.add(name, "is required for this target")
		case name != want && id != 0:
			p.add(name, "is not taken by this target; give only %s", want)
		}
	}
}

// RecordDataRequest records a request to correct or erase a record.
func (db *DB) RecordDataRequest(ctx context.Context, in lifeguard.NewDataRequest) (*lifeguard.DataRequest, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpStartDataRights) {
		return nil, dataRightsAccess(a, lifeguard.OpStartDataRights, 0, 0, errNoDataRequest)
	}
	in.RequesterName, in.Reason, in.Value = strings.TrimSpace(in.RequesterName), strings.TrimSpace(in.Reason), strings.TrimSpace(in.Value)
	now := db.now()
	var p problems
	dataRequestProblems(&p, in)
	requesterProblems(&p, in.Requester, in.RequesterName, in.ReceivedOn, lifeguard.DateOf(now))
	p.text("reason", in.Reason, lifeguard.MaxDataReason, true)
	if err := p.err("The request is not valid"); err != nil {
		return nil, err
	}
	r := &lifeguard.DataRequest{Kind: in.Kind, Target: in.Target, ChildID: in.ChildID, ConcernID: in.ConcernID, UserID: in.UserID,
		Field: in.Field, Value: in.Value, Requester: in.Requester, RequesterName: in.RequesterName, ReceivedOn: in.ReceivedOn,
		Reason: in.Reason, RecordedBy: a.UserID, RecordedAt: now}
	err = db.inWrite(ctx, "record data request", func(tx *tx) error {
		if in.ConcernID != 0 {
			var child sql.NullInt64
			err := tx.row(ctx, `SELECT child_id FROM concerns WHERE id = ?`, in.ConcernID).Scan(&child)
			if errors.Is(err, sql.ErrNoRows) {
				return errNoConcern()
			}
			if err != nil {
				return err
			}
			var org, p int64
			if err := tx.row(ctx, `SELECT c.organisation_id, o.partnership_id FROM concerns c
				JOIN organisations o ON o.id = c.organisation_id WHERE c.id = ?`, in.ConcernID).Scan(&org, &p); err != nil {
				return err
			}
			if err := dataRightsAccess(a, lifeguard.OpStartDataRights, org, p, errNoConcern); err != nil {
				return err
			}
			if !a.IsSystem() && !a.May(lifeguard.OpReadConcern).Covers(a.Near(0, org, p)) {
				return lifeguard.Errorf(lifeguard.EFORBIDDEN, "A request about a concern is recorded by the organisation's designated safeguarding lead.")
			}
			r.OrganisationID = org
		} else if r.OrganisationID, err = personOrg(ctx, tx, a, in.ChildID, in.UserID); err != nil {
			return err
		}
		r.ID, err = tx.insert(ctx, `INSERT INTO data_requests (organisation_id, kind, target, child_id, concern_id, user_id, field,
			value, requester, requester_name, received_on, reason, recorded_by, recorded_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.OrganisationID, string(r.Kind), string(r.Target),
			nullID(r.ChildID), nullID(r.ConcernID), nullID(r.UserID), r.Field, r.Value, string(r.Requester), r.RequesterName,
			r.ReceivedOn.String(), r.Reason, nullID(a.UserID), micros(now))
		if err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jCreate, jDataRequest, r.ID, dataRequestDetail(r))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// dataRequestDetail names the request's record for the journal.
func dataRequestDetail(r *lifeguard.DataRequest) string {
	d := fmt.Sprintf("%s %s", r.Kind, r.Target)
	switch {
	case r.ChildID != 0:
		d += fmt.Sprintf(" child=%d", r.ChildID)
	case r.ConcernID != 0:
		d += fmt.Sprintf(" concern=%d", r.ConcernID)
	case r.UserID != 0:
		d += fmt.Sprintf(" user=%d", r.UserID)
	}
	if r.Field != "" {
		d += " field=" + r.Field
	}
	return d
}

const dataRequestColumns = `r.id, r.organisation_id, r.kind, r.target, r.child_id, r.concern_id, r.user_id, r.field, r.value,
	r.original, r.requester, r.requester_name, r.received_on, r.reason, r.recorded_by, r.recorded_at, r.outcome,
	r.decision_reason, r.basis, r.decided_by, r.decided_at, o.partnership_id`

const dataRequestFrom = ` FROM data_requests r JOIN organisations o ON o.id = r.organisation_id`

func scanDataRequest(scan func(...any) error) (*lifeguard.DataRequest, int64, error) {
	var r lifeguard.DataRequest
	var child, concern, user, recordedBy, decidedBy, decidedAt sql.NullInt64
	var kind, target, requester, received, outcome string
	var recorded, part int64
	if err := scan(&r.ID, &r.OrganisationID, &kind, &target, &child, &concern, &user, &r.Field, &r.Value, &r.Original,
		&requester, &r.RequesterName, &received, &r.Reason, &recordedBy, &recorded, &outcome, &r.DecisionReason, &r.Basis,
		&decidedBy, &decidedAt, &part); err != nil {
		return nil, 0, err
	}
	var err error
	if r.ReceivedOn, err = lifeguard.ParseDate(received); err != nil {
		return nil, 0, fmt.Errorf("data request %d: received on: %w", r.ID, err)
	}
	r.Kind, r.Target, r.Requester, r.Outcome = lifeguard.DataRequestKind(kind), lifeguard.DataTarget(target),
		lifeguard.Requester(requester), lifeguard.DataOutcome(outcome)
	r.ChildID, r.ConcernID, r.UserID, r.RecordedBy, r.DecidedBy = child.Int64, concern.Int64, user.Int64, recordedBy.Int64, decidedBy.Int64
	r.RecordedAt, r.DecidedAt = fromMicros(recorded), timePtr(decidedAt)
	return &r, part, nil
}

func dataRequestFor(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64, op lifeguard.Op) (*lifeguard.DataRequest, error) {
	if !a.Can(op) {
		return nil, dataRightsAccess(a, op, 0, 0, errNoDataRequest)
	}
	r, part, err := scanDataRequest(tx.row(ctx, `SELECT `+dataRequestColumns+dataRequestFrom+` WHERE r.id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoDataRequest()
	}
	if err != nil {
		return nil, err
	}
	if err := dataRightsAccess(a, op, r.OrganisationID, part, errNoDataRequest); err != nil {
		return nil, err
	}
	return r, nil
}

// DataRequests lists the requests the actor follows, open ones first.
func (db *DB) DataRequests(ctx context.Context) ([]lifeguard.DataRequest, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	where, args, err := dataRightsScope(a)
	if err != nil {
		return nil, err
	}
	out := []lifeguard.DataRequest{}
	err = db.inRead(ctx, "data requests", func(tx *tx) error {
		return each(ctx, tx, `SELECT `+dataRequestColumns+dataRequestFrom+` WHERE `+where+`
			ORDER BY CASE WHEN r.outcome = '' THEN 0 ELSE 1 END, r.id DESC LIMIT ?`,
			append(args, lifeguard.MaxRequestHistory), func(scan func(...any) error) error {
				r, _, err := scanDataRequest(scan)
				if err != nil {
					return err
				}
				out = append(out, *r)
				return nil
			})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DataRequest reads one request.
func (db *DB) DataRequest(ctx context.Context, id int64) (*lifeguard.DataRequest, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var r *lifeguard.DataRequest
	err = db.inRead(ctx, "data request", func(tx *tx) error {
		r, err = dataRequestFor(ctx, tx, a, id, lifeguard.OpStartDataRights)
		return err
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DecideDataRequest records the DSL's decision and, when it applies the
// request, makes the change: a child's identity through SetChildIdentity
// (validated and journalled there); a concern's fact appended as a note;
// an erasure the law allows through the erasure job's statements.
func (db *DB) DecideDataRequest(ctx context.Context, id int64, d lifeguard.DataDecision) (*lifeguard.DataRequest, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	d.Reason = strings.TrimSpace(d.Reason)
	var p problems
	if d.Outcome != lifeguard.OutcomeApplied && d.Outcome != lifeguard.OutcomeRefused {
		p.check("outcome", string(d.Outcome))
		p.add("outcome", "must be applied or refused")
	}
	p.text("reason", d.Reason, lifeguard.MaxDataReason, true)
	if err := p.err("The decision is not valid"); err != nil {
		return nil, err
	}
	var r *lifeguard.DataRequest
	err = db.inRead(ctx, "data request", func(tx *tx) error {
		r, err = dataRequestFor(ctx, tx, a, id, lifeguard.OpWorkDataRights)
		return err
	})
	if err != nil {
		return nil, err
	}
	if r.Outcome != lifeguard.OutcomeOpen {
		return nil, lifeguard.Errorf(lifeguard.ECONFLICT, "The request is decided already.")
	}
	if d.MadeInError && r.Target != lifeguard.TargetConcern {
		return nil, lifeguard.Invalid("The decision is not valid", []lifeguard.Problem{{Path: "made_in_error",
			Problem: "applies only to the erasure of a concern"}})
	}
	if r.Kind == lifeguard.RequestErase && d.Outcome == lifeguard.OutcomeApplied && lifeguard.ErasureRefused(r.Target, d.MadeInError) {
		return nil, lifeguard.Errorf(lifeguard.ECONFLICT, "Safeguarding records cannot be erased on request: %s", lifeguard.ErasureRefusalBasis)
	}
	original := ""
	if d.Outcome == lifeguard.OutcomeApplied && r.Target == lifeguard.TargetChildIdentity {
		if original, err = db.rectifyIdentity(ctx, r); err != nil {
			return nil, err
		}
	}
	err = db.inWrite(ctx, "decide data request", func(tx *tx) error {
		cur, err := dataRequestFor(ctx, tx, a, id, lifeguard.OpWorkDataRights)
		if err != nil {
			return err
		}
		if cur.Outcome != lifeguard.OutcomeOpen {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The request is decided already.")
		}
		now := db.now()
		if d.Outcome == lifeguard.OutcomeApplied {
			switch r.Target {
			case lifeguard.TargetConcernFact:
				if original, err = appendCorrection(ctx, tx, a, now, r, d.Reason); err != nil {
					return err
				}
			case lifeguard.TargetConcern:
				if err := erase(ctx, tx, concernErasure, now, r.ConcernID); err != nil {
					return err
				}
				if err := journal(ctx, tx, a, now, jUpdate, jConcern, r.ConcernID,
					fmt.Sprintf("erased made in error request=%d", r.ID)); err != nil {
					return err
				}
			case lifeguard.TargetPreferences:
				if _, err := tx.exec(ctx, `UPDATE users SET text_size = 'medium', high_visibility = ? WHERE id = ?`,
					false, r.UserID); err != nil {
					return err
				}
				if _, err := tx.exec(ctx, `DELETE FROM alert_preferences WHERE user_id = ?`, r.UserID); err != nil {
					return err
				}
			}
		}
		r.Outcome, r.DecisionReason, r.DecidedBy, r.DecidedAt, r.Original = d.Outcome, d.Reason, a.UserID, &now, original
		if r.Kind == lifeguard.RequestErase && d.Outcome == lifeguard.OutcomeRefused && lifeguard.ErasureRefused(r.Target, false) {
			r.Basis = lifeguard.ErasureRefusalBasis
		}
		if _, err := tx.exec(ctx, `UPDATE data_requests SET outcome = ?, decision_reason = ?, basis = ?, original = ?,
			decided_by = ?, decided_at = ? WHERE id = ?`, string(r.Outcome), r.DecisionReason, r.Basis, r.Original,
			nullID(a.UserID), micros(now), id); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jUpdate, jDataRequest, id, dataRequestDetail(r)+" outcome="+string(r.Outcome))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// rectifyIdentity changes one field of a child's identity through
// SetChildIdentity, which checks it as any change of the register, and
// returns the value it replaced.
func (db *DB) rectifyIdentity(ctx context.Context, r *lifeguard.DataRequest) (string, error) {
	var c *lifeguard.Child
	a := lifeguard.ActorFrom(ctx)
	err := db.inRead(ctx, "child for correction", func(tx *tx) error {
		var err error
		c, _, err = childFor(ctx, tx, a, r.ChildID, readChildRecord)
		return err
	})
	if err != nil {
		return "", err
	}
	id := c.Identity()
	var original string
	set := map[string]*string{"legal_forename": &id.LegalForename, "legal_surname": &id.LegalSurname,
		"preferred_forename": &id.PreferredForename, "upn": &id.UPN, "nhs_number": &id.NHSNumber, "la_number": &id.LANumber}
	if f, ok := set[r.Field]; ok {
		original, *f = *f, r.Value
	} else { // date_of_birth
		original = datePtrString(id.DateOfBirth)
		dob, err := lifeguard.ParseDate(r.Value)
		if err != nil {
			return "", lifeguard.Invalid("The correction is not valid", []lifeguard.Problem{{Path: "value",
				Problem: "must be a date of birth written YYYY-MM-DD"}})
		}
		id.DateOfBirth = &dob
	}
	if _, err := db.SetChildIdentity(ctx, r.ChildID, id); err != nil {
		return "", err
	}
	return original, nil
}

// appendCorrection adds the correction of a concern's fact as a note, so
// that the facts keep their first wording and the DSL reads both; a closed
// concern takes it too, since the law asks for the record to be put
// right. It returns the fact's wording when corrected.
func appendCorrection(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, r *lifeguard.DataRequest, reason string) (string, error) {
	var raw string
	err := tx.row(ctx, `SELECT facts FROM concerns WHERE id = ? AND erased_at IS NULL`, r.ConcernID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errNoConcern()
	}
	if err != nil {
		return "", err
	}
	var f lifeguard.Facts
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return "", fmt.Errorf("concern %d: facts: %w", r.ConcernID, err)
	}
	original := map[string]string{"description": f.Description, "setting": string(f.Setting), "platform": f.Details.Platform}[r.Field]
	if r.Field == "occurred_at" && f.OccurredAt != nil {
		original = f.OccurredAt.UTC().Format(time.RFC3339)
	}
	text := fmt.Sprintf("Correction agreed on request %d: the %s should read: %s\nIt read: %s\nReason: %s",
		r.ID, strings.ReplaceAll(r.Field, "_", " "), r.Value, original, reason)
	note, err := tx.insert(ctx, `INSERT INTO notes (concern_id, text, author_id, created_at) VALUES (?, ?, ?, ?)`,
		r.ConcernID, text, nullID(a.UserID), micros(now))
	if err != nil {
		return "", err
	}
	if err := journal(ctx, tx, a, now, jUpdate, jConcern, r.ConcernID, fmt.Sprintf("note=%d correction request=%d", note, r.ID)); err != nil {
		return "", err
	}
	return original, nil
}
