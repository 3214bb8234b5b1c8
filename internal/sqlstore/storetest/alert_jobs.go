package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// immediateTriage is a triage with a route due now: due at the moment of
// the report, as the procedure gives an immediate route.
func (f *fixture) immediateTriage(fa lifeguard.Facts) lifeguard.Triage {
	t := f.triage(route{"ADVICE_PARENTS", 0})
	due := fa.ReportedAt
	t.Routes = append(t.Routes, lifeguard.Route{Code: "POLICE_999", Title: "Call the police", Urgency: lifeguard.Immediate,
		Due: &due})
	return t
}

// evidenceTriage is a cyberbullying-like triage: a same-day review by the
// lead, and "keep the evidence", immediate but an instruction to the
// reporter that does not need the lead now.
func (f *fixture) evidenceTriage(fa lifeguard.Facts) lifeguard.Triage {
	t := f.triage(route{"DSL_REVIEW", 3 * time.Hour})
	due := fa.ReportedAt.UTC()
	t.Routes = append(t.Routes, lifeguard.Route{Code: lifeguard.RoutePreserveEvidence, Title: "Keep the evidence",
		Urgency: lifeguard.Immediate, Due: &due})
	return t
}

// recordAs records a concern as u with the triage tr gives for its facts.
func (f *fixture) recordAs(t *testing.T, u *lifeguard.User, tr func(lifeguard.Facts) lifeguard.Triage) int64 {
	t.Helper()
	fa := facts(f.now())
	c, err := f.db.CreateConcern(as(t.Context(), u), lifeguard.NewConcern{Facts: fa, Triage: tr(fa)})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// alertEntries are the journal entries after seq that tell of alerts of
// kind written, as "record:id detail".
func alertEntries(t *testing.T, db *sqlstore.DB, seq int64, kind lifeguard.AlertKind) []lifeguard.JournalEntry {
	t.Helper()
	var out []lifeguard.JournalEntry
	for _, e := range journalAfter(t, db, seq) {
		if strings.Contains(e.Detail, "alert="+string(kind)) {
			out = append(out, e)
		}
	}
	return out
}

// emailed returns the users an alert entry names as emailed.
func emailed(e lifeguard.JournalEntry) string {
	for f := range strings.FieldsSeq(e.Detail) {
		if v, ok := strings.CutPrefix(f, "email_users="); ok {
			return v
		}
	}
	return ""
}

// outboxOf returns the outbox's messages of kind, oldest first.
func outboxOf(t *testing.T, db *sqlstore.DB, kind lifeguard.AlertKind) []lifeguard.OutboxMessage {
	t.Helper()
	all, err := db.OutboxMessages(sys(t.Context()), lifeguard.OutboxFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var out []lifeguard.OutboxMessage
	for _, m := range slices.Backward(all) {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	return out
}

func ids(xs ...int64) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = fmt.Sprint(x)
	}
	return strings.Join(s, ",")
}

// testEscalation plays an organisation's immediate concerns past its
// escalation time: the one no DSL opened is escalated once, to the
// escalation list; the one a DSL opened, one that was never immediate, and
// one whose only immediate route is "keep the evidence" are not; another organisation with a longer time and no list
// escalates later, to its managers.
func testEscalation(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	head := f.user(t, f.orgA, lifeguard.RoleManager)
	quiet := f.user(t, f.orgA, lifeguard.RoleManager)
	if _, err := f.db.SetAlertPreferences(as(ctx, quiet), lifeguard.AlertPreferences{}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetAlertSettings(as(ctx, f.dsl), lifeguard.AlertSettings{DigestAt: "16:00", Zone: "Europe/London",
		EscalateAfterMinutes: 15, EscalationList: []int64{quiet.ID, head.ID}}); err != nil {
		t.Fatal(err)
	}
	managerB := f.user(t, f.orgB, lifeguard.RoleManager)
	if _, err := f.db.SetAlertSettings(as(ctx, managerB), lifeguard.AlertSettings{DigestAt: "16:00",
		Zone: "Europe/London", EscalateAfterMinutes: 30}); err != nil {
		t.Fatal(err)
	}

	unopened := f.recordAs(t, f.staff, f.immediateTriage)
	opened := f.recordAs(t, f.staff, f.immediateTriage)
	notUrgent := f.recordAs(t, f.staff, func(lifeguard.Facts) lifeguard.Triage { return f.defaultTriage() })
	inB := f.recordAs(t, f.staffB, f.immediateTriage)
	evidenceOnly := f.recordAs(t, f.staff, f.evidenceTriage)
	if _, err := f.db.Concern(as(ctx, f.dsl), opened); err != nil {
		t.Fatal(err)
	}
	// The reporter reading their own concern is no DSL opening it.
	if _, err := f.db.Concern(as(ctx, f.staff), unopened); err != nil {
		t.Fatal(err)
	}

	run := func(t *testing.T) (int, []lifeguard.JournalEntry) {
		t.Helper()
		seq := journalLen(t, f.db)
		n, err := f.db.EscalateUnopened(sys(ctx), f.now())
		if err != nil {
			t.Fatal(err)
		}
		return n, alertEntries(t, f.db, seq, lifeguard.AlertEscalation)
	}
	step(t, "not before the time", func(t *testing.T) {
		f.clock.Advance(14*time.Minute + 59*time.Second)
		if n, es := run(t); n != 0 || len(es) != 0 {
			t.Fatalf("%d messages, journal %+v", n, es)
		}
	})
	step(t, "once the time has passed", func(t *testing.T) {
		f.clock.Advance(time.Second)
		n, es := run(t)
		if n != 1 || len(es) != 1 {
			t.Fatalf("%d messages, journal %+v; want one email, to the head", n, es)
		}
		if es[0].RecordID != unopened || es[0].Record != "concern" || emailed(es[0]) != ids(head.ID) {
			t.Errorf("escalation journalled as %+v; want concern %d emailed to %d only", es[0], unopened, head.ID)
		}
		ms := outboxOf(t, f.db, lifeguard.AlertEscalation)
		if len(ms) != 1 || ms[0].UserID != head.ID || ms[0].ConcernID != unopened || ms[0].Channel != lifeguard.ChannelEmail ||
			ms[0].Urgency != lifeguard.Immediate || ms[0].OrganisationID != f.orgA.ID {
			t.Errorf("outbox %+v; want one immediate escalation email of concern %d to %d", ms, unopened, head.ID)
		}
	})
	step(t, "never twice", func(t *testing.T) {
		f.clock.Advance(time.Minute)
		if n, es := run(t); n != 0 || len(es) != 0 {
			t.Fatalf("run again: %d messages, journal %+v", n, es)
		}
		if ms := outboxOf(t, f.db, lifeguard.AlertEscalation); len(ms) != 1 {
			t.Errorf("outbox after a rerun holds %d escalations, want 1", len(ms))
		}
	})
	step(t, "another organisation's own time and its managers", func(t *testing.T) {
		f.clock.Advance(14 * time.Minute) // 30 minutes since the reports
		n, es := run(t)
		if n != 1 || len(es) != 1 || es[0].RecordID != inB || emailed(es[0]) != ids(managerB.ID) {
			t.Fatalf("%d messages, journal %+v; want concern %d to manager %d", n, es, inB, managerB.ID)
		}
	})
	for _, id := range []int64{opened, notUrgent, evidenceOnly} {
		for _, e := range journalAfter(t, f.db, 0) {
			if e.RecordID == id && e.Record == "concern" && strings.Contains(e.Detail, "escalated") {
				t.Errorf("concern %d was escalated: %+v", id, e)
			}
		}
	}
}

// testDigests plays two days of an organisation's digests: each goes
// once, at the organisation's time, with the new concerns that were not
// alerted at once, or the concerns overdue (judged with the window of
// "now", as everywhere else), and only to the DSLs who want it.
func testDigests(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	// The clock starts at 10:00 UTC, 11:00 in London (summer time).
	asap := func(lifeguard.Facts) lifeguard.Triage { return f.triage(route{"ADVICE_PARENTS", 0}) }
	today := func(lifeguard.Facts) lifeguard.Triage { return f.defaultTriage() } // due in an hour
	immediate := f.recordAs(t, f.staff, f.immediateTriage)
	sameDay := f.recordAs(t, f.staff, today)
	later := f.recordAs(t, f.staff, asap)
	dsl2 := f.user(t, f.orgA, lifeguard.RoleDSL)
	if _, err := f.db.SetAlertPreferences(as(ctx, dsl2), lifeguard.AlertPreferences{Immediate: true}); err != nil {
		t.Fatal(err)
	}

	send := func(t *testing.T, kind lifeguard.DigestKind) (int, []lifeguard.JournalEntry) {
		t.Helper()
		seq := journalLen(t, f.db)
		n, err := f.db.SendDigests(sys(ctx), kind, f.now())
		if err != nil {
			t.Fatal(err)
		}
		var es []lifeguard.JournalEntry
		for _, e := range journalAfter(t, f.db, seq) {
			if e.Record == "alert_digest" {
				es = append(es, e)
			}
		}
		return n, es
	}
	digestOf := func(t *testing.T, e lifeguard.JournalEntry) *lifeguard.Digest {
		t.Helper()
		d, err := f.db.Digest(sys(ctx), e.RecordID)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	step(t, "yesterday's is too late to send", func(t *testing.T) {
		if n, es := send(t, lifeguard.DigestNew); n != 0 || len(es) != 0 {
			t.Fatalf("%d messages, journal %+v", n, es)
		}
	})
	step(t, "not before the time", func(t *testing.T) {
		f.clock.Advance(4*time.Hour + 59*time.Minute) // 15:59 in London
		if n, es := send(t, lifeguard.DigestNew); n != 0 || len(es) != 0 {
			t.Fatalf("%d messages, journal %+v", n, es)
		}
	})
	step(t, "at 16:00 in London", func(t *testing.T) {
		f.clock.Advance(2 * time.Minute)
		n, es := send(t, lifeguard.DigestNew)
		if n != 1 || len(es) != 1 {
			t.Fatalf("%d messages, journal %+v; want one, to the DSL who wants digests", n, es)
		}
		d := digestOf(t, es[0])
		if d.Kind != lifeguard.DigestNew || d.OrganisationID != f.orgA.ID || !slices.Equal(d.ConcernIDs, []int64{later}) ||
			d.Concerns != 1 || d.Slot.Format("15:04") != "15:00" {
			t.Errorf("digest %+v; want only concern %d (not %d nor %d, alerted at once)", d, later, immediate, sameDay)
		}
		if emailed(es[0]) != ids(f.dsl.ID) {
			t.Errorf("digest emailed to %q, want %d (not %d, who turned it off)", emailed(es[0]), f.dsl.ID, dsl2.ID)
		}
		ms := outboxOf(t, f.db, lifeguard.AlertDigest)
		if len(ms) != 1 || ms[0].UserID != f.dsl.ID || ms[0].RecordID != d.ID || ms[0].ConcernID != 0 {
			t.Errorf("outbox %+v; want one digest email naming digest %d", ms, d.ID)
		}
	})
	step(t, "once a day", func(t *testing.T) {
		for range 3 {
			f.clock.Advance(3 * time.Hour)
			if n, es := send(t, lifeguard.DigestNew); n != 0 || len(es) != 0 {
				t.Fatalf("%d messages, journal %+v", n, es)
			}
		}
	})
	step(t, "the next day, what came since", func(t *testing.T) {
		next := f.recordAs(t, f.staff, asap)
		f.clock.Advance(15 * time.Hour) // 16:01 the next day
		n, es := send(t, lifeguard.DigestNew)
		if n != 1 || len(es) != 1 {
			t.Fatalf("%d messages, journal %+v", n, es)
		}
		if d := digestOf(t, es[0]); !slices.Equal(d.ConcernIDs, []int64{next}) {
			t.Errorf("second digest names %v, want only %d", d.ConcernIDs, next)
		}
	})
	step(t, "overdue work", func(t *testing.T) {
		// Reported ten minutes before the digest's slot (16:00 in London),
		// with a route due now: within its window of "now", so not overdue,
		// although its deadline (the report itself) is before the slot.
		fa := facts(f.now().Add(-11 * time.Minute))
		if _, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: fa,
			Triage: f.immediateTriage(fa)}); err != nil {
			t.Fatal(err)
		}
		n, es := send(t, lifeguard.DigestOverdue)
		if n != 1 || len(es) != 1 {
			t.Fatalf("%d messages, journal %+v", n, es)
		}
		d := digestOf(t, es[0])
		if d.Kind != lifeguard.DigestOverdue || !slices.Equal(d.ConcernIDs, []int64{immediate, sameDay}) {
			t.Errorf("overdue digest %+v, want concerns %d and %d", d, immediate, sameDay)
		}
		if n, _ := send(t, lifeguard.DigestOverdue); n != 0 {
			t.Errorf("overdue digest sent again: %d", n)
		}
		if d.Concerns != 2 {
			t.Errorf("overdue digest counts %d concerns, want 2", d.Concerns)
		}
	})
	step(t, "a new time takes effect the next morning", func(t *testing.T) {
		if _, err := f.db.SetAlertSettings(as(ctx, f.manager), lifeguard.AlertSettings{DigestAt: "08:00",
			Zone: "Europe/London", EscalateAfterMinutes: 15}); err != nil {
			t.Fatal(err)
		}
		evening := f.recordAs(t, f.staff, asap)
		f.clock.Advance(16 * time.Hour) // 08:01 in London the next day
		n, es := send(t, lifeguard.DigestNew)
		if n != 1 || len(es) != 1 {
			t.Fatalf("%d messages, journal %+v", n, es)
		}
		if d := digestOf(t, es[0]); !slices.Equal(d.ConcernIDs, []int64{evening}) || d.Slot.Format("15:04") != "07:00" {
			t.Errorf("morning digest %+v, want concern %d at 07:00 UTC", d, evening)
		}
	})
	step(t, "for the system only", func(t *testing.T) {
		_, err := f.db.SendDigests(as(ctx, f.dsl), lifeguard.DigestNew, f.now())
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.EscalateUnopened(as(ctx, f.admin), f.now())
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.Digest(as(ctx, f.dsl), 1)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.SendDigests(sys(ctx), "weekly", f.now())
		wantProblem(t, err, "kind")
	})
}

// testFilterAlertsTell checks that a filter alert on an alert category
// tells the organisation's DSLs who want filter alerts at once, in the
// transaction that raises it, and again when it opens after being closed;
// a blocked attempt on another category tells nobody.
func testFilterAlertsTell(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	filter := as(ctx, f.user(t, f.orgA, lifeguard.RoleFilter))
	dsl2 := f.user(t, f.orgA, lifeguard.RoleDSL)
	if _, err := f.db.SetAlertPreferences(as(ctx, dsl2), lifeguard.AlertPreferences{Immediate: true}); err != nil {
		t.Fatal(err)
	}
	record := func(t *testing.T, n int, category string) []lifeguard.JournalEntry {
		t.Helper()
		seq := journalLen(t, f.db)
		if _, err := f.db.RecordFilterEvents(filter, []lifeguard.FilterEvent{
			event(n, f.now().Add(-time.Minute), "10.0.0.9", category, "example.test")}); err != nil {
			t.Fatal(err)
		}
		return alertEntries(t, f.db, seq, lifeguard.AlertFilterAlert)
	}
	es := record(t, 1, "self_harm")
	if len(es) != 1 || emailed(es[0]) != ids(f.dsl.ID) || es[0].RecordID != f.orgA.ID {
		t.Fatalf("journal %+v; want one filter alert emailed to %d", es, f.dsl.ID)
	}
	ms := outboxOf(t, f.db, lifeguard.AlertFilterAlert)
	if len(ms) != 1 || ms[0].UserID != f.dsl.ID || ms[0].RecordID == 0 || ms[0].ConcernID != 0 {
		t.Errorf("outbox %+v; want one filter alert email to %d naming the alert", ms, f.dsl.ID)
	}
	if es := record(t, 2, "self_harm"); len(es) != 0 {
		t.Errorf("a second attempt in the same alert told again: %+v", es)
	}
	if es := record(t, 3, "gambling"); len(es) != 0 {
		t.Errorf("gambling told the DSL: %+v", es)
	}
	alerts, err := f.db.FilterAlerts(as(ctx, f.dsl), lifeguard.FilterOpen)
	if err != nil || len(alerts) != 1 {
		t.Fatalf("alerts %+v, %v", alerts, err)
	}
	if _, err := f.db.CloseFilterAlert(as(ctx, f.dsl), alerts[0].ID, 0); err != nil {
		t.Fatal(err)
	}
	if es := record(t, 4, "self_harm"); len(es) != 1 || !strings.Contains(es[0].Detail, fmt.Sprintf("record=%d", alerts[0].ID)) {
		t.Errorf("a closed alert opened again told %+v", es)
	}
}
