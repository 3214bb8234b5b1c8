package storetest

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testTransferOnto: a transfer carries who the child is; the receiving DSL
// sees the pupil already on roll it matches, accepts the file onto that
// record, and reads the whole chronology from it. A new record where a
// pupil holds the UPN, and a record of another organisation, are refused.
func testTransferOnto(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dslA, dslB := as(t.Context(), f.dsl), as(t.Context(), f.dslB)
	dob := lifeguard.DateOf(f.now().AddDate(-12, -3, 0))
	who := lifeguard.ChildIdentity{LegalForename: "Ada", LegalSurname: "Quill", UPN: "B801200005001", DateOfBirth: &dob,
		YearGroup: "7"}
	sent := f.report(t, f.staff)
	if _, err := f.db.SetChildIdentity(dslA, *sent.ChildID, who); err != nil {
		t.Fatal(err)
	}
	// B has the pupil on roll already, from its own register, and a
	// concern of its own about them.
	res, err := f.db.ImportChildren(dslB, lifeguard.ChildImport{OrganisationID: f.orgB.ID, Lines: []lifeguard.ChildImportLine{
		{Line: 2, Identity: who}, {Line: 3, Identity: lifeguard.ChildIdentity{LegalForename: "Bo", LegalSurname: "Quill",
			DateOfBirth: &dob}}}})
	if err != nil {
		t.Fatal(err)
	}
	pupil := res.Lines[0].ChildID
	own, err := f.db.CreateConcern(as(t.Context(), f.staffB), lifeguard.NewConcern{Facts: facts(f.now()),
		Triage: f.defaultTriage(), ChildID: pupil})
	if err != nil {
		t.Fatal(err)
	}

	tr := f.send(t, f.dsl, *sent.ChildID, f.orgB)
	got, err := f.db.Transfer(dslB, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Child == nil || got.Child.UPN != who.UPN || got.Child.LegalSurname != "Quill" {
		t.Errorf("the transfer carries %+v", got.Child)
	}
	matches, err := f.db.TransferMatches(dslB, tr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(matches) != 1 || matches[0].ID != pupil {
		t.Errorf("matches %+v, want the pupil %d only", matches, pupil)
	}

	_, err = f.db.ReceiveTransferOnto(dslB, tr.ID, 0)
	wantProblem(t, err, "onto") // a new record, where the pupil holds the UPN
	_, err = f.db.ReceiveTransferOnto(dslB, tr.ID, *sent.ChildID)
	wantProblem(t, err, "onto") // A's record, not B's

	done, err := f.db.ReceiveTransferOnto(dslB, tr.ID, pupil)
	if err != nil {
		t.Fatal(err)
	}
	if done.ReceivedChildID == nil || *done.ReceivedChildID != pupil {
		t.Fatalf("received onto %v, want %d", done.ReceivedChildID, pupil)
	}
	chron, err := f.db.Chronology(dslB, pupil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	for _, e := range chron {
		if e.ConcernID != nil {
			seen[*e.ConcernID] = true
		}
	}
	if !seen[sent.ID] || !seen[own.ID] {
		t.Errorf("the pupil's chronology has concerns %v, want A's %d and B's %d", seen, sent.ID, own.ID)
	}

	// A second file cannot land on a record that holds one already.
	again := f.report(t, f.staff)
	tr2 := f.send(t, f.dsl, *again.ChildID, f.orgB)
	_, err = f.db.ReceiveTransferOnto(dslB, tr2.ID, pupil)
	wantProblem(t, err, "onto")
}
