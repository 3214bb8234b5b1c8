package storetest

import (
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testPolicies checks the policy library: an organisation's policies and
// their versions, bad input named, model policies the partnership keeps
// and organisations adopt, and who reads what.
func testPolicies(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := as(t.Context(), f.manager)
	today := lifeguard.DateOf(f.now())
	review := addDays(today, 300)
	v1 := lifeguard.NewPolicyVersion{Text: "Keep passwords private.", ApprovedBy: "Governing board", ApprovedOn: today}

	p, err := f.db.CreatePolicy(ctx, lifeguard.NewPolicy{Kind: lifeguard.PolicyOnlineSafety, Title: "Online safety", ReviewDue: &review})
	if err != nil {
		t.Fatal(err)
	}
	if p.OrganisationID != f.orgA.ID || p.ReviewDue == nil || *p.ReviewDue != review || len(p.Versions) != 0 {
		t.Errorf("created %+v", p)
	}
	_, err = f.db.CreatePolicy(as(t.Context(), f.dsl), lifeguard.NewPolicy{Kind: lifeguard.PolicyOnlineSafety, Title: "Again"})
	wantCode(t, err, cf)

	t.Run("bad input names its field", func(t *testing.T) {
		for _, tc := range []struct {
			in   lifeguard.NewPolicy
			path string
		}{
			{lifeguard.NewPolicy{Kind: "poster", Title: "x"}, "kind"},
			{lifeguard.NewPolicy{Title: "x"}, "kind"},
			{lifeguard.NewPolicy{Kind: lifeguard.AgreementParents, Title: " "}, "title"},
			{lifeguard.NewPolicy{Kind: lifeguard.AgreementPupils, Title: "Pupils"}, "age_group"},
			{lifeguard.NewPolicy{Kind: lifeguard.AgreementParents, Title: "x", AgeGroup: "KS2"}, "age_group"},
			{lifeguard.NewPolicy{Kind: lifeguard.AgreementParents, Title: "x\x00"}, "title"},
			{lifeguard.NewPolicy{Kind: lifeguard.AgreementParents, Title: "x", ReviewDue: &lifeguard.Date{Year: 2027, Month: 2, Day: 30}}, "review_due"},
		} {
			_, err := f.db.CreatePolicy(ctx, tc.in)
			wantProblem(t, err, tc.path)
		}
		for _, tc := range []struct {
			in   lifeguard.NewPolicyVersion
			path string
		}{
			{lifeguard.NewPolicyVersion{ApprovedBy: "x", ApprovedOn: today}, "text"},
			{lifeguard.NewPolicyVersion{Link: "javascript:alert(1)", ApprovedBy: "x", ApprovedOn: today}, "link"},
			{lifeguard.NewPolicyVersion{Link: "https://", ApprovedBy: "x", ApprovedOn: today}, "link"},
			{lifeguard.NewPolicyVersion{Text: "x", ApprovedOn: today}, "approved_by"},
			{lifeguard.NewPolicyVersion{Text: "x", ApprovedBy: "x"}, "approved_on"},
			{lifeguard.NewPolicyVersion{Text: "x\xff", ApprovedBy: "x", ApprovedOn: today}, "text"},
		} {
			_, err := f.db.AddPolicyVersion(ctx, p.ID, tc.in)
			wantProblem(t, err, tc.path)
		}
	})

	t.Run("versions are numbered and the review date moves", func(t *testing.T) {
		if _, err := f.db.AddPolicyVersion(ctx, p.ID, v1); err != nil {
			t.Fatal(err)
		}
		next := addDays(review, 365)
		got, err := f.db.AddPolicyVersion(as(t.Context(), f.dsl), p.ID, lifeguard.NewPolicyVersion{
			Link: "https://school.example/policy-v2.pdf", ApprovedBy: "Head teacher", ApprovedOn: today, ReviewDue: &next})
		if err != nil {
			t.Fatal(err)
		}
		cur, _ := got.Current()
		if len(got.Versions) != 2 || cur.Number != 2 || cur.Link == "" || *got.ReviewDue != next || got.Versions[0].Text != v1.Text {
			t.Errorf("versions %+v", got)
		}
	})

	t.Run("who reads and keeps an organisation's policies", func(t *testing.T) {
		for _, u := range []*lifeguard.User{f.staff, f.dsl, f.manager} {
			if _, err := f.db.Policy(as(t.Context(), u), p.ID); err != nil {
				t.Errorf("%s: %v", u.Role, err)
			}
		}
		for _, u := range []*lifeguard.User{f.officer, f.dslB} {
			_, err := f.db.Policy(as(t.Context(), u), p.ID)
			wantCode(t, err, nf)
			_, err = f.db.Policies(as(t.Context(), u), f.orgA.ID)
			wantCode(t, err, nf)
		}
		_, err := f.db.AddPolicyVersion(as(t.Context(), f.staff), p.ID, v1)
		wantCode(t, err, fb)
		_, err = f.db.CreatePolicy(as(t.Context(), f.staff), lifeguard.NewPolicy{Kind: lifeguard.AgreementParents, Title: "x"})
		wantCode(t, err, fb)
		_, err = f.db.Policy(t.Context(), p.ID)
		wantCode(t, err, ua)
		list, err := f.db.Policies(as(t.Context(), f.staff), f.orgA.ID)
		if err != nil || len(list) != 1 {
			t.Errorf("staff list %d %v", len(list), err)
		}
	})

	t.Run("the partnership's model policy adopted and adapted", func(t *testing.T) {
		off := as(t.Context(), f.officer)
		m, err := f.db.CreatePolicy(off, lifeguard.NewPolicy{Kind: lifeguard.AgreementPupils, AgeGroup: "Key stage 2", Title: "Model KS2 agreement"})
		if err != nil {
			t.Fatal(err)
		}
		if m.OrganisationID != 0 {
			t.Fatalf("model %+v", m)
		}
		_, err = f.db.AdoptPolicy(ctx, m.ID, lifeguard.NewPolicyVersion{ApprovedBy: "Head", ApprovedOn: today})
		wantCode(t, err, cf) // no version yet
		if _, err := f.db.AddPolicyVersion(off, m.ID, lifeguard.NewPolicyVersion{Text: "I ask before I go online.",
			ApprovedBy: "Partnership board", ApprovedOn: today}); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.AddPolicyVersion(ctx, m.ID, v1)
		wantCode(t, err, fb) // the school reads the model, the partnership keeps it
		_, err = f.db.AdoptPolicy(as(t.Context(), f.staff), m.ID, lifeguard.NewPolicyVersion{ApprovedBy: "Head", ApprovedOn: today})
		wantCode(t, err, fb)
		// The officer keeps the models; the partnership team adopts none.
		_, err = f.db.AdoptPolicy(off, m.ID, lifeguard.NewPolicyVersion{ApprovedBy: "Officer", ApprovedOn: today})
		wantCode(t, err, fb)
		own, err := f.db.AdoptPolicy(ctx, m.ID, lifeguard.NewPolicyVersion{ApprovedBy: "Head", ApprovedOn: today})
		if err != nil {
			t.Fatal(err)
		}
		cur, _ := own.Current()
		if own.OrganisationID != f.orgA.ID || own.AdoptedFrom != m.ID || own.AgeGroup != "Key stage 2" ||
			cur.Text != "I ask before I go online." || cur.ApprovedBy != "Head" {
			t.Errorf("adopted %+v", own)
		}
		if _, err := f.db.AdoptPolicy(ctx, m.ID, lifeguard.NewPolicyVersion{ApprovedBy: "Head", ApprovedOn: today}); lifeguard.ErrorCode(err) != cf {
			t.Errorf("adopting twice: %v", err)
		}
		models, err := f.db.Policies(as(t.Context(), f.dslB), 0)
		if err != nil || len(models) != 1 {
			t.Errorf("school B reads the models: %d %v", len(models), err)
		}
		_, err = f.db.Policy(as(t.Context(), f.adminC), m.ID)
		wantCode(t, err, nf)
	})
}

// testAgreements checks the staff agreement acknowledged at sign-in and
// agreements recorded by staff for a class and for visitors.
func testAgreements(t *testing.T, open Opener) {
	f := newFixture(t, open)
	mgr := as(t.Context(), f.manager)
	today := lifeguard.DateOf(f.now())
	v := lifeguard.NewPolicyVersion{Text: "I use school devices for school work.", ApprovedBy: "Head", ApprovedOn: today}

	due, err := f.db.StaffAgreementDue(as(t.Context(), f.staff))
	if err != nil || due != nil {
		t.Fatalf("with no staff agreement: %v %v", due, err)
	}
	sa, err := f.db.CreatePolicy(mgr, lifeguard.NewPolicy{Kind: lifeguard.AgreementStaff, Title: "Staff agreement"})
	if err != nil {
		t.Fatal(err)
	}
	if due, err := f.db.StaffAgreementDue(as(t.Context(), f.staff)); err != nil || due != nil {
		t.Fatalf("a staff agreement with no version is not due: %v %v", due, err)
	}
	if sa, err = f.db.AddPolicyVersion(mgr, sa.ID, v); err != nil {
		t.Fatal(err)
	}
	v1 := sa.Versions[0].ID

	t.Run("staff acknowledge the current version, and again after a new one", func(t *testing.T) {
		ctx := as(t.Context(), f.staff)
		due, err := f.db.StaffAgreementDue(ctx)
		if err != nil || due == nil || due.ID != sa.ID {
			t.Fatalf("due %+v %v", due, err)
		}
		if due, _ := f.db.StaffAgreementDue(as(t.Context(), f.staffB)); due != nil {
			t.Errorf("school B's staff owe school A's agreement")
		}
		g, err := f.db.Acknowledge(ctx, v1)
		if err != nil || g.UserID != f.staff.ID || g.AgreedOn != today {
			t.Fatalf("acknowledged %+v %v", g, err)
		}
		again, err := f.db.Acknowledge(ctx, v1)
		if err != nil || again.ID != g.ID {
			t.Errorf("acknowledging twice: %+v %v", again, err)
		}
		if due, _ := f.db.StaffAgreementDue(ctx); due != nil {
			t.Errorf("still due after acknowledging")
		}
		_, err = f.db.Acknowledge(as(t.Context(), f.staffB), v1)
		wantCode(t, err, nf)
		_, err = f.db.Acknowledge(sys(t.Context()), v1)
		wantCode(t, err, fb)
		sa2, err := f.db.AddPolicyVersion(mgr, sa.ID, v)
		if err != nil {
			t.Fatal(err)
		}
		if due, _ := f.db.StaffAgreementDue(ctx); due == nil {
			t.Fatalf("a new version is not due")
		}
		_, err = f.db.Acknowledge(ctx, v1)
		wantCode(t, err, cf) // the old version is not enough
		if _, err := f.db.Acknowledge(ctx, sa2.Versions[1].ID); err != nil {
			t.Fatal(err)
		}
		st, err := f.db.AgreementStatus(mgr, sa.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if st.Version.Number != 2 || len(st.Agreed) != 1 || st.Agreed[0].UserID != f.staff.ID || len(st.Missing) < 3 {
			t.Errorf("status agreed %+v missing %d", st.Agreed, len(st.Missing))
		}
		_, err = f.db.AgreementStatus(ctx, sa.ID, "")
		wantCode(t, err, fb)
	})

	t.Run("a class's agreements recorded by staff, and who has not agreed", func(t *testing.T) {
		pa, err := f.db.CreatePolicy(mgr, lifeguard.NewPolicy{Kind: lifeguard.AgreementPupils, AgeGroup: "KS3", Title: "Pupils"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.db.RecordAgreements(as(t.Context(), f.staff), pa.ID, []lifeguard.AgreementInput{{ChildID: 1, AgreedOn: today}})
		wantCode(t, err, cf) // no version yet
		if _, err := f.db.AddPolicyVersion(mgr, pa.ID, v); err != nil {
			t.Fatal(err)
		}
		var kids []int64
		for i, name := range []string{"Ada", "Ben", "Cal"} {
			c := f.report(t, f.staff)
			group := "7Q"
			if i == 2 {
				group = "7R"
			}
			if _, err := f.db.SetChildIdentity(as(t.Context(), f.dsl), *c.ChildID, lifeguard.ChildIdentity{
				LegalForename: name, LegalSurname: "Quill", RegGroup: group}); err != nil {
				t.Fatal(err)
			}
			kids = append(kids, *c.ChildID)
		}
		other := f.report(t, f.staffB)
		staff := as(t.Context(), f.staff)
		for _, tc := range []struct {
			in   lifeguard.AgreementInput
			path string
		}{
			{lifeguard.AgreementInput{ChildID: *other.ChildID, AgreedOn: today}, "agreements[0].child_id"},
			{lifeguard.AgreementInput{ChildID: 99999, AgreedOn: today}, "agreements[0].child_id"},
			{lifeguard.AgreementInput{ChildID: kids[0]}, "agreements[0].agreed_on"},
			{lifeguard.AgreementInput{ChildID: kids[0], AgreedOn: addDays(today, 2)}, "agreements[0].agreed_on"},
			{lifeguard.AgreementInput{ChildID: kids[0], Name: "Visitor", AgreedOn: today}, "agreements[0].name"},
		} {
			_, err := f.db.RecordAgreements(staff, pa.ID, []lifeguard.AgreementInput{tc.in})
			wantProblem(t, err, tc.path)
		}
		_, err = f.db.RecordAgreements(staff, pa.ID, nil)
		wantProblem(t, err, "agreements")
		_, err = f.db.RecordAgreements(as(t.Context(), f.dslB), pa.ID, []lifeguard.AgreementInput{{ChildID: kids[0], AgreedOn: today}})
		wantCode(t, err, nf)
		_, err = f.db.RecordAgreements(as(t.Context(), f.officer), pa.ID, []lifeguard.AgreementInput{{ChildID: kids[0], AgreedOn: today}})
		wantCode(t, err, nf)
		before := journalLen(t, f.db)
		n, err := f.db.RecordAgreements(staff, pa.ID, []lifeguard.AgreementInput{{ChildID: kids[0], AgreedOn: today},
			{ChildID: kids[1], AgreedOn: today}})
		if err != nil || n != 2 {
			t.Fatalf("recorded %d %v", n, err)
		}
		if n, _ := f.db.RecordAgreements(staff, pa.ID, []lifeguard.AgreementInput{{ChildID: kids[0], AgreedOn: today}}); n != 0 {
			t.Errorf("recorded again: %d", n)
		}
		if journalLen(t, f.db) != before+1 {
			t.Errorf("the agreements recorded for children are not journaled once")
		}
		_, err = f.db.AgreementStatus(staff, pa.ID, "")
		wantCode(t, err, fb) // staff see one class at a time, to record it
		st, err := f.db.AgreementStatus(staff, pa.ID, "7Q")
		if err != nil {
			t.Fatal(err)
		}
		var agreed []string
		for _, x := range st.Agreed {
			agreed = append(agreed, x.Name)
		}
		if len(st.Agreed) != 2 || len(st.Missing) != 0 || agreed[0] != "Ada Quill" {
			t.Errorf("7Q: agreed %v, missing %+v", agreed, st.Missing)
		}
		all, err := f.db.AgreementStatus(as(t.Context(), f.dsl), pa.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, x := range all.Missing {
			if x.ChildID == kids[2] && x.Name == "Cal Quill" && x.RegGroup == "7R" {
				found = true
			}
		}
		if !found {
			t.Errorf("Cal in 7R is not missing: %+v", all.Missing)
		}
		_, err = f.db.AgreementStatus(as(t.Context(), f.dsl), pa.ID, "7\x00Q")
		wantProblem(t, err, "reg_group")
	})

	t.Run("visitors by name and date; the staff agreement is not recorded for others", func(t *testing.T) {
		va, err := f.db.CreatePolicy(mgr, lifeguard.NewPolicy{Kind: lifeguard.AgreementVisitors, Title: "Visitors"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.AddPolicyVersion(mgr, va.ID, v); err != nil {
			t.Fatal(err)
		}
		_, err = f.db.RecordAgreements(as(t.Context(), f.staff), va.ID, []lifeguard.AgreementInput{{Name: " ", AgreedOn: today}})
		wantProblem(t, err, "agreements[0].name")
		if _, err := f.db.RecordAgreements(as(t.Context(), f.staff), va.ID, []lifeguard.AgreementInput{
			{Name: "Visiting author", AgreedOn: today}}); err != nil {
			t.Fatal(err)
		}
		st, err := f.db.AgreementStatus(mgr, va.ID, "")
		if err != nil || len(st.Agreed) != 1 || st.Agreed[0].Name != "Visiting author" {
			t.Errorf("visitors %+v %v", st, err)
		}
		_, err = f.db.RecordAgreements(as(t.Context(), f.staff), sa.ID, []lifeguard.AgreementInput{{Name: "x", AgreedOn: today}})
		wantCode(t, err, cf)
	})
	t.Run("the figures the self-audit shows, counts only", func(t *testing.T) {
		fig, err := f.db.PolicyFigures(as(t.Context(), f.officer), f.orgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fig.StaffVersion != 2 || fig.StaffAgreed != 1 || fig.StaffTotal < 4 || fig.PupilAgreements != 1 ||
			fig.ChildrenAgreed != 2 || fig.ChildrenOnRoll < 3 || fig.Policy != 0 {
			t.Errorf("figures %+v", fig)
		}
		_, err = f.db.PolicyFigures(as(t.Context(), f.staff), f.orgA.ID)
		wantCode(t, err, fb)
		_, err = f.db.PolicyFigures(as(t.Context(), f.dslB), f.orgA.ID)
		wantCode(t, err, nf)
	})
}

// addDays is d moved n days on the calendar.
func addDays(d lifeguard.Date, n int) lifeguard.Date {
	return lifeguard.DateOf(d.In(time.UTC).AddDate(0, 0, n))
}

// testPolicyReminders checks the reminders of policy reviews: raised once
// per policy, review date and kind, shown to the organisation's keepers,
// dismissed by them.
func testPolicyReminders(t *testing.T, open Opener) {
	f := newFixture(t, open)
	mgr := as(t.Context(), f.manager)
	today := lifeguard.DateOf(f.now())
	for i, days := range []int{10, -3, 60} {
		review := addDays(today, days)
		kind := []lifeguard.PolicyKind{lifeguard.PolicyOnlineSafety, lifeguard.AgreementStaff, lifeguard.AgreementParents}[i]
		if _, err := f.db.CreatePolicy(mgr, lifeguard.NewPolicy{Kind: kind, Title: kind.Label(), ReviewDue: &review}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := f.db.RaisePolicyReminders(mgr, today)
	wantCode(t, err, fb)
	n, err := f.db.RaisePolicyReminders(sys(t.Context()), today)
	if err != nil || n != 2 {
		t.Fatalf("raised %d %v, want 2", n, err)
	}
	if n, _ := f.db.RaisePolicyReminders(sys(t.Context()), today); n != 0 {
		t.Errorf("raised again: %d", n)
	}
	rs, err := f.db.PolicyReminders(as(t.Context(), f.dsl))
	if err != nil || len(rs) != 2 || rs[0].Kind != lifeguard.ReminderOverdue || rs[1].Kind != lifeguard.ReminderDueSoon {
		t.Fatalf("reminders %+v %v", rs, err)
	}
	_, err = f.db.PolicyReminders(as(t.Context(), f.staff))
	wantCode(t, err, fb)
	if rs, err := f.db.PolicyReminders(as(t.Context(), f.dslB)); err != nil || len(rs) != 0 {
		t.Errorf("school B sees %d %v", len(rs), err)
	}
	wantCode(t, f.db.DismissPolicyReminder(as(t.Context(), f.dslB), rs[0].ID), nf)
	wantCode(t, f.db.DismissPolicyReminder(as(t.Context(), f.staff), rs[0].ID), fb)
	if err := f.db.DismissPolicyReminder(mgr, rs[0].ID); err != nil {
		t.Fatal(err)
	}
	if left, _ := f.db.PolicyReminders(mgr); len(left) != 1 {
		t.Errorf("%d left after dismissing one", len(left))
	}
	// The due-soon review passes: an overdue reminder is raised for it.
	if n, _ := f.db.RaisePolicyReminders(sys(t.Context()), addDays(today, 11)); n != 1 {
		t.Errorf("raised %d when the review passed, want 1", n)
	}
}
