package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// badTexts are the two kinds of text one engine keeps and the other refuses:
// PostgreSQL refuses a NUL character in a text column and invalid UTF-8 in a
// UTF-8 database, SQLite stores both. The store must refuse both alike,
// naming the field, before either reaches the database.
var badTexts = []struct{ name, s string }{
	{"NUL", "before\x00after"},
	{"invalid UTF-8", "before\xffafter"},
}

// textCase is one free-text value the store writes or looks up: the path
// the refusal must name and a call that passes s in that field.
type textCase struct {
	name string
	path string
	call func(ctx context.Context, f *fixture, w textWorld, s string) error
}

// textWorld holds the records the text cases act on, made once.
type textWorld struct {
	tg                     target
	filterA                *lifeguard.User
	audit                  int64
	objective, action, bar int64
	review                 int64
	monitorA               *lifeguard.User
	capture                int64
	// policy is A's online-safety policy, visitors its visitors'
	// agreement with a version (h-registers).
	policy, visitors int64
	// referred is A's concern whose CSC_REFERRAL went to B as referral;
	// unsent is A's concern whose referral is not sent (referral.go).
	referred, unsent, referral int64
}

func textCases(f *fixture, fw *lifeguard.Framework) []textCase {
	now := func() time.Time { return f.now().UTC().Truncate(time.Second) }
	due := lifeguard.DateOf(f.now().AddDate(0, 1, 0))
	attempt := func(f *fixture, n int) lifeguard.FilterAttempt {
		return event(n, now(), "10.0.0.7", "games", "bad.example")
	}
	return []textCase{
		// A person's rights over their data (subject_access.go, h-sar).
		{"subject access requester", "requester_name", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := staffAccess(f, f.staff.ID)
			in.RequesterName = s
			_, err := f.db.StartSubjectAccess(as(ctx, f.dsl), in)
			return err
		}},
		{"subject access verified note", "verified_note", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := staffAccess(f, f.staff.ID)
			in.VerifiedNote = s
			_, err := f.db.StartSubjectAccess(as(ctx, f.dsl), in)
			return err
		}},
		{"subject access subject", "subject", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := staffAccess(f, f.staff.ID)
			in.Subject = lifeguard.DataSubject(s)
			_, err := f.db.StartSubjectAccess(as(ctx, f.dsl), in)
			return err
		}},
		{"subject access extension", "reason", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ExtendSubjectAccess(as(ctx, f.dsl), 1, s)
			return err
		}},
		{"subject access redaction", "redactions[0].key", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			return f.db.SetRedactions(as(ctx, f.dsl), 1, []lifeguard.Redaction{{Key: "staff:" + s}})
		}},
		{"data request value", "value", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := identityRequest(f, w.tg.child)
			in.Value = s
			_, err := f.db.RecordDataRequest(as(ctx, f.dsl), in)
			return err
		}},
		{"data request reason", "reason", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := identityRequest(f, w.tg.child)
			in.Reason = s
			_, err := f.db.RecordDataRequest(as(ctx, f.dsl), in)
			return err
		}},
		{"data request field", "field", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			in := identityRequest(f, w.tg.child)
			in.Field = s
			_, err := f.db.RecordDataRequest(as(ctx, f.dsl), in)
			return err
		}},
		{"data decision reason", "reason", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.DecideDataRequest(as(ctx, f.dsl), 1, lifeguard.DataDecision{Outcome: lifeguard.OutcomeRefused, Reason: s})
			return err
		}},
		// The partnership's directory (directory.go).
		{"directory document", "document", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SaveDirectoryVersion(as(ctx, f.officer), 0, 0, "name: "+s+"\nversion: x\n", "a summary")
			return err
		}},
		{"directory summary", "summary", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SaveDirectoryVersion(as(ctx, f.officer), 0, 0, "name: N\nversion: x\n", s)
			return err
		}},
		// Referrals (referral.go): sent by A's DSL, answered by B's.
		{"referral phone note", "phone_note", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			now := f.now()
			_, err := f.db.SendReferral(as(ctx, f.dsl), lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: w.unsent,
				Route: "CSC_REFERRAL", PhonedAt: &now, PhoneNote: s})
			return err
		}},
		{"referral route", "route", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SendReferral(as(ctx, f.dsl), lifeguard.NewReferral{DueBy: f.now().Add(24 * time.Hour), ConcernID: w.referred,
				Route: lifeguard.RouteCode(s)})
			return err
		}},
		{"referral outcome", "outcome", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AnswerReferral(as(ctx, f.dslB), w.referral, lifeguard.ReferralAnswer{Outcome: lifeguard.ReferralOutcome(s)})
			return err
		}},
		{"referral answer note", "note", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AnswerReferral(as(ctx, f.dslB), w.referral, lifeguard.ReferralAnswer{Outcome: "section_17", Note: s})
			return err
		}},
		{"referral message text", "text", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddReferralMessage(as(ctx, f.dslB), w.referral, lifeguard.MessageRequest, s)
			return err
		}},
		{"referral message kind", "kind", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddReferralMessage(as(ctx, f.dslB), w.referral, lifeguard.MessageKind(s), "x")
			return err
		}},
		{"referral directory route", "route", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			return f.db.SetReferralReceiver(as(ctx, f.officer), 0, lifeguard.RouteCode(s), f.orgB.ID)
		}},
		// The organisations' leads (lead.go): every field.
		{"lead kind", "leads[0].kind", leadText(func(l *lifeguard.Lead, s string) { l.Kind = lifeguard.LeadKind(s) })},
		{"lead name", "leads[0].name", leadText(func(l *lifeguard.Lead, s string) { l.Name = s })},
		{"lead role", "leads[0].role", leadText(func(l *lifeguard.Lead, s string) { l.Role = s })},
		{"lead email", "leads[0].email", leadText(func(l *lifeguard.Lead, s string) { l.Email = s })},
		{"lead phone", "leads[0].phone", leadText(func(l *lifeguard.Lead, s string) { l.Phone = s })},
		// Sign-in providers: every text field, and the domains.
		{"provider name", "name", providerText(func(p *lifeguard.SignInProvider, s string) { p.Name = s })},
		{"provider issuer", "issuer", providerText(func(p *lifeguard.SignInProvider, s string) { p.Issuer = s })},
		{"provider client id", "client_id", providerText(func(p *lifeguard.SignInProvider, s string) { p.ClientID = s })},
		{"provider client secret", "client_secret", providerText(func(p *lifeguard.SignInProvider, s string) { p.ClientSecret = s })},
		{"provider domain", "domains", providerText(func(p *lifeguard.SignInProvider, s string) { p.Domains = []string{"ok.example.org", s} })},
		{"provider acr", "mfa_acr", providerText(func(p *lifeguard.SignInProvider, s string) { p.MFAACR = s })},
		// Concerns and their records.
		{"facts description", "description", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			fx := facts(f.now())
			fx.Description = s
			_, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage()})
			return err
		}},
		{"facts platform", "details.platform", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			fx := facts(f.now())
			fx.Details.Platform = s
			_, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: fx, Triage: f.defaultTriage()})
			return err
		}},
		{"child ref", "child_ref", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: facts(f.now()),
				Triage: f.defaultTriage(), ChildRef: s})
			return err
		}},
		{"new child's forename", "child_legal_forename", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: facts(f.now()),
				Triage: f.defaultTriage(), ChildLegalForename: s})
			return err
		}},
		{"new child's surname", "child_legal_surname", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateConcern(as(ctx, f.staff), lifeguard.NewConcern{Facts: facts(f.now()),
				Triage: f.defaultTriage(), ChildLegalSurname: s})
			return err
		}},
		{"changed facts description", "description", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			fx := facts(f.now())
			fx.Description = s
			_, err := f.db.UpdateFacts(as(ctx, f.dsl), w.tg.concern, fx, f.defaultTriage())
			return err
		}},
		{"legal hold reason", "reason", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SetLegalHold(as(ctx, f.dsl), lifeguard.NewLegalHold{ConcernID: w.tg.concern, Basis: lifeguard.HoldOther, Reason: s})
			return err
		}},
		{"decision reason", "reason", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddDecision(as(ctx, f.dsl), w.tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL",
				Decision: lifeguard.DecisionDeclined, Reason: s})
			return err
		}},
		{"decision reference", "reference", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddDecision(as(ctx, f.dsl), w.tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL",
				Decision: lifeguard.DecisionDone, Reference: s})
			return err
		}},
		{"action title", "title", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddAction(as(ctx, f.dsl), w.tg.concern, lifeguard.NewAction{Title: s, Owner: "DSL", Due: due})
			return err
		}},
		{"action owner", "owner", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddAction(as(ctx, f.dsl), w.tg.concern, lifeguard.NewAction{Title: "Call", Owner: s, Due: due})
			return err
		}},
		{"evidence what", "what", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddEvidence(as(ctx, f.dsl), w.tg.concern, lifeguard.NewEvidence{What: s, Location: "Safe",
				HeldBy: "DSL"})
			return err
		}},
		{"evidence location", "location", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddEvidence(as(ctx, f.dsl), w.tg.concern, lifeguard.NewEvidence{What: "Phone", Location: s,
				HeldBy: "DSL"})
			return err
		}},
		{"evidence held by", "held_by", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddEvidence(as(ctx, f.dsl), w.tg.concern, lifeguard.NewEvidence{What: "Phone", Location: "Safe",
				HeldBy: s})
			return err
		}},
		{"evidence sha256", "sha256", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddEvidence(as(ctx, f.dsl), w.tg.concern, lifeguard.NewEvidence{What: "Phone", Location: "Safe",
				HeldBy: "DSL", SHA256: s})
			return err
		}},
		{"note", "text", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddNote(as(ctx, f.staff), w.tg.concern, s)
			return err
		}},
		{"close summary", "summary", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CloseConcern(as(ctx, f.dsl), w.tg.concern, lifeguard.NewOutcome{Code: "handled_in_setting",
				Summary: s})
			return err
		}},
		{"close anyway", "close_anyway", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CloseConcern(as(ctx, f.dsl), w.tg.concern, lifeguard.NewOutcome{Code: "handled_in_setting",
				Summary: "Done", CloseAnyway: s})
			return err
		}},
		{"cancel action", "reason", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CancelAction(as(ctx, f.dsl), w.tg.concern, w.tg.action, s)
			return err
		}},
		{"added route reason", "reason", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddRoute(as(ctx, f.dsl), w.tg.concern, lifeguard.NewRoute{Route: lifeguard.Route{
				Code: "POLICE_101", Title: "Tell the police", Urgency: lifeguard.SameWorkingDay}, Reason: s})
			return err
		}},
		{"added route title", "route", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddRoute(as(ctx, f.dsl), w.tg.concern, lifeguard.NewRoute{Route: lifeguard.Route{
				Code: "POLICE_101", Title: "Tell the police" + s, Urgency: lifeguard.SameWorkingDay}, Reason: "Threats."})
			return err
		}},
		{"risk level", "risk_level", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SetRiskLevel(as(ctx, f.dsl), w.tg.concern, lifeguard.RiskLevel("high"+s))
			return err
		}},
		{"close code", "code", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CloseConcern(as(ctx, f.dsl), w.tg.concern, lifeguard.NewOutcome{Code: lifeguard.OutcomeCode(s),
				Summary: "Done"})
			return err
		}},
		{"close codes", "codes", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CloseConcern(as(ctx, f.dsl), w.tg.concern, lifeguard.NewOutcome{
				Codes: []lifeguard.OutcomeCode{"handled_in_setting", lifeguard.OutcomeCode(s)}, Summary: "Done"})
			return err
		}},
		{"child legal surname", "legal_surname", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SetChildIdentity(as(ctx, f.dsl), w.tg.child, lifeguard.ChildIdentity{LegalSurname: s})
			return err
		}},
		{"child la number", "la_number", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SetChildIdentity(as(ctx, f.dsl), w.tg.child, lifeguard.ChildIdentity{LANumber: s})
			return err
		}},
		{"child upn", "upn", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SetChildIdentity(as(ctx, f.dsl), w.tg.child, lifeguard.ChildIdentity{UPN: s})
			return err
		}},
		{"import line surname", "lines[2].legal_surname", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ImportChildren(as(ctx, f.dsl), lifeguard.ChildImport{OrganisationID: f.orgA.ID,
				Lines: []lifeguard.ChildImportLine{{Line: 2, Identity: lifeguard.ChildIdentity{UPN: "B801200005001", LegalSurname: s}}}})
			return err
		}},
		{"import line upn", "lines[2].upn", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ImportChildren(as(ctx, f.dsl), lifeguard.ChildImport{OrganisationID: f.orgA.ID,
				Lines: []lifeguard.ChildImportLine{{Line: 2, Identity: lifeguard.ChildIdentity{UPN: s}}}})
			return err
		}},
		{"search children", "q", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SearchChildren(as(ctx, f.staff), s)
			return err
		}},
		// Lookups: a query parameter reaches the database as much as a write.
		{"find children prefix", "prefix", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.FindChildren(as(ctx, f.staff), s)
			return err
		}},
		{"list status", "status", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ListConcerns(as(ctx, f.dsl), lifeguard.ConcernFilter{Status: lifeguard.ConcernStatus(s)})
			return err
		}},
		{"list type", "type", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ListConcerns(as(ctx, f.dsl), lifeguard.ConcernFilter{Type: lifeguard.ConcernType(s)})
			return err
		}},
		{"list cursor", "cursor", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ListConcerns(as(ctx, f.dsl), lifeguard.ConcernFilter{Cursor: s})
			return err
		}},
		// Transfers.
		{"transfer note", "note", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SendTransfer(as(ctx, f.dsl), w.tg.child, f.orgB.ID, s, f.transferDue())
			return err
		}},
		// Partnerships, organisations, users and their tokens.
		{"partnership name", "name", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreatePartnership(sys(ctx), s)
			return err
		}},
		{"organisation name", "name", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateOrganisation(sys(ctx), lifeguard.Organisation{PartnershipID: f.p1.ID, Name: s,
				Setting: "school"})
			return err
		}},
		{"user name", "name", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateUser(as(ctx, f.admin), lifeguard.NewUser{Email: "new.user@example.org", Name: s,
				Role: lifeguard.RoleStaff, OrganisationID: f.orgA.ID, PasswordHash: "$argon2id$test"})
			return err
		}},
		{"user email", "email", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateUser(as(ctx, f.admin), lifeguard.NewUser{Email: "new" + s + "@example.org", Name: "New",
				Role: lifeguard.RoleStaff, OrganisationID: f.orgA.ID, PasswordHash: "$argon2id$test"})
			return err
		}},
		{"token name", "name", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateToken(sys(ctx), f.staff.ID, s, "lg_text", []byte("a token hash of the text test!!"))
			return err
		}},
		{"second factor secret", "secret", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			return f.db.EnrolSecondFactor(sys(ctx), f.staff.ID, lifeguard.SecondFactor{Secret: s,
				RecoveryHashes: []string{recoveryHash("abcd-efgh")}})
		}},
		// The self-audit.
		{"audit evidence", "answers[0].evidence", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SaveAuditAnswers(as(ctx, f.manager), w.audit, fw, []lifeguard.AnswerInput{{
				AspectID: "L1", Level: 3, Evidence: s}})
			return err
		}},
		{"audit comment", "answers[0].comment", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SaveAuditAnswers(as(ctx, f.manager), w.audit, fw, []lifeguard.AnswerInput{{
				AspectID: "L1", Level: 1, Comment: s}})
			return err
		}},
		{"audit owner", "owner", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CompleteAudit(as(ctx, f.manager), w.audit, fw, lifeguard.AuditCompletion{Owner: s})
			return err
		}},
		// The action plan.
		{"objective title", "title", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateObjective(as(ctx, f.officer), lifeguard.NewObjective{Strand: lifeguard.StrandPrevention,
				Title: s})
			return err
		}},
		{"objective description", "description", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.UpdateObjective(as(ctx, f.officer), w.objective, lifeguard.NewObjective{
				Strand: lifeguard.StrandPrevention, Title: "Teach", Description: s})
			return err
		}},
		{"plan action title", "title", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreatePlanAction(as(ctx, f.officer), w.objective, lifeguard.NewPlanAction{Title: s,
				OwnerOrgID: f.orgA.ID, Due: due, RAG: "green"})
			return err
		}},
		{"plan action changed title", "title", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.UpdatePlanAction(as(ctx, f.officer), w.action, lifeguard.NewPlanAction{Title: s,
				OwnerOrgID: f.orgA.ID, Due: due, RAG: "green"})
			return err
		}},
		{"progress note", "text", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddProgressNote(as(ctx, f.officer), w.action, lifeguard.NewProgressNote{Text: s})
			return err
		}},
		{"barrier", "text", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddBarrier(as(ctx, f.officer), w.action, s)
			return err
		}},
		{"barrier resolution", "resolution", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ResolveBarrier(as(ctx, f.officer), w.bar, s)
			return err
		}},
		// Contacts, alerts and their delivery.
		{"organisation phone", "safeguarding_phone", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateOrganisation(sys(ctx), lifeguard.Organisation{PartnershipID: f.p1.ID, Name: "Phone",
				Setting: "school", SafeguardingPhone: "01632 960" + s + "123"})
			return err
		}},
		{"safeguarding phone", "safeguarding_phone", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SetSafeguardingPhone(as(ctx, f.admin), f.orgA.ID, "01632 960"+s+"123")
			return err
		}},
		{"webhook url", "url", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreateWebhook(as(ctx, f.admin), lifeguard.NewWebhook{URL: "https://example.org/" + s,
				Events: []lifeguard.AlertKind{lifeguard.AlertNewConcern}})
			return err
		}},
		{"alert zone", "zone", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			st := lifeguard.DefaultAlertSettings(f.orgA.ID)
			st.Zone = "Europe/" + s
			_, err := f.db.SetAlertSettings(as(ctx, f.dsl), st)
			return err
		}},
		{"alert digest time", "digest_at", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			st := lifeguard.DefaultAlertSettings(f.orgA.ID)
			st.DigestAt = "16:" + s
			_, err := f.db.SetAlertSettings(as(ctx, f.dsl), st)
			return err
		}},
		{"outbox claim holder", "holder", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ClaimOutbox(sys(ctx), lifeguard.OutboxClaim{Holder: "server" + s, Until: f.now().Add(time.Minute),
				Channels: []lifeguard.Channel{lifeguard.ChannelWebhook}, Limit: 1}, f.now())
			return err
		}},
		{"outbox finish holder", "holder", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			return f.db.FinishOutbox(sys(ctx), 1, "server"+s, f.now(), lifeguard.OutboxResult{})
		}},
		{"outbox finish error", "error", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			return f.db.FinishOutbox(sys(ctx), 1, "server", f.now(), lifeguard.OutboxResult{Error: "refused" + s})
		}},
		{"digest kind", "kind", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.SendDigests(sys(ctx), lifeguard.DigestKind("digest"+s), f.now())
			return err
		}},
		{"outbox list state", "state", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.OutboxMessages(as(ctx, f.admin), lifeguard.OutboxFilter{State: lifeguard.OutboxState(s)})
			return err
		}},
		// The filter.
		{"filter event name", "events[0].name", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			e := attempt(f, 900)
			e.Name, e.Category = "a"+s+".example", "self_harm" // stored, it would raise an alert
			_, err := f.db.RecordFilterEvents(as(ctx, w.filterA), []lifeguard.FilterEvent{e})
			return err
		}},
		{"filter event group", "events[0].group", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			e := attempt(f, 901)
			e.Group, e.Category = "g"+s, "self_harm"
			_, err := f.db.RecordFilterEvents(as(ctx, w.filterA), []lifeguard.FilterEvent{e})
			return err
		}},
		{"filter review comment", "comment", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, _, err := f.db.RecordFilterReview(as(ctx, w.filterA), lifeguard.NewFilterReview{
				FilterAttempt: attempt(f, 902), Comment: s})
			return err
		}},
		{"filter worry", "text", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.RecordFilterWorry(as(ctx, w.filterA), lifeguard.NewFilterWorry{
				FilterAttempt: attempt(f, 903), Text: s}, f.worryConcern(s))
			return err
		}},
		{"filter review outcome", "outcome", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CloseFilterReview(as(ctx, f.dsl), w.review, s)
			return err
		}},
		{"filter policy", "policy", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			doc, err := json.Marshal(map[string]string{"note": "x"})
			if err != nil {
				return err
			}
			// The bad text goes in raw, as a client could send it;
			// json.Marshal would have escaped a NUL and replaced bad bytes.
			doc = append(doc[:len(doc)-2], s+`"}`...)
			_, err = f.db.SetFilterPolicy(as(ctx, f.admin), f.orgA.ID, doc)
			return err
		}},
		// The policy library and agreements (h-registers).
		{"policy title", "title", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreatePolicy(as(ctx, f.manager), lifeguard.NewPolicy{Kind: lifeguard.AgreementParents, Title: s})
			return err
		}},
		{"policy age group", "age_group", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.CreatePolicy(as(ctx, f.manager), lifeguard.NewPolicy{Kind: lifeguard.AgreementPupils, Title: "x", AgeGroup: s})
			return err
		}},
		{"policy version text", "text", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddPolicyVersion(as(ctx, f.manager), w.policy, lifeguard.NewPolicyVersion{Text: s, ApprovedBy: "x", ApprovedOn: due})
			return err
		}},
		{"policy version link", "link", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddPolicyVersion(as(ctx, f.manager), w.policy, lifeguard.NewPolicyVersion{Link: "https://x.example/" + s, ApprovedBy: "x", ApprovedOn: due})
			return err
		}},
		{"policy version approved by", "approved_by", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AddPolicyVersion(as(ctx, f.manager), w.policy, lifeguard.NewPolicyVersion{Text: "x", ApprovedBy: s, ApprovedOn: due})
			return err
		}},
		{"visitor's name", "agreements[0].name", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.RecordAgreements(as(ctx, f.staff), w.visitors, []lifeguard.AgreementInput{{Name: s, AgreedOn: lifeguard.DateOf(f.now())}})
			return err
		}},
		{"agreement status class", "reg_group", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.AgreementStatus(as(ctx, f.manager), w.visitors, s)
			return err
		}},
		// Consents and training (h-consents).
		{"consent list class", "reg_group", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ConsentList(as(ctx, f.manager), lifeguard.ConsentGroup{RegGroup: s})
			return err
		}},
		{"photo list year group", "year_group", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.PhotoList(as(ctx, f.staff), lifeguard.ConsentGroup{YearGroup: s})
			return err
		}},
		{"consent kind", "consents[0].kind", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.RecordConsents(as(ctx, f.manager), []lifeguard.ConsentChange{{Kind: lifeguard.ConsentKind(s),
				Given: true, On: lifeguard.DateOf(f.now())}})
			return err
		}},
		{"training course", "course", trainingText(func(x *lifeguard.NewTraining, s string) { x.Course = s })},
		{"training provider", "provider", trainingText(func(x *lifeguard.NewTraining, s string) { x.Provider = s })},
		{"training type", "type", trainingText(func(x *lifeguard.NewTraining, s string) { x.Type = lifeguard.TrainingType(s) })},
		{"training import email", "lines[2].email", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ImportTraining(as(ctx, f.manager), []lifeguard.TrainingImportLine{{Line: 2, Email: s,
				Training: lifeguard.NewTraining{Type: lifeguard.TrainingSafeguarding, Course: "c", Provider: "p",
					CompletedOn: lifeguard.DateOf(f.now())}}}, false)
			return err
		}},
		{"training import course", "lines[2].course", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ImportTraining(as(ctx, f.manager), []lifeguard.TrainingImportLine{{Line: 2, Email: f.staff.Email,
				Training: lifeguard.NewTraining{Type: lifeguard.TrainingSafeguarding, Course: s, Provider: "p",
					CompletedOn: lifeguard.DateOf(f.now())}}}, false)
			return err
		}},
		{"consent import upn", "lines[2].upn", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ImportConsents(as(ctx, f.manager), []lifeguard.ConsentImportLine{{Line: 2, UPN: s,
				Consents: []lifeguard.ConsentImport{{Kind: lifeguard.ConsentInternet, Given: true}}}}, false)
			return err
		}},
		{"filter alerts status", "status", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.FilterAlerts(as(ctx, f.dsl), s)
			return err
		}},
		{"filter reviews status", "status", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.FilterReviews(as(ctx, f.dsl), s)
			return err
		}},
		// Monitoring captures, their review and the settings.
		{"capture text", "captures[0].text", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			c := capture(950, now(), "chat.example.org", "kill myself "+s)
			_, err := f.db.RecordCaptures(as(ctx, w.monitorA), []lifeguard.NewCapture{c}, testScan)
			return err
		}},
		{"capture device", "captures[0].device", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			c := capture(951, now(), "chat.example.org", "kill myself")
			c.Device = s
			_, err := f.db.RecordCaptures(as(ctx, w.monitorA), []lifeguard.NewCapture{c}, testScan)
			return err
		}},
		{"capture user", "captures[0].user", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			c := capture(952, now(), "chat.example.org", "kill myself")
			c.User = s
			_, err := f.db.RecordCaptures(as(ctx, w.monitorA), []lifeguard.NewCapture{c}, testScan)
			return err
		}},
		{"capture url", "captures[0].url", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			c := capture(953, now(), "", "kill myself")
			c.URL = "https://chat.example.org/" + s
			_, err := f.db.RecordCaptures(as(ctx, w.monitorA), []lifeguard.NewCapture{c}, testScan)
			return err
		}},
		{"capture review note", "note", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.ReviewCapture(as(ctx, f.dsl), w.capture, lifeguard.VerdictFalse, s)
			return err
		}},
		{"captures verdict", "verdict", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			_, err := f.db.Captures(as(ctx, f.dsl), lifeguard.CaptureFilter{Verdict: s})
			return err
		}},
		{"monitor notice", "notice", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			ms := lifeguard.DefaultMonitorSettings(f.orgA.ID)
			ms.Notice = s
			_, err := f.db.SetMonitorSettings(as(ctx, f.dsl), ms)
			return err
		}},
		{"monitor excluded site", "excluded_sites[0]", func(ctx context.Context, f *fixture, w textWorld, s string) error {
			ms := lifeguard.DefaultMonitorSettings(f.orgA.ID)
			ms.ExcludedSites = []string{"a" + s + ".example"}
			_, err := f.db.SetMonitorSettings(as(ctx, f.dsl), ms)
			return err
		}},
	}
}

// testBadText sends a NUL character and invalid UTF-8 in every free-text
// value the store writes or looks up, and checks each is refused as
// EINVALID naming the field, on every engine, with nothing stored changed.
func testBadText(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := t.Context()
	fw := baseline(t)
	w := textWorld{tg: f.target(t), filterA: f.user(t, f.orgA, lifeguard.RoleFilter),
		monitorA: f.user(t, f.orgA, lifeguard.RoleMonitor)}
	w.capture = f.captureTarget(ctx, t)
	au, err := f.db.StartAudit(as(ctx, f.manager), fw)
	if err != nil {
		t.Fatal(err)
	}
	w.audit = au.ID
	obj, err := f.db.CreateObjective(as(ctx, f.officer), lifeguard.NewObjective{Strand: lifeguard.StrandPrevention,
		Title: "Teach online safety"})
	if err != nil {
		t.Fatal(err)
	}
	w.objective = obj.ID
	act, err := f.db.CreatePlanAction(as(ctx, f.officer), obj.ID, lifeguard.NewPlanAction{Title: "Lessons",
		OwnerOrgID: f.orgA.ID, Due: lifeguard.DateOf(f.now().AddDate(0, 1, 0)), RAG: "green"})
	if err != nil {
		t.Fatal(err)
	}
	w.action = act.ID
	bar, err := f.db.AddBarrier(as(ctx, f.officer), act.ID, "No staff time")
	if err != nil {
		t.Fatal(err)
	}
	w.bar = bar.ID
	rv, _, err := f.db.RecordFilterReview(as(ctx, w.filterA), lifeguard.NewFilterReview{
		FilterAttempt: event(1, f.now(), "10.0.0.7", "games", "chess.example")})
	if err != nil {
		t.Fatal(err)
	}
	w.review = rv.ID
	w.policy, _, w.visitors = f.policies(t)
	f.referralWorld(t)
	referred, referral := f.sendReferral(t)
	w.referred, w.referral, w.unsent = referred.ID, referral.ID, f.report(t, f.staff).ID
	// Read once as each side, so that a first read's marks are made
	// before the snapshots compare.
	textSnapshot(t, f, w)

	for _, tc := range slices.Concat(textCases(f, fw), preventionTextCases(), partnershipAccessTextCases()) {
		for _, bad := range badTexts {
			t.Run(tc.name+"/"+bad.name, func(t *testing.T) {
				before, entries := textSnapshot(t, f, w), journalLen(t, f.db)
				err := tc.call(ctx, f, w, bad.s)
				wantProblem(t, err, tc.path)
				if n := journalLen(t, f.db); n != entries {
					t.Errorf("journal has %d entries after the refusal, %d before", n, entries)
				}
				if after := textSnapshot(t, f, w); after != before {
					t.Errorf("the refusal changed what is stored:\nbefore %s\nafter  %s", before, after)
				}
			})
		}
	}
}

// textSnapshot reads back everything the text cases could change, as JSON,
// so that a refused call is seen to have stored nothing.
func textSnapshot(t *testing.T, f *fixture, w textWorld) string {
	t.Helper()
	ctx := t.Context()
	var snap struct {
		Concerns  *lifeguard.ConcernPage
		Concern   *lifeguard.Concern
		Children  []lifeguard.Child
		Transfers []lifeguard.Transfer
		Users     []lifeguard.User
		Orgs      []lifeguard.Organisation
		Tokens    []lifeguard.APIToken
		HasFactor bool
		Audit     *lifeguard.Audit
		Plan      []lifeguard.Objective
		Reviews   []lifeguard.FilterReview
		Alerts    []lifeguard.FilterAlert
		Policy    *lifeguard.FilterPolicy
		Captures  []lifeguard.Capture
		Monitor   *lifeguard.MonitorSettings
		Leads     []lifeguard.OrganisationLead
		Referral  *lifeguard.Referral
		Referrals []lifeguard.Referral
		Registers any // teaching, parents, surveys, access (prevention.go)
	}
	dsl, sysc := as(ctx, f.dsl), sys(ctx)
	var err error
	check := func(what string, err error) {
		if err != nil {
			t.Fatalf("snapshot: %s: %v", what, err)
		}
	}
	// The concern before the list: the lead's first read of it stamps
	// first_opened_at, which the list shows.
	snap.Concern, err = f.db.Concern(dsl, w.tg.concern)
	check("concern", err)
	snap.Concerns, err = f.db.ListConcerns(dsl, lifeguard.ConcernFilter{Limit: 200})
	check("concerns", err)
	snap.Children, err = f.db.FindChildren(dsl, "C")
	check("children", err)
	snap.Transfers, err = f.db.Transfers(dsl)
	check("transfers", err)
	snap.Users, err = f.db.Users(as(ctx, f.admin))
	check("users", err)
	snap.Orgs, err = f.db.Organisations(sysc)
	check("organisations", err)
	snap.Tokens, err = f.db.Tokens(sysc, f.staff.ID)
	check("tokens", err)
	_, err = f.db.SecondFactor(sysc, f.staff.ID)
	snap.HasFactor = err == nil
	snap.Audit, err = f.db.Audit(as(ctx, f.manager), w.audit)
	check("audit", err)
	snap.Plan, err = f.db.Plan(as(ctx, f.officer))
	check("plan", err)
	snap.Reviews, err = f.db.FilterReviews(dsl, "")
	check("reviews", err)
	snap.Alerts, err = f.db.FilterAlerts(dsl, "")
	check("alerts", err)
	snap.Policy, err = f.db.FilterPolicy(as(ctx, f.admin), f.orgA.ID)
	if lifeguard.ErrorCode(err) != lifeguard.ENOTFOUND {
		check("policy", err)
	}
	snap.Captures, err = f.db.Captures(dsl, lifeguard.CaptureFilter{Verdict: "all"})
	check("captures", err)
	snap.Monitor, err = f.db.MonitorSettings(dsl, 0)
	check("monitor settings", err)
	snap.Leads, err = f.db.PartnershipLeads(sysc)
	check("leads", err)
	if w.referral != 0 {
		snap.Referral, err = f.db.Referral(as(ctx, f.dslB), w.referral)
		check("referral", err)
		snap.Referrals, err = f.db.Referrals(dsl)
		check("referrals", err)
	}
	snap.Registers = preventionSnapshot(t, f)
	b, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// trainingText is a text case of a course a member of staff records for
// themselves, set would put s in.
func trainingText(set func(x *lifeguard.NewTraining, s string)) func(ctx context.Context, f *fixture, w textWorld, s string) error {
	return func(ctx context.Context, f *fixture, w textWorld, s string) error {
		x := lifeguard.NewTraining{Type: lifeguard.TrainingSafeguarding, Course: "Safeguarding", Provider: "In house",
			CompletedOn: lifeguard.DateOf(f.now())}
		set(&x, s)
		_, err := f.db.RecordTraining(as(ctx, f.staff), x)
		return err
	}
}

// leadText is a text case of one field of an organisation's first lead.
func leadText(set func(l *lifeguard.Lead, s string)) func(ctx context.Context, f *fixture, w textWorld, s string) error {
	return func(ctx context.Context, f *fixture, w textWorld, s string) error {
		l := someLeads()[0]
		set(&l, s)
		_, err := f.db.SetOrganisationLeads(as(ctx, f.manager), f.orgA.ID, []lifeguard.Lead{l})
		return err
	}
}
