package storetest

import (
	"slices"
	"strings"
	"testing"
	stdtime "time"

	"github.com/lifeguard-scp/lifeguard"
)

// upnFor makes a valid unique pupil number of serial n: the check letter
// worked out by trying each (lifeguard.UPNProblem holds the rule).
func upnFor(n int) string {
	body := "80120000" + string(rune('0'+n/1000%10)) + string(rune('0'+n/100%10)) + string(rune('0'+n/10%10)) +
		string(rune('0'+n%10))
	for _, l := range "ABCDEFGHJKLMNPQRTUVWXYZ" {
		if lifeguard.UPNProblem(string(l)+body) == "" {
			return string(l) + body
		}
	}
	panic("no check letter for " + body)
}

func pupil(line int, upn, fore, sur string, dob lifeguard.Date, year string) lifeguard.ChildImportLine {
	return lifeguard.ChildImportLine{Line: line, Identity: lifeguard.ChildIdentity{UPN: upn, LegalForename: fore,
		LegalSurname: sur, DateOfBirth: &dob, YearGroup: year}}
}

func outcomes(r *lifeguard.ChildImportResult) string {
	var out []string
	for _, l := range r.Lines {
		out = append(out, string(l.Outcome))
	}
	return strings.Join(out, ",")
}

// testChildImport: an import adds, changes and marks as left; a dry run says
// so and writes nothing; a second run changes nothing; a bad line stops the
// whole file; a child recorded by a report is matched by name and date of
// birth; staff then find the children by name, year group and UPN.
func testChildImport(t *testing.T, open Opener) {
	f := newFixture(t, open)
	dsl, manager, staff := as(t.Context(), f.dsl), as(t.Context(), f.manager), as(t.Context(), f.staff)
	d := func(y, m, day int) lifeguard.Date { return lifeguard.Date{Year: y, Month: stdtime.Month(m), Day: day} }

	// A child recorded by a report, named by the DSL but with no UPN yet.
	c := f.report(t, f.staff)
	if _, err := f.db.SetChildIdentity(dsl, *c.ChildID, lifeguard.ChildIdentity{LegalForename: "Tom",
		LegalSurname: "Ashdown", DateOfBirth: ptr(d(2013, 9, 30))}); err != nil {
		t.Fatal(err)
	}
	lines := []lifeguard.ChildImportLine{
		pupil(2, upnFor(1), "Alexandra", "Quill", d(2014, 3, 1), "Year 7"),
		pupil(3, upnFor(2), "Tom", "Ashdown", d(2013, 9, 30), "8"),
		pupil(4, upnFor(3), "Mina", "Okafor", d(2012, 1, 15), "9"),
	}
	in := lifeguard.ChildImport{OrganisationID: f.orgA.ID, Lines: lines, FullRoll: true, DryRun: true}

	dry, err := f.db.ImportChildren(manager, in)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Imported || outcomes(dry) != "added,changed,added" || dry.Added != 2 || dry.Changed != 1 {
		t.Errorf("dry run %+v", dry)
	}
	if got, _ := f.db.SearchChildren(staff, "quill"); len(got) != 0 {
		t.Errorf("the dry run wrote: %+v", got)
	}

	in.DryRun = false
	res, err := f.db.ImportChildren(manager, in)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Imported || outcomes(res) != "added,changed,added" || res.Lines[1].ChildID != *c.ChildID ||
		!slices.Equal(res.Lines[1].Fields, []string{"year_group", "upn"}) {
		t.Errorf("import %+v", res)
	}

	t.Run("Idempotent", func(t *testing.T) {
		before := journalLen(t, f.db)
		again, err := f.db.ImportChildren(manager, in)
		if err != nil {
			t.Fatal(err)
		}
		if outcomes(again) != "unchanged,unchanged,unchanged" {
			t.Errorf("second import %+v", again)
		}
		// One journal entry: the import itself, with nothing changed.
		if n := journalLen(t, f.db) - before; n != 1 {
			t.Errorf("the second import journaled %d entries", n)
		}
	})

	t.Run("Search", func(t *testing.T) {
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"qui", []string{"Quill"}},
			{"QUILL alex", []string{"Quill"}},
			{"y8", []string{"Ashdown"}},
			{"year 9", []string{"Okafor"}},
			{strings.ToLower(upnFor(3)[:6]), []string{"Okafor"}},
			{"nobody", nil},
			{"%", nil},
			{"_", nil},
		} {
			got, err := f.db.SearchChildren(staff, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, x := range got {
				names = append(names, x.LegalSurname)
				if len(x.Vulnerabilities) != 0 || x.DateOfBirth == nil {
					t.Errorf("staff find %+v", x)
				}
			}
			if !slices.Equal(names, tc.want) {
				t.Errorf("search %q found %v, want %v", tc.q, names, tc.want)
			}
		}
		got, err := f.db.SearchChildren(as(t.Context(), f.dslB), "quill")
		if err != nil || len(got) != 0 {
			t.Errorf("another organisation's DSL finds %+v, %v", got, err)
		}
	})

	t.Run("ChangedAndLeft", func(t *testing.T) {
		// Mina moves up a year group; Alexandra is no longer on the roll.
		moved := lifeguard.ChildImport{OrganisationID: f.orgA.ID, FullRoll: true, DryRun: true, Lines: []lifeguard.ChildImportLine{
			pupil(2, upnFor(2), "Tom", "Ashdown", d(2013, 9, 30), "8"),
			pupil(3, upnFor(3), "Mina", "Okafor", d(2012, 1, 15), "10"),
		}}
		dry, err := f.db.ImportChildren(dsl, moved)
		if err != nil {
			t.Fatal(err)
		}
		if outcomes(dry) != "unchanged,changed,left" || dry.Lines[2].Name != "Alexandra Quill" {
			t.Errorf("dry run %+v", dry)
		}
		moved.DryRun = false
		if _, err := f.db.ImportChildren(dsl, moved); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.SearchChildren(staff, "quill")
		if err != nil || len(got) != 1 || got[0].LeftOn == nil || *got[0].LeftOn != lifeguard.DateOf(f.now()) {
			t.Errorf("the child who left: %+v, %v", got, err)
		}
	})

	t.Run("BadLinesImportNothing", func(t *testing.T) {
		bad := lifeguard.ChildImport{OrganisationID: f.orgA.ID, Lines: []lifeguard.ChildImportLine{
			pupil(2, upnFor(7), "New", "Pupil", d(2015, 5, 5), "6"),
			pupil(3, "A801200005001", "Wrong", "Letter", d(2015, 5, 5), "6"),
			pupil(4, upnFor(7), "Same", "Upn", d(2015, 5, 6), "6"),
			pupil(5, "", "", "Nameless", d(2015, 5, 6), "6"),
			pupil(6, upnFor(8), "Far", "Future", d(2099, 1, 1), "Year 15"),
		}}
		res, err := f.db.ImportChildren(dsl, bad)
		wantCode(t, err, lifeguard.EINVALID)
		if res == nil || res.Imported || res.Bad != 4 || outcomes(res) != "added,bad,bad,bad,bad" {
			t.Fatalf("result %+v", res)
		}
		for _, path := range []string{"lines[3].upn", "lines[4].upn", "lines[5].upn", "lines[6].date_of_birth", "lines[6].year_group"} {
			wantProblemPath(t, err, path)
		}
		if got, _ := f.db.SearchChildren(staff, "pupil"); len(got) != 0 {
			t.Errorf("a file with bad lines imported its good one: %+v", got)
		}
	})

	t.Run("NoNameInJournal", func(t *testing.T) {
		for _, e := range journalAfter(t, f.db, 0) {
			for _, s := range []string{"Quill", "Ashdown", "Okafor", upnFor(1)} {
				if strings.Contains(e.Detail, s) {
					t.Errorf("journal entry %d holds %q", e.Seq, s)
				}
			}
		}
	})
}

// wantProblemPath checks that err names path among its problems.
func wantProblemPath(t *testing.T, err error, path string) {
	t.Helper()
	le, ok := err.(*lifeguard.Error)
	if !ok {
		t.Fatalf("error %v is not a *lifeguard.Error", err)
	}
	if !slices.ContainsFunc(le.Problems, func(p lifeguard.Problem) bool { return p.Path == path }) {
		t.Errorf("problems %v do not name %q", le.Problems, path)
	}
}
