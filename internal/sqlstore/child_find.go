package sqlstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// MaxChildSearch bounds a search for a child, in characters.
const MaxChildSearch = 100

// maxSearchWords bounds the words of a search: each is a LIKE of its own.
const maxSearchWords = 6

// maxSearchMatches is how many matching records a search reads before
// choosing the first maxFound by name: enough for any few letters typed in
// an organisation of a few thousand children, and a bound on the work.
const maxSearchMatches = 500

// searchWords splits a search into the lower-case words find_key must each
// hold. "year 7" and "yr7" become "y7", as find_key writes a year group.
func searchWords(q string) []string {
	fields := strings.Fields(strings.ToLower(q))
	var out []string
	for i := 0; i < len(fields); i++ {
		w := fields[i]
		if (w == "year" || w == "yr") && i+1 < len(fields) {
			if y, ok := lifeguard.NormaliseYearGroup(fields[i+1]); ok {
				out = append(out, "y"+strings.ToLower(y))
				i++
				continue
			}
		}
		if rest, ok := strings.CutPrefix(w, "yr"); ok {
			if y, ok := lifeguard.NormaliseYearGroup(rest); ok {
				w = "y" + strings.ToLower(y)
			}
		}
		out = append(out, w)
	}
	return out
}

// likeEscape escapes the wildcards of LIKE with a backslash, the escape
// character every search here names.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// SearchChildren finds the children of the actor's organisation whose
// names, reference, identifiers, registration group or year group hold
// every word of q (any case; "y7" or "year 7" for a year group), for
// anyone choosing a child: on roll first, then by surname, forename and
// reference; at most 20. Staff and managers get who the child is, as
// FindChildren; a DSL gets the record. Journaled as one list naming the
// children found; the words searched for are not journaled, as they may be
// a name.
func (db *DB) SearchChildren(ctx context.Context, q string) ([]lifeguard.Child, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := canFindChildren(a); err != nil {
		return nil, err
	}
	var p problems
	p.text("q", q, MaxChildSearch, false)
	words := searchWords(q)
	if len(words) > maxSearchWords {
		p.add("q", "has %d words; search with at most %d", len(words), maxSearchWords)
	}
	if err := p.err("The search is not valid"); err != nil {
		return nil, err
	}
	out := []lifeguard.Child{}
	if len(words) == 0 {
		return out, nil
	}
	query := `SELECT ` + childColumns + ` FROM children WHERE organisation_id = ? AND merged_into IS NULL`
	args := []any{a.OrganisationID}
	for _, w := range words {
		query += ` AND find_key LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(w)+"%")
	}
	// Ordered by id so that both engines read the same matches; the order
	// people read is made below, in Go, where it is the same on both (the
	// engines' collations differ).
	query += ` ORDER BY id LIMIT ?`
	args = append(args, maxSearchMatches)
	refOnly := !a.Can(lifeguard.OpReadChild)
	err = db.inWrite(ctx, "search children", func(tx *tx) error {
		var found []*lifeguard.Child
		if err := each(ctx, tx, query, args, func(scan func(...any) error) error {
			c, err := scanChild(scan)
			if err != nil {
				return err
			}
			found = append(found, c)
			return nil
		}); err != nil {
			return err
		}
		slices.SortFunc(found, compareFound)
		ids := make([]int64, 0, maxFound)
		for _, c := range found[:min(len(found), maxFound)] {
			out = append(out, *foundChild(a, c, refOnly))
			ids = append(ids, c.ID)
		}
		return journal(ctx, tx, a, db.now(), jList, jChild, 0, "search ids="+idList(ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// compareFound orders found children for reading: on roll before left,
// then by surname, forename and reference, case aside.
func compareFound(x, y *lifeguard.Child) int {
	left := func(c *lifeguard.Child) int {
		if c.LeftOn != nil {
			return 1
		}
		return 0
	}
	fore := func(c *lifeguard.Child) string { return strings.ToLower(cmp.Or(c.PreferredForename, c.LegalForename)) }
	return cmp.Or(cmp.Compare(left(x), left(y)), cmp.Compare(strings.ToLower(x.LegalSurname), strings.ToLower(y.LegalSurname)),
		cmp.Compare(fore(x), fore(y)), cmp.Compare(x.Ref, y.Ref), cmp.Compare(x.ID, y.ID))
}

// maxListChildren bounds a page of ListChildren.
const maxListChildren = 1000

// ListChildren pages through an organisation's register: see
// lifeguard.ChildStore. Journaled as one list naming the records.
func (db *DB) ListChildren(ctx context.Context, org, after int64, limit int) ([]lifeguard.Child, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpImportChildren) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not keep the register of children.")
	}
	if err := checkRegister(a, org); err != nil {
		return nil, err
	}
	if limit < 1 || limit > maxListChildren {
		return nil, lifeguard.Invalid("The list is not valid", []lifeguard.Problem{{Path: "limit",
			Problem: fmt.Sprintf("must be 1 to %d", maxListChildren)}})
	}
	out := []lifeguard.Child{}
	err = db.inWrite(ctx, "list children", func(tx *tx) error {
		var ids []int64
		if err := each(ctx, tx, `SELECT `+childColumns+` FROM children WHERE organisation_id = ? AND merged_into IS NULL
			AND id > ? ORDER BY id LIMIT ?`, []any{org, after, limit}, func(scan func(...any) error) error {
			c, err := scanChild(scan)
			if err != nil {
				return err
			}
			showIdentity(a, c, 0)
			out = append(out, *c)
			ids = append(ids, c.ID)
			return nil
		}); err != nil {
			return err
		}
		return journal(ctx, tx, a, db.now(), jList, jChild, 0, "register ids="+idList(ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
