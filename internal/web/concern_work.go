package web

import (
	"net/http"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The forms of the concern page. Each takes the one shape of post
// (form.go): read the form, check what only the page can check, hand it to
// the store (which enforces who may do it and every rule of the record),
// then redirect to the concern with a confirmation, or show the page again
// with the problems and what was typed.

// addDecision records the DSL's decision on one route, or on the proposed
// decision: accepted, declined (with a reason) or done (with the
// referral's reference, if there is one).
func (wb *Web) addDecision(w http.ResponseWriter, r *http.Request) error {
	var in lifeguard.NewDecision
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		in = lifeguard.NewDecision{
			Route:     lifeguard.RouteCode(r.PostForm.Get("route")),
			Decision:  lifeguard.DecisionKind(r.PostForm.Get("decision")),
			Reason:    strings.TrimSpace(r.PostForm.Get("reason")),
			Reference: strings.TrimSpace(r.PostForm.Get("reference")),
		}
		_, err := wb.cfg.Stores.Concerns.AddDecision(r.Context(), id, in)
		msg := "Your decision is recorded."
		if in.Decision == lifeguard.DecisionDone && in.Reference != "" {
			msg = "Recorded as done, with its reference."
		}
		return saved{msg, concernURL(id)}, err
	}, func(id int64, err error) error {
		prefix := "d-" + string(in.Route)
		reason := "Reason"
		if in.Decision == lifeguard.DecisionDeclined {
			reason = "Reason for declining"
		}
		problems, errs := fieldProblems(err, map[string]problemTarget{
			"decision":  {prefix + "-decision", "Decision"},
			"reason":    {prefix + "-reason", reason},
			"reference": {prefix + "-reference", "Reference"},
		})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, problems []lifeguard.Problem) {
			f := v.decisionForm(in.Route)
			if f == nil {
				return
			}
			// The page has a form for each route: say which one.
			for i := range problems {
				problems[i].Problem = f.Title + ": " + lowerFirst(problems[i].Problem)
			}
			f.Decision.Value, f.Reason.Value, f.Reference.Value = string(in.Decision), in.Reason, in.Reference
			f.Decision.Err, f.Reason.Err, f.Reference.Err = errs[f.Decision.ID], errs[f.Reason.ID], errs[f.Reference.ID]
		})
	})
}

// decisionForm finds the form of a route (or of the proposed decision).
func (v *concernView) decisionForm(code lifeguard.RouteCode) *decisionForm {
	if code == lifeguard.ProposalRoute && v.Proposal != nil {
		return v.Proposal.Form
	}
	for i := range v.Routes {
		if v.Routes[i].Code == string(code) {
			return v.Routes[i].Form
		}
	}
	return nil
}

// addAction sets a task that follows from the concern, with its owner
// and due date.
func (wb *Web) addAction(w http.ResponseWriter, r *http.Request) error {
	var title, owner, dueText string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		title, owner = strings.TrimSpace(r.PostForm.Get("title")), strings.TrimSpace(r.PostForm.Get("owner"))
		dueText = strings.TrimSpace(r.PostForm.Get("due"))
		due, err := formDate(dueText, "due", "The action is not valid", "2026-11-30")
		if err != nil {
			return saved{}, err
		}
		_, err = wb.cfg.Stores.Concerns.AddAction(r.Context(), id, lifeguard.NewAction{Title: title, Owner: owner, Due: due})
		return saved{"The action is added.", concernURL(id)}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, map[string]problemTarget{
			"title": {"action-title", "What needs doing"},
			"owner": {"action-owner", "Who will do it"},
			"due":   {"action-due", "Due date"},
		})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			f := &v.Forms.Action
			f.Title.Value, f.Owner.Value, f.Due.Value = title, owner, dueText
			f.Title.Err, f.Owner.Err, f.Due.Err = errs[f.Title.ID], errs[f.Owner.ID], errs[f.Due.ID]
		})
	})
}

// completeAction marks an action done.
func (wb *Web) completeAction(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	actionID, err := idFromPath(r, "action")
	if err != nil {
		return err
	}
	return wb.post(w, r, func() (saved, error) {
		_, err := wb.cfg.Stores.Concerns.CompleteAction(r.Context(), id, actionID)
		return saved{"The action is marked done.", concernURL(id)}, err
	}, nil)
}

// addEvidence records what evidence exists, where it is and who holds it.
// It never takes a file: parsePlainForm refuses one.
func (wb *Web) addEvidence(w http.ResponseWriter, r *http.Request) error {
	var in lifeguard.NewEvidence
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		in = lifeguard.NewEvidence{
			What:     strings.TrimSpace(r.PostForm.Get("what")),
			Location: strings.TrimSpace(r.PostForm.Get("location")),
			HeldBy:   strings.TrimSpace(r.PostForm.Get("held_by")),
			// A hash is often copied in capitals; the record keeps one form.
			SHA256: strings.ToLower(strings.TrimSpace(r.PostForm.Get("sha256"))),
		}
		_, err := wb.cfg.Stores.Concerns.AddEvidence(r.Context(), id, in)
		return saved{"The evidence record is added.", concernURL(id)}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, map[string]problemTarget{
			"what":     {"evidence-what", "What the evidence is"},
			"location": {"evidence-location", "Where it is held"},
			"held_by":  {"evidence-held_by", "Who holds it"},
			"sha256":   {"evidence-sha256", "SHA-256"},
		})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			f := &v.Forms.Evidence
			f.What.Value, f.Location.Value, f.HeldBy.Value, f.SHA256.Value = in.What, in.Location, in.HeldBy, in.SHA256
			f.What.Err, f.Location.Err, f.HeldBy.Err, f.SHA256.Err = errs[f.What.ID], errs[f.Location.ID],
				errs[f.HeldBy.ID], errs[f.SHA256.ID]
		})
	})
}

// addNote adds a dated note.
func (wb *Web) addNote(w http.ResponseWriter, r *http.Request) error {
	var text string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		text = r.PostForm.Get("text")
		_, err := wb.cfg.Stores.Concerns.AddNote(r.Context(), id, text)
		return saved{"Your note is added.", concernURL(id)}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, map[string]problemTarget{"text": {"note-text", "Note"}})
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			v.Forms.Note.Value, v.Forms.Note.Err = text, errs[v.Forms.Note.ID]
		})
	})
}

// lowerFirst gives s a small first letter, to follow a colon.
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
