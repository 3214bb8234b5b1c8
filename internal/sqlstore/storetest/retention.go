package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// retentionCases are the retention store's methods as every role.
func retentionCases() []accessCase {
	sysOnly := []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}
	dslOnly := []string{fb, fb, fb, ok, nf, fb, fb, ok, ua}
	return []accessCase{
		{"SetLegalHold", dslOnly, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetLegalHold(ctx, lifeguard.NewLegalHold{ChildID: tg.child, Basis: lifeguard.HoldPolice, Reason: "Police investigation."})
			return err
		}},
		{"SetLegalHoldConcern", dslOnly, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetLegalHold(ctx, lifeguard.NewLegalHold{ConcernID: tg.concern, Basis: lifeguard.HoldPolice, Reason: "Police investigation."})
			return err
		}},
		{"ReleaseLegalHold", dslOnly, true, func(ctx context.Context, f *fixture, tg target) error {
			h, err := f.db.SetLegalHold(sys(ctx), lifeguard.NewLegalHold{ChildID: tg.child, Basis: lifeguard.HoldInquiry, Reason: "Inquiry."})
			if err != nil {
				return err
			}
			return f.db.ReleaseLegalHold(ctx, h.ID)
		}},
		{"LegalHolds", []string{fb, fb, fb, ok, ok, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.LegalHolds(ctx, lifeguard.LegalHoldQuery{ChildID: tg.child})
			return err
		}},
		{"RetentionDue", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.RetentionDue(ctx, lifeguard.RetentionDueQuery{Until: f.now().AddDate(0, 0, 90)})
			return err
		}},
		{"RefreshRetention", sysOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.RefreshRetention(ctx, lifeguard.ShippedRetentionSchedule())
			return err
		}},
		{"PruneRecords", sysOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.PruneRecords(ctx, lifeguard.RetainCapture, f.now().AddDate(-1, 0, 0), 10)
			return err
		}},
		{"EraseDue", sysOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.EraseDue(ctx, f.now(), 10)
			return err
		}},
	}
}

// closeConcern closes concern id as the DSL.
func (f *fixture) closeConcern(t *testing.T, id int64) {
	t.Helper()
	if _, err := f.db.CloseConcern(as(t.Context(), f.dsl), id, lifeguard.NewOutcome{Code: "referred_csc",
		Summary: "Referred to children's social care.", CloseAnyway: "Closed with work left for the test."}); err != nil {
		t.Fatal(err)
	}
}

// dueKinds lists what falls due before until, as "kind:id".
func (f *fixture) dueKinds(t *testing.T, until time.Time) map[string]time.Time {
	t.Helper()
	due, err := f.db.RetentionDue(as(t.Context(), f.admin), lifeguard.RetentionDueQuery{Until: until})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]time.Time{}
	for _, d := range due {
		out[d.Kind+":"+itoa(d.ID)] = d.Due
	}
	return out
}

// testRetention follows records from their dates to their erasure: the
// dates follow the concern's life and a hold, erasure removes the text,
// and the board report and the journal are as they were.
func testRetention(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	system := sys(ctx)
	// The schedule as a partnership adapts it: a file without a date of
	// birth kept 2 years after it closed.
	local, err := lifeguard.ParseRetentionSchedule(strings.NewReader(
		"child_file until_age=25 otherwise_years=2 source=child-protection-file\n"))
	if err != nil {
		t.Fatal(err)
	}
	sched := lifeguard.ShippedRetentionSchedule().Adapt(local)

	closed := f.report(t, f.staff) // a child of 13: due at 25
	if _, err := f.db.AddNote(as(ctx, f.dsl), closed.ID, "Mother says the man is her cousin."); err != nil {
		t.Fatal(err)
	}
	open1 := f.report(t, f.staff)
	held := f.report(t, f.staff)
	noChild, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: staffFacts(f.now()), Triage: f.defaultTriage()})
	if err != nil {
		t.Fatal(err)
	}
	f.closeConcern(t, closed.ID)
	f.closeConcern(t, held.ID)
	f.closeConcern(t, noChild.ID)
	if _, err := f.db.SetLegalHold(as(ctx, f.dsl), lifeguard.NewLegalHold{ConcernID: held.ID, Basis: lifeguard.HoldLitigation, Reason: "Civil claim."}); err != nil {
		t.Fatal(err)
	}

	period := lifeguard.ReportQuery{From: lifeguard.DateOf(f.now().AddDate(0, 0, -30)), To: lifeguard.DateOf(f.now())}
	board := func() *lifeguard.ReportCounts {
		t.Helper()
		r, err := f.db.ReportCounts(as(ctx, f.officer), period)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	own := func() *lifeguard.ReportCounts {
		t.Helper()
		r, err := f.db.ReportCounts(as(ctx, f.dsl), lifeguard.ReportQuery{From: period.From, To: period.To, OrganisationID: f.orgA.ID})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	boardBefore, ownBefore := board(), own()

	step(t, "Dates", func(t *testing.T) {
		if n, err := f.db.RefreshRetention(system, sched); err != nil || n == 0 {
			t.Fatalf("refresh changed %d dates, %v", n, err)
		}
		// A second run finds every date as it should be and writes none.
		if n, err := f.db.RefreshRetention(system, sched); err != nil || n != 0 {
			t.Errorf("a second refresh changed %d dates (%v), want 0", n, err)
		}
		due := f.dueKinds(t, f.now().AddDate(13, 0, 0))
		at25, ok := due["concern:"+itoa(closed.ID)]
		// Age 13 today at the latest: 25 in 12 years.
		if want := lifeguard.DateOf(f.now().AddDate(12, 0, 0)); !ok || lifeguard.DateOf(at25) != want {
			t.Errorf("closed concern due %v (listed %v), want %s", at25, ok, want)
		}
		if _, ok := due["child:"+itoa(*closed.ChildID)]; !ok {
			t.Errorf("the closed concern's child is not due: %v", due)
		}
		for name, id := range map[string]string{"open concern": "concern:" + itoa(open1.ID), "its child": "child:" + itoa(*open1.ChildID),
			"held concern": "concern:" + itoa(held.ID)} {
			if _, ok := due[name]; ok {
				t.Errorf("%s (%s) is due", name, id)
			}
			if _, ok := due[id]; ok {
				t.Errorf("%s (%s) is due: %v", name, id, due)
			}
		}
		soon := f.dueKinds(t, f.now().AddDate(2, 0, 1))
		if _, ok := soon["concern:"+itoa(noChild.ID)]; !ok || len(soon) != 1 {
			t.Errorf("within two years: %v, want the concern with no child only", soon)
		}
	})

	seq := journalLen(t, f.db)
	step(t, "Erase", func(t *testing.T) {
		n, err := f.db.EraseDue(system, f.now().AddDate(13, 0, 0), 1)
		if err != nil {
			t.Fatal(err)
		}
		if n.Concerns != 2 || n.Children != 1 {
			t.Errorf("erased %+v, want 2 concerns and 1 child", n)
		}
		c, err := f.db.Concern(system, closed.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(c)
		for _, text := range []string{"A stranger asked", "cousin", "Referred to children's social care"} {
			if strings.Contains(string(b), text) {
				t.Errorf("the erased concern still holds %q: %s", text, b)
			}
		}
		ch, err := f.db.Child(system, *closed.ChildID)
		if err != nil {
			t.Fatal(err)
		}
		if ch.Age != nil || ch.DateOfBirth != nil || !strings.HasPrefix(ch.Ref, "erased-") {
			t.Errorf("erased child %+v", ch)
		}
		// The held and the open are whole.
		for _, id := range []int64{held.ID, open1.ID} {
			c, err := f.db.Concern(system, id)
			if err != nil {
				t.Fatal(err)
			}
			if c.Facts.Description == "" {
				t.Errorf("concern %d was erased", id)
			}
		}
		// A second run finds nothing more.
		if n, err := f.db.EraseDue(system, f.now().AddDate(13, 0, 0), 1); err != nil || n != (lifeguard.ErasureCounts{}) {
			t.Errorf("again: %+v, %v", n, err)
		}
	})

	step(t, "JournalAndReport", func(t *testing.T) {
		r, err := f.db.VerifyJournal(system)
		if err != nil {
			t.Fatal(err)
		}
		if r.FirstBroken != 0 || r.Problem != "" {
			t.Errorf("the journal does not verify after erasure: %+v", r)
		}
		var erased int
		for _, e := range journalAfter(t, f.db, seq) {
			if e.Action == "erase" {
				erased++
				if e.Detail != "concerns=1" && e.Detail != "children=1" {
					t.Errorf("erase entry %q", e.Detail)
				}
			}
		}
		if erased != 3 { // a batch of one each: two concerns, one child
			t.Errorf("%d erase entries in the journal, want 3", erased)
		}
		if after := board(); !reflect.DeepEqual(boardBefore, after) {
			t.Errorf("board report changed:\nbefore %+v\nafter  %+v", boardBefore, after)
		}
		if after := own(); !reflect.DeepEqual(ownBefore, after) {
			t.Errorf("organisation's report changed:\nbefore %+v\nafter  %+v", ownBefore, after)
		}
	})

	step(t, "HoldReleased", func(t *testing.T) {
		due := f.dueKinds(t, f.now().AddDate(13, 0, 0))
		if _, ok := due["concern:"+itoa(held.ID)]; ok {
			t.Fatal("held concern listed")
		}
		// The DSL sees the hold with its reason; the administrator sees
		// that it is held and on what basis, not the reason's words.
		mine, err := f.db.LegalHolds(as(ctx, f.dsl), lifeguard.LegalHoldQuery{ConcernID: held.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(mine) != 1 || mine[0].Reason != "Civil claim." || mine[0].Basis != lifeguard.HoldLitigation ||
			mine[0].SetByName != f.dsl.Name {
			t.Fatalf("the DSL's list: %+v", mine)
		}
		all, err := f.db.LegalHolds(as(ctx, f.admin), lifeguard.LegalHoldQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 1 || all[0].Reason != "" || all[0].ConcernID != held.ID || all[0].Organisation != f.orgA.Name {
			t.Fatalf("the administrator's list: %+v", all)
		}
		if other, err := f.db.LegalHolds(as(ctx, f.dslB), lifeguard.LegalHoldQuery{}); err != nil || len(other) != 0 {
			t.Errorf("another organisation's DSL sees %+v, %v", other, err)
		}
		// The hold's reason never reaches the journal; who set it and on
		// what basis do.
		basis := false
		for _, e := range journalAfter(t, f.db, 0) {
			if strings.Contains(e.Detail, "Civil claim") {
				t.Errorf("journal holds the hold's reason: %+v", e)
			}
			if e.Record == "legal_hold" && e.Action == "create" {
				basis = e.Detail == "concern="+itoa(held.ID)+" basis=litigation" && e.UserID == f.dsl.ID
			}
		}
		if !basis {
			t.Error("the journal does not say who set the hold and on what basis")
		}
		// Released, it leaves the list of holds in force and the next
		// refresh gives the concern its date again.
		if err := f.db.ReleaseLegalHold(as(ctx, f.dsl), mine[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := f.db.ReleaseLegalHold(as(ctx, f.dsl), mine[0].ID); lifeguard.ErrorCode(err) != lifeguard.ECONFLICT {
			t.Errorf("released twice: %v", err)
		}
		if now, err := f.db.LegalHolds(as(ctx, f.admin), lifeguard.LegalHoldQuery{}); err != nil || len(now) != 0 {
			t.Errorf("after release: %+v, %v", now, err)
		}
		if was, err := f.db.LegalHolds(as(ctx, f.admin), lifeguard.LegalHoldQuery{Released: true}); err != nil ||
			len(was) != 1 || was[0].ReleasedAt == nil || was[0].ReleasedBy != f.dsl.ID {
			t.Errorf("released holds: %+v, %v", was, err)
		}
		if _, err := f.db.RefreshRetention(system, sched); err != nil {
			t.Fatal(err)
		}
		if _, ok := f.dueKinds(t, f.now().AddDate(13, 0, 0))["concern:"+itoa(held.ID)]; !ok {
			t.Error("the released concern has no date")
		}
	})
}

// testRetentionInputs checks that bad holds and schedules are refused
// naming the field.
func testRetentionInputs(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.report(t, f.staff)
	dsl := as(t.Context(), f.dsl)
	_, err := f.db.SetLegalHold(dsl, lifeguard.NewLegalHold{ConcernID: c.ID, Basis: lifeguard.HoldPolice})
	wantProblem(t, err, "reason")
	_, err = f.db.SetLegalHold(dsl, lifeguard.NewLegalHold{Basis: lifeguard.HoldPolice, Reason: "x"})
	wantProblem(t, err, "child_id")
	_, err = f.db.SetLegalHold(dsl, lifeguard.NewLegalHold{ConcernID: c.ID, ChildID: *c.ChildID, Basis: lifeguard.HoldPolice, Reason: "x"})
	wantProblem(t, err, "child_id")
	_, err = f.db.SetLegalHold(dsl, lifeguard.NewLegalHold{ConcernID: c.ID, Basis: lifeguard.HoldPolice, Reason: "bad\x00text"})
	wantProblem(t, err, "reason")
	_, err = f.db.SetLegalHold(dsl, lifeguard.NewLegalHold{ConcernID: c.ID, Reason: "x"})
	wantProblem(t, err, "basis")
	_, err = f.db.SetLegalHold(dsl, lifeguard.NewLegalHold{ConcernID: c.ID, Basis: "because", Reason: "x"})
	wantProblem(t, err, "basis")
	_, err = f.db.RetentionDue(as(t.Context(), f.admin), lifeguard.RetentionDueQuery{})
	wantProblem(t, err, "until")
	_, err = f.db.EraseDue(sys(t.Context()), f.now(), 0)
	wantProblem(t, err, "batch")
}

// testMaliciousAllegation: an allegation the LADO finds malicious loses
// what was sent and said at once; the outcome stays for the counts.
func testMaliciousAllegation(t *testing.T, open Opener) {
	f := newFixture(t, open)
	w := f.referralWorld(t)
	ctx := t.Context()
	A, L := as(ctx, f.dsl), as(ctx, w.dslLADO)
	fx := facts(f.now())
	fx.ConcernTypes, fx.Child, fx.ChildRole = []lifeguard.ConcernType{"staff_conduct"}, nil, ""
	fx.Description = "Mr Teacher messaged a pupil at night."
	fx.Staff = lifeguard.Staff{PrivateContact: true, Unsuitable: true}
	c, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: fx,
		Triage: f.triage(route{"LADO_REFERRAL", time.Hour})})
	if err != nil {
		t.Fatal(err)
	}
	send := func() *lifeguard.Referral {
		r, err := f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "LADO_REFERRAL",
			Parts: lifeguard.ReferralParts{Words: true}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.ConsiderReferral(L, r.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.AddReferralMessage(L, r.ID, lifeguard.MessageEmployerAction, "Mr Teacher suspended."); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := send()
	_, err = f.db.AnswerReferral(L, r.ID, lifeguard.ReferralAnswer{Outcome: lifeguard.OutcomeMalicious, Note: "Made up by Mr Teacher's rival."})
	if err != nil {
		t.Fatal(err)
	}
	for _, side := range []context.Context{A, L} {
		got, err := f.db.Referral(side, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(got)
		if strings.Contains(string(b), "Mr Teacher") {
			t.Errorf("the malicious allegation's referral still names the person: %s", b)
		}
		if got.Outcome != lifeguard.OutcomeMalicious || got.DecidedAt == nil {
			t.Errorf("the outcome went too: %+v", got)
		}
	}
	if rep, err := f.db.VerifyJournal(sys(ctx)); err != nil || rep.FirstBroken != 0 {
		t.Errorf("journal: %+v %v", rep, err)
	}
}

// testRetentionTransferred: after a transfer is received, the sending
// school's rows are the file that moved with the child, read by the
// receiving school; they fall due with the last school's file, none while
// it is held or worked on there, and the record of the transfer stays.
func testRetentionTransferred(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	system := sys(ctx)
	sched := lifeguard.ShippedRetentionSchedule()
	sent := f.report(t, f.staff) // a child of 13 in A: due at 25
	f.closeConcern(t, sent.ID)
	x, err := f.db.SendTransfer(as(ctx, f.dsl), *sent.ChildID, f.orgB.ID, "Moved to B in March.", f.now().AddDate(0, 0, 14))
	if err != nil {
		t.Fatal(err)
	}
	x, err = f.db.ReceiveTransfer(as(ctx, f.dslB), x.ID)
	if err != nil {
		t.Fatal(err)
	}
	moved := *x.ReceivedChildID
	// The receiving school records a concern of its own and works on it.
	there, err := f.db.CreateConcern(as(ctx, f.staffB), lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
		ChildID: moved})
	if err != nil {
		t.Fatal(err)
	}
	later := f.now().AddDate(30, 0, 0)
	step(t, "HeldWhileTheLastSchoolWorks", func(t *testing.T) {
		if _, err := f.db.RefreshRetention(system, sched); err != nil {
			t.Fatal(err)
		}
		due := f.dueKinds(t, later)
		for _, k := range []string{"concern:" + itoa(sent.ID), "child:" + itoa(*sent.ChildID)} {
			if _, ok := due[k]; ok {
				t.Errorf("%s is due while the receiving school's concern is open: %v", k, due)
			}
		}
		if n, err := f.db.EraseDue(system, later, 10); err != nil || n != (lifeguard.ErasureCounts{}) {
			t.Errorf("erased %+v, %v while the file is open at the last school", n, err)
		}
	})
	step(t, "DueWithTheLastSchoolsFile", func(t *testing.T) {
		if _, err := f.db.CloseConcern(as(ctx, f.dslB), there.ID, lifeguard.NewOutcome{Code: "referred_csc",
			Summary: "Referred.", CloseAnyway: "Closed with work left for the test."}); err != nil {
			t.Fatal(err)
		}
		// The receiving school has the child's date of birth: a year
		// later than the age the sender knew allows.
		dob := lifeguard.DateOf(f.now().AddDate(-12, 0, 0))
		if _, err := f.db.SetChildIdentity(as(ctx, f.dslB), moved, lifeguard.ChildIdentity{DateOfBirth: &dob}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.RefreshRetention(system, sched); err != nil {
			t.Fatal(err)
		}
		due := f.dueKinds(t, later)
		want := lifeguard.DateOf(dob.In(time.UTC).AddDate(25, 0, 0))
		for _, k := range []string{"concern:" + itoa(sent.ID), "child:" + itoa(*sent.ChildID), "child:" + itoa(moved)} {
			if got, ok := due[k]; !ok || lifeguard.DateOf(got) != want {
				t.Errorf("%s due %v (listed %v), want the last school's %s", k, got, ok, want)
			}
		}
		n, err := f.db.EraseDue(system, later, 10)
		if err != nil {
			t.Fatal(err)
		}
		if n.Concerns != 2 || n.Children != 2 {
			t.Errorf("erased %+v, want both schools' concern and record", n)
		}
		// The sender keeps the record of the transfer, without its note.
		got, err := f.db.Transfer(as(ctx, f.dsl), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.FromOrgID != f.orgA.ID || got.ToOrgID != f.orgB.ID || got.ReceivedAt == nil || got.Note != "" {
			t.Errorf("the record of the transfer: %+v", got)
		}
	})
}

// testAllegationPensionAge: an allegation is kept to the adult's state
// pension age or ten years, whichever is later; with no date of birth
// given it is not erased at ten years but listed for review; a date of
// birth that cannot be an adult's is refused naming the field.
func testAllegationPensionAge(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	A := as(ctx, f.dsl)
	f.referralWorld(t) // the LADO, in the directory
	send := func(born *lifeguard.Date) (*lifeguard.Referral, error) {
		fx := facts(f.now())
		fx.ConcernTypes, fx.Child, fx.ChildRole = []lifeguard.ConcernType{"staff_conduct"}, nil, ""
		fx.Staff = lifeguard.Staff{PrivateContact: true}
		c, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: fx,
			Triage: f.triage(route{"LADO_REFERRAL", time.Hour})})
		if err != nil {
			t.Fatal(err)
		}
		return f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID,
			Route: "LADO_REFERRAL", SubjectBorn: born})
	}
	for _, bad := range []lifeguard.Date{{Year: 2026, Month: 2, Day: 30}, lifeguard.DateOf(f.now().AddDate(-10, 0, 0)),
		{Year: 1901, Month: 1, Day: 1}} {
		_, err := send(&bad)
		wantProblem(t, err, "subject_date_of_birth")
	}
	born := lifeguard.Date{Year: 1990, Month: 1, Day: 1} // pension age 68: 1 January 2058
	known, err := send(&born)
	if err != nil {
		t.Fatal(err)
	}
	unknown, err := send(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RefreshRetention(sys(ctx), lifeguard.ShippedRetentionSchedule()); err != nil {
		t.Fatal(err)
	}
	tenYears := f.now().AddDate(10, 0, 2)
	due := f.dueKinds(t, tenYears)
	if _, ok := due["referral:"+itoa(unknown.ID)]; ok {
		t.Errorf("the allegation with no pension age falls due for erasure at ten years: %v", due)
	}
	if _, ok := due["referral:"+itoa(known.ID)]; ok {
		t.Errorf("the allegation is due at ten years, before the adult's pension age: %v", due)
	}
	if _, ok := due[lifeguard.RetentionReview+":"+itoa(unknown.ID)]; !ok {
		t.Errorf("the allegation with no pension age is not listed for review at ten years: %v", due)
	}
	if n, err := f.db.EraseDue(sys(ctx), tenYears, 10); err != nil || n.Referrals != 0 {
		t.Errorf("erased at ten years: %+v, %v", n, err)
	}
	later := f.dueKinds(t, time.Date(2058, 1, 2, 0, 0, 0, 0, time.UTC))
	if got, ok := later["referral:"+itoa(known.ID)]; !ok || lifeguard.DateOf(got) != (lifeguard.Date{Year: 2058, Month: 1, Day: 1}) {
		t.Errorf("the allegation falls due %v (listed %v), want the adult's pension age, 1 January 2058", got, ok)
	}
}
