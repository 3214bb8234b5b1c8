package api

import (
	"net/http"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Changing the strategy action plan (issue 17 item 9): objectives and their
// actions created and changed, barriers raised, escalated and resolved, by
// the same store calls as the pages (internal/web/plan.go), which decide
// who may (the partnership officer keeps the plan; an owning organisation
// raises barriers on its actions).

func (a *API) createObjective(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	var in lifeguard.NewObjective
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	o, err := st.CreateObjective(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, o)
	return nil
}

func (a *API) getObjective(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	o, err := st.Objective(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

func (a *API) updateObjective(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in lifeguard.NewObjective
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	o, err := st.UpdateObjective(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}

// planActionInput is an action as the API takes it: the due date as text,
// so that a date that is not one is refused naming due.
type planActionInput struct {
	Title      string        `json:"title"`
	OwnerOrgID int64         `json:"owner_organisation_id"`
	Due        string        `json:"due"`
	RAG        lifeguard.RAG `json:"rag"`
}

func readPlanAction(w http.ResponseWriter, r *http.Request) (lifeguard.NewPlanAction, error) {
	var in planActionInput
	if err := decodeInto(w, r, &in); err != nil {
		return lifeguard.NewPlanAction{}, err
	}
	out := lifeguard.NewPlanAction{Title: in.Title, OwnerOrgID: in.OwnerOrgID, RAG: in.RAG}
	if s := strings.TrimSpace(in.Due); s != "" {
		d, err := lifeguard.ParseDate(s)
		if err != nil {
			return out, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "due", Problem: "must be a real date as YYYY-MM-DD"}})
		}
		out.Due = d
	}
	return out, nil
}

func (a *API) createPlanAction(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, err := readPlanAction(w, r)
	if err != nil {
		return err
	}
	x, err := st.CreatePlanAction(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (a *API) updatePlanAction(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	in, err := readPlanAction(w, r)
	if err != nil {
		return err
	}
	x, err := st.UpdatePlanAction(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (a *API) addBarrier(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Text string `json:"text"`
	}
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	b, err := st.AddBarrier(r.Context(), id, in.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (a *API) escalateBarrier(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	b, err := st.EscalateBarrier(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (a *API) resolveBarrier(w http.ResponseWriter, r *http.Request) error {
	st, err := a.planStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Resolution string `json:"resolution"`
	}
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	b, err := st.ResolveBarrier(r.Context(), id, in.Resolution)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}
