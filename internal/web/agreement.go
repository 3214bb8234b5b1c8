package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// The staff agreement at sign-in. When the organisation publishes a new
// version of its staff acceptable-use agreement, each member of staff owes
// it: every signed-in page sends them to /agreement until they acknowledge
// it, which is recorded with the version and the time. The one exception
// is reporting a concern (the form, its post and the page that confirms
// it): a worry about a child is never held up or lost for want of a
// signature, and any other page then asks for the agreement. The API refuses the same users
// (internal/api) until they have acknowledged it here.

// owesAgreement reports whether the signed-in user owes the staff agreement.
func (wb *Web) owesAgreement(r *http.Request) (bool, error) {
	p, err := wb.cfg.Stores.Policies.StaffAgreementDue(r.Context())
	return p != nil, err
}

// toAgreement sends the user to the agreement, to come back to the page
// they asked for once they have acknowledged it.
func (wb *Web) toAgreement(w http.ResponseWriter, r *http.Request) error {
	next := ""
	if r.Method == http.MethodGet {
		next = "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, "/agreement"+next, http.StatusSeeOther)
	return nil
}

// signedInOwing is signedIn for reporting a concern only: it needs a
// complete session but lets a user who owes the agreement through.
func (wb *Web) signedInOwing(fn handlerFunc) http.Handler { return wb.acknowledging(fn) }

type agreementView struct {
	Title, Text, Link, Approved, Next string
	Number                            int
	VersionID                         int64
}

func (wb *Web) agreementPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showAgreement(w, r, http.StatusOK, nil)
}

func (wb *Web) showAgreement(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem) error {
	p, err := wb.cfg.Stores.Policies.StaffAgreementDue(r.Context())
	if err != nil {
		return err
	}
	next := safeNext(r.FormValue("next"))
	if p == nil {
		if next == "" {
			next = wb.homeFor(fromRequest(r).user)
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
		return nil
	}
	cur, _ := p.Current()
	v := agreementView{Title: p.Title, Text: cur.Text, Link: cur.Link, Number: cur.Number, VersionID: cur.ID,
		Approved: cur.ApprovedBy + ", " + showDate(cur.ApprovedOn), Next: next}
	return wb.render(w, r, status, "agreement.html", page{Title: "Before you go on: " + p.Title, Data: &v, Problem: problems})
}

// acknowledge records the user's agreement to the version they were shown.
// A version that is no longer the current one (a newer came meanwhile)
// shows the page again with the newer one.
func (wb *Web) acknowledge(w http.ResponseWriter, r *http.Request) error {
	if err := parsePlainForm(w, r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err != nil || id <= 0 {
		return wb.showAgreement(w, r, http.StatusUnprocessableEntity, []lifeguard.Problem{{Path: "agree",
			Problem: "The version of the agreement is missing: read it and agree again."}})
	}
	if r.PostForm.Get("agree") != "yes" {
		return wb.showAgreement(w, r, http.StatusUnprocessableEntity, []lifeguard.Problem{{Path: "agree",
			Problem: "Tick the box to say you have read the agreement and will keep to it."}})
	}
	if _, err := wb.cfg.Stores.Policies.Acknowledge(r.Context(), id); err != nil {
		if lifeguard.ErrorCode(err) == lifeguard.ECONFLICT {
			return wb.showAgreement(w, r, http.StatusConflict, []lifeguard.Problem{{Path: "agree",
				Problem: "The agreement has changed since you opened it: read this version and agree to it."}})
		}
		return err
	}
	next := safeNext(r.PostForm.Get("next"))
	if next == "" {
		next = wb.homeFor(fromRequest(r).user)
	}
	wb.setPageFlash(w, pageFlash{Message: "Thank you: your agreement is recorded."})
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// landing is where signing in ends: next (or the user's home), by way of
// the agreement when they owe it, so that the agreement is the first page
// after sign-in even for staff, whose home is the report form.
func (wb *Web) landing(r *http.Request, u *lifeguard.User, next string) (string, error) {
	if next == "" {
		next = wb.homeFor(u)
	}
	ctx := lifeguard.WithActor(r.Context(), &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: u.OrganisationID,
		PartnershipID: u.PartnershipID, Via: "session"})
	p, err := wb.cfg.Stores.Policies.StaffAgreementDue(ctx)
	if err != nil || p == nil {
		return next, err
	}
	return "/agreement?next=" + url.QueryEscape(next), nil
}
