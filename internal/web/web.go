// Package web is Lifeguard's pages: server-rendered HTML from html/template,
// with embedded templates and assets, its own CSS, and no script a page
// needs in order to work. Handlers follow one shape: read the form, check
// it, call the stores (which enforce access), then redirect or render (for
// a form, post in form.go); they return errors to one renderer.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/framework"
	"github.com/lifeguard-scp/lifeguard/internal/oidc"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// Stores are the stores the pages read and write, each enforcing access
// from the acting user. Every one is required (New refuses a missing one),
// so no page has to ask whether its store is there.
type Stores struct {
	Concerns    lifeguard.ConcernStore
	Children    lifeguard.ChildStore
	Orgs        lifeguard.OrgStore
	Preferences lifeguard.PreferenceStore
	Transfers   lifeguard.TransferStore
	// Referrals are referrals to and from other agencies (referral.go).
	Referrals lifeguard.ReferralStore
	Reminders lifeguard.ReminderStore
	// Drafts keeps report forms posted after their session ended.
	Drafts  lifeguard.DraftStore
	Audits  lifeguard.AuditStore
	Plan    lifeguard.PlanStore
	Reports lifeguard.ReportStore
	// Filter is the DNS filter's store: its alerts and reviews, which stay
	// empty while no filter sends events.
	Filter lifeguard.FilterStore
	// Alerts keeps each user's choice of alerts and the organisation's
	// alert settings.
	Alerts lifeguard.AlertStore
	// Outbox and Webhooks are the alerts' delivery, for administrators.
	Outbox   lifeguard.OutboxStore
	Webhooks lifeguard.WebhookStore
	// Monitor keeps the monitoring captures the DSL reviews.
	Monitor lifeguard.MonitorStore
	// Providers are the OpenID Connect sign-in providers, and the
	// sign-ins under way at them.
	Providers lifeguard.SignInProviderStore
	// Policies is the policy library; its staff agreement gates every
	// signed-in page until it is acknowledged (agreement.go).
	Policies lifeguard.PolicyStore
	// Directory keeps the versions of the partnership's directory, the
	// local procedure kept on pages (procedure_directory.go).
	Directory lifeguard.DirectoryStore
	// Retention is what falls due for erasure (issue 19).
	Retention lifeguard.RetentionEraser
	// Rights are requests about a person's data: subject access,
	// correction and erasure (subject_access.go, rectification.go).
	Rights lifeguard.SubjectAccessStore
	// Consents and Training are parents' consents and staff training
	// (issue 17: consent.go, training.go).
	Consents lifeguard.ConsentStore
	Training lifeguard.TrainingStore
	// Prevention keeps the teaching, parents' and internet access
	// registers (issue 17).
	Prevention lifeguard.PreventionStore
}

// missing names the first store that is not set, or "" when all are.
func (s Stores) missing() string {
	for _, st := range []struct {
		name string
		set  bool
	}{
		{"Concerns", s.Concerns != nil},
		{"Children", s.Children != nil},
		{"Orgs", s.Orgs != nil},
		{"Preferences", s.Preferences != nil},
		{"Transfers", s.Transfers != nil},
		{"Referrals", s.Referrals != nil},
		{"Reminders", s.Reminders != nil},
		{"Drafts", s.Drafts != nil},
		{"Audits", s.Audits != nil},
		{"Plan", s.Plan != nil},
		{"Reports", s.Reports != nil},
		{"Filter", s.Filter != nil},
		{"Alerts", s.Alerts != nil},
		{"Outbox", s.Outbox != nil},
		{"Webhooks", s.Webhooks != nil},
		{"Monitor", s.Monitor != nil},
		{"Providers", s.Providers != nil},
		{"Policies", s.Policies != nil},
		{"Directory", s.Directory != nil},
		{"Retention", s.Retention != nil},
		{"Rights", s.Rights != nil},
		{"Consents", s.Consents != nil},
		{"Training", s.Training != nil},
		{"Prevention", s.Prevention != nil},
	} {
		if !st.set {
			return st.name
		}
	}
	return ""
}

// Auth is what the pages need of the auth package.
type Auth interface {
	SignIn(ctx context.Context, email, password, addr string) (string, *lifeguard.Session, *lifeguard.User, error)
	// SignInVerified starts a session for a user a sign-in provider has
	// vouched for; secondFactor when the provider's own counts.
	SignInVerified(ctx context.Context, u *lifeguard.User, secondFactor bool) (string, *lifeguard.Session, error)
	Session(ctx context.Context, token string) (*lifeguard.Session, *lifeguard.User, error)
	SignOut(ctx context.Context, token string) error
	// SessionKey is what the store keeps of a session token, to find the
	// user of a session that has ended; false for a malformed token.
	SessionKey(token string) ([]byte, bool)
	Actor(u *lifeguard.User, via string) *lifeguard.Actor
	// HasSecondFactor reports whether the user has enrolled one.
	HasSecondFactor(ctx context.Context, userID int64) (bool, error)
	// BeginSecondFactor makes a new secret for the user to enrol, with its
	// otpauth URI; nothing is stored until ConfirmSecondFactor.
	BeginSecondFactor(email string) (secret, uri string, err error)
	// ConfirmSecondFactor checks a first code against the secret, stores the
	// factor and returns the recovery codes to show once. It is for a
	// first enrolment only: it refuses a user who has a factor.
	ConfirmSecondFactor(ctx context.Context, userID, sessionID int64, secret, code string) ([]string, error)
	// ReplaceSecondFactor replaces an enrolled factor, for the user
	// acting in ctx, given a code of the current factor or a recovery code
	// (current) and a first code of the new secret.
	ReplaceSecondFactor(ctx context.Context, userID, sessionID int64, current, secret, code string) ([]string, error)
	// VerifySecondFactor checks a code or a recovery code at sign-in and
	// marks the session as having passed the second factor.
	VerifySecondFactor(ctx context.Context, userID, sessionID int64, code, addr string) error
}

// Config is what the pages run with, built once by the command.
type Config struct {
	Stores    Stores
	Auth      Auth
	Procedure *procedure.Procedure
	// Live triages new concerns under the partnership's newest directory
	// version; Procedure triages when it is nil (pages tested without a
	// store of versions).
	Live *procedure.Live
	// Framework is the self-audit framework in force; the embedded
	// baseline when nil.
	Framework *lifeguard.Framework
	// Retention is the retention schedule the erasure job runs, which
	// the administrator's list of what falls due follows; the shipped
	// schedule when nil.
	Retention *lifeguard.RetentionSchedule
	Logger    *slog.Logger
	Now       func() time.Time
	// Demo marks the pages as showing demonstration data; under it alone,
	// the users in DemoAccounts (the ids of the accounts the demo seed
	// created) are exempt from the second factor. No one else is, whatever
	// their email address.
	Demo         bool
	DemoAccounts []int64
	// DemoPending, when set and true, says the demo's history is still
	// being added (serve --demo adds it after it listens): the report
	// pages say so, so that nobody reads half a year's figures as real.
	DemoPending func() bool
	// SecureCookies marks the session cookie Secure: on whenever the
	// server is reached over HTTPS, directly or through a proxy.
	SecureCookies bool
	// TrustProxy counts sign-in failures against the last address of
	// X-Forwarded-For, which the reverse proxy in front sets: without it
	// every user behind the proxy shares its address. Only for a server
	// that nothing but the proxy can reach.
	TrustProxy bool
	// MailConfigured says the server sends email (serve --smtp); without
	// it, the alerts page says why emails wait.
	MailConfigured bool
	// OIDC talks to sign-in providers; one with the default HTTP client
	// and Now when nil. Tests give their own.
	OIDC *oidc.Client
}

// Web serves the pages.
type Web struct {
	cfg       Config
	oidc      *oidc.Client
	demoUsers map[int64]bool
	templates *templates
	static    *assets
}

// New checks that every store is given, parses and checks every template
// and hashes the static assets, so a missing store or a broken template
// stops the server at start-up rather than on a user's request.
func New(cfg Config) (*Web, error) {
	if name := cfg.Stores.missing(); name != "" {
		return nil, fmt.Errorf("web: Stores.%s is not set; the pages need every store", name)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Framework == nil {
		fw, err := framework.Baseline()
		if err != nil {
			return nil, err
		}
		cfg.Framework = fw
	}
	st, err := newAssets()
	if err != nil {
		return nil, err
	}
	t, err := parseTemplates(st)
	if err != nil {
		return nil, err
	}
	wb := &Web{cfg: cfg, oidc: cfg.OIDC, templates: t, static: st, demoUsers: map[int64]bool{}}
	if wb.oidc == nil {
		wb.oidc = oidc.New(nil, cfg.Now)
	}
	if cfg.Demo {
		for _, id := range cfg.DemoAccounts {
			wb.demoUsers[id] = true
		}
	}
	return wb, nil
}
