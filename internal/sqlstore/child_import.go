package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// importChild is a child of the organisation as the import sees it: the
// record, and the line that matched it (0 for none yet).
type importChild struct {
	c    *lifeguard.Child
	line int
}

// importPlan is what an import will write: the lines' outcomes in order,
// and the records to add, change and mark as left.
type importPlan struct {
	res     lifeguard.ChildImportResult
	adds    []planAdd
	changes []planChange
	probs   problems
}

type planAdd struct {
	report int // index in res.Lines
	id     lifeguard.ChildIdentity
}

type planChange struct {
	c      *lifeguard.Child
	id     lifeguard.ChildIdentity
	fields []string
}

// nameKey is the second way an import matches a child: legal forename,
// surname and date of birth, case aside; "" when one is missing.
func nameKey(fore, sur string, dob *lifeguard.Date) string {
	if fore == "" || sur == "" || dob == nil {
		return ""
	}
	return strings.ToLower(fore) + "\x1f" + strings.ToLower(sur) + "\x1f" + dob.String()
}

// ImportChildren imports lines of an organisation's register: see
// lifeguard.ChildStore. It reads the organisation's children once, matches
// the lines in memory, and writes in the one transaction each record added
// or changed, each journaled with the names of its fields (never their
// values); a dry run writes only the journal's note that the register was
// read.
func (db *DB) ImportChildren(ctx context.Context, in lifeguard.ChildImport) (*lifeguard.ChildImportResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.Can(lifeguard.OpImportChildren) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not keep the register of children.")
	}
	if err := checkRegister(a, in.OrganisationID); err != nil {
		return nil, err
	}
	var p problems
	if len(in.Lines) > lifeguard.MaxChildImportLines {
		p.add("lines", "has %d lines; import at most %d at once", len(in.Lines), lifeguard.MaxChildImportLines)
	}
	for _, f := range in.Fields {
		if !slices.Contains(lifeguard.ChildIdentityFields(), f) {
			p.add("fields", "names %q, which is not a field of a child's record", f)
		}
	}
	if err := p.err("The import is not valid"); err != nil {
		return nil, err
	}
	var plan *importPlan
	err = db.inWrite(ctx, "import children", func(tx *tx) error {
		var n int
		if err := tx.row(ctx, `SELECT COUNT(*) FROM organisations WHERE id = ?`, in.OrganisationID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such organisation.")
		}
		var kids []*importChild
		if err := each(ctx, tx, `SELECT `+childColumns+` FROM children WHERE organisation_id = ? AND merged_into IS NULL
			ORDER BY id`, []any{in.OrganisationID}, func(scan func(...any) error) error {
			c, err := scanChild(scan)
			if err != nil {
				return err
			}
			kids = append(kids, &importChild{c: c})
			return nil
		}); err != nil {
			return err
		}
		now := db.now()
		plan = db.planImport(in, kids, lifeguard.DateOf(now))
		if err := plan.probs.err("The import has bad lines; nothing was imported"); err != nil {
			return err
		}
		if in.DryRun {
			return journal(ctx, tx, a, now, jList, jChild, 0, fmt.Sprintf("import dry-run lines=%d", len(in.Lines)))
		}
		if err := writeImport(ctx, tx, a, now, in.OrganisationID, plan); err != nil {
			return err
		}
		plan.res.Imported = true
		r := plan.res
		return journal(ctx, tx, a, now, jUpdate, jChild, 0, fmt.Sprintf("import lines=%d added=%d changed=%d left=%d",
			len(in.Lines), r.Added, r.Changed, r.Left))
	})
	if plan == nil {
		return nil, err
	}
	return &plan.res, err
}

// planImport matches every line to a child and works out what changes.
func (db *DB) planImport(in lifeguard.ChildImport, kids []*importChild, today lifeguard.Date) *importPlan {
	plan := &importPlan{res: lifeguard.ChildImportResult{DryRun: in.DryRun, Lines: []lifeguard.ChildImportReport{}}}
	byUPN := map[string]*importChild{}
	byName := map[string][]*importChild{}
	for _, k := range kids {
		if k.c.UPN != "" {
			byUPN[k.c.UPN] = k
		}
		if key := nameKey(k.c.LegalForename, k.c.LegalSurname, k.c.DateOfBirth); key != "" {
			byName[key] = append(byName[key], k)
		}
	}
	has := func(f string) bool { return in.Fields == nil || slices.Contains(in.Fields, f) }
	seenUPN := map[string]int{}
	seenName := map[string]int{}
	for _, l := range in.Lines {
		prefix := fmt.Sprintf("lines[%d].", l.Line)
		id := l.Identity.Normalise()
		var bad []lifeguard.Problem
		for _, pr := range l.Problems {
			bad = append(bad, lifeguard.Problem{Path: prefix + pr.Path, Problem: pr.Problem})
		}
		bad = append(bad, id.Problems(prefix, today)...)
		key := nameKey(id.LegalForename, id.LegalSurname, id.DateOfBirth)
		if id.UPN == "" && key == "" {
			bad = append(bad, lifeguard.Problem{Path: prefix + "upn",
				Problem: "is empty, and the line lacks a legal forename, surname or date of birth to find the child by"})
		}
		if id.UPN != "" {
			if first, ok := seenUPN[id.UPN]; ok {
				bad = append(bad, lifeguard.Problem{Path: prefix + "upn", Problem: fmt.Sprintf("is also on line %d", first)})
			} else {
				seenUPN[id.UPN] = l.Line
			}
		} else if key != "" {
			if first, ok := seenName[key]; ok {
				bad = append(bad, lifeguard.Problem{Path: prefix + "legal_surname",
					Problem: fmt.Sprintf("names, with the forename and date of birth, the same child as line %d", first)})
			} else {
				seenName[key] = l.Line
			}
		}
		// Match: by UPN, else by name and date of birth among the records
		// that have no other UPN.
		var match *importChild
		if len(bad) == 0 {
			if k := byUPN[id.UPN]; id.UPN != "" && k != nil {
				match = k
			} else if key != "" {
				var cands []*importChild
				for _, k := range byName[key] {
					if k.c.UPN == "" || k.c.UPN == id.UPN {
						cands = append(cands, k)
					}
				}
				switch {
				case len(cands) > 1:
					bad = append(bad, lifeguard.Problem{Path: prefix + "legal_surname",
						Problem: fmt.Sprintf("matches %d records by name and date of birth; give the UPN, or merge the records first", len(cands))})
				case len(cands) == 1:
					match = cands[0]
				}
			}
			if match != nil && match.line != 0 {
				bad = append(bad, lifeguard.Problem{Path: prefix + "upn",
					Problem: fmt.Sprintf("names the same child as line %d", match.line)})
			}
		}
		if len(bad) > 0 {
			plan.probs = append(plan.probs, bad...)
			plan.res.Bad++
			plan.res.Lines = append(plan.res.Lines, lifeguard.ChildImportReport{Line: l.Line, Outcome: lifeguard.ImportBad,
				Name: displayOf(id), Problems: bad})
			continue
		}
		if match == nil {
			for _, f := range lifeguard.ChildIdentityFields() {
				if !has(f) {
					clearField(&id, f)
				}
			}
			plan.adds = append(plan.adds, planAdd{report: len(plan.res.Lines), id: id})
			plan.res.Added++
			plan.res.Lines = append(plan.res.Lines, lifeguard.ChildImportReport{Line: l.Line, Outcome: lifeguard.ImportAdded,
				Name: displayOf(id), Fields: changedFields(lifeguard.ChildIdentity{}, id)})
			continue
		}
		match.line = l.Line
		old := match.c.Identity()
		for _, f := range lifeguard.ChildIdentityFields() {
			if !has(f) {
				copyField(&id, old, f)
			}
		}
		if id.DateOfBirth == nil {
			id.DateOfBirth = old.DateOfBirth
		}
		if in.FullRoll && !has("left_on") {
			id.LeftOn = nil // on the roll, so on roll again
		}
		rep := lifeguard.ChildImportReport{Line: l.Line, ChildID: match.c.ID, Ref: match.c.Ref, Name: displayOf(id)}
		if fields := changedFields(old, id); len(fields) > 0 {
			rep.Outcome, rep.Fields = lifeguard.ImportChanged, fields
			plan.changes = append(plan.changes, planChange{c: match.c, id: id, fields: fields})
			plan.res.Changed++
		} else {
			rep.Outcome = lifeguard.ImportUnchanged
			plan.res.Unchanged++
		}
		plan.res.Lines = append(plan.res.Lines, rep)
	}
	if in.FullRoll {
		for _, k := range kids {
			if k.line != 0 || k.c.LeftOn != nil || !k.c.HasIdentity() {
				continue
			}
			id := k.c.Identity()
			left := today
			id.LeftOn = &left
			plan.changes = append(plan.changes, planChange{c: k.c, id: id, fields: []string{"left_on"}})
			plan.res.Left++
			plan.res.Lines = append(plan.res.Lines, lifeguard.ChildImportReport{Outcome: lifeguard.ImportLeft,
				ChildID: k.c.ID, Ref: k.c.Ref, Name: k.c.DisplayName(), Fields: []string{"left_on"}})
		}
	}
	return plan
}

// displayOf is the name of the child an import line describes.
func displayOf(id lifeguard.ChildIdentity) string {
	c := lifeguard.Child{}
	setIdentity(&c, id)
	return c.DisplayName()
}

// clearField empties field f of id.
func clearField(id *lifeguard.ChildIdentity, f string) { copyField(id, lifeguard.ChildIdentity{}, f) }

// copyField sets field f of id to from's.
func copyField(id *lifeguard.ChildIdentity, from lifeguard.ChildIdentity, f string) {
	switch f {
	case "upn":
		id.UPN = from.UPN
	case "legal_surname":
		id.LegalSurname = from.LegalSurname
	case "legal_forename":
		id.LegalForename = from.LegalForename
	case "preferred_forename":
		id.PreferredForename = from.PreferredForename
	case "date_of_birth":
		id.DateOfBirth = from.DateOfBirth
	case "year_group":
		id.YearGroup = from.YearGroup
	case "reg_group":
		id.RegGroup = from.RegGroup
	case "nhs_number":
		id.NHSNumber = from.NHSNumber
	case "la_number":
		id.LANumber = from.LANumber
	case "left_on":
		id.LeftOn = from.LeftOn
	}
}

// writeImport writes the plan: the changes first (a UPN may move from one
// record to another only through a change of both, which the matching by
// UPN rules out), then the new records.
func writeImport(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, org int64, plan *importPlan) error {
	for _, ch := range plan.changes {
		c := *ch.c
		setIdentity(&c, ch.id)
		args := append(identityArgs(ch.id), nullDate(ch.id.DateOfBirth), findKey(&c), c.ID)
		if _, err := tx.exec(ctx, `UPDATE children SET (`+identityColumns+`, date_of_birth, find_key) =
			(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) WHERE id = ?`, args...); err != nil {
			return err
		}
		if err := journal(ctx, tx, a, now, jUpdate, jChild, c.ID, "import fields="+strings.Join(ch.fields, ",")); err != nil {
			return err
		}
	}
	for _, ad := range plan.adds {
		rep := &plan.res.Lines[ad.report]
		c := lifeguard.Child{}
		setIdentity(&c, ad.id)
		// A reference unique for the moment, replaced by one made from the
		// id once it is known, as a report's new child gets.
		c.Ref = fmt.Sprintf("import-%d-%d", micros(now), rep.Line)
		args := append([]any{org, c.Ref, "[]", micros(now), findKey(&c)}, identityArgs(ad.id)...)
		args = append(args, nullDate(ad.id.DateOfBirth))
		id, err := tx.insert(ctx, `INSERT INTO children (organisation_id, ref, vulnerabilities, created_at, find_key,
			`+identityColumns+`, date_of_birth) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, args...)
		if err != nil {
			return err
		}
		ref, err := generatedRef(ctx, tx, org, id)
		if err != nil {
			return err
		}
		c.Ref = ref
		if _, err := tx.exec(ctx, `UPDATE children SET ref = ?, find_key = ? WHERE id = ?`, ref, findKey(&c), id); err != nil {
			return err
		}
		rep.ChildID, rep.Ref = id, ref
		if err := journal(ctx, tx, a, now, jCreate, jChild, id, "import fields="+strings.Join(rep.Fields, ",")); err != nil {
			return err
		}
	}
	return nil
}
