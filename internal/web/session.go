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
}

type reqCtxKey struct{}

func fromRequest(r *http.Request) *reqCtx {
	c, _ := r.Context().Value(reqCtxKey{}).(*reqCtx)
	return c
}

// needsSecondFactor says which roles must use a second factor: those that
// see many children's records or manage who can.
func needsSecondFactor(r lifeguard.Role) bool {
	return r == lifeguard.RoleDSL || r == lifeguard.RolePartnership || r == lifeguard.RoleAdmin
}

// demoAccount reports whether email is one of the demo accounts, which
// serve --demo alone exempts from the second factor.
func demoAccount(email string) bool { return strings.HasSuffix(email, "@demo.test") }

// withSession reads the session cookie of page requests and, for a live
// session, puts the user in the context. API requests authenticate with
// bearer tokens in the server and are passed through untouched.
func (wb *Web) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/") || strings.HasPrefix(r.URL.Path, "/static/") {
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
		rc.complete = s.SecondFactor || !needsSecondFactor(u.Role) || (wb.cfg.Demo && demoAccount(u.Email))
		ctx := context.WithValue(r.Context(), reqCtxKey{}, rc)
		if rc.complete {
			ctx = lifeguard.WithActor(ctx, wb.cfg.Auth.Actor(u, "session"))
			if wb.cfg.Stores.Preferences != nil {
				if p, err := wb.cfg.Stores.Preferences.Preferences(ctx); err == nil {
					rc.prefs = *p
				}
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
		return fn(w, r)
	})
}

// partly wraps the pages between the password and the second factor: they
// need a session, complete or not.
func (wb *Web) partly(fn handlerFunc) http.Handler {
	return wb.handle(func(w http.ResponseWriter, r *http.Request) error {
		if fromRequest(r) == nil {
			return wb.toSignIn(w, r)
		}
		return fn(w, r)
	})
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
	enrolled, err := wb.cfg.Auth.HasSecondFactor(lifeguard.WithActor(r.Context(), lifeguard.SystemActor()), rc.user.ID)
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
