package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/lifeguard-scp/lifeguard"
)

// mergeFor loads a record to merge, which the actor must be able to merge:
// a record of their own organisation, not one read through a transfer.
func mergeFor(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64) (*lifeguard.Child, error) {
	c, via, err := childFor(ctx, tx, a, id, readChildRecord)
	if err != nil {
		return nil, err
	}
	if via != 0 || !a.May(lifeguard.OpMergeChildren).Covers(a.Near(0, c.OrganisationID, 0)) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the child's organisation's designated safeguarding lead can merge its records.")
	}
	if c.MergedInto != nil {
		return nil, lifeguard.Errorf(lifeguard.ECONFLICT, "Record %s was already merged into another.", c.Ref)
	}
	return c, nil
}

// MergeChildren merges record merge into record keep: see
// lifeguard.ChildStore. The concerns and the transfers of the merged record
// move to the kept one, so the kept record's chronology holds both; the
// kept record gains the vulnerabilities, and the names, identifiers and
// date of birth it lacked; the merged record keeps its reference and
// nothing else, and points to the kept one. Journaled on both records,
// and recorded in child_merges for review.
func (db *DB) MergeChildren(ctx context.Context, keep, merge int64) (*lifeguard.ChildMerge, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if keep == merge {
		return nil, lifeguard.Invalid("The merge is not valid", []lifeguard.Problem{{Path: "merge",
			Problem: "is the record to keep; choose another record of the same child"}})
	}
	var out *lifeguard.ChildMerge
	err = db.inWrite(ctx, "merge children", func(tx *tx) error {
		k, err := mergeFor(ctx, tx, a, keep)
		if err != nil {
			return err
		}
		m, err := mergeFor(ctx, tx, a, merge)
		if err != nil {
			return err
		}
		if k.OrganisationID != m.OrganisationID {
			return errNoChild()
		}
		var pending, received int
		if err := tx.row(ctx, `SELECT
				(SELECT COUNT(DISTINCT child_id) FROM transfers WHERE child_id IN (?, ?) AND status = ?),
				(SELECT COUNT(*) FROM transfers WHERE received_child_id IN (?, ?))`,
			keep, merge, string(lifeguard.TransferPending), keep, merge).Scan(&pending, &received); err != nil {
			return err
		}
		if pending > 1 {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "Both records have a file waiting to be received by another organisation; merge them once it has been.")
		}
		if received > 1 {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "Both records came to your organisation by transfer, and Lifeguard cannot join two received files yet.")
		}
		now := db.now()
		res, err := tx.exec(ctx, `UPDATE concerns SET child_id = ? WHERE child_id = ?`, keep, merge)
		if err != nil {
			return err
		}
		concerns, err := res.RowsAffected()
		if err != nil {
			return err
		}
		res, err = tx.exec(ctx, `UPDATE transfers SET child_id = ? WHERE child_id = ?`, keep, merge)
		if err != nil {
			return err
		}
		transfers, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE transfers SET received_child_id = ? WHERE received_child_id = ?`, keep, merge); err != nil {
			return err
		}
		if err := mergeAttached(ctx, tx, keep, merge); err != nil {
			return err
		}
		// The kept record: its own values first, the merged record's where
		// it has none. The merged record's UPN is cleared before the kept
		// record takes it, as the unique index asks.
		id := k.Identity()
		fill(&id.LegalForename, m.LegalForename)
		fill(&id.LegalSurname, m.LegalSurname)
		fill(&id.PreferredForename, m.PreferredForename)
		fill(&id.YearGroup, m.YearGroup)
		fill(&id.RegGroup, m.RegGroup)
		fill(&id.UPN, m.UPN)
		fill(&id.NHSNumber, m.NHSNumber)
		fill(&id.LANumber, m.LANumber)
		if id.DateOfBirth == nil {
			id.DateOfBirth = m.DateOfBirth
		}
		if k.LeftOn != nil && m.LeftOn == nil {
			id.LeftOn = nil // one of the two is on roll: so is the child
		}
		vulns := slices.Clone(k.Vulnerabilities)
		for _, v := range m.Vulnerabilities {
			if !slices.Contains(vulns, v) {
				vulns = append(vulns, v)
			}
		}
		vb, err := json.Marshal(vulns)
		if err != nil {
			return err
		}
		age, asOf := any(nil), any(nil)
		if k.Age != nil {
			age, asOf = *k.Age, nullDate(k.AgeAsOf)
		} else if m.Age != nil {
			age, asOf = *m.Age, nullDate(m.AgeAsOf)
		}
		if _, err := tx.exec(ctx, `UPDATE children SET (`+identityColumns+`, date_of_birth, find_key, vulnerabilities,
			age, age_as_of, merged_into) = (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', '[]', NULL, NULL, ?)
			WHERE id = ?`, keep, merge); err != nil {
			return err
		}
		kc := *k
		setIdentity(&kc, id)
		args := append(identityArgs(id), nullDate(id.DateOfBirth), findKey(&kc), string(vb), age, asOf, keep)
		if _, err := tx.exec(ctx, `UPDATE children SET (`+identityColumns+`, date_of_birth, find_key, vulnerabilities,
			age, age_as_of) = (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?`, args...); err != nil {
			return err
		}
		mid, err := tx.insert(ctx, `INSERT INTO child_merges (organisation_id, kept_child_id, merged_child_id, merged_by,
			merged_at, concerns, transfers, merged_ref) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, k.OrganisationID, keep, merge,
			nullID(a.UserID), micros(now), concerns, transfers, m.Ref)
		if err != nil {
			return err
		}
		if err := journal(ctx, tx, a, now, jUpdate, jChild, keep, fmt.Sprintf("merge=%d merged=%d concerns=%d transfers=%d",
			mid, merge, concerns, transfers)); err != nil {
			return err
		}
		if err := journal(ctx, tx, a, now, jUpdate, jChild, merge, fmt.Sprintf("merge=%d into=%d", mid, keep)); err != nil {
			return err
		}
		out = &lifeguard.ChildMerge{ID: mid, OrganisationID: k.OrganisationID, KeptChildID: keep, MergedChildID: merge,
			MergedRef: m.Ref, MergedBy: a.UserID, MergedAt: now, Concerns: int(concerns), Transfers: int(transfers)}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// mergeAttached moves to the kept record what else hangs on the merged
// one, so that nothing about the child stays behind on a record that is
// found no more: legal holds (a hold on either record must keep the
// joined file from erasure), subject access and data requests, the
// parts of partnership-wide requests, the child's acknowledgements of
// agreements and the parents' consents. Where both records hold the same
// thing, one is kept: an acknowledgement of the same version once, and of
// two consents of a kind both in force, the one given first (the consent
// has run since then), the other deleted as the duplicate it is.
func mergeAttached(ctx context.Context, tx *tx, keep, merge int64) error {
	for _, d := range []struct {
		q    string
		args []any
	}{
		{`DELETE FROM consents WHERE id IN (SELECT c.id FROM consents c JOIN consents o ON o.kind = c.kind
			AND o.withdrawn_on IS NULL AND o.child_id IN (?, ?) AND o.child_id <> c.child_id
			WHERE c.withdrawn_on IS NULL AND c.child_id IN (?, ?)
			AND (c.given_on > o.given_on OR (c.given_on = o.given_on AND c.child_id = ?)))`, []any{keep, merge, keep, merge, merge}},
		{`DELETE FROM agreements WHERE child_id = ? AND version_id IN (SELECT a.version_id FROM agreements a WHERE a.child_id = ?)`,
			[]any{merge, keep}},
		{`DELETE FROM partnership_access_parts WHERE child_id = ? AND request_id IN
			(SELECT p.request_id FROM partnership_access_parts p WHERE p.child_id = ?)`, []any{merge, keep}},
	} {
		if _, err := tx.exec(ctx, d.q, d.args...); err != nil {
			return err
		}
	}
	for _, table := range []string{"consents", "agreements", "partnership_access_parts", "retention_holds", "subject_access", "data_requests"} {
		if _, err := tx.exec(ctx, `UPDATE `+table+` SET child_id = ? WHERE child_id = ?`, keep, merge); err != nil {
			return err
		}
	}
	return nil
}

func fill(dst *string, from string) {
	if *dst == "" {
		*dst = from
	}
}

// ChildMerges lists the merges into a child's record: see
// lifeguard.ChildStore. Read with the record, and journaled with it.
func (db *DB) ChildMerges(ctx context.Context, childID int64) ([]lifeguard.ChildMerge, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.ChildMerge
	err = db.inWrite(ctx, "child merges", func(tx *tx) error {
		_, via, err := childFor(ctx, tx, a, childID, readChildRecord)
		if err != nil {
			return err
		}
		out, err = db.readMerges(ctx, tx, a, childID, via)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readMerges reads in tx the merges into a child's record the actor may
// read (through transfer via, or 0), newest first, and journals the read.
func (db *DB) readMerges(ctx context.Context, tx *tx, a *lifeguard.Actor, childID, via int64) ([]lifeguard.ChildMerge, error) {
	out := []lifeguard.ChildMerge{}
	var ids []int64
	if err := each(ctx, tx, `SELECT id, organisation_id, kept_child_id, merged_child_id, merged_ref, merged_by,
		merged_at, concerns, transfers FROM child_merges WHERE kept_child_id = ? ORDER BY id DESC`, []any{childID},
		func(scan func(...any) error) error {
			var m lifeguard.ChildMerge
			var at int64
			var by sql.NullInt64
			if err := scan(&m.ID, &m.OrganisationID, &m.KeptChildID, &m.MergedChildID, &m.MergedRef, &by,
				&at, &m.Concerns, &m.Transfers); err != nil {
				return err
			}
			m.MergedBy = by.Int64
			m.MergedAt = fromMicros(at)
			out = append(out, m)
			ids = append(ids, m.ID)
			return nil
		}); err != nil {
		return nil, err
	}
	return out, journal(ctx, tx, a, db.now(), jRead, jChild, childID, viaDetail("merges="+idList(ids), via))
}

// DiscloseChronology is Chronology journaled also as a disclosure: see
// lifeguard.ChildStore.
func (db *DB) DiscloseChronology(ctx context.Context, childID int64, how string) ([]lifeguard.ChronologyEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if how != "csv" && how != "print" {
		return nil, lifeguard.Invalid("The disclosure is not valid", []lifeguard.Problem{{Path: "how", Problem: "must be csv or print"}})
	}
	out, err := db.Chronology(ctx, childID)
	if err != nil {
		return nil, err
	}
	err = db.inWrite(ctx, "disclose chronology", func(tx *tx) error {
		return journal(ctx, tx, a, db.now(), jDisclose, jChild, childID, fmt.Sprintf("chronology %s entries=%d", how, len(out)))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
