package storetest

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testRetentionRules follows the schedule's rules for records kept years
// from a date of their own (lifeguard.YearsKinds) through the erasure's
// PruneRecords: each record past its years goes, one within them stays, a
// consent of a held child stays, an audit and its met actions go while
// a recent audit stays, a superseded policy version goes with its
// acknowledgements while the current version always stays, a disabled account is blanked but keeps
// its name and an enabled one is never touched; the board report reads
// the same and the journal verifies.
func testRetentionRules(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	system := sys(ctx)
	sched := lifeguard.ShippedRetentionSchedule()
	mgr := as(ctx, f.manager)
	today := func() lifeguard.Date { return lifeguard.DateOf(f.now()) }

	// The old records, ten years before the erasure runs.
	kids := f.class(t, "7R", 3)
	if _, err := f.db.RecordConsents(mgr, []lifeguard.ConsentChange{
		{ChildID: kids[0], Kind: lifeguard.ConsentImagesPress, Given: true, On: today()},
		{ChildID: kids[1], Kind: lifeguard.ConsentImagesPress, Given: true, On: today()},
		{ChildID: kids[2], Kind: lifeguard.ConsentImagesPress, Given: true, On: today()},
		{ChildID: kids[0], Kind: lifeguard.ConsentInternet, Given: true, On: today()},
	}); err != nil {
		t.Fatal(err)
	}
	// Withdrawn: kids[0]'s and kids[1]'s press consents; kids[1]'s file
	// is on hold. kids[0]'s internet consent stays in force.
	if _, err := f.db.RecordConsents(mgr, []lifeguard.ConsentChange{
		{ChildID: kids[0], Kind: lifeguard.ConsentImagesPress, On: today()},
		{ChildID: kids[1], Kind: lifeguard.ConsentImagesPress, On: today()},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SetLegalHold(as(ctx, f.dsl), lifeguard.NewLegalHold{ChildID: kids[1], Basis: lifeguard.HoldLitigation,
		Reason: "Claim about a photograph."}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordTraining(mgr, lifeguard.NewTraining{UserID: f.staff2.ID, Type: lifeguard.TrainingOnlineSafety,
		Course: "Online safety update", Provider: "In house", CompletedOn: today()}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordTeaching(mgr, teachingIn(f, "5", lifeguard.StrandPrivacy)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordParentContact(mgr, parentIn(f)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordChildSurvey(mgr, surveyIn(f)); err != nil {
		t.Fatal(err)
	}
	answered := f.childAccessRequest(t, ctx, kids[2])
	if _, err := f.db.SubjectAccessBundle(as(ctx, f.dsl), answered.ID, true); err != nil {
		t.Fatal(err)
	}
	open1 := f.childAccessRequest(t, ctx, kids[2]) // never answered: stays
	request := func(child int64, decide bool) int64 {
		t.Helper()
		r, err := f.db.RecordDataRequest(as(ctx, f.dsl), identityRequest(f, child))
		if err != nil {
			t.Fatal(err)
		}
		if decide {
			if _, err := f.db.DecideDataRequest(as(ctx, f.dsl), r.ID, lifeguard.DataDecision{Outcome: lifeguard.OutcomeRefused,
				Reason: "The register shows the name on the birth certificate."}); err != nil {
				t.Fatal(err)
			}
		}
		return r.ID
	}
	decided, undecided, heldRequest := request(kids[2], true), request(kids[2], false), request(kids[1], true)
	left := f.user(t, f.orgA, lifeguard.RoleStaff)
	if _, err := f.db.SetUserDisabled(system, left.ID, true); err != nil {
		t.Fatal(err)
	}
	// Two audits: the first raises improvement actions, the second meets
	// them; then a staff agreement acknowledged and superseded.
	fw := baseline(t)
	audit := func(level lifeguard.Level) int64 {
		t.Helper()
		au, err := f.db.StartAudit(mgr, fw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.SaveAuditAnswers(mgr, au.ID, fw, rateAll(fw, f.orgA, func(string) lifeguard.Level { return level })); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.CompleteAudit(mgr, au.ID, fw, lifeguard.AuditCompletion{Owner: "Head teacher"}); err != nil {
			t.Fatal(err)
		}
		return au.ID
	}
	oldAudits := []int64{audit(2), audit(3)}
	met, err := f.db.ImprovementActions(mgr, f.orgA.ID)
	if err != nil || len(met) == 0 {
		t.Fatalf("improvement actions %d (%v), want some", len(met), err)
	}
	version := lifeguard.NewPolicyVersion{Text: "I use school devices for school work.", ApprovedBy: "Head", ApprovedOn: today()}
	staffAgreement, err := f.db.CreatePolicy(mgr, lifeguard.NewPolicy{Kind: lifeguard.AgreementStaff, Title: "Staff agreement"})
	if err != nil {
		t.Fatal(err)
	}
	if staffAgreement, err = f.db.AddPolicyVersion(mgr, staffAgreement.ID, version); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Acknowledge(as(ctx, f.staff), staffAgreement.Versions[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.AddPolicyVersion(mgr, staffAgreement.ID, version); err != nil {
		t.Fatal(err)
	}

	made := f.now()
	f.clock.Advance(10 * 365 * 24 * time.Hour)

	// The new records, within every period.
	if _, err := f.db.RecordTraining(mgr, lifeguard.NewTraining{UserID: f.staff2.ID, Type: lifeguard.TrainingOnlineSafety,
		Course: "Online safety update", Provider: "In house", CompletedOn: today()}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordTeaching(mgr, teachingIn(f, "6", lifeguard.StrandPrivacy)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordParentContact(mgr, parentIn(f)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RecordChildSurvey(mgr, surveyIn(f)); err != nil {
		t.Fatal(err)
	}
	recent := f.user(t, f.orgA, lifeguard.RoleStaff)
	if _, err := f.db.SetUserDisabled(system, recent.ID, true); err != nil {
		t.Fatal(err)
	}
	recentAudit := audit(3) // read by the board report
	online, err := f.db.CreatePolicy(mgr, lifeguard.NewPolicy{Kind: lifeguard.PolicyOnlineSafety, Title: "Online safety"})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // version 1 superseded within its years
		if _, err := f.db.AddPolicyVersion(mgr, online.ID, version); err != nil {
			t.Fatal(err)
		}
	}

	period := lifeguard.ReportQuery{From: lifeguard.DateOf(f.now().AddDate(-1, 0, 0)), To: today()}
	board := func() *lifeguard.ReportCounts {
		t.Helper()
		r, err := f.db.ReportCounts(as(ctx, f.officer), period)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	before := board()

	step(t, "nothing is due before its years", func(t *testing.T) {
		for _, k := range lifeguard.YearsKinds {
			// A day after the oldest record: none has had its years.
			if n, err := f.db.PruneRecords(system, k, f.now().AddDate(-10, 0, -1), 10); err != nil || n != 0 {
				t.Errorf("%s: pruned %d (%v) ten years less a day on, want 0", k, n, err)
			}
		}
	})

	want := map[lifeguard.RetentionKind]int64{
		lifeguard.RetainConsent: 1, lifeguard.RetainTraining: 1, lifeguard.RetainTeaching: 1,
		lifeguard.RetainParentContact: 1, lifeguard.RetainChildSurvey: 1, lifeguard.RetainSubjectAccess: 1,
		lifeguard.RetainDataRequest: 1, lifeguard.RetainUser: 1,
		lifeguard.RetainAgreement: 1, lifeguard.RetainPolicyVersion: 1,
		lifeguard.RetainImprovement: int64(len(met)), lifeguard.RetainAudit: int64(len(oldAudits)),
	}
	step(t, "the administrator's list names what the job removes", func(t *testing.T) {
		// A day before, the list looking a day ahead: what the job
		// removes today is listed, falling due by today, with its
		// organisation; nothing more of these kinds.
		due, err := f.db.RetentionDue(as(ctx, f.admin), lifeguard.RetentionDueQuery{Until: f.now(), Schedule: sched})
		if err != nil {
			t.Fatal(err)
		}
		got := map[lifeguard.RetentionKind]int64{}
		for _, d := range due {
			k := lifeguard.RetentionKind(d.Kind)
			if _, years := want[k]; !years {
				continue
			}
			got[k]++
			// Each falls due its years after a date of its own, all of
			// them since the old records were made.
			if d.Due.After(f.now()) || !d.Due.After(made) || d.Organisation == "" || d.ID == 0 {
				t.Errorf("%s %d: due %s, organisation %q; want between %s and %s, named", k, d.ID, d.Due, d.Organisation, made, f.now())
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("listed by kind %v, want %v (what the job removes)", got, want)
		}
	})

	step(t, "due records go", func(t *testing.T) {
		for _, k := range lifeguard.YearsKinds {
			n, err := f.db.PruneRecords(system, k, sched.PruneBefore(k, f.now()), 1)
			if err != nil || n != want[k] {
				t.Errorf("%s: pruned %d (%v), want %d", k, n, err, want[k])
			}
		}
		// A second run finds nothing more.
		for _, k := range lifeguard.YearsKinds {
			if n, err := f.db.PruneRecords(system, k, sched.PruneBefore(k, f.now()), 10); err != nil || n != 0 {
				t.Errorf("%s: a second run pruned %d (%v), want 0", k, n, err)
			}
		}
	})

	step(t, "what is not due stays", func(t *testing.T) {
		c0, err := f.db.Consents(as(ctx, f.dsl), kids[0])
		if err != nil || len(c0) != 1 || c0[0].Kind != lifeguard.ConsentInternet {
			t.Errorf("kids[0]'s consents = %+v (%v), want the internet consent in force only", c0, err)
		}
		if c1, err := f.db.Consents(as(ctx, f.dsl), kids[1]); err != nil || len(c1) != 1 {
			t.Errorf("the held child's consents = %+v (%v), want its withdrawn consent kept", c1, err)
		}
		if tr, err := f.db.Trainings(mgr, f.staff2.ID); err != nil || len(tr) != 1 {
			t.Errorf("trainings = %d (%v), want the recent one", len(tr), err)
		}
		if s, err := f.db.ChildSurveys(mgr, 0); err != nil || len(s) != 1 || len(s[0].Questions) != 1 {
			t.Errorf("surveys = %+v (%v), want the recent one with its answers", s, err)
		}
		if p, err := f.db.ParentContacts(mgr, 0); err != nil || len(p) != 1 {
			t.Errorf("parent contacts = %d (%v), want the recent one", len(p), err)
		}
		if _, err := f.db.SubjectAccess(as(ctx, f.dsl), open1.ID); err != nil {
			t.Errorf("the open request: %v, want it kept", err)
		}
		_, err = f.db.SubjectAccess(as(ctx, f.dsl), answered.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		for _, id := range []int64{undecided, heldRequest} {
			if _, err := f.db.DataRequest(as(ctx, f.dsl), id); err != nil {
				t.Errorf("data request %d: %v, want it kept (undecided, or its child held)", id, err)
			}
		}
		_, err = f.db.DataRequest(as(ctx, f.dsl), decided)
		wantCode(t, err, lifeguard.ENOTFOUND)
		for _, id := range oldAudits {
			_, err = f.db.Audit(mgr, id)
			wantCode(t, err, lifeguard.ENOTFOUND)
		}
		if _, err := f.db.Audit(mgr, recentAudit); err != nil {
			t.Errorf("the recent audit: %v, want it kept", err)
		}
		if left, err := f.db.ImprovementActions(mgr, f.orgA.ID); err != nil || len(left) != 0 {
			t.Errorf("improvement actions = %d (%v), want none (all met ten years ago)", len(left), err)
		}
		// The old agreement keeps only its current version, which no
		// years erase; the online-safety policy keeps both.
		for p, n := range map[int64]int{staffAgreement.ID: 1, online.ID: 2} {
			got, err := f.db.Policy(mgr, p)
			if err != nil || len(got.Versions) != n {
				t.Errorf("policy %d has %d versions (%v), want %d", p, len(got.Versions), err, n)
				continue
			}
			if last := got.Versions[len(got.Versions)-1]; last.Number != 2 {
				t.Errorf("policy %d's version kept is %d, want the current one (2)", p, last.Number)
			}
		}
	})

	step(t, "a disabled account keeps its name only", func(t *testing.T) {
		u, err := f.db.User(system, left.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.Name != left.Name || strings.Contains(strings.ToLower(u.Email), "example") || !u.Disabled {
			t.Errorf("the account ten years after it was disabled = %q %q disabled=%v, want its name, no address, disabled",
				u.Name, u.Email, u.Disabled)
		}
		for _, kept := range []*lifeguard.User{recent, f.staff} {
			u, err := f.db.User(system, kept.ID)
			if err != nil || u.Email != kept.Email {
				t.Errorf("account %d = %q (%v), want it as it was (%q)", kept.ID, u.Email, err, kept.Email)
			}
		}
	})

	step(t, "the board report and the journal", func(t *testing.T) {
		if after := board(); !reflect.DeepEqual(before, after) {
			t.Errorf("the board report changed:\n before %+v\n after  %+v", before, after)
		}
		r, err := f.db.VerifyJournal(system)
		if err != nil || r.FirstBroken != 0 {
			t.Fatalf("journal: %+v, %v", r, err)
		}
	})

	step(t, "an enabled account is never erased", func(t *testing.T) {
		// Disabled, then enabled again: its clock stops.
		if _, err := f.db.SetUserDisabled(system, recent.ID, false); err != nil {
			t.Fatal(err)
		}
		if n, err := f.db.PruneRecords(system, lifeguard.RetainUser, f.now().AddDate(1, 0, 0), 10); err != nil || n != 0 {
			t.Errorf("pruned %d enabled accounts (%v), want 0", n, err)
		}
	})
}
