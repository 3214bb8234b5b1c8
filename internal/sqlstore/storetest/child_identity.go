package storetest

import (
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testChildIdentity: who a child is is kept, read back, found, and shown
// only inside the child's organisation; the journal names the fields
// changed, never their values; bad values are refused naming the field.
func testChildIdentity(t *testing.T, open Opener) {
	f := newFixture(t, open)
	c := f.report(t, f.staff)
	dob := lifeguard.Date{Year: 2014, Month: 3, Day: 1}
	id := lifeguard.ChildIdentity{LegalForename: "Alexandra", LegalSurname: "Quillfeather", PreferredForename: "Sasha",
		DateOfBirth: &dob, YearGroup: "Year 7", RegGroup: "7Q", UPN: "b801200005001", NHSNumber: "943 476 5919",
		LANumber: "LA-77"}
	start := journalLen(t, f.db)
	got, err := f.db.SetChildIdentity(as(t.Context(), f.dsl), *c.ChildID, id)
	if err != nil {
		t.Fatal(err)
	}
	// Kept normalised: the year group in its one form, the UPN in capitals,
	// the NHS number without spaces.
	if got.YearGroup != "7" || got.UPN != "B801200005001" || got.NHSNumber != "9434765919" ||
		got.DisplayName() != "Sasha Quillfeather" || got.DateOfBirth == nil || *got.DateOfBirth != dob {
		t.Errorf("set identity %+v", got)
	}
	back, err := f.db.Child(as(t.Context(), f.dsl), *c.ChildID)
	if err != nil {
		t.Fatal(err)
	}
	if back.Identity().UPN != got.UPN || back.LegalSurname != "Quillfeather" || back.RegGroup != "7Q" {
		t.Errorf("read back %+v", back)
	}

	t.Run("JournalHoldsNoName", func(t *testing.T) {
		es := journalAfter(t, f.db, start)
		var update bool
		for _, e := range es {
			for _, s := range []string{"Quillfeather", "Sasha", "Alexandra", "B801200005001", "9434765919", "LA-77", "7Q"} {
				if strings.Contains(e.Detail, s) {
					t.Errorf("journal entry %d holds %q: %s", e.Seq, s, e.Detail)
				}
			}
			if e.Action == "update" && e.Record == "child" && e.RecordID == *c.ChildID {
				update = strings.Contains(e.Detail, "legal_surname") && strings.Contains(e.Detail, "upn")
			}
		}
		if !update {
			t.Errorf("no journal entry of the identity's update naming its fields: %+v", es)
		}
	})

	t.Run("StaffFindTheName", func(t *testing.T) {
		cs, err := f.db.FindChildren(as(t.Context(), f.staff2), "")
		if err != nil {
			t.Fatal(err)
		}
		var seen bool
		for _, x := range cs {
			if x.ID == *c.ChildID {
				seen = x.DisplayName() == "Sasha Quillfeather" && x.YearGroup == "7" && len(x.Vulnerabilities) == 0
			}
		}
		if !seen {
			t.Errorf("staff do not find the child by name: %+v", cs)
		}
	})

	t.Run("NoOneOutsideSeesIt", func(t *testing.T) {
		// The DSL of another organisation, the partnership officer and the
		// administrator read nothing of the record.
		for _, u := range []*lifeguard.User{f.dslB, f.officer, f.admin} {
			if x, err := f.db.Child(as(t.Context(), u), *c.ChildID); err == nil {
				t.Errorf("%s reads the child: %+v", u.Role, x)
			}
			cs, _ := f.db.FindChildren(as(t.Context(), u), "")
			for _, x := range cs {
				if x.ID == *c.ChildID || x.LegalSurname != "" {
					t.Errorf("%s finds %+v", u.Role, x)
				}
			}
		}
	})

	t.Run("Unchanged", func(t *testing.T) {
		before := journalLen(t, f.db)
		if _, err := f.db.SetChildIdentity(as(t.Context(), f.manager), *c.ChildID, id); err != nil {
			t.Fatal(err)
		}
		if n := journalLen(t, f.db); n != before {
			t.Errorf("setting the same identity again journaled %d entries", n-before)
		}
	})

	t.Run("Refused", func(t *testing.T) {
		other := f.report(t, f.staff)
		for _, tc := range []struct {
			name string
			id   lifeguard.ChildIdentity
			path string
		}{
			{"upn taken", lifeguard.ChildIdentity{UPN: "B801200005001"}, "upn"},
			{"upn check letter", lifeguard.ChildIdentity{UPN: "A801200005001"}, "upn"},
			{"nhs check digit", lifeguard.ChildIdentity{NHSNumber: "9434765918"}, "nhs_number"},
			{"year group", lifeguard.ChildIdentity{YearGroup: "Year 14"}, "year_group"},
			{"control", lifeguard.ChildIdentity{LegalSurname: "Quill\tfeather"}, "legal_surname"},
			{"long", lifeguard.ChildIdentity{LegalForename: strings.Repeat("x", lifeguard.MaxChildName+1)}, "legal_forename"},
			{"la number", lifeguard.ChildIdentity{LANumber: strings.Repeat("9", lifeguard.MaxChildLANumber+1)}, "la_number"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.db.SetChildIdentity(as(t.Context(), f.dsl), *other.ChildID, tc.id)
				wantProblem(t, err, tc.path)
			})
		}
	})
}
