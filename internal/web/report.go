package web

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// maxReportBody bounds a report form's body: the longest description
// (20,000 characters of up to four bytes, percent-encoded) and every other
// field, with room to spare.
const maxReportBody = 512 << 10

var errNotReporter = lifeguard.Errorf(lifeguard.EFORBIDDEN,
	"Recording concerns is for staff, safeguarding leads and managers of an organisation. "+
		"If you are worried about a child, tell the safeguarding lead of their school or organisation, "+
		"or see Help and reporting services.")

// mayReport refuses the roles that do not record concerns before any form
// is shown; the store refuses them again on create.
func mayReport(r *http.Request) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.Can(lifeguard.OpRecordConcern) {
		return errNotReporter
	}
	return nil
}

// reportForm shows the first step: whether anyone is in immediate danger.
func (wb *Web) reportForm(w http.ResponseWriter, r *http.Request) error {
	if err := mayReport(r); err != nil {
		return err
	}
	a := reportAnswers{}
	if r.URL.Query().Get("from_alert") == "" {
		if restored, err := wb.restoreReport(w, r); restored || err != nil {
			return err
		}
	}
	if id := r.URL.Query().Get("from_alert"); id != "" {
		// A DSL starting a concern from one of the filter's alerts.
		if err := requireRule(r, lifeguard.OpReadFilterAlerts, "record a concern from the filter's alerts"); err != nil {
			return err
		}
		var err error
		if a, err = wb.alertReport(r, id); err != nil {
			return err
		}
	}
	return wb.renderReport(w, r, http.StatusOK, stepDanger, a, nil, reportChildSearch{})
}

// reportPost takes one step of the form. The button pressed says what to
// do: go back a step, find a child by reference, or check this step and go
// on; on the last step, going on records the concern.
func (wb *Web) reportPost(w http.ResponseWriter, r *http.Request) error {
	if err := mayReport(r); err != nil {
		return err
	}
	// The form never takes a file: refuse a multipart body outright rather
	// than read it.
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); strings.HasPrefix(ct, "multipart/") {
		return lifeguard.Errorf(lifeguard.EINVALID, "This form does not take files. Lifeguard never stores images or other files about a concern.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxReportBody)
	if err := r.ParseForm(); err != nil {
		return lifeguard.Errorf(lifeguard.EINVALID, "The form could not be read. Go back to the report page and try again.")
	}
	a := reportAnswersFrom(r.PostForm)
	step := stepDanger
	if n, err := strconv.Atoi(r.PostForm.Get("step")); err == nil && n >= int(stepDanger) && n <= int(lastStep) {
		step = reportStep(n)
	}
	switch r.PostForm.Get("go") {
	case "back":
		return wb.renderReport(w, r, http.StatusOK, max(step-1, stepDanger), a, nil, reportChildSearch{})
	case "find":
		return wb.findChild(w, r, a, strings.TrimSpace(r.PostForm.Get("find")))
	}
	in := readReport(a, wb.cfg.Now(), wb.zone())
	if p := in.problems[step]; len(p) > 0 {
		return wb.renderReport(w, r, http.StatusUnprocessableEntity, step, a, p, reportChildSearch{})
	}
	if step < lastStep {
		return wb.renderReport(w, r, http.StatusOK, step+1, a, nil, reportChildSearch{})
	}
	return wb.submitReport(w, r, a, in)
}

// reportChildSearch is the result of looking a child up by reference, or
// the child on record that a new child would duplicate (Duplicate).
type reportChildSearch struct {
	Done      bool
	Prefix    string
	Found     []lifeguard.Child
	Duplicate bool
}

// findChild looks the organisation's children up by part of a name, a
// year group, a reference or an identifier, and shows the child step again
// with them to choose from. The search travels in the form's body, never in
// the address; children.js answers the same search as one types.
func (wb *Web) findChild(w http.ResponseWriter, r *http.Request, a reportAnswers, q string) error {
	found, err := wb.cfg.Stores.Children.SearchChildren(r.Context(), q)
	if err != nil {
		if lifeguard.ErrorCode(err) != lifeguard.EINVALID {
			return err
		}
		return wb.renderReport(w, r, http.StatusUnprocessableEntity, stepChild, a,
			[]lifeguard.Problem{{Path: "find", Problem: searchProblem(err)}}, reportChildSearch{Prefix: q})
	}
	return wb.renderReport(w, r, http.StatusOK, stepChild, a, nil, reportChildSearch{Done: true, Prefix: q, Found: found})
}

// submitReport records the concern: every step checked, then recorded (see
// internal/record), and the reporter is sent to the confirmation page. A
// problem the facts or the store find sends them back to the first step that
// has one, with every answer kept.
func (wb *Web) submitReport(w http.ResponseWriter, r *http.Request, a reportAnswers, in *reportInput) error {
	if s := in.firstProblem(); s != 0 {
		return wb.renderReport(w, r, http.StatusUnprocessableEntity, s, a, in.problems[s], reportChildSearch{})
	}
	if wb.cfg.Procedure == nil {
		return errors.New("web: no procedure to triage a concern with")
	}
	rep := record.Report{Facts: in.facts, ChildID: in.childID, ChildRef: in.childRef, SettingFromOrganisation: true,
		ChildLegalForename: in.forename, ChildLegalSurname: in.surname, DifferentChild: in.different}
	if token := a.get("report_token"); validReportToken(token) {
		// The same form sent again (back and reload, "Confirm form
		// resubmission") gives the concern it recorded the first time. A
		// form from before tokens were issued records without a key.
		rep.Key = &lifeguard.ConcernKey{Key: "form:" + token}
	}
	c, _, err := wb.recorder().Concern(r.Context(), rep)
	if dup, ok := lifeguard.DuplicateOf(err); ok {
		return wb.offerDuplicate(w, r, a, in, dup)
	}
	if err != nil {
		if e, ok := errors.AsType[*lifeguard.Error](err); ok && e.Code == lifeguard.EINVALID && len(e.Problems) > 0 {
			return wb.reportProblems(w, r, a, e.Problems)
		}
		return err
	}
	http.Redirect(w, r, "/report/"+strconv.FormatInt(c.ID, 10)+"/done", http.StatusSeeOther)
	return nil
}

// offerDuplicate shows the child step again when the new child has the
// name and date of birth of a child on record (dup): that child is offered
// to choose, beside a box to tick when this is a different child. Every
// answer and the form's token are kept; nothing was recorded.
func (wb *Web) offerDuplicate(w http.ResponseWriter, r *http.Request, a reportAnswers, in *reportInput, dup lifeguard.Problem) error {
	// What the offer shows of the child on record is what the reporter
	// typed (it matched, case aside) and the reference the store named.
	c := lifeguard.Child{ID: dup.ChildID, Ref: dup.ChildRef, OrganisationID: fromRequest(r).user.OrganisationID,
		LegalForename: in.forename, LegalSurname: in.surname}
	if in.facts.Child != nil {
		c.DateOfBirth = in.facts.Child.DateOfBirth
	}
	msg := fmt.Sprintf("A child with this name and date of birth is already recorded here: %s. "+
		"If it is the same child, choose them below. If it is a different child, tick “This is a different child” and continue.",
		foundItem(fromRequest(r).user, c).Label)
	return wb.renderReport(w, r, http.StatusConflict, stepChild, a, []lifeguard.Problem{{Path: "child-new", Problem: msg}},
		reportChildSearch{Found: []lifeguard.Child{c}, Duplicate: true})
}

// recorder records concerns through the pages' stores and procedure.
func (wb *Web) recorder() *record.Recorder {
	return &record.Recorder{Concerns: wb.cfg.Stores.Concerns, Orgs: wb.cfg.Stores.Orgs, Monitor: wb.cfg.Stores.Monitor,
		Triager: wb.triager(), Now: wb.cfg.Now}
}

// triager triages new concerns: under the partnership's newest directory
// version when the pages have one (Live), else under Procedure.
func (wb *Web) triager() lifeguard.Triager {
	if wb.cfg.Live != nil {
		return wb.cfg.Live
	}
	return wb.cfg.Procedure
}

// procedureFor is the procedure in force for the signed-in user's
// partnership now: its newest directory version, read per request as the
// triage reads it (Live), so that a title changed on the directory's pages
// shows on the next page; Procedure when the pages have no Live (nil only
// for pages tested without one).
func (wb *Web) procedureFor(ctx context.Context) (*procedure.Procedure, error) {
	if wb.cfg.Live != nil {
		return wb.cfg.Live.For(ctx)
	}
	return wb.cfg.Procedure, nil
}

// reportProblems shows the problems that validation or the store found on
// the first step they belong to.
func (wb *Web) reportProblems(w http.ResponseWriter, r *http.Request, a reportAnswers, ps []lifeguard.Problem) error {
	var byStep [lastStep + 1][]lifeguard.Problem
	first := lastStep
	for _, p := range ps {
		s, fp := reportFieldProblem(p)
		byStep[s] = append(byStep[s], fp)
		first = min(first, s)
	}
	return wb.renderReport(w, r, http.StatusUnprocessableEntity, first, a, byStep[first], reportChildSearch{})
}

// reportOption is one radio button or checkbox.
type reportOption struct {
	Type    string // radio or checkbox
	ID      string
	Name    string
	Value   string
	Label   string
	Hint    string
	Checked bool
	// Found marks a child found by the search, which children.js
	// replaces as the search is typed.
	Found bool
}

// reportFieldError is a problem shown beside its field; ID is the message's own
// id, for the field's aria-describedby.
type reportFieldError struct {
	ID      string
	Message string
}

// reportOptionGroup is a fieldset of options.
type reportOptionGroup struct {
	Legend  string
	Hint    string
	Options []reportOption
}

// reportView is what a step's page shows. Only the current step's fields
// are filled in; the rest of the answers travel in Hidden.
type reportView struct {
	Step     reportStep
	Steps    int
	Heading  string
	Danger   bool // someone is in immediate danger: show "Call 999 now" first
	Hidden   []reportHidden
	Submit   string
	HasChild bool
	// Errors holds each problem by the id of its field, to show beside the
	// field as well as in the list at the top.
	Errors map[string]*reportFieldError

	DangerOptions []reportOption

	Search        reportChildSearch
	ChildOptions  []reportOption
	ChildRef      string
	ChildForename string
	ChildSurname  string
	MaxChildName  int
	// AskDifferent shows the box that confirms a new child is not the
	// child on record of the same name and date of birth.
	AskDifferent    bool
	ChildDifferent  bool
	ChildAge        string
	ChildDOB        string
	Vulnerabilities []reportOption
	Today           string

	Description    string
	OccurredDate   string
	OccurredTime   string
	Platform       string
	MaxDescription int
	MaxPlatform    int
	MaxChildRef    int
	MaxChildSearch int

	TypeGroups []reportOptionGroup
	Roles      []reportOption
	Parties    []reportOption
	Harm       []reportOption
	Risks      []reportOption

	Images  []reportOption
	Staff   []reportOption
	Details []reportOption
}

// renderReport shows step s of the form with the answers so far.
func (wb *Web) renderReport(w http.ResponseWriter, r *http.Request, status int, s reportStep, a reportAnswers,
	problems []lifeguard.Problem, search reportChildSearch) error {
	return wb.renderReportFlash(w, r, status, s, a, problems, search, "")
}

// renderReportFlash is renderReport with a message at the top of the page.
func (wb *Web) renderReportFlash(w http.ResponseWriter, r *http.Request, status int, s reportStep, a reportAnswers,
	problems []lifeguard.Problem, search reportChildSearch, flash string) error {
	now := wb.cfg.Now()
	if !validReportToken(a.get("report_token")) {
		a["report_token"] = []string{newReportToken()}
	}
	in := readReport(a, now, wb.zone())
	v := reportView{
		Step: s, Steps: int(lastStep), Heading: stepHeadings[s],
		Danger: a.get("danger") == "yes" && s > stepDanger,
		Hidden: a.hiddenExcept(s), Submit: "Continue", HasChild: !in.noChild,
		Search: search, ChildRef: a.get("child_ref"), ChildAge: a.get("child_age"), ChildDOB: a.get("child_dob"),
		ChildForename: a.get("child_forename"), ChildSurname: a.get("child_surname"),
		ChildDifferent: a.get("child_different") == "yes", AskDifferent: search.Duplicate || a.get("child_different") == "yes",
		MaxChildName: lifeguard.MaxChildName,
		Today:        now.In(wb.zone()).Format(time.DateOnly),
		Description:  a.get("description"), OccurredDate: a.get("occurred_date"), OccurredTime: a.get("occurred_time"),
		Platform: a.get("platform"), MaxDescription: lifeguard.MaxDescription, MaxPlatform: lifeguard.MaxPlatform,
		MaxChildRef: lifeguard.MaxChildRef, MaxChildSearch: maxChildSearch,
	}
	if s == lastStep {
		v.Submit = "Send the report"
	}
	v.Errors = map[string]*reportFieldError{}
	for _, p := range problems {
		if p.Path != "" && v.Errors[p.Path] == nil {
			v.Errors[p.Path] = &reportFieldError{ID: p.Path + "-error", Message: p.Problem}
		}
	}
	radio := func(name, id, value, label, hint string) reportOption {
		return reportOption{Type: "radio", ID: id, Name: name, Value: value, Label: label, Hint: hint, Checked: a.get(name) == value}
	}
	check := func(name, id, value, label, hint string) reportOption {
		return reportOption{Type: "checkbox", ID: id, Name: name, Value: value, Label: label, Hint: hint, Checked: a.has(name, value)}
	}

	v.DangerOptions = []reportOption{
		radio("danger", "danger-yes", "yes", "Yes", "A child or anyone else is at risk of serious harm now, or a crime is happening now."),
		radio("danger", "danger-no", "no", "No", ""),
	}

	// The child: any found by the search, the existing child already
	// chosen, a new child (the default) or none.
	choice := a.get("child")
	if choice == "" {
		choice = "new"
	}
	picked := false
	u := fromRequest(r).user
	for _, c := range search.Found {
		it := foundItem(u, c)
		picked = picked || it.Value == choice
		v.ChildOptions = append(v.ChildOptions, reportOption{Type: "radio", ID: "child-" + strconv.FormatInt(c.ID, 10),
			Name: "child", Value: it.Value, Label: it.Label, Checked: it.Value == choice, Found: true})
	}
	if in.childID != 0 && !picked {
		v.ChildOptions = append(v.ChildOptions, reportOption{Type: "radio", ID: "child-" + strconv.FormatInt(in.childID, 10),
			Name: "child", Value: choice, Label: in.pickedRef, Hint: "The child you chose", Checked: true})
	}
	v.ChildOptions = append(v.ChildOptions,
		reportOption{Type: "radio", ID: "child-new", Name: "child", Value: "new", Label: "A child not yet recorded here",
			Hint: "Give their age or date of birth below.", Checked: choice == "new"},
		reportOption{Type: "radio", ID: "child-none", Name: "child", Value: "none", Label: "No child",
			Hint:    "Only for a concern about an adult who works with children: their online conduct, or their being targeted online.",
			Checked: choice == "none"})
	for _, vu := range lifeguard.Vulnerabilities() {
		v.Vulnerabilities = append(v.Vulnerabilities, check("vuln", "vuln-"+string(vu), string(vu), reportVulnerabilities[vu], ""))
	}

	for _, g := range fourCsGroups() {
		og := reportOptionGroup{Legend: g.Heading, Hint: g.Hint}
		for _, t := range g.Types {
			og.Options = append(og.Options, check("type", "type-"+string(t.Code), string(t.Code), t.Label, t.Covers))
		}
		v.TypeGroups = append(v.TypeGroups, og)
	}
	for _, rl := range reportRoles {
		v.Roles = append(v.Roles, radio("role", "role-"+string(rl.role), string(rl.role), rl.label, ""))
	}
	for _, p := range reportParties {
		v.Parties = append(v.Parties, check("party", "party-"+p.code, p.code, p.label, ""))
	}
	for _, h := range reportHarms {
		v.Harm = append(v.Harm, radio("harm", "harm-"+h.code, h.code, h.label, ""))
	}
	for _, q := range reportRisks {
		v.Risks = append(v.Risks, check("risk", "risk-"+q.code, q.code, q.label, q.hint))
	}

	for _, q := range followUps() {
		if !q.shown(in.sel) {
			continue
		}
		o := check(q.group, q.group+"-"+q.code, q.code, q.label, q.hint)
		switch q.group {
		case "img":
			v.Images = append(v.Images, o)
		case "staff":
			v.Staff = append(v.Staff, o)
		default:
			v.Details = append(v.Details, o)
		}
	}

	title := "Report a concern: " + v.Heading
	if len(problems) > 0 {
		title = "Error: " + title
	}
	p := page{Title: title, Nav: "report", Data: v, Problem: problems, Flash: flash}
	if s == stepChild {
		p.Script = "children.js"
	}
	return wb.render(w, r, status, "report.html", p)
}

// splitReporterGuidance separates the procedure's guidance for the reporter into
// what to do and what never to do, by how each line begins.
func splitReporterGuidance(lines []string) (do, never []string) {
	for _, l := range lines {
		if strings.HasPrefix(l, "Do not ") || strings.HasPrefix(l, "Don't ") || strings.HasPrefix(l, "Never ") {
			never = append(never, l)
		} else {
			do = append(do, l)
		}
	}
	return do, never
}
