package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The strategy action plan pages. A partnership officer keeps the plan:
// objectives under the three strands, their actions, and the barriers to
// them, escalated to the board until resolved. Every user of an
// organisation that owns an action sees it and adds dated progress notes.

func objectiveURL(id int64) string  { return "/plan/objectives/" + strconv.FormatInt(id, 10) }
func planActionURL(id int64) string { return "/plan/actions/" + strconv.FormatInt(id, 10) }

type planView struct {
	Officer   bool
	Strands   []planStrandView
	Objective objectiveForm
	Escalated []escalatedItem
}

type planStrandView struct {
	Label      string
	ID         string
	Objectives []objectiveItem
}

type objectiveItem struct {
	Title, URL, Description string
	Actions                 []planActionItem
}

type planActionItem struct {
	Title, URL, Owner, Due, RAG, RAGLabel, LastNote string
	Overdue                                         bool
	Escalated, OpenBarriers                         int
}

type escalatedItem struct {
	Text, Action, URL, Since string
}

type objectiveForm struct {
	Strand      dslField
	Title       dslField
	Description dslField
	Strands     []option
}

type option struct {
	Value, Label string
	Selected     bool
}

func (wb *Web) planPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showPlan(w, r, http.StatusOK, nil, lifeguard.NewObjective{})
}

func (wb *Web) showPlan(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	typed lifeguard.NewObjective) error {
	objs, err := wb.cfg.Stores.Plan.Plan(r.Context())
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	v := planView{Officer: u.Role.Can(lifeguard.OpChangePlan)}
	today := wb.todayHere()
	for _, s := range lifeguard.PlanStrands() {
		sv := planStrandView{Label: s.Label(), ID: "strand-" + string(s)}
		for _, o := range objs {
			if o.Strand != s {
				continue
			}
			oi := objectiveItem{Title: o.Title, URL: objectiveURL(o.ID), Description: o.Description}
			for _, x := range o.Actions {
				oi.Actions = append(oi.Actions, wb.planActionItem(&x, today))
				for _, b := range x.Barriers {
					if b.Status == lifeguard.BarrierEscalated {
						v.Escalated = append(v.Escalated, escalatedItem{Text: b.Text, Action: x.Title,
							URL: planActionURL(x.ID), Since: wb.showDay(*b.EscalatedAt)})
					}
				}
			}
			sv.Objectives = append(sv.Objectives, oi)
		}
		v.Strands = append(v.Strands, sv)
	}
	v.Objective = objectiveFormOf(typed, problems)
	p := page{Title: "Strategy action plan", Nav: "plan", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title = "Strategy action plan: there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "plan.html", p)
}

func (wb *Web) planActionItem(x *lifeguard.PlanAction, today lifeguard.Date) planActionItem {
	it := planActionItem{Title: x.Title, URL: planActionURL(x.ID), Owner: x.OwnerOrgName, Due: showDate(x.Due),
		RAG: string(x.RAG), RAGLabel: x.RAG.Label(), Overdue: x.RAG != lifeguard.RAGComplete && x.Due.Before(today)}
	if n := len(x.Notes); n > 0 {
		it.LastNote = showDate(x.Notes[n-1].On)
	}
	for _, b := range x.Barriers {
		switch b.Status {
		case lifeguard.BarrierEscalated:
			it.Escalated++
		case lifeguard.BarrierOpen:
			it.OpenBarriers++
		}
	}
	return it
}

func objectiveFormOf(in lifeguard.NewObjective, problems []lifeguard.Problem) objectiveForm {
	f := objectiveForm{
		Strand:      dslField{ID: "objective-strand", Name: "strand", Value: string(in.Strand)},
		Title:       dslField{ID: "objective-title", Name: "title", Value: in.Title},
		Description: dslField{ID: "objective-description", Name: "description", Value: in.Description},
	}
	for _, s := range lifeguard.PlanStrands() {
		f.Strands = append(f.Strands, option{Value: string(s), Label: s.Label(), Selected: s == in.Strand})
	}
	for _, p := range problems {
		for _, fld := range []*dslField{&f.Strand, &f.Title, &f.Description} {
			if p.Path == fld.ID && fld.Err == "" {
				fld.Err = p.Problem
			}
		}
	}
	return f
}

var objectiveTargets = map[string]problemTarget{
	"strand":      {"objective-strand", "Strand"},
	"title":       {"objective-title", "Objective"},
	"description": {"objective-description", "Description"},
}

// createObjective adds an objective to the plan.
func (wb *Web) createObjective(w http.ResponseWriter, r *http.Request) error {
	var in lifeguard.NewObjective
	return wb.post(w, r, func() (saved, error) {
		in = readObjectiveForm(r)
		o, err := wb.cfg.Stores.Plan.CreateObjective(r.Context(), in)
		if err != nil {
			return saved{}, err
		}
		return saved{"The objective is added. Now add its actions.", objectiveURL(o.ID)}, nil
	}, func(err error) error {
		problems, _ := fieldProblems(err, objectiveTargets)
		return wb.showPlan(w, r, http.StatusUnprocessableEntity, problems, in)
	})
}

// readObjectiveForm reads the fields of an objective's form.
func readObjectiveForm(r *http.Request) lifeguard.NewObjective {
	return lifeguard.NewObjective{Strand: lifeguard.PlanStrand(r.PostForm.Get("strand")),
		Title: strings.TrimSpace(r.PostForm.Get("title")), Description: strings.TrimSpace(r.PostForm.Get("description"))}
}

// objectiveView is an objective with its actions and, for an officer, the
// forms to change it and add an action.
type objectiveView struct {
	Officer   bool
	URL       string
	Title     string
	Strand    string
	Desc      string
	Actions   []planActionItem
	Objective objectiveForm
	Action    planActionForm
}

type planActionForm struct {
	Title  dslField
	Owner  dslField
	Due    dslField
	RAG    dslField
	Orgs   []option
	RAGs   []option
	Submit string
}

func (wb *Web) objectivePage(w http.ResponseWriter, r *http.Request) error {
	return wb.showObjective(w, r, http.StatusOK, nil, nil, nil)
}

func (wb *Web) showObjective(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	objTyped *lifeguard.NewObjective, actTyped *actionInput) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	o, err := wb.cfg.Stores.Plan.Objective(r.Context(), id)
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	v := objectiveView{Officer: u.Role.Can(lifeguard.OpChangePlan), URL: objectiveURL(o.ID), Title: o.Title,
		Strand: o.Strand.Label(), Desc: o.Description}
	today := wb.todayHere()
	for _, x := range o.Actions {
		v.Actions = append(v.Actions, wb.planActionItem(&x, today))
	}
	if v.Officer {
		cur := lifeguard.NewObjective{Strand: o.Strand, Title: o.Title, Description: o.Description}
		if objTyped != nil {
			cur = *objTyped
		}
		v.Objective = objectiveFormOf(cur, problems)
		in := actionInput{RAG: string(lifeguard.RAGGreen)}
		if actTyped != nil {
			in = *actTyped
		}
		if v.Action, err = wb.actionFormOf(r, "new-action", in, problems); err != nil {
			return err
		}
		v.Action.Submit = "Add the action"
	}
	p := page{Title: o.Title, Nav: "plan", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title = o.Title + ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "plan_objective.html", p)
}

// actionInput is an action's form as typed.
type actionInput struct{ Title, Owner, Due, RAG string }

func (wb *Web) actionFormOf(r *http.Request, prefix string, in actionInput, problems []lifeguard.Problem) (planActionForm, error) {
	f := planActionForm{
		Title: dslField{ID: prefix + "-title", Name: "title", Value: in.Title},
		Owner: dslField{ID: prefix + "-owner", Name: "owner", Value: in.Owner},
		Due:   dslField{ID: prefix + "-due", Name: "due", Value: in.Due},
		RAG:   dslField{ID: prefix + "-rag", Name: "rag", Value: in.RAG},
	}
	orgs, err := wb.cfg.Stores.Orgs.Organisations(r.Context())
	if err != nil {
		return f, err
	}
	for _, o := range orgs {
		id := strconv.FormatInt(o.ID, 10)
		f.Orgs = append(f.Orgs, option{Value: id, Label: o.Name, Selected: id == in.Owner})
	}
	for _, g := range lifeguard.RAGs() {
		f.RAGs = append(f.RAGs, option{Value: string(g), Label: g.Label(), Selected: string(g) == in.RAG})
	}
	for _, p := range problems {
		for _, fld := range []*dslField{&f.Title, &f.Owner, &f.Due, &f.RAG} {
			if p.Path == fld.ID && fld.Err == "" {
				fld.Err = p.Problem
			}
		}
	}
	return f, nil
}

func actionTargets(prefix string) map[string]problemTarget {
	return map[string]problemTarget{
		"title":                 {prefix + "-title", "What will be done"},
		"owner_organisation_id": {prefix + "-owner", "The owner"},
		"due":                   {prefix + "-due", "The due date"},
		"rag":                   {prefix + "-rag", "The status"},
	}
}

// readActionForm reads an action's form; a date that does not parse is an
// EINVALID error, found before the store is asked.
func readActionForm(r *http.Request) (actionInput, lifeguard.NewPlanAction, error) {
	typed := actionInput{Title: strings.TrimSpace(r.PostForm.Get("title")), Owner: r.PostForm.Get("owner"),
		Due: strings.TrimSpace(r.PostForm.Get("due")), RAG: r.PostForm.Get("rag")}
	in := lifeguard.NewPlanAction{Title: typed.Title, RAG: lifeguard.RAG(typed.RAG)}
	in.OwnerOrgID, _ = strconv.ParseInt(typed.Owner, 10, 64)
	var err error
	in.Due, err = formDate(typed.Due, "due", "The action is not valid", "2027-03-31")
	return typed, in, err
}

// updateObjective changes an objective.
func (wb *Web) updateObjective(w http.ResponseWriter, r *http.Request) error {
	var in lifeguard.NewObjective
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		in = readObjectiveForm(r)
		_, err := wb.cfg.Stores.Plan.UpdateObjective(r.Context(), id, in)
		return saved{"The objective is changed.", objectiveURL(id)}, err
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, objectiveTargets)
		return wb.showObjective(w, r, http.StatusUnprocessableEntity, problems, &in, nil)
	})
}

// createPlanAction adds an action to an objective.
func (wb *Web) createPlanAction(w http.ResponseWriter, r *http.Request) error {
	var typed actionInput
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		var in lifeguard.NewPlanAction
		var err error
		if typed, in, err = readActionForm(r); err != nil {
			return saved{}, err
		}
		x, err := wb.cfg.Stores.Plan.CreatePlanAction(r.Context(), id, in)
		if err != nil {
			return saved{}, err
		}
		return saved{"The action is added.", planActionURL(x.ID)}, nil
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, actionTargets("new-action"))
		return wb.showObjective(w, r, http.StatusUnprocessableEntity, problems, nil, &typed)
	})
}

// planActionView is one action: its details, notes and barriers, and the
// forms the user may use.
type planActionView struct {
	URL       string
	Officer   bool
	Item      planActionItem
	Objective string
	ObjURL    string
	Strand    string
	Notes     []noteItem
	Barriers  []barrierItem
	Edit      planActionForm
	Note      struct{ On, Text dslField }
	Barrier   dslField
}

type noteItem struct{ On, Text, By string }

type barrierItem struct {
	ID                                         int64
	Text, Status, Raised, Escalated, Resolved  string
	Resolution, EscalateURL, ResolveURL, Field string
	IsEscalated, IsResolved                    bool
	ResolutionValue, ResolutionErr             string
}

func (wb *Web) planActionPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showPlanAction(w, r, http.StatusOK, nil, nil)
}

// showPlanAction renders an action; typed holds what a failed form sent.
func (wb *Web) showPlanAction(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	typed func(v *planActionView)) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	x, err := wb.cfg.Stores.Plan.PlanAction(r.Context(), id)
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	officer := u.Role.Can(lifeguard.OpChangePlan)
	v := planActionView{URL: planActionURL(x.ID), Officer: officer, Item: wb.planActionItem(x, wb.todayHere()),
		Objective: x.ObjectiveTitle, ObjURL: objectiveURL(x.ObjectiveID), Strand: x.ObjectiveStrand.Label()}
	for _, n := range x.Notes {
		by := n.AuthorName
		if n.AuthorOrg != "" {
			by += ", " + n.AuthorOrg
		}
		v.Notes = append(v.Notes, noteItem{On: showDate(n.On), Text: n.Text, By: by})
	}
	for _, b := range x.Barriers {
		bi := barrierItem{ID: b.ID, Text: b.Text, Raised: wb.showDay(b.RaisedAt), Resolution: b.Resolution,
			IsEscalated: b.Status == lifeguard.BarrierEscalated, IsResolved: b.Status == lifeguard.BarrierResolved}
		switch b.Status {
		case lifeguard.BarrierOpen:
			bi.Status = "Open"
		case lifeguard.BarrierEscalated:
			bi.Status = "Escalated to the board"
		case lifeguard.BarrierResolved:
			bi.Status = "Resolved"
		}
		if b.EscalatedAt != nil {
			bi.Escalated = wb.showDay(*b.EscalatedAt)
		}
		if b.ResolvedAt != nil {
			bi.Resolved = wb.showDay(*b.ResolvedAt)
		}
		base := "/plan/barriers/" + strconv.FormatInt(b.ID, 10)
		if officer && b.Status == lifeguard.BarrierOpen {
			bi.EscalateURL = base + "/escalate"
		}
		if officer && b.Status != lifeguard.BarrierResolved {
			bi.ResolveURL, bi.Field = base+"/resolve", "resolution-"+strconv.FormatInt(b.ID, 10)
		}
		v.Barriers = append(v.Barriers, bi)
	}
	if officer {
		in := actionInput{Title: x.Title, Owner: strconv.FormatInt(x.OwnerOrgID, 10), Due: x.Due.String(), RAG: string(x.RAG)}
		if v.Edit, err = wb.actionFormOf(r, "action", in, nil); err != nil {
			return err
		}
		v.Edit.Submit = "Save the changes"
	}
	v.Note.On = dslField{ID: "note-on", Name: "on", Value: wb.todayHere().String()}
	v.Note.Text = dslField{ID: "note-text", Name: "text"}
	v.Barrier = dslField{ID: "barrier-text", Name: "text"}
	if typed != nil {
		typed(&v)
	}
	// Problems reach the fields they name.
	for _, p := range problems {
		for _, fld := range []*dslField{&v.Edit.Title, &v.Edit.Owner, &v.Edit.Due, &v.Edit.RAG, &v.Note.On, &v.Note.Text, &v.Barrier} {
			if p.Path == fld.ID && fld.Err == "" {
				fld.Err = p.Problem
			}
		}
		for i := range v.Barriers {
			if p.Path == v.Barriers[i].Field && v.Barriers[i].ResolutionErr == "" {
				v.Barriers[i].ResolutionErr = p.Problem
			}
		}
	}
	p := page{Title: x.Title, Nav: "plan", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title = x.Title + ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "plan_action.html", p)
}

// updatePlanAction changes an action's title, owner, due date and status.
func (wb *Web) updatePlanAction(w http.ResponseWriter, r *http.Request) error {
	var typed actionInput
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		var in lifeguard.NewPlanAction
		var err error
		if typed, in, err = readActionForm(r); err != nil {
			return saved{}, err
		}
		_, err = wb.cfg.Stores.Plan.UpdatePlanAction(r.Context(), id, in)
		return saved{"The action is changed.", planActionURL(id)}, err
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, actionTargets("action"))
		return wb.showPlanAction(w, r, http.StatusUnprocessableEntity, problems, func(v *planActionView) {
			f, ferr := wb.actionFormOf(r, "action", typed, nil)
			if ferr == nil {
				f.Submit = v.Edit.Submit
				v.Edit = f
			}
		})
	})
}

// addProgressNote adds a dated note of progress.
func (wb *Web) addProgressNote(w http.ResponseWriter, r *http.Request) error {
	var onText, text string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		onText, text = strings.TrimSpace(r.PostForm.Get("on")), strings.TrimSpace(r.PostForm.Get("text"))
		on, err := formDate(onText, "on", "The progress note is not valid", "2026-11-30")
		if err != nil {
			return saved{}, err
		}
		_, err = wb.cfg.Stores.Plan.AddProgressNote(r.Context(), id, lifeguard.NewProgressNote{On: on, Text: text})
		return saved{"Your progress note is added.", planActionURL(id)}, err
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, map[string]problemTarget{
			"on": {"note-on", "The date"}, "text": {"note-text", "The progress"}})
		return wb.showPlanAction(w, r, http.StatusUnprocessableEntity, problems, func(v *planActionView) {
			v.Note.On.Value, v.Note.Text.Value = onText, text
		})
	})
}

// addBarrier records a barrier to an action.
func (wb *Web) addBarrier(w http.ResponseWriter, r *http.Request) error {
	var text string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		text = strings.TrimSpace(r.PostForm.Get("text"))
		_, err := wb.cfg.Stores.Plan.AddBarrier(r.Context(), id, text)
		return saved{"The barrier is recorded.", planActionURL(id)}, err
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, map[string]problemTarget{"text": {"barrier-text", "The barrier"}})
		return wb.showPlanAction(w, r, http.StatusUnprocessableEntity, problems, func(v *planActionView) {
			v.Barrier.Value = text
		})
	})
}

// escalateBarrier escalates a barrier to the board.
func (wb *Web) escalateBarrier(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		b, err := wb.cfg.Stores.Plan.EscalateBarrier(r.Context(), id)
		if err != nil {
			return saved{}, err
		}
		return saved{"The barrier is escalated to the board. It stays in the board report until it is resolved.",
			planActionURL(b.ActionID)}, nil
	}, nil)
}

// resolveBarrier records how a barrier was resolved.
func (wb *Web) resolveBarrier(w http.ResponseWriter, r *http.Request) error {
	var text string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		text = strings.TrimSpace(r.PostForm.Get("resolution"))
		b, err := wb.cfg.Stores.Plan.ResolveBarrier(r.Context(), id, text)
		if err != nil {
			return saved{}, err
		}
		return saved{"The barrier is resolved.", planActionURL(b.ActionID)}, nil
	}, func(id int64, err error) error {
		// The action's page has the barrier's form: find the action.
		field := "resolution-" + strconv.FormatInt(id, 10)
		problems, _ := fieldProblems(err, map[string]problemTarget{"resolution": {field, "How it was resolved"}})
		action, aerr := wb.barrierAction(r, id)
		if aerr != nil {
			return aerr
		}
		r.SetPathValue("id", strconv.FormatInt(action, 10))
		return wb.showPlanAction(w, r, http.StatusUnprocessableEntity, problems, func(v *planActionView) {
			for i := range v.Barriers {
				if v.Barriers[i].ID == id {
					v.Barriers[i].ResolutionValue = text
				}
			}
		})
	})
}

// barrierAction finds the action of a barrier among those the user sees.
func (wb *Web) barrierAction(r *http.Request, barrier int64) (int64, error) {
	objs, err := wb.cfg.Stores.Plan.Plan(r.Context())
	if err != nil {
		return 0, err
	}
	for _, o := range objs {
		for _, x := range o.Actions {
			for _, b := range x.Barriers {
				if b.ID == barrier {
					return x.ID, nil
				}
			}
		}
	}
	return 0, errNoPage
}
