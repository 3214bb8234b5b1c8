package storetest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Referrals (issue 16): a school (A) sends a route of a concern to the
// agency the partnership's directory names (B, marked as social care's
// front door); B acknowledges, asks, decides; A is told. A third
// organisation of the same partnership (X) and one of another partnership
// see nothing.

// referralWorld is a directory, a third organisation, and users of every
// role of both sides.
type referralWorld struct {
	orgX     *lifeguard.Organisation
	dslX     *lifeguard.User
	managerB *lifeguard.User
	lado     *lifeguard.Organisation
	dslLADO  *lifeguard.User
}

func (f *fixture) referralWorld(t *testing.T) referralWorld {
	t.Helper()
	ctx := sys(t.Context())
	w := referralWorld{orgX: f.org(t, f.p1, "Brookside School", "school")}
	w.dslX = f.user(t, w.orgX, lifeguard.RoleDSL)
	w.managerB = f.user(t, f.orgB, lifeguard.RoleManager)
	w.lado = f.org(t, f.p1, "Northshire LADO", "childrens_social_care")
	w.dslLADO = f.user(t, w.lado, lifeguard.RoleDSL)
	for route, org := range map[lifeguard.RouteCode]int64{"CSC_REFERRAL": f.orgB.ID, "POLICE_101": f.orgA.ID,
		"LADO_REFERRAL": w.lado.ID} {
		if err := f.db.SetReferralReceiver(ctx, f.p1.ID, route, org); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// sendReferral reports a concern as staff and sends its CSC_REFERRAL to B
// as A's DSL, with every part.
func (f *fixture) sendReferral(t *testing.T) (*lifeguard.Concern, *lifeguard.Referral) {
	t.Helper()
	c := f.report(t, f.staff)
	r, err := f.db.SendReferral(as(t.Context(), f.dsl), lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "CSC_REFERRAL",
		Parts: lifeguard.ReferralParts{Words: true, Decisions: true, Child: true, Chronology: true}})
	if err != nil {
		t.Fatal(err)
	}
	return c, r
}

// referralRuleCases are the rule cases (access_rules.go) of the referral
// operations. The records: r.referral is a referral from B to A.
func referralRuleCases() map[lifeguard.Op]ruleCase {
	org, part := lifeguard.ReachOrganisation, lifeguard.ReachPartnership
	return map[lifeguard.Op]ruleCase{
		lifeguard.OpSendReferral: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.SendReferral(ctx, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: r.concern, Route: "CSC_REFERRAL"})
			return err
		}},
		lifeguard.OpReadReferral: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.Referral(ctx, r.referral)
			return err
		}},
		lifeguard.OpAnswerReferral: {org, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			_, err := f.db.AddReferralMessage(ctx, r.referral, lifeguard.MessageRequest, "Which class is the child in?")
			return err
		}},
		lifeguard.OpKeepDirectory: {part, func(ctx context.Context, f *fixture, r *ruleRecords) error {
			return f.db.SetReferralReceiver(ctx, 0, "EARLY_HELP", f.orgB.ID)
		}},
	}
}

// ruleReferral makes the directory and a referral from B to A for the rule
// cases.
func (f *fixture) ruleReferral(t *testing.T) int64 {
	t.Helper()
	ctx := t.Context()
	for route, org := range map[lifeguard.RouteCode]int64{"CSC_REFERRAL": f.orgB.ID, "POLICE_101": f.orgA.ID} {
		if err := f.db.SetReferralReceiver(sys(ctx), f.p1.ID, route, org); err != nil {
			t.Fatal(err)
		}
	}
	c, err := f.db.CreateConcern(as(ctx, f.staffB), lifeguard.NewConcern{Facts: facts(f.now()),
		Triage: f.triage(route{"POLICE_101", time.Hour})})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.db.SendReferral(as(ctx, f.dslB), lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "POLICE_101"})
	if err != nil {
		t.Fatal(err)
	}
	return r.ID
}

// testReferralAccess runs every referral operation as every role of both
// organisations, a DSL of a third organisation, the partnership team, the
// system and nobody.
func testReferralAccess(t *testing.T, open Opener) {
	f := newFixture(t, open)
	w := f.referralWorld(t)
	who := []string{"staff", "manager", "dsl", "staffB", "managerB", "dslB", "dslX", "officer", "admin", "adminC",
		"system", "none"}
	users := map[string]*lifeguard.User{"staff": f.staff, "manager": f.manager, "dsl": f.dsl, "staffB": f.staffB,
		"managerB": w.managerB, "dslB": f.dslB, "dslX": w.dslX, "officer": f.officer, "admin": f.admin, "adminC": f.adminC}
	ctxFor := func(ctx context.Context, role string) context.Context {
		switch role {
		case "system":
			return sys(ctx)
		case "none":
			return ctx
		}
		return as(ctx, users[role])
	}
	type target struct{ concern, referral int64 }
	fresh := func(t *testing.T) target {
		c, r := f.sendReferral(t)
		return target{c.ID, r.ID}
	}
	// A fresh concern for each send, whose route is not yet sent.
	cases := []struct {
		op      string
		want    []string // in the order of who
		mutates bool
		call    func(ctx context.Context, tg target) error
	}{
		{"SendReferral", []string{fb, nf, ok, nf, nf, nf, nf, nf, nf, nf, ok, ua}, true, func(ctx context.Context, tg target) error {
			c := f.report(t, f.staff)
			_, err := f.db.SendReferral(ctx, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "CSC_REFERRAL"})
			return err
		}},
		{"Referral", []string{fb, fb, ok, fb, fb, ok, nf, nf, nf, nf, ok, ua}, false, func(ctx context.Context, tg target) error {
			_, err := f.db.Referral(ctx, tg.referral)
			return err
		}},
		{"Referrals", []string{fb, fb, ok, fb, fb, ok, ok, fb, fb, fb, ok, ua}, false, func(ctx context.Context, tg target) error {
			_, err := f.db.Referrals(ctx)
			return err
		}},
		{"ConcernReferrals", []string{fb, nf, ok, nf, nf, nf, nf, nf, nf, nf, ok, ua}, false, func(ctx context.Context, tg target) error {
			// staff reported the concern: they may read it, not its referrals.
			_, err := f.db.ConcernReferrals(ctx, tg.concern)
			return err
		}},
		{"AcknowledgeReferral", []string{fb, fb, fb, fb, fb, ok, nf, nf, nf, nf, ok, ua}, true, func(ctx context.Context, tg target) error {
			_, err := f.db.AcknowledgeReferral(ctx, tg.referral)
			return err
		}},
		{"AnswerReferral", []string{fb, fb, fb, fb, fb, ok, nf, nf, nf, nf, ok, ua}, true, func(ctx context.Context, tg target) error {
			_, err := f.db.AnswerReferral(ctx, tg.referral, lifeguard.ReferralAnswer{Outcome: "section_17"})
			return err
		}},
		{"ConsiderReferral", []string{fb, fb, fb, fb, fb, inv, nf, nf, nf, nf, inv, ua}, true, func(ctx context.Context, tg target) error {
			_, err := f.db.ConsiderReferral(ctx, tg.referral, true)
			return err
		}},
		{"RequestMore", []string{fb, fb, fb, fb, fb, ok, nf, nf, nf, nf, ok, ua}, true, func(ctx context.Context, tg target) error {
			_, err := f.db.AddReferralMessage(ctx, tg.referral, lifeguard.MessageRequest, "Which class?")
			return err
		}},
		{"Reply", []string{fb, fb, ok, fb, fb, fb, nf, nf, nf, nf, ok, ua}, true, func(ctx context.Context, tg target) error {
			if _, err := f.db.AddReferralMessage(as(t.Context(), f.dslB), tg.referral, lifeguard.MessageRequest,
				"Which class?"); err != nil {
				return err
			}
			_, err := f.db.AddReferralMessage(ctx, tg.referral, lifeguard.MessageReply, "Year 8.")
			return err
		}},
		{"ReferralDirectory", []string{fb, fb, ok, fb, fb, ok, ok, ok, ok, ok, ok, ua}, false, func(ctx context.Context, tg target) error {
			_, err := f.db.ReferralDirectory(ctx)
			return err
		}},
		{"SetReferralReceiver", []string{fb, fb, fb, fb, fb, fb, fb, ok, ok, fb, ok, ua}, true, func(ctx context.Context, tg target) error {
			return f.db.SetReferralReceiver(ctx, f.p1.ID, "CSC_REFERRAL", f.orgB.ID)
		}},
	}
	shared := fresh(t)
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) {
			if len(c.want) != len(who) {
				t.Fatalf("case has %d codes for %d roles", len(c.want), len(who))
			}
			for i, role := range who {
				tg := shared
				if c.mutates {
					tg = fresh(t)
				}
				err := c.call(ctxFor(t.Context(), role), tg)
				if got := lifeguard.ErrorCode(err); got != c.want[i] {
					t.Errorf("%s as %s: code %q, want %q (err: %v)", c.op, role, got, c.want[i], err)
				}
			}
		})
	}

	// The third organisation's DSL: a referral answers as one that does
	// not exist, with the same message, and their list holds none of it.
	t.Run("ThirdOrganisationSeesNothing", func(t *testing.T) {
		ctx := as(t.Context(), w.dslX)
		_, errReal := f.db.Referral(ctx, shared.referral)
		_, errNone := f.db.Referral(ctx, 1<<40)
		if errReal == nil || errNone == nil || errReal.Error() != errNone.Error() {
			t.Errorf("a referral of others answers %v; one that does not exist %v", errReal, errNone)
		}
		rs, err := f.db.Referrals(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 0 {
			t.Errorf("the third organisation lists %d referrals", len(rs))
		}
	})
}

// testReferrals follows one referral from the school to the front door's
// decision, and checks what each side sees and what is journaled.
func testReferrals(t *testing.T, open Opener) {
	f := newFixture(t, open)
	f.referralWorld(t)
	ctx := t.Context()
	A, B := as(ctx, f.dsl), as(ctx, f.dslB)
	c := f.report(t, f.staff)
	if _, err := f.db.AddDecision(A, c.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: lifeguard.DecisionDone,
		Reference: "MASH-1"}); err != nil {
		t.Fatal(err)
	}
	phoned := f.now().Add(-10 * time.Minute)
	// The front door's case system listens for new referrals.
	hook, err := f.db.CreateWebhook(sys(ctx), lifeguard.NewWebhook{OrganisationID: f.orgB.ID,
		URL: "https://casesystem.example.org/hook", Events: []lifeguard.AlertKind{lifeguard.AlertReferral}})
	if err != nil {
		t.Fatal(err)
	}
	seq := journalLen(t, f.db)
	var r *lifeguard.Referral
	step(t, "Send", func(t *testing.T) {
		var err error
		r, err = f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "CSC_REFERRAL",
			Parts: lifeguard.ReferralParts{Decisions: true, Child: true}, PhonedAt: &phoned, PhoneNote: "Duty social worker"})
		if err != nil {
			t.Fatal(err)
		}
		if r.ToOrgID != f.orgB.ID || r.Status != lifeguard.ReferralSent || r.Agency != lifeguard.AgencySocialCare {
			t.Errorf("sent %+v", r)
		}
		if r.PhonedAt == nil || r.PhonedAt.Unix() != phoned.Unix() {
			t.Errorf("phoned at %v, want %v", r.PhonedAt, phoned)
		}
		_, err = f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "CSC_REFERRAL"})
		wantCode(t, err, lifeguard.ECONFLICT)
	})
	step(t, "ReceiverSeesTheSnapshotOnly", func(t *testing.T) {
		// Words not chosen: the description stays behind; the facts go.
		if _, err := f.db.UpdateFacts(A, c.ID, facts(f.now()), f.defaultTriage()); err != nil {
			t.Fatal(err)
		}
		got, err := f.db.Referral(B, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ConcernID != 0 {
			t.Errorf("the receiver is told the referrer's concern id %d", got.ConcernID)
		}
		s := got.Snapshot
		if s == nil || s.Words != "" || s.Facts.Description != "" {
			t.Fatalf("the words were sent without being chosen: %+v", s)
		}
		if len(s.Facts.ConcernTypes) == 0 || s.Child == nil || s.Child.Ref == "" || s.Child.ID != 0 {
			t.Errorf("snapshot facts %v child %+v", s.Facts.ConcernTypes, s.Child)
		}
		if len(s.Decisions) != 1 || s.Decisions[0].Reference != "MASH-1" || len(s.Chronology) != 0 {
			t.Errorf("snapshot decisions %+v chronology %d", s.Decisions, len(s.Chronology))
		}
		// The receiver reads none of the referrer's records.
		_, err = f.db.Concern(B, c.ID)
		wantCode(t, err, lifeguard.ENOTFOUND)
		_, err = f.db.Child(B, *c.ChildID)
		wantCode(t, err, lifeguard.ENOTFOUND)
	})
	step(t, "AlertsCarryIDsOnly", func(t *testing.T) {
		ms, err := f.db.OutboxMessages(sys(ctx), lifeguard.OutboxFilter{Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var toB, called bool
		for _, m := range ms {
			if m.Kind != lifeguard.AlertReferral || m.RecordID != r.ID {
				continue
			}
			toB = toB || m.UserID == f.dslB.ID
			called = called || m.WebhookID == hook.ID
			if m.ConcernID != 0 || m.OrganisationID != f.orgB.ID {
				t.Errorf("the receiver's alert names the referrer's concern %d or organisation %d", m.ConcernID, m.OrganisationID)
			}
		}
		if !toB || !called {
			t.Errorf("B's DSL alerted %t, B's webhook called %t", toB, called)
		}
	})
	step(t, "AcknowledgeAskReplyDecide", func(t *testing.T) {
		f.clock.Advance(30 * time.Minute)
		got, err := f.db.AcknowledgeReferral(B, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.AcknowledgedAt == nil || got.Status != lifeguard.ReferralAcknowledged {
			t.Errorf("acknowledged: %+v", got)
		}
		_, err = f.db.AcknowledgeReferral(B, r.ID)
		wantCode(t, err, lifeguard.ECONFLICT)
		if _, err := f.db.AddReferralMessage(B, r.ID, lifeguard.MessageRequest, "Is there a sibling at the school?"); err != nil {
			t.Fatal(err)
		}
		got, err = f.db.AddReferralMessage(A, r.ID, lifeguard.MessageReply, "Yes, in year 3.")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != lifeguard.ReferralAcknowledged || len(got.Messages) != 2 {
			t.Errorf("after the reply: status %s, %d messages", got.Status, len(got.Messages))
		}
		_, err = f.db.AnswerReferral(B, r.ID, lifeguard.ReferralAnswer{Outcome: "substantiated"})
		wantProblem(t, err, "outcome")
		got, err = f.db.AnswerReferral(B, r.ID, lifeguard.ReferralAnswer{Outcome: "section_47", Note: "Strategy held."})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != lifeguard.ReferralDecided || got.DecidedAt == nil || got.Outcome != "section_47" {
			t.Errorf("decided: %+v", got)
		}
		_, err = f.db.AnswerReferral(B, r.ID, lifeguard.ReferralAnswer{Outcome: "section_17"})
		wantCode(t, err, lifeguard.ECONFLICT)
	})
	step(t, "ReferrerSeesTheAnswer", func(t *testing.T) {
		got, err := f.db.Referral(A, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != "section_47" || got.DecisionNote != "Strategy held." || got.ConcernID != c.ID {
			t.Errorf("the referrer sees %+v", got)
		}
		rs, err := f.db.ConcernReferrals(A, c.ID)
		if err != nil || len(rs) != 1 {
			t.Fatalf("concern referrals %v, %v", rs, err)
		}
		ms, err := f.db.OutboxMessages(sys(ctx), lifeguard.OutboxFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var told bool
		for _, m := range ms {
			told = told || m.Kind == lifeguard.AlertReferralAnswer && m.UserID == f.dsl.ID && m.RecordID == r.ID
		}
		if !told {
			t.Error("A's DSL was not alerted of the answer")
		}
	})
	step(t, "TheJourneyInTheReport", func(t *testing.T) {
		day := lifeguard.DateOf(f.now())
		q := lifeguard.ReportQuery{From: lifeguard.DateOf(f.now().AddDate(0, 0, -1)), To: day}
		board, err := f.db.ReportCounts(as(ctx, f.officer), q)
		if err != nil {
			t.Fatal(err)
		}
		q.OrganisationID = f.orgA.ID
		own, err := f.db.ReportCounts(A, q)
		if err != nil {
			t.Fatal(err)
		}
		for name, rc := range map[string]*lifeguard.ReportCounts{"board": board, "school": own} {
			if len(rc.Referrals) != 1 {
				t.Fatalf("%s: referrals %+v", name, rc.Referrals)
			}
			x := rc.Referrals[0]
			if x.Route != "CSC_REFERRAL" || x.Sent != 1 || x.Acknowledged != 1 || x.AckOnTime != 1 || x.Decided != 1 ||
				x.DecidedOnTime != 1 || len(x.Outcomes) != 1 || x.Outcomes[0] != (lifeguard.Tally{Key: "section_47", N: 1}) ||
				len(x.AckBands) != 1 || x.AckBands[0].Key != "30" {
				t.Errorf("%s: %+v", name, x)
			}
		}
		// The front door sent nothing: its own report has no referrals.
		q.OrganisationID = f.orgB.ID
		theirs, err := f.db.ReportCounts(B, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(theirs.Referrals) != 0 {
			t.Errorf("the front door's own report counts %+v", theirs.Referrals)
		}
	})
	step(t, "JournaledOnBothSides", func(t *testing.T) {
		var fromA, fromB, disclosed int
		for _, e := range journalAfter(t, f.db, seq) {
			b, _ := json.Marshal(e)
			if strings.Contains(string(b), "A stranger asked") || strings.Contains(string(b), "sibling") {
				t.Errorf("journal entry %d holds the text: %s", e.Seq, b)
			}
			if e.Record == "referral" && e.RecordID == r.ID {
				switch e.OrganisationID {
				case f.orgA.ID:
					fromA++
				case f.orgB.ID:
					fromB++
				}
			}
			if e.Record == "concern" && e.RecordID == c.ID && strings.Contains(e.Detail, "referral=") {
				disclosed++
			}
		}
		if fromA < 3 || fromB < 4 || disclosed < 2 {
			t.Errorf("journal: %d entries by A, %d by B, %d against the concern", fromA, fromB, disclosed)
		}
	})
}

// testReferralLADO follows an allegation about a member of staff to the
// LADO: initial consideration, the employer's actions, the outcome, and
// the retention category.
func testReferralLADO(t *testing.T, open Opener) {
	f := newFixture(t, open)
	w := f.referralWorld(t)
	ctx := t.Context()
	A, L := as(ctx, f.dsl), as(ctx, w.dslLADO)
	fx := facts(f.now())
	fx.ConcernTypes, fx.Child, fx.ChildRole = []lifeguard.ConcernType{"staff_conduct"}, nil, ""
	fx.Staff = lifeguard.Staff{PrivateContact: true, Unsuitable: true}
	c, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: fx,
		Triage: f.triage(route{"LADO_REFERRAL", time.Hour})})
	if err != nil {
		t.Fatal(err)
	}
	r, err := f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "LADO_REFERRAL",
		Parts: lifeguard.ReferralParts{Words: true}})
	if err != nil {
		t.Fatal(err)
	}
	if r.ToOrgID != w.lado.ID || r.Retention != lifeguard.RetentionAllegation || r.Agency != lifeguard.AgencyLADO {
		t.Fatalf("sent %+v", r)
	}
	_, err = f.db.AnswerReferral(L, r.ID, lifeguard.ReferralAnswer{Outcome: "substantiated"})
	wantProblem(t, err, "outcome") // not yet considered
	if _, err := f.db.ConsiderReferral(L, r.ID, true); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.AddReferralMessage(L, r.ID, lifeguard.MessageEmployerAction, "Suspended pending the enquiry.")
	if err != nil {
		t.Fatal(err)
	}
	if got.HarmThresholdMet == nil || !*got.HarmThresholdMet || got.ConsideredAt == nil {
		t.Errorf("considered: %+v", got)
	}
	_, err = f.db.AnswerReferral(L, r.ID, lifeguard.ReferralAnswer{Outcome: lifeguard.OutcomeThresholdNotMet})
	wantProblem(t, err, "outcome")
	if got, err = f.db.AnswerReferral(L, r.ID, lifeguard.ReferralAnswer{Outcome: "unsubstantiated"}); err != nil {
		t.Fatal(err)
	}
	if got.Outcome != "unsubstantiated" || len(got.Messages) != 1 || got.Messages[0].Kind != lifeguard.MessageEmployerAction {
		t.Errorf("decided %+v", got)
	}
	// An employer's action is the LADO's only.
	_, err = f.db.AddReferralMessage(A, r.ID, lifeguard.MessageEmployerAction, "x")
	wantCode(t, err, lifeguard.EFORBIDDEN)
}

// testReferralInputs checks that bad input is refused naming its field.
// Bad text in every referral input is in the shared table (text.go).
func testReferralInputs(t *testing.T, open Opener) {
	f := newFixture(t, open)
	f.referralWorld(t)
	ctx := t.Context()
	A, B := as(ctx, f.dsl), as(ctx, f.dslB)
	c, r := f.sendReferral(t)
	unsent := f.report(t, f.staff)
	future := f.now().Add(time.Hour)
	cases := []struct {
		name, path string
		call       func() error
	}{
		{"NoDueBy", "due_by", func() error {
			_, err := f.db.SendReferral(A, lifeguard.NewReferral{ConcernID: unsent.ID, Route: "CSC_REFERRAL"})
			return err
		}},
		{"NoRoute", "route", func() error {
			_, err := f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID})
			return err
		}},
		{"RouteNotReferred", "route", func() error {
			_, err := f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "ADVICE_PARENTS"})
			return err
		}},
		{"RouteNotOfTheConcern", "route", func() error {
			_, err := f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: c.ID, Route: "LADO_REFERRAL"})
			return err
		}},
		{"PhonedInTheFuture", "phoned_at", func() error {
			_, err := f.db.SendReferral(A, lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: f.report(t, f.staff).ID, Route: "CSC_REFERRAL",
				PhonedAt: &future})
			return err
		}},
		{"UnknownOutcome", "outcome", func() error {
			_, err := f.db.AnswerReferral(B, r.ID, lifeguard.ReferralAnswer{Outcome: "maybe"})
			return err
		}},
		{"NoOutcome", "outcome", func() error {
			_, err := f.db.AnswerReferral(B, r.ID, lifeguard.ReferralAnswer{})
			return err
		}},
		{"EmptyMessage", "text", func() error {
			_, err := f.db.AddReferralMessage(B, r.ID, lifeguard.MessageRequest, " ")
			return err
		}},
		{"UnknownKind", "kind", func() error {
			_, err := f.db.AddReferralMessage(B, r.ID, "shout", "x")
			return err
		}},
		{"DirectoryRoute", "route", func() error { return f.db.SetReferralReceiver(as(ctx, f.officer), 0, "DSL_REVIEW", f.orgB.ID) }},
		{"DirectoryOrganisation", "organisation_id", func() error {
			return f.db.SetReferralReceiver(as(ctx, f.officer), 0, "EARLY_HELP", f.orgC.ID)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { wantProblem(t, tc.call(), tc.path) })
	}
	got, err := f.db.Referral(B, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != lifeguard.ReferralSent || len(got.Messages) != 0 {
		t.Errorf("the refusals changed the referral: %+v", got)
	}
}
