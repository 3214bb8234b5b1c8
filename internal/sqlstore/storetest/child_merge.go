package storetest

import (
	"maps"
	"slices"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testChildMerge: a DSL merges two records of the same child; the concerns
// and the chronology join on the kept record, which gains the names and
// vulnerabilities it lacked; the merge is listed for review; the merged
// record is found no more and takes no new concern.
func testChildMerge(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	keep := f.report(t, f.staff)
	fx := facts(f.now())
	fx.Child.Vulnerabilities = []lifeguard.Vulnerability{"young_carer"}
	dup, err := f.db.CreateConcern(as(t.Context(), f.staff2), lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage()})
	if err != nil {
		t.Fatal(err)
	}
	dob := lifeguard.DateOf(f.now().AddDate(-12, 0, 0))
	if _, err := f.db.SetChildIdentity(dsl, *dup.ChildID, lifeguard.ChildIdentity{LegalForename: "Ada", LegalSurname: "Quill",
		UPN: "B801200005001", DateOfBirth: &dob}); err != nil {
		t.Fatal(err)
	}

	// What hangs on each record besides concerns: parents' consents (the
	// same consent on both, given first on the duplicate), a hold.
	today := lifeguard.DateOf(f.now())
	earlier := lifeguard.DateOf(f.now().AddDate(0, -1, 0))
	mgr := as(t.Context(), f.manager)
	if _, err := f.db.RecordConsents(mgr, []lifeguard.ConsentChange{
		{ChildID: *keep.ChildID, Kind: lifeguard.ConsentInternet, Given: true, On: today},
		{ChildID: *keep.ChildID, Kind: lifeguard.ConsentImagesPress, Given: true, On: today},
		{ChildID: *dup.ChildID, Kind: lifeguard.ConsentInternet, Given: true, On: earlier},
		{ChildID: *dup.ChildID, Kind: lifeguard.ConsentImagesWebsite, Given: true, On: earlier},
		{ChildID: *dup.ChildID, Kind: lifeguard.ConsentImagesSocial, Given: true, On: earlier},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordConsents(mgr, []lifeguard.ConsentChange{
		{ChildID: *dup.ChildID, Kind: lifeguard.ConsentImagesSocial, On: today},
	}); err != nil {
		t.Fatal(err)
	}
	hold, err := f.db.SetLegalHold(dsl, lifeguard.NewLegalHold{ChildID: *dup.ChildID, Basis: lifeguard.HoldLitigation,
		Reason: "A claim names this child."})
	if err != nil {
		t.Fatal(err)
	}

	// Those who may not merge are refused, and nothing moves.
	for _, u := range []*lifeguard.User{f.staff, f.manager, f.dslB, f.officer} {
		if _, err := f.db.MergeChildren(as(t.Context(), u), *keep.ChildID, *dup.ChildID); err == nil {
			t.Errorf("%s merged two records", u.Role)
		}
	}
	_, err = f.db.MergeChildren(dsl, *keep.ChildID, *keep.ChildID)
	wantProblem(t, err, "merge")

	m, err := f.db.MergeChildren(dsl, *keep.ChildID, *dup.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if m.Concerns != 1 || m.MergedChildID != *dup.ChildID || m.MergedBy != f.dsl.ID {
		t.Errorf("merge %+v", m)
	}
	kept, err := f.db.Child(dsl, *keep.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if kept.UPN != "B801200005001" || kept.DisplayName() != "Ada Quill" || !slices.Contains(kept.Vulnerabilities, "young_carer") {
		t.Errorf("kept record %+v", kept)
	}
	chron, err := f.db.Chronology(dsl, *keep.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	concerns := map[int64]bool{}
	for _, e := range chron {
		if e.ConcernID != nil {
			concerns[*e.ConcernID] = true
		}
	}
	if !concerns[keep.ID] || !concerns[dup.ID] {
		t.Errorf("the kept record's chronology has concerns %v, want %d and %d", concerns, keep.ID, dup.ID)
	}
	moved, err := f.db.Concern(dsl, dup.ID)
	if err != nil || moved.ChildID == nil || *moved.ChildID != *keep.ChildID {
		t.Errorf("the merged record's concern is about child %v (%v)", moved.ChildID, err)
	}
	// The consents join the kept record: one internet consent, given
	// when the duplicate had it; the withdrawn one keeps its history.
	consents, err := f.db.Consents(dsl, *keep.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, c := range consents {
		state := "given " + c.GivenOn.String()
		if c.WithdrawnOn != nil {
			state += " withdrawn " + c.WithdrawnOn.String()
		}
		if _, twice := got[string(c.Kind)]; twice {
			t.Errorf("the kept record has %s twice", c.Kind)
		}
		got[string(c.Kind)] = state
	}
	want := map[string]string{
		string(lifeguard.ConsentInternet):      "given " + earlier.String(),
		string(lifeguard.ConsentImagesPress):   "given " + today.String(),
		string(lifeguard.ConsentImagesWebsite): "given " + earlier.String(),
		string(lifeguard.ConsentImagesSocial):  "given " + earlier.String() + " withdrawn " + today.String(),
	}
	if !maps.Equal(got, want) {
		t.Errorf("the kept record's consents %v, want %v", got, want)
	}
	// The hold set on the duplicate holds the kept record, whose
	// concerns include the duplicate's.
	holds, err := f.db.LegalHolds(dsl, lifeguard.LegalHoldQuery{ChildID: *keep.ChildID})
	if err != nil || len(holds) != 1 || holds[0].ID != hold.ID {
		t.Errorf("the kept record's holds %+v (%v), want the one set on the duplicate", holds, err)
	}
	merged, err := f.db.Child(dsl, *dup.ChildID)
	if err != nil || merged.MergedInto == nil || *merged.MergedInto != *keep.ChildID || merged.HasIdentity() {
		t.Errorf("merged record %+v, %v", merged, err)
	}
	ms, err := f.db.ChildMerges(dsl, *keep.ChildID)
	if err != nil || len(ms) != 1 || ms[0].MergedRef != merged.Ref {
		t.Errorf("merges %+v, %v", ms, err)
	}
	found, err := f.db.SearchChildren(as(t.Context(), f.staff), "quill")
	if err != nil || len(found) != 1 || found[0].ID != *keep.ChildID {
		t.Errorf("search after the merge: %+v, %v", found, err)
	}
	_, err = f.db.MergeChildren(dsl, *keep.ChildID, *dup.ChildID)
	wantCode(t, err, lifeguard.ECONFLICT)
	_, err = f.db.CreateConcern(as(t.Context(), f.staff), lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
		ChildID: *dup.ChildID})
	wantProblem(t, err, "child_id")
}
