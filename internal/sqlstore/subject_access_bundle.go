package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The bundle of a subject access request: every record the organisation
// holds about the person, each an item, with the names of other people it
// holds marked for the DSL to redact or keep. It is gathered afresh each
// time it is read, so it is never out of date and keeps no copy of its
// own; only the DSL's choices are stored.

// SubjectAccessBundle gathers the bundle. Reading it is journalled as a
// read of the request naming the concerns it holds; disclose applies the
// redactions, marks the request disclosed and journals a disclosure.
func (db *DB) SubjectAccessBundle(ctx context.Context, id int64, disclose bool) (*lifeguard.SubjectAccessBundle, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var b *lifeguard.SubjectAccessBundle
	err = db.inWrite(ctx, "subject access bundle", func(tx *tx) error {
		s, err := subjectAccessFor(ctx, tx, a, id, lifeguard.OpWorkDataRights)
		if err != nil {
			return err
		}
		g := &gatherer{ctx: ctx, tx: tx, s: s, names: map[int64]string{}}
		b, err = g.gather()
		if err != nil {
			return err
		}
		if err := g.markMentions(b); err != nil {
			return err
		}
		now := db.now()
		b.MadeAt = now
		detail := subjectDetail(s) + " concerns=" + idList(g.concerns)
		if !disclose {
			return journal(ctx, tx, a, now, jRead, jSubjectAccess, id, detail)
		}
		b.Redact()
		if s.Status == lifeguard.AccessOpen {
			s.Status, s.DisclosedAt = lifeguard.AccessDisclosed, &now
			if _, err := tx.exec(ctx, `UPDATE subject_access SET status = 'disclosed', disclosed_at = ? WHERE id = ?`,
				micros(now), id); err != nil {
				return err
			}
			b.Request = *s
		}
		return journal(ctx, tx, a, now, jDisclose, jSubjectAccess, id, fmt.Sprintf("%s items=%d", detail, len(b.Items)))
	})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// SetRedactions records the DSL's choices for mentions of the request's
// bundle; a later choice for the same mention replaces the earlier.
func (db *DB) SetRedactions(ctx context.Context, id int64, rs []lifeguard.Redaction) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	var p problems
	if len(rs) > lifeguard.MaxRedactions {
		p.add("redactions", "has %d choices; the most one call records is %d", len(rs), lifeguard.MaxRedactions)
	}
	for i, r := range rs {
		path := fmt.Sprintf("redactions[%d].key", i)
		p.text(path, r.Key, 500, true)
		if lifeguard.TextProblem(r.Key) == "" && !strings.HasPrefix(r.Key, "child:") && !strings.HasPrefix(r.Key, "staff:") {
			p.add(path, "is not the key of a mention")
		}
	}
	if err := p.err("The redactions are not valid"); err != nil {
		return err
	}
	return db.inWrite(ctx, "set redactions", func(tx *tx) error {
		s, err := subjectAccessFor(ctx, tx, a, id, lifeguard.OpWorkDataRights)
		if err != nil {
			return err
		}
		if s.Status != lifeguard.AccessOpen {
			return lifeguard.Errorf(lifeguard.ECONFLICT, "The bundle is disclosed already; its redactions stay as they were.")
		}
		now := db.now()
		kept := 0
		for _, r := range rs {
			if _, err := tx.exec(ctx, `DELETE FROM subject_access_redactions WHERE request_id = ? AND mention = ?`, id, r.Key); err != nil {
				return err
			}
			if _, err := tx.exec(ctx, `INSERT INTO subject_access_redactions (request_id, mention, redact, decided_by, decided_at)
				VALUES (?, ?, ?, ?, ?)`, id, r.Key, r.Redact, nullID(a.UserID), micros(now)); err != nil {
				return err
			}
			if !r.Redact {
				kept++
			}
		}
		return journal(ctx, tx, a, now, jUpdate, jSubjectAccess, id,
			fmt.Sprintf("redactions=%d kept=%d", len(rs), kept))
	})
}

// gatherer collects the items of one bundle.
type gatherer struct {
	ctx      context.Context
	tx       *tx
	s        *lifeguard.SubjectAccess
	items    []lifeguard.BundleItem
	concerns []int64
	by       []int64          // the author of each item, 0 for none
	names    map[int64]string // users' names by id
}

// add adds an item; its author's name is looked up after the rows are
// read (authors), since PostgreSQL runs one query a connection at a time.
func (g *gatherer) add(section, key, title string, at sql.NullInt64, by sql.NullInt64, text string) error {
	g.items = append(g.items, lifeguard.BundleItem{Section: section, Key: key, Title: title, At: timePtr(at),
		Text: strings.TrimSpace(text)})
	g.by = append(g.by, by.Int64)
	return nil
}

// authors sets each item's author from the users' names.
func (g *gatherer) authors() error {
	for i, id := range g.by {
		if id == 0 {
			continue
		}
		n, ok := g.names[id]
		if !ok {
			if err := g.tx.row(g.ctx, `SELECT name FROM users WHERE id = ?`, id).Scan(&n); err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			g.names[id] = n
		}
		g.items[i].By = n
	}
	return nil
}

func (g *gatherer) gather() (*lifeguard.SubjectAccessBundle, error) {
	b := &lifeguard.SubjectAccessBundle{Request: *g.s, Items: []lifeguard.BundleItem{}}
	if err := g.tx.row(g.ctx, `SELECT name FROM organisations WHERE id = ?`, g.s.OrganisationID).Scan(&b.Organisation); err != nil {
		return nil, err
	}
	var err error
	if g.s.ChildID != 0 {
		b.Person, err = g.child()
	} else {
		b.Person, err = g.staff()
	}
	if err != nil {
		return nil, err
	}
	if err := g.authors(); err != nil {
		return nil, err
	}
	b.Items = g.items
	return b, nil
}

// child gathers a child's records: identity, concerns with all attached,
// the chronology, transfers, referrals, agreements and captures.
func (g *gatherer) child() (string, error) {
	ctx, tx, id := g.ctx, g.tx, g.s.ChildID
	c, err := scanChild(tx.row(ctx, `SELECT `+childColumns+` FROM children WHERE id = ?`, id).Scan)
	if err != nil {
		return "", err
	}
	person := strings.TrimSpace(c.LegalForename + " " + c.LegalSurname)
	var lines []string
	line := func(label, v string) {
		if v != "" {
			lines = append(lines, label+": "+v)
		}
	}
	line("Reference", c.Ref)
	line("Legal name", person)
	line("Preferred forename", c.PreferredForename)
	line("Date of birth", datePtrString(c.DateOfBirth))
	if c.Age != nil {
		line("Age", fmt.Sprintf("%d (as at %s)", *c.Age, datePtrString(c.AgeAsOf)))
	}
	line("Year group", c.YearGroup)
	line("Registration group", c.RegGroup)
	line("Unique pupil number", c.UPN)
	line("NHS number", c.NHSNumber)
	line("Local authority number", c.LANumber)
	line("Left on", datePtrString(c.LeftOn))
	line("Vulnerabilities", codeList(c.Vulnerabilities))
	if err := g.add("identity", fmt.Sprintf("child:%d", id), "Record in the register", sql.NullInt64{Int64: micros(c.CreatedAt), Valid: true},
		sql.NullInt64{}, strings.Join(lines, "\n")); err != nil {
		return "", err
	}
	if err := g.concernsWhere(`c.child_id = ?`, id); err != nil {
		return "", err
	}
	if err := g.chronology(); err != nil {
		return "", err
	}
	if err := each(ctx, tx, `SELECT t.id, t.sent_at, t.sent_by, t.status, t.note, f.name, o.name FROM transfers t
		JOIN organisations f ON f.id = t.from_organisation_id JOIN organisations o ON o.id = t.to_organisation_id
		WHERE t.child_id = ? OR t.received_child_id = ? ORDER BY t.id`, []any{id, id}, func(scan func(...any) error) error {
		var tid int64
		var at, by sql.NullInt64
		var status, note, from, to string
		if err := scan(&tid, &at, &by, &status, &note, &from, &to); err != nil {
			return err
		}
		return g.add("transfer", fmt.Sprintf("transfer:%d", tid), fmt.Sprintf("File sent from %s to %s (%s)", from, to, status),
			at, by, note)
	}); err != nil {
		return "", err
	}
	if err := g.agreements(`a.child_id = ?`, id); err != nil {
		return "", err
	}
	if err := g.consents(id); err != nil {
		return "", err
	}
	if len(g.concerns) > 0 {
		if err := g.captures(); err != nil {
			return "", err
		}
	}
	return person, nil
}

// staff gathers a member of staff's records: the account, the concerns
// they reported, the concerns and allegations that name them, and the
// agreements they acknowledged.
func (g *gatherer) staff() (string, error) {
	ctx, tx, id := g.ctx, g.tx, g.s.UserID
	var name, email, role, size string
	var created int64
	var last sql.NullInt64
	var high bool
	if err := tx.row(ctx, `SELECT name, email, role, text_size, high_visibility, created_at, last_sign_in_at FROM users WHERE id = ?`,
		id).Scan(&name, &email, &role, &size, &high, &created, &last); err != nil {
		return "", err
	}
	text := fmt.Sprintf("Name: %s\nEmail: %s\nRole: %s\nText size: %s\nHigh visibility: %t", name, email, role, size, high)
	if last.Valid {
		text += "\nLast signed in: " + fromMicros(last.Int64).Format("2 January 2006 15:04 MST")
	}
	g.names[id] = name
	if err := g.add("account", fmt.Sprintf("user:%d", id), "Account", sql.NullInt64{Int64: created, Valid: true},
		sql.NullInt64{}, text); err != nil {
		return "", err
	}
	// The concerns they reported, and those of their organisation whose
	// facts or notes name them: an allegation is recorded as a concern
	// about a child, the member of staff named in its words.
	like := "%" + strings.ToLower(name) + "%"
	if err := g.concernsWhere(`c.organisation_id = ? AND (c.reporter_id = ? OR LOWER(c.facts) LIKE ?
		OR EXISTS (SELECT 1 FROM notes n WHERE n.concern_id = c.id AND LOWER(n.text) LIKE ?))`,
		g.s.OrganisationID, id, like, like); err != nil {
		return "", err
	}
	if err := g.agreements(`a.user_id = ?`, id); err != nil {
		return "", err
	}
	if err := g.trainings(id); err != nil {
		return "", err
	}
	return name, nil
}

// concernsWhere adds each concern matching where, with its earlier
// versions, notes, decisions, actions, evidence and referrals.
func (g *gatherer) concernsWhere(where string, args ...any) error {
	ctx, tx := g.ctx, g.tx
	type row struct {
		id               int64
		reported, closed sql.NullInt64
		reporter         sql.NullInt64
		facts, types     string
		outcome, summary sql.NullString
		status           string
	}
	var rows []row
	if err := each(ctx, tx, `SELECT c.id, c.reported_at, c.reporter_id, c.status, c.facts, c.types, c.closed_at,
		c.outcome, c.outcome_summary FROM concerns c WHERE `+where+` AND c.erased_at IS NULL ORDER BY c.reported_at, c.id`,
		args, func(scan func(...any) error) error {
			var r row
			if err := scan(&r.id, &r.reported, &r.reporter, &r.status, &r.facts, &r.types, &r.closed, &r.outcome, &r.summary); err != nil {
				return err
			}
			rows = append(rows, r)
			return nil
		}); err != nil {
		return err
	}
	for _, r := range rows {
		g.concerns = append(g.concerns, r.id)
		text, err := factsText(r.facts)
		if err != nil {
			return fmt.Errorf("concern %d: %w", r.id, err)
		}
		text = "Types: " + commaSpace(r.types) + "\nStatus: " + r.status + "\n" + text
		if r.closed.Valid {
			text += "\nOutcome: " + r.outcome.String + "\nOutcome summary: " + r.summary.String
		}
		key := fmt.Sprintf("concern:%d", r.id)
		if err := g.add("concern", key, fmt.Sprintf("Concern %d", r.id), r.reported, r.reporter, text); err != nil {
			return err
		}
		if err := g.attached(r.id, key); err != nil {
			return err
		}
	}
	return nil
}

// factsText words a concern's facts: the reporter's own words and the
// facts that are text.
func factsText(raw string) (string, error) {
	var f lifeguard.Facts
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return "", err
	}
	var b strings.Builder
	if f.OccurredAt != nil {
		fmt.Fprintf(&b, "Happened: %s\n", f.OccurredAt.UTC().Format("2 January 2006 15:04 MST"))
	}
	if f.Setting != "" {
		fmt.Fprintf(&b, "Setting: %s\n", f.Setting)
	}
	if f.Details.Platform != "" {
		fmt.Fprintf(&b, "Platform: %s\n", f.Details.Platform)
	}
	fmt.Fprintf(&b, "What was reported: %s", f.Description)
	return b.String(), nil
}

// attached adds what is attached to concern id.
func (g *gatherer) attached(id int64, key string) error {
	ctx, tx := g.ctx, g.tx
	queries := []struct {
		section, q string
		title      func(n int64, extra string) string
	}{
		{"version", `SELECT id, changed_at, changed_by, facts, '' FROM concern_revisions WHERE concern_id = ? ORDER BY id`,
			func(n int64, _ string) string { return "Earlier version of the facts" }},
		{"note", `SELECT id, created_at, author_id, text, '' FROM notes WHERE concern_id = ? ORDER BY id`,
			func(n int64, _ string) string { return "Note" }},
		{"decision", `SELECT id, decided_at, decided_by, reason || CASE WHEN reference <> '' THEN ' (reference ' || reference || ')' ELSE '' END,
			route || ': ' || decision FROM decisions WHERE concern_id = ? ORDER BY id`,
			func(n int64, extra string) string { return "Decision on " + extra }},
		{"action", `SELECT id, created_at, created_by, title || ' (owner ' || owner || ', due ' || due || ')', '' FROM actions
			WHERE concern_id = ? ORDER BY id`, func(n int64, _ string) string { return "Action" }},
		{"evidence", `SELECT id, recorded_at, recorded_by, what || ' (kept at ' || location || ' by ' || held_by || ')', '' FROM evidence
			WHERE concern_id = ? ORDER BY id`, func(n int64, _ string) string { return "Evidence" }},
		{"referral", `SELECT r.id, r.sent_at, r.sent_by, r.status || CASE WHEN r.outcome <> '' THEN ', outcome ' || r.outcome ELSE '' END
			|| CASE WHEN r.phone_note <> '' THEN '. Phone note: ' || r.phone_note ELSE '' END
			|| CASE WHEN r.decision_note <> '' THEN '. Decision note: ' || r.decision_note ELSE '' END,
			r.agency || ' at ' || o.name FROM referrals r JOIN organisations o ON o.id = r.to_organisation_id
			WHERE r.concern_id = ? AND r.erased_at IS NULL ORDER BY r.id`,
			func(n int64, extra string) string { return "Referral to " + extra }},
		{"message", `SELECT m.id, m.at, m.user_id, m.text, m.kind FROM referral_messages m JOIN referrals r ON r.id = m.referral_id
			WHERE r.concern_id = ? AND r.erased_at IS NULL ORDER BY m.id`,
			func(n int64, extra string) string { return "Referral message (" + extra + ")" }},
	}
	for _, q := range queries {
		if err := each(ctx, tx, q.q, []any{id}, func(scan func(...any) error) error {
			var n int64
			var at, by sql.NullInt64
			var text, extra string
			if err := scan(&n, &at, &by, &text, &extra); err != nil {
				return err
			}
			if q.section == "version" {
				var err error
				if text, err = factsText(text); err != nil {
					return fmt.Errorf("concern %d version %d: %w", id, n, err)
				}
			}
			return g.add(q.section, fmt.Sprintf("%s/%s:%d", key, q.section, n), q.title(n, extra), at, by, text)
		}); err != nil {
			return err
		}
	}
	return nil
}

// chronology adds the child's chronology as the DSL reads it.
func (g *gatherer) chronology() error {
	var entries []lifeguard.BundleItem
	add := func(at int64, kind string, concern *int64, summary string, actor sql.NullInt64, role sql.NullString, id int64) {
		t := fromMicros(at)
		title := strings.ReplaceAll(kind, "_", " ")
		if title != "" {
			title = strings.ToUpper(title[:1]) + title[1:]
		}
		entries = append(entries, lifeguard.BundleItem{Section: "chronology", Title: title, At: &t, Text: summary})
		g.by = append(g.by, 0)
	}
	if _, err := chronologyConcerns(g.ctx, g.tx, g.s.ChildID, add); err != nil {
		return err
	}
	if err := chronologyTransfers(g.ctx, g.tx, []int64{g.s.ChildID}, add); err != nil {
		return err
	}
	slices.SortStableFunc(entries, func(x, y lifeguard.BundleItem) int { return x.At.Compare(*y.At) })
	for i := range entries {
		entries[i].Key = fmt.Sprintf("chronology:%d", i+1)
	}
	g.items = append(g.items, entries...)
	return nil
}

// agreements adds the agreements matching where (alias a).
func (g *gatherer) agreements(where string, id int64) error {
	return each(g.ctx, g.tx, `SELECT a.id, a.recorded_at, a.recorded_by, a.agreed_on, p.title, v.number FROM agreements a
		JOIN policy_versions v ON v.id = a.version_id JOIN policies p ON p.id = v.policy_id
		WHERE `+where+` ORDER BY a.id`, []any{id}, func(scan func(...any) error) error {
		var n, version int64
		var at, by sql.NullInt64
		var on, title string
		if err := scan(&n, &at, &by, &on, &title, &version); err != nil {
			return err
		}
		return g.add("agreement", fmt.Sprintf("agreement:%d", n), fmt.Sprintf("Agreed to %s, version %d", title, version),
			at, by, "Agreed on "+on)
	})
}

// consents adds the parents' consents recorded for the child, withdrawn
// ones too: what a parent gave and withdrew is theirs and the child's.
func (g *gatherer) consents(child int64) error {
	return each(g.ctx, g.tx, `SELECT id, kind, given_on, withdrawn_on, recorded_at, recorded_by FROM consents
		WHERE child_id = ? ORDER BY id`, []any{child}, func(scan func(...any) error) error {
		var n int64
		var kind, given string
		var withdrawn sql.NullString
		var at, by sql.NullInt64
		if err := scan(&n, &kind, &given, &withdrawn, &at, &by); err != nil {
			return err
		}
		text := "Given on " + given
		if withdrawn.Valid {
			text += "\nWithdrawn on " + withdrawn.String
		}
		return g.add("consent", fmt.Sprintf("consent:%d", n), "Consent: "+lifeguard.ConsentKind(kind).Label(), at, by, text)
	})
}

// trainings adds the member of staff's training records.
func (g *gatherer) trainings(user int64) error {
	return each(g.ctx, g.tx, `SELECT id, type, course, provider, completed_on, expires_on, recorded_at, recorded_by
		FROM trainings WHERE user_id = ? ORDER BY completed_on, id`, []any{user}, func(scan func(...any) error) error {
		var n int64
		var ty, course, provider, done, expires string
		var at, by sql.NullInt64
		if err := scan(&n, &ty, &course, &provider, &done, &expires, &at, &by); err != nil {
			return err
		}
		return g.add("training", fmt.Sprintf("training:%d", n), "Training: "+lifeguard.TrainingType(ty).Label(), at, by,
			fmt.Sprintf("Course: %s\nProvider: %s\nCompleted on %s\nRuns out on %s", course, provider, done, expires))
	})
}

// captures adds the monitoring captures linked to the child's concerns.
func (g *gatherer) captures() error {
	marks := strings.Repeat(", ?", len(g.concerns))[2:]
	args := make([]any, len(g.concerns))
	for i, c := range g.concerns {
		args[i] = c
	}
	return each(g.ctx, g.tx, `SELECT id, at, reviewed_by, site, context, verdict, note FROM monitor_captures
		WHERE concern_id IN (`+marks+`) ORDER BY at, id`, args, func(scan func(...any) error) error {
		var n int64
		var at, by sql.NullInt64
		var site, context, verdict, note string
		if err := scan(&n, &at, &by, &site, &context, &verdict, &note); err != nil {
			return err
		}
		text := "Seen: " + context
		if note != "" {
			text += "\nReview note: " + note
		}
		return g.add("capture", fmt.Sprintf("capture:%d", n), "Monitoring capture on "+site, at, by, text)
	})
}

// thirdParty is a name that may be a third party's, with its mention key.
type thirdParty struct {
	name, kind, lower string
}

// markMentions finds the names of the organisation's other children and
// its staff in each item, and sets each mention's choice from those the
// DSL made. Full names only: a forename alone matches too much to help.
func (g *gatherer) markMentions(b *lifeguard.SubjectAccessBundle) error {
	ctx, tx := g.ctx, g.tx
	var parties []thirdParty
	addParty := func(name, kind string) {
		name = strings.Join(strings.Fields(name), " ")
		if name == "" || !strings.Contains(name, " ") || strings.EqualFold(name, b.Person) {
			return
		}
		parties = append(parties, thirdParty{name: name, kind: kind, lower: strings.ToLower(name)})
	}
	if err := each(ctx, tx, `SELECT legal_forename, legal_surname, preferred_forename FROM children
		WHERE organisation_id = ? AND id <> ? AND erased_at IS NULL AND merged_into IS NULL AND legal_surname IS NOT NULL`,
		[]any{g.s.OrganisationID, g.s.ChildID}, func(scan func(...any) error) error {
			var fore, sur, pref sql.NullString
			if err := scan(&fore, &sur, &pref); err != nil {
				return err
			}
			addParty(fore.String+" "+sur.String, "child")
			if pref.String != "" && pref.String != fore.String {
				addParty(pref.String+" "+sur.String, "child")
			}
			return nil
		}); err != nil {
		return err
	}
	if err := each(ctx, tx, `SELECT name FROM users WHERE organisation_id = ? AND id <> ?`,
		[]any{g.s.OrganisationID, g.s.UserID}, func(scan func(...any) error) error {
			var n string
			if err := scan(&n); err != nil {
				return err
			}
			addParty(n, "staff")
			return nil
		}); err != nil {
		return err
	}
	// Authors from elsewhere (another organisation's DSL on a referral)
	// are third parties too.
	for uid, n := range g.names {
		if uid != g.s.UserID {
			addParty(n, "staff")
		}
	}
	choices := map[string]bool{}
	if err := each(ctx, tx, `SELECT mention, redact FROM subject_access_redactions WHERE request_id = ?`, []any{g.s.ID},
		func(scan func(...any) error) error {
			var k string
			var r bool
			if err := scan(&k, &r); err != nil {
				return err
			}
			choices[k] = r
			return nil
		}); err != nil {
		return err
	}
	slices.SortFunc(parties, func(x, y thirdParty) int { return len(y.name) - len(x.name) }) // longest first
	for i := range b.Items {
		it := &b.Items[i]
		hay := strings.ToLower(it.Title + "\n" + it.By + "\n" + it.Text)
		seen := map[string]bool{}
		for _, p := range parties {
			key := p.kind + ":" + p.lower
			if seen[key] || !strings.Contains(hay, p.lower) {
				continue
			}
			seen[key] = true
			m := lifeguard.Mention{Key: key, Name: p.name, Kind: p.kind}
			if r, ok := choices[key]; ok {
				m.Redact = &r
			}
			it.Mentions = append(it.Mentions, m)
		}
	}
	return nil
}
