package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// newChild is what a concern says of a child it records for the first
// time, besides the facts: the reference (empty for a generated one), the
// legal names (checked already), and whether the reporter confirmed that a
// child on record of the same name and date of birth is another child.
type newChild struct {
	ref               string
	forename, surname string
	different         bool
}

// concernChild returns the child a concern of organisation org is about.
// With id, it is that child, which must be one of org's (EINVALID at
// child_id otherwise), and its record gains the vulnerabilities in the facts.
// Without, it is a new child described by the facts and nc, with nc's
// reference or a generated one; or nil when the facts describe no child. A
// new child who matches one on record (sameChild) is refused with
// lifeguard.DuplicateChild unless nc says it is another child.
func concernChild(ctx context.Context, tx *tx, a *lifeguard.Actor, now time.Time, org, id int64, nc newChild,
	f *lifeguard.Facts) (*int64, error) {
	ref := nc.ref
	if id != 0 {
		var childOrg int64
		var vulnsJSON string
		var merged sql.NullInt64
		err := tx.row(ctx, `SELECT organisation_id, vulnerabilities, merged_into FROM children WHERE id = ?`, id).
			Scan(&childOrg, &vulnsJSON, &merged)
		if errors.Is(err, sql.ErrNoRows) || err == nil && childOrg != org {
			return nil, lifeguard.Invalid("The concern is not valid", []lifeguard.Problem{{
				Path: "child_id", Problem: "is not a child recorded in your organisation"}})
		}
		if err != nil {
			return nil, err
		}
		if merged.Valid {
			return nil, lifeguard.Invalid("The concern is not valid", []lifeguard.Problem{{
				Path: "child_id", Problem: "is a record merged into another record of the same child; choose that one"}})
		}
		if f.Child == nil {
			return &id, nil
		}
		var vulns []lifeguard.Vulnerability
		if err := json.Unmarshal([]byte(vulnsJSON), &vulns); err != nil {
			return nil, fmt.Errorf("child %d: vulnerabilities: %w", id, err)
		}
		n := len(vulns)
		for _, v := range f.Child.Vulnerabilities {
			if !slices.Contains(vulns, v) {
				vulns = append(vulns, v)
			}
		}
		if len(vulns) == n {
			return &id, nil
		}
		b, err := json.Marshal(vulns)
		if err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, `UPDATE children SET vulnerabilities = ? WHERE id = ?`, string(b), id); err != nil {
			return nil, err
		}
		return &id, journal(ctx, tx, a, now, jUpdate, jChild, id, "vulnerabilities="+codeList(vulns))
	}

	if f.Child == nil {
		return nil, nil
	}
	if ref != "" {
		taken, err := refTaken(ctx, tx, org, ref)
		if err != nil {
			return nil, err
		}
		if taken {
			return nil, lifeguard.Invalid("The concern is not valid", []lifeguard.Problem{{Path: "child_ref",
				Problem: "is already the reference of a child in your organisation; link the concern to that child or choose another reference"}})
		}
	}
	if !nc.different {
		dup, dupRef, err := sameChild(ctx, tx, org, nc.forename, nc.surname, f.Child.DateOfBirth)
		if err != nil {
			return nil, err
		}
		if dup != 0 {
			return nil, lifeguard.DuplicateChild("child_legal_surname", dup, dupRef)
		}
	}
	vulns := f.Child.Vulnerabilities
	if vulns == nil {
		vulns = []lifeguard.Vulnerability{}
	}
	b, err := json.Marshal(vulns)
	if err != nil {
		return nil, err
	}
	var age, asOf any
	if f.Child.Age != nil {
		age, asOf = *f.Child.Age, lifeguard.DateOf(f.ReportedAt).String()
	}
	// A generated reference is made from the child's id, known only after
	// the insert: the row goes in with an empty reference, unique in the
	// organisation for the moment of this transaction, and gets its own
	// below.
	named := lifeguard.Child{Ref: ref, LegalForename: nc.forename, LegalSurname: nc.surname}
	newID, err := tx.insert(ctx, `INSERT INTO children (organisation_id, ref, date_of_birth, age, age_as_of,
		vulnerabilities, created_at, find_key, legal_forename, legal_surname) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		org, ref, nullDate(f.Child.DateOfBirth), age, asOf, string(b), micros(now), findKey(&named),
		nullText(nc.forename), nullText(nc.surname))
	if err != nil {
		return nil, err
	}
	if ref == "" {
		if ref, err = generatedRef(ctx, tx, org, newID); err != nil {
			return nil, err
		}
		named.Ref = ref
		if _, err := tx.exec(ctx, `UPDATE children SET ref = ?, find_key = ? WHERE id = ?`, ref,
			findKey(&named), newID); err != nil {
			return nil, err
		}
	}
	detail := "vulnerabilities=" + codeList(vulns)
	// The names of the fields given, never their values.
	if fields := changedFields(lifeguard.ChildIdentity{}, named.Identity()); len(fields) > 0 {
		detail += " identity fields=" + strings.Join(fields, ",")
	}
	if nc.different {
		detail += " different=confirmed"
	}
	return &newID, journal(ctx, tx, a, now, jCreate, jChild, newID, detail)
}

// sameChild returns the child of org on record (not merged into another)
// that a new child of these names and date of birth would duplicate: the
// same date of birth and surname, and the same forename (legal or
// preferred) when both have one; or 0 when there is none, or too little is
// known to tell (no surname or no date of birth). Names are compared in Go,
// case aside, so that both engines match alike; the date narrows the rows
// to a handful through the index children_dob.
func sameChild(ctx context.Context, tx *tx, org int64, forename, surname string, dob *lifeguard.Date) (int64, string, error) {
	if surname == "" || dob == nil {
		return 0, "", nil
	}
	var id int64
	var ref string
	err := each(ctx, tx, `SELECT id, ref, legal_forename, legal_surname, preferred_forename FROM children
		WHERE organisation_id = ? AND date_of_birth = ? AND merged_into IS NULL ORDER BY id`,
		[]any{org, dob.String()}, func(scan func(...any) error) error {
			var kid int64
			var kref string
			var fore, sur, pref sql.NullString
			if err := scan(&kid, &kref, &fore, &sur, &pref); err != nil {
				return err
			}
			if id != 0 || !strings.EqualFold(sur.String, surname) {
				return nil
			}
			if forename != "" && fore.String != "" && !strings.EqualFold(fore.String, forename) &&
				!strings.EqualFold(pref.String, forename) {
				return nil
			}
			id, ref = kid, kref
			return nil
		})
	return id, ref, err
}

// generatedRef is the reference of a new child of org with id, when no one
// chose one: C- and the id, unless someone chose that by hand.
func generatedRef(ctx context.Context, tx *tx, org, id int64) (string, error) {
	ref := fmt.Sprintf("C-%06d", id)
	for n := 2; ; n++ {
		taken, err := refTaken(ctx, tx, org, ref)
		if err != nil || !taken {
			return ref, err
		}
		ref = fmt.Sprintf("C-%06d-%d", id, n)
	}
}

// refTaken reports whether org has a child with the reference. It is asked
// before inserting rather than left to the unique index, because a failed
// statement aborts a PostgreSQL transaction.
func refTaken(ctx context.Context, tx *tx, org int64, ref string) (bool, error) {
	var n int
	err := tx.row(ctx, `SELECT COUNT(*) FROM children WHERE organisation_id = ? AND ref = ?`, org, ref).Scan(&n)
	return n > 0, err
}

const childColumns = `id, organisation_id, ref, date_of_birth, age, age_as_of, vulnerabilities, created_at,
	legal_forename, legal_surname, preferred_forename, year_group, reg_group, upn, nhs_number, la_number, left_on,
	merged_into`

// scanChild reads a row of childColumns. The names and identifiers come
// with it; whoever returns the record decides whether the reader sees them
// (showIdentity).
func scanChild(scan func(...any) error) (*lifeguard.Child, error) {
	var c lifeguard.Child
	var dob, asOf, leftOn sql.NullString
	var age, merged sql.NullInt64
	var vulns string
	var created int64
	var fore, sur, pref, year, reg, upn, nhs, la sql.NullString
	if err := scan(&c.ID, &c.OrganisationID, &c.Ref, &dob, &age, &asOf, &vulns, &created,
		&fore, &sur, &pref, &year, &reg, &upn, &nhs, &la, &leftOn, &merged); err != nil {
		return nil, err
	}
	var err error
	if c.DateOfBirth, err = datePtr(dob); err != nil {
		return nil, fmt.Errorf("child %d: date of birth: %w", c.ID, err)
	}
	if c.AgeAsOf, err = datePtr(asOf); err != nil {
		return nil, fmt.Errorf("child %d: age as of: %w", c.ID, err)
	}
	if c.LeftOn, err = datePtr(leftOn); err != nil {
		return nil, fmt.Errorf("child %d: left on: %w", c.ID, err)
	}
	if age.Valid {
		n := int(age.Int64)
		c.Age = &n
	}
	if merged.Valid {
		n := merged.Int64
		c.MergedInto = &n
	}
	c.LegalForename, c.LegalSurname, c.PreferredForename = fore.String, sur.String, pref.String
	c.YearGroup, c.RegGroup, c.UPN, c.NHSNumber, c.LANumber = year.String, reg.String, upn.String, nhs.String, la.String
	if err := json.Unmarshal([]byte(vulns), &c.Vulnerabilities); err != nil {
		return nil, fmt.Errorf("child %d: vulnerabilities: %w", c.ID, err)
	}
	c.CreatedAt = fromMicros(created)
	return &c, nil
}

// childFor loads child id and checks that a may do want with it. via is
// the transfer through which the actor may read another organisation's
// record, or 0.
func childFor(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64, want childAccess) (c *lifeguard.Child, via int64, err error) {
	c, err = scanChild(tx.row(ctx, `SELECT `+childColumns+` FROM children WHERE id = ?`, id).Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, 0, errNoChild()
	}
	if err != nil {
		return nil, 0, err
	}
	if via, err = childAccessFor(ctx, tx, a, want, c.OrganisationID, id); err != nil {
		return nil, 0, err
	}
	return c, via, nil
}

// viaDetail adds to a journal detail the transfer through which the actor
// read another organisation's record, so that the journal shows why they
// could.
func viaDetail(detail string, via int64) string {
	if via == 0 {
		return detail
	}
	if detail != "" {
		detail += " "
	}
	return detail + "transfer=" + strconv.FormatInt(via, 10)
}

// Child returns a child's record, journaled as a read.
func (db *DB) Child(ctx context.Context, id int64) (*lifeguard.Child, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var c *lifeguard.Child
	err = db.inWrite(ctx, "read child", func(tx *tx) error {
		c, _, err = db.readChild(ctx, tx, a, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// readChild reads a child's record in tx, as the actor may see it (names
// and identifiers only inside the organisation), and journals the read. It
// returns the transfer through which the actor reads another
// organisation's record (0 for their own).
func (db *DB) readChild(ctx context.Context, tx *tx, a *lifeguard.Actor, id int64) (*lifeguard.Child, int64, error) {
	c, via, err := childFor(ctx, tx, a, id, readChildRecord)
	if err != nil {
		return nil, 0, err
	}
	showIdentity(a, c, via)
	return c, via, journal(ctx, tx, a, db.now(), jRead, jChild, id, viaDetail("", via))
}

// ChildRecord reads what a child's page shows in one transaction: see
// lifeguard.ChildStore. Each part is journaled as its own call would
// journal it (the record, the chronology, the merges), so the journal
// reads the same whichever way the page was read; one commit instead of
// three is what makes the page cost about one read.
func (db *DB) ChildRecord(ctx context.Context, id int64) (*lifeguard.ChildRecord, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out *lifeguard.ChildRecord
	err = db.inWrite(ctx, "read child record", func(tx *tx) error {
		c, via, err := db.readChild(ctx, tx, a, id)
		if err != nil {
			return err
		}
		r := &lifeguard.ChildRecord{Child: c}
		if r.Chronology, err = db.readChronology(ctx, tx, a, id, via); err != nil {
			return err
		}
		// The merges are reviewed by the organisation that holds the
		// record, while it is not merged away; a DSL reading another's
		// record through a transfer does not see them.
		if via == 0 && c.OrganisationID == a.OrganisationID && c.MergedInto == nil {
			if r.Merges, err = db.readMerges(ctx, tx, a, id, via); err != nil {
				return err
			}
		}
		out = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// maxFound is how many children FindChildren returns at most.
const maxFound = 20

// FindChildren finds the children of the actor's organisation whose
// reference starts with prefix (exactly, case included), by reference, for
// the report form. Staff and managers get who the child is (foundChild); a
// DSL gets the record. Journaled as one list naming the children found.
func (db *DB) FindChildren(ctx context.Context, prefix string) ([]lifeguard.Child, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if err := canFindChildren(a); err != nil {
		return nil, err
	}
	var p problems
	p.text("prefix", prefix, lifeguard.MaxChildRef, false)
	if err := p.err("The search is not valid"); err != nil {
		return nil, err
	}
	q := `SELECT ` + childColumns + ` FROM children WHERE merged_into IS NULL`
	var args []any
	// substr counts characters on both engines, and compares exactly, where
	// LIKE would ignore case on SQLite and not on PostgreSQL. The CAST is
	// for PostgreSQL, whose substr takes an integer, not the bigint a Go int
	// is sent as.
	if prefix != "" {
		q += ` AND substr(ref, 1, CAST(? AS INTEGER)) = ?`
		args = append(args, utf8.RuneCountInString(prefix), prefix)
	}
	if !a.IsSystem() || a.OrganisationID != 0 {
		q += ` AND organisation_id = ?`
		args = append(args, a.OrganisationID)
	}
	q += fmt.Sprintf(` ORDER BY ref, id LIMIT %d`, maxFound)
	refOnly := !a.Can(lifeguard.OpReadChild)
	out := []lifeguard.Child{}
	err = db.inWrite(ctx, "find children", func(tx *tx) error {
		rows, err := tx.query(ctx, q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		ids := make([]int64, 0, maxFound)
		for rows.Next() {
			c, err := scanChild(rows.Scan)
			if err != nil {
				return err
			}
			c = foundChild(a, c, refOnly)
			out = append(out, *c)
			ids = append(ids, c.ID)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return journal(ctx, tx, a, db.now(), jList, jChild, 0, "ids="+idList(ids))
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// foundChild is what a search shows of c: the whole record to a reader of
// records (refOnly false), else the reference, date of birth and who the
// child is, as far as a may see it, without vulnerabilities.
func foundChild(a *lifeguard.Actor, c *lifeguard.Child, refOnly bool) *lifeguard.Child {
	if refOnly {
		c = &lifeguard.Child{ID: c.ID, OrganisationID: c.OrganisationID, Ref: c.Ref, DateOfBirth: c.DateOfBirth,
			Vulnerabilities: []lifeguard.Vulnerability{}, CreatedAt: c.CreatedAt,
			LegalForename: c.LegalForename, LegalSurname: c.LegalSurname, PreferredForename: c.PreferredForename,
			YearGroup: c.YearGroup, RegGroup: c.RegGroup, UPN: c.UPN, NHSNumber: c.NHSNumber, LANumber: c.LANumber,
			LeftOn: c.LeftOn}
	}
	showIdentity(a, c, 0)
	return c
}

// chron is a chronology entry with the keys that order ties: entries at the
// same instant come in the order things happen to a concern (reported, then
// triaged, then worked, then closed), then by concern and by row; the
// file's transfers come after a concern's entries of the same instant.
type chron struct {
	lifeguard.ChronologyEntry
	rank int
	id   int64
}

// chronRank orders the kinds of entry that can share an instant.
func chronRank(kind string) int {
	switch kind {
	case lifeguard.ChronReported:
		return 0
	case lifeguard.ChronTriaged:
		return 1
	case lifeguard.ChronFacts:
		return 2
	case lifeguard.ChronDecision:
		return 3
	case lifeguard.ChronAction:
		return 4
	case lifeguard.ChronActionDone:
		return 5
	case lifeguard.ChronEvidence:
		return 6
	case lifeguard.ChronNote:
		return 7
	case lifeguard.ChronClosed:
		return 8
	case lifeguard.ChronTransferred:
		return 9
	}
	return 10 // received
}

// compareChron orders entries in time, and those of one instant as chron
// says.
func compareChron(x, y chron) int {
	return cmp.Or(x.At.Compare(y.At), cmp.Compare(concernKey(x), concernKey(y)), cmp.Compare(x.rank, y.rank),
		cmp.Compare(x.id, y.id))
}

// concernKey sorts a concern's entries by concern, and a transfer's (which
// has no concern) after them all.
func concernKey(c chron) int64 {
	if c.ConcernID == nil {
		return math.MaxInt64
	}
	return *c.ConcernID
}

// chronAdder adds an entry: its time, kind, concern (nil for a transfer),
// summary, who made it and their role (NULL for the system), and its row.
type chronAdder func(at int64, kind string, concern *int64, summary string, actor sql.NullInt64, role sql.NullString, id int64)

// fileRecord is one record of a child's file: the record asked for, or one
// it was received from, with the transfer that brought it (0 for the record
// asked for).
type fileRecord struct {
	child int64
	via   int64
}

// maxFileDepth bounds the chain of transfers followed, so that a damaged
// database cannot make a query run forever; a child moves far fewer times.
const maxFileDepth = 100

// childFile returns the records of child's file: the child itself, then
// the record it was received from, and that record's source, and so on.
func childFile(ctx context.Context, tx *tx, child int64) ([]fileRecord, error) {
	var out []fileRecord
	err := each(ctx, tx, `WITH RECURSIVE up(child, via, depth) AS (
			SELECT CAST(? AS BIGINT), CAST(0 AS BIGINT), 0
			UNION ALL
			SELECT t.child_id, t.id, up.depth + 1 FROM transfers t JOIN up ON t.received_child_id = up.child
			WHERE up.depth < ?
		)
		SELECT child, via FROM up ORDER BY depth`, []any{child, maxFileDepth}, func(scan func(...any) error) error {
		var r fileRecord
		if err := scan(&r.child, &r.via); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// Chronology returns everything that happened about a child, across its
// concerns, in time order, journaled as a read of the child's record.
// Entries that Lifeguard itself made (the system actor) have ActorID 0 and
// no ActorRole. Entries at the same instant come in the order of the
// concern's life: reported, triaged, facts changed, decided, and so on.
//
// A record received by transfer carries its file: the chronology of the
// record it was received from (and of that record's source, and so on) is
// merged into its own, so the receiving DSL reads the whole history from
// their record. The transfers of the file appear as entries of their own,
// each once: sent, and received. Each record read is journaled as a read
// of that record, so that who read a child's history shows against the
// record it belongs to.
func (db *DB) Chronology(ctx context.Context, childID int64) ([]lifeguard.ChronologyEntry, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var out []lifeguard.ChronologyEntry
	err = db.inWrite(ctx, "chronology", func(tx *tx) error {
		_, via, err := childFor(ctx, tx, a, childID, readChildRecord)
		if err != nil {
			return err
		}
		out, err = db.readChronology(ctx, tx, a, childID, via)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// readChronology reads in tx the chronology of a child the actor may read
// (through transfer via, or 0), and journals the read of each record of
// the child's file.
func (db *DB) readChronology(ctx context.Context, tx *tx, a *lifeguard.Actor, childID, via int64) ([]lifeguard.ChronologyEntry, error) {
	file, err := childFile(ctx, tx, childID)
	if err != nil {
		return nil, err
	}
	var cs []chron
	add := func(at int64, kind string, concern *int64, summary string, actor sql.NullInt64, role sql.NullString, id int64) {
		var c *int64
		if concern != nil {
			n := *concern
			c = &n
		}
		cs = append(cs, chron{ChronologyEntry: lifeguard.ChronologyEntry{At: fromMicros(at), Kind: kind,
			ConcernID: c, Summary: summary, ActorID: actor.Int64, ActorRole: lifeguard.Role(role.String)},
			rank: chronRank(kind), id: id})
	}
	concerns := make([][]int64, len(file))
	children := make([]int64, len(file))
	for i, r := range file {
		children[i] = r.child
		if concerns[i], err = chronologyConcerns(ctx, tx, r.child, add); err != nil {
			return nil, err
		}
	}
	if err := chronologyTransfers(ctx, tx, children, add); err != nil {
		return nil, err
	}
	slices.SortFunc(cs, compareChron)
	out := make([]lifeguard.ChronologyEntry, len(cs))
	for i := range cs {
		out[i] = cs[i].ChronologyEntry
	}
	now := db.now()
	if err := journal(ctx, tx, a, now, jRead, jChild, childID,
		viaDetail("chronology concerns="+idList(concerns[0]), via)); err != nil {
		return nil, err
	}
	for i, r := range file[1:] {
		if err := journal(ctx, tx, a, now, jRead, jChild, r.child,
			fmt.Sprintf("chronology transfer=%d concerns=%s", r.via, idList(concerns[i+1]))); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// chronologyConcerns adds the entries of the concerns about one child
// record and returns the concerns' ids.
func chronologyConcerns(ctx context.Context, tx *tx, childID int64, add chronAdder) ([]int64, error) {
	var concerns []int64
	// Each query below returns the rows of one kind for the child's
	// concerns; the users join gives the role of whoever did it (NULL for
	// the system).
	err := each(ctx, tx, `SELECT c.id, c.reported_at, c.created_at, c.types, c.routes, c.triage, c.reporter_id,
		u.role, c.closed_at, c.closed_by, cu.role, c.outcome, c.outcome_summary
		FROM concerns c JOIN users u ON u.id = c.reporter_id LEFT JOIN users cu ON cu.id = c.closed_by
		WHERE c.child_id = ? ORDER BY c.id`, []any{childID}, func(scan func(...any) error) error {
		var id, reported, created int64
		var types, routes, triage string
		var reporter, closedAt, closedBy sql.NullInt64
		var role, closedRole, outcome, summary sql.NullString
		if err := scan(&id, &reported, &created, &types, &routes, &triage, &reporter, &role, &closedAt,
			&closedBy, &closedRole, &outcome, &summary); err != nil {
			return err
		}
		concerns = append(concerns, id)
		var t struct{ Procedure lifeguard.ProcedureRef }
		if err := json.Unmarshal([]byte(triage), &t); err != nil {
			return fmt.Errorf("concern %d: triage: %w", id, err)
		}
		add(reported, lifeguard.ChronReported, &id, "Concern reported: "+commaSpace(types), reporter, role, id)
		add(created, lifeguard.ChronTriaged, &id, fmt.Sprintf("Triaged by %s %s: %s", t.Procedure.Name,
			t.Procedure.Version, orNone(commaSpace(routes), "no routes")), reporter, role, id)
		if closedAt.Valid {
			add(closedAt.Int64, lifeguard.ChronClosed, &id,
				fmt.Sprintf("Closed: %s. %s", commaSpace(outcome.String), summaryText(summary.String, 200)), closedBy, closedRole, id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(concerns) > 0 {
		if err := chronologyWork(ctx, tx, childID, add); err != nil {
			return nil, err
		}
	}
	return concerns, nil
}

// chronologyTransfers adds the transfers of the file made of the child
// records given: each sent from one of them, with its receipt once
// received. A transfer that brought one record of the file from another
// was sent from that other, so this finds it too, once. The note is not
// shown: it is the transfer's, read (and journaled) with the transfer.
func chronologyTransfers(ctx context.Context, tx *tx, children []int64, add chronAdder) error {
	marks := strings.Repeat(", ?", len(children))[2:]
	args := make([]any, len(children))
	for i, c := range children {
		args[i] = c
	}
	return each(ctx, tx, `SELECT t.id, t.sent_at, t.sent_by, su.role, t.received_at, t.received_by, ru.role,
		org_from.name, org_to.name
		FROM transfers t JOIN organisations org_from ON org_from.id = t.from_organisation_id
		JOIN organisations org_to ON org_to.id = t.to_organisation_id
		LEFT JOIN users su ON su.id = t.sent_by LEFT JOIN users ru ON ru.id = t.received_by
		WHERE t.child_id IN (`+marks+`)`, args, func(scan func(...any) error) error {
		var id, sent int64
		var received, sentBy, receivedBy sql.NullInt64
		var sentRole, receivedRole sql.NullString
		var from, to string
		if err := scan(&id, &sent, &sentBy, &sentRole, &received, &receivedBy, &receivedRole, &from, &to); err != nil {
			return err
		}
		add(sent, lifeguard.ChronTransferred, nil, "File sent to "+to, sentBy, sentRole, id)
		if received.Valid {
			add(received.Int64, lifeguard.ChronReceived, nil, fmt.Sprintf("File received by %s from %s", to, from),
				receivedBy, receivedRole, id)
		}
		return nil
	})
}

// chronologyWork adds what was done about the child's concerns: facts
// changed, decisions, actions, evidence and notes.
func chronologyWork(ctx context.Context, tx *tx, childID int64, add chronAdder) error {
	args := []any{childID}
	var (
		id, concern, at  int64
		actorID, doneAt  sql.NullInt64
		role             sql.NullString
		a, b, c, d, e, f string
	)
	err := each(ctx, tx, `SELECT r.id, r.concern_id, r.changed_at, r.changed_by, u.role
		FROM concern_revisions r JOIN concerns k ON k.id = r.concern_id LEFT JOIN users u ON u.id = r.changed_by
		WHERE k.child_id = ?`, args, func(scan func(...any) error) error {
		if err := scan(&id, &concern, &at, &actorID, &role); err != nil {
			return err
		}
		add(at, lifeguard.ChronFacts, &concern, "Facts changed and triaged again", actorID, role, id)
		return nil
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT x.id, x.concern_id, x.decided_at, x.decided_by, u.role, x.route, x.decision, x.reason,
		x.reference FROM decisions x JOIN concerns k ON k.id = x.concern_id LEFT JOIN users u ON u.id = x.decided_by
		WHERE k.child_id = ?`, args, func(scan func(...any) error) error {
		if err := scan(&id, &concern, &at, &actorID, &role, &a, &b, &c, &d); err != nil {
			return err
		}
		s := a + " " + b
		if d != "" {
			s += " (reference " + summaryText(d, 100) + ")"
		}
		if c != "" {
			s += ": " + summaryText(c, 200)
		}
		add(at, lifeguard.ChronDecision, &concern, s, actorID, role, id)
		return nil
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT x.id, x.concern_id, x.created_at, x.created_by, u.role, x.title, x.owner, x.due,
		x.done_at, du.role FROM actions x JOIN concerns k ON k.id = x.concern_id
		LEFT JOIN users u ON u.id = x.created_by LEFT JOIN users du ON du.id = x.done_by
		WHERE k.child_id = ?`, args, func(scan func(...any) error) error {
		var doneRole sql.NullString
		if err := scan(&id, &concern, &at, &actorID, &role, &a, &b, &c, &doneAt, &doneRole); err != nil {
			return err
		}
		add(at, lifeguard.ChronAction, &concern, fmt.Sprintf("Action: %s (%s, due %s)", summaryText(a, 200),
			summaryText(b, 100), c), actorID, role, id)
		return nil
	})
	if err != nil {
		return err
	}
	// Done actions need their own query for who completed them.
	err = each(ctx, tx, `SELECT x.id, x.concern_id, x.done_at, x.done_by, u.role, x.title
		FROM actions x JOIN concerns k ON k.id = x.concern_id LEFT JOIN users u ON u.id = x.done_by
		WHERE k.child_id = ? AND x.done_at IS NOT NULL`, args, func(scan func(...any) error) error {
		if err := scan(&id, &concern, &at, &actorID, &role, &a); err != nil {
			return err
		}
		add(at, lifeguard.ChronActionDone, &concern, "Action done: "+summaryText(a, 200), actorID, role, id)
		return nil
	})
	if err != nil {
		return err
	}
	err = each(ctx, tx, `SELECT x.id, x.concern_id, x.recorded_at, x.recorded_by, u.role, x.what, x.held_by
		FROM evidence x JOIN concerns k ON k.id = x.concern_id LEFT JOIN users u ON u.id = x.recorded_by
		WHERE k.child_id = ?`, args, func(scan func(...any) error) error {
		if err := scan(&id, &concern, &at, &actorID, &role, &e, &f); err != nil {
			return err
		}
		add(at, lifeguard.ChronEvidence, &concern, fmt.Sprintf("Evidence: %s, held by %s", summaryText(e, 200),
			summaryText(f, 100)), actorID, role, id)
		return nil
	})
	if err != nil {
		return err
	}
	return each(ctx, tx, `SELECT x.id, x.concern_id, x.created_at, x.author_id, u.role, x.text
		FROM notes x JOIN concerns k ON k.id = x.concern_id LEFT JOIN users u ON u.id = x.author_id
		WHERE k.child_id = ?`, args, func(scan func(...any) error) error {
		if err := scan(&id, &concern, &at, &actorID, &role, &a); err != nil {
			return err
		}
		add(at, lifeguard.ChronNote, &concern, "Note: "+summaryText(a, 200), actorID, role, id)
		return nil
	})
}

// each runs a query and calls fn with the scanner of every row.
func each(ctx context.Context, tx *tx, q string, args []any, fn func(scan func(...any) error) error) error {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

func commaSpace(codes string) string { return strings.ReplaceAll(codes, ",", ", ") }

func orNone(s, none string) string {
	if s == "" {
		return none
	}
	return s
}
