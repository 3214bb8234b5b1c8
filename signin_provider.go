package lifeguard

import (
	"context"
	"time"
)

// SignInProvider is an OpenID Connect provider (Entra ID, Google Workspace,
// or any other) through which the people of an organisation, or of the
// whole partnership, sign in (docs/sign-in.md). The provider proves who
// someone is; what they may do stays Lifeguard's: it signs in existing
// users by their verified email, and creates only staff.
type SignInProvider struct {
	ID            int64 `json:"id"`
	PartnershipID int64 `json:"partnership_id"`
	// OrganisationID is the organisation the provider signs in to; 0 for
	// the whole partnership, whose users of every organisation it covers.
	OrganisationID int64 `json:"organisation_id,omitempty"`
	// Name is what the sign-in page's button says: "Sign in with Name".
	Name string `json:"name"`
	// Issuer is the provider's issuer URL, from which its discovery
	// document and published keys are read.
	Issuer   string `json:"issuer"`
	ClientID string `json:"client_id"`
	// ClientSecret is sent to the provider's token endpoint and nowhere
	// else: never shown, logged or journalled. Saving a provider with it
	// empty keeps the secret it has.
	ClientSecret string `json:"-"`
	// Domains are the email domains the provider covers, lower case, each
	// covered by one provider at most.
	Domains []string `json:"domains"`
	// CreateUsers lets someone with a verified address in a covered
	// domain and no account become a member of staff of the provider's
	// organisation on their first sign-in. Only an organisation's
	// provider can: a partnership's would not know which organisation.
	CreateUsers bool `json:"create_users"`
	// TrustMFA says the administrator knows the provider enforces a second
	// factor. A safeguarding lead signed in by it then skips Lifeguard's
	// own second factor, but only when the ID token says a second factor
	// was used: amr holding "mfa", or acr equal to MFAACR when that is set.
	TrustMFA bool   `json:"trust_mfa"`
	MFAACR   string `json:"mfa_acr,omitempty"`
	// PasswordOff refuses password sign-in to the addresses of the
	// covered domains: they sign in with the provider only.
	PasswordOff bool      `json:"password_off"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// HasSecret says a client secret is kept, for pages that must not
	// show it.
	HasSecret bool `json:"has_secret"`
}

// Limits of a provider's fields, in bytes.
const (
	MaxProviderName    = 100
	MaxProviderURL     = 2000
	MaxProviderClient  = 500
	MaxProviderDomains = 50
)

// SignInStart is a sign-in under way at a provider, kept from the redirect
// to the provider until its answer comes back: once, to the browser that
// started it, before ExpiresAt. The hashes are of the random state and of
// the browser's cookie; the nonce and PKCE verifier are what the answer
// must match.
type SignInStart struct {
	StateHash   []byte
	ProviderID  int64
	BrowserHash []byte
	Nonce       string
	Verifier    string
	Next        string
	ExpiresAt   time.Time
}

// SignInProviderStore keeps the providers and the sign-ins under way.
//
// SaveSignInProvider, SignInProviders and RemoveSignInProvider are for
// administrators, within their partnership (EFORBIDDEN for other roles;
// ENOTFOUND for another partnership's provider or organisation). A
// provider that is not valid is EINVALID naming each field; a domain that
// another provider covers is EINVALID naming "domains".
//
// The rest are for Lifeguard itself (the system actor) during sign-in:
// ProviderForDomain (ENOTFOUND when no provider covers it), SignInProvider
// (with the secret), StartSignIn, TakeSignIn (ENOTFOUND for a state that is
// unknown, already taken or from another browser; the start is deleted
// whichever), and RecordSignInRefusal, which journals why a provider's
// answer was refused, by a reason code, without any personal data.
type SignInProviderStore interface {
	SaveSignInProvider(ctx context.Context, p SignInProvider) (*SignInProvider, error)
	SignInProviders(ctx context.Context) ([]SignInProvider, error)
	RemoveSignInProvider(ctx context.Context, id int64) error

	ProviderForDomain(ctx context.Context, domain string) (*SignInProvider, error)
	SignInProvider(ctx context.Context, id int64) (*SignInProvider, error)
	StartSignIn(ctx context.Context, s SignInStart, now time.Time) error
	TakeSignIn(ctx context.Context, stateHash, browserHash []byte, now time.Time) (*SignInStart, error)
	RecordSignInRefusal(ctx context.Context, providerID int64, reason string) error
	// ProviderUser returns the user (disabled too: the caller refuses
	// them) with the verified email whom
	// provider p may sign in: one of its organisation, or of its
	// partnership for a partnership's provider; ENOTFOUND otherwise. With
	// create, a missing user of an organisation's provider that allows it
	// is created as staff, and journalled.
	ProviderUser(ctx context.Context, p *SignInProvider, email, name string, create bool) (*User, error)
}
