package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// A partnership-wide subject access request (issue 19, item 3, h-sarwide).

var sarBorn = lifeguard.Date{Year: 2014, Month: 5, Day: 6}

func partnershipAccessIn(f *fixture, name string) lifeguard.NewPartnershipAccess {
	return lifeguard.NewPartnershipAccess{ChildName: name, BornOn: sarBorn, Requester: lifeguard.RequesterParent,
		RequesterName: "Mrs Lowther", ReceivedOn: lifeguard.DateOf(f.now()), Verified: lifeguard.CheckParentalResponsibility}
}

// partnershipPartID makes a child of A named Wren Tolley, born on
// sarBorn, asks the partnership about them as the officer, and returns
// A's part: 0, which no part has, when any step fails, so that the case
// fails.
func (f *fixture) partnershipPartID(ctx context.Context) int64 {
	c, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
	if err != nil {
		return 0
	}
	born := sarBorn
	if _, err := f.db.SetChildIdentity(sys(ctx), *c.ChildID, lifeguard.ChildIdentity{LegalForename: "Wren",
		LegalSurname: "Tolley", DateOfBirth: &born}); err != nil {
		return 0
	}
	s, err := f.db.StartPartnershipAccess(as(ctx, f.officer), partnershipAccessIn(f, "Wren Tolley"))
	if err != nil {
		return 0
	}
	for _, pt := range s.Parts {
		if pt.OrganisationID == f.orgA.ID {
			return pt.ID
		}
	}
	return 0
}

// partnershipAccessCases are the store's methods as every role.
func partnershipAccessCases() []accessCase {
	officer := []string{fb, fb, fb, fb, fb, ok, fb, fb, ua}
	follow := []string{fb, fb, fb, fb, fb, ok, fb, ok, ua}
	return []accessCase{
		{"StartPartnershipAccess", officer, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.StartPartnershipAccess(ctx, partnershipAccessIn(f, "Nobody Here"))
			return err
		}},
		{"PartnershipAccesses", follow, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.PartnershipAccesses(ctx)
			return err
		}},
		{"PartnershipAccess", follow, false, func(ctx context.Context, f *fixture, tg target) error {
			s, err := f.db.StartPartnershipAccess(as(ctx, f.officer), partnershipAccessIn(f, "Nobody Here"))
			if err != nil {
				return err
			}
			_, err = f.db.PartnershipAccess(ctx, s.ID)
			return err
		}},
		{"PartnershipAccessAsks", []string{fb, fb, fb, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.PartnershipAccessAsks(ctx)
			return err
		}},
		{"AnswerPartnershipAccess", []string{fb, fb, fb, ok, nf, fb, fb, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AnswerPartnershipAccess(ctx, f.partnershipPartID(ctx), true, "")
			return err
		}},
	}
}

// partnershipAccessRuleCases are the rows of the every-role test.
func partnershipAccessRuleCases() map[lifeguard.Op]ruleCase {
	return map[lifeguard.Op]ruleCase{
		lifeguard.OpStartPartnershipAccess: {lifeguard.ReachPartnership, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.StartPartnershipAccess(ctx, partnershipAccessIn(f, "Nobody Here"))
			return err
		}},
		lifeguard.OpAnswerPartnershipAccess: {lifeguard.ReachOrganisation, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.AnswerPartnershipAccess(ctx, f.partnershipPartID(ctx), false, "No records beyond the register.")
			return err
		}},
	}
}

// partnershipAccessTextCases are its free-text fields for the bad-text test.
func partnershipAccessTextCases() []textCase {
	start := func(set func(*lifeguard.NewPartnershipAccess, string)) func(ctx context.Context, f *fixture, w textWorld, s string) error {
		return func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := partnershipAccessIn(f, "Nobody Here")
			set(&in, s)
			_, err := f.db.StartPartnershipAccess(as(ctx, f.officer), in)
			return err
		}
	}
	return []textCase{
		{"partnership access child name", "child_name", start(func(in *lifeguard.NewPartnershipAccess, s string) { in.ChildName = s })},
		{"partnership access requester", "requester_name", start(func(in *lifeguard.NewPartnershipAccess, s string) { in.RequesterName = s })},
		{"partnership access verified note", "verified_note", start(func(in *lifeguard.NewPartnershipAccess, s string) { in.VerifiedNote = s })},
		{"partnership access decline", "reason", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AnswerPartnershipAccess(as(ctx, f.dsl), 1, false, s)
			return err
		}},
	}
}

// testPartnershipAccess follows a partnership-wide request: matched in two
// organisations of the partnership and not in another's, one agreeing
// (its own request made, due the same day, then disclosed) and one
// declining with a reason; what the officer sees and the journal.
func testPartnershipAccess(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	born, other := sarBorn, lifeguard.Date{Year: 2014, Month: 5, Day: 7}
	child := func(u, dsl *lifeguard.User, id lifeguard.ChildIdentity) int64 {
		c := f.report(t, u)
		if _, err := f.db.SetChildIdentity(as(ctx, dsl), *c.ChildID, id); err != nil {
			t.Fatal(err)
		}
		return *c.ChildID
	}
	childA := child(f.staff, f.dsl, lifeguard.ChildIdentity{LegalForename: "Ash", LegalSurname: "Lowther", DateOfBirth: &born})
	child(f.staff, f.dsl, lifeguard.ChildIdentity{LegalForename: "Ash", LegalSurname: "Lowther", DateOfBirth: &other})
	childB := child(f.staffB, f.dslB, lifeguard.ChildIdentity{LegalForename: "Ashley", PreferredForename: "Ash",
		LegalSurname: "Lowther", DateOfBirth: &born})
	officer, dsl, dslB := as(ctx, f.officer), as(ctx, f.dsl), as(ctx, f.dslB)
	start := journalLen(t, f.db)
	var s *lifeguard.PartnershipAccess
	step(t, "refused", func(t *testing.T) {
		in := partnershipAccessIn(f, "Ash")
		_, err := f.db.StartPartnershipAccess(officer, in)
		wantProblem(t, err, "child_name")
		in = partnershipAccessIn(f, "Ash Lowther")
		in.BornOn = lifeguard.Date{}
		_, err = f.db.StartPartnershipAccess(officer, in)
		wantProblem(t, err, "born_on")
		_, err = f.db.StartPartnershipAccess(dsl, partnershipAccessIn(f, "Ash Lowther"))
		wantCode(t, err, lifeguard.EFORBIDDEN)
	})
	step(t, "start", func(t *testing.T) {
		var err error
		s, err = f.db.StartPartnershipAccess(officer, partnershipAccessIn(f, "  ash   LOWTHER "))
		if err != nil {
			t.Fatal(err)
		}
		if want := lifeguard.AddCalendarMonths(lifeguard.DateOf(f.now()), 1); s.Due != want {
			t.Errorf("due %s, want %s", s.Due, want)
		}
		orgs := map[int64]bool{}
		for _, pt := range s.Parts {
			orgs[pt.OrganisationID] = true
			if pt.ChildID != 0 || pt.Answer != lifeguard.PartAsked {
				t.Errorf("the officer's part %+v shows a record or an answer", pt)
			}
		}
		if len(s.Parts) != 2 || !orgs[f.orgA.ID] || !orgs[f.orgB.ID] {
			t.Errorf("parts %+v, want A and B each once", s.Parts)
		}
		if _, err := f.db.PartnershipAccess(as(ctx, f.admin), s.ID); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
			t.Errorf("the administrator reads the request: %v", err)
		}
	})
	partOf := func(t *testing.T, ctx context.Context) lifeguard.PartnershipAccessPart {
		t.Helper()
		asks, err := f.db.PartnershipAccessAsks(ctx)
		if err != nil || len(asks) != 1 {
			t.Fatalf("asks %+v, %v", asks, err)
		}
		return asks[0]
	}
	var sar int64
	step(t, "agree", func(t *testing.T) {
		pt := partOf(t, dsl)
		if pt.ChildID != childA || pt.Due != s.Due {
			t.Errorf("A's part %+v, want child %d due %s", pt, childA, s.Due)
		}
		_, err := f.db.AnswerPartnershipAccess(dslB, pt.ID, true, "")
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.AnswerPartnershipAccess(dsl, pt.ID, true, "Because.")
		wantProblem(t, err, "reason")
		got, err := f.db.AnswerPartnershipAccess(dsl, pt.ID, true, "")
		if err != nil {
			t.Fatal(err)
		}
		sar = got.SubjectAccessID
		own, err := f.db.SubjectAccess(dsl, sar)
		if err != nil {
			t.Fatal(err)
		}
		if own.ChildID != childA || own.Due != s.Due || own.ReceivedOn != s.ReceivedOn || own.RequesterName != "Mrs Lowther" {
			t.Errorf("A's own request %+v does not inherit the partnership's", own)
		}
		_, err = f.db.AnswerPartnershipAccess(dsl, pt.ID, false, "Changed my mind.")
		wantCode(t, err, lifeguard.ECONFLICT)
	})
	step(t, "decline", func(t *testing.T) {
		pt := partOf(t, dslB)
		if pt.ChildID != childB {
			t.Errorf("B's part %+v, want child %d", pt, childB)
		}
		_, err := f.db.AnswerPartnershipAccess(dslB, pt.ID, false, " ")
		wantProblem(t, err, "reason")
		if _, err := f.db.AnswerPartnershipAccess(dslB, pt.ID, false, "The child left before any concern was recorded."); err != nil {
			t.Fatal(err)
		}
	})
	step(t, "follow", func(t *testing.T) {
		if _, err := f.db.SubjectAccessBundle(dsl, sar, true); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.PartnershipAccess(officer, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, pt := range got.Parts {
			switch pt.OrganisationID {
			case f.orgA.ID:
				if pt.Answer != lifeguard.PartAgreed || !pt.Disclosed || pt.ChildID != 0 {
					t.Errorf("A's part as the officer sees it: %+v", pt)
				}
			case f.orgB.ID:
				if pt.Answer != lifeguard.PartDeclined || pt.DeclineReason == "" || pt.Disclosed {
					t.Errorf("B's part as the officer sees it: %+v", pt)
				}
			}
		}
		list, err := f.db.PartnershipAccesses(officer)
		if err != nil || len(list) != 1 || len(list[0].Parts) != 2 {
			t.Errorf("the officer's list %+v, %v", list, err)
		}
	})
	step(t, "journal", func(t *testing.T) {
		var created, agreed, declined bool
		for _, e := range journalAfter(t, f.db, start) {
			for _, w := range []string{"Lowther", "Ash", "left before", "2014"} {
				if strings.Contains(e.Detail, w) {
					t.Errorf("journal entry holds %q: %+v", w, e)
				}
			}
			created = created || e.Action == "create" && e.Record == "partnership_access" && e.RecordID == s.ID
			agreed = agreed || e.Record == "partnership_access_part" && strings.HasPrefix(e.Detail, "agreed subject_access=")
			declined = declined || e.Record == "partnership_access_part" && e.Detail == "declined"
		}
		if !created || !agreed || !declined {
			t.Errorf("journal: created %v, agreed %v, declined %v", created, agreed, declined)
		}
	})
}
