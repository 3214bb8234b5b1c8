package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// Working a concern to its end, on the concern page: the routes a DSL
// adds, cancelling an action, and closing with every outcome, which the
// store refuses while work is left unless the DSL says why. The page lists
// that work beside the close form, so the DSL sees it before they try.

// addedView is what the page says about a route the DSL added.
type addedView struct {
	By, At, Reason string
}

// actionEnd is how an action ended other than done, and the form to
// cancel one still to do.
type actionEnd struct {
	Status    string
	LeftOpen  bool
	Cancelled string
	CancelBy  string
	Reason    string
	CancelURL string
	Cancel    *dslField
}

// addRouteForm adds a route of the procedure that the triage did not give.
type addRouteForm struct {
	Route, Reason dslField
	Choices       []routeChoice
}

type routeChoice struct{ Code, Title string }

// concernRoutes are the concern's routes: the triage's, then those added.
func concernRoutes(c *lifeguard.Concern) []lifeguard.Route {
	out := slices.Clone(c.Triage.Routes)
	for _, a := range c.AddedRoutes {
		if !c.Triage.HasRoute(a.Route.Code) {
			out = append(out, a.Route)
		}
	}
	return out
}

func isAdded(c *lifeguard.Concern, code lifeguard.RouteCode) bool {
	return slices.ContainsFunc(c.AddedRoutes, func(a lifeguard.AddedRoute) bool { return a.Route.Code == code })
}

// addedView describes the route with the code when a DSL added it, or nil.
func (wb *Web) addedView(c *lifeguard.Concern, code lifeguard.RouteCode, names *namer) *addedView {
	if c.Triage.HasRoute(code) {
		return nil
	}
	for _, a := range c.AddedRoutes {
		if a.Route.Code == code {
			return &addedView{By: names.of(a.AddedBy), At: wb.showTime(a.AddedAt), Reason: a.Reason}
		}
	}
	return nil
}

func (wb *Web) actionEnd(v *concernView, a *lifeguard.Action, names *namer) actionEnd {
	e := actionEnd{Status: a.Status.Label(), LeftOpen: a.Status == lifeguard.ActionLeftOpen}
	if a.CancelledAt != nil {
		e.Cancelled, e.CancelBy, e.Reason = wb.showTime(*a.CancelledAt), names.of(a.CancelledBy), a.CancelReason
	}
	if v.CanWork && a.Open() {
		id := strconv.FormatInt(a.ID, 10)
		e.CancelURL = v.URL + "/actions/" + id + "/cancel"
		e.Cancel = &dslField{ID: "cancel-" + id + "-reason", Name: "reason"}
	}
	return e
}

// outcomeLabels are the words of every outcome of the concern.
func outcomeLabels(o *lifeguard.Outcome) []string {
	codes := o.Codes
	if len(codes) == 0 && o.Code != "" {
		codes = []lifeguard.OutcomeCode{o.Code}
	}
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = c.Label()
	}
	return out
}

// endForms fills in what the forms to add a route and to close need from
// the concern: the routes that can be added and the work left.
func endForms(p *procedure.Procedure, v *concernView, c *lifeguard.Concern) {
	f := &v.Forms.AddRoute
	f.Route, f.Reason = dslField{ID: "add-route", Name: "route"}, dslField{ID: "add-route-reason", Name: "reason"}
	if p != nil {
		have := concernRoutes(c)
		for _, r := range p.RouteCodes() {
			if !slices.ContainsFunc(have, func(h lifeguard.Route) bool { return h.Code == r.Code }) {
				f.Choices = append(f.Choices, routeChoice{Code: string(r.Code), Title: r.Title})
			}
		}
	}
	v.Forms.Close.Left = leftOpen(c)
}

// leftOpen lists by title the work of the concern not finished, as the
// store counts it when closing: routes with no decision (the proposed
// decision too) and actions still to do.
func leftOpen(c *lifeguard.Concern) []string {
	decided := map[lifeguard.RouteCode]bool{}
	for _, d := range c.Decisions {
		decided[d.Route] = true
	}
	var out []string
	for _, r := range concernRoutes(c) {
		if !decided[r.Code] {
			out = append(out, "Route not decided: "+r.Title)
		}
	}
	if pd := c.Triage.ProposedDecision; pd != nil && !decided[lifeguard.ProposalRoute] {
		out = append(out, "Proposed decision not confirmed or rejected: "+pd.Title)
	}
	for _, a := range c.Actions {
		if a.Open() {
			out = append(out, "Action still to do: "+a.Title)
		}
	}
	return out
}

// closeConcern closes the concern with its outcomes and a summary, and
// with the reason for closing anyway when work is left.
func (wb *Web) closeConcern(w http.ResponseWriter, r *http.Request) error {
	var in lifeguard.NewOutcome
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		for _, c := range r.PostForm["code"] {
			in.Codes = append(in.Codes, lifeguard.OutcomeCode(c))
		}
		in.Summary = strings.TrimSpace(r.PostForm.Get("summary"))
		in.CloseAnyway = strings.TrimSpace(r.PostForm.Get("close_anyway"))
		_, err := wb.cfg.Stores.Concerns.CloseConcern(r.Context(), id, in)
		return saved{"The concern is closed. Its record stays, and can no longer change.", concernURL(id)}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, map[string]problemTarget{
			"code":         {"close-code", "Outcome"},
			"codes":        {"close-code", "Outcome"},
			"summary":      {"close-summary", "Summary"},
			"close_anyway": {"close-anyway", "A reason for closing anyway"},
		})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			f := &v.Forms.Close
			for i := range v.Forms.Outcomes {
				o := &v.Forms.Outcomes[i]
				o.Checked = slices.Contains(in.Codes, lifeguard.OutcomeCode(o.Code))
			}
			f.Summary.Value, f.Anyway.Value = in.Summary, in.CloseAnyway
			f.Code.Err, f.Summary.Err, f.Anyway.Err = errs[f.Code.ID], errs[f.Summary.ID], errs[f.Anyway.ID]
		})
	})
}

// cancelAction ends an action that will not be done, with the reason.
func (wb *Web) cancelAction(w http.ResponseWriter, r *http.Request) error {
	actionID, err := idFromPath(r, "action")
	if err != nil {
		return err
	}
	var reason string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		reason = strings.TrimSpace(r.PostForm.Get("reason"))
		_, err := wb.cfg.Stores.Concerns.CancelAction(r.Context(), id, actionID, reason)
		return saved{"The action is cancelled, with your reason.", concernURL(id)}, err
	}, func(id int64, err error) error {
		field := "cancel-" + strconv.FormatInt(actionID, 10) + "-reason"
		problems, errs := fieldProblems(err, map[string]problemTarget{"reason": {field, "Reason for cancelling"}})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			for i := range v.Actions {
				if c := v.Actions[i].Cancel; c != nil && c.ID == field {
					c.Value, c.Err = reason, errs[field]
				}
			}
		})
	})
}

// addRoute adds a route of the procedure that the triage did not give,
// with the DSL's reason.
func (wb *Web) addRoute(w http.ResponseWriter, r *http.Request) error {
	var code, reason string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		code, reason = r.PostForm.Get("route"), strings.TrimSpace(r.PostForm.Get("reason"))
		_, err := wb.recorder().AddRoute(r.Context(), id, lifeguard.RouteCode(code), reason)
		return saved{"The route is added. Record your decision on it below.", concernURL(id) + "#route-" + code}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, map[string]problemTarget{
			"route":  {"add-route", "Route"},
			"reason": {"add-route-reason", "Reason for adding it"},
		})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			f := &v.Forms.AddRoute
			f.Route.Value, f.Reason.Value = code, reason
			f.Route.Err, f.Reason.Err = errs[f.Route.ID], errs[f.Reason.ID]
		})
	})
}
