package sqlstore_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"

	"github.com/lifeguard-scp/lifeguard/internal/framework"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
	_ "modernc.org/sqlite" // the "sqlite" driver, to read the source as it is
)

// seedAll records something of every kind through the store, as its users
// would: a partnership of two organisations, users with sessions, tokens,
// login failures, preferences and a second factor, concerns with children,
// revisions, decisions, actions (one done), evidence, notes, a closed
// concern (one with an idempotency key), a report draft, a disabled user, a child's file sent and received, two audits
// with improvement actions, and a strategy plan.
func seedAll(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	ctx := sys(t.Context())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	p, err := db.CreatePartnership(ctx, "P")
	must(err)
	a, err := db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: p.ID, Name: "A", Setting: "school",
		ProvidesInternet: true})
	must(err)
	b, err := db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: p.ID, Name: "B", Setting: "school"})
	must(err)
	user := func(o *lifeguard.Organisation, email string, r lifeguard.Role) (*lifeguard.User, context.Context) {
		u, err := db.CreateUser(ctx, lifeguard.NewUser{Email: email, Name: email, Role: r, OrganisationID: o.ID})
		must(err)
		return u, lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: u.ID, Role: u.Role,
			OrganisationID: o.ID, PartnershipID: p.ID, Via: "session"})
	}
	staff, asStaff := user(a, "staff@example.org", lifeguard.RoleStaff)
	_, asDSL := user(a, "dsl@example.org", lifeguard.RoleDSL)
	_, asDSLB := user(b, "dslb@example.org", lifeguard.RoleDSL)
	gone, _ := user(b, "gone@example.org", lifeguard.RoleStaff)
	_, err = db.SetUserDisabled(ctx, gone.ID, true)
	must(err)

	now := time.Now()
	hash := func(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }
	s, err := db.CreateSession(ctx, lifeguard.Session{UserID: staff.ID, TokenHash: hash("s1"), CreatedAt: now,
		ExpiresAt: now.Add(time.Hour), LastSeen: now})
	must(err)
	must(db.SetSessionSecondFactor(ctx, s.ID))
	tk, err := db.CreateToken(ctx, staff.ID, "laptop", "lg_abc", hash("t1"))
	must(err)
	must(db.RevokeToken(ctx, tk.ID, now))
	_, err = db.CreateToken(ctx, staff.ID, "phone", "lg_def", hash("t2"))
	must(err)
	must(db.RecordFailure(ctx, "someone", now))
	must(db.SignedIn(ctx, staff.ID, "account:staff@example.org", "addr:192.0.2.1", "pair:192.0.2.1 staff@example.org", now))
	must(db.MarkDemoAccounts(ctx, []int64{staff.ID}))
	must(db.SetPasswordHash(ctx, staff.ID, "$argon2id$v=19$m=1,t=1,p=1$c2FsdA$aGFzaA"))
	must(db.RecordSignIn(ctx, staff.ID, now))
	_, err = db.SetPreferences(asStaff, lifeguard.Preferences{TextSize: lifeguard.TextSize("large"), HighVisibility: true})
	must(err)
	must(db.EnrolSecondFactor(ctx, staff.ID, lifeguard.SecondFactor{Secret: "JBSWY3DPEHPK3PXP",
		RecoveryHashes: []string{"aa", "bb"}, LastStep: 7, EnrolledAt: now}))

	age := 13
	nc := func(ref string) lifeguard.NewConcern {
		return lifeguard.NewConcern{ChildRef: ref, Facts: lifeguard.Facts{ReportedAt: now.Truncate(time.Second),
			Setting: "school", Description: "A stranger asked to meet.", Child: &lifeguard.ChildFacts{Age: &age},
			ChildRole: "victim", ConcernTypes: []lifeguard.ConcernType{"grooming"},
			Parties: lifeguard.Parties{UnknownInvolved: true}},
			Triage: lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "1"},
				Routes: []lifeguard.Route{{Code: "CSC_REFERRAL", Title: "Refer", Urgency: lifeguard.AsSoonAsPossible}}}}
	}
	c1, err := db.CreateConcern(asStaff, nc("C-1"))
	must(err)
	_, err = db.UpdateFacts(asDSL, c1.ID, nc("").Facts, nc("").Triage)
	must(err)
	_, err = db.AddDecision(asDSL, c1.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: lifeguard.DecisionAccepted,
		Reason: "r", Reference: "ref"})
	must(err)
	x, err := db.AddAction(asDSL, c1.ID, lifeguard.NewAction{Title: "Speak to parents", Owner: "DSL",
		Due: lifeguard.DateOf(now.AddDate(0, 0, 3))})
	must(err)
	_, err = db.CompleteAction(asDSL, c1.ID, x.ID)
	must(err)
	_, err = db.AddAction(asDSL, c1.ID, lifeguard.NewAction{Title: "Follow up", Owner: "DSL",
		Due: lifeguard.DateOf(now.AddDate(0, 0, 9))})
	must(err)
	x, err = db.AddAction(asDSL, c1.ID, lifeguard.NewAction{Title: "Call the club", Owner: "DSL",
		Due: lifeguard.DateOf(now.AddDate(0, 0, 2))})
	must(err)
	_, err = db.CancelAction(asDSL, c1.ID, x.ID, "The club closed.")
	must(err)
	_, err = db.AddRoute(asDSL, c1.ID, lifeguard.NewRoute{Route: lifeguard.Route{Code: "POLICE_101", Title: "Tell the police",
		Urgency: lifeguard.AsSoonAsPossible}, Reason: "Threats were made."})
	must(err)
	_, err = db.AddEvidence(asDSL, c1.ID, lifeguard.NewEvidence{What: "screenshot", Location: "safe",
		HeldBy: "DSL", SHA256: strings.Repeat("ab", 32)})
	must(err)
	_, err = db.AddNote(asDSL, c1.ID, "Spoke to the child.")
	must(err)
	_, err = db.CloseConcern(asDSL, c1.ID, lifeguard.NewOutcome{Codes: []lifeguard.OutcomeCode{"referred_csc", "referred_police"},
		Summary: "Referred.", CloseAnyway: "The follow-up is the new school's."})
	must(err)
	// A webhook, which c2's alert calls.
	_, err = db.CreateWebhook(ctx, lifeguard.NewWebhook{OrganisationID: a.ID, URL: "https://hooks.example.org/",
		Events: lifeguard.WebhookEvents()})
	must(err)
	// c2's referral is due in an hour, for a reminder; it alerts today.
	in2 := nc("C-2")
	due := now.Add(time.Hour).Truncate(time.Second)
	in2.Triage.Routes[0].Due, in2.Triage.Routes[0].Urgency = &due, lifeguard.SameWorkingDay
	c2, _, err := db.CreateConcernOnce(asStaff, lifeguard.ConcernKey{Key: "form:k2"}, in2)
	must(err)
	// One attempt to deliver its alerts, which failed.
	// (The store reads the real clock, a little after now.)
	later := time.Now().Add(time.Second)
	ds, err := db.ClaimOutbox(ctx, lifeguard.OutboxClaim{Holder: "a", Until: later.Add(time.Minute),
		Channels: []lifeguard.Channel{lifeguard.ChannelWebhook}, Limit: 10}, later)
	must(err)
	if len(ds) != 1 {
		t.Fatalf("claimed %d webhook calls, want 1", len(ds))
	}
	must(db.FinishOutbox(ctx, ds[0].Message.ID, "a", later, lifeguard.OutboxResult{Error: "503", Next: later.Add(time.Minute)}))
	_, err = db.KeepReportDraft(ctx, hash("s1"), now, lifeguard.ReportDraft{Step: 2, Answers: map[string][]string{"danger": {"no"}}})
	must(err)
	_, err = db.Concern(asDSL, c2.ID)
	must(err)
	tr, err := db.SendTransfer(asDSL, *c1.ChildID, b.ID, "Moving.", now.AddDate(0, 0, 7))
	must(err)
	_, err = db.ReceiveTransfer(asDSLB, tr.ID)
	must(err)
	// A child named on the register, and a second record of it merged in.
	dob := lifeguard.DateOf(now.AddDate(-12, 0, 0))
	_, err = db.SetChildIdentity(asDSL, *c2.ChildID, lifeguard.ChildIdentity{LegalForename: "Ada", LegalSurname: "Quill",
		UPN: "B801200005001", DateOfBirth: &dob, YearGroup: "7"})
	must(err)
	c3, err := db.CreateConcern(asStaff, nc("C-3"))
	must(err)
	_, err = db.MergeChildren(asDSL, *c2.ChildID, *c3.ChildID)
	must(err)
	// A reminder of c2's deadline, dismissed, and a finished job run.
	n, err := db.RaiseReminders(ctx, now, 365*24*time.Hour)
	must(err)
	if n != 1 {
		t.Fatalf("raised %d reminders, want 1", n)
	}
	rs, err := db.Reminders(asDSL)
	must(err)
	must(db.DismissReminder(asDSL, rs[0].ID))
	// Alert choices, an organisation's alert settings, and a digest.
	_, err = db.SetAlertPreferences(asDSL, lifeguard.AlertPreferences{Immediate: true, Escalations: true})
	must(err)
	_, err = db.SetAlertSettings(asDSL, lifeguard.AlertSettings{DigestAt: "16:00", Zone: "Europe/London",
		EscalateAfterMinutes: 20, EscalationList: []int64{staff.ID}})
	must(err)
	slot, err := lifeguard.DefaultAlertSettings(a.ID).LastDigest(now)
	must(err)
	_, err = db.SendDigests(ctx, lifeguard.DigestOverdue, slot.Add(time.Minute))
	must(err)
	run := lifeguard.JobClaim{Job: "reminders", Slot: now.Truncate(time.Hour), Holder: "a", Until: now.Add(time.Minute)}
	_, err = db.ClaimJob(ctx, run, now)
	must(err)
	must(db.FinishJob(ctx, run, now, ""))

	// Two audits of A, the second closing some of the first's actions,
	// and a plan with a note and an escalated barrier.
	fw, err := framework.Baseline()
	must(err)
	for _, lv := range []lifeguard.Level{2, 3} {
		au, err := db.StartAudit(asDSL, fw)
		must(err)
		var in []lifeguard.AnswerInput
		for _, asp := range fw.Applicable(a) {
			x := lifeguard.AnswerInput{AspectID: asp.ID, Level: lv, Comment: "c"}
			if lv.NeedsEvidence() || asp.ID == "L1" {
				x.Level, x.Evidence = 3, "Policy, 2026-01-01"
			}
			in = append(in, x)
		}
		_, err = db.SaveAuditAnswers(asDSL, au.ID, fw, in)
		must(err)
		_, err = db.CompleteAudit(asDSL, au.ID, fw, lifeguard.AuditCompletion{Owner: "Head"})
		must(err)
	}
	_, asOfficer := user(a, "officer@example.org", lifeguard.RolePartnership)
	obj, err := db.CreateObjective(asOfficer, lifeguard.NewObjective{Strand: lifeguard.StrandProtection, Title: "Filter"})
	must(err)
	pa, err := db.CreatePlanAction(asOfficer, obj.ID, lifeguard.NewPlanAction{Title: "Review", OwnerOrgID: a.ID,
		Due: lifeguard.DateOf(now.AddDate(0, 2, 0)), RAG: lifeguard.RAGAmber})
	must(err)
	_, err = db.AddProgressNote(asDSL, pa.ID, lifeguard.NewProgressNote{Text: "Started."})
	must(err)
	br, err := db.AddBarrier(asOfficer, pa.ID, "No budget.")
	must(err)
	_, err = db.SaveDirectoryVersion(asOfficer, 0, 0, "name: P\nversion: \"1\"\n", "first")
	must(err)
	_, err = db.SetOrganisationLeads(asOfficer, a.ID, []lifeguard.Lead{{Kind: lifeguard.LeadDSL, Name: "Asha Patel",
		Role: "Deputy head", Email: "dsl@school.example"}})
	must(err)
	_, err = db.EscalateBarrier(asOfficer, br.ID)
	must(err)

	// The policy library: a staff agreement the DSL acknowledged, whose
	// review has passed and raised a reminder (h-registers).
	past := lifeguard.DateOf(now.AddDate(0, -1, 0))
	pol, err := db.CreatePolicy(asDSL, lifeguard.NewPolicy{Kind: lifeguard.AgreementStaff, Title: "Staff", ReviewDue: &past})
	must(err)
	pol, err = db.AddPolicyVersion(asDSL, pol.ID, lifeguard.NewPolicyVersion{Text: "Be safe.", ApprovedBy: "Head",
		ApprovedOn: lifeguard.DateOf(now.AddDate(0, -2, 0))})
	must(err)
	_, err = db.Acknowledge(asDSL, pol.Versions[0].ID)
	must(err)
	_, err = db.RaisePolicyReminders(ctx, lifeguard.DateOf(now))
	must(err)

	// Teaching, parents, a survey and the access record (h-teaching).
	_, err = db.RecordTeaching(asDSL, lifeguard.NewTeaching{YearGroup: "5", Strand: lifeguard.StrandPrivacy,
		TaughtOn: lifeguard.DateOf(now), Taught: "Passwords.", TaughtBy: "Computing"})
	must(err)
	_, err = db.RecordParentContact(asDSL, lifeguard.NewParentContact{On: lifeguard.DateOf(now), Topic: "Gaming",
		Kind: lifeguard.ParentSession, Reached: 30})
	must(err)
	_, err = db.RecordChildSurvey(asDSL, lifeguard.NewChildSurvey{Title: "Online lives", On: lifeguard.DateOf(now),
		YearGroups: "Year 6", Respondents: 20, Questions: []lifeguard.SurveyQuestion{{Text: "Do you game online?",
			Options: []lifeguard.SurveyOption{{Text: "Yes", Count: 12}, {Text: "No", Count: 8}}}}})
	must(err)
	_, err = db.RecordAccessGroup(asDSL, lifeguard.NewAccessGroup{Name: "Pupils", Kind: lifeguard.AccessPupils,
		Members: "All pupils", Count: 200, Devices: "Laptops", HowGiven: "Own login", FilterGroup: "pupils"})
	must(err)

	// The DNS filter's records: a policy, events with an alert (closed
	// with a concern), a review request and a worry.
	_, err = db.SetFilterPolicy(ctx, a.ID, []byte(`{"groups":{}}`))
	must(err)
	_, asFilter := user(a, "filter@example.org", lifeguard.RoleFilter)
	id := func(n int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", n) }
	_, err = db.RecordFilterEvents(asFilter, []lifeguard.FilterEvent{
		{ID: id(1), Time: now, Client: "10.0.0.7", Name: "a.example", Category: "self_harm"},
		{ID: id(2), Time: now, Client: "10.0.0.7", Name: "b.example", Category: "gambling"},
	})
	must(err)
	alerts, err := db.FilterAlerts(asDSL, "")
	must(err)
	_, err = db.CloseFilterAlert(asDSL, alerts[0].ID, c2.ID)
	must(err)
	_, _, err = db.RecordFilterReview(asFilter, lifeguard.NewFilterReview{FilterAttempt: lifeguard.FilterAttempt{
		ID: id(3), Time: now, Client: "10.0.0.7", Name: "c.example", Category: "games"}})
	must(err)
	_, err = db.RecordFilterWorry(asFilter, lifeguard.NewFilterWorry{FilterAttempt: lifeguard.FilterAttempt{
		ID: id(4), Time: now, Client: "10.0.0.7", Name: "d.example", Category: "chat"}, Text: "Worried."},
		lifeguard.NewConcern{Facts: lifeguard.Facts{ReportedAt: now, Setting: "school", Description: "Worried.",
			ConcernTypes: []lifeguard.ConcernType{"other"}, ChildUnidentified: true},
			Triage: lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "1"}}})
	must(err)

	// A referral of c2's child from A to B, B's request for more, and
	// who receives each route.
	must(db.SetReferralReceiver(ctx, p.ID, "CSC_REFERRAL", b.ID))
	c4, err := db.CreateConcern(asStaff, nc("C-4"))
	must(err)
	ref, err := db.SendReferral(asDSL, lifeguard.NewReferral{ConcernID: c4.ID, Route: "CSC_REFERRAL", DueBy: now.Add(24 * time.Hour),
		Parts: lifeguard.ReferralParts{Words: true}})
	must(err)
	_, err = db.AddReferralMessage(asDSLB, ref.ID, lifeguard.MessageRequest, "Which class is the child in?")
	must(err)

	// Monitoring: settings, a capture kept (and counted), an exclusion.
	_, err = db.SetMonitorSettings(asDSL, lifeguard.DefaultMonitorSettings(a.ID))
	must(err)
	_, asMonitor := user(a, "monitor@example.org", lifeguard.RoleMonitor)
	scan := func(text, _ string) []lifeguard.CaptureMatch {
		if i := strings.Index(text, "nobody likes you"); i >= 0 {
			return []lifeguard.CaptureMatch{{Category: "bullying", Severity: 3, EntryID: "bul-001", Phrase: "nobody likes you",
				Start: i, End: i + len("nobody likes you")}}
		}
		return nil
	}
	_, err = db.RecordCaptures(asMonitor, []lifeguard.NewCapture{{ID: id(5), Time: now, Kind: lifeguard.CaptureTyped,
		Site: "chat.example.org", Device: "laptop-17", User: "year9", Text: "honestly nobody likes you"}}, scan)
	must(err)
	caps, err := db.Captures(asDSL, lifeguard.CaptureFilter{})
	must(err)
	if len(caps) == 0 {
		t.Fatal("no capture kept to seed an exclusion from")
	}
	_, err = db.IgnoreCapturePhrase(asDSL, caps[0].ID)
	must(err)

	// Single sign-on: a provider with its domain, and a sign-in under way.
	_, asAdmin := user(a, "admin@example.org", lifeguard.RoleAdmin)
	prov, err := db.SaveSignInProvider(asAdmin, lifeguard.SignInProvider{OrganisationID: a.ID, Name: "Example ID",
		Issuer: "https://id.example.org/", ClientID: "lifeguard", ClientSecret: "a client secret",
		Domains: []string{"example.org"}, CreateUsers: true})
	must(err)
	_, err = db.SetLegalHold(asDSL, lifeguard.NewLegalHold{ConcernID: c4.ID, Basis: lifeguard.HoldPolice, Reason: "Police investigation."})
	must(err)
	// A person's rights over their data: a subject access request with a
	// redaction chosen, a request to correct decided.
	sar, err := db.StartSubjectAccess(asDSL, lifeguard.NewSubjectAccess{Subject: lifeguard.SubjectStaff, UserID: staff.ID,
		Requester: lifeguard.RequesterSelf, RequesterName: "The member of staff", ReceivedOn: lifeguard.DateOf(now),
		Verified: lifeguard.CheckKnownInPerson})
	must(err)
	must(db.SetRedactions(asDSL, sar.ID, []lifeguard.Redaction{{Key: "staff:a colleague", Redact: true}}))
	dr, err := db.RecordDataRequest(asDSL, lifeguard.NewDataRequest{Kind: lifeguard.RequestErase, Target: lifeguard.TargetConcern,
		ConcernID: c4.ID, Requester: lifeguard.RequesterParent, RequesterName: "A parent", ReceivedOn: lifeguard.DateOf(now),
		Reason: "Please delete it."})
	must(err)
	_, err = db.DecideDataRequest(asDSL, dr.ID, lifeguard.DataDecision{Outcome: lifeguard.OutcomeRefused, Reason: "Kept by law."})
	must(err)
	// A partnership-wide request, matched at A and agreed there (h-sarwide).
	wide, err := db.StartPartnershipAccess(asOfficer, lifeguard.NewPartnershipAccess{ChildName: "Ada Quill", BornOn: dob,
		Requester: lifeguard.RequesterParent, RequesterName: "A parent", ReceivedOn: lifeguard.DateOf(now),
		Verified: lifeguard.CheckParentalResponsibility})
	must(err)
	if len(wide.Parts) != 1 {
		t.Fatalf("partnership-wide request asked %+v, want A", wide.Parts)
	}
	_, err = db.AnswerPartnershipAccess(asDSL, wide.Parts[0].ID, true, "")
	must(err)
	// Consents and training (h-consents): a consent given and withdrawn,
	// and a course of the member of staff's.
	day := lifeguard.DateOf(now.AddDate(0, -1, 0))
	_, err = db.RecordConsents(asDSL, []lifeguard.ConsentChange{{ChildID: *c4.ChildID, Kind: lifeguard.ConsentImagesPress,
		Given: true, On: day}})
	must(err)
	_, err = db.RecordConsents(asDSL, []lifeguard.ConsentChange{{ChildID: *c4.ChildID, Kind: lifeguard.ConsentImagesPress,
		On: lifeguard.DateOf(now)}})
	must(err)
	_, err = db.RecordTraining(asDSL, lifeguard.NewTraining{UserID: staff.ID, Type: lifeguard.TrainingSafeguarding,
		Course: "Safeguarding", Provider: "In house", CompletedOn: day})
	must(err)
	must(db.StartSignIn(ctx, lifeguard.SignInStart{StateHash: []byte("state"), ProviderID: prov.ID,
		BrowserHash: []byte("browser"), Nonce: "n", Verifier: "v", ExpiresAt: now.Add(time.Hour)}, now))
}

// dump reads every row of table, each as one string, sorted, with the
// engines' differences (SQLite's 0/1 for booleans, []byte or string for
// text) read away, so that the same record reads the same on both.
func dump(t *testing.T, db *sql.DB, table string, boolCols map[string]bool) []string {
	t.Helper()
	rows, err := db.Query(`SELECT * FROM "` + table + `"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			b.WriteString(cols[i] + "=")
			switch x := v.(type) {
			case nil:
				b.WriteString("NULL")
			case bool:
				fmt.Fprintf(&b, "%t", x)
			case int64:
				if boolCols[cols[i]] {
					fmt.Fprintf(&b, "%t", x != 0)
				} else {
					fmt.Fprintf(&b, "%d", x)
				}
			case int32:
				fmt.Fprintf(&b, "%d", x)
			case []byte:
				fmt.Fprintf(&b, "%x", x)
			case string:
				if boolCols[cols[i]] {
					t.Fatalf("%s.%s is text", table, cols[i])
				}
				fmt.Fprintf(&b, "%x", []byte(x))
			default:
				t.Fatalf("%s.%s: unexpected %T", table, cols[i], v)
			}
			b.WriteByte('|')
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// TestCopyToPostgres copies a SQLite store with records of every kind to
// PostgreSQL and compares every table row by row.
func TestCopyToPostgres(t *testing.T) {
	dsn := pgtest.Database(t)
	ctx := sys(t.Context())
	path := filepath.Join(t.TempDir(), "lifeguard.db")
	src := sqltest.OpenConfig(t, sqlstore.Config{Path: path})
	if err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	seedAll(t, src)
	dst := sqltest.OpenConfig(t, sqlstore.Config{DSN: dsn})

	// Only the system actor may copy.
	dslCtx := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: 2, Role: lifeguard.RoleAdmin, OrganisationID: 1,
		PartnershipID: 1, Via: "session"})
	if err := sqlstore.Copy(dslCtx, src, dst, false, nil); lifeguard.ErrorCode(err) != lifeguard.EFORBIDDEN {
		t.Errorf("a DSL copying: %v", err)
	}

	reported := map[string]int64{}
	if err := sqlstore.Copy(ctx, src, dst, false, func(table string, n int64) { reported[table] = n }); err != nil {
		t.Fatal(err)
	}

	raw := func(driver, name string) *sql.DB {
		db, err := sql.Open(driver, name)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	lite, pg := raw("sqlite", "file:"+path+"?mode=ro"), raw("pgx", dsn)

	// Every table of the target's schema but schema_migrations must have
	// been copied: a table a migration adds and Copy leaves out fails here.
	var tables []string
	boolCols := map[string]map[string]bool{}
	rows, err := pg.Query(`SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
		JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> 'schema_migrations'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var tbl, col, typ string
		if err := rows.Scan(&tbl, &col, &typ); err != nil {
			t.Fatal(err)
		}
		if boolCols[tbl] == nil {
			boolCols[tbl] = map[string]bool{}
			tables = append(tables, tbl)
		}
		if typ == "boolean" {
			boolCols[tbl][col] = true
		}
	}
	rows.Close()
	if len(tables) < 17 {
		t.Fatalf("only %d tables in the target: %v", len(tables), tables)
	}
	for _, tbl := range tables {
		n, ok := reported[tbl]
		if !ok {
			t.Errorf("table %s was not copied", tbl)
			continue
		}
		want, got := dump(t, lite, tbl, boolCols[tbl]), dump(t, pg, tbl, boolCols[tbl])
		if !slices.Equal(want, got) {
			t.Errorf("table %s differs:\nsqlite   %q\npostgres %q", tbl, want, got)
		}
		if int64(len(want)) != n {
			t.Errorf("table %s: %d rows reported, %d in the source", tbl, n, len(want))
		}
		// Every kind of record is seeded, so an empty table means the
		// seeding, and with it this test, missed one.
		if len(want) == 0 {
			t.Errorf("table %s is empty in the source: seed it", tbl)
		}
	}
	if len(reported) != len(tables) {
		t.Errorf("copied %d tables, the target has %d", len(reported), len(tables))
	}

	check, err := sqlstore.CheckCopy(ctx, src, dst)
	if err != nil {
		t.Fatal(err)
	}
	if !check.OK() || check.Target.Entries == 0 {
		t.Errorf("check: %+v, source %+v, target %+v", check.Tables, check.Source, check.Target)
	}

	// The target goes on: a new concern and its journal entries take ids
	// and seqs past the copied ones.
	dsl := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: 2, Role: lifeguard.RoleDSL, OrganisationID: 1,
		PartnershipID: 1, Via: "session"})
	c, err := dst.CreateConcern(dsl, newConcern())
	if err != nil {
		t.Fatalf("a new concern on the target: %v", err)
	}
	if c.ID != 6 { // after the four concerns seedAll records and the filter's worry
		t.Errorf("the new concern has id %d, want 6", c.ID)

	}
	if rep, err := dst.VerifyJournal(ctx); err != nil || rep.FirstBroken != 0 || rep.Entries <= check.Target.Entries {
		t.Errorf("the journal after a new concern: %+v %v", rep, err)
	}

	// A second copy without force is refused and changes nothing.
	snapshot := func() map[string][]string {
		m := map[string][]string{}
		for _, tbl := range tables {
			m[tbl] = dump(t, pg, tbl, boolCols[tbl])
		}
		return m
	}
	unchanged := func(what string, before map[string][]string) {
		t.Helper()
		for tbl, rows := range snapshot() {
			if !slices.Equal(before[tbl], rows) {
				t.Errorf("%s changed table %s of the target", what, tbl)
			}
		}
	}
	before := snapshot()
	err = sqlstore.Copy(ctx, src, dst, false, nil)
	if lifeguard.ErrorCode(err) != lifeguard.ECONFLICT || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("a second copy: %v", err)
	}
	unchanged("a refused copy", before)

	// A copy that fails part way, here on a boolean that is neither 0 nor
	// 1, leaves the target as it was, even with force: the emptying is
	// undone with the rest.
	if err := src.UncheckedExec(t.Context(), `UPDATE users SET disabled = 2 WHERE id = 4`); err != nil {
		t.Fatal(err)
	}
	if err := sqlstore.Copy(ctx, src, dst, true, nil); err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("a copy of a bad boolean: %v", err)
	}
	unchanged("a failed copy", before)
	if err := src.UncheckedExec(t.Context(), `UPDATE users SET disabled = 1 WHERE id = 4`); err != nil {
		t.Fatal(err)
	}

	// With force the target becomes the source again.
	if err := sqlstore.Copy(ctx, src, dst, true, nil); err != nil {
		t.Fatal(err)
	}
	check, err = sqlstore.CheckCopy(ctx, src, dst)
	if err != nil || !check.OK() {
		t.Fatalf("check after --force: %+v %v", check, err)
	}
	for _, tbl := range tables {
		if want, got := dump(t, lite, tbl, boolCols[tbl]), dump(t, pg, tbl, boolCols[tbl]); !slices.Equal(want, got) {
			t.Errorf("after --force, table %s differs", tbl)
		}
	}
}

// TestCopyRefusesOldSchema: a source not at this binary's schema version
// is not copied, and the error says so.
func TestCopyRefusesOldSchema(t *testing.T) {
	dst := sqltest.Open(t, sqltest.Postgres)
	src := sqltest.Open(t, sqltest.SQLite) // opened, never migrated: version 0
	err := sqlstore.Copy(sys(t.Context()), src, dst, false, nil)
	if se, ok := err.(*sqlstore.SchemaError); !ok || se.Have != 0 || se.Want < 2 {
		t.Fatalf("copy from an old schema: %v", err)
	}
}
