package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

const draftWords = "She said the man in the game told her to keep it a secret from her mum."

// expireSessions ends every session in the database, as time without use
// would.
func (f *reportFixture) expireSessions() {
	f.t.Helper()
	if err := f.db.UncheckedExec(f.t.Context(), `UPDATE sessions SET expires_at = ?`,
		time.Now().Add(-time.Minute).UnixMicro()); err != nil {
		f.t.Fatal(err)
	}
}

// TestReportKeptOverEndedSession sends a step of the report after the
// session has ended: after signing in again, the same user finds the form
// where they were with everything entered and a message saying why, and
// sends it; another user who signs in finds nothing of it.
func TestReportKeptOverEndedSession(t *testing.T) {
	f := newReportFixture(t)
	b := f.signIn("staff")
	r := b.get("/report")
	r = b.next(r, url.Values{"danger": {"no"}}, "next")
	r = b.next(r, url.Values{"child": {"new"}, "child_ref": {"KEPT-1"}, "child_age": {"13"}}, "next")
	r.wantIn(t, "step 3 of 5")

	f.expireSessions()
	sent := b.next(r, url.Values{"description": {draftWords}, "platform": {"GameChat"}}, "next")
	sent.wantStatus(t, http.StatusSeeOther)
	if sent.location != reportSignInAgain {
		t.Fatalf("sent to %q, want %q", sent.location, reportSignInAgain)
	}
	if strings.Contains(f.logs.String(), "keep it a secret") {
		t.Error("the log holds the report's words")
	}

	// Another member of staff signing in meanwhile finds nothing of it.
	other := f.signIn("staff2").get("/report")
	other.wantStatus(t, http.StatusOK)
	other.wantNotIn(t, "keep it a secret", "KEPT-1", "Your report was kept")

	in := b.post("/signin", url.Values{"email": {f.users["staff"].Email}, "password": {reportPassword}, "next": {"/report"}})
	in.wantStatus(t, http.StatusSeeOther)
	if in.location != "/report" {
		t.Fatalf("after sign-in, sent to %q", in.location)
	}
	back := b.get("/report")
	back.wantStatus(t, http.StatusOK)
	back.wantIn(t, "step 3 of 5", "Your report was kept", "your session ended", "keep it a secret", "GameChat", "KEPT-1")

	// Once given back it is in the form, not in the database: a second
	// visit starts afresh.
	b.get("/report").wantNotIn(t, "keep it a secret")

	// The step's own fields are shown, not hidden: send them as the
	// browser would, from what the page shows.
	r = b.next(back, url.Values{"description": {draftWords}, "platform": {"GameChat"}}, "next")
	r = b.next(r, url.Values{"type": {"grooming"}}, "next")
	done := b.next(r, nil, "next")
	done.wantStatus(t, http.StatusSeeOther)
	id := reportConcernID(t, done.location)
	c, err := f.db.Concern(f.sysCtx(), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.Facts.Description != draftWords || c.Facts.Details.Platform != "GameChat" {
		t.Fatalf("recorded facts %+v", c.Facts)
	}
}

// TestReportNotKeptWithoutSession posts the report form with no session that
// says who sent it: nothing is kept, and the page says how to keep the words.
func TestReportNotKeptWithoutSession(t *testing.T) {
	f := newReportFixture(t)
	form := url.Values{"step": {"3"}, "danger": {"no"}, "description": {draftWords}, "go": {"next"}}

	anon := f.visitor().post("/report", form)
	anon.wantStatus(t, http.StatusUnauthorized)
	anon.wantIn(t, "Sign in to send your report", "Back")

	// A session signed out is over for good: its user is not looked up.
	b := f.signIn("staff")
	token := b.cookie()
	b.post("/signout", nil)
	b.setCookie(token)
	b.post("/report", form).wantStatus(t, http.StatusUnauthorized)

	in := f.signIn("staff").get("/report")
	in.wantNotIn(t, "keep it a secret", "Your report was kept")
}

func (f *reportFixture) sysCtx() context.Context {
	return lifeguard.WithActor(f.t.Context(), lifeguard.SystemActor())
}

// cookie is the browser's session cookie.
func (b *reportBrowser) cookie() string {
	b.t.Helper()
	u, _ := url.Parse(b.f.url)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == cookieName {
			return c.Value
		}
	}
	b.t.Fatal("no session cookie")
	return ""
}

// setCookie puts a session cookie back, as an attacker or a stale tab
// would.
func (b *reportBrowser) setCookie(token string) {
	u, _ := url.Parse(b.f.url)
	b.client.Jar.SetCookies(u, []*http.Cookie{{Name: cookieName, Value: token, Path: "/"}})
}
