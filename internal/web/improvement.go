package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
)

// An improvement action's own page. The organisation's manager or
// safeguarding lead edits an open action (what, who, by when) and closes it
// by hand with a note, between audits; the partnership reads it without
// its owner or note (the store empties them). The organisation's actions,
// audits and the strategy plan download as CSV (internal/export).

func improvementURL(id int64) string { return "/improvements/" + strconv.FormatInt(id, 10) }

type improvementView struct {
	URL, Aspect, AspectText, Title, Owner, Due, Level, Status, Closed, Note string
	OrgURL                                                                  string
	Open, Overdue, CanWork                                                  bool
	Edit                                                                    struct{ Title, Owner, Due dslField }
	CloseNote                                                               dslField
}

func (wb *Web) improvementPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showImprovement(w, r, http.StatusOK, nil, nil)
}

func (wb *Web) showImprovement(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	typed func(v *improvementView)) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	x, err := wb.cfg.Stores.Audits.ImprovementAction(r.Context(), id)
	if err != nil {
		return err
	}
	fw := wb.cfg.Framework
	u := fromRequest(r).user
	v := improvementView{URL: improvementURL(x.ID), Aspect: x.AspectID, Title: x.Title, Owner: x.Owner,
		Due: showDate(x.Due), Level: fw.LevelName(x.Level), Status: improvementStatus(x.Status), Note: x.ClosedNote,
		OrgURL: orgAuditsURL(x.OrganisationID), Open: x.Status == lifeguard.ImprovementOpen,
		CanWork: may(u, lifeguard.OpWorkAudit, x.OrganisationID)}
	if asp, ok := fw.Aspect(x.AspectID); ok {
		v.AspectText = asp.Text
	}
	v.Overdue = v.Open && x.Due.Before(wb.todayHere())
	if x.ClosedAt != nil {
		v.Closed = wb.showDay(*x.ClosedAt)
	}
	v.Edit.Title = dslField{ID: "improvement-title", Name: "title", Value: x.Title}
	v.Edit.Owner = dslField{ID: "improvement-owner", Name: "owner", Value: x.Owner}
	v.Edit.Due = dslField{ID: "improvement-due", Name: "due", Value: x.Due.String()}
	v.CloseNote = dslField{ID: "improvement-note", Name: "note"}
	if typed != nil {
		typed(&v)
	}
	for _, p := range problems {
		for _, f := range []*dslField{&v.Edit.Title, &v.Edit.Owner, &v.Edit.Due, &v.CloseNote} {
			if p.Path == f.ID && f.Err == "" {
				f.Err = p.Problem
			}
		}
	}
	p := page{Title: "Improvement action " + x.AspectID, Nav: "audit", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "improvement.html", p)
}

// improvementStatus is the words the pages use for an action's status.
func improvementStatus(s lifeguard.ImprovementStatus) string {
	switch s {
	case lifeguard.ImprovementOpen:
		return "Open"
	case lifeguard.ImprovementMet:
		return "Met by a later audit"
	case lifeguard.ImprovementSuperseded:
		return "Replaced by a later audit's action"
	case lifeguard.ImprovementClosed:
		return "Closed by hand"
	}
	return string(s)
}

// updateImprovement saves an open action's title, owner and due date.
func (wb *Web) updateImprovement(w http.ResponseWriter, r *http.Request) error {
	var title, owner, due string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		title = strings.TrimSpace(r.PostForm.Get("title"))
		owner = strings.TrimSpace(r.PostForm.Get("owner"))
		due = strings.TrimSpace(r.PostForm.Get("due"))
		d, err := formDate(due, "due", "The improvement action is not valid", "2027-03-31")
		if err != nil {
			return saved{}, err
		}
		_, err = wb.cfg.Stores.Audits.UpdateImprovementAction(r.Context(), id,
			lifeguard.ImprovementChange{Title: title, Owner: owner, Due: d})
		return saved{"The improvement action is changed.", improvementURL(id)}, err
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, map[string]problemTarget{
			"title": {"improvement-title", "What will be done"}, "owner": {"improvement-owner", "Who owns it"},
			"due": {"improvement-due", "The due date"}})
		return wb.showImprovement(w, r, http.StatusUnprocessableEntity, problems, func(v *improvementView) {
			v.Edit.Title.Value, v.Edit.Owner.Value, v.Edit.Due.Value = title, owner, due
		})
	})
}

// closeImprovement closes an open action by hand with a note.
func (wb *Web) closeImprovement(w http.ResponseWriter, r *http.Request) error {
	var note string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		note = strings.TrimSpace(r.PostForm.Get("note"))
		x, err := wb.cfg.Stores.Audits.CloseImprovementAction(r.Context(), id, lifeguard.ImprovementClosing{Note: note})
		if err != nil {
			return saved{}, err
		}
		return saved{"The improvement action is closed.", orgAuditsURL(x.OrganisationID)}, nil
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, map[string]problemTarget{"note": {"improvement-note", "Why it is closed"}})
		return wb.showImprovement(w, r, http.StatusUnprocessableEntity, problems, func(v *improvementView) {
			v.CloseNote.Value = note
		})
	})
}

// improvementsCSV downloads an organisation's improvement actions.
func (wb *Web) improvementsCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	acts, err := wb.cfg.Stores.Audits.ImprovementActions(r.Context(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Improvements(&buf, acts); err != nil {
		return err
	}
	download(w, export.ContentType, "improvement-actions-"+strconv.FormatInt(id, 10)+".csv", buf.Bytes())
	return nil
}

// auditsCSV downloads an organisation's audits, answer by answer.
func (wb *Web) auditsCSV(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	list, err := wb.cfg.Stores.Audits.Audits(r.Context(), id)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Audits(&buf, list); err != nil {
		return err
	}
	download(w, export.ContentType, "self-audits-"+strconv.FormatInt(id, 10)+".csv", buf.Bytes())
	return nil
}

// planCSV downloads the strategy action plan as the reader sees it.
func (wb *Web) planCSV(w http.ResponseWriter, r *http.Request) error {
	plan, err := wb.cfg.Stores.Plan.Plan(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Plan(&buf, plan); err != nil {
		return err
	}
	download(w, export.ContentType, "action-plan.csv", buf.Bytes())
	return nil
}
