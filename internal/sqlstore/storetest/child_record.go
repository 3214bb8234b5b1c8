package storetest

import (
	"reflect"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testChildRecord: the child's page's one call reads what the three calls
// read (the record with its names, the chronology, the merges), and the
// merges only of a record its organisation holds and did not merge away
// (the receiving DSL's read through a transfer is in testTransferJournal).
func testChildRecord(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl := as(t.Context(), f.dsl)
	keep := f.report(t, f.staff)
	dup := f.report(t, f.staff2)
	dob := lifeguard.DateOf(f.now().AddDate(-9, 0, 0))
	if _, err := f.db.SetChildIdentity(dsl, *keep.ChildID, lifeguard.ChildIdentity{LegalForename: "Ada",
		LegalSurname: "Quill", DateOfBirth: &dob}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.MergeChildren(dsl, *keep.ChildID, *dup.ChildID); err != nil {
		t.Fatal(err)
	}

	got, err := f.db.ChildRecord(dsl, *keep.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.db.Child(dsl, *keep.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	chron, err := f.db.Chronology(dsl, *keep.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := f.db.ChildMerges(dsl, *keep.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Child, c) {
		t.Errorf("record %+v, Child gives %+v", got.Child, c)
	}
	if got.Child.DisplayName() != "Ada Quill" {
		t.Errorf("the DSL reads the record as %q", got.Child.DisplayName())
	}
	if !reflect.DeepEqual(got.Chronology, chron) || len(chron) < 4 {
		t.Errorf("chronology %+v, Chronology gives %+v", got.Chronology, chron)
	}
	if !reflect.DeepEqual(got.Merges, ms) || len(ms) != 1 {
		t.Errorf("merges %+v, ChildMerges gives %+v", got.Merges, ms)
	}

	// The record merged away shows where it went and no merges.
	gone, err := f.db.ChildRecord(dsl, *dup.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if gone.Child.MergedInto == nil || *gone.Child.MergedInto != *keep.ChildID || gone.Merges != nil {
		t.Errorf("merged record %+v, merges %+v", gone.Child, gone.Merges)
	}

}
