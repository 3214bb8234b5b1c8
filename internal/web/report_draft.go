package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// A report is never lost to an ended session. Sessions end after a while
// without use, and writing down what a child said can take longer than
// that. When the report form's post arrives and the session has ended, what
// was posted is kept in the database (never in a cookie or a log) for the
// user whose session it was, if the session's row still says who that was;
// after they sign in again, the form opens where they were with everything
// they had entered, and says why they had to sign in. It is given back to
// that user only, once, within a day.

const msgReportRestored = "You had to sign in again because your session ended: Lifeguard signs you out after a time " +
	"without use, to keep children's records safe. Your report was kept and is here as you left it. " +
	"Nothing has been sent yet: check it and carry on."

// keepingReport wraps the report form's post: a post without a live session
// keeps its answers for the session's user before they are sent to sign in;
// any other goes to next.
func (wb *Web) keepingReport(next http.Handler) http.Handler {
	keep := wb.handle(wb.keepReport)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fromRequest(r) == nil {
			keep.ServeHTTP(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// reportSignInAgain is where the post goes after its answers are kept: the
// form opens again, with them, once the user has signed in.
const reportSignInAgain = "/signin?next=%2Freport"

// keepReport keeps a report form posted after its session ended and sends
// the reporter to sign in. When no session identifies the user (the cookie
// is gone, or they signed out) nothing can be tied to them, and the page
// says how to get their words back from the browser.
func (wb *Web) keepReport(w http.ResponseWriter, r *http.Request) error {
	c, err := r.Cookie(cookieName)
	hash, ok := []byte(nil), false
	if err == nil {
		hash, ok = wb.cfg.Auth.SessionKey(c.Value)
	}
	if !ok || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return wb.reportNotKept(w, r)
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReportBody)
	if err := r.ParseForm(); err != nil {
		return wb.reportNotKept(w, r)
	}
	a := reportAnswersFrom(r.PostForm)
	step := stepDanger
	if n, err := strconv.Atoi(r.PostForm.Get("step")); err == nil && n >= int(stepDanger) && n <= int(lastStep) {
		step = reportStep(n)
	}
	sys := lifeguard.WithActor(r.Context(), lifeguard.SystemActor())
	_, err = wb.cfg.Stores.Drafts.KeepReportDraft(sys, hash, wb.cfg.Now(), lifeguard.ReportDraft{Step: int(step), Answers: a})
	if lifeguard.ErrorCode(err) == lifeguard.ENOTFOUND {
		return wb.reportNotKept(w, r)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, reportSignInAgain, http.StatusSeeOther)
	return nil
}

// reportNotKept answers a report posted with no session that identifies
// anyone: nothing is kept, and the page says how not to lose the words.
func (wb *Web) reportNotKept(w http.ResponseWriter, r *http.Request) error {
	return wb.render(w, r, http.StatusUnauthorized, "report_signed_out.html", page{Title: "Sign in to send your report"})
}

// restoreReport gives the signed-in user back a report kept when their
// session ended, and shows it; false when there is none.
func (wb *Web) restoreReport(w http.ResponseWriter, r *http.Request) (bool, error) {
	d, err := wb.cfg.Stores.Drafts.TakeReportDraft(r.Context(), wb.cfg.Now())
	if err != nil || d == nil {
		return false, err
	}
	step := reportStep(d.Step)
	if step < stepDanger || step > lastStep {
		step = stepDanger
	}
	return true, wb.renderReportFlash(w, r, http.StatusOK, step, reportAnswersFrom(d.Answers), nil,
		reportChildSearch{}, msgReportRestored)
}
