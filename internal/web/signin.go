package web

import (
	"net/http"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
)

type signInData struct {
	Email string
	Next  string
	Error string
	// Provider is the sign-in provider the typed address's domain signs
	// in with, offered as its own button.
	Provider *providerButton
}

func (wb *Web) signInForm(w http.ResponseWriter, r *http.Request) error {
	if rc := fromRequest(r); rc != nil && rc.complete {
		http.Redirect(w, r, wb.homeFor(rc.user), http.StatusSeeOther)
		return nil
	}
	return wb.render(w, r, http.StatusOK, "signin.html", page{Title: "Sign in", Data: signInData{Next: safeNext(r.URL.Query().Get("next"))}})
}

// signIn checks the password and starts a session. A wrong password and an
// unknown email get the same answer, so the page cannot be used to find out
// who has an account.
func (wb *Web) signIn(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read.")
	}
	email := strings.TrimSpace(r.PostForm.Get("email"))
	next := safeNext(r.PostForm.Get("next"))
	// A domain whose organisation turned password sign-in off is refused
	// before the password is looked at, the same for every address in it,
	// so that the answer tells nothing about any account.
	if p, err := wb.passwordOff(r, email); err != nil {
		return err
	} else if p != nil {
		return wb.render(w, r, http.StatusUnauthorized, "signin.html", page{Title: "Sign in",
			Data: signInData{Email: email, Next: next, Provider: buttonFor(p, email, next),
				Error: "Your organisation signs in with " + p.Name + ", not a Lifeguard password."}})
	}
	token, _, u, err := wb.cfg.Auth.SignIn(r.Context(), email, r.PostForm.Get("password"), wb.clientAddr(r))
	if err != nil {
		if code := lifeguard.ErrorCode(err); code != lifeguard.EUNAUTHORIZED && code != lifeguard.EINVALID {
			return err
		}
		return wb.render(w, r, http.StatusUnauthorized, "signin.html", page{Title: "Sign in",
			Data: signInData{Email: email, Next: next, Error: lifeguard.ErrorMessage(err)}})
	}
	wb.setCookie(w, token)
	return wb.afterSignIn(w, r, u, next, false)
}

func (wb *Web) signOut(w http.ResponseWriter, r *http.Request) error {
	if rc := fromRequest(r); rc != nil {
		if err := wb.cfg.Auth.SignOut(r.Context(), rc.token); err != nil && lifeguard.ErrorCode(err) != lifeguard.ENOTFOUND {
			return err
		}
	}
	wb.clearCookie(w)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
	return nil
}

// home sends each role to where its work is.
func (wb *Web) home(w http.ResponseWriter, r *http.Request) error {
	rc := fromRequest(r)
	if rc == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, wb.homeFor(rc.user), http.StatusSeeOther)
	return nil
}

func (wb *Web) homeFor(u *lifeguard.User) string {
	switch {
	case may(u, lifeguard.OpReadConcern, u.OrganisationID):
		return "/inbox"
	case u.Role.Can(lifeguard.OpRecordConcern):
		return "/report"
	}
	return "/account/settings"
}

// clientAddr is the address sign-in throttling counts against: the
// connection's, or behind a trusted proxy the one it names
// (Config.TrustProxy, auth.ClientAddr).
func (wb *Web) clientAddr(r *http.Request) string {
	return auth.ClientAddr(r, wb.cfg.TrustProxy)
}
