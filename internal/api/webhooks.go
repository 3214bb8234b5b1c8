package api

import (
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// Webhooks (docs/operations.md, "Webhooks"): an administrator tells
// Lifeguard which other systems to call, and with what events. The store
// decides who may; the secret is in the answer to the create only.

// webhookList is the body of GET /api/v1/webhooks.
type webhookList struct {
	Webhooks []lifeguard.Webhook `json:"webhooks"`
}

func (a *API) webhooks(w http.ResponseWriter, r *http.Request) error {
	ws, err := a.Webhooks.Webhooks(r.Context())
	if err != nil {
		return err
	}
	if ws == nil {
		ws = []lifeguard.Webhook{}
	}
	writeJSON(w, http.StatusOK, webhookList{Webhooks: ws})
	return nil
}

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in lifeguard.NewWebhook
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	hook, err := a.Webhooks.CreateWebhook(r.Context(), in)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store") // the secret
	writeJSON(w, http.StatusCreated, hook)
	return nil
}

func (a *API) removeWebhook(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.Webhooks.RemoveWebhook(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
