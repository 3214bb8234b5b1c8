package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testLeadNow checks that "needs the lead now" (lifeguard.Route.NeedsLeadNow)
// is what puts a new concern first in the inbox, escalates it when nobody
// opens it and alerts at once as immediate; and that an immediate route
// that is an instruction to the reporter does none of these. A
// cyberbullying-like concern whose only immediate route is "keep the
// evidence", with a same-day review by the lead, waits in the inbox's
// second bucket, is not escalated and is alerted as same-day work; one with
// an immediate referral to children's social care is first, escalated and
// immediate. A route a lead adds, and its decision, move the concern too.
func testLeadNow(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	staff, dsl := as(ctx, f.staff), as(ctx, f.dsl)
	head := f.user(t, f.orgA, lifeguard.RoleManager)
	if _, err := f.db.SetAlertSettings(as(ctx, f.dsl), lifeguard.AlertSettings{DigestAt: "16:00", Zone: "Europe/London",
		EscalateAfterMinutes: 15, EscalationList: []int64{head.ID}}); err != nil {
		t.Fatal(err)
	}
	now := func(code lifeguard.RouteCode, title string, at time.Time) lifeguard.Route {
		at = at.UTC()
		return lifeguard.Route{Code: code, Title: title, Urgency: lifeguard.Immediate, Due: &at}
	}
	record := func(t *testing.T, extra ...lifeguard.RouteCode) int64 {
		t.Helper()
		f.clock.Advance(time.Minute)
		fa := facts(f.now())
		tr := f.evidenceTriage(fa)
		for _, code := range extra {
			tr.Routes = append(tr.Routes, now(code, string(code), fa.ReportedAt))
		}
		c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fa, Triage: tr})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	seq := journalLen(t, f.db)
	// Recorded first, so that were the evidence route counted it would
	// be first: both due at their reports, this one the earlier.
	evidence := record(t)
	referral := record(t, "CSC_REFERRAL")
	inbox := func(t *testing.T) []int64 {
		t.Helper()
		page, err := f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Order: lifeguard.OrderPriority})
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, s := range page.Concerns {
			ids = append(ids, s.ID)
		}
		return ids
	}
	// A probe in the second bucket: never opened, nothing needing the
	// lead now, and a deadline earlier than any other. A concern listed
	// before it is in the first bucket.
	probe := f.recordAs(t, f.staff, func(lifeguard.Facts) lifeguard.Triage {
		return f.triage(route{"DSL_REVIEW", -2 * time.Hour})
	})
	firstBucket := func(t *testing.T, id int64) bool {
		t.Helper()
		got := inbox(t)
		i, p := slices.Index(got, id), slices.Index(got, probe)
		if i < 0 || p < 0 {
			t.Fatalf("inbox %v lacks concern %d or the probe %d", got, id, probe)
		}
		return i < p
	}
	step(t, "the new-concern alert's urgency", func(t *testing.T) {
		want := map[int64]string{evidence: "urgency=same_working_day", referral: "urgency=immediate"}
		for _, e := range alertEntries(t, f.db, seq, lifeguard.AlertNewConcern) {
			if w, ok := want[e.RecordID]; ok && !strings.Contains(e.Detail, w) {
				t.Errorf("concern %d alerted as %q, want %s", e.RecordID, e.Detail, w)
			}
			delete(want, e.RecordID)
		}
		if len(want) > 0 {
			t.Errorf("no new-concern alert for %v", want)
		}
	})
	step(t, "only the referral is first in the inbox", func(t *testing.T) {
		if got := inbox(t); !slices.Equal(got, []int64{referral, probe, evidence}) {
			t.Errorf("inbox %v, want the referral %d, then the other new concerns by deadline (%d, %d)", got, referral,
				probe, evidence)
		}
	})
	step(t, "only the referral is escalated", func(t *testing.T) {
		f.clock.Advance(15 * time.Minute)
		seq := journalLen(t, f.db)
		if _, err := f.db.EscalateUnopened(sys(ctx), f.now()); err != nil {
			t.Fatal(err)
		}
		es := alertEntries(t, f.db, seq, lifeguard.AlertEscalation)
		if len(es) != 1 || es[0].RecordID != referral {
			t.Errorf("escalations %+v, want only concern %d", es, referral)
		}
	})
	step(t, "a route a lead adds that needs them now", func(t *testing.T) {
		if _, err := f.db.AddRoute(dsl, evidence, lifeguard.NewRoute{Route: now("POLICE_999", "Call the police", f.now()),
			Reason: "The child is missing."}); err != nil {
			t.Fatal(err)
		}
		if !firstBucket(t, evidence) {
			t.Errorf("inbox %v after adding an immediate route to %d: want it in the first bucket", inbox(t), evidence)
		}
		if _, err := f.db.AddDecision(dsl, evidence, lifeguard.NewDecision{Route: "POLICE_999",
			Decision: lifeguard.DecisionDone}); err != nil {
			t.Fatal(err)
		}
		if firstBucket(t, evidence) {
			t.Errorf("concern %d still needs the lead now after its police route was decided", evidence)
		}
	})
	step(t, "deciding the referral", func(t *testing.T) {
		if _, err := f.db.AddDecision(dsl, referral, lifeguard.NewDecision{Route: "CSC_REFERRAL",
			Decision: lifeguard.DecisionDone}); err != nil {
			t.Fatal(err)
		}
		if firstBucket(t, referral) {
			t.Errorf("concern %d still needs the lead now after its referral was decided", referral)
		}
	})
}
