package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

type enrolData struct {
	Secret string
	URI    string
	Next   string
	Error  string
	// Replace is set when the user has a factor: the form then asks for a
	// code of it too.
	Replace bool
}

func enrolTitle(replace bool) string {
	if replace {
		return "Replace your second factor"
	}
	return "Set up your second factor"
}

// enrolForm shows a new secret to add to an authenticator app. The secret
// travels in the form and is stored only once a first code proves the app
// has it (and, to replace a factor, a code of the current one proves the
// user still holds it).
func (wb *Web) enrolForm(w http.ResponseWriter, r *http.Request) error {
	rc := fromRequest(r)
	secret, uri, err := wb.cfg.Auth.BeginSecondFactor(rc.user.Email)
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "enrol.html", page{Title: enrolTitle(rc.enrolled),
		Data: enrolData{Secret: secret, URI: uri, Next: safeNext(r.URL.Query().Get("next")), Replace: rc.enrolled}})
}

type recoveryData struct {
	Codes []string
	Next  string
}

func (wb *Web) enrol(w http.ResponseWriter, r *http.Request) error {
	rc := fromRequest(r)
	if err := r.ParseForm(); err != nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read.")
	}
	secret, next := r.PostForm.Get("secret"), safeNext(r.PostForm.Get("next"))
	code := strings.TrimSpace(r.PostForm.Get("code"))
	var codes []string
	var err error
	if rc.enrolled {
		codes, err = wb.cfg.Auth.ReplaceSecondFactor(r.Context(), rc.user.ID, rc.session.ID,
			strings.TrimSpace(r.PostForm.Get("current")), secret, code)
	} else {
		codes, err = wb.cfg.Auth.ConfirmSecondFactor(r.Context(), rc.user.ID, rc.session.ID, secret, code)
	}
	if err != nil {
		if c := lifeguard.ErrorCode(err); c != lifeguard.EINVALID && c != lifeguard.EUNAUTHORIZED && c != lifeguard.ECONFLICT {
			return err
		}
		return wb.render(w, r, http.StatusUnprocessableEntity, "enrol.html", page{Title: enrolTitle(rc.enrolled),
			Data: enrolData{Secret: secret, URI: otpURI(rc.user.Email, secret), Next: next, Error: lifeguard.ErrorMessage(err),
				Replace: rc.enrolled}})
	}
	if next, err = wb.landing(r, rc.user, next); err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "recovery.html", page{Title: "Keep your recovery codes", Data: recoveryData{Codes: codes, Next: next}})
}

// otpURI rebuilds the otpauth address for a secret already shown.
func otpURI(email, secret string) string {
	return "otpauth://totp/Lifeguard:" + url.PathEscape(email) + "?secret=" + secret + "&issuer=Lifeguard"
}

type verifyData struct {
	Next  string
	Error string
}

func (wb *Web) verifyForm(w http.ResponseWriter, r *http.Request) error {
	return wb.render(w, r, http.StatusOK, "verify.html", page{Title: "Enter your code",
		Data: verifyData{Next: safeNext(r.URL.Query().Get("next"))}})
}

func (wb *Web) verify(w http.ResponseWriter, r *http.Request) error {
	rc := fromRequest(r)
	if err := r.ParseForm(); err != nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read.")
	}
	next := safeNext(r.PostForm.Get("next"))
	err := wb.cfg.Auth.VerifySecondFactor(r.Context(), rc.user.ID, rc.session.ID, strings.TrimSpace(r.PostForm.Get("code")), wb.clientAddr(r))
	if err != nil {
		if lifeguard.ErrorCode(err) != lifeguard.EINVALID && lifeguard.ErrorCode(err) != lifeguard.EUNAUTHORIZED {
			return err
		}
		return wb.render(w, r, http.StatusUnauthorized, "verify.html", page{Title: "Enter your code",
			Data: verifyData{Next: next, Error: lifeguard.ErrorMessage(err)}})
	}
	if next, err = wb.landing(r, rc.user, next); err != nil {
		return err
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}
