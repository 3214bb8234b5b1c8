package api

import (
	"fmt"
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// Referrals (docs/api.md, "Referrals"): a receiving agency's case system
// lists the referrals sent to it, acknowledges and answers them with a
// token of one of its safeguarding leads; a referrer's system sends a
// concern's route and reads the answer. The store decides who sees what.

// referralList is the body of GET /api/v1/referrals.
type referralList struct {
	Referrals []lifeguard.Referral `json:"referrals"`
}

func (a *API) referrals(w http.ResponseWriter, r *http.Request) error {
	rs, err := a.Referrals.Referrals(r.Context())
	if err != nil {
		return err
	}
	if rs == nil {
		rs = []lifeguard.Referral{}
	}
	writeJSON(w, http.StatusOK, referralList{Referrals: rs})
	return nil
}

func (a *API) getReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := a.Referrals.Referral(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// sendReferral is POST /api/v1/concerns/{id}/referrals.
func (a *API) sendReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in lifeguard.NewReferral
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	if in.ConcernID != 0 && in.ConcernID != id {
		return lifeguard.Invalid("The referral is not valid", []lifeguard.Problem{{Path: "concern_id",
			Problem: "differs from the concern in the path; leave it out"}})
	}
	in.ConcernID = id
	if a.Calendar == nil {
		return fmt.Errorf("api: no calendar to count the referral's working day")
	}
	in.DueBy = a.Calendar.AddWorkingDays(a.now(), 1)
	x, err := a.Referrals.SendReferral(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}

func (a *API) acknowledgeReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	x, err := a.Referrals.AcknowledgeReferral(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// considerInput is the LADO's initial consideration.
type considerInput struct {
	HarmThresholdMet *bool `json:"harm_threshold_met"`
}

func (a *API) considerReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in considerInput
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	if in.HarmThresholdMet == nil {
		return lifeguard.Invalid("The consideration is not valid", []lifeguard.Problem{{Path: "harm_threshold_met",
			Problem: "is required: true or false"}})
	}
	x, err := a.Referrals.ConsiderReferral(r.Context(), id, *in.HarmThresholdMet)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (a *API) answerReferral(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in lifeguard.ReferralAnswer
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	x, err := a.Referrals.AnswerReferral(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

// messageInput is a message on a referral.
type messageInput struct {
	Kind lifeguard.MessageKind `json:"kind"`
	Text string                `json:"text"`
}

func (a *API) addReferralMessage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in messageInput
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	x, err := a.Referrals.AddReferralMessage(r.Context(), id, in.Kind, in.Text)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, x)
	return nil
}
