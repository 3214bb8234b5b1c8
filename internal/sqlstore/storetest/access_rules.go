package storetest

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// ruleCase is one operation of the access table (lifeguard.Ops), done by a
// user of each role to a record of the user's own organisation (or
// partnership) that the user did not make.
type ruleCase struct {
	// near is how near the record is to the acting user.
	near lifeguard.Reach
	call func(ctx context.Context, f *fixture, r *ruleRecords) error
}

// ruleRecords are the records the operations act on, all made by others
// than the acting users.
type ruleRecords struct {
	concern, child    int64
	received, pending int64 // transfers from B to A, received by A and not
	receivedChild     int64 // B's child whose file A received
	audit, planAction int64
	fw                *lifeguard.Framework
	referral          int64 // from B to A (referral.go)
	events            int
	capture           int64 // a capture of A
	captures          int
	// policy is A's online-safety policy; staffVersion the version of its
	// staff agreement; visitors its visitors' agreement (issue 17).
	policy, staffVersion, visitors int64
	// teaching is an entry of A's teaching register (h-teaching).
	teaching int64
}

// ruleCases has one case for every operation; testAccessRules fails for an
// operation added to lifeguard.Ops without one.
func ruleCases() map[lifeguard.Op]ruleCase {
	org, part := lifeguard.ReachOrganisation, lifeguard.ReachPartnership
	return map[lifeguard.Op]ruleCase{
		lifeguard.OpRecordConcern: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
			return err
		}},
		lifeguard.OpReadConcern: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Concern(ctx, r.concern)
			return err
		}},
		lifeguard.OpAddToConcern: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.AddNote(ctx, r.concern, "Spoke to the class teacher.")
			return err
		}},
		lifeguard.OpWorkConcern: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.AddAction(ctx, r.concern, lifeguard.NewAction{Title: "Call CSC", Owner: "DSL",
				Due: lifeguard.DateOf(f.now())})
			return err
		}},
		lifeguard.OpFindChild: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.FindChildren(ctx, "C")
			return err
		}},
		lifeguard.OpReadChildIdentity: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			cs, err := f.db.FindChildren(ctx, "")
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.ID == r.child && c.LegalSurname == "Quill" {
					return nil
				}
			}
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "the child was found without its name")
		}},
		// The policy library and agreements (h-registers).
		lifeguard.OpReadPolicies: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Policy(ctx, r.policy)
			return err
		}},
		lifeguard.OpKeepPolicies: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.AddPolicyVersion(ctx, r.policy, lifeguard.NewPolicyVersion{Link: "https://example.org/policy.pdf",
				ApprovedBy: "Governors", ApprovedOn: lifeguard.DateOf(f.now())})
			return err
		}},
		lifeguard.OpAcknowledge: {lifeguard.ReachOwn, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Acknowledge(ctx, r.staffVersion)
			return err
		}},
		lifeguard.OpRecordAgreements: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.RecordAgreements(ctx, r.visitors, []lifeguard.AgreementInput{{Name: "A visiting speaker",
				AgreedOn: lifeguard.DateOf(f.now())}})
			return err
		}},
		lifeguard.OpReadAgreements: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.AgreementStatus(ctx, r.visitors, "")
			return err
		}},
		lifeguard.OpImportChildren: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SetChildIdentity(ctx, r.child, lifeguard.ChildIdentity{LegalSurname: "Quill", RegGroup: "7Q"})
			return err
		}},
		lifeguard.OpMergeChildren: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			other, err := f.db.CreateConcern(as(ctx, f.staff2), lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
			if err != nil {
				return err
			}
			_, err = f.db.MergeChildren(ctx, r.child, *other.ChildID)
			return err
		}},
		lifeguard.OpReadChild: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Child(ctx, r.child)
			return err
		}},
		lifeguard.OpReadReceivedFile: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Chronology(ctx, r.receivedChild)
			return err
		}},
		lifeguard.OpSendChild: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SendTransfer(ctx, r.child, f.orgB.ID, "Moved school", f.now().AddDate(0, 0, 14))
			return err
		}},
		lifeguard.OpReadTransfer: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Transfer(ctx, r.received)
			return err
		}},
		lifeguard.OpReceiveTransfer: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.ReceiveTransfer(ctx, r.pending)
			return err
		}},
		lifeguard.OpReadAudit: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Audits(ctx, f.orgA.ID)
			return err
		}},
		lifeguard.OpReadAuditText: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			list, err := f.db.Audits(ctx, f.orgA.ID)
			if err != nil {
				return err
			}
			if len(list) == 0 || len(list[0].Answers) == 0 || list[0].Answers[0].Comment == "" {
				return lifeguard.Errorf(lifeguard.EFORBIDDEN, "the audit was read without its comments")
			}
			return nil
		}},
		lifeguard.OpWorkAudit: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SaveAuditAnswers(ctx, r.audit, r.fw,
				rateAll(r.fw, f.orgA, func(string) lifeguard.Level { return lifeguard.LevelEstablished })[:1])
			return err
		}},
		lifeguard.OpReadReport: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			now := f.now()
			_, err := f.db.ReportCounts(ctx, lifeguard.ReportQuery{From: lifeguard.DateOf(now.AddDate(0, 0, -30)),
				To:             lifeguard.DateOf(now),
				OrganisationID: f.orgA.ID})
			return err
		}},
		lifeguard.OpReadPlan: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.PlanAction(ctx, r.planAction)
			return err
		}},
		lifeguard.OpChangePlan: {part, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.CreateObjective(ctx, lifeguard.NewObjective{Strand: lifeguard.StrandPrevention,
				Title: "Every school teaches online safety"})
			return err
		}},
		lifeguard.OpReadUser: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.User(ctx, f.staff.ID)
			return err
		}},
		lifeguard.OpAdminister: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Users(ctx)
			return err
		}},
		lifeguard.OpSendFilterEvents: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			r.events++
			_, err := f.db.RecordFilterEvents(ctx, []lifeguard.FilterEvent{
				event(r.events, f.now().Add(-time.Hour), "10.0.0.7", "gambling", "bet.example")})
			return err
		}},
		lifeguard.OpReadFilterPolicy: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.FilterPolicy(ctx, f.orgA.ID)
			return err
		}},
		lifeguard.OpSetFilterPolicy: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SetFilterPolicy(ctx, f.orgA.ID, []byte(`{"groups":{"secondary":{"categories":["gambling"]}}}`))
			return err
		}},
		lifeguard.OpReadFilterAlerts: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.FilterAlerts(ctx, "")
			return err
		}},
		lifeguard.OpReadFilterReviews: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.FilterReviews(ctx, "")
			return err
		}},
		lifeguard.OpReadReminders: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Reminders(ctx)
			return err
		}},
		lifeguard.OpAlertSettings: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.AlertSettings(ctx, f.orgA.ID)
			return err
		}},
		lifeguard.OpSetChildrenCount: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			n := int64(300)
			_, err := f.db.SetChildrenCount(ctx, f.orgA.ID, &n)
			return err
		}},
		lifeguard.OpSendCaptures: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			r.captures++
			_, err := f.db.RecordCaptures(ctx, []lifeguard.NewCapture{capture(7000+r.captures, f.now().Add(-time.Minute),
				"chat.example.org", "nobody likes you")}, testScan)
			return err
		}},
		lifeguard.OpReadMonitorSettings: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.MonitorSettings(ctx, f.orgA.ID)
			return err
		}},
		lifeguard.OpSetMonitorSettings: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SetMonitorSettings(ctx, lifeguard.DefaultMonitorSettings(f.orgA.ID))
			return err
		}},
		lifeguard.OpReviewCaptures: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Capture(ctx, r.capture)
			return err
		}},
		lifeguard.OpSignInProviders: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			r.events++
			_, err := f.db.SaveSignInProvider(ctx, signInProvider(f.orgA.ID, fmt.Sprintf("rule%d.example.org", r.events)))
			return err
		}},
		lifeguard.OpSetLegalHold: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SetLegalHold(ctx, lifeguard.NewLegalHold{ConcernID: r.concern, Basis: lifeguard.HoldPolice, Reason: "Police investigation."})
			return err
		}},
		lifeguard.OpReadLegalHolds: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.LegalHolds(ctx, lifeguard.LegalHoldQuery{ChildID: r.child})
			return err
		}},
		lifeguard.OpReadRetention: {part, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.RetentionDue(ctx, lifeguard.RetentionDueQuery{Until: f.now().AddDate(0, 0, 90)})
			return err
		}},
	}
}

// testAccessRules checks that the store applies the access table of the
// lifeguard package: for every operation and every role, a user of that
// role in organisation A is let through exactly when the rule reaches the
// record, and is otherwise answered EFORBIDDEN or ENOTFOUND. The answers
// themselves (which of the two, and the message) are checked by the
// tables of testAccess and the tests of each store.
func testAccessRules(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	r := f.ruleRecords(t)
	users := map[lifeguard.Role]*lifeguard.User{}
	for _, role := range lifeguard.Roles() {
		users[role] = f.user(t, f.orgA, role)
	}
	cases := ruleCases()
	maps.Copy(cases, referralRuleCases())
	maps.Copy(cases, dataRightsRuleCases())
	maps.Copy(cases, partnershipAccessRuleCases())
	maps.Copy(cases, consentRuleCases())
	maps.Copy(cases, leadRuleCases())
	maps.Copy(cases, preventionRuleCases())
	for _, op := range lifeguard.Ops() {
		c, ok := cases[op]
		if !ok {
			t.Errorf("%q has no case in ruleCases", op)
			continue
		}
		t.Run(string(op), func(t *testing.T) {
			for _, role := range lifeguard.Roles() {
				err := c.call(as(ctx, users[role]), f, r)
				allowed := role.May(op).Covers(c.near)
				switch code := lifeguard.ErrorCode(err); {
				case allowed && (code == lifeguard.EFORBIDDEN || code == lifeguard.ENOTFOUND || code == lifeguard.EUNAUTHORIZED):
					t.Errorf("%s: refused (%v), but the rule lets them", role, err)
				case allowed && err != nil && code != lifeguard.ECONFLICT:
					t.Errorf("%s: %v", role, err)
				case !allowed && code != lifeguard.EFORBIDDEN && code != lifeguard.ENOTFOUND:
					t.Errorf("%s: got %v, want EFORBIDDEN or ENOTFOUND: the rule does not let them", role, err)
				}
			}
		})
	}
}

// ruleRecords makes the records of ruleCases: a concern about a child of
// A reported by staff; a child of B whose file A received and another
// whose transfer to A waits; an audit of A in progress with comments; an
// action of the plan owned by A; a filter policy of A.
func (f *fixture) ruleRecords(t *testing.T) *ruleRecords {
	t.Helper()
	ctx := t.Context()
	c := f.report(t, f.staff)
	r := &ruleRecords{concern: c.ID, child: *c.ChildID, fw: baseline(t)}
	if _, err := f.db.SetChildIdentity(as(ctx, f.dsl), r.child, lifeguard.ChildIdentity{LegalSurname: "Quill"}); err != nil {
		t.Fatal(err)
	}
	due := f.now().AddDate(0, 0, 14)
	for _, id := range []*int64{&r.received, &r.pending} {
		cb := f.report(t, f.staffB)
		x, err := f.db.SendTransfer(as(ctx, f.dslB), *cb.ChildID, f.orgA.ID, "Moved school", due)
		if err != nil {
			t.Fatal(err)
		}
		*id = x.ID
		if id == &r.received {
			r.receivedChild = *cb.ChildID
			if _, err := f.db.ReceiveTransfer(as(ctx, f.dsl), x.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	au, err := f.db.StartAudit(as(ctx, f.manager), r.fw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.SaveAuditAnswers(as(ctx, f.manager), au.ID, r.fw,
		rateAll(r.fw, f.orgA, func(string) lifeguard.Level { return lifeguard.LevelEstablished })); err != nil {
		t.Fatal(err)
	}
	r.audit = au.ID
	o, err := f.db.CreateObjective(as(ctx, f.officer), lifeguard.NewObjective{Strand: lifeguard.StrandProtection,
		Title: "Filtering in every setting"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := f.db.CreatePlanAction(as(ctx, f.officer), o.ID, lifeguard.NewPlanAction{Title: "Check the filter",
		OwnerOrgID: f.orgA.ID, Due: lifeguard.DateOf(due), RAG: lifeguard.RAGAmber})
	if err != nil {
		t.Fatal(err)
	}
	r.planAction = x.ID
	r.referral = f.ruleReferral(t)
	if _, err := f.db.SetFilterPolicy(sys(ctx), f.orgA.ID, []byte(`{"groups":{}}`)); err != nil {
		t.Fatal(err)
	}
	r.capture = f.captureTarget(ctx, t)
	r.policy, r.staffVersion, r.visitors = f.policies(t)
	f.preventionRecords(t, r)
	return r
}

// policies makes, as A's manager, A's online-safety policy, its staff
// agreement and its visitors' agreement, each with a version, and returns
// the policy's id, the staff agreement's version id and the visitors'
// agreement's id.
func (f *fixture) policies(t *testing.T) (policy, staffVersion, visitors int64) {
	t.Helper()
	ctx := as(t.Context(), f.manager)
	v := lifeguard.NewPolicyVersion{Text: "Use the school's devices for school work.", ApprovedBy: "Governors",
		ApprovedOn: lifeguard.DateOf(f.now())}
	var ids [3]int64
	for i, k := range []lifeguard.PolicyKind{lifeguard.PolicyOnlineSafety, lifeguard.AgreementStaff, lifeguard.AgreementVisitors} {
		p, err := f.db.CreatePolicy(ctx, lifeguard.NewPolicy{Kind: k, Title: k.Label()})
		if err != nil {
			t.Fatal(err)
		}
		if p, err = f.db.AddPolicyVersion(ctx, p.ID, v); err != nil {
			t.Fatal(err)
		}
		ids[i] = p.ID
		if k == lifeguard.AgreementStaff {
			ids[i] = p.Versions[0].ID
		}
	}
	return ids[0], ids[1], ids[2]
}
