package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Who a child is: the names and identifiers of the register (issue 15).
// They are read with every record (scanChild) and shown only to those
// lifeguard.OpReadChildIdentity lets see them, and to the DSL of an
// organisation that received the child's file (the transfer carries them).
// No journal detail holds any of them: a write is journaled with the names
// of the fields it changed.

// showIdentity clears from c what a may not see of who the child is. via is
// the transfer through which a reads another organisation's record, or 0.
func showIdentity(a *lifeguard.Actor, c *lifeguard.Child, via int64) {
	if via != 0 || a.May(lifeguard.OpReadChildIdentity).Covers(a.Near(0, c.OrganisationID, 0)) {
		return
	}
	hideIdentity(c)
}

// hideIdentity clears the names, groups and identifiers of c.
func hideIdentity(c *lifeguard.Child) {
	c.LegalForename, c.LegalSurname, c.PreferredForename = "", "", ""
	c.YearGroup, c.RegGroup, c.UPN, c.NHSNumber, c.LANumber = "", "", "", "", ""
}

// findKey is what a search of the children matches (the find_key column):
// the reference, names, identifiers and groups in lower case, with the year
// group written "y7" so that typing "y7" or "year 7" finds the year and
// typing "7" does not find every identifier holding a 7.
func findKey(c *lifeguard.Child) string {
	parts := []string{c.Ref, c.LegalForename, c.PreferredForename, c.LegalSurname, c.UPN, c.NHSNumber, c.LANumber,
		c.RegGroup}
	if c.YearGroup != "" {
		parts = append(parts, "y"+c.YearGroup)
	}
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(p))
	}
	return b.String()
}

// identityArgs are the identity columns' values for an INSERT or UPDATE,
// in the order of identityColumns, empty strings as NULL.
const identityColumns = `legal_forename, legal_surname, preferred_forename, year_group, reg_group, upn, nhs_number,
	la_number, left_on`

func identityArgs(id lifeguard.ChildIdentity) []any {
	return []any{nullText(id.LegalForename), nullText(id.LegalSurname), nullText(id.PreferredForename),
		nullText(id.YearGroup), nullText(id.RegGroup), nullText(id.UPN), nullText(id.NHSNumber),
		nullText(id.LANumber), nullDate(id.LeftOn)}
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// checkIdentity normalises id and checks it, each problem at prefix + the
// field.
func (db *DB) checkIdentity(id lifeguard.ChildIdentity, prefix string) (lifeguard.ChildIdentity, []lifeguard.Problem) {
	id = id.Normalise()
	return id, id.Problems(prefix, lifeguard.DateOf(db.now()))
}

// changedFields names the identity fields that differ between a and b, for
// a journal detail that must not hold their values.
func changedFields(a, b lifeguard.ChildIdentity) []string {
	var out []string
	add := func(name string, x, y string) {
		if x != y {
			out = append(out, name)
		}
	}
	add("legal_forename", a.LegalForename, b.LegalForename)
	add("legal_surname", a.LegalSurname, b.LegalSurname)
	add("preferred_forename", a.PreferredForename, b.PreferredForename)
	add("year_group", a.YearGroup, b.YearGroup)
	add("reg_group", a.RegGroup, b.RegGroup)
	add("upn", a.UPN, b.UPN)
	add("nhs_number", a.NHSNumber, b.NHSNumber)
	add("la_number", a.LANumber, b.LANumber)
	add("date_of_birth", datePtrString(a.DateOfBirth), datePtrString(b.DateOfBirth))
	add("left_on", datePtrString(a.LeftOn), datePtrString(b.LeftOn))
	return out
}

func datePtrString(d *lifeguard.Date) string {
	if d == nil {
		return ""
	}
	return d.String()
}

// upnHolder returns the child of org other than except holding upn, or 0.
// Asked before writing rather than left to the unique index, because a
// failed statement aborts a PostgreSQL transaction.
func upnHolder(ctx context.Context, tx *tx, org int64, upn string, except int64) (int64, error) {
	if upn == "" {
		return 0, nil
	}
	var id int64
	err := tx.row(ctx, `SELECT id FROM children WHERE organisation_id = ? AND upn = ? AND id <> ?`, org, upn, except).
		Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

// checkRegister decides whether a may keep the register of organisation
// org's children: ENOTFOUND when a may not even find them, EFORBIDDEN when
// a may find but not change them.
func checkRegister(a *lifeguard.Actor, org int64) error {
	near := a.Near(0, org, 0)
	if a.May(lifeguard.OpImportChildren).Covers(near) {
		return nil
	}
	if a.May(lifeguard.OpFindChild).Covers(near) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only your organisation's designated safeguarding lead or manager can change the register of children.")
	}
	return errNoChild()
}

// SetChildIdentity sets who a child is: every field of id replaces the
// record's, except a nil DateOfBirth, which keeps the date on record (a
// report may have given it). The organisation's DSL or manager may;
// journaled with the names of the fields changed.
func (db *DB) SetChildIdentity(ctx context.Context, childID int64, id lifeguard.ChildIdentity) (*lifeguard.Child, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	id, probs := db.checkIdentity(id, "")
	if err := problems(probs).err("The child's details are not valid"); err != nil {
		return nil, err
	}
	var c *lifeguard.Child
	err = db.inWrite(ctx, "set child identity", func(tx *tx) error {
		c, err = scanChild(tx.row(ctx, `SELECT `+childColumns+` FROM children WHERE id = ?`, childID).Scan)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoChild()
		}
		if err != nil {
			return err
		}
		if err := checkRegister(a, c.OrganisationID); err != nil {
			return err
		}
		if c.MergedInto != nil {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "This record was merged into another; change that one.")
		}
		holder, err := upnHolder(ctx, tx, c.OrganisationID, id.UPN, childID)
		if err != nil {
			return err
		}
		if holder != 0 {
			return lifeguard.Invalid("The child's details are not valid", []lifeguard.Problem{{Path: "upn",
				Problem: "is already the UPN of another child of your organisation"}})
		}
		if id.DateOfBirth == nil {
			id.DateOfBirth = c.DateOfBirth
		}
		changed := changedFields(c.Identity(), id)
		if len(changed) == 0 {
			return nil
		}
		setIdentity(c, id)
		args := append(identityArgs(id), nullDate(id.DateOfBirth), findKey(c), childID)
		if _, err := tx.exec(ctx, `UPDATE children SET (`+identityColumns+`, date_of_birth, find_key) =
			(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?`, args...); err != nil {
			return err
		}
		return journal(ctx, tx, a, db.now(), jUpdate, jChild, childID, "identity fields="+strings.Join(changed, ","))
	})
	if err != nil {
		return nil, err
	}
	showIdentity(a, c, 0)
	return c, nil
}

// setIdentity copies id onto c.
func setIdentity(c *lifeguard.Child, id lifeguard.ChildIdentity) {
	c.LegalForename, c.LegalSurname, c.PreferredForename = id.LegalForename, id.LegalSurname, id.PreferredForename
	c.YearGroup, c.RegGroup, c.UPN, c.NHSNumber, c.LANumber = id.YearGroup, id.RegGroup, id.UPN, id.NHSNumber, id.LANumber
	c.DateOfBirth, c.LeftOn = id.DateOfBirth, id.LeftOn
}
