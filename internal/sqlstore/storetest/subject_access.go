package storetest

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// A person's rights over their data (issue 19, items 3 and 4, h-sar).

// childAccessRequest is a subject access request about child, made as the
// system.
func (f *fixture) childAccessRequest(t testing.TB, ctx context.Context, child int64) *lifeguard.SubjectAccess {
	t.Helper()
	s, err := f.db.StartSubjectAccess(sys(ctx), lifeguard.NewSubjectAccess{Subject: lifeguard.SubjectChild, ChildID: child,
		Requester: lifeguard.RequesterParent, RequesterName: "Ms Parent", ReceivedOn: lifeguard.DateOf(f.now()),
		Verified: lifeguard.CheckParentalResponsibility})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// accessRequestID is accessRequest for the access tables: 0, which no
// request has, when the request cannot be made, so that the case fails.
func (f *fixture) accessRequestID(ctx context.Context, child int64) int64 {
	s, err := f.db.StartSubjectAccess(sys(ctx), lifeguard.NewSubjectAccess{Subject: lifeguard.SubjectChild, ChildID: child,
		Requester: lifeguard.RequesterParent, RequesterName: "Ms Parent", ReceivedOn: lifeguard.DateOf(f.now()),
		Verified: lifeguard.CheckParentalResponsibility})
	if err != nil {
		return 0
	}
	return s.ID
}

func staffAccess(f *fixture, user int64) lifeguard.NewSubjectAccess {
	return lifeguard.NewSubjectAccess{Subject: lifeguard.SubjectStaff, UserID: user, Requester: lifeguard.RequesterSelf,
		RequesterName: "The member of staff", ReceivedOn: lifeguard.DateOf(f.now()), Verified: lifeguard.CheckKnownInPerson}
}

func identityRequest(f *fixture, child int64) lifeguard.NewDataRequest {
	return lifeguard.NewDataRequest{Kind: lifeguard.RequestRectify, Target: lifeguard.TargetChildIdentity, ChildID: child,
		Field: "preferred_forename", Value: "Sam", Requester: lifeguard.RequesterParent, RequesterName: "Ms Parent",
		ReceivedOn: lifeguard.DateOf(f.now()), Reason: "Known as Sam."}
}

// dataRightsCases are the data rights store's methods as every role.
func dataRightsCases() []accessCase {
	dslOnly := []string{fb, fb, fb, ok, nf, fb, fb, ok, ua}
	dslOrAdmin := []string{fb, fb, fb, ok, nf, fb, ok, ok, ua}
	lists := []string{fb, fb, fb, ok, ok, fb, ok, ok, ua}
	return []accessCase{
		{"StartSubjectAccessChild", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.StartSubjectAccess(ctx, lifeguard.NewSubjectAccess{Subject: lifeguard.SubjectChild, ChildID: tg.child,
				Requester: lifeguard.RequesterSelf, RequesterName: "The child", ReceivedOn: lifeguard.DateOf(f.now()),
				Verified: lifeguard.CheckKnownInPerson})
			return err
		}},
		{"StartSubjectAccessStaff", dslOrAdmin, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.StartSubjectAccess(ctx, staffAccess(f, tg.staff2))
			return err
		}},
		{"SubjectAccess", dslOrAdmin, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SubjectAccess(ctx, f.accessRequestID(ctx, tg.child))
			return err
		}},
		{"RequestStaff", lists, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.RequestStaff(ctx)
			return err
		}},
		{"SubjectAccesses", lists, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SubjectAccesses(ctx)
			return err
		}},
		{"ExtendSubjectAccess", dslOrAdmin, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ExtendSubjectAccess(ctx, f.accessRequestID(ctx, tg.child), "Many records to review.")
			return err
		}},
		{"SubjectAccessBundle", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SubjectAccessBundle(ctx, f.accessRequestID(ctx, tg.child), false)
			return err
		}},
		{"DiscloseSubjectAccess", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SubjectAccessBundle(ctx, f.accessRequestID(ctx, tg.child), true)
			return err
		}},
		{"SetRedactions", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			return f.db.SetRedactions(ctx, f.accessRequestID(ctx, tg.child),
				[]lifeguard.Redaction{{Key: "staff:user 1", Redact: false}})
		}},
		{"SubjectAccessReminders", []string{fb, fb, fb, ok, ok, fb, fb, fb, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SubjectAccessReminders(ctx, lifeguard.DateOf(f.now()))
			return err
		}},
		{"RecordDataRequest", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.RecordDataRequest(ctx, identityRequest(f, tg.child))
			return err
		}},
		{"RecordDataRequestStaff", dslOrAdmin, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.RecordDataRequest(ctx, lifeguard.NewDataRequest{Kind: lifeguard.RequestErase,
				Target: lifeguard.TargetPreferences, UserID: tg.staff2, Requester: lifeguard.RequesterSelf,
				RequesterName: "Staff", ReceivedOn: lifeguard.DateOf(f.now()), Reason: "I left."})
			return err
		}},
		{"DataRequests", lists, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.DataRequests(ctx)
			return err
		}},
		{"DecideDataRequest", dslOnly, false, func(ctx context.Context, f *fixture, tg target) error {
			r, err := f.db.RecordDataRequest(sys(ctx), identityRequest(f, tg.child))
			if err != nil {
				return err
			}
			_, err = f.db.DecideDataRequest(ctx, r.ID, lifeguard.DataDecision{Outcome: lifeguard.OutcomeRefused,
				Reason: "The register is right."})
			return err
		}},
	}
}

// dataRightsRuleCases are the rows of the access table's every-role test.
func dataRightsRuleCases() map[lifeguard.Op]ruleCase {
	org := lifeguard.ReachOrganisation
	return map[lifeguard.Op]ruleCase{
		lifeguard.OpStartDataRights: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.StartSubjectAccess(ctx, staffAccess(f, f.staff.ID))
			return err
		}},
		lifeguard.OpWorkDataRights: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SubjectAccessBundle(ctx, f.accessRequestID(ctx, r.child), false)
			return err
		}},
	}
}

// testSubjectAccess follows a request from start to disclosure: the
// deadline, what the bundle gathers, the mentions of third parties and
// the DSL's choices, the journal.
func testSubjectAccess(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	dsl := as(ctx, f.dsl)
	staffName := "User 1" // f.staff, the reporter
	fx := facts(f.now())
	fx.Description = "Robin Quillfeather sent Ash Lowther a threat; Ash told " + staffName + "."
	c, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetChildIdentity(dsl, *c.ChildID, lifeguard.ChildIdentity{LegalForename: "Ash", LegalSurname: "Lowther"}); err != nil {
		t.Fatal(err)
	}
	other := f.report(t, f.staff2)
	if _, err := f.db.SetChildIdentity(dsl, *other.ChildID, lifeguard.ChildIdentity{LegalForename: "Robin", LegalSurname: "Quillfeather"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddNote(dsl, c.ID, "Spoke to Robin Quillfeather's parents."); err != nil {
		t.Fatal(err)
	}
	start := journalLen(t, f.db)
	var s *lifeguard.SubjectAccess
	step(t, "start", func(t *testing.T) {
		s, err = f.db.StartSubjectAccess(dsl, lifeguard.NewSubjectAccess{Subject: lifeguard.SubjectChild, ChildID: *c.ChildID,
			Requester: lifeguard.RequesterParent, RequesterName: "Mrs Lowther", ReceivedOn: lifeguard.DateOf(f.now()),
			Verified: lifeguard.CheckParentalResponsibility, VerifiedNote: "Birth certificate seen."})
		if err != nil {
			t.Fatal(err)
		}
		if want := lifeguard.AddCalendarMonths(lifeguard.DateOf(f.now()), 1); s.Due != want || s.Status != lifeguard.AccessOpen {
			t.Errorf("due %s status %s, want %s open", s.Due, s.Status, want)
		}
		got, err := f.db.SubjectAccess(as(ctx, f.admin), s.ID)
		if err != nil || got.RequesterName != "Mrs Lowther" {
			t.Errorf("the administrator reads %+v, %v", got, err)
		}
	})
	step(t, "bundle", func(t *testing.T) {
		b, err := f.db.SubjectAccessBundle(dsl, s.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		sections := map[string]int{}
		mentions := map[string]bool{}
		for _, it := range b.Items {
			sections[it.Section]++
			for _, m := range it.Mentions {
				mentions[m.Key] = true
				if !m.Redacted() {
					t.Errorf("mention %s not redacted before a choice", m.Key)
				}
			}
		}
		for _, sec := range []string{"identity", "concern", "note", "chronology"} {
			if sections[sec] == 0 {
				t.Errorf("no %s item in %v", sec, sections)
			}
		}
		if b.Person != "Ash Lowther" || mentions["child:ash lowther"] {
			t.Errorf("person %q; the subject is not a third party: %v", b.Person, mentions)
		}
		if !mentions["child:robin quillfeather"] || !mentions["staff:user 1"] {
			t.Errorf("mentions %v, want the other child and the reporter", mentions)
		}
	})
	step(t, "redact and disclose", func(t *testing.T) {
		if err := f.db.SetRedactions(dsl, s.ID, []lifeguard.Redaction{{Key: "staff:user 1", Redact: false},
			{Key: "child:robin quillfeather", Redact: true}}); err != nil {
			t.Fatal(err)
		}
		b, err := f.db.SubjectAccessBundle(dsl, s.ID, true)
		if err != nil {
			t.Fatal(err)
		}
		var kept, text bool
		for _, it := range b.Items {
			if strings.Contains(strings.ToLower(it.Text+it.Title+it.By), "quillfeather") {
				t.Errorf("item %s still names the redacted child: %q", it.Key, it.Text)
			}
			kept = kept || strings.Contains(it.Text, staffName) || it.By == staffName
			text = text || strings.Contains(it.Text, "sent Ash Lowther a threat")
		}
		if !kept || !text || !b.Disclosed || b.Request.Status != lifeguard.AccessDisclosed {
			t.Errorf("kept %v, the reporter's words %v, disclosed %v %s", kept, text, b.Disclosed, b.Request.Status)
		}
		err = f.db.SetRedactions(dsl, s.ID, []lifeguard.Redaction{{Key: "staff:user 1", Redact: true}})
		wantCode(t, err, lifeguard.ECONFLICT)
		_, err = f.db.ExtendSubjectAccess(dsl, s.ID, "Too late.")
		wantCode(t, err, lifeguard.ECONFLICT)
	})
	step(t, "journal", func(t *testing.T) {
		var disclosed, read bool
		for _, e := range journalAfter(t, f.db, start) {
			for _, w := range []string{"Lowther", "Quillfeather", "Birth", "threat"} {
				if strings.Contains(e.Detail, w) {
					t.Errorf("journal entry holds %q: %+v", w, e)
				}
			}
			read = read || e.Action == "read" && e.Record == "subject_access" && strings.Contains(e.Detail, "concerns=")
			disclosed = disclosed || e.Action == "disclose" && e.Record == "subject_access" && e.RecordID == s.ID
		}
		if !read || !disclosed {
			t.Errorf("journal: read %v, disclosed %v", read, disclosed)
		}
	})
	step(t, "staff", func(t *testing.T) {
		st, err := f.db.StartSubjectAccess(as(ctx, f.admin), staffAccess(f, f.staff.ID))
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.db.SubjectAccessBundle(as(ctx, f.admin), st.ID, false)
		wantCode(t, err, lifeguard.EFORBIDDEN)
		b, err := f.db.SubjectAccessBundle(dsl, st.ID, false)
		if err != nil {
			t.Fatal(err)
		}
		var account, reported bool
		for _, it := range b.Items {
			account = account || it.Section == "account" && strings.Contains(it.Text, "Email:")
			reported = reported || it.Section == "concern" && it.Key == "concern:"+strconv.FormatInt(c.ID, 10)
		}
		if !account || !reported || b.Person != staffName {
			t.Errorf("account %v, reported concern %v, person %q", account, reported, b.Person)
		}
	})
	step(t, "deadline and reminders", func(t *testing.T) {
		r := f.childAccessRequest(t, ctx, *other.ChildID)
		got, err := f.db.SubjectAccessReminders(dsl, lifeguard.DateOf(f.now()))
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range got {
			if x.ID == r.ID {
				t.Errorf("a request due in a month is reminded already")
			}
		}
		later := lifeguard.AddCalendarMonths(lifeguard.DateOf(f.now()), 1)
		got, err = f.db.SubjectAccessReminders(dsl, later)
		if err != nil || len(got) == 0 {
			t.Fatalf("reminders at the deadline: %v, %v", got, err)
		}
		x, err := f.db.ExtendSubjectAccess(dsl, r.ID, "Many records from two schools.")
		if err != nil {
			t.Fatal(err)
		}
		if want := lifeguard.AddCalendarMonths(r.ReceivedOn, 3); x.Due != want {
			t.Errorf("extended to %s, want %s", x.Due, want)
		}
		_, err = f.db.ExtendSubjectAccess(dsl, r.ID, "Again.")
		wantCode(t, err, lifeguard.ECONFLICT)
	})
}

// testDataRequests corrects and erases on request: a child's identity, a
// concern's fact appended, an erasure of safeguarding records refused
// with the basis, one recorded in error erased, a member of staff's
// preferences erased.
func testDataRequests(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	dsl := as(ctx, f.dsl)
	c := f.report(t, f.staff)
	if _, err := f.db.SetChildIdentity(dsl, *c.ChildID, lifeguard.ChildIdentity{LegalForename: "Ash", LegalSurname: "Lowther"}); err != nil {
		t.Fatal(err)
	}
	record := func(t *testing.T, in lifeguard.NewDataRequest) *lifeguard.DataRequest {
		t.Helper()
		in.Requester, in.RequesterName, in.ReceivedOn = lifeguard.RequesterParent, "Mrs Lowther", lifeguard.DateOf(f.now())
		if in.Reason == "" {
			in.Reason = "It is wrong."
		}
		r, err := f.db.RecordDataRequest(dsl, in)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	decide := func(r *lifeguard.DataRequest, o lifeguard.DataOutcome, inError bool) (*lifeguard.DataRequest, error) {
		return f.db.DecideDataRequest(dsl, r.ID, lifeguard.DataDecision{Outcome: o, Reason: "Checked with the family.", MadeInError: inError})
	}
	t.Run("identity", func(t *testing.T) {
		r := record(t, lifeguard.NewDataRequest{Kind: lifeguard.RequestRectify, Target: lifeguard.TargetChildIdentity,
			ChildID: *c.ChildID, Field: "legal_surname", Value: "Lowther-Smith"})
		got, err := decide(r, lifeguard.OutcomeApplied, false)
		if err != nil {
			t.Fatal(err)
		}
		ch, err := f.db.Child(dsl, *c.ChildID)
		if err != nil {
			t.Fatal(err)
		}
		if ch.LegalSurname != "Lowther-Smith" || got.Original != "Lowther" || got.DecidedBy != f.dsl.ID {
			t.Errorf("surname %q, original %q, decided by %d", ch.LegalSurname, got.Original, got.DecidedBy)
		}
		_, err = decide(r, lifeguard.OutcomeRefused, false)
		wantCode(t, err, lifeguard.ECONFLICT)
	})
	t.Run("concern fact appended", func(t *testing.T) {
		r := record(t, lifeguard.NewDataRequest{Kind: lifeguard.RequestRectify, Target: lifeguard.TargetConcernFact,
			ConcernID: c.ID, Field: "description", Value: "A stranger asked to meet, twice."})
		if _, err := decide(r, lifeguard.OutcomeApplied, false); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Concern(dsl, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Facts.Description != "A stranger asked to meet." {
			t.Errorf("the facts were overwritten: %q", got.Facts.Description)
		}
		var noted bool
		for _, n := range got.Notes {
			noted = noted || strings.Contains(n.Text, "should read: A stranger asked to meet, twice.") &&
				strings.Contains(n.Text, "It read: A stranger asked to meet.")
		}
		if !noted {
			t.Errorf("no note of the correction: %+v", got.Notes)
		}
	})
	t.Run("erasure refused", func(t *testing.T) {
		r := record(t, lifeguard.NewDataRequest{Kind: lifeguard.RequestErase, Target: lifeguard.TargetChildFile, ChildID: *c.ChildID})
		_, err := decide(r, lifeguard.OutcomeApplied, false)
		wantCode(t, err, lifeguard.ECONFLICT)
		if !strings.Contains(lifeguard.ErrorMessage(err), "17(3)(b)") {
			t.Errorf("the refusal does not state the basis: %v", err)
		}
		got, err := decide(r, lifeguard.OutcomeRefused, false)
		if err != nil {
			t.Fatal(err)
		}
		if got.Basis != lifeguard.ErasureRefusalBasis || !strings.Contains(got.Letter("Riverside Primary"), "Article 17(3)(b)") {
			t.Errorf("basis %q; letter:\n%s", got.Basis, got.Letter("Riverside Primary"))
		}
		if _, err := f.db.Child(dsl, *c.ChildID); err != nil {
			t.Errorf("the child's record is gone: %v", err)
		}
	})
	t.Run("recorded in error", func(t *testing.T) {
		wrong := f.report(t, f.staff)
		r := record(t, lifeguard.NewDataRequest{Kind: lifeguard.RequestErase, Target: lifeguard.TargetConcern, ConcernID: wrong.ID})
		if _, err := decide(r, lifeguard.OutcomeApplied, true); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Concern(dsl, wrong.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Facts.Description != "" {
			t.Errorf("the concern recorded in error keeps its words: %q", got.Facts.Description)
		}
	})
	t.Run("preferences", func(t *testing.T) {
		staff := as(ctx, f.staff)
		if _, err := f.db.SetPreferences(staff, lifeguard.Preferences{TextSize: lifeguard.TextLarge, HighVisibility: true}); err != nil {
			t.Fatal(err)
		}
		r, err := f.db.RecordDataRequest(as(ctx, f.admin), lifeguard.NewDataRequest{Kind: lifeguard.RequestErase,
			Target: lifeguard.TargetPreferences, UserID: f.staff.ID, Requester: lifeguard.RequesterSelf, RequesterName: "User 1",
			ReceivedOn: lifeguard.DateOf(f.now()), Reason: "Leaving."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := decide(r, lifeguard.OutcomeApplied, false); err != nil {
			t.Fatal(err)
		}
		p, err := f.db.Preferences(staff)
		if err != nil {
			t.Fatal(err)
		}
		if p.HighVisibility || p.TextSize != lifeguard.TextMedium {
			t.Errorf("preferences after erasure: %+v", p)
		}
	})
	t.Run("bad input", func(t *testing.T) {
		_, err := f.db.RecordDataRequest(dsl, lifeguard.NewDataRequest{Kind: lifeguard.RequestRectify, Target: lifeguard.TargetChildIdentity,
			ChildID: *c.ChildID, Field: "ref", Value: "X", Requester: "cousin", RequesterName: "", ReceivedOn: lifeguard.DateOf(f.now().AddDate(0, 0, 2)),
			Reason: "x"})
		for _, path := range []string{"field", "requester", "requester_name", "received_on"} {
			wantProblem(t, err, path)
		}
		_, err = f.db.StartSubjectAccess(dsl, lifeguard.NewSubjectAccess{Subject: "parent", Verified: "trust"})
		for _, path := range []string{"subject", "verified", "received_on"} {
			wantProblem(t, err, path)
		}
	})
}
