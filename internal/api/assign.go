package api

import (
	"bytes"
	"encoding/json"
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// A lead's own judgement of a concern beside the procedure's routes: its
// risk level and who works it. Each body names its one field, which must be
// present: null (or "" for the level, 0 for the assignee) clears it, so
// that an empty body never clears anything by accident.

type riskInput struct {
	RiskLevel json.RawMessage `json:"risk_level"`
}

// setRisk rates the concern's risk, or clears the rating.
func (a *API) setRisk(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in riskInput
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	var level lifeguard.RiskLevel
	switch {
	case len(in.RiskLevel) == 0:
		return fieldProblem("risk_level", "is required: high, medium or low, or null to clear the rating")
	case bytes.Equal(in.RiskLevel, []byte("null")):
	case json.Unmarshal(in.RiskLevel, &level) != nil:
		return fieldProblem("risk_level", "must be high, medium or low, or null to clear the rating")
	}
	rating, err := a.Concerns.SetRiskLevel(r.Context(), id, level)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Risk *lifeguard.RiskRating `json:"risk"`
	}{rating})
	return nil
}

type assignInput struct {
	AssignedTo json.RawMessage `json:"assigned_to"`
}

// assign assigns the concern to a lead or deputy, or unassigns it.
func (a *API) assign(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in assignInput
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	var user int64
	switch {
	case len(in.AssignedTo) == 0:
		return fieldProblem("assigned_to", "is required: the id of a safeguarding lead or deputy, or null to unassign")
	case bytes.Equal(in.AssignedTo, []byte("null")):
	case json.Unmarshal(in.AssignedTo, &user) != nil || user < 0:
		return fieldProblem("assigned_to", "must be the id of a safeguarding lead or deputy (a whole number), or null to unassign")
	}
	as, err := a.Concerns.AssignConcern(r.Context(), id, user)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Assignment *lifeguard.Assignment `json:"assignment"`
	}{as})
	return nil
}

// assignees lists who the concern can be assigned to.
func (a *API) assignees(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	users, err := a.Concerns.Assignees(r.Context(), id)
	if err != nil {
		return err
	}
	out := make([]lifeguard.Assignee, len(users))
	for i, u := range users {
		out[i] = lifeguard.Assignee{UserID: u.ID, Name: u.Name, Deputy: u.Deputy}
	}
	writeJSON(w, http.StatusOK, struct {
		Assignees []lifeguard.Assignee `json:"assignees"`
	}{out})
	return nil
}

func fieldProblem(path, problem string) error {
	return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: path, Problem: problem}})
}
