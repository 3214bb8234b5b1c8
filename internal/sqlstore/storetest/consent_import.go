package storetest

import (
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// testConsentImport imports a class's consents from a file: a dry run
// says what would change and writes nothing; a bad line (a UPN not on the
// register, the same child twice, a withdrawal before the consent was
// given) stops the whole file with its line and field; the import then
// records what the class page would, and a second run changes nothing.
// Only the organisation's managers and DSLs import.
func testConsentImport(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	kids := f.class(t, "8J", 3)
	mgr := as(ctx, f.manager)
	upn := func(i int) string { return upnFor(700 + i) }
	given := func(k lifeguard.ConsentKind) lifeguard.ConsentImport {
		return lifeguard.ConsentImport{Kind: k, Given: true}
	}
	refused := func(k lifeguard.ConsentKind) lifeguard.ConsentImport { return lifeguard.ConsentImport{Kind: k} }
	lines := []lifeguard.ConsentImportLine{
		{Line: 2, UPN: upn(0), Consents: []lifeguard.ConsentImport{given(lifeguard.ConsentInternet), given(lifeguard.ConsentImagesWebsite),
			refused(lifeguard.ConsentImagesPress)}},
		{Line: 3, UPN: " " + upn(1) + " ", Consents: []lifeguard.ConsentImport{refused(lifeguard.ConsentInternet)}},
		// No answer from the parents yet: every consent cell empty.
		{Line: 4, UPN: upn(2), Consents: []lifeguard.ConsentImport{}},
	}

	dry, err := f.db.ImportConsents(mgr, lines, true)
	if err != nil {
		t.Fatal(err)
	}
	if dry.Imported || dry.Changed != 1 || dry.Unchanged != 2 || dry.Bad != 0 || len(dry.Lines) != 3 ||
		dry.Lines[0].Changes != 2 || dry.Lines[0].ChildID != kids[0] {
		t.Fatalf("dry run: %+v", dry)
	}
	if cs, err := f.db.Consents(as(ctx, f.dsl), kids[0]); err != nil || len(cs) != 0 {
		t.Fatalf("a dry run wrote %d consents (%v)", len(cs), err)
	}

	bad := append(append([]lifeguard.ConsentImportLine{}, lines...),
		lifeguard.ConsentImportLine{Line: 14, UPN: upnFor(999), Consents: []lifeguard.ConsentImport{given(lifeguard.ConsentInternet)}},
		lifeguard.ConsentImportLine{Line: 15, UPN: upn(0), Consents: []lifeguard.ConsentImport{given(lifeguard.ConsentInternet)}},
		lifeguard.ConsentImportLine{Line: 16, UPN: upn(1), On: lifeguard.DateOf(f.now().AddDate(0, 0, 2)),
			Consents: []lifeguard.ConsentImport{given(lifeguard.ConsentInternet)}},
		lifeguard.ConsentImportLine{Line: 17, UPN: "", Consents: []lifeguard.ConsentImport{given(lifeguard.ConsentInternet)}},
	)
	res, err := f.db.ImportConsents(mgr, bad, false)
	if err != nil {
		t.Fatal(err)
	}
	wantBad := map[int]string{14: "upn", 15: "upn", 16: "on", 17: "upn"}
	if res.Imported || res.Bad != len(wantBad) {
		t.Errorf("a file with bad lines: imported=%v bad=%d, want nothing imported and %d bad", res.Imported, res.Bad, len(wantBad))
	}
	for _, l := range res.Lines {
		if path, isBad := wantBad[l.Line]; isBad && (l.Outcome != lifeguard.ImportBad || len(l.Problems) == 0 || l.Problems[0].Path != path) {
			t.Errorf("line %d: %+v, want bad on %s", l.Line, l, path)
		}
	}
	if cs, err := f.db.Consents(as(ctx, f.dsl), kids[0]); err != nil || len(cs) != 0 {
		t.Fatalf("a file with bad lines wrote %d consents (%v)", len(cs), err)
	}

	res, err = f.db.ImportConsents(mgr, lines, false)
	if err != nil || !res.Imported || res.Changed != 1 {
		t.Fatalf("import: %+v (%v)", res, err)
	}
	list, err := f.db.ConsentList(mgr, lifeguard.ConsentGroup{RegGroup: "8J"})
	if err != nil {
		t.Fatal(err)
	}
	states := map[int64]map[lifeguard.ConsentKind]lifeguard.ConsentState{}
	for _, c := range list {
		states[c.ChildID] = c.States
	}
	if s := states[kids[0]]; s[lifeguard.ConsentInternet] != lifeguard.ConsentGiven || s[lifeguard.ConsentImagesWebsite] != lifeguard.ConsentGiven ||
		s[lifeguard.ConsentImagesPress] != lifeguard.ConsentNone {
		t.Errorf("the first child's consents after the import: %v", s)
	}
	if again, err := f.db.ImportConsents(mgr, lines, false); err != nil || again.Changed != 0 || again.Unchanged != 3 {
		t.Errorf("the same file again: %+v (%v), want nothing changed", again, err)
	}

	// A withdrawal in a later file, dated before the consent was given,
	// is refused; dated today, it is recorded.
	withdraw := []lifeguard.ConsentImportLine{{Line: 2, UPN: upn(0), On: lifeguard.DateOf(f.now().AddDate(-1, 0, 0)),
		Consents: []lifeguard.ConsentImport{refused(lifeguard.ConsentImagesWebsite)}}}
	if res, err := f.db.ImportConsents(mgr, withdraw, false); err != nil || res.Bad != 1 ||
		res.Lines[0].Problems[0].Path != string(lifeguard.ConsentImagesWebsite) {
		t.Errorf("a withdrawal before the consent was given: %+v (%v)", res, err)
	}
	withdraw[0].On = lifeguard.Date{}
	if res, err := f.db.ImportConsents(mgr, withdraw, false); err != nil || res.Changed != 1 {
		t.Errorf("a withdrawal today: %+v (%v)", res, err)
	}

	for _, u := range []*lifeguard.User{f.staff, f.officer, f.admin} {
		if _, err := f.db.ImportConsents(as(ctx, u), lines, true); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
			t.Errorf("%s imported consents: %v", u.Role, err)
		}
	}
	// Another school's DSL imports into their own register, where these
	// children are not.
	if res, err := f.db.ImportConsents(as(ctx, f.dslB), lines, false); err != nil || res.Bad != 3 || res.Imported {
		t.Errorf("another school's DSL with this school's pupils: %+v (%v), want every line bad", res, err)
	}
	_, err = f.db.ImportConsents(mgr, nil, true)
	wantProblem(t, err, "lines")
}
