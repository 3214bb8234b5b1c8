package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The DNS filter's pages: the alerts it raised for the DSL, and the
// requests to review a block, for the DSL and the manager. Both lists come
// from the store, which decides who sees what.

type filterAlertsView struct {
	Open, Closed []filterAlertItem
}

type filterAlertItem struct {
	ID         int64
	Category   string
	Client     string
	Group      string
	Hour       string
	First      string
	Last       string
	Attempts   int
	Names      string
	More       bool
	Closed     string
	ConcernURL string
	CloseURL   string
	ReportURL  string
	// Typed and Err are what was typed in the close form and its problem,
	// when the form comes back with one.
	Typed string
	Err   string
}

func (wb *Web) filterAlerts(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReadFilterAlerts, "see the filter's alerts"); err != nil {
		return err
	}
	return wb.showFilterAlerts(w, r, http.StatusOK, nil, cardForm{})
}

// cardForm is the close form of one alert or review request that came back
// with a problem: which record, what was typed and what is wrong with it.
type cardForm struct {
	id         int64
	typed, Err string
}

// showFilterAlerts shows the alerts; a close form that came back (bad.id
// not zero) keeps what was typed and shows its problem.
func (wb *Web) showFilterAlerts(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	bad cardForm) error {
	v := filterAlertsView{}
	p := page{Title: "Filter alerts", Nav: "inbox", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	list, err := wb.cfg.Stores.Filter.FilterAlerts(r.Context(), "")
	if err != nil {
		return err
	}
	for _, a := range list {
		it := filterAlertItem{ID: a.ID, Category: a.Category.Label(), Client: a.Client, Group: a.Group,
			Hour: wb.showTime(a.Hour), First: wb.showTime(a.FirstAt), Last: wb.showTime(a.LastAt), Attempts: a.Attempts,
			Names: strings.Join(a.Names, ", "), More: a.Attempts > len(a.Names) && len(a.Names) == lifeguard.MaxAlertNames}
		if a.ConcernID != nil {
			it.ConcernURL = "/concerns/" + strconv.FormatInt(*a.ConcernID, 10)
		}
		if a.Status == lifeguard.FilterClosed {
			if a.ClosedAt != nil {
				it.Closed = wb.showTime(*a.ClosedAt)
			}
			v.Closed = append(v.Closed, it)
			continue
		}
		it.CloseURL = "/filter/alerts/" + strconv.FormatInt(a.ID, 10) + "/close"
		it.ReportURL = "/report?from_alert=" + strconv.FormatInt(a.ID, 10)
		if a.ID == bad.id {
			it.Typed, it.Err = bad.typed, bad.Err
		}
		v.Open = append(v.Open, it)
	}
	return wb.render(w, r, status, "filter_alerts.html", p)
}

// closeFilterAlert marks an alert as dealt with, with the number of the
// concern recorded from it if the DSL gives one.
func (wb *Web) closeFilterAlert(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReadFilterAlerts, "deal with the filter's alerts"); err != nil {
		return err
	}
	var typed string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		typed = strings.TrimSpace(r.PostForm.Get("concern"))
		var concern int64
		if typed != "" {
			n, perr := strconv.ParseInt(typed, 10, 64)
			if perr != nil || n <= 0 {
				return saved{}, lifeguard.Invalid("The alert cannot be closed", []lifeguard.Problem{{Path: "concern",
					Problem: "must be the concern's number, as it shows in its address (/concerns/123), or left empty"}})
			}
			concern = n
		}
		_, err := wb.cfg.Stores.Filter.CloseFilterAlert(r.Context(), id, concern)
		return saved{"The alert is marked as dealt with.", "/filter/alerts"}, err
	}, func(id int64, err error) error {
		field := fmt.Sprintf("concern-%d", id)
		problems, errs := fieldProblems(err, map[string]problemTarget{
			"concern": {field, "Concern number"}, "concern_id": {field, "Concern number"}})
		return wb.showFilterAlerts(w, r, http.StatusUnprocessableEntity, problems,
			cardForm{id: id, typed: typed, Err: errs[field]})
	})
}

type filterReviewsView struct {
	Open, Closed []filterReviewItem
}

type filterReviewItem struct {
	ID       int64
	Name     string
	Category string
	Client   string
	Group    string
	When     string
	Comment  string
	Outcome  string
	Closed   string
	CloseURL string
	FieldID  string
	// Typed and Err are what was typed in the close form and its problem,
	// when the form comes back with one.
	Typed string
	Err   string
}

// mayReview is who sees review requests in the pages: those whose rule
// reaches their organisation's requests (its DSL and manager). The page
// lists one organisation's; administrators, who reach the partnership's,
// use the API.
func mayReview(r *http.Request) error {
	if rc := fromRequest(r); rc == nil || rc.user.Role.May(lifeguard.OpReadFilterReviews) != lifeguard.ReachOrganisation {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead or a manager can see requests to review a block.")
	}
	return nil
}

func (wb *Web) filterReviews(w http.ResponseWriter, r *http.Request) error {
	if err := mayReview(r); err != nil {
		return err
	}
	return wb.showFilterReviews(w, r, http.StatusOK, nil, cardForm{})
}

// showFilterReviews shows the review requests; a close form that came back
// (bad.id not zero) keeps what was typed and shows its problem.
func (wb *Web) showFilterReviews(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	bad cardForm) error {
	v := filterReviewsView{}
	p := page{Title: "Requests to review a block", Nav: "inbox", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	list, err := wb.cfg.Stores.Filter.FilterReviews(r.Context(), "")
	if err != nil {
		return err
	}
	for _, x := range list {
		it := filterReviewItem{ID: x.ID, Name: x.Name, Category: x.Category.Label(), Client: x.Client,
			Group: x.Group, When: wb.showTime(x.Time), Comment: x.Comment, Outcome: x.Outcome,
			FieldID: fmt.Sprintf("outcome-%d", x.ID)}
		if x.Status == lifeguard.FilterClosed {
			if x.ClosedAt != nil {
				it.Closed = wb.showTime(*x.ClosedAt)
			}
			v.Closed = append(v.Closed, it)
			continue
		}
		it.CloseURL = "/filter/reviews/" + strconv.FormatInt(x.ID, 10) + "/close"
		if x.ID == bad.id {
			it.Typed, it.Err = bad.typed, bad.Err
		}
		v.Open = append(v.Open, it)
	}
	return wb.render(w, r, status, "filter_reviews.html", p)
}

func (wb *Web) closeFilterReview(w http.ResponseWriter, r *http.Request) error {
	if err := mayReview(r); err != nil {
		return err
	}
	var outcome string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		outcome = r.PostForm.Get("outcome")
		_, err := wb.cfg.Stores.Filter.CloseFilterReview(r.Context(), id, outcome)
		return saved{"The request is closed with what you decided.", "/filter/reviews"}, err
	}, func(id int64, err error) error {
		field := fmt.Sprintf("outcome-%d", id)
		problems, errs := fieldProblems(err, map[string]problemTarget{"outcome": {field, "What you decided"}})
		return wb.showFilterReviews(w, r, http.StatusUnprocessableEntity, problems,
			cardForm{id: id, typed: outcome, Err: errs[field]})
	})
}

// alertReport returns the report form's answers that start a concern from
// alert id: the concern type nearest the category, and a description of
// what the filter saw, for the DSL to complete.
func (wb *Web) alertReport(r *http.Request, id string) (reportAnswers, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such alert.")
	}
	a, err := wb.cfg.Stores.Filter.FilterAlert(r.Context(), n)
	if err != nil {
		return nil, err
	}
	desc := fmt.Sprintf("The DNS filter blocked %d attempts to reach %s sites from the device %s", a.Attempts,
		a.Category.Label(), a.Client)
	if a.Group != "" {
		desc += " (group " + a.Group + ")"
	}
	desc += fmt.Sprintf(" between %s and %s: %s.", wb.showTime(a.FirstAt), wb.showTime(a.LastAt), strings.Join(a.Names, ", "))
	return reportAnswers{"type": {string(a.Category.ConcernType())}, "description": {desc}}, nil
}
