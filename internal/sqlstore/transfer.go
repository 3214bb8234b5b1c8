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
	org_to.name, t.status, t.note, t.sent_by, t.sent_at, t.due_by, t.received_by, t.received_at, t.received_child_id,
	ch.legal_forename, ch.legal_surname, ch.preferred_forename, ch.date_of_birth, ch.year_group, ch.reg_group, ch.upn,
	ch.nhs_number, ch.la_number`

const transferFrom = ` FROM transfers t JOIN children ch ON ch.id = t.child_id
	JOIN organisations org_from ON org_from.id = t.from_organisation_id
	JOIN organisations org_to ON org_to.id = t.to_organisation_id`

func scanTransfer(scan func(...any) error) (*lifeguard.Transfer, error) {
	var t lifeguard.Transfer
	var status string
	var sentBy, receivedBy, receivedAt, receivedChild sql.NullInt64
	var sent, due int64
	var fore, sur, pref, dob, year, reg, upn, nhs, la sql.NullString
	if err := scan(&t.ID, &t.ChildID, &t.ChildRef, &t.FromOrgID, &t.FromOrgName, &t.ToOrgID, &t.ToOrgName, &status,
		&t.Note, &sentBy, &sent, &due, &receivedBy, &receivedAt, &receivedChild,
		&fore, &sur, &pref, &dob, &year, &reg, &upn, &nhs, &la); err != nil {
		return nil, err
	}
	// Who the child is travels with the transfer, which only the DSLs of
	// the two organisations read (checkTransfer).
	id := lifeguard.ChildIdentity{LegalForename: fore.String, LegalSurname: sur.String, PreferredForename: pref.String,
		YearGroup: year.String, RegGroup: reg.String, UPN: upn.String, NHSNumber: nhs.String, LANumber: la.String}
	if d, err := datePtr(dob); err != nil {
		return nil, fmt.Errorf("transfer %d: date of birth: %w", t.ID, err)
	} else {
		id.DateOfBirth = d
	}
	if (lifeguard.Child{LegalForename: id.LegalForename, LegalSurname: id.LegalSurname, UPN: id.UPN,
		NHSNumber: id.NHSNumber, LANumber: id.LANumber, PreferredForename: id.PreferredForename}).HasIdentity() {
		t.Child = &id
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
	return db.ReceiveTransferOnto(ctx, id, 0)
}

// ReceiveTransferOnto is ReceiveTransfer onto the receiving organisation's
// record onto, or a new record when onto is 0: see lifeguard.TransferStore.
// The existing record gains the vulnerabilities, names and identifiers it
// lacks from the sending record, and the file joins its chronology.
func (db *DB) ReceiveTransferOnto(ctx context.Context, id, onto int64) (*lifeguard.Transfer, error) {
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
		var child int64
		if onto == 0 {
			child, err = receiveChild(ctx, tx, a, now, t)
		} else {
			child, err = receiveOnto(ctx, tx, a, now, t, onto)
		}
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

// receiveOnto checks that onto is a record of t's receiving organisation
// able to take the file, and gives it what the sending record holds and it
// lacks. Journaled as an update of the record.
func receiveOnto(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, t *lifeguard.Transfer, onto int64) (int64, error) {
	bad := func(msg string) error {
		return lifeguard.Invalid("The file cannot be received onto that record", []lifeguard.Problem{{Path: "onto", Problem: msg}})
	}
	k, err := scanChild(tx.row(ctx, `SELECT `+childColumns+` FROM children WHERE id = ?`, onto).Scan)
	if errors.Is(err, sql.ErrNoRows) || err == nil && k.OrganisationID != t.ToOrgID {
		return 0, bad("is not a child recorded in your organisation")
	}
	if err != nil {
		return 0, err
	}
	if k.MergedInto != nil {
		return 0, bad("is a record merged into another; choose that one")
	}
	var held int
	if err := tx.row(ctx, `SELECT COUNT(*) FROM transfers WHERE received_child_id = ?`, onto).Scan(&held); err != nil {
		return 0, err
	}
	if held > 0 {
		return 0, bad("already holds a file received from another organisation; choose another record, or a new one")
	}
	s, err := scanChild(tx.row(ctx, `SELECT `+childColumns+` FROM children WHERE id = ?`, t.ChildID).Scan)
	if err != nil {
		return 0, err
	}
	id := k.Identity()
	fill(&id.LegalForename, s.LegalForename)
	fill(&id.LegalSurname, s.LegalSurname)
	fill(&id.PreferredForename, s.PreferredForename)
	fill(&id.NHSNumber, s.NHSNumber)
	fill(&id.LANumber, s.LANumber)
	if id.UPN == "" && s.UPN != "" {
		holder, err := upnHolder(ctx, tx, k.OrganisationID, s.UPN, onto)
		if err != nil {
			return 0, err
		}
		if holder == 0 {
			id.UPN = s.UPN
		}
	}
	if id.DateOfBirth == nil {
		id.DateOfBirth = s.DateOfBirth
	}
	vulns := slices.Clone(k.Vulnerabilities)
	for _, v := range s.Vulnerabilities {
		if !slices.Contains(vulns, v) {
			vulns = append(vulns, v)
		}
	}
	vb, err := json.Marshal(vulns)
	if err != nil {
		return 0, err
	}
	fields := changedFields(k.Identity(), id)
	kc := *k
	setIdentity(&kc, id)
	args := append(identityArgs(id), nullDate(id.DateOfBirth), findKey(&kc), string(vb), onto)
	if _, err := tx.exec(ctx, `UPDATE children SET (`+identityColumns+`, date_of_birth, find_key, vulnerabilities) =
		(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?`, args...); err != nil {
		return 0, err
	}
	return onto, journal(ctx, tx, a, now, jUpdate, jChild, onto, fmt.Sprintf("transfer=%d received fields=%s vulnerabilities=%s",
		t.ID, strings.Join(fields, ","), codeList(vulns)))
}

// receiveChild creates the child's record in the receiving organisation of
// t: the date of birth, age, vulnerabilities, names and identifiers of the
// sending record, and its reference, or the reference with "-T<transfer
// id>" when the receiving organisation already has a child of that
// reference. A UPN another child of the receiving organisation holds is
// refused: that child is the one to receive the file onto. It is journaled
// as the creation of the record.
func receiveChild(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, t *lifeguard.Transfer) (int64, error) {
	s, err := scanChild(tx.row(ctx, `SELECT `+childColumns+` FROM children WHERE id = ?`, t.ChildID).Scan)
	if err != nil {
		return 0, err
	}
	holder, err := upnHolder(ctx, tx, t.ToOrgID, s.UPN, 0)
	if err != nil {
		return 0, err
	}
	if holder != 0 {
		return 0, lifeguard.Invalid("The file cannot be received as a new record", []lifeguard.Problem{{Path: "onto",
			Problem: "is a new record, but a child of your organisation already has this UPN: receive the file onto that child"}})
	}
	ref, err := freeRef(ctx, tx, t.ToOrgID, t.ChildRef, fmt.Sprintf("-T%d", t.ID))
	if err != nil {
		return 0, err
	}
	vb, err := json.Marshal(s.Vulnerabilities)
	if err != nil {
		return 0, err
	}
	var age, asOf any
	if s.Age != nil {
		age, asOf = *s.Age, nullDate(s.AgeAsOf)
	}
	c := lifeguard.Child{Ref: ref}
	id := s.Identity()
	id.LeftOn = nil
	setIdentity(&c, id)
	args := append([]any{t.ToOrgID, ref, nullDate(s.DateOfBirth), age, asOf, string(vb), micros(now), findKey(&c)},
		identityArgs(id)...)
	newID, err := tx.insert(ctx, `INSERT INTO children (organisation_id, ref, date_of_birth, age, age_as_of, vulnerabilities,
		created_at, find_key, `+identityColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
	if err != nil {
		return 0, err
	}
	return newID, journal(ctx, tx, a, now, jCreate, jChild, newID,
		fmt.Sprintf("transfer=%d vulnerabilities=%s", t.ID, codeList(s.Vulnerabilities)))
}

// TransferMatches lists the receiving organisation's children the
// transfer's child may be: see lifeguard.TransferStore. Journaled as a
// list of the children found.
func (db *DB) TransferMatches(ctx context.Context, id int64) ([]lifeguard.Child, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	out := []lifeguard.Child{}
	err = db.inWrite(ctx, "transfer matches", func(tx *tx) error {
		t, err := loadTransfer(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := checkTransfer(a, receiveTransfer, t.FromOrgID, t.ToOrgID); err != nil {
			return err
		}
		var ids []int64
		if c := t.Child; c != nil && t.Status == lifeguard.TransferPending {
			q := `SELECT ` + childColumns + ` FROM children WHERE organisation_id = ? AND merged_into IS NULL AND (upn = ?`
			args := []any{t.ToOrgID, c.UPN}
			if c.DateOfBirth != nil && c.LegalSurname != "" {
				// Names compared in Go, case aside; the date narrows the
				// rows to a handful with the index children_dob.
				q += ` OR date_of_birth = ?`
				args = append(args, c.DateOfBirth.String())
			}
			q += `) ORDER BY id`
			if err := each(ctx, tx, q, args, func(scan func(...any) error) error {
				k, err := scanChild(scan)
				if err != nil {
					return err
				}
				byUPN := c.UPN != "" && k.UPN == c.UPN
				byName := strings.EqualFold(k.LegalSurname, c.LegalSurname) && (strings.EqualFold(k.LegalForename, c.LegalForename) ||
					c.PreferredForename != "" && strings.EqualFold(k.PreferredForename, c.PreferredForename))
				if byUPN || byName && (k.UPN == "" || c.UPN == "" || k.UPN == c.UPN) {
					out = append(out, *k)
					ids = append(ids, k.ID)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return journal(ctx, tx, a, db.now(), jList, jChild, 0, fmt.Sprintf("transfer=%d matches ids=%s", id, idList(ids)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
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
