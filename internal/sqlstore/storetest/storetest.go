// Package storetest is the test suite of internal/sqlstore, written once and
// run against every engine: sqlite_test.go runs it on a SQLite file, and
// postgres_test.go on a new PostgreSQL database per test (sqltest.Open). It uses no SQL of
// one engine only: what it writes behind the store's back (UncheckedExec)
// is plain SQL with "?" placeholders, which the store rebinds.
//
// Each test has a clock of its own (clock.go), which the store reads as its
// Config.Now and the test reads for the times it writes: deadlines in its
// triages are set relative to that clock, so "overdue" and "on time" mean
// what they say, and a test that needs time to pass moves the clock.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// Opener opens a new, empty database with cfg, not migrated, and closes it
// when the test ends. The suite sets cfg's clock and, for JournalSeal, its
// key; the engine's opener (sqltest.OpenWith) fills in the rest.
type Opener func(t *testing.T, cfg sqlstore.Config) *sqlstore.DB

// opener is the Opener of engine.
func opener(engine sqltest.Engine) Opener {
	return func(t *testing.T, cfg sqlstore.Config) *sqlstore.DB { return sqltest.OpenWith(t, engine, cfg) }
}

// Run runs the whole suite on engine; each test opens its own database.
func Run(t *testing.T, engine sqltest.Engine) {
	open := opener(engine)
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"Migrations", testMigrations},
		{"Access", testAccess},
		{"AccessRules", testAccessRules},
		{"CrossOrganisation", testCrossOrganisation},
		{"Closed", testClosed},
		{"CloseWithWorkLeft", testCloseWithWorkLeft},
		{"CancelAction", testCancelAction},
		{"Outcomes", testOutcomes},
		{"AddedRoutes", testAddedRoutes},
		{"RemindersStopWhenClosed", testRemindersStopWhenClosed},
		{"MyReports", testMyReports},
		{"Validation", testValidation},
		{"BadText", testBadText},
		{"Children", testChildren},
		{"ChildIdentity", testChildIdentity},
		{"ChildImport", testChildImport},
		{"ChildMerge", testChildMerge},
		{"ChildRecord", testChildRecord},
		{"ChildDuplicate", testChildDuplicate},
		{"TransferOnto", testTransferOnto},
		{"DueAndStatus", testDueAndStatus},
		{"NowWindow", testNowWindow},
		{"ConcernOnce", testConcernOnce},
		{"ReportDrafts", testReportDrafts},
		{"DueNotPast", testDueNotPast},
		{"UpdateFacts", testUpdateFacts},
		{"ReadBack", testReadBack},
		{"Pagination", testPagination},
		{"Chronology", testChronology},
		{"JournalCounts", testJournalCounts},
		{"JournalTamper", testJournalTamper},
		{"ConcurrentWriters", testConcurrentWriters},
		{"Organisations", testOrganisations},
		{"Deputies", testDeputies},
		{"FirstOpened", testFirstOpened},
		{"Priority", testPriority},
		{"LeadNow", testLeadNow},
		{"RiskLevel", testRiskLevel},
		{"Assignment", testAssignment},
		{"Auth", testAuth},
		{"Preferences", testPreferences},
		{"SecondFactor", testSecondFactor},
		{"SignInInputs", testSignInInputs},
		{"ThrottleStore", testThrottleStore},
		{"FactorReplaceAndReset", testFactorReplaceAndReset},
		{"DemoAccounts", testDemoAccounts},
		{"TransferAccess", testTransferAccess},
		{"Transfers", testTransfers},
		{"TransferJournal", testTransferJournal},
		{"JobClaims", testJobClaims},
		{"Reminders", testReminders},
		{"Purge", testPurge},
		{"ReportCounts", testReportCounts},
		{"ReportAccess", testReportAccess},
		{"AuditAccess", testAuditAccess},
		{"AuditAnswers", testAuditAnswers},
		{"AuditComplete", testAuditComplete},
		{"ImprovementByHand", testImprovementByHand},
		{"Policies", testPolicies},
		{"Agreements", testAgreements},
		{"PolicyReminders", testPolicyReminders},
		{"Prevention", testPrevention},
		{"PreventionReport", testPreventionReport},
		{"Plan", testPlan},
		{"FilterPolicy", testFilterPolicy},
		{"FilterEvents", testFilterEvents},
		{"FilterEventValidation", testFilterEventValidation},
		{"FilterRetention", testFilterRetention},
		{"FilterReviews", testFilterReviews},
		{"FilterWorries", testFilterWorries},
		{"FilterAccountScope", testFilterAccountScope},
		{"AlertPreferences", testAlertPreferences},
		{"AlertSettings", testAlertSettings},
		{"Escalation", testEscalation},
		{"Digests", testDigests},
		{"FilterAlertsTell", testFilterAlertsTell},
		{"OutboxNewConcern", testOutboxNewConcern},
		{"OutboxDelivery", testOutboxDelivery},
		{"Webhooks", testWebhooks},

		{"ReferralAccess", testReferralAccess},
		{"Referrals", testReferrals},
		{"ReferralLADO", testReferralLADO},
		{"ReferralInputs", testReferralInputs},
		{"Captures", testCaptures},
		{"CaptureValidation", testCaptureValidation},
		{"SignInProviders", testSignInProviders},
		{"DirectoryVersions", testDirectoryVersions},
		{"OrganisationLeads", testOrganisationLeads},
		{"Retention", testRetention},
		{"RetentionInputs", testRetentionInputs},
		{"SubjectAccess", testSubjectAccess},
		{"PartnershipAccess", testPartnershipAccess},
		{"DataRequests", testDataRequests},
		{"RetentionTransferred", testRetentionTransferred},
		{"RetentionRules", testRetentionRules},
		{"PlanRetention", testPlanRetention},
		{"ConsentImport", testConsentImport},
		{"AllegationPensionAge", testAllegationPensionAge},
		{"MaliciousAllegation", testMaliciousAllegation},
		{"Consents", testConsents},
		{"Training", testTraining},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open) })
	}
}

// openOnClock opens a new database, not migrated, whose store reads a new
// clock, and returns both.
func openOnClock(t *testing.T, open Opener) (*sqlstore.DB, *clock) {
	t.Helper()
	c := newClock()
	return open(t, sqlstore.Config{Now: c.Now}), c
}

// migrated opens a database on a new clock and migrates it.
func migrated(t *testing.T, open Opener) (*sqlstore.DB, *clock) {
	t.Helper()
	db, c := openOnClock(t, open)
	if err := db.Migrate(sys(t.Context())); err != nil {
		t.Fatalf("Migrate: %v", err)
	}
	return db, c
}

// fixture is two partnerships: the first with schools A and B and the
// partnership team's organisation T, the second with organisation C.
type fixture struct {
	db *sqlstore.DB
	// clock is the store's clock and the test's: see clock.go.
	clock                       *clock
	p1, p2                      *lifeguard.Partnership
	orgA, orgB, orgT, orgC      *lifeguard.Organisation
	staff, staff2, manager, dsl *lifeguard.User // of A
	dslB, staffB                *lifeguard.User // of B
	officer, admin              *lifeguard.User // of T
	adminC                      *lifeguard.User // of C
	nextEmail                   int
	// monitor is A's monitor account, made by the first capture of
	// newCapture; nextCapture numbers the captures it makes.
	monitor     *lifeguard.User
	nextCapture int
}

func newFixture(t *testing.T, open Opener) *fixture {
	t.Helper()
	f := &fixture{}
	f.db, f.clock = migrated(t, open)
	ctx := sys(t.Context())
	var err error
	if f.p1, err = f.db.CreatePartnership(ctx, "Northshire Safeguarding Children Partnership"); err != nil {
		t.Fatal(err)
	}
	if f.p2, err = f.db.CreatePartnership(ctx, "Southshire Safeguarding Children Partnership"); err != nil {
		t.Fatal(err)
	}
	f.orgA = f.org(t, f.p1, "Riverside Primary", "school")
	f.orgB = f.org(t, f.p1, "Hilltop Academy", "school")
	f.orgT = f.org(t, f.p1, "Partnership team", "other")
	f.orgC = f.org(t, f.p2, "Southshire College", "college")
	f.staff = f.user(t, f.orgA, lifeguard.RoleStaff)
	f.staff2 = f.user(t, f.orgA, lifeguard.RoleStaff)
	f.manager = f.user(t, f.orgA, lifeguard.RoleManager)
	f.dsl = f.user(t, f.orgA, lifeguard.RoleDSL)
	f.dslB = f.user(t, f.orgB, lifeguard.RoleDSL)
	f.staffB = f.user(t, f.orgB, lifeguard.RoleStaff)
	f.officer = f.user(t, f.orgT, lifeguard.RolePartnership)
	f.admin = f.user(t, f.orgT, lifeguard.RoleAdmin)
	f.adminC = f.user(t, f.orgC, lifeguard.RoleAdmin)
	return f
}

func (f *fixture) org(t *testing.T, p *lifeguard.Partnership, name string, setting lifeguard.Setting) *lifeguard.Organisation {
	t.Helper()
	o, err := f.db.CreateOrganisation(sys(t.Context()), lifeguard.Organisation{PartnershipID: p.ID, Name: name,
		Setting: setting, ProvidesInternet: setting == "school"})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func (f *fixture) user(t *testing.T, o *lifeguard.Organisation, role lifeguard.Role) *lifeguard.User {
	t.Helper()
	f.nextEmail++
	u, err := f.db.CreateUser(sys(t.Context()), lifeguard.NewUser{
		Email: fmt.Sprintf("User%d@Example.org", f.nextEmail), Name: fmt.Sprintf("User %d", f.nextEmail),
		Role: role, OrganisationID: o.ID, PasswordHash: "$argon2id$test"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// actorOf is the actor of a signed-in user.
func actorOf(u *lifeguard.User) *lifeguard.Actor {
	return &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: u.OrganisationID,
		PartnershipID: u.PartnershipID, Via: "session"}
}

// as returns a context acting as u.
func as(ctx context.Context, u *lifeguard.User) context.Context {
	return lifeguard.WithActor(ctx, actorOf(u))
}

// sys returns a context acting as Lifeguard itself.
func sys(ctx context.Context) context.Context {
	return lifeguard.WithActor(ctx, lifeguard.SystemActor())
}

// now is the time on the test's clock.
func (f *fixture) now() time.Time { return f.clock.Now() }

// Facts and triages.

func intp(n int) *int { return &n }

// facts returns valid facts of a grooming concern about a 13-year-old,
// reported at.
func facts(at time.Time) lifeguard.Facts {
	return lifeguard.Facts{
		ReportedAt:   at.UTC().Truncate(time.Second),
		Setting:      "school",
		Description:  "A stranger asked to meet.",
		Child:        &lifeguard.ChildFacts{Age: intp(13)},
		ChildRole:    "victim",
		ConcernTypes: []lifeguard.ConcernType{"grooming"},
		Parties:      lifeguard.Parties{UnknownInvolved: true},
	}
}

// staffFacts returns valid facts of a concern about a worker: no child.
func staffFacts(at time.Time) lifeguard.Facts {
	return lifeguard.Facts{
		ReportedAt:   at.UTC().Truncate(time.Second),
		Setting:      "school",
		ConcernTypes: []lifeguard.ConcernType{"staff_conduct"},
		Staff:        lifeguard.Staff{PrivateContact: true},
	}
}

// route is a triage route due in d from now, or with no deadline when d is 0.
type route struct {
	code lifeguard.RouteCode
	d    time.Duration
}

func (f *fixture) triage(routes ...route) lifeguard.Triage {
	t := lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "2026.1"}}
	for _, r := range routes {
		x := lifeguard.Route{Code: r.code, Title: string(r.code), Urgency: lifeguard.AsSoonAsPossible}
		if r.d != 0 {
			due := f.now().Add(r.d).UTC().Truncate(time.Second)
			x.Due, x.Urgency = &due, lifeguard.SameWorkingDay
		}
		t.Routes = append(t.Routes, x)
	}
	return t
}

// defaultTriage is what most tests record: a CSC referral due in an hour and
// advice with no deadline.
func (f *fixture) defaultTriage() lifeguard.Triage {
	return f.triage(route{"CSC_REFERRAL", time.Hour}, route{"ADVICE_PARENTS", 0})
}

// report records a concern as u with a new child.
func (f *fixture) report(t *testing.T, u *lifeguard.User) *lifeguard.Concern {
	t.Helper()
	c, err := f.db.CreateConcern(as(t.Context(), u), lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
	if err != nil {
		t.Fatalf("CreateConcern: %v", err)
	}
	return c
}

// step runs one named step of a scenario whose later steps build on it: when
// the step fails, the scenario stops there rather than fail again, less
// clearly, in every step after it.
func step(t *testing.T, name string, fn func(t *testing.T)) {
	t.Helper()
	if !t.Run(name, fn) {
		t.FailNow()
	}
}

// Assertions.

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := lifeguard.ErrorCode(err); got != code {
		t.Fatalf("error code = %q, want %q (err: %v)", got, code, err)
	}
}

// wantProblem checks that err is EINVALID with a problem at path.
func wantProblem(t *testing.T, err error, path string) {
	t.Helper()
	wantCode(t, err, lifeguard.EINVALID)
	le, ok := errors.AsType[*lifeguard.Error](err)
	if !ok {
		t.Fatalf("error %v is not a *lifeguard.Error", err)
	}
	if !slices.ContainsFunc(le.Problems, func(p lifeguard.Problem) bool { return p.Path == path }) {
		t.Fatalf("problems %v do not name %q", le.Problems, path)
	}
}

// journalLen returns the number of journal entries.
func journalLen(t *testing.T, db *sqlstore.DB) int64 {
	t.Helper()
	r, err := db.VerifyJournal(sys(t.Context()))
	if err != nil {
		t.Fatal(err)
	}
	if r.FirstBroken != 0 {
		t.Fatalf("journal broken at %d: %s", r.FirstBroken, r.Problem)
	}
	return r.Entries
}

// journalAfter returns the journal entries after seq.
func journalAfter(t *testing.T, db *sqlstore.DB, seq int64) []lifeguard.JournalEntry {
	t.Helper()
	es, err := db.JournalEntries(sys(t.Context()), seq, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return es
}
