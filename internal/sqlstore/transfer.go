package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// Transfers move a child's file to another organisation of the partnership
// when the child moves. The sending DSL sends their record of the child;
// the receiving DSL accepts it, which creates the child's record in their
// organisation and lets them read the file it came from (access.go). Every
// read and write of a transfer is journaled, as a read or write of a
// child's record is: a transfer names a child and holds a free-text note.

// jTransfer is the journal record of a transfer.
const jTransfer = "transfer"

const transferColumns = `t.id, t.child_id, ch.ref, t.from_organisation_id, org_from.name, t.to_organisation_id,
	org_to.name, t.status, t.note, t.sent_by, t.sent_at, t.due_by, t.received_by, t.received_at, t.received_child_id`

const transferFrom = ` FROM transfers t JOIN children ch ON ch.id = t.child_id
	JOIN organisations org_from ON org_from.id = t.from_organisation_id
	JOIN organisations org_to ON org_to.id = t.to_organisation_id`

func scanTransfer(scan func(...any) error) (*lifeguard.Transfer, error) {
	var t lifeguard.Transfer
	var status string
	var sentBy, receivedBy, receivedAt, receivedChild sql.NullInt64
	var sent, due int64
	if err := scan(&t.ID, &t.ChildID, &t.ChildRef, &t.FromOrgID, &t.FromOrgName, &t.ToOrgID, &t.ToOrgName, &status,
		&t.Note, &sentBy, &sent, &due, &receivedBy, &receivedAt, &receivedChild); err != nil {
		return nil, err
	}
	t.Status, t.SentBy, t.SentAt, t.DueBy = lifeguard.TransferStatus(status), sentBy.Int64, fromMicros(sent), fromMicros(due)
	t.ReceivedAt = timePtr(receivedAt)
	if receivedBy.Valid {
		t.ReceivedBy = &receivedBy.Int64
	} else if t.ReceivedAt != nil {
		var system int64 // received by Lifeguard itself
		t.ReceivedBy = &system
	}
	if receivedChild.Valid {
		t.ReceivedChildID = &receivedChild.Int64
	}
	return &t, nil
}

// loadTransfer reads transfer id, ENOTFOUND when there is none; the caller
// checks access.
func loadTransfer(ctx context.Context, tx *tx, id int64) (*lifeguard.Transfer, error) {
	t, err := scanTransfer(tx.row(ctx, `SELECT `+transferColumns+transferFrom+` WHERE t.id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoTransfer()
	}
	return t, err
}

// SendTransfer records that the actor sends the file of a child of their
// organisation to another organisation of the partnership. A child has at
// most one transfer waiting to be received.
func (db *DB) SendTransfer(ctx context.Context, childID, toOrgID int64, note string, dueBy time.Time) (*lifeguard.Transfer, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Transfer
	err = db.inWrite(ctx, "send transfer", func(tx *tx) error {
		var org, partnership int64
		err := tx.row(ctx, `SELECT ch.organisation_id, o.partnership_id FROM children ch
			JOIN organisations o ON o.id = ch.organisation_id WHERE ch.id = ?`, childID).Scan(&org, &partnership)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoChild()
		}
		if err != nil {
			return err
		}
		if err := checkSendChild(ctx, tx, a, org, childID); err != nil {
			return err
		}
		var p problems
		if toOrgID == 0 {
			p.add("to_organisation_id", "is required")
		} else {
			var toPartnership int64
			err := tx.row(ctx, `SELECT partnership_id FROM organisations WHERE id = ?`, toOrgID).Scan(&toPartnership)
			switch {
			case errors.Is(err, sql.ErrNoRows) || err == nil && toPartnership != partnership:
				p.add("to_organisation_id", "is not an organisation of your partnership")
			case err != nil:
				return err
			case toOrgID == org:
				p.add("to_organisation_id", "is the organisation that has the file; choose the one the child is moving to")
			}
		}
		p.text("note", note, lifeguard.MaxReason, false)
		if dueBy.IsZero() {
			p.add("due_by", "is required")
		}
		if err := p.err("The transfer is not valid"); err != nil {
			return err
		}
		// Asked before inserting rather than left to the unique index,
		// because a failed statement aborts a PostgreSQL transaction.
		var pending int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM transfers WHERE child_id = ? AND status = ?`, childID,
			string(lifeguard.TransferPending)).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return lifeguard.Errorf(lifeguard.ECONFLICT,
				"The child's file has already been sent and is waiting to be received.")
		}
		now := db.now()
		id, err := tx.insert(ctx, `INSERT INTO transfers (child_id, from_organisation_id, to_organisation_id, status, note,
			sent_by, sent_at, due_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			childID, org, toOrgID, string(lifeguard.TransferPending), note, nullID(a.UserID), micros(now), micros(trunc(dueBy)))
		if err != nil {
			return err
		}
		if err := journal(ctx, tx, a, now, jCreate, jTransfer, id,
			fmt.Sprintf("child=%d from=%d to=%d", childID, org, toOrgID)); err != nil {
			return err
		}
		out, err = loadTransfer(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Transfers lists the transfers from and to the actor's organisation
// (every transfer for the system acting for none): those waiting to be
// received first, then the newest. It is journaled as one list naming
// them.
func (db *DB) Transfers(ctx context.Context) ([]lifeguard.Transfer, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := canListTransfers(a); err != nil {
		return nil, err
	}
	q, args := `SELECT `+transferColumns+transferFrom+` WHERE 1 = 1`, []any{}
	if !a.IsSystem() || a.OrganisationID != 0 {
		q += ` AND (t.from_organisation_id = ? OR t.to_organisation_id = ?)`
		args = append(args, a.OrganisationID, a.OrganisationID)
	}
	q += ` ORDER BY CASE WHEN t.status = 'pending' THEN 0 ELSE 1 END, t.sent_at DESC, t.id DESC`
	var out []lifeguard.Transfer
	err = db.inWrite(ctx, "transfers", func(tx *tx) error {
		if out, err = scanAll(ctx, tx, q, args, scanTransfer); err != nil {
			return err
		}
		ids := make([]int64, len(out))
		for i, t := range out {
			ids[i] = t.ID
		}
		return journal(ctx, tx, a, db.now(), jList, jTransfer, 0, "ids="+idList(ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Transfer returns a transfer to a DSL of either side, journaled as a read.
func (db *DB) Transfer(ctx context.Context, id int64) (*lifeguard.Transfer, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Transfer
	err = db.inWrite(ctx, "read transfer", func(tx *tx) error {
		t, err := loadTransfer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkTransfer(a, readTransfer, t.FromOrgID, t.ToOrgID); err != nil {
			return err
		}
		out = t
		return journal(ctx, tx, a, db.now(), jRead, jTransfer, id, "")
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReceiveTransfer records that the actor, a DSL of the receiving
// organisation, accepts the file: it creates the child's record there, as
// the sending record describes the child, and records who received it and
// when, which the sending side then sees.
func (db *DB) ReceiveTransfer(ctx context.Context, id int64) (*lifeguard.Transfer, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.Transfer
	err = db.inWrite(ctx, "receive transfer", func(tx *tx) error {
		t, err := loadTransfer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkTransfer(a, receiveTransfer, t.FromOrgID, t.ToOrgID); err != nil {
			return err
		}
		if t.Status != lifeguard.TransferPending {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The file has already been received.")
		}
		now := db.now()
		child, err := receiveChild(ctx, tx, a, now, t)
		if err != nil {
			return err
		}
		// The status is the condition of the UPDATE too, so that of two
		// DSLs accepting at once on PostgreSQL only one receives the file;
		// the other's new record is rolled back with its transaction.
		res, err := tx.exec(ctx, `UPDATE transfers SET status = ?, received_by = ?, received_at = ?, received_child_id = ?
			WHERE id = ? AND status = ?`, string(lifeguard.TransferReceived), nullID(a.UserID), micros(now), child, id,
			string(lifeguard.TransferPending))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The file has already been received.")
		}
		if err := journal(ctx, tx, a, now, jUpdate, jTransfer, id, fmt.Sprintf("received child=%d", child)); err != nil {
			return err
		}
		out, err = loadTransfer(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// receiveChild creates the child's record in the receiving organisation of
// t: the date of birth, age and vulnerabilities of the sending record, and
// its reference, or the reference with "-T<transfer id>" when the receiving
// organisation already has a child of that reference. It is journaled as
// the creation of the record.
func receiveChild(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, t *lifeguard.Transfer) (int64, error) {
	var dob, asOf sql.NullString
	var age sql.NullInt64
	var vulns string
	if err := tx.row(ctx, `SELECT date_of_birth, age, age_as_of, vulnerabilities FROM children WHERE id = ?`, t.ChildID).
		Scan(&dob, &age, &asOf, &vulns); err != nil {
		return 0, err
	}
	ref, err := freeRef(ctx, tx, t.ToOrgID, t.ChildRef, fmt.Sprintf("-T%d", t.ID))
	if err != nil {
		return 0, err
	}
	id, err := tx.insert(ctx, `INSERT INTO children (organisation_id, ref, date_of_birth, age, age_as_of, vulnerabilities,
		created_at, find_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, t.ToOrgID, ref, dob, age, asOf, vulns, micros(now),
		findKey(&lifeguard.Child{Ref: ref}))
	if err != nil {
		return 0, err
	}
	var codes []lifeguard.Vulnerability
	if err := json.Unmarshal([]byte(vulns), &codes); err != nil {
		return 0, fmt.Errorf("child %d: vulnerabilities: %w", t.ChildID, err)
	}
	return id, journal(ctx, tx, a, now, jCreate, jChild, id,
		fmt.Sprintf("transfer=%d vulnerabilities=%s", t.ID, codeList(codes)))
}

// freeRef returns ref when org has no child of that reference, or else ref
// with suffix (then suffix-2, suffix-3, … should someone have chosen that
// by hand), shortened so the whole stays within lifeguard.MaxChildRef.
func freeRef(ctx context.Context, tx *tx, org int64, ref, suffix string) (string, error) {
	try := ref
	for n := 1; ; n++ {
		taken, err := refTaken(ctx, tx, org, try)
		if err != nil || !taken {
			return try, err
		}
		s := suffix
		if n > 1 {
			s = fmt.Sprintf("%s-%d", suffix, n)
		}
		try = truncRunes(ref, lifeguard.MaxChildRef-utf8.RuneCountInString(s)) + s
	}
}

// truncRunes returns the first n characters of s.
func truncRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:max(n, 0)])
}
