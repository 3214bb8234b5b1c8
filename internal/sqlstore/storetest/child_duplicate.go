package storetest

import (
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testChildDuplicate: a new child whose surname and date of birth (and
// forename) match a child on record in the organisation is refused,
// naming that child, until the reporter confirms it is another child; the
// names of a new child are kept, found and never journaled.
func testChildDuplicate(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dob := lifeguard.Date{Year: 2013, Month: 6, Day: 9}
	withDOB := func() lifeguard.Facts {
		fx := facts(f.now())
		fx.Child = &lifeguard.ChildFacts{DateOfBirth: &dob}
		return fx
	}
	newConcern := func(u *lifeguard.User, fore, sur string, different bool) (*lifeguard.Concern, error) {
		return f.db.CreateConcern(as(t.Context(), u), lifeguard.NewConcern{Facts: withDOB(), Triage: f.defaultTriage(),
			ChildLegalForename: fore, ChildLegalSurname: sur, DifferentChild: different})
	}
	start := journalLen(t, f.db)
	first, err := newConcern(f.staff, " Wilhelmina ", "Quarrington", false)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := f.db.Child(as(t.Context(), f.dsl), *first.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if kept.LegalForename != "Wilhelmina" || kept.LegalSurname != "Quarrington" || kept.DateOfBirth == nil {
		t.Errorf("the new child's names are not kept: %+v", kept)
	}

	t.Run("Offered", func(t *testing.T) {
		for _, tc := range []struct{ name, fore, sur string }{
			{"same", "Wilhelmina", "Quarrington"},
			{"case aside", "WILHELMINA", "quarrington"},
			{"no forename given", "", "Quarrington"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				before := journalLen(t, f.db)
				_, err := newConcern(f.staff2, tc.fore, tc.sur, false)
				wantCode(t, err, lifeguard.ECONFLICT)
				p, ok := lifeguard.DuplicateOf(err)
				if !ok || p.ChildID != *first.ChildID || p.ChildRef != kept.Ref || p.Path != "child_legal_surname" {
					t.Fatalf("the refusal does not name child %d (%s): %+v", *first.ChildID, kept.Ref, err)
				}
				// Nothing is recorded; the offer is journaled as a read of
				// the child on record.
				es := journalAfter(t, f.db, before)
				if len(es) != 1 || es[0].Action != "read" || es[0].Record != "child" || es[0].RecordID != *first.ChildID {
					t.Errorf("journal after the refusal: %+v", es)
				}
			})
		}
	})

	t.Run("NotOffered", func(t *testing.T) {
		other := lifeguard.Date{Year: 2013, Month: 6, Day: 10}
		for _, tc := range []struct {
			name, fore, sur string
			facts           func() lifeguard.Facts
		}{
			{"other forename", "Wilfred", "Quarrington", withDOB},
			{"other date", "Wilhelmina", "Quarrington", func() lifeguard.Facts {
				fx := withDOB()
				fx.Child.DateOfBirth = &other
				return fx
			}},
			{"no surname", "Wilhelmina", "", withDOB},
			{"age only", "Wilhelmina", "Quarrington", func() lifeguard.Facts { return facts(f.now()) }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if _, err := f.db.CreateConcern(as(t.Context(), f.staff), lifeguard.NewConcern{Facts: tc.facts(),
					Triage: f.defaultTriage(), ChildLegalForename: tc.fore, ChildLegalSurname: tc.sur}); err != nil {
					t.Fatal(err)
				}
			})
		}
		// Another organisation's child of the same name is not this one's.
		if _, err := newConcern(f.staffB, "Wilhelmina", "Quarrington", false); err != nil {
			t.Errorf("organisation B: %v", err)
		}
	})

	t.Run("ConfirmedDifferent", func(t *testing.T) {
		c, err := newConcern(f.staff, "Wilhelmina", "Quarrington", true)
		if err != nil {
			t.Fatal(err)
		}
		if *c.ChildID == *first.ChildID {
			t.Errorf("confirmed as a different child, but linked to child %d", *first.ChildID)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		_, err := f.db.CreateConcern(as(t.Context(), f.staff), lifeguard.NewConcern{Facts: withDOB(),
			Triage: f.defaultTriage(), ChildID: *first.ChildID, ChildLegalSurname: "Quarrington"})
		wantProblem(t, err, "child_legal_surname")
		_, err = f.db.CreateConcern(as(t.Context(), f.staff), lifeguard.NewConcern{Facts: staffFacts(f.now()),
			Triage: f.defaultTriage(), ChildLegalForename: "Wilhelmina"})
		wantProblem(t, err, "child_legal_surname")
		_, err = newConcern(f.staff, strings.Repeat("x", lifeguard.MaxChildName+1), "Q", false)
		wantProblem(t, err, "child_legal_forename")
	})

	t.Run("FoundByName", func(t *testing.T) {
		cs, err := f.db.SearchChildren(as(t.Context(), f.staff2), "wilhelmina quarr")
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 || cs[0].LegalSurname != "Quarrington" {
			t.Errorf("search finds %+v", cs)
		}
	})

	t.Run("JournalHoldsNoName", func(t *testing.T) {
		for _, e := range journalAfter(t, f.db, start) {
			if strings.Contains(strings.ToLower(e.Detail), "quarrington") || strings.Contains(strings.ToLower(e.Detail), "wilhelmina") {
				t.Errorf("journal entry %d holds a name: %s", e.Seq, e.Detail)
			}
		}
	})
}
