package sqlstore

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Records the erasure job deletes outright (issue 19): monitoring captures
// past their date and the DNS filter's blocked attempts past the
// schedule's filter_record rule, and the records kept years from a date
// of their own (lifeguard.YearsKinds): consents, training, the registers
// of counts, subject access and data requests, superseded policy versions
// and their acknowledgements, closed improvement actions and completed
// audits. Their rows hold no count
// the board report reads for a period still reported (captures are
// counted in monitor_capture_counts when received; alerts, reviews and
// worries the filter raised stay; a register's entry goes years after the
// year it counted), so they go whole. Staff accounts are blanked instead
// (eraseUsers).

// prunable is, for each kind, its table, the kind's name in the journal,
// which rows fall due (a condition with one ? for the date before which
// they do), whether that date is a day ('2006-01-02') rather than
// microseconds, and what goes with a row first (statements on the ids of
// the rows, written in as %s).
var prunable = map[lifeguard.RetentionKind]struct {
	table, name, due string
	order            string // the column the oldest are first by; id if empty
	day              bool
	first            []string
}{
	lifeguard.RetainCapture:      {table: "monitor_captures", name: "captures", due: "delete_after < ?", order: "delete_after"},
	lifeguard.RetainFilterRecord: {table: "filter_events", name: "filter_records", due: "at < ?", order: "at"},
	// A consent in force stays; a withdrawn one stays years; and none
	// outlives the child's record. A hold on the child keeps them all.
	lifeguard.RetainConsent: {table: "consents", name: "consents", day: true,
		due: `(withdrawn_on < ? OR child_id IN (SELECT c.id FROM children c WHERE c.erased_at IS NOT NULL))
			AND NOT EXISTS (SELECT 1 FROM retention_holds h WHERE h.released_at IS NULL AND h.child_id = consents.child_id)`},
	lifeguard.RetainTraining:      {table: "trainings", name: "trainings", day: true, due: "expires_on < ?"},
	lifeguard.RetainTeaching:      {table: "teaching_entries", name: "teaching_entries", day: true, due: "taught_on < ?"},
	lifeguard.RetainParentContact: {table: "parent_contacts", name: "parent_contacts", day: true, due: "held_on < ?"},
	lifeguard.RetainChildSurvey: {table: "child_surveys", name: "child_surveys", day: true, due: "held_on < ?",
		first: []string{`DELETE FROM child_survey_answers WHERE survey_id IN (%s)`}},
	// An open request stays however old; a hold on its child (or, for a
	// data request, its concern) keeps it.
	lifeguard.RetainSubjectAccess: {table: "subject_access", name: "subject_access",
		due: `disclosed_at < ? AND NOT EXISTS (SELECT 1 FROM retention_holds h WHERE h.released_at IS NULL
			AND h.child_id = subject_access.child_id)`,
		first: []string{`DELETE FROM subject_access_redactions WHERE request_id IN (%s)`}},
	lifeguard.RetainDataRequest: {table: "data_requests", name: "data_requests",
		due: `decided_at < ? AND NOT EXISTS (SELECT 1 FROM retention_holds h WHERE h.released_at IS NULL
			AND (h.child_id = data_requests.child_id OR h.concern_id = data_requests.concern_id))`},
	// A version's date is when the next version superseded it: the
	// current (highest) version has none, so it is never due.
	lifeguard.RetainAgreement: {table: "agreements", name: "agreements",
		due: `version_id IN (SELECT v.id FROM policy_versions v JOIN policy_versions n
			ON n.policy_id = v.policy_id AND n.number = v.number + 1 WHERE n.created_at < ?)`},
	lifeguard.RetainPolicyVersion: {table: "policy_versions", name: "policy_versions",
		due: `EXISTS (SELECT 1 FROM policy_versions n WHERE n.policy_id = policy_versions.policy_id
			AND n.number = policy_versions.number + 1 AND n.created_at < ?)`,
		first: []string{`DELETE FROM agreements WHERE version_id IN (%s)`}},
	lifeguard.RetainImprovement: {table: "improvement_actions", name: "improvement_actions",
		due: `status <> 'open' AND closed_at < ?`},
	// An audit goes with what hangs on it; one whose improvement action
	// is still open stays until the action closes. The board report reads
	// an organisation's latest audit completed within the year before
	// the period's end, so a report of any period within the years reads
	// the same.
	lifeguard.RetainAudit: {table: "audits", name: "audits",
		due: `status = 'completed' AND completed_at < ? AND NOT EXISTS (SELECT 1 FROM improvement_actions i
			WHERE i.audit_id = audits.id AND i.status = 'open')`,
		first: []string{
			`UPDATE improvement_actions SET closed_by_audit_id = NULL WHERE closed_by_audit_id IN (%s)`,
			`DELETE FROM improvement_actions WHERE audit_id IN (%s)`,
			`DELETE FROM audit_answers WHERE audit_id IN (%s)`,
			`DELETE FROM audit_scores WHERE audit_id IN (%s)`,
		}},
	// A completed action goes with its notes and barriers; the board
	// report reads the plan as it stands, where it no longer is
	// (docs/retention.md, Action plan).
	lifeguard.RetainPlanAction: {table: "plan_actions", name: "plan_actions", due: "rag = 'complete' AND completed_at < ?",
		order: "completed_at", first: []string{`DELETE FROM plan_notes WHERE action_id IN (%s)`,
			`DELETE FROM plan_barriers WHERE action_id IN (%s)`}},
}

// PruneRecords deletes the records of kind k whose date is before before,
// batch a transaction and at most eraseBudget of work each, each batch
// journalled as an erasure with its count: system actor only. A user
// (lifeguard.RetainUser) is blanked, not deleted: see eraseUser. It
// returns how many records it deleted or blanked.
func (db *DB) PruneRecords(ctx context.Context, k lifeguard.RetentionKind, before time.Time, batch int) (int64, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	p, ok := prunable[k]
	var ps []lifeguard.Problem
	if !ok && k != lifeguard.RetainUser {
		ps = append(ps, lifeguard.Problem{Path: "kind", Problem: "must be capture, filter_record or one of " +
			strings.Join(yearsKinds(), ", ")})
	}
	if batch < 1 {
		ps = append(ps, lifeguard.Problem{Path: "batch", Problem: "must be 1 or more"})
	}
	if len(ps) > 0 {
		return 0, lifeguard.Invalid("The pruning is not valid", ps)
	}
	if k == lifeguard.RetainUser {
		return db.eraseUsers(ctx, a, before, batch)
	}
	var at any = micros(before)
	if p.day {
		at = lifeguard.DateOf(before.UTC()).String()
	}
	order := p.order
	if order == "" {
		order = "id"
	}
	var total int64
	for {
		var n int
		err := db.inWrite(ctx, "prune "+p.name, func(tx *tx) error {
			rows, err := tx.query(ctx, `SELECT id FROM `+p.table+` WHERE `+p.due+` ORDER BY `+order+` LIMIT ?`, at, batch)
			if err != nil {
				return err
			}
			ids, err := scanIDs(rows)
			if err != nil || len(ids) == 0 {
				return err
			}
			n = len(ids)
			list := idList(ids) // numbers read from the table, so safe to write in
			for _, q := range p.first {
				if _, err := tx.exec(ctx, strings.ReplaceAll(q, "%s", list)); err != nil {
					return err
				}
			}
			if _, err := tx.exec(ctx, `DELETE FROM `+p.table+` WHERE id IN (`+list+`)`); err != nil {
				return err
			}
			return journal(ctx, tx, a, db.now(), jErase, jRetention, 0, p.name+"="+strconv.Itoa(n))
		})
		if err != nil {
			return total, err
		}
		total += int64(n)
		if n < batch {
			return total, nil
		}
	}
}

func yearsKinds() []string {
	var out []string
	for _, k := range lifeguard.YearsKinds {
		out = append(out, string(k))
	}
	return out
}

// userErasure blanks a disabled account's personal data that no
// safeguarding record needs: the address it signs in with (which becomes
// erased- and the row's number, still unique), its password and second
// factor, its preferences, and with them its sessions, API tokens, alert
// choices and saved report draft. The name and role stay: concerns,
// notes and decisions show who wrote them (docs/retention.md, Staff
// accounts). Each statement takes the account's id; the first (now, id).
var userErasure = []string{
	`UPDATE users SET email = 'erased-' || CAST(id AS TEXT), password_hash = NULL, totp_secret = NULL, totp_recovery = '[]',
		totp_last_step = 0, totp_enrolled_at = NULL, text_size = 'medium', high_visibility = FALSE, erased_at = ? WHERE id = ?`,
	`DELETE FROM sessions WHERE user_id = ?`,
	`DELETE FROM api_tokens WHERE user_id = ?`,
	`DELETE FROM alert_preferences WHERE user_id = ?`,
	`DELETE FROM report_drafts WHERE user_id = ?`,
}

// eraseUsers blanks the accounts disabled before before and not yet
// erased, batch a transaction and at most eraseBudget of work each. An
// account still enabled is never picked, whatever its dates.
func (db *DB) eraseUsers(ctx context.Context, a *lifeguard.Actor, before time.Time, batch int) (int64, error) {
	var total int64
	for {
		var n int
		err := db.inWrite(ctx, "erase users", func(tx *tx) error {
			n = 0
			rows, err := tx.query(ctx, `SELECT id FROM users WHERE disabled = ? AND erased_at IS NULL AND disabled_at < ?
				ORDER BY id LIMIT ?`, true, micros(before), batch)
			if err != nil {
				return err
			}
			ids, err := scanIDs(rows)
			if err != nil {
				return err
			}
			start := time.Now()
			for _, id := range ids {
				if err := erase(ctx, tx, userErasure, db.now(), id); err != nil {
					return err
				}
				if n++; time.Since(start) >= eraseBudget {
					break // the rest in the next transaction
				}
			}
			if n == 0 {
				return nil
			}
			return journal(ctx, tx, a, db.now(), jErase, jRetention, 0, "users="+strconv.Itoa(n))
		})
		if err != nil {
			return total, err
		}
		total += int64(n)
		if n == 0 {
			return total, nil
		}
	}
}
