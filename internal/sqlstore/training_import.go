package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// ImportTraining records the lines of a training CSV file (read by
// internal/trainingcsv) in one transaction, as the register's import does
// (child_import.go): every line checked first, each bad line reported with
// its number, and nothing written when one is bad or in a dry run.
func (db *DB) ImportTraining(ctx context.Context, lines []lifeguard.TrainingImportLine, dryRun bool) (*lifeguard.TrainingImportResult, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsSystem() || a.OrganisationID == 0 || !a.May(lifeguard.OpRecordTraining).Covers(lifeguard.ReachOrganisation) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead imports training.")
	}
	if err := importSize(len(lines), lifeguard.MaxTrainingImportLines, "of training"); err != nil {
		return nil, err
	}
	// Text no engine keeps alike refuses the whole file, naming the line
	// and field, before anything reaches the database (as ImportChildren).
	var bad problems
	for _, l := range lines {
		for _, c := range []struct{ field, s string }{{"email", l.Email}, {"type", string(l.Training.Type)},
			{"course", l.Training.Course}, {"provider", l.Training.Provider}} {
			bad.check(fmt.Sprintf("lines[%d].%s", l.Line, c.field), c.s)
		}
	}
	if err := bad.err("The file holds text that cannot be kept"); err != nil {
		return nil, err
	}
	out := &lifeguard.TrainingImportResult{DryRun: dryRun, Lines: []lifeguard.TrainingImportReport{}}
	err = db.inWrite(ctx, "import training", func(tx *tx) error {
		today := lifeguard.DateOf(db.now())
		type planned struct {
			t  *trainee
			in lifeguard.NewTraining
		}
		var todo []planned
		seen := map[string]bool{}
		for _, l := range lines {
			rep := lifeguard.TrainingImportReport{Line: l.Line, Problems: append([]lifeguard.Problem{}, l.Problems...)}
			p := problems(rep.Problems)
			email := strings.ToLower(strings.TrimSpace(l.Email))
			var t *trainee
			p.text("email", email, lifeguard.MaxShortText, true)
			if len(p) == len(rep.Problems) {
				var id int64
				err := tx.row(ctx, `SELECT id FROM users WHERE email = ? AND organisation_id = ? AND disabled = ? AND role IN `+
					trainedRoles, email, a.OrganisationID, false).Scan(&id)
				switch {
				case errors.Is(err, sql.ErrNoRows):
					p.add("email", "is not the address of a member of staff of your organisation")
				case err != nil:
					return err
				default:
					if t, err = traineeFor(ctx, tx, a, lifeguard.OpRecordTraining, id); err != nil {
						return err
					}
					rep.UserID = id
				}
			}
			in := l.Training
			in.UserID = rep.UserID
			checkTraining(&p, "", &in, today)
			rep.Problems = p
			if len(rep.Problems) > 0 {
				rep.Outcome = lifeguard.ImportBad
				out.Bad++
				out.Lines = append(out.Lines, rep)
				continue
			}
			rep.Problems = nil
			key := fmt.Sprintf("%d\x00%s\x00%s\x00%s", t.id, in.Type, in.CompletedOn, in.Course)
			var n int
			if err := tx.row(ctx, `SELECT COUNT(*) FROM trainings WHERE user_id = ? AND type = ? AND completed_on = ? AND course = ?`,
				t.id, string(in.Type), in.CompletedOn.String(), in.Course).Scan(&n); err != nil {
				return err
			}
			if n > 0 || seen[key] {
				rep.Outcome = lifeguard.ImportUnchanged
				out.Unchanged++
			} else {
				seen[key] = true
				rep.Outcome = lifeguard.ImportAdded
				out.Added++
				todo = append(todo, planned{t, in})
			}
			out.Lines = append(out.Lines, rep)
		}
		if dryRun || out.Bad > 0 || len(todo) == 0 {
			return nil
		}
		now := db.now()
		for _, x := range todo {
			if _, _, err := insertTraining(ctx, tx, a, x.t, x.in, now); err != nil {
				return err
			}
		}
		return journal(ctx, tx, a, now, jCreate, jTraining, a.OrganisationID,
			fmt.Sprintf("import: %d added, %d unchanged", out.Added, out.Unchanged))
	})
	if err != nil {
		return nil, err
	}
	if !dryRun && out.Bad == 0 {
		out.Imported = true
	}
	return out, nil
}

// importSize refuses an import of no line, or of more lines than max; of
// says what the lines are of ("of training").
func importSize(n, max int, of string) error {
	switch {
	case n == 0:
		return lifeguard.Invalid("The import is not valid", []lifeguard.Problem{{Path: "lines", Problem: "is empty: the file has no line " + of}})
	case n > max:
		return lifeguard.Invalid("The import is not valid", []lifeguard.Problem{{Path: "lines",
			Problem: fmt.Sprintf("has %d lines; import at most %d at once", n, max)}})
	}
	return nil
}

// RaiseTrainingReminders emails staff whose training falls due or is
// overdue, and their organisation's managers. The message names no one:
// its kind and a link to the training page; the dedupe key makes each
// reminder once per member of staff, rule, expiry date and kind.
func (db *DB) RaiseTrainingReminders(ctx context.Context, today lifeguard.Date) (int, error) {
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	a, _ := actor(ctx)
	n := 0
	err := db.inWrite(ctx, "raise training reminders", func(tx *tx) error {
		rows, err := staffRows(ctx, tx, `1 = 1`, nil, today)
		if err != nil {
			return err
		}
		managers := map[int64][]int64{}
		if err := each(ctx, tx, `SELECT id, organisation_id FROM users WHERE role = 'manager' AND disabled = ? ORDER BY id`,
			[]any{false}, func(scan func(...any) error) error {
				var id, org int64
				if err := scan(&id, &org); err != nil {
					return err
				}
				managers[org] = append(managers[org], id)
				return nil
			}); err != nil {
			return err
		}
		now := db.now()
		for org, staff := range rows {
			var msgs []lifeguard.OutboxMessage
			for _, r := range staff {
				for _, c := range r.Cells {
					if c.Status != lifeguard.TrainingDueSoon && c.Status != lifeguard.TrainingOverdue {
						continue
					}
					key := fmt.Sprintf("training:%d:%s:%s:%s", r.UserID, c.Type, c.ExpiresOn, c.Status)
					to := []int64{r.UserID}
					for _, m := range managers[org] {
						if m != r.UserID {
							to = append(to, m)
						}
					}
					for _, u := range to {
						msgs = append(msgs, lifeguard.OutboxMessage{Kind: lifeguard.AlertTraining, Channel: lifeguard.ChannelEmail,
							UserID: u, OrganisationID: org, RecordID: r.UserID, DedupeKey: fmt.Sprintf("%s:u%d", key, u)})
					}
				}
			}
			if len(msgs) == 0 {
				continue
			}
			before, err := countOutbox(ctx, tx)
			if err != nil {
				return err
			}
			if err := enqueue(ctx, tx, a, now, msgs...); err != nil {
				return err
			}
			after, err := countOutbox(ctx, tx)
			if err != nil {
				return err
			}
			n += after - before
		}
		return nil
	})
	return n, err
}

func countOutbox(ctx context.Context, tx *tx) (int, error) {
	var n int
	err := tx.row(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&n)
	return n, err
}
