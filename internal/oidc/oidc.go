// Package oidc is Lifeguard's side of an OpenID Connect sign-in (a relying
// party): the provider's discovery document and published keys, the
// authorization code flow with PKCE, and the checks of the ID token that
// comes back (docs/sign-in.md). It wraps github.com/coreos/go-oidc, which
// verifies signatures against the provider's keys and fetches them again
// when a token is signed with a key it has not seen (key rotation), and
// golang.org/x/oauth2 for the code exchange.
//
// Each check that fails gives a *Refusal with a reason code for the journal
// and words for the person; no claim's value is ever put in either.
package oidc

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"github.com/lifeguard-scp/lifeguard"
)

// Refusal is an answer of the provider that sign-in does not accept.
type Refusal struct {
	// Reason is a code for the journal: provider_error, discovery,
	// exchange, no_id_token, signature, issuer, audience, expired, nonce,
	// userinfo, no_email, email_unverified.
	Reason string
	// Message says what happened, in words for the person signing in.
	Message string
	// Err is the underlying error, for the server's log; it holds no
	// claim's value.
	Err error
}

func (r *Refusal) Error() string {
	if r.Err != nil {
		return "oidc: " + r.Reason + ": " + r.Err.Error()
	}
	return "oidc: " + r.Reason
}

func (r *Refusal) Unwrap() error { return r.Err }

func refuse(reason, message string, err error) *Refusal {
	return &Refusal{Reason: reason, Message: message, Err: err}
}

// Identity is who the provider says signed in.
type Identity struct {
	Email string
	Name  string
	// MFA is true when the token says a second factor was used, as the
	// provider's settings read it (amr "mfa", or acr equal to MFAACR).
	MFA bool
}

// Client talks to providers. It is safe for concurrent use, and keeps each
// issuer's discovery document and key set for the life of the process.
type Client struct {
	// HTTP is the client for every call to a provider; a client with a
	// 15-second timeout when nil.
	HTTP *http.Client
	// Now is the clock the token's expiry is checked against.
	Now func() time.Time

	mu        sync.Mutex
	providers map[string]*gooidc.Provider
}

// New returns a Client.
func New(client *http.Client, now func() time.Time) *Client {
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &Client{HTTP: client, Now: now, providers: map[string]*gooidc.Provider{}}
}

// ctx carries the HTTP client to go-oidc and oauth2, which look for it
// there.
func (c *Client) ctx(ctx context.Context) context.Context {
	return gooidc.ClientContext(ctx, c.HTTP)
}

// provider reads the issuer's discovery document once; a failure is not
// kept, so the next sign-in tries again.
func (c *Client) provider(ctx context.Context, issuer string) (*gooidc.Provider, error) {
	c.mu.Lock()
	p, ok := c.providers[issuer]
	c.mu.Unlock()
	if ok {
		return p, nil
	}
	// The key set the provider makes keeps this context for its later
	// fetches, without its cancellation (go-oidc drops that).
	p, err := gooidc.NewProvider(c.ctx(ctx), issuer)
	if err != nil {
		return nil, refuse("discovery", "Lifeguard could not reach your organisation's sign-in service. Try again later, or tell your administrator.", err)
	}
	c.mu.Lock()
	c.providers[issuer] = p
	c.mu.Unlock()
	return p, nil
}

func (c *Client) config(p *gooidc.Provider, sp *lifeguard.SignInProvider, redirect string) *oauth2.Config {
	return &oauth2.Config{ClientID: sp.ClientID, ClientSecret: sp.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: redirect, Scopes: []string{gooidc.ScopeOpenID, "email", "profile"}}
}

// Start is a new sign-in's secrets: the state, nonce and PKCE verifier.
type Start struct {
	State, Nonce, Verifier string
}

// NewStart makes the random values of a sign-in.
func NewStart() Start {
	return Start{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier()}
}

func random() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// AuthURL is where the browser goes to sign in at the provider: the code
// flow, with the state, the nonce and the PKCE challenge of s, and the
// address typed as a hint.
func (c *Client) AuthURL(ctx context.Context, sp *lifeguard.SignInProvider, redirect string, s Start, hint string) (string, error) {
	p, err := c.provider(ctx, sp.Issuer)
	if err != nil {
		return "", err
	}
	opts := []oauth2.AuthCodeOption{gooidc.Nonce(s.Nonce), oauth2.S256ChallengeOption(s.Verifier)}
	if hint != "" {
		opts = append(opts, oauth2.SetAuthURLParam("login_hint", hint))
	}
	return c.config(p, sp, redirect).AuthCodeURL(s.State, opts...), nil
}

// AuthOrigin is the origin (scheme://host[:port]) of the provider's
// authorization endpoint: the page that sends the browser there must let
// its form lead to it.
func (c *Client) AuthOrigin(ctx context.Context, sp *lifeguard.SignInProvider) (string, error) {
	p, err := c.provider(ctx, sp.Issuer)
	if err != nil {
		return "", err
	}
	u, err := url.Parse(p.Endpoint().AuthURL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", refuse("discovery", "Your organisation's sign-in service gave Lifeguard an address it cannot use. Tell your administrator.", err)
	}
	return u.Scheme + "://" + u.Host, nil
}

// claims are the ID token's claims Lifeguard reads.
type claims struct {
	Email string `json:"email"`
	// EmailVerified is a boolean, or a string "true" from some providers.
	EmailVerified any      `json:"email_verified"`
	Name          string   `json:"name"`
	AMR           []string `json:"amr"`
	ACR           string   `json:"acr"`
	// EDOV is Entra ID's optional claim that the email's domain is
	// verified as the tenant's (docs/sign-in.md).
	EDOV any    `json:"xms_edov"`
	AZP  string `json:"azp"`
}

func truthy(v any) bool {
	switch v := v.(type) {
	case bool:
		return v
	case string:
		return strings.EqualFold(v, "true") || v == "1"
	}
	return false
}

// Finish exchanges the code for tokens, with the PKCE verifier, and checks
// the ID token: its signature against the provider's published keys, its
// issuer, its audience (this client), its expiry by the Client's clock and
// its nonce (the one this sign-in sent); then it reads a verified email.
func (c *Client) Finish(ctx context.Context, sp *lifeguard.SignInProvider, redirect, code, verifier, nonce string) (*Identity, error) {
	p, err := c.provider(ctx, sp.Issuer)
	if err != nil {
		return nil, err
	}
	tok, err := c.config(p, sp, redirect).Exchange(c.ctx(ctx), code, oauth2.VerifierOption(verifier))
	if err != nil {
		return nil, refuse("exchange", "Your organisation's sign-in service did not accept this sign-in. Start again from the sign-in page.", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return nil, refuse("no_id_token", "Your organisation's sign-in service did not say who you are.", nil)
	}
	// go-oidc checks the signature (fetching the keys again for a key it
	// has not seen); the other checks are made below, each with its own
	// reason.
	v := p.Verifier(&gooidc.Config{ClientID: sp.ClientID, SkipClientIDCheck: true, SkipExpiryCheck: true,
		SkipIssuerCheck: true, Now: c.Now})
	id, err := v.Verify(c.ctx(ctx), raw)
	if err != nil {
		return nil, refuse("signature", "The answer from your organisation's sign-in service could not be verified.", err)
	}
	var cl claims
	if err := id.Claims(&cl); err != nil {
		return nil, refuse("signature", "The answer from your organisation's sign-in service could not be read.", err)
	}
	now := c.Now()
	switch {
	case id.Issuer != sp.Issuer:
		return nil, refuse("issuer", "The answer came from a different sign-in service than the one your organisation uses.", nil)
	case !slices.Contains(id.Audience, sp.ClientID) || len(id.Audience) > 1 && cl.AZP != sp.ClientID:
		return nil, refuse("audience", "The answer from the sign-in service was meant for another application, not Lifeguard.", nil)
	case !now.Before(id.Expiry):
		return nil, refuse("expired", "The answer from the sign-in service has expired. Start again from the sign-in page.", nil)
	case id.Nonce != nonce:
		return nil, refuse("nonce", "The answer from the sign-in service does not belong to this sign-in. Start again from the sign-in page.", nil)
	}
	if strings.TrimSpace(cl.Email) == "" {
		// Some providers give the address only at their userinfo
		// endpoint, which answers for the access token's user: accepted
		// only when it names the same subject as the verified ID token.
		info, err := p.UserInfo(c.ctx(ctx), oauth2.StaticTokenSource(tok))
		if err != nil {
			return nil, refuse("userinfo", "Your organisation's sign-in service did not say who you are.", err)
		}
		if info.Subject != id.Subject {
			return nil, refuse("userinfo", "Your organisation's sign-in service gave details of someone else.", nil)
		}
		var more claims
		if err := info.Claims(&more); err != nil {
			return nil, refuse("userinfo", "Your organisation's sign-in service's details could not be read.", err)
		}
		cl.Email, cl.EmailVerified, cl.EDOV = more.Email, more.EmailVerified, more.EDOV
		if cl.Name == "" {
			cl.Name = more.Name
		}
	}
	switch {
	case strings.TrimSpace(cl.Email) == "":
		return nil, refuse("no_email", "Your organisation's sign-in service did not give your email address, so Lifeguard cannot tell which account is yours.", nil)
	case !truthy(cl.EmailVerified) && !truthy(cl.EDOV):
		return nil, refuse("email_unverified", "Your organisation's sign-in service has not verified your email address, so Lifeguard cannot use it.", nil)
	}
	return &Identity{Email: strings.ToLower(strings.TrimSpace(cl.Email)), Name: strings.TrimSpace(cl.Name),
		MFA: mfa(sp, cl)}, nil
}

// mfa reads whether the token says a second factor was used, for a
// provider the administrator trusts to enforce one: amr holding "mfa"
// (RFC 8176), or acr equal to the value the administrator gave.
func mfa(sp *lifeguard.SignInProvider, cl claims) bool {
	if !sp.TrustMFA {
		return false
	}
	if sp.MFAACR != "" {
		return cl.ACR == sp.MFAACR
	}
	return slices.Contains(cl.AMR, "mfa")
}

// AsRefusal returns err as a *Refusal, or one for an unexpected error.
func AsRefusal(err error) *Refusal {
	var r *Refusal
	if errors.As(err, &r) {
		return r
	}
	return refuse("error", "Sign-in could not be finished. Try again.", fmt.Errorf("%w", err))
}
