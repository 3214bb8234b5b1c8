package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Short names for the expected codes in the access table.
const (
	ok  = ""
	nf  = lifeguard.ENOTFOUND
	fb  = lifeguard.EFORBIDDEN
	ua  = lifeguard.EUNAUTHORIZED
	inv = lifeguard.EINVALID
	cf  = lifeguard.ECONFLICT
)

// roles are the columns of the access table: who acts. The concern acted on
// was reported by "staff" in organisation A; "staff2", "manager" and "dsl"
// are A's too, "dslB" is B's (same partnership), "officer" and "admin" are
// the partnership team's.
func roles() []string {
	return []string{"staff", "staff2", "manager", "dsl", "dslB", "officer", "admin", "system", "none"}
}

func (f *fixture) ctxFor(ctx context.Context, role string) context.Context {
	switch role {
	case "system":
		return sys(ctx)
	case "none":
		return ctx
	}
	u := map[string]*lifeguard.User{"staff": f.staff, "staff2": f.staff2, "manager": f.manager, "dsl": f.dsl,
		"dslB": f.dslB, "officer": f.officer, "admin": f.admin}[role]
	return as(ctx, u)
}

// target is a fresh concern reported by staff, its new child, and an action
// set on it by the DSL. transferTarget fills in the transfers.
type target struct {
	concern, child, action int64
	staff2                 int64
	// received is the transfer of child's file to B, received there as
	// receivedChild; pending is a transfer to B of another child of A,
	// not yet received; free is a child of A with no transfer.
	received, receivedChild int64
	pending, free           int64
	// message is the concern's alert email to the DSL; webhook is a
	// webhook of A made for the target.
	message, webhook int64
	// provider is a sign-in provider of A made for the target.
	provider int64
}

func (f *fixture) target(t *testing.T) target {
	t.Helper()
	c := f.report(t, f.staff)
	x, err := f.db.AddAction(as(t.Context(), f.dsl), c.ID, lifeguard.NewAction{Title: "Speak to parents",
		Owner: "DSL", Due: lifeguard.DateOf(f.now().AddDate(0, 0, 3))})
	if err != nil {
		t.Fatal(err)
	}
	// A webhook for filter alerts only, so that the targets' concerns do
	// not call the webhooks of the targets before them.
	w, err := f.db.CreateWebhook(sys(t.Context()), lifeguard.NewWebhook{OrganisationID: f.orgA.ID,
		URL: "https://hooks.example.org/", Events: []lifeguard.AlertKind{lifeguard.AlertFilterAlert}})
	if err != nil {
		t.Fatal(err)
	}
	ms, err := f.db.OutboxMessages(sys(t.Context()), lifeguard.OutboxFilter{Limit: 10}) // newest first
	if err != nil {
		t.Fatal(err)
	}
	var message int64
	for _, m := range ms {
		if m.ConcernID == c.ID && m.UserID == f.dsl.ID {
			message = m.ID
		}
	}
	if message == 0 {
		t.Fatal("the target concern wrote no alert to its DSL")
	}
	p, err := f.db.SaveSignInProvider(sys(t.Context()), signInProvider(f.orgA.ID, fmt.Sprintf("t%d.example.org", c.ID)))
	if err != nil {
		t.Fatal(err)
	}
	return target{concern: c.ID, child: *c.ChildID, action: x.ID, staff2: f.staff2.ID, message: message, webhook: w.ID,
		provider: p.ID}
}

type accessCase struct {
	op   string
	want []string // one code per role, in the order of roles
	// mutates says the operation changes the target, which is then made
	// afresh for each role.
	mutates bool
	call    func(ctx context.Context, f *fixture, tg target) error
}

func accessCases() []accessCase {
	return []accessCase{
		{"CreateConcern", []string{ok, ok, ok, ok, ok, fb, fb, inv, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
			return err
		}},
		{"Concern", []string{ok, nf, nf, ok, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Concern(ctx, tg.concern)
			return err
		}},
		{"ListConcerns", []string{ok, ok, ok, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ListConcerns(ctx, lifeguard.ConcernFilter{})
			return err
		}},
		{"UpdateFacts", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.UpdateFacts(ctx, tg.concern, facts(f.now()), f.defaultTriage())
			return err
		}},
		{"UpdateValidFacts", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			fx := facts(f.now())
			v, err := fx.Check()
			if err != nil {
				return fmt.Errorf("the test's facts: %w", err)
			}
			_, err = f.db.UpdateValidFacts(ctx, tg.concern, v, f.defaultTriage())
			return err
		}},
		{"AddDecision", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddDecision(ctx, tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: lifeguard.DecisionAccepted})
			return err
		}},
		{"AddAction", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddAction(ctx, tg.concern, lifeguard.NewAction{Title: "Call CSC", Owner: "DSL",
				Due: lifeguard.DateOf(f.now())})
			return err
		}},
		{"CompleteAction", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CompleteAction(ctx, tg.concern, tg.action)
			return err
		}},
		{"CancelAction", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CancelAction(ctx, tg.concern, tg.action, "Not needed after all.")
			return err
		}},
		{"AddRoute", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddRoute(ctx, tg.concern, lifeguard.NewRoute{Route: lifeguard.Route{Code: "POLICE_101",
				Title: "Tell the police", Urgency: lifeguard.SameWorkingDay}, Reason: "Threats were made."})
			return err
		}},
		{"ListConcerns(mine)", []string{ok, ok, ok, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ListConcerns(ctx, lifeguard.ConcernFilter{ReportedByMe: true})
			return err
		}},
		{"AddEvidence", []string{ok, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddEvidence(ctx, tg.concern, lifeguard.NewEvidence{What: "Screenshots of the chat",
				Location: "School safe", HeldBy: "DSL"})
			return err
		}},
		{"AddNote", []string{ok, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AddNote(ctx, tg.concern, "Spoke to the child.")
			return err
		}},
		{"CloseConcern", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CloseConcern(ctx, tg.concern, lifeguard.NewOutcome{Code: "referred_csc", Summary: "Referred.", CloseAnyway: "Closed for the test with work left."})
			return err
		}},
		{"SetRiskLevel", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetRiskLevel(ctx, tg.concern, lifeguard.RiskHigh)
			return err
		}},
		{"AssignConcern", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.AssignConcern(ctx, tg.concern, f.dsl.ID)
			return err
		}},
		{"Assignees", []string{fb, nf, nf, ok, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Assignees(ctx, tg.concern)
			return err
		}},
		{"ListConcerns(priority)", []string{ok, ok, ok, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ListConcerns(ctx, lifeguard.ConcernFilter{Order: lifeguard.OrderPriority})
			return err
		}},
		{"Child", []string{fb, fb, fb, ok, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Child(ctx, tg.child)
			return err
		}},
		{"FindChildren", []string{ok, ok, ok, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.FindChildren(ctx, "C-")
			return err
		}},
		{"SetChildIdentity", []string{fb, fb, ok, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetChildIdentity(ctx, tg.child, lifeguard.ChildIdentity{LegalSurname: "Quill"})
			return err
		}},
		{"SearchChildren", []string{ok, ok, ok, ok, ok, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SearchChildren(ctx, "c")
			return err
		}},
		{"ImportChildren", []string{fb, fb, ok, ok, nf, fb, fb, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			dob := lifeguard.DateOf(f.now().AddDate(-10, 0, 0))
			_, err := f.db.ImportChildren(ctx, lifeguard.ChildImport{OrganisationID: f.orgA.ID, Lines: []lifeguard.ChildImportLine{
				{Line: 2, Identity: lifeguard.ChildIdentity{LegalForename: "Ada", LegalSurname: "Quill", DateOfBirth: &dob}}}})
			return err
		}},
		{"MergeChildren", []string{fb, fb, fb, ok, nf, nf, nf, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			other, err := f.db.CreateConcern(as(ctx, f.staff2), lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage()})
			if err != nil {
				return fmt.Errorf("the second record: %w", err)
			}
			_, err = f.db.MergeChildren(ctx, tg.child, *other.ChildID)
			return err
		}},
		{"ListChildren", []string{fb, fb, ok, ok, nf, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ListChildren(ctx, f.orgA.ID, 0, 10)
			return err
		}},
		{"ChildMerges", []string{fb, fb, fb, ok, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ChildMerges(ctx, tg.child)
			return err
		}},
		{"Chronology", []string{fb, fb, fb, ok, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Chronology(ctx, tg.child)
			return err
		}},
		{"ChildRecord", []string{fb, fb, fb, ok, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ChildRecord(ctx, tg.child)
			return err
		}},
		{"VerifyJournal", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.VerifyJournal(ctx)
			return err
		}},
		{"JournalEntries", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.JournalEntries(ctx, 0, 10)
			return err
		}},
		{"CreatePartnership", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CreatePartnership(ctx, "Another partnership")
			return err
		}},
		{"CreateOrganisation", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CreateOrganisation(ctx, lifeguard.Organisation{PartnershipID: f.p1.ID, Name: "New school",
				Setting: "school"})
			return err
		}},
		{"Organisation(own partnership)", []string{ok, ok, ok, ok, ok, ok, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Organisation(ctx, f.orgA.ID)
			return err
		}},
		{"Organisation(other partnership)", []string{nf, nf, nf, nf, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Organisation(ctx, f.orgC.ID)
			return err
		}},
		{"SetSafeguardingPhone", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetSafeguardingPhone(ctx, f.orgA.ID, "01632 960 999")
			return err
		}},
		// The number of children per organisation (issue 14, h-demo).
		{"SetChildrenCount", []string{fb, fb, ok, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			n := int64(420)
			_, err := f.db.SetChildrenCount(ctx, f.orgA.ID, &n)
			return err
		}},
		{"SetChildrenCount(other partnership)", []string{nf, nf, nf, nf, nf, nf, nf, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			n := int64(420)
			_, err := f.db.SetChildrenCount(ctx, f.orgC.ID, &n)
			return err
		}},
		{"Organisations", []string{ok, ok, ok, ok, ok, ok, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Organisations(ctx)
			return err
		}},
		{"Partnership", []string{ok, ok, ok, ok, ok, ok, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Partnership(ctx, f.p1.ID)
			return err
		}},
		{"CreateUser", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			f.nextEmail++
			_, err := f.db.CreateUser(ctx, lifeguard.NewUser{Email: fmt.Sprintf("new%d@example.org", f.nextEmail),
				Name: "New", Role: lifeguard.RoleStaff, OrganisationID: f.orgA.ID})
			return err
		}},
		{"User", []string{ok, ok, ok, ok, nf, nf, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.User(ctx, f.staff.ID)
			return err
		}},
		{"Users", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Users(ctx)
			return err
		}},
		{"SetUserDisabled", []string{fb, fb, fb, fb, nf, nf, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SetUserDisabled(ctx, tg.staff2, false)
			return err
		}},
		// The outbox: delivery is Lifeguard's own; administrators see and
		// retry their partnership's messages and keep its webhooks.
		{"ClaimOutbox", []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.ClaimOutbox(ctx, lifeguard.OutboxClaim{Holder: "access", Until: f.now().Add(time.Minute),
				Channels: []lifeguard.Channel{lifeguard.ChannelWebhook}, Limit: 1}, f.now())
			return err
		}},
		{"FinishOutbox", []string{fb, fb, fb, fb, fb, fb, fb, cf, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			return f.db.FinishOutbox(ctx, tg.message, "nobody", f.now(), lifeguard.OutboxResult{})
		}},
		{"OutboxMessages", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.OutboxMessages(ctx, lifeguard.OutboxFilter{})
			return err
		}},
		{"OutboxAttempts", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.OutboxAttempts(ctx, tg.message)
			return err
		}},
		{"RetryOutbox", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			return f.db.RetryOutbox(ctx, tg.message)
		}},
		{"CreateWebhook", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.CreateWebhook(ctx, lifeguard.NewWebhook{OrganisationID: f.orgA.ID,
				URL: "https://hooks.example.org/", Events: lifeguard.WebhookEvents()})
			return err
		}},
		{"Webhooks", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.Webhooks(ctx)
			return err
		}},
		{"RemoveWebhook", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			return f.db.RemoveWebhook(ctx, tg.webhook)
		}},
		// Single sign-on: administrators connect their partnership's
		// organisations to sign-in providers.
		{"SaveSignInProvider", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			f.nextEmail++
			_, err := f.db.SaveSignInProvider(ctx, signInProvider(f.orgA.ID, fmt.Sprintf("p%d.example.org", f.nextEmail)))
			return err
		}},
		{"SignInProviders", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, false, func(ctx context.Context, f *fixture, tg target) error {
			_, err := f.db.SignInProviders(ctx)
			return err
		}},
		{"RemoveSignInProvider", []string{fb, fb, fb, fb, fb, fb, ok, ok, ua}, true, func(ctx context.Context, f *fixture, tg target) error {
			return f.db.RemoveSignInProvider(ctx, tg.provider)
		}},
	}
}

// authCases are the AuthStore's methods, each for the system actor only.
// setup runs as the system first and returns what the call needs.
func authCases(f *fixture) []accessCase {
	sysOnly := []string{fb, fb, fb, fb, fb, fb, fb, ok, ua}
	hash := func(s string) []byte { return []byte("hash-" + s) }
	now := f.now()
	n := 0
	session := func(ctx context.Context) (*lifeguard.Session, error) {
		n++
		return f.db.CreateSession(sys(ctx), lifeguard.Session{UserID: f.staff.ID, TokenHash: hash(fmt.Sprint("s", n)),
			ExpiresAt: now.Add(time.Hour)})
	}
	token := func(ctx context.Context) (*lifeguard.APIToken, []byte, error) {
		n++
		h := hash(fmt.Sprint("t", n))
		tk, err := f.db.CreateToken(sys(ctx), f.staff.ID, "laptop", "lg_abc", h)
		return tk, h, err
	}
	p, err := f.db.SaveSignInProvider(sys(context.Background()), signInProvider(f.orgA.ID, "auth.example.org"))
	if err != nil {
		panic(err)
	}
	start := func(ctx context.Context) ([]byte, error) {
		n++
		st := []byte(fmt.Sprint("state", n))
		return st, f.db.StartSignIn(sys(ctx), lifeguard.SignInStart{StateHash: st, ProviderID: p.ID,
			BrowserHash: []byte("browser"), Nonce: "n", Verifier: "v", ExpiresAt: now.Add(time.Hour)}, now)
	}
	return []accessCase{
		{"ProviderForDomain", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.ProviderForDomain(ctx, "auth.example.org")
			return err
		}},
		{"SignInProvider", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.SignInProvider(ctx, p.ID)
			return err
		}},
		{"StartSignIn", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			n++
			return f.db.StartSignIn(ctx, lifeguard.SignInStart{StateHash: []byte(fmt.Sprint("s", n)), ProviderID: p.ID,
				BrowserHash: []byte("browser"), Nonce: "n", Verifier: "v", ExpiresAt: now.Add(time.Hour)}, now)
		}},
		{"TakeSignIn", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			st, err := start(ctx)
			if err != nil {
				return err
			}
			_, err = f.db.TakeSignIn(ctx, st, []byte("browser"), now)
			return err
		}},
		{"RecordSignInRefusal", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.RecordSignInRefusal(ctx, p.ID, "audience")
		}},
		{"ProviderUser", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.ProviderUser(ctx, p, "someone@auth.example.org", "Someone", true)
			return err
		}},
		{"CredentialsByEmail", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.CredentialsByEmail(ctx, f.staff.Email)
			return err
		}},
		{"SetPasswordHash", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.SetPasswordHash(ctx, f.staff.ID, "$argon2id$new")
		}},
		{"RecordSignIn", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.RecordSignIn(ctx, f.staff.ID, now)
		}},
		{"CreateSession", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			n++
			_, err := f.db.CreateSession(ctx, lifeguard.Session{UserID: f.staff.ID, TokenHash: hash(fmt.Sprint("c", n)),
				ExpiresAt: now.Add(time.Hour)})
			return err
		}},
		{"SessionByHash", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			s, err := session(ctx)
			if err != nil {
				return err
			}
			_, _, err = f.db.SessionByHash(ctx, s.TokenHash, now)
			return err
		}},
		{"TouchSession", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			s, err := session(ctx)
			if err != nil {
				return err
			}
			return f.db.TouchSession(ctx, s.ID, now, now.Add(2*time.Hour))
		}},
		{"SetSessionSecondFactor", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			s, err := session(ctx)
			if err != nil {
				return err
			}
			return f.db.SetSessionSecondFactor(ctx, s.ID)
		}},
		{"DeleteSession", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			s, err := session(ctx)
			if err != nil {
				return err
			}
			return f.db.DeleteSession(ctx, s.TokenHash)
		}},
		{"DeleteUserSessions", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.DeleteUserSessions(ctx, f.staff2.ID)
		}},
		{"CreateToken", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.CreateToken(ctx, f.staff.ID, "laptop", "lg_abc", hash(fmt.Sprint("x", now.UnixNano())))
			return err
		}},
		{"TokenByHash", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, h, err := token(ctx)
			if err != nil {
				return err
			}
			_, _, err = f.db.TokenByHash(ctx, h, now)
			return err
		}},
		{"Tokens", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.Tokens(ctx, f.staff.ID)
			return err
		}},
		{"RevokeToken", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			tk, _, err := token(ctx)
			if err != nil {
				return err
			}
			return f.db.RevokeToken(ctx, tk.ID, now)
		}},
		{"CountFailures", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.CountFailures(ctx, "user@example.org", now.Add(-time.Hour))
			return err
		}},
		{"RecordFailure", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.RecordFailure(ctx, "user@example.org", now)
		}},
		{"ClearFailures", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.ClearFailures(ctx, "user@example.org")
		}},
		{"Failures", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.Failures(ctx, now.Add(-time.Hour))
			return err
		}},
		{"SignedIn", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.SignedIn(ctx, f.staff.ID, "account:user@example.org", "addr:192.0.2.1", "pair:192.0.2.1 user@example.org", now)
		}},
		{"RecordFailures", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.RecordFailures(ctx, now, "account:user@example.org", "addr:192.0.2.1")
		}},
		{"KnownAddress", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.KnownAddress(ctx, "account:user@example.org", "addr:192.0.2.1", now.Add(-time.Hour))
			return err
		}},
		{"MarkDemoAccounts", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			return f.db.MarkDemoAccounts(ctx, []int64{f.staff.ID})
		}},
		{"DemoAccounts", sysOnly, false, func(ctx context.Context, f *fixture, _ target) error {
			_, err := f.db.DemoAccounts(ctx)
			return err
		}},
	}
}

// testAccess runs every store method as every role and checks the code of
// the answer against the contract in store.go.
func testAccess(t *testing.T, open Opener) {
	f := newFixture(t, open)
	cases := slices.Concat(accessCases(), authCases(f), preferenceCases(), secondFactorCases(f), jobCases(), alertCases(),
		captureCases(t, f), retentionCases(), dataRightsCases(), leadAccessCases(),
		partnershipAccessCases())
	runAccessCases(t, f, cases, f.target)

	// A manager, like staff, sees and adds to what they reported, and no
	// more.
	t.Run("ManagerReports", func(t *testing.T) {
		c := f.report(t, f.manager)
		ctx := as(t.Context(), f.manager)
		if _, err := f.db.Concern(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.db.AddNote(ctx, c.ID, "Parents told."); err != nil {
			t.Fatal(err)
		}
		_, err := f.db.AddDecision(ctx, c.ID, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: lifeguard.DecisionAccepted})
		wantCode(t, err, lifeguard.EFORBIDDEN)
		page, err := f.db.ListConcerns(ctx, lifeguard.ConcernFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.Concerns {
			if s.ReporterID != f.manager.ID {
				t.Errorf("manager lists concern %d reported by %d", s.ID, s.ReporterID)
			}
		}
		if len(page.Concerns) == 0 {
			t.Error("manager does not list their own concern")
		}
	})

	// Staff find a child by reference only: no age, no vulnerabilities.
	t.Run("StaffFindReferenceOnly", func(t *testing.T) {
		cs, err := f.db.FindChildren(as(t.Context(), f.staff2), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 {
			t.Fatal("staff find no child")
		}
		for _, c := range cs {
			if c.Age != nil || c.DateOfBirth != nil || len(c.Vulnerabilities) != 0 || c.Ref == "" {
				t.Errorf("staff see more than the reference: %+v", c)
			}
		}
		cs, err = f.db.FindChildren(as(t.Context(), f.dsl), "")
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 || cs[0].Age == nil {
			t.Errorf("DSL does not see the child's record: %+v", cs)
		}
	})
}

// runAccessCases runs each case as every role and checks the code of the
// answer. fresh makes the target: once for the cases that only read, and
// anew for each role for those that change it.
func runAccessCases(t *testing.T, f *fixture, cases []accessCase, fresh func(t *testing.T) target) {
	t.Helper()
	shared := fresh(t)
	for _, c := range cases {
		t.Run(c.op, func(t *testing.T) {
			if len(c.want) != len(roles()) {
				t.Fatalf("case has %d codes for %d roles", len(c.want), len(roles()))
			}
			for i, role := range roles() {
				tg := shared
				if c.mutates {
					tg = fresh(t)
				}
				err := c.call(f.ctxFor(t.Context(), role), f, tg)
				if got := lifeguard.ErrorCode(err); got != c.want[i] {
					t.Errorf("%s as %s: code %q, want %q (err: %v)", c.op, role, got, c.want[i], err)
				}
			}
		})
	}
}

// testCrossOrganisation checks that another organisation's concern or child
// answers exactly as one that does not exist.
func testCrossOrganisation(t *testing.T, open Opener) {
	f := newFixture(t, open)
	tg := f.target(t)
	const missing = 1 << 40
	ctx := as(t.Context(), f.dslB)
	ops := []struct {
		name string
		call func(id int64) error
	}{
		{"Concern", func(id int64) error { _, err := f.db.Concern(ctx, id); return err }},
		{"UpdateFacts", func(id int64) error {
			_, err := f.db.UpdateFacts(ctx, id, facts(f.now()), f.defaultTriage())
			return err
		}},
		{"AddDecision", func(id int64) error {
			_, err := f.db.AddDecision(ctx, id, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "accepted"})
			return err
		}},
		{"AddNote", func(id int64) error { _, err := f.db.AddNote(ctx, id, "x"); return err }},
		{"AddEvidence", func(id int64) error {
			_, err := f.db.AddEvidence(ctx, id, lifeguard.NewEvidence{What: "a", Location: "b", HeldBy: "c"})
			return err
		}},
		{"CompleteAction", func(id int64) error { _, err := f.db.CompleteAction(ctx, id, tg.action); return err }},
		{"CancelAction", func(id int64) error { _, err := f.db.CancelAction(ctx, id, tg.action, "x"); return err }},
		{"AddRoute", func(id int64) error {
			_, err := f.db.AddRoute(ctx, id, lifeguard.NewRoute{Route: lifeguard.Route{Code: "POLICE_101", Title: "x",
				Urgency: lifeguard.Advice}, Reason: "x"})
			return err
		}},
		{"CloseConcern", func(id int64) error {
			_, err := f.db.CloseConcern(ctx, id, lifeguard.NewOutcome{Code: "early_help", Summary: "x", CloseAnyway: "Closed for the test with work left."})
			return err
		}},
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			other, none := op.call(tg.concern), op.call(missing)
			wantCode(t, other, lifeguard.ENOTFOUND)
			wantCode(t, none, lifeguard.ENOTFOUND)
			if lifeguard.ErrorMessage(other) != lifeguard.ErrorMessage(none) {
				t.Errorf("another organisation's concern answers %q, a missing one %q", lifeguard.ErrorMessage(other),
					lifeguard.ErrorMessage(none))
			}
		})
	}
	for _, op := range []struct {
		name string
		call func(id int64) error
	}{
		{"Child", func(id int64) error { _, err := f.db.Child(ctx, id); return err }},
		{"Chronology", func(id int64) error { _, err := f.db.Chronology(ctx, id); return err }},
		{"ChildRecord", func(id int64) error { _, err := f.db.ChildRecord(ctx, id); return err }},
	} {
		t.Run(op.name, func(t *testing.T) {
			other, none := op.call(tg.child), op.call(missing)
			wantCode(t, other, lifeguard.ENOTFOUND)
			wantCode(t, none, lifeguard.ENOTFOUND)
			if lifeguard.ErrorMessage(other) != lifeguard.ErrorMessage(none) {
				t.Errorf("another organisation's child answers %q, a missing one %q", lifeguard.ErrorMessage(other),
					lifeguard.ErrorMessage(none))
			}
		})
	}
	t.Run("ListAndFind", func(t *testing.T) {
		page, err := f.db.ListConcerns(ctx, lifeguard.ConcernFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(page.Concerns) != 0 {
			t.Errorf("B's DSL lists A's concerns: %+v", page.Concerns)
		}
		cs, err := f.db.FindChildren(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 0 {
			t.Errorf("B's DSL finds A's children: %+v", cs)
		}
	})
	t.Run("LinkOtherOrganisationsChild", func(t *testing.T) {
		_, err := f.db.CreateConcern(ctx, lifeguard.NewConcern{Facts: facts(f.now()), Triage: f.defaultTriage(),
			ChildID: tg.child})
		wantProblem(t, err, "child_id")
	})
}

// testClosed checks that a closed concern can be read but not changed.
func testClosed(t *testing.T, open Opener) {
	f := newFixture(t, open)
	tg := f.target(t)
	dsl := as(t.Context(), f.dsl)
	c, err := f.db.CloseConcern(dsl, tg.concern, lifeguard.NewOutcome{Code: "referred_csc", Summary: "Referred to CSC.", CloseAnyway: "Closed for the test with work left."})
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != lifeguard.StatusClosed || c.Outcome == nil || c.Outcome.Code != "referred_csc" ||
		c.Outcome.ClosedBy != f.dsl.ID {
		t.Fatalf("closed concern: status %s, outcome %+v", c.Status, c.Outcome)
	}
	staff := as(t.Context(), f.staff)
	changes := []struct {
		name string
		ctx  context.Context
		call func(ctx context.Context) error
	}{
		{"UpdateFacts", dsl, func(ctx context.Context) error {
			_, err := f.db.UpdateFacts(ctx, tg.concern, facts(f.now()), f.defaultTriage())
			return err
		}},
		{"AddDecision", dsl, func(ctx context.Context) error {
			_, err := f.db.AddDecision(ctx, tg.concern, lifeguard.NewDecision{Route: "CSC_REFERRAL", Decision: "done"})
			return err
		}},
		{"AddAction", dsl, func(ctx context.Context) error {
			_, err := f.db.AddAction(ctx, tg.concern, lifeguard.NewAction{Title: "a", Owner: "b", Due: lifeguard.DateOf(f.now())})
			return err
		}},
		{"CompleteAction", dsl, func(ctx context.Context) error { _, err := f.db.CompleteAction(ctx, tg.concern, tg.action); return err }},
		{"CancelAction", dsl, func(ctx context.Context) error {
			_, err := f.db.CancelAction(ctx, tg.concern, tg.action, "x")
			return err
		}},
		{"AddRoute", dsl, func(ctx context.Context) error {
			_, err := f.db.AddRoute(ctx, tg.concern, lifeguard.NewRoute{Route: lifeguard.Route{Code: "POLICE_101", Title: "x",
				Urgency: lifeguard.Advice}, Reason: "x"})
			return err
		}},
		{"AddEvidence", dsl, func(ctx context.Context) error {
			_, err := f.db.AddEvidence(ctx, tg.concern, lifeguard.NewEvidence{What: "a", Location: "b", HeldBy: "c"})
			return err
		}},
		{"AddNote", dsl, func(ctx context.Context) error { _, err := f.db.AddNote(ctx, tg.concern, "x"); return err }},
		{"AddNoteByReporter", staff, func(ctx context.Context) error { _, err := f.db.AddNote(ctx, tg.concern, "x"); return err }},
		{"CloseAgain", dsl, func(ctx context.Context) error {
			_, err := f.db.CloseConcern(ctx, tg.concern, lifeguard.NewOutcome{Code: "early_help", Summary: "x", CloseAnyway: "Closed for the test with work left."})
			return err
		}},
		{"System", sys(t.Context()), func(ctx context.Context) error { _, err := f.db.AddNote(ctx, tg.concern, "x"); return err }},
	}
	for _, ch := range changes {
		t.Run(ch.name, func(t *testing.T) { wantCode(t, ch.call(ch.ctx), lifeguard.ECONFLICT) })
	}
	t.Run("ReadStillWorks", func(t *testing.T) {
		for _, ctx := range []context.Context{dsl, staff} {
			c, err := f.db.Concern(ctx, tg.concern)
			if err != nil {
				t.Fatal(err)
			}
			if c.Status != lifeguard.StatusClosed {
				t.Errorf("status %s", c.Status)
			}
		}
	})
	t.Run("StaffForbiddenBeforeConflict", func(t *testing.T) {
		// Access is decided before state: the reporter is told they may not
		// close it, not that it is closed.
		_, err := f.db.CloseConcern(staff, tg.concern, lifeguard.NewOutcome{Code: "early_help", Summary: "x", CloseAnyway: "Closed for the test with work left."})
		wantCode(t, err, lifeguard.EFORBIDDEN)
	})
}
