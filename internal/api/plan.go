package api

import (
	"context"
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// Changing the strategy action plan (issue 17 item 9): objectives and their
// actions created and changed, barriers raised, escalated and resolved, by
// the same store calls as the pages (internal/web/plan.go), which decide
// who may: the partnership officer keeps the plan.

func (a *API) createObjective(w http.ResponseWriter, r *http.Request) error {
	return createWith(a.planStore, lifeguard.PlanStore.CreateObjective)(w, r)
}

func (a *API) getObjective(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.planStore, lifeguard.PlanStore.Objective)(w, r)
}

func (a *API) updateObjective(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.planStore, http.StatusOK, lifeguard.PlanStore.UpdateObjective)(w, r)
}

// planActionInput is an action as the API takes it: the due date as text,
// so that a date that is not one is refused naming due.
type planActionInput struct {
	Title      string        `json:"title"`
	OwnerOrgID int64         `json:"owner_organisation_id"`
	Due        string        `json:"due"`
	RAG        lifeguard.RAG `json:"rag"`
}

// withPlanAction turns the body into an action (its due date checked by
// name) before call.
func withPlanAction(call func(lifeguard.PlanStore, context.Context, int64, lifeguard.NewPlanAction) (*lifeguard.PlanAction, error)) func(lifeguard.PlanStore, context.Context, int64, planActionInput) (*lifeguard.PlanAction, error) {
	return func(st lifeguard.PlanStore, ctx context.Context, id int64, in planActionInput) (*lifeguard.PlanAction, error) {
		due, err := requiredDate(in.Due, "due")
		if err != nil {
			return nil, err
		}
		return call(st, ctx, id, lifeguard.NewPlanAction{Title: in.Title, OwnerOrgID: in.OwnerOrgID, Due: due, RAG: in.RAG})
	}
}

func (a *API) createPlanAction(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.planStore, http.StatusCreated, withPlanAction(lifeguard.PlanStore.CreatePlanAction))(w, r)
}

func (a *API) updatePlanAction(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.planStore, http.StatusOK, withPlanAction(lifeguard.PlanStore.UpdatePlanAction))(w, r)
}

type barrierInput struct {
	Text string `json:"text"`
}

func (a *API) addBarrier(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.planStore, http.StatusCreated, func(st lifeguard.PlanStore, ctx context.Context, id int64, in barrierInput) (*lifeguard.Barrier, error) {
		return st.AddBarrier(ctx, id, in.Text)
	})(w, r)
}

func (a *API) escalateBarrier(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.planStore, lifeguard.PlanStore.EscalateBarrier)(w, r)
}

type resolutionInput struct {
	Resolution string `json:"resolution"`
}

func (a *API) resolveBarrier(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.planStore, http.StatusOK, func(st lifeguard.PlanStore, ctx context.Context, id int64, in resolutionInput) (*lifeguard.Barrier, error) {
		return st.ResolveBarrier(ctx, id, in.Resolution)
	})(w, r)
}
