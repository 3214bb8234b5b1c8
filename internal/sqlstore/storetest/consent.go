package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// class imports n children of A into registration group group (year 7),
// as A's DSL, and returns their ids in name order.
func (f *fixture) class(t *testing.T, group string, n int) []int64 {
	t.Helper()
	ctx := as(t.Context(), f.dsl)
	in := lifeguard.ChildImport{OrganisationID: f.orgA.ID, Fields: []string{"upn", "legal_surname", "legal_forename", "year_group", "reg_group"}}
	for i := range n {
		in.Lines = append(in.Lines, lifeguard.ChildImportLine{Line: i + 2, Identity: lifeguard.ChildIdentity{
			UPN: upnFor(700 + i), LegalSurname: fmt.Sprintf("%s-Pupil%02d", group, i), LegalForename: "Alex",
			YearGroup: "7", RegGroup: group}})
	}
	if _, err := f.db.ImportChildren(ctx, in); err != nil {
		t.Fatal(err)
	}
	cl, err := f.db.ConsentList(ctx, lifeguard.ConsentGroup{RegGroup: group})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, 0, len(cl))
	for _, c := range cl {
		ids = append(ids, c.ChildID)
	}
	if len(ids) != n {
		t.Fatalf("class %s has %d children, want %d", group, len(ids), n)
	}
	return ids
}

// testConsents records a class's consents, withdraws one, gives it again,
// and reads the do-not-photograph list as a member of staff.
func testConsents(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	kids := f.class(t, "7C", 3)
	today := lifeguard.DateOf(f.now())
	long := lifeguard.DateOf(f.now().AddDate(0, -6, 0))
	mgr := as(ctx, f.manager)
	var all []lifeguard.ConsentChange
	for _, k := range lifeguard.ConsentKinds() {
		all = append(all, lifeguard.ConsentChange{ChildID: kids[0], Kind: k, Given: true, On: long})
	}
	all = append(all, lifeguard.ConsentChange{ChildID: kids[1], Kind: lifeguard.ConsentImagesWebsite, Given: true, On: long})
	n, err := f.db.RecordConsents(mgr, all)
	if err != nil || n != 5 {
		t.Fatalf("record: %d %v", n, err)
	}
	if n, err := f.db.RecordConsents(mgr, all); err != nil || n != 0 {
		t.Errorf("the same class posted again recorded %d (%v), want 0", n, err)
	}
	// Withdrawn before it was given: refused, naming the change.
	_, err = f.db.RecordConsents(mgr, []lifeguard.ConsentChange{{ChildID: kids[0], Kind: lifeguard.ConsentImagesPress,
		On: lifeguard.DateOf(f.now().AddDate(-1, 0, 0))}})
	wantProblem(t, err, "consents[0].on")
	_, err = f.db.RecordConsents(mgr, []lifeguard.ConsentChange{{ChildID: kids[0], Kind: "images_tv", Given: true, On: today}})
	wantProblem(t, err, "consents[0].kind")
	_, err = f.db.RecordConsents(mgr, []lifeguard.ConsentChange{{ChildID: kids[0], Kind: lifeguard.ConsentInternet, Given: true,
		On: lifeguard.DateOf(f.now().AddDate(0, 0, 2))}})
	wantProblem(t, err, "consents[0].on")
	other := f.report(t, f.staffB)
	_, err = f.db.RecordConsents(mgr, []lifeguard.ConsentChange{{ChildID: *other.ChildID, Kind: lifeguard.ConsentInternet,
		Given: true, On: today}})
	wantProblem(t, err, "consents[0].child_id")

	// The press consent withdrawn, then given again: three records kept.
	if _, err := f.db.RecordConsents(mgr, []lifeguard.ConsentChange{{ChildID: kids[0], Kind: lifeguard.ConsentImagesPress, On: today}}); err != nil {
		t.Fatal(err)
	}
	hist, err := f.db.Consents(as(ctx, f.dsl), kids[0])
	if err != nil {
		t.Fatal(err)
	}
	press := 0
	for _, c := range hist {
		if c.Kind == lifeguard.ConsentImagesPress {
			press++
			if c.WithdrawnOn == nil || *c.WithdrawnOn != today || c.GivenOn != long {
				t.Errorf("press consent after the withdrawal: %+v", c)
			}
		}
	}
	if press != 1 || len(hist) != 4 {
		t.Errorf("history has %d records, %d of the press: %+v", len(hist), press, hist)
	}
	cl, err := f.db.ConsentList(mgr, lifeguard.ConsentGroup{RegGroup: "7C"})
	if err != nil {
		t.Fatal(err)
	}
	if s := cl[0].States[lifeguard.ConsentImagesPress]; s != lifeguard.ConsentWithdrawn {
		t.Errorf("press consent shows %q, want withdrawn", s)
	}
	if s := cl[2].States[lifeguard.ConsentInternet]; s != lifeguard.ConsentNone {
		t.Errorf("a child with no consent shows %q", s)
	}

	// A teacher's list: every child of the class without full image
	// consent, names and flags only.
	pl, err := f.db.PhotoList(as(ctx, f.staff), lifeguard.ConsentGroup{YearGroup: "7"})
	if err != nil {
		t.Fatal(err)
	}
	if pl.Children != 3 || len(pl.Entries) != 3 {
		t.Fatalf("photo list: %+v", pl)
	}
	if e := pl.Entries[0]; e.NoImages || !e.Website || e.Press {
		t.Errorf("the child whose press consent was withdrawn: %+v", e)
	}
	if e := pl.Entries[2]; !e.NoImages {
		t.Errorf("the child with no consent: %+v", e)
	}
	if _, err := f.db.ConsentList(as(ctx, f.staff), lifeguard.ConsentGroup{}); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("staff read the consents: %v", err)
	}
	if _, err := f.db.RecordConsents(as(ctx, f.staff), all); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("staff recorded consents: %v", err)
	}
	if pl, err := f.db.PhotoList(as(ctx, f.dslB), lifeguard.ConsentGroup{RegGroup: "7C"}); err != nil || pl.Children != 0 {
		t.Errorf("another organisation's DSL sees A's class: %+v %v", pl, err)
	}
	if _, err := f.db.PhotoList(as(ctx, f.officer), lifeguard.ConsentGroup{}); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("the partnership read a class list: %v", err)
	}

	fig, err := f.db.ConsentFigures(as(ctx, f.officer), f.orgA.ID)
	if err != nil {
		t.Fatal(err)
	}
	if fig.OnRoll != 3 || fig.ImageRecorded != 1 || fig.NoImages != 1 || fig.Internet != 1 {
		t.Errorf("figures: %+v", fig)
	}
}

// consentRuleCases are the access cases of consents and training.
func consentRuleCases() map[lifeguard.Op]ruleCase {
	org := lifeguard.ReachOrganisation
	return map[lifeguard.Op]ruleCase{
		lifeguard.OpRecordConsents: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.RecordConsents(ctx, []lifeguard.ConsentChange{{ChildID: r.child, Kind: lifeguard.ConsentImagesPress,
				Given: true, On: lifeguard.DateOf(f.now())}})
			return err
		}},
		lifeguard.OpReadConsents: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Consents(ctx, r.child)
			return err
		}},
		lifeguard.OpReadPhotoList: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.PhotoList(ctx, lifeguard.ConsentGroup{})
			return err
		}},
		lifeguard.OpRecordTraining: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.RecordTraining(ctx, lifeguard.NewTraining{UserID: f.staff2.ID, Type: lifeguard.TrainingOnlineSafety,
				Course: "Online safety update", Provider: "In house", CompletedOn: lifeguard.DateOf(f.now())})
			return err
		}},
		lifeguard.OpReadTraining: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Trainings(ctx, f.staff2.ID)
			return err
		}},
	}
}
