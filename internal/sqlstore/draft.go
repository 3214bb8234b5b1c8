package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Report drafts are journaled as records of their own, by the user's id
// (one draft per user), with the step only: never a word of the answers.
const jDraft = "report_draft"

// KeepReportDraft keeps a report form's answers for the user of a session
// that ended; see lifeguard.DraftStore.
func (db *DB) KeepReportDraft(ctx context.Context, sessionHash []byte, now time.Time, d lifeguard.ReportDraft) (int64, error) {
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	a, _ := actor(ctx)
	// JSON would quietly turn bad bytes into U+FFFD; refuse them as every
	// other text the store keeps.
	var p problems
	for name, values := range d.Answers {
		p.check("answers", name)
		for _, v := range values {
			p.check("answers."+name, v)
		}
	}
	if len(p) > 0 {
		return 0, p.err("The report's answers are not valid")
	}
	answers, err := json.Marshal(d.Answers)
	if err != nil {
		return 0, fmt.Errorf("encode draft: %w", err)
	}
	var userID int64
	err = db.inWrite(ctx, "keep report draft", func(tx *tx) error {
		err := tx.row(ctx, `SELECT u.id FROM sessions s JOIN users u ON u.id = s.user_id
			WHERE s.token_hash = ? AND s.expires_at > ? AND NOT u.disabled`,
			sessionHash, micros(now.Add(-lifeguard.EndedSessionKeep))).Scan(&userID)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoSession()
		}
		if err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `DELETE FROM report_drafts WHERE user_id = ?`, userID); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO report_drafts (user_id, step, answers, saved_at, expires_at)
			VALUES (?, ?, ?, ?, ?)`, userID, d.Step, string(answers), micros(now),
			micros(now.Add(lifeguard.ReportDraftKeep))); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jCreate, jDraft, userID, fmt.Sprintf("step=%d", d.Step))
	})
	if err != nil {
		return 0, err
	}
	return userID, nil
}

// TakeReportDraft gives the acting user back their draft and deletes it;
// see lifeguard.DraftStore.
func (db *DB) TakeReportDraft(ctx context.Context, now time.Time) (*lifeguard.ReportDraft, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsSystem() || a.UserID == 0 {
		return nil, nil
	}
	// Most views of the form find no draft: look first without taking the
	// write lock.
	var n int
	err = db.inRead(ctx, "look for a report draft", func(tx *tx) error {
		return tx.row(ctx, `SELECT COUNT(*) FROM report_drafts WHERE user_id = ? AND expires_at > ?`,
			a.UserID, micros(now)).Scan(&n)
	})
	if err != nil || n == 0 {
		return nil, err
	}
	var d *lifeguard.ReportDraft
	err = db.inWrite(ctx, "take report draft", func(tx *tx) error {
		var answers string
		var saved int64
		var step int
		err := tx.row(ctx, `SELECT step, answers, saved_at FROM report_drafts WHERE user_id = ? AND expires_at > ?`,
			a.UserID, micros(now)).Scan(&step, &answers, &saved)
		if errors.Is(err, sql.ErrNoRows) {
			return nil // taken meanwhile, by the same user in another tab
		}
		if err != nil {
			return err
		}
		d = &lifeguard.ReportDraft{Step: step, SavedAt: fromMicros(saved)}
		if err := json.Unmarshal([]byte(answers), &d.Answers); err != nil {
			return fmt.Errorf("decode draft: %w", err)
		}
		if _, err := tx.exec(ctx, `DELETE FROM report_drafts WHERE user_id = ?`, a.UserID); err != nil {
			return err
		}
		return journal(ctx, tx, a, now, jRead, jDraft, a.UserID, fmt.Sprintf("step=%d", step))
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}
