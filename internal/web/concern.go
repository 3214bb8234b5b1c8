package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// concernView is the concern page: what happened, what the procedure says
// to do and why, and everything done about it. Who sees what: the DSL sees
// it all and works it; the member of staff who reported it sees the facts,
// the routes and what they added themselves, and may add notes and
// evidence. The store decides who may read it at all.
type concernView struct {
	ID       int64
	URL      string
	Types    string
	Status   string
	StatusOf lifeguard.ConcernStatus
	// IsDSL is true for the organisation's DSL; CanWork also needs the
	// concern open, and CanAdd (notes and evidence) the same for anyone.
	IsDSL, CanWork, CanAdd bool
	Closed                 bool
	Images                 bool
	ChildURL               string
	Reporter               string
	Reported               string
	Facts                  []factRow
	Description            string
	Procedure              string
	Routes                 []routeView
	Proposal               *proposalView
	Earlier                []decisionView
	Guidance               []string
	Offences               []lifeguard.Offence
	Warnings               []string
	Actions                []actionView
	Evidence               []evidenceView
	Notes                  []noteView
	Outcome                *outcomeView
	// Work is the risk rating and the assignment, for leads only.
	Work    *workView
	Changes *pageFlash
	Forms   concernForms
	// ServicesNote says why the help services are not beside the routes.
	ServicesNote bool
	// Referrals are the routes sent to other agencies (referral.go).
	Referrals *concernReferralsView
	// Holds are the legal holds on the concern and its child's file, for
	// the DSL (holds.go).
	Holds *holdsView
}

type factRow struct {
	Term  string
	Items []string
}

type routeView struct {
	Code    string
	Title   string
	Action  string
	Contact string
	Urgency string
	Due     string
	DueISO  string
	Overdue bool
	// Now: an immediate route without a decision, within the window of
	// "now"; NowUntil is when that window ends.
	Now              bool
	NowUntil, NowISO string
	Decided          bool
	Why              []string
	Rules            string
	Decisions        []decisionView
	Form             *decisionForm
	// Added is set for a route the DSL added (concern_end.go).
	Added *addedView
	// Services are the help and reporting services the route uses or that
	// help with it, linked to their cards on the help page.
	Services []helpService
}

type proposalView struct {
	Title, Why, Rule string
	Decisions        []decisionView
	Form             *decisionForm
}

type decisionView struct {
	Route     string
	Decision  string
	Reason    string
	Reference string
	By        string
	At        string
	// Timing is "on time", "late" or "" when the route had no deadline.
	Timing string
	Late   bool
}

type actionView struct {
	ID      int64
	Title   string
	Owner   string
	Due     string
	Overdue bool
	Done    string
	By      string
	DoneURL string
	// The end of an action other than done (concern_end.go).
	actionEnd
}

type evidenceView struct {
	What, Location, HeldBy, SHA256, By, At string
}

type noteView struct {
	Text, By, At string
}

type outcomeView struct {
	Label, Summary, By, At string
	// Labels are every outcome; Anyway the reason for closing with work
	// left (concern_end.go).
	Labels []string
	Anyway string
}

// concernForms holds every form of the concern page, with the values and
// problems of the one that was just sent, if any.
type concernForms struct {
	Action   actionForm
	Evidence evidenceForm
	Note     dslField
	Close    closeForm
	Outcomes []outcomeChoice
	Risk     riskForm
	Assign   assignForm
	AddRoute addRouteForm
}

type decisionForm struct {
	Action    string // where the form posts
	Title     string
	Prefix    string
	Route     string
	Legend    string
	Proposal  bool
	Decision  dslField
	Reason    dslField
	Reference dslField
}

type actionForm struct{ Title, Owner, Due dslField }

type evidenceForm struct{ What, Location, HeldBy, SHA256 dslField }

type closeForm struct {
	Code, Summary dslField
	// Anyway is the reason for closing with Left, the work not finished,
	// by title (concern_end.go).
	Anyway dslField
	Left   []string
}

type outcomeChoice struct {
	Code    string
	Label   string
	ID      string
	Checked bool
}

// concernPage shows a concern to whoever the store lets read it.
func (wb *Web) concernPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	c, err := wb.cfg.Stores.Concerns.Concern(r.Context(), id)
	if err != nil {
		return err
	}
	v, err := wb.concernView(r.Context(), fromRequest(r).user, c)
	if err != nil {
		return err
	}
	p := page{Title: "Concern " + strconv.FormatInt(c.ID, 10) + ": " + v.Types, Nav: "inbox", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
		if len(fl.Added) > 0 || len(fl.Removed) > 0 || fl.Same {
			v.Changes = fl
		}
	}
	return wb.render(w, r, http.StatusOK, "concern.html", p)
}

// reshowConcern shows the concern page again after a form on it had
// problems: the form keeps what was typed and says what to change.
func (wb *Web) reshowConcern(w http.ResponseWriter, r *http.Request, id int64, problems []lifeguard.Problem,
	fill func(v *concernView, problems []lifeguard.Problem)) error {
	c, err := wb.cfg.Stores.Concerns.Concern(r.Context(), id)
	if err != nil {
		return err
	}
	v, err := wb.concernView(r.Context(), fromRequest(r).user, c)
	if err != nil {
		return err
	}
	fill(v, problems)
	return wb.render(w, r, http.StatusUnprocessableEntity, "concern.html", page{
		Title: "Concern " + strconv.FormatInt(c.ID, 10) + ": there is a problem", Nav: "inbox", Data: v, Problem: problems})
}

func (wb *Web) concernView(ctx context.Context, u *lifeguard.User, c *lifeguard.Concern) (*concernView, error) {
	now := wb.cfg.Now()
	isDSL := may(u, lifeguard.OpWorkConcern, c.OrganisationID)
	closed := c.Status == lifeguard.StatusClosed
	v := &concernView{
		ID: c.ID, URL: concernURL(c.ID), Types: strings.Join(typeWords(c.Facts.ConcernTypes), "; "),
		Status: c.Status.Label(), StatusOf: c.Status,
		IsDSL: isDSL, CanWork: isDSL && !closed, CanAdd: !closed, Closed: closed,
		Images: imageBased(&c.Facts), Reported: wb.showTime(c.Facts.ReportedAt),
		Description: c.Facts.Description, Guidance: c.Triage.Guidance, Offences: c.Triage.Offences,
		Procedure:    strings.TrimSpace(c.Triage.Procedure.Name + " " + c.Triage.Procedure.Version),
		ServicesNote: true,
	}
	if isDSL {
		v.Warnings = c.Triage.Warnings
		if c.ChildID != nil {
			v.ChildURL = "/children/" + strconv.FormatInt(*c.ChildID, 10)
		}
	}
	v.Facts = wb.factRows(&c.Facts)
	var err error
	if v.Referrals, err = wb.concernReferrals(ctx, u, c); err != nil {
		return nil, err
	}
	if v.Holds, err = wb.holdsFor(ctx, u, c.OrganisationID, lifeguard.LegalHoldQuery{ConcernID: c.ID}, v.URL); err != nil {
		return nil, err
	}

	names := wb.newNamer(ctx, u)
	if isDSL {
		v.Reporter = names.of(c.ReporterID)
	}
	decisions := map[lifeguard.RouteCode][]decisionView{}
	if isDSL {
		for _, d := range c.Decisions {
			decisions[d.Route] = append(decisions[d.Route], wb.decisionView(d, names))
		}
	}
	latest := map[lifeguard.RouteCode]lifeguard.DecisionKind{}
	for _, d := range c.Decisions {
		latest[d.Route] = d.Decision
	}
	// The routes a DSL added are the DSL's decisions: the reporter sees
	// the procedure's routes only.
	routes := c.Triage.Routes
	if isDSL {
		routes = concernRoutes(c)
	}
	for _, rt := range routes {
		rv := routeView{Code: string(rt.Code), Title: rt.Title, Action: rt.Action, Urgency: rt.Urgency.Label(),
			Why: rt.Why, Rules: strings.Join(rt.Rules, ", "), Decisions: decisions[rt.Code],
			Services: wb.servicesFor([]lifeguard.RouteCode{rt.Code})}
		if rt.Contact != nil {
			rv.Contact = *rt.Contact
		}
		_, rv.Decided = latest[rt.Code]
		if rt.Due != nil {
			rv.Due, rv.DueISO = wb.showTime(*rt.Due), rt.Due.UTC().Format("2006-01-02T15:04:05Z")
			if !rv.Decided && !closed {
				switch rt.JudgeAt(c.Triage.Window(), now) {
				case lifeguard.Overdue:
					rv.Overdue = true
				case lifeguard.DueNow:
					rv.Now = true
					if at := rt.LateAt(c.Triage.Window()); rt.Urgency == lifeguard.Immediate {
						rv.NowUntil, rv.NowISO = wb.showTime(*at), at.UTC().Format("2006-01-02T15:04:05Z")
						rv.Urgency = "" // its label is "Now" too: one tag says it
					}
				}
			}
		}
		// A route stays open to a decision until it is done or declined:
		// an accepted route is later marked done, with its reference.
		if k := latest[rt.Code]; v.CanWork && k != lifeguard.DecisionDone && k != lifeguard.DecisionDeclined {
			rv.Form = newDecisionForm(c.ID, rt.Code, rt.Title, false)
		}
		rv.Added = wb.addedView(c, rt.Code, names)
		v.Routes = append(v.Routes, rv)
	}
	if pd := c.Triage.ProposedDecision; pd != nil {
		v.Proposal = &proposalView{Title: pd.Title, Why: pd.Why, Rule: pd.Rule,
			Decisions: decisions[lifeguard.ProposalRoute]}
		if _, decided := latest[lifeguard.ProposalRoute]; v.CanWork && !decided {
			v.Proposal.Form = newDecisionForm(c.ID, lifeguard.ProposalRoute, pd.Title, true)
		}
	}
	// Decisions on routes that a change of facts has since removed stay
	// on the record.
	if isDSL {
		for _, d := range c.Decisions {
			if d.Route != lifeguard.ProposalRoute && !c.Triage.HasRoute(d.Route) && !isAdded(c, d.Route) {
				v.Earlier = append(v.Earlier, wb.decisionView(d, names))
			}
		}
	}

	today := wb.todayHere()
	for _, a := range c.Actions {
		if !isDSL {
			break
		}
		av := actionView{ID: a.ID, Title: a.Title, Owner: a.Owner, Due: showDate(a.Due), By: names.of(a.CreatedBy),
			Overdue: a.Open() && a.Due.Before(today) && !closed}
		if a.DoneAt != nil {
			av.Done = wb.showTime(*a.DoneAt)
		} else if v.CanWork && a.Open() {
			av.DoneURL = v.URL + "/actions/" + strconv.FormatInt(a.ID, 10) + "/done"
		}
		av.actionEnd = wb.actionEnd(v, &a, names)
		v.Actions = append(v.Actions, av)
	}
	for _, e := range c.Evidence {
		if isDSL || e.RecordedBy == u.ID {
			v.Evidence = append(v.Evidence, evidenceView{What: e.What, Location: e.Location, HeldBy: e.HeldBy,
				SHA256: e.SHA256, By: names.of(e.RecordedBy), At: wb.showTime(e.RecordedAt)})
		}
	}
	for _, n := range c.Notes {
		if isDSL || n.AuthorID == u.ID {
			v.Notes = append(v.Notes, noteView{Text: n.Text, By: names.of(n.AuthorID), At: wb.showTime(n.CreatedAt)})
		}
	}
	if c.Outcome != nil && isDSL {
		v.Outcome = &outcomeView{Label: c.Outcome.Code.Label(), Summary: c.Outcome.Summary,
			By: names.of(c.Outcome.ClosedBy), At: wb.showTime(c.Outcome.ClosedAt)}
		v.Outcome.Labels, v.Outcome.Anyway = outcomeLabels(c.Outcome), c.Outcome.CloseAnyway
	}
	v.Forms = newConcernForms()
	if isDSL {
		if err := wb.workOf(ctx, v, c, names); err != nil {
			return nil, err
		}
	}
	if err := names.err; err != nil {
		return nil, err
	}
	if v.CanWork {
		proc, err := wb.procedureFor(ctx)
		if err != nil {
			return nil, err
		}
		endForms(proc, v, c)
	}
	return v, nil
}

func newDecisionForm(id int64, code lifeguard.RouteCode, title string, proposal bool) *decisionForm {
	p := "d-" + string(code)
	legend := "Your decision on: " + title
	if proposal {
		legend = "Do you confirm the proposed decision: " + title + "?"
	}
	return &decisionForm{Action: concernURL(id) + "/decisions", Title: title, Prefix: p, Route: string(code), Legend: legend, Proposal: proposal,
		Decision:  dslField{ID: p + "-decision", Name: "decision"},
		Reason:    dslField{ID: p + "-reason", Name: "reason"},
		Reference: dslField{ID: p + "-reference", Name: "reference"}}
}

func newConcernForms() concernForms {
	f := concernForms{
		Action: actionForm{Title: dslField{ID: "action-title", Name: "title"}, Owner: dslField{ID: "action-owner", Name: "owner"},
			Due: dslField{ID: "action-due", Name: "due"}},
		Evidence: evidenceForm{What: dslField{ID: "evidence-what", Name: "what"},
			Location: dslField{ID: "evidence-location", Name: "location"},
			HeldBy:   dslField{ID: "evidence-held_by", Name: "held_by"}, SHA256: dslField{ID: "evidence-sha256", Name: "sha256"}},
		Note: dslField{ID: "note-text", Name: "text"},
		Close: closeForm{Code: dslField{ID: "close-code", Name: "code"}, Summary: dslField{ID: "close-summary", Name: "summary"},
			Anyway: dslField{ID: "close-anyway", Name: "close_anyway"}},
	}
	for i, o := range lifeguard.Outcomes() {
		id := "close-code-" + string(o)
		if i == 0 {
			id = "close-code" // the first choice is where a problem links to
		}
		f.Outcomes = append(f.Outcomes, outcomeChoice{Code: string(o), Label: o.Label(), ID: id})
	}
	return f
}

func (wb *Web) decisionView(d lifeguard.Decision, names *namer) decisionView {
	dv := decisionView{Route: string(d.Route), Decision: d.Decision.Label(), Reason: d.Reason,
		Reference: d.Reference, By: names.of(d.DecidedBy), At: wb.showTime(d.DecidedAt)}
	if d.Route == lifeguard.ProposalRoute {
		dv.Decision = map[lifeguard.DecisionKind]string{lifeguard.DecisionAccepted: "Confirmed",
			lifeguard.DecisionDeclined: "Rejected", lifeguard.DecisionDone: "Confirmed"}[d.Decision]
	}
	if d.OnTime != nil {
		dv.Timing, dv.Late = "on time", !*d.OnTime
		if dv.Late {
			dv.Timing = "late: after the deadline"
		}
	}
	return dv
}

// factRows says the facts in plain English, leaving out what was not said.
func (wb *Web) factRows(f *lifeguard.Facts) []factRow {
	rows := []factRow{{"Type of concern", typeWords(f.ConcernTypes)}, {"Reported", []string{wb.showTime(f.ReportedAt)}}}
	if f.OccurredAt != nil {
		rows = append(rows, factRow{"Happened", []string{wb.showTime(*f.OccurredAt)}})
	}
	rows = append(rows, factRow{"Kind of organisation", []string{f.Setting.Label()}})
	if ch := f.Child; ch != nil {
		var age string
		switch {
		case ch.DateOfBirth != nil:
			age = "Born " + showDate(*ch.DateOfBirth) + ", aged " + strconv.Itoa(ch.DateOfBirth.AgeOn(f.ReportedAt)) +
				" when reported"
		case ch.Age != nil:
			age = strconv.Itoa(*ch.Age) + " when reported"
		}
		rows = append(rows, factRow{"Child's age", []string{age}})
		if len(ch.Vulnerabilities) > 0 {
			vs := make([]string, len(ch.Vulnerabilities))
			for i, x := range ch.Vulnerabilities {
				vs[i] = x.Label()
			}
			rows = append(rows, factRow{"Vulnerabilities", vs})
		}
		rows = append(rows, factRow{"The child's part", []string{f.Role().Label()}})
	} else {
		rows = append(rows, factRow{"Child", []string{"No child: this concern is about an adult at work"}})
	}
	if h := f.Risk.SignificantHarm; h != "" {
		rows = append(rows, factRow{"Significant harm", []string{h.Label()}})
	}
	for _, g := range flagGroups {
		var yes []string
		for _, fl := range factFlags {
			if fl.Group == g && *fl.get(f) {
				yes = append(yes, fl.Label)
			}
		}
		if len(yes) > 0 {
			rows = append(rows, factRow{g, yes})
		}
	}
	if f.Details.Platform != "" {
		rows = append(rows, factRow{"App, game or site", []string{f.Details.Platform}})
	}
	return rows
}

// namer finds the names of the people on a concern: a handful of
// colleagues, each looked up once however many entries they made.
type namer struct {
	ctx   context.Context
	wb    *Web
	me    *lifeguard.User
	names map[int64]string
	err   error
}

func (wb *Web) newNamer(ctx context.Context, me *lifeguard.User) *namer {
	return &namer{ctx: ctx, wb: wb, me: me, names: map[int64]string{}}
}

func (n *namer) of(id int64) string {
	switch {
	case id == 0:
		return "Lifeguard"
	case id == n.me.ID:
		return n.me.Name + " (you)"
	}
	if s, ok := n.names[id]; ok {
		return s
	}
	s := "someone no longer in your organisation"
	if u, err := n.wb.cfg.Stores.Orgs.User(n.ctx, id); err == nil {
		s = u.Name
	} else if lifeguard.ErrorCode(err) != lifeguard.ENOTFOUND && n.err == nil {
		n.err = err
	}
	n.names[id] = s
	return s
}

// routeChanges compares the routes of two triages: those added and those
// removed, each by its title.
func routeChanges(before, after *lifeguard.Triage) (added, removed []string) {
	for _, r := range after.Routes {
		if !before.HasRoute(r.Code) {
			added = append(added, r.Title)
		}
	}
	for _, r := range before.Routes {
		if !after.HasRoute(r.Code) {
			removed = append(removed, r.Title)
		}
	}
	return added, removed
}
