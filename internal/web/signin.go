package web

import (
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

type signInData struct {
	Email string
	Next  string
	Error string
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
	token, _, u, err := wb.cfg.Auth.SignIn(r.Context(), email, r.PostForm.Get("password"), clientAddr(r))
	if err != nil {
		if code := lifeguard.ErrorCode(err); code != lifeguard.EUNAUTHORIZED && code != lifeguard.EINVALID {
			return err
		}
		return wb.render(w, r, http.StatusUnauthorized, "signin.html", page{Title: "Sign in",
			Data: signInData{Email: email, Next: next, Error: lifeguard.ErrorMessage(err)}})
	}
	wb.setCookie(w, token)
	if !wb.factorFree(u) {
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
	next, err = wb.landing(r, u, next)
	if err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
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

// clientAddr is the address sign-in throttling counts against. Behind a
// proxy every user would share the proxy's address; deployments that need
// it set the proxy to pass the client's and configure trust there.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
