package web

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/oidc"
)

// Single sign-on with OpenID Connect (docs/sign-in.md). The sign-in page
// sends an address to /signin/sso, which finds the provider that covers
// its domain, keeps the new sign-in's state, nonce and PKCE verifier bound
// to this browser, and sends the browser to the provider. The provider
// sends it back to /signin/sso/callback, which takes the state once, has
// internal/oidc check the provider's answer, and signs in the user whom
// the store maps the verified address to. Each refusal is journalled by a
// reason code and shown on a page that says what to do.

// ssoCookie binds a sign-in under way to the browser that started it: a
// random value, of which the store keeps a hash.
const ssoCookie = "lifeguard_sso"

// ssoStartFor is how long a sign-in at the provider may take.
const ssoStartFor = 10 * time.Minute

func hashOf(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// callbackURL is the redirect URI to register at the provider: this
// server's address as the browser reached it, https when cookies are
// Secure. A forged Host gets nowhere: the provider sends the browser back
// only to the addresses registered with it.
func (wb *Web) callbackURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || wb.cfg.SecureCookies {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/signin/sso/callback"
}

func (wb *Web) signInSystem(r *http.Request) *http.Request {
	return r.WithContext(lifeguard.WithActor(r.Context(), lifeguard.SystemActor()))
}

// ssoFind finds the provider covering the typed address's domain and
// goes to its page. The sign-in page cannot send the browser to the
// provider itself: its policy lets its forms lead to Lifeguard only, and
// browsers hold a form's redirects to that too.
func (wb *Web) ssoFind(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read.")
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	next := safeNext(r.PostForm.Get("next"))
	_, domain, ok := strings.Cut(email, "@")
	if !ok || domain == "" {
		return wb.render(w, r, http.StatusUnprocessableEntity, "signin.html", page{Title: "Sign in",
			Data: signInData{Email: email, Next: next, Error: "Type your email address, then choose to sign in with your organisation's account."}})
	}
	p, err := wb.cfg.Stores.Providers.ProviderForDomain(wb.signInSystem(r).Context(), domain)
	if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
		return wb.render(w, r, http.StatusUnprocessableEntity, "signin.html", page{Title: "Sign in",
			Data: signInData{Email: email, Next: next,
				Error: "Addresses at " + domain + " do not sign in through an organisation's account. Sign in with your password."}})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, providerPage(p.ID, email, next), http.StatusSeeOther)
	return nil
}

// providerPage is the address of a provider's "Sign in with" page.
func providerPage(id int64, email, next string) string {
	q := url.Values{}
	if email != "" {
		q.Set("email", email)
	}
	if next != "" {
		q.Set("next", next)
	}
	u := "/signin/sso/" + strconv.FormatInt(id, 10)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// ssoContinueData is a provider's "Sign in with" page.
type ssoContinueData struct {
	Name, Action, Email, Next string
}

// providerFromPath reads the provider of the path's {id}.
func (wb *Web) providerFromPath(r *http.Request) (*lifeguard.SignInProvider, error) {
	id, err := idFromPath(r, "id")
	if err != nil {
		return nil, err
	}
	return wb.cfg.Stores.Providers.SignInProvider(wb.signInSystem(r).Context(), id)
}

// ssoContinue shows the button that starts a sign-in at the provider,
// on a page whose policy lets the form lead there.
func (wb *Web) ssoContinue(w http.ResponseWriter, r *http.Request) error {
	p, err := wb.providerFromPath(r)
	if err != nil {
		return err
	}
	origin, err := wb.oidc.AuthOrigin(r.Context(), p)
	if err != nil {
		return wb.refuseSSO(w, r, p.ID, err)
	}
	q := r.URL.Query()
	email := strings.TrimSpace(q.Get("email"))
	if len(email) > 254 {
		email = ""
	}
	return wb.render(w, r, http.StatusOK, "sso_continue.html", page{Title: "Sign in with " + p.Name, FormTo: origin,
		Data: ssoContinueData{Name: p.Name, Action: "/signin/sso/" + strconv.FormatInt(p.ID, 10), Email: email,
			Next: safeNext(q.Get("next"))}})
}

// ssoStart begins a sign-in at the provider: it keeps the state, nonce and
// PKCE verifier, bound to this browser by a cookie, and sends the browser
// to the provider.
func (wb *Web) ssoStart(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read.")
	}
	p, err := wb.providerFromPath(r)
	if err != nil {
		return err
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	if len(email) > 254 {
		email = ""
	}
	next := safeNext(r.PostForm.Get("next"))
	browser := ""
	if c, err := r.Cookie(ssoCookie); err == nil && len(c.Value) >= 32 && len(c.Value) <= 64 {
		browser = c.Value
	} else {
		b := make([]byte, 32)
		rand.Read(b)
		browser = base64.RawURLEncoding.EncodeToString(b)
	}
	s := oidc.NewStart()
	now := wb.cfg.Now()
	authURL, err := wb.oidc.AuthURL(r.Context(), p, wb.callbackURL(r), s, email)
	if err != nil {
		return wb.refuseSSO(w, r, p.ID, err)
	}
	if err := wb.cfg.Stores.Providers.StartSignIn(wb.signInSystem(r).Context(), lifeguard.SignInStart{
		StateHash: hashOf(s.State), ProviderID: p.ID, BrowserHash: hashOf(browser), Nonce: s.Nonce,
		Verifier: s.Verifier, Next: next, ExpiresAt: now.Add(ssoStartFor)}, now); err != nil {
		return err
	}
	// Lax, so that the browser sends it on the provider's redirect back.
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: browser, Path: "/signin/sso", HttpOnly: true,
		Secure: wb.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int(ssoStartFor.Seconds())})
	http.Redirect(w, r, authURL, http.StatusSeeOther)
	return nil
}

// ssoRefusedData is the page of a refused sign-in.
type ssoRefusedData struct {
	Message string
}

// refuseSSO journals why an answer was refused, logs the error (which
// holds no claim's value), and shows the person what happened.
func (wb *Web) refuseSSO(w http.ResponseWriter, r *http.Request, providerID int64, err error) error {
	ref := oidc.AsRefusal(err)
	if jerr := wb.cfg.Stores.Providers.RecordSignInRefusal(wb.signInSystem(r).Context(), providerID, ref.Reason); jerr != nil {
		return jerr
	}
	if wb.cfg.Logger != nil {
		wb.cfg.Logger.WarnContext(r.Context(), "sign-in provider's answer refused", slog.Int64("provider_id", providerID),
			slog.String("reason", ref.Reason), slog.Any("error", ref.Err))
	}
	w.Header().Set("Cache-Control", "no-store")
	return wb.render(w, r, http.StatusUnauthorized, "sso_refused.html", page{Title: "Sign-in refused",
		Data: ssoRefusedData{Message: ref.Message}})
}

func refusal(reason, message string) error { return &oidc.Refusal{Reason: reason, Message: message} }

// ssoCallback is where the provider sends the browser back.
func (wb *Web) ssoCallback(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	state := q.Get("state")
	sys := wb.signInSystem(r).Context()
	if state == "" || len(state) > 200 {
		return wb.refuseSSO(w, r, 0, refusal("state", "This sign-in did not come back with its state. Start again from the sign-in page."))
	}
	browser := ""
	if c, err := r.Cookie(ssoCookie); err == nil {
		browser = c.Value
	}
	now := wb.cfg.Now()
	start, err := wb.cfg.Stores.Providers.TakeSignIn(sys, hashOf(state), hashOf(browser), now)
	if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
		return wb.refuseSSO(w, r, 0, refusal("state", lifeguard.ErrorMessage(err)+" Start again from the sign-in page."))
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: ssoCookie, Value: "", Path: "/signin/sso", HttpOnly: true,
		Secure: wb.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	if e := q.Get("error"); e != "" {
		return wb.refuseSSO(w, r, start.ProviderID, refusal("provider_error",
			"Your organisation's sign-in service did not sign you in. Start again from the sign-in page, or ask your administrator."))
	}
	p, err := wb.cfg.Stores.Providers.SignInProvider(sys, start.ProviderID)
	if err != nil {
		return err
	}
	id, err := wb.oidc.Finish(r.Context(), p, wb.callbackURL(r), q.Get("code"), start.Verifier, start.Nonce)
	if err != nil {
		return wb.refuseSSO(w, r, p.ID, err)
	}
	u, err := wb.cfg.Stores.Providers.ProviderUser(sys, p, id.Email, id.Name, true)
	switch lifeguard.ErrorCode(err) {
	case "":
	case lifeguard.ENOTFOUND, lifeguard.EFORBIDDEN:
		return wb.refuseSSO(w, r, p.ID, refusal("no_user",
			"There is no Lifeguard account for your address that this sign-in service can sign in. Ask your administrator to add you."))
	default:
		return err
	}
	mfa := id.MFA && p.TrustMFA
	token, _, err := wb.cfg.Auth.SignInVerified(r.Context(), u, mfa)
	if code := lifeguard.ErrorCode(err); code == lifeguard.EUNAUTHORIZED {
		return wb.refuseSSO(w, r, p.ID, refusal("account", lifeguard.ErrorMessage(err)))
	} else if err != nil {
		return err
	}
	wb.setCookie(w, token)
	return wb.afterSignIn(w, r, u, start.Next, mfa)
}

// afterSignIn sends a user who has just signed in on: to the second factor
// when their role needs one and this sign-in has not given it, else to
// next or their home.
func (wb *Web) afterSignIn(w http.ResponseWriter, r *http.Request, u *lifeguard.User, next string, factorDone bool) error {
	if !factorDone && !wb.factorFree(u) {
		enrolled, err := wb.cfg.Auth.HasSecondFactor(lifeguard.WithActor(r.Context(), lifeguard.SystemActor()), u.ID)
		if err != nil {
			return err
		}
		target := "/account/second-factor"
		if enrolled {
			target = "/signin/second-factor"
		}
		if next != "" {
			target += "?next=" + url.QueryEscape(next)
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return nil
	}
	// Sign-in ends on the staff agreement when a new version is owed
	// (agreement.go).
	next, err := wb.landing(r, u, next)
	if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// passwordOff finds whether the address's domain signs in through a
// provider only; the provider when it does.
func (wb *Web) passwordOff(r *http.Request, email string) (*lifeguard.SignInProvider, error) {
	_, domain, ok := strings.Cut(strings.TrimSpace(email), "@")
	if !ok {
		return nil, nil
	}
	p, err := wb.cfg.Stores.Providers.ProviderForDomain(wb.signInSystem(r).Context(), domain)
	if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
		return nil, nil
	}
	if err != nil || !p.PasswordOff {
		return nil, err
	}
	return p, nil
}

// providerButton is a provider as the sign-in page offers it: a link to
// its page.
type providerButton struct {
	URL  string
	Name string
}

func buttonFor(p *lifeguard.SignInProvider, email, next string) *providerButton {
	return &providerButton{URL: providerPage(p.ID, email, next), Name: p.Name}
}
