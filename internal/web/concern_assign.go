package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// A lead's own judgement of a concern beside the procedure's routes: how
// high they rate its risk, and who works it. Both are shown to the
// organisation's leads and deputies only, on the concern page and in the
// inbox, and each has a small form of its own.

// workView is the rating and the assignment as the concern page shows them.
type workView struct {
	Risk, RiskBy, RiskAt string
	HighRisk             bool
	Assigned             string
	AssignedBy           string
	AssignedAt           string
}

// choice is one option of a form's radio buttons or list.
type choice struct {
	Value, Label, ID string
}

// riskForm and assignForm are the two forms, with what was chosen.
type riskForm struct {
	Level   dslField
	Choices []choice
}

type assignForm struct {
	To      dslField
	Choices []choice
}

// workOf fills in the concern page's rating and assignment, and the forms
// to change them when the user may.
func (wb *Web) workOf(ctx context.Context, v *concernView, c *lifeguard.Concern, names *namer) error {
	w := &workView{Risk: lifeguard.RiskLevel("").Label()}
	if r := c.Risk; r != nil {
		w.Risk, w.HighRisk = r.Level.Label(), r.Level == lifeguard.RiskHigh
		w.RiskBy, w.RiskAt = names.of(r.SetBy), wb.showTime(r.SetAt)
	}
	if a := c.Assignment; a != nil {
		w.Assigned = assigneeName(names.of(a.UserID), a.Deputy)
		w.AssignedBy, w.AssignedAt = names.of(a.AssignedBy), wb.showTime(a.AssignedAt)
	}
	v.Work = w
	if !v.CanWork {
		return nil
	}
	rf := riskForm{Level: dslField{ID: "risk-level", Name: "risk_level"}}
	if c.Risk != nil {
		rf.Level.Value = string(c.Risk.Level)
	}
	for i, l := range lifeguard.RiskLevels() {
		id := rf.Level.ID + "-" + string(l)
		if i == 0 {
			id = rf.Level.ID // where a problem links to
		}
		rf.Choices = append(rf.Choices, choice{Value: string(l), Label: l.Label(), ID: id})
	}
	rf.Choices = append(rf.Choices, choice{Value: "", Label: "Not rated", ID: rf.Level.ID + "-none"})
	af := assignForm{To: dslField{ID: "assigned-to", Name: "assigned_to"}, Choices: []choice{{Value: "", Label: "Nobody"}}}
	if c.Assignment != nil {
		af.To.Value = strconv.FormatInt(c.Assignment.UserID, 10)
	}
	people, err := wb.cfg.Stores.Concerns.Assignees(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, u := range people {
		af.Choices = append(af.Choices, choice{Value: strconv.FormatInt(u.ID, 10), Label: assigneeName(names.of(u.ID), u.Deputy)})
	}
	v.Forms.Risk, v.Forms.Assign = rf, af
	return nil
}

// setRisk rates the concern's risk, or clears the rating.
func (wb *Web) setRisk(w http.ResponseWriter, r *http.Request) error {
	var level string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		level = r.PostForm.Get("risk_level")
		rating, err := wb.cfg.Stores.Concerns.SetRiskLevel(r.Context(), id, lifeguard.RiskLevel(level))
		msg := "The risk rating is cleared."
		if rating != nil {
			msg = "The risk level is recorded: " + lowerFirst(rating.Level.Label()) + "."
		}
		return saved{msg, concernURL(id)}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, map[string]problemTarget{"risk_level": {"risk-level", "Risk level"}})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			v.Forms.Risk.Level.Value, v.Forms.Risk.Level.Err = level, errs[v.Forms.Risk.Level.ID]
		})
	})
}

// assignConcern assigns the concern to a lead or deputy, or to nobody.
func (wb *Web) assignConcern(w http.ResponseWriter, r *http.Request) error {
	var typed string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		typed = strings.TrimSpace(r.PostForm.Get("assigned_to"))
		var user int64
		if typed != "" {
			var err error
			if user, err = strconv.ParseInt(typed, 10, 64); err != nil || user <= 0 {
				return saved{}, lifeguard.Invalid("The assignment is not valid", []lifeguard.Problem{{Path: "assigned_to",
					Problem: "must be one of the people in the list"}})
			}
		}
		as, err := wb.cfg.Stores.Concerns.AssignConcern(r.Context(), id, user)
		msg := "The concern is no longer assigned to anyone."
		if as != nil {
			msg = "The concern is assigned to " + assigneeName(as.Name, as.Deputy) + "."
			if as.UserID == fromRequest(r).user.ID {
				msg = "The concern is assigned to you."
			}
		}
		return saved{msg, concernURL(id)}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, map[string]problemTarget{"assigned_to": {"assigned-to", "The person you chose"}})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			v.Forms.Assign.To.Value, v.Forms.Assign.To.Err = typed, errs[v.Forms.Assign.To.ID]
		})
	})
}
