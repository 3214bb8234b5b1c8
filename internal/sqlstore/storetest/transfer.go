package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// transferDue is a deadline for a transfer, as the caller would compute it
// from the calendar.
func (f *fixture) transferDue() time.Time {
	return f.now().AddDate(0, 0, 7).UTC().Truncate(time.Second)
}

// send sends the child's file as u to org, failing the test on an error.
func (f *fixture) send(t *testing.T, u *lifeguard.User, child int64, org *lifeguard.Organisation) *lifeguard.Transfer {
	t.Helper()
	tr, err := f.db.SendTransfer(as(t.Context(), u), child, org.ID, "Moving at the end of term.", f.transferDue())
	if err != nil {
		t.Fatalf("SendTransfer: %v", err)
	}
	return tr
}

// receive receives the transfer as u and returns the new record's id.
func (f *fixture) receive(t *testing.T, u *lifeguard.User, id int64) int64 {
	t.Helper()
	tr, err := f.db.ReceiveTransfer(as(t.Context(), u), id)
	if err != nil {
		t.Fatalf("ReceiveTransfer: %v", err)
	}
	if tr.ReceivedChildID == nil {
		t.Fatal("received with no child's record")
	}
	return *tr.ReceivedChildID
}

// transferTarget is target with transfers: the target's child sent to B
// and received there, another child of A sent to B and waiting, and a child
// of A with no transfer.
func (f *fixture) transferTarget(t *testing.T) target {
	t.Helper()
	tg := f.target(t)
	tg.received = f.send(t, f.dsl, tg.child, f.orgB).ID
	tg.receivedChild = f.receive(t, f.dslB, tg.received)
	tg.pending = f.send(t, f.dsl, *f.report(t, f.staff).ChildID, f.orgB).ID
	tg.free = *f.report(t, f.staff).ChildID
	return tg
}

// transferCases are the TransferStore's methods, and the reads of a
// received file, as every role. dslB is the receiving DSL.
func transferCases() []accessCase {
	// Who may work the concern of a received file: its own organisation as
	// ever; the receiving DSL sees it but may change nothing.
	work := []string{fb, nf, nf, ok, fb, nf, nf, ok, ua}
	add := []string{ok, nf, nf, ok, fb, nf, nf, ok, ua}
	// The sent record: its own organisation as ever, and the receiving DSL.
	sentRecord := []string{fb, fb, fb, ok, ok, nf, nf, ok, ua}
	// The record created on receipt is the receiving organisation's alone.
	receivedRecord := []string{nf, nf, nf, nf, ok, nf, nf, ok, ua}
	return []accessCase{
		{"SendTransfer", []string{fb, fb, fb, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SendTransfer(ctx, tg.free, f.orgB.ID, "Moving to Hilltop.", f.transferDue())
			return err
		}},
		// The receiving DSL can read the sent record but sends their own.
		{"SendTransfer(sent record)", []string{fb, fb, fb, ok, fb, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SendTransfer(ctx, tg.child, f.orgT.ID, "", f.transferDue())
			return err
		}},
		{"SendTransfer(received record)", receivedRecord, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SendTransfer(ctx, tg.receivedChild, f.orgA.ID, "Moving back.", f.transferDue())
			return err
		}},
		{"Transfers", []string{fb, fb, fb, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Transfers(ctx)
			return err
		}},
		{"Transfer(pending)", []string{fb, fb, fb, ok, ok, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Transfer(ctx, tg.pending)
			return err
		}},
		{"Transfer(received)", []string{fb, fb, fb, ok, ok, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Transfer(ctx, tg.received)
			return err
		}},
		{"ReceiveTransferOnto", []string{fb, fb, fb, fb, ok, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ReceiveTransferOnto(ctx, tg.pending, 0)
			return err
		}},
		{"TransferMatches", []string{fb, fb, fb, fb, ok, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.TransferMatches(ctx, tg.pending)
			return err
		}},
		{"ReceiveTransfer", []string{fb, fb, fb, fb, ok, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ReceiveTransfer(ctx, tg.pending)
			return err
		}},
		{"Child(sent record)", sentRecord, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Child(ctx, tg.child)
			return err
		}},
		{"Chronology(sent record)", sentRecord, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Chronology(ctx, tg.child)
			return err
		}},
		// Until the file is received, the receiving DSL sees nothing of it.
		{"Child(not yet received)", []string{fb, fb, fb, ok, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			tr, err := f.db.Transfer(sys(ctx), tg.pending)
			if err != nil {
				return err
			}
			_, err = f.db.Child(ctx, tr.ChildID)
			return err
		}},
		{"Child(received record)", receivedRecord, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Child(ctx, tg.receivedChild)
			return err
		}},
		{"Chronology(received record)", receivedRecord, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Chronology(ctx, tg.receivedChild)
			return err
		}},
		{"Concern(sent record)", []string{ok, nf, nf, ok, ok, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Concern(ctx, tg.concern)
			return err
		}},
		{"AddNote(sent record)", add, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddNote(ctx, tg.concern, "Spoke to the child.")
			return err
		}},
		{"AddEvidence(sent record)", add, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddEvidence(ctx, tg.concern, lifeguard.NewEvidence{What: "Screenshots", Location: "Safe",
				HeldBy: "DSL"})
			return err
		}},
		{"UpdateFacts(sent record)", work, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.UpdateFacts(ctx, tg.concern, facts(f.now()), f.defaultTriage())
			return err
		}},
		{"AddDecision(sent record)", work, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddDecision(ctx, tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL",
				Decision: lifeguard.DecisionAccepted})
			return err
		}},
		{"AddAction(sent record)", work, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddAction(ctx, tg.concern, lifeguard.NewAction{Title: "Call CSC", Owner: "DSL",
				Due: lifeguard.DateOf(f.now())})
			return err
		}},
		{"CompleteAction(sent record)", work, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CompleteAction(ctx, tg.concern, tg.action)
			return err
		}},
		{"CloseConcern(sent record)", work, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CloseConcern(ctx, tg.concern, lifeguard.NewOutcome{Code: "referred_csc", Summary: "Referred.", CloseAnyway: "Closed for the test with work left."})
			return err
		}},
	}
}

// testTransferAccess runs the transfer cases as every role.
func testTransferAccess(t *testing.T, open Opener) {
	f := newFixture(t, open)
	runAccessCases(t, f, transferCases(), f.transferTarget)
}

// sameEntries reports whether two chronologies are the same entries in the
// same order.
func sameEntries(a, b []lifeguard.ChronologyEntry) bool {
	return slices.EqualFunc(a, b, func(x, y lifeguard.ChronologyEntry) bool {
		sameConcern := x.ConcernID == nil && y.ConcernID == nil ||
			x.ConcernID != nil && y.ConcernID != nil && *x.ConcernID == *y.ConcernID
		return sameConcern && x.At.Equal(y.At) && x.Kind == y.Kind && x.Summary == y.Summary &&
			x.ActorID == y.ActorID && x.ActorRole == y.ActorRole
	})
}

// kindCounts counts a chronology's entries by kind, and checks that they
// are in time order and that only transfers have no concern.
func kindCounts(t *testing.T, es []lifeguard.ChronologyEntry) map[string]int {
	t.Helper()
	n := map[string]int{}
	for i, e := range es {
		n[e.Kind]++
		if i > 0 && e.At.Before(es[i-1].At) {
			t.Errorf("entry %d (%s at %v) before entry %d (%s at %v)", i, e.Kind, e.At, i-1, es[i-1].Kind, es[i-1].At)
		}
		transfer := e.Kind == lifeguard.ChronTransferred || e.Kind == lifeguard.ChronReceived
		if transfer != (e.ConcernID == nil) {
			t.Errorf("entry %d (%s) has concern %v", i, e.Kind, e.ConcernID)
		}
	}
	return n
}

// testTransfers follows a child's file from A to B and on to a third
// organisation D, checking what each side sees at each step. The steps build
// on each other, in order; each is a minute after the one before on the
// test's clock where its order in a chronology matters.
func testTransfers(t *testing.T, open Opener) {
	f := newFixture(t, open)
	orgD := f.org(t, f.p1, "Meadow School", "school")
	dslD := f.user(t, orgD, lifeguard.RoleDSL)
	staff, dsl := as(t.Context(), f.staff), as(t.Context(), f.dsl)
	dslB, staffB, dslDctx := as(t.Context(), f.dslB), as(t.Context(), f.staffB), as(t.Context(), dslD)
	const missing = 1 << 40

	// The child's history at A: two concerns, worked and closed.
	fx := facts(f.now().Add(-48 * time.Hour))
	fx.Child.Vulnerabilities = []lifeguard.Vulnerability{"send"}
	first, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage(), ChildRef: "Y9-MOVE"})
	if err != nil {
		t.Fatal(err)
	}
	child := *first.ChildID
	second, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now().Add(-time.Hour)),
		Triage: f.defaultTriage(), ChildID: child})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddNote(dsl, first.ID, "Parents informed."); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CloseConcern(dsl, second.ID, lifeguard.NewOutcome{Code: "early_help", Summary: "Early help.", CloseAnyway: "Closed for the test with work left."}); err != nil {
		t.Fatal(err)
	}

	t.Run("a transfer to its own, another partnership's, no or a missing organisation, with a bad note or no deadline is refused", func(t *testing.T) {
		due := f.transferDue()
		cases := []struct {
			name, path string
			to         int64
			note       string
			due        time.Time
		}{
			{"to itself", "to_organisation_id", f.orgA.ID, "", due},
			{"to another partnership", "to_organisation_id", f.orgC.ID, "", due},
			{"to nowhere", "to_organisation_id", missing, "", due},
			{"to no one", "to_organisation_id", 0, "", due},
			{"note too long", "note", f.orgB.ID, strings.Repeat("é", lifeguard.MaxReason+1), due},
			{"note not UTF-8", "note", f.orgB.ID, "\xff", due},
			{"no deadline", "due_by", f.orgB.ID, "", time.Time{}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				_, err := f.db.SendTransfer(dsl, child, c.to, c.note, c.due)
				wantProblem(t, err, c.path)
			})
		}
		_, err := f.db.SendTransfer(dsl, missing, f.orgB.ID, "", due)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	due := f.transferDue()
	note := strings.Repeat("n", lifeguard.MaxReason) // at the limit
	var sent *lifeguard.Transfer
	step(t, "the DSL sends the file to another school of the partnership, pending until received", func(t *testing.T) {
		f.clock.Advance(time.Minute)
		var err error
		if sent, err = f.db.SendTransfer(dsl, child, f.orgB.ID, note, due); err != nil {
			t.Fatal(err)
		}
		if sent.ChildID != child || sent.ChildRef != "Y9-MOVE" || sent.FromOrgID != f.orgA.ID ||
			sent.FromOrgName != f.orgA.Name || sent.ToOrgID != f.orgB.ID || sent.ToOrgName != f.orgB.Name ||
			sent.Status != lifeguard.TransferPending || sent.Note != note || sent.SentBy != f.dsl.ID ||
			sent.SentAt.IsZero() || !sent.DueBy.Equal(due) || sent.ReceivedBy != nil || sent.ReceivedAt != nil ||
			sent.ReceivedChildID != nil {
			t.Errorf("sent transfer %+v", sent)
		}
	})

	t.Run("a child with a transfer pending cannot be sent again", func(t *testing.T) {
		_, err := f.db.SendTransfer(dsl, child, orgD.ID, "", due)
		wantCode(t, err, lifeguard.ECONFLICT)
	})

	t.Run("before receipt the receiving DSL sees the transfer but none of the file", func(t *testing.T) {
		list, err := f.db.Transfers(dslB)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].ID != sent.ID || list[0].Status != lifeguard.TransferPending {
			t.Errorf("receiving DSL's list %+v", list)
		}
		got, err := f.db.Transfer(dslB, sent.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Note != note || got.ChildRef != "Y9-MOVE" {
			t.Errorf("receiving DSL's transfer %+v", got)
		}
		// The file is not theirs to read until they receive it.
		_, err = f.db.Child(dslB, child)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Chronology(dslB, child)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Concern(dslB, first.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		// The sending side's chronology shows the file sent, not received.
		es, err := f.db.Chronology(dsl, child)
		if err != nil {
			t.Fatal(err)
		}
		last := es[len(es)-1]
		if n := kindCounts(t, es); n[lifeguard.ChronTransferred] != 1 || n[lifeguard.ChronReceived] != 0 ||
			last.Kind != lifeguard.ChronTransferred || last.ActorID != f.dsl.ID || !strings.Contains(last.Summary, f.orgB.Name) {
			t.Errorf("sending side's chronology %+v", es)
		}
	})

	t.Run("a third organisation sees nothing, and cannot tell the transfer from a missing one", func(t *testing.T) {
		list, err := f.db.Transfers(dslDctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Errorf("a third organisation lists %+v", list)
		}
		for _, op := range []struct {
			name string
			call func(id int64) error
		}{
			{"Transfer", func(id int64) error { _, err := f.db.Transfer(dslDctx, id); return err }},
			{"ReceiveTransfer", func(id int64) error { _, err := f.db.ReceiveTransfer(dslDctx, id); return err }},
		} {
			other, none := op.call(sent.ID), op.call(missing)
			wantCode(t, other, lifeguard.ENOTFOUND)
			wantCode(t, none, lifeguard.ENOTFOUND)
			if lifeguard.ErrorMessage(other) != lifeguard.ErrorMessage(none) {
				t.Errorf("%s: another's transfer answers %q, a missing one %q", op.name, lifeguard.ErrorMessage(other),
					lifeguard.ErrorMessage(none))
			}
		}
	})

	t.Run("only the receiving organisation's DSL may receive, and its staff may not list transfers", func(t *testing.T) {
		_, err := f.db.ReceiveTransfer(dsl, sent.ID)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.ReceiveTransfer(staffB, sent.ID)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.Transfers(staffB)
		wantCode(t, err, lifeguard.EFORBIDDEN)
	})

	var got *lifeguard.Transfer
	step(t, "the receiving DSL receives the file as a new record of their own", func(t *testing.T) {
		f.clock.Advance(time.Minute)
		var err error
		if got, err = f.db.ReceiveTransfer(dslB, sent.ID); err != nil {
			t.Fatal(err)
		}
		if got.Status != lifeguard.TransferReceived || got.ReceivedBy == nil || *got.ReceivedBy != f.dslB.ID ||
			got.ReceivedAt == nil || got.ReceivedAt.Before(got.SentAt) || got.ReceivedChildID == nil ||
			got.ChildID != child || got.Note != note || !got.DueBy.Equal(due) {
			t.Fatalf("received transfer %+v", got)
		}
	})
	rec := *got.ReceivedChildID

	t.Run("a transfer is received once, and the sender is refused before its state is looked at", func(t *testing.T) {
		_, err := f.db.ReceiveTransfer(dslB, sent.ID)
		wantCode(t, err, lifeguard.ECONFLICT)
		// Access is decided before state: the sender is told they may not.
		_, err = f.db.ReceiveTransfer(dsl, sent.ID)
		wantCode(t, err, lifeguard.EFORBIDDEN)
	})

	t.Run("both DSLs see the transfer received, by whom, when and as which record", func(t *testing.T) {
		for _, ctx := range []context.Context{dsl, dslB} {
			tr, err := f.db.Transfer(ctx, sent.ID)
			if err != nil {
				t.Fatal(err)
			}
			if tr.Status != lifeguard.TransferReceived || tr.ReceivedAt == nil || !tr.ReceivedAt.Equal(*got.ReceivedAt) ||
				*tr.ReceivedBy != f.dslB.ID || *tr.ReceivedChildID != rec {
				t.Errorf("transfer %+v", tr)
			}
			list, err := f.db.Transfers(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(list) != 1 || list[0].Status != lifeguard.TransferReceived {
				t.Errorf("list %+v", list)
			}
		}
	})

	t.Run("the received record is B's, with the child's reference, age and needs but no date of birth", func(t *testing.T) {
		orig, err := f.db.Child(dsl, child)
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.db.Child(dslB, rec)
		if err != nil {
			t.Fatal(err)
		}
		if c.OrganisationID != f.orgB.ID || c.Ref != "Y9-MOVE" || c.Age == nil || *c.Age != *orig.Age ||
			c.AgeAsOf == nil || *c.AgeAsOf != *orig.AgeAsOf || !slices.Equal(c.Vulnerabilities, orig.Vulnerabilities) ||
			c.DateOfBirth != nil {
			t.Errorf("received record %+v, sent %+v", c, orig)
		}
		_, err = f.db.Child(dsl, rec)
		wantCode(t, err, lifeguard.ENOTFOUND)
		found, err := f.db.FindChildren(staffB, "Y9-MOVE")
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 1 || found[0].ID != rec {
			t.Errorf("B's staff find %+v", found)
		}
	})

	t.Run("the receiving DSL reads A's file and changes none of it; B's staff and a third organisation read none of it", func(t *testing.T) {
		c, err := f.db.Child(dslB, child)
		if err != nil {
			t.Fatal(err)
		}
		if c.OrganisationID != f.orgA.ID {
			t.Errorf("sent record %+v", c)
		}
		k, err := f.db.Concern(dslB, first.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(k.Notes) != 1 || k.OrganisationID != f.orgA.ID {
			t.Errorf("sent concern %+v", k)
		}
		if _, err := f.db.Concern(dslB, second.ID); err != nil {
			t.Fatal(err)
		}
		// Read-only: the concerns stay A's; closed or not, a change is
		// refused for who asks, not for the concern's state.
		_, err = f.db.AddNote(dslB, first.ID, "x")
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.AddDecision(dslB, first.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "accepted"})
		wantCode(t, err, lifeguard.EFORBIDDEN)
		_, err = f.db.AddNote(dslB, second.ID, "x")
		wantCode(t, err, lifeguard.EFORBIDDEN)
		// A's concerns are not B's to list, and the sent record is not B's to
		// link a concern to or send on.
		page, err := f.db.ListConcerns(dslB, lifeguard.ConcernFilter{ChildID: child})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Concerns) != 0 {
			t.Errorf("B lists A's concerns %+v", page.Concerns)
		}
		_, err = f.db.CreateConcern(dslB, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(), ChildID: child})
		wantProblem(t, err, "child_id")
		_, err = f.db.SendTransfer(dslB, child, orgD.ID, "", due)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		// Only the DSL: B's staff see nothing of A's file.
		_, err = f.db.Child(staffB, child)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Concern(staffB, first.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Chronology(staffB, rec)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		// Nor does a third organisation.
		_, err = f.db.Child(dslDctx, child)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Concern(dslDctx, first.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Chronology(dslDctx, rec)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	// A's chronology of the child: two concerns (reported, triaged, a note,
	// closed), the file sent, the file received.
	origWant := map[string]int{lifeguard.ChronReported: 2, lifeguard.ChronTriaged: 2, lifeguard.ChronNote: 1,
		lifeguard.ChronClosed: 1, lifeguard.ChronTransferred: 1, lifeguard.ChronReceived: 1}
	t.Run("both records give one chronology, ending in the receipt, and B's later work shows on B's record only", func(t *testing.T) {
		orig, err := f.db.Chronology(dsl, child)
		if err != nil {
			t.Fatal(err)
		}
		if n := kindCounts(t, orig); !maps.Equal(n, origWant) {
			t.Errorf("sending side's chronology: %v, want %v", n, origWant)
		}
		last := orig[len(orig)-1]
		if last.Kind != lifeguard.ChronReceived || last.ActorID != f.dslB.ID || last.ActorRole != lifeguard.RoleDSL ||
			!strings.Contains(last.Summary, f.orgB.Name) || !strings.Contains(last.Summary, f.orgA.Name) ||
			!last.At.Equal(*got.ReceivedAt) {
			t.Errorf("last entry %+v", last)
		}
		// The receiving DSL reads the whole history from their own record,
		// and the same from the sent one.
		fromB, err := f.db.Chronology(dslB, rec)
		if err != nil {
			t.Fatal(err)
		}
		if !sameEntries(fromB, orig) {
			t.Errorf("received record's chronology\n%+v\nwant the sent record's\n%+v", fromB, orig)
		}
		sentB, err := f.db.Chronology(dslB, child)
		if err != nil {
			t.Fatal(err)
		}
		if !sameEntries(sentB, orig) {
			t.Errorf("the receiving DSL's chronology of the sent record differs from the sender's")
		}

		// B's own work on the child shows on B's record, not on A's.
		if _, err := f.db.CreateConcern(staffB, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
			ChildID: rec}); err != nil {
			t.Fatal(err)
		}
		fromB, err = f.db.Chronology(dslB, rec)
		if err != nil {
			t.Fatal(err)
		}
		n := kindCounts(t, fromB)
		if len(fromB) != len(orig)+2 || n[lifeguard.ChronReported] != 3 {
			t.Errorf("after B's concern: %v", n)
		}
		again, err := f.db.Chronology(dsl, child)
		if err != nil {
			t.Fatal(err)
		}
		if !sameEntries(again, orig) {
			t.Errorf("B's concern shows in A's chronology")
		}
	})

	t.Run("a received reference that B already uses gets the transfer's number as a suffix, within the length limit", func(t *testing.T) {
		long := strings.Repeat("R", lifeguard.MaxChildRef)
		for _, ref := range []string{"Y7-SAME", long} {
			if _, err := f.db.CreateConcern(staffB, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
				ChildRef: ref}); err != nil {
				t.Fatal(err)
			}
			c, err := f.db.CreateConcern(staff, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
				ChildRef: ref})
			if err != nil {
				t.Fatal(err)
			}
			tr := f.send(t, f.dsl, *c.ChildID, f.orgB)
			got, err := f.db.Child(dslB, f.receive(t, f.dslB, tr.ID))
			if err != nil {
				t.Fatal(err)
			}
			suffix := fmt.Sprintf("-T%d", tr.ID)
			want := ref[:min(len(ref), lifeguard.MaxChildRef-len(suffix))] + suffix
			if got.Ref != want {
				t.Errorf("received as %q, want %q", got.Ref, want)
			}
		}
	})

	// B sends its record on to D: D's DSL reads the whole file, A's part
	// and B's, from D's record.
	t.Run("a file sent on from B to D carries A's and B's history, and A sees none of the onward move", func(t *testing.T) {
		f.clock.Advance(time.Minute)
		on := f.send(t, f.dslB, rec, orgD)
		f.clock.Advance(time.Minute)
		if on.ChildRef != "Y9-MOVE" || on.FromOrgID != f.orgB.ID {
			t.Errorf("onward transfer %+v", on)
		}
		recD := f.receive(t, dslD, on.ID)
		es, err := f.db.Chronology(dslDctx, recD)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{lifeguard.ChronReported: 3, lifeguard.ChronTriaged: 3, lifeguard.ChronNote: 1,
			lifeguard.ChronClosed: 1, lifeguard.ChronTransferred: 2, lifeguard.ChronReceived: 2}
		if n := kindCounts(t, es); !maps.Equal(n, want) {
			t.Errorf("D's chronology: %v, want %v", n, want)
		}
		if last := es[len(es)-1]; last.Kind != lifeguard.ChronReceived || last.ActorID != dslD.ID {
			t.Errorf("last entry %+v", last)
		}
		if _, err := f.db.Child(dslDctx, child); err != nil {
			t.Errorf("D reads A's record: %v", err)
		}
		if _, err := f.db.Concern(dslDctx, first.ID); err != nil {
			t.Errorf("D reads A's concern: %v", err)
		}
		_, err = f.db.AddNote(dslDctx, first.ID, "x")
		wantCode(t, err, lifeguard.EFORBIDDEN)
		// B sees its record sent and received; A sees none of it.
		fromB, err := f.db.Chronology(dslB, rec)
		if err != nil {
			t.Fatal(err)
		}
		if n := kindCounts(t, fromB); n[lifeguard.ChronTransferred] != 2 || n[lifeguard.ChronReceived] != 2 {
			t.Errorf("B's chronology after sending on: %v", n)
		}
		fromA, err := f.db.Chronology(dsl, child)
		if err != nil {
			t.Fatal(err)
		}
		if n := kindCounts(t, fromA); !maps.Equal(n, origWant) {
			t.Errorf("A's chronology after B sent on: %v, want %v", n, origWant)
		}
		_, err = f.db.Child(dsl, recD)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})

	t.Run("each DSL lists the transfers of their own organisation, pending first, then newest first", func(t *testing.T) {
		for range 2 {
			f.send(t, f.dsl, *f.report(t, f.staff).ChildID, f.orgB)
		}
		f.send(t, f.dslB, *f.report(t, f.staffB).ChildID, orgD)
		for _, u := range []*lifeguard.User{f.dsl, f.dslB, dslD} {
			list, err := f.db.Transfers(as(t.Context(), u))
			if err != nil {
				t.Fatal(err)
			}
			pending := 0
			for i, tr := range list {
				if tr.FromOrgID != u.OrganisationID && tr.ToOrgID != u.OrganisationID {
					t.Errorf("DSL of %d lists transfer %d from %d to %d", u.OrganisationID, tr.ID, tr.FromOrgID, tr.ToOrgID)
				}
				if tr.Status == lifeguard.TransferPending {
					pending++
				}
				if i == 0 {
					continue
				}
				prev := list[i-1]
				switch {
				case prev.Status != lifeguard.TransferPending && tr.Status == lifeguard.TransferPending:
					t.Errorf("pending transfer %d after received %d", tr.ID, prev.ID)
				case prev.Status == tr.Status && (tr.SentAt.After(prev.SentAt) || tr.SentAt.Equal(prev.SentAt) && tr.ID > prev.ID):
					t.Errorf("transfer %d after the older %d", tr.ID, prev.ID)
				}
			}
			if pending == 0 || pending == len(list) {
				t.Errorf("DSL of %d: %d pending of %d; the test wants both kinds", u.OrganisationID, pending, len(list))
			}
		}
	})
}

// testTransferJournal checks the journal entries of transfers and of the
// reads they open, and that refused calls append none.
func testTransferJournal(t *testing.T, open Opener) {
	f := newFixture(t, open)
	orgD := f.org(t, f.p1, "Meadow School", "school")
	dslD := f.user(t, orgD, lifeguard.RoleDSL)
	staff, dsl, dslB := as(t.Context(), f.staff), as(t.Context(), f.dsl), as(t.Context(), f.dslB)
	c := f.report(t, f.staff)
	child := *c.ChildID
	other := *f.report(t, f.staff).ChildID
	var tr *lifeguard.Transfer
	var rec int64

	type want = journalWant
	cases := []journalCase{
		{"send", dsl, func(ctx context.Context) (string, error) {
			var err error
			tr, err = f.db.SendTransfer(ctx, child, f.orgB.ID, "Moving in January.", f.transferDue())
			return "", err
		}, []want{{"create", "transfer", fmt.Sprintf("child=%d from=%d to=%d", child, f.orgA.ID, f.orgB.ID)}}},
		{"send again", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.SendTransfer(ctx, child, orgD.ID, "", f.transferDue())
			return "", ignore(err, lifeguard.ECONFLICT)
		}, nil},
		{"send invalid", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.SendTransfer(ctx, other, f.orgA.ID, "", f.transferDue())
			return "", ignore(err, lifeguard.EINVALID)
		}, nil},
		{"send refused", staff, func(ctx context.Context) (string, error) {
			_, err := f.db.SendTransfer(ctx, child, orgD.ID, "", f.transferDue())
			return "", ignore(err, lifeguard.EFORBIDDEN)
		}, nil},
		{"list", dslB, func(ctx context.Context) (string, error) {
			list, err := f.db.Transfers(ctx)
			if err != nil {
				return "", err
			}
			var ids []string
			for _, x := range list {
				ids = append(ids, fmt.Sprint(x.ID))
			}
			return "ids=" + strings.Join(ids, ","), nil
		}, []want{{"list", "transfer", "*"}}},
		{"read", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.Transfer(ctx, tr.ID)
			return "", err
		}, []want{{"read", "transfer", ""}}},
		{"read refused", as(t.Context(), dslD), func(ctx context.Context) (string, error) {
			_, err := f.db.Transfer(ctx, tr.ID)
			return "", ignore(err, lifeguard.ENOTFOUND)
		}, nil},
		{"receive refused", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.ReceiveTransfer(ctx, tr.ID)
			return "", ignore(err, lifeguard.EFORBIDDEN)
		}, nil},
		{"receive", dslB, func(ctx context.Context) (string, error) {
			got, err := f.db.ReceiveTransfer(ctx, tr.ID)
			if err == nil {
				rec = *got.ReceivedChildID
			}
			// The new record's vulnerabilities are the sent record's: none.
			return fmt.Sprintf("transfer=%d vulnerabilities=", tr.ID), err
		}, []want{{"create", "child", "*"}, {"update", "transfer", "received child="}}},
		{"receive again", dslB, func(ctx context.Context) (string, error) {
			_, err := f.db.ReceiveTransfer(ctx, tr.ID)
			return "", ignore(err, lifeguard.ECONFLICT)
		}, nil},
		{"receiving DSL reads the sent record", dslB, func(ctx context.Context) (string, error) {
			_, err := f.db.Child(ctx, child)
			return fmt.Sprintf("transfer=%d", tr.ID), err
		}, []want{{"read", "child", "*"}}},
		{"receiving DSL reads a sent concern", dslB, func(ctx context.Context) (string, error) {
			_, err := f.db.Concern(ctx, c.ID)
			return fmt.Sprintf("transfer=%d", tr.ID), err
		}, []want{{"read", "concern", "*"}}},
		{"receiving DSL reads the sent chronology", dslB, func(ctx context.Context) (string, error) {
			_, err := f.db.Chronology(ctx, child)
			return fmt.Sprintf("chronology concerns=%d transfer=%d", c.ID, tr.ID), err
		}, []want{{"read", "child", "*"}}},
		// The child's page reads the same in one call, and shows the
		// receiving DSL no merges of the sender's record.
		{"receiving DSL reads the sent record in one call", dslB, func(ctx context.Context) (string, error) {
			r, err := f.db.ChildRecord(ctx, child)
			if err == nil && r.Merges != nil {
				err = fmt.Errorf("the receiving DSL reads the sender's merges: %+v", r.Merges)
			}
			return fmt.Sprintf("transfer=%d", tr.ID), err
		}, []want{{"read", "child", "*"}, {"read", "child", "chronology concerns="}}},
		{"sending DSL reads its chronology", dsl, func(ctx context.Context) (string, error) {
			_, err := f.db.Chronology(ctx, child)
			return fmt.Sprintf("chronology concerns=%d", c.ID), err
		}, []want{{"read", "child", "*"}}},
		// One read of each record whose entries the chronology shows.
		{"receiving DSL reads its record's chronology", dslB, func(ctx context.Context) (string, error) {
			_, err := f.db.Chronology(ctx, rec)
			return fmt.Sprintf("chronology transfer=%d concerns=%d", tr.ID, c.ID), err
		}, []want{{"read", "child", "chronology concerns="}, {"read", "child", "*"}}},
		{"receiving DSL reads its record in one call", dslB, func(ctx context.Context) (string, error) {
			_, err := f.db.ChildRecord(ctx, rec)
			return fmt.Sprintf("chronology transfer=%d concerns=%d", tr.ID, c.ID), err
		}, []want{{"read", "child", ""}, {"read", "child", "chronology concerns="}, {"read", "child", "*"},
			{"read", "child", "merges="}}},
		{"receiving DSL's change refused", dslB, func(ctx context.Context) (string, error) {
			_, err := f.db.AddNote(ctx, c.ID, "x")
			return "", ignore(err, lifeguard.EFORBIDDEN)
		}, nil},
		{"third organisation's read refused", as(t.Context(), dslD), func(ctx context.Context) (string, error) {
			_, err := f.db.Child(ctx, child)
			return "", ignore(err, lifeguard.ENOTFOUND)
		}, nil},
	}
	runJournalCases(t, f.db, cases)

	// The merged chronology's reads are journaled against the records read.
	t.Run("records of the merged chronology", func(t *testing.T) {
		before := journalLen(t, f.db)
		if _, err := f.db.Chronology(dslB, rec); err != nil {
			t.Fatal(err)
		}
		es := journalAfter(t, f.db, before)
		if len(es) != 2 || es[0].RecordID != rec || es[1].RecordID != child {
			t.Errorf("entries %+v, want reads of %d then %d", es, rec, child)
		}
	})
}
