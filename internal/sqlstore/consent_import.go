package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// ImportConsents records the lines of a consents CSV file (read by
// internal/consentcsv) in one transaction, as the training import does
// (training_import.go): every line checked first, each bad line reported
// with its number, and nothing written when one is bad or in a dry run.
// The changes are written by RecordConsents' own applyConsents, so the
// file and the class page record alike.
func (db *DB) ImportConsents(ctx context.Context, lines []lifeguard.ConsentImportLine, dryRun bool) (*lifeguard.ConsentImportResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	org, err := consentOrg(a, lifeguard.OpRecordConsents, "the organisation's manager or safeguarding lead imports parents' consents")
	if err != nil {
		return nil, err
	}
	if err := importSize(len(lines), lifeguard.MaxConsentImportLines, "of consents"); err != nil {
		return nil, err
	}
	// Text no engine keeps alike refuses the whole file, naming the line,
	// before anything reaches the database (as ImportTraining).
	var bad problems
	for _, l := range lines {
		bad.check(fmt.Sprintf("lines[%d].upn", l.Line), l.UPN)
		for _, c := range l.Consents {
			bad.check(fmt.Sprintf("lines[%d].kind", l.Line), string(c.Kind))
		}
	}
	if err := bad.err("The file holds text that cannot be kept"); err != nil {
		return nil, err
	}
	out := &lifeguard.ConsentImportResult{DryRun: dryRun, Lines: []lifeguard.ConsentImportReport{}}
	err = db.inWrite(ctx, "import consents", func(tx *tx) error {
		today := lifeguard.DateOf(db.now())
		var todo []lifeguard.ConsentChange
		seen := map[string]int{}
		for _, l := range lines {
			rep := lifeguard.ConsentImportReport{Line: l.Line, Problems: append([]lifeguard.Problem{}, l.Problems...)}
			p := problems(rep.Problems)
			on := l.On
			switch {
			case on.IsZero():
				on = today
			case !realDate(on):
				p.add("on", "is not a real date")
			case today.Before(on):
				p.add("on", "is after today")
			}
			upn := strings.ToUpper(strings.TrimSpace(l.UPN))
			var child int64
			switch first, twice := seen[upn]; {
			case upn == "":
				p.add("upn", "is required: the child's unique pupil number")
			case twice:
				p.add("upn", "is on line %d already", first)
			default:
				seen[upn] = l.Line
				var left sql.NullString
				err := tx.row(ctx, `SELECT id, left_on FROM children WHERE organisation_id = ? AND upn = ? AND merged_into IS NULL`,
					org, upn).Scan(&child, &left)
				switch {
				case errors.Is(err, sql.ErrNoRows):
					p.add("upn", "is not the UPN of a child of your register; import the register first")
				case err != nil:
					return err
				case left.Valid:
					p.add("upn", "is the UPN of a child who has left")
				}
			}
			// A line of empty consent cells (no answer from the parents
			// yet, as exports often have) changes nothing: unchanged.
			var changes []lifeguard.ConsentChange
			if len(p) == 0 {
				for _, c := range l.Consents {
					if !c.Kind.Valid() {
						p.add("kind", "%q is not one of %s", c.Kind, codeList(lifeguard.ConsentKinds()))
						continue
					}
					_, given, open, err := openConsent(ctx, tx, child, c.Kind)
					if err != nil {
						return err
					}
					switch {
					case c.Given == open:
						continue // the register says so already
					case !c.Given && on.String() < given:
						p.add(string(c.Kind), "is withdrawn on %s, before it was given (%s)", on, given)
						continue
					}
					changes = append(changes, lifeguard.ConsentChange{ChildID: child, Kind: c.Kind, Given: c.Given, On: on})
				}
			}
			rep.ChildID = child
			switch {
			case len(p) > 0:
				rep.Problems, rep.Outcome, rep.ChildID = p, lifeguard.ImportBad, 0
				out.Bad++
			case len(changes) == 0:
				rep.Problems, rep.Outcome = nil, lifeguard.ImportUnchanged
				out.Unchanged++
			default:
				rep.Problems, rep.Outcome, rep.Changes = nil, lifeguard.ImportChanged, len(changes)
				out.Changed++
				todo = append(todo, changes...)
			}
			out.Lines = append(out.Lines, rep)
		}
		if dryRun || out.Bad > 0 || len(todo) == 0 {
			return nil
		}
		now := db.now()
		var p problems
		if _, err := applyConsents(ctx, tx, a, org, todo, now, &p); err != nil {
			return err
		}
		if err := p.err("The consents are not valid"); err != nil {
			return err // checked above: a change between the two reads
		}
		return journal(ctx, tx, a, now, jCreate, jConsents, org,
			fmt.Sprintf("import: %d children changed, %d unchanged", out.Changed, out.Unchanged))
	})
	if err != nil {
		return nil, err
	}
	if !dryRun && out.Bad == 0 {
		out.Imported = true
	}
	return out, nil
}
