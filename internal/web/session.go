package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// cookieName is the session cookie. It holds only a random token; the
// session itself lives in the database, so every server behind a load
// balancer knows it and signing out ends it everywhere.
const cookieName = "lifeguard_session"

// reqCtx is what the session middleware learns about a request.
type reqCtx struct {
	token   string
	session *lifeguard.Session
	user    *lifeguard.User
	prefs   lifeguard.Preferences
	// complete is false while a role that needs a second factor has not
	// passed it in this session.
	complete bool
	// enrolled says whether the user has a second factor; only the
	// second-factor pages look it up.
	enrolled bool
}

type reqCtxKey struct{}

func fromRequest(r *http.Request) *reqCtx {
	c, _ := r.Context().Value(reqCtxKey{}).(*reqCtx)
	return c
}

// factorFree reports whether u may work without a second factor: a role
// that needs none, or, under serve --demo, an account the demo seed created
// (by id: an address ending @demo.test proves nothing).
func (wb *Web) factorFree(u *lifeguard.User) bool {
	return !u.Role.NeedsSecondFactor() || wb.demoUsers[u.ID]
}

// withSession reads the session cookie of page requests and, for a live
// session, puts the user in the context. Static assets need no user and are
// passed through untouched; the API is mounted beside the pages, so its
// requests never come here.
func (wb *Web) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/static/") {
			next.ServeHTTP(w, r)
			return
		}
		c, err := r.Cookie(cookieName)
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}
		s, u, err := wb.cfg.Auth.Session(r.Context(), c.Value)
		if err != nil {
			if lifeguard.ErrorCode(err) == lifeguard.EUNAVAILABLE {
				wb.renderError(w, r, err)
				return
			}
			wb.clearCookie(w)
			next.ServeHTTP(w, r)
			return
		}
		rc := &reqCtx{token: c.Value, session: s, user: u}
		rc.complete = s.SecondFactor || wb.factorFree(u)
		ctx := context.WithValue(r.Context(), reqCtxKey{}, rc)
		if rc.complete {
			ctx = lifeguard.WithActor(ctx, wb.cfg.Auth.Actor(u, "session"))
			if p, err := wb.cfg.Stores.Preferences.Preferences(ctx); err == nil {
				rc.prefs = *p
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// signedIn wraps a page that needs a user who has completed sign-in. Anyone
// else goes to the sign-in page, and comes back here afterwards.
func (wb *Web) signedIn(fn handlerFunc) http.Handler {
	return wb.handle(func(w http.ResponseWriter, r *http.Request) error {
		rc := fromRequest(r)
		switch {
		case rc == nil:
			return wb.toSignIn(w, r)
		case !rc.complete:
			return wb.toSecondFactor(w, r, rc)
		}
		if owes, err := wb.owesAgreement(r); err != nil || owes {
			if err != nil {
				return err
			}
			return wb.toAgreement(w, r)
		}
		return fn(w, r)
	})
}

// acknowledging wraps the staff agreement's own page: a complete session
// that may owe the agreement (it is the one page, with sign-out and the
// public pages, that such a session opens).
func (wb *Web) acknowledging(fn handlerFunc) http.Handler {
	return wb.handle(func(w http.ResponseWriter, r *http.Request) error {
		rc := fromRequest(r)
		switch {
		case rc == nil:
			return wb.toSignIn(w, r)
		case !rc.complete:
			return wb.toSecondFactor(w, r, rc)
		}
		return fn(w, r)
	})
}

// The second-factor pages are the only ones a session that has passed the
// password but not the second factor can open (with sign-out and the public
// pages). Which one depends on whether the user has a factor, looked up on
// every request, so that no page lets the password alone reach the other:
// verifying needs an enrolled factor, and enrolling a first factor needs
// none. Replacing a factor is for a complete session only, and needs a
// code of the current one (see enrol).

// verifying wraps the page that asks for the code of an enrolled factor.
func (wb *Web) verifying(fn handlerFunc) http.Handler {
	return wb.handle(func(w http.ResponseWriter, r *http.Request) error {
		rc := fromRequest(r)
		switch {
		case rc == nil:
			return wb.toSignIn(w, r)
		case rc.complete:
			http.Redirect(w, r, wb.homeFor(rc.user), http.StatusSeeOther)
			return nil
		}
		enrolled, err := wb.hasFactor(r, rc)
		if err != nil {
			return err
		}
		if !enrolled {
			http.Redirect(w, r, "/account/second-factor", http.StatusSeeOther)
			return nil
		}
		return fn(w, r)
	})
}

// enrolling wraps the page that sets up a factor: a first one for a user
// who has none, whether or not the session is complete, or a replacement
// for a complete session. A session that has not passed the second factor
// of a user who has one is sent to the code, on GET and POST alike, and
// nothing is enrolled.
func (wb *Web) enrolling(fn handlerFunc) http.Handler {
	return wb.handle(func(w http.ResponseWriter, r *http.Request) error {
		rc := fromRequest(r)
		if rc == nil {
			return wb.toSignIn(w, r)
		}
		enrolled, err := wb.hasFactor(r, rc)
		if err != nil {
			return err
		}
		if enrolled && !rc.complete {
			http.Redirect(w, r, "/signin/second-factor", http.StatusSeeOther)
			return nil
		}
		rc.enrolled = enrolled
		return fn(w, r)
	})
}

func (wb *Web) hasFactor(r *http.Request, rc *reqCtx) (bool, error) {
	return wb.cfg.Auth.HasSecondFactor(lifeguard.WithActor(r.Context(), lifeguard.SystemActor()), rc.user.ID)
}

func (wb *Web) toSignIn(w http.ResponseWriter, r *http.Request) error {
	next := ""
	if r.Method == http.MethodGet {
		next = "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, "/signin"+next, http.StatusSeeOther)
	return nil
}

func (wb *Web) toSecondFactor(w http.ResponseWriter, r *http.Request, rc *reqCtx) error {
	enrolled, err := wb.hasFactor(r, rc)
	if err != nil {
		return err
	}
	if enrolled {
		http.Redirect(w, r, "/signin/second-factor", http.StatusSeeOther)
	} else {
		http.Redirect(w, r, "/account/second-factor", http.StatusSeeOther)
	}
	return nil
}

func (wb *Web) setCookie(w http.ResponseWriter, token string) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/", HttpOnly: true,
		Secure: wb.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: int((12 * time.Hour).Seconds())})
}

func (wb *Web) clearCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", HttpOnly: true,
		Secure: wb.cfg.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// safeNext keeps a post-sign-in redirect on this site: a path, never
// another host.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}
