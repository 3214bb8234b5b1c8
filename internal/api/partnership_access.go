package api

import (
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// A partnership-wide subject access request (docs/retention.md,
// "Partnership-wide requests"): the officer starts and follows it; each
// organisation's DSL lists the parts asked of it and answers. The store
// decides who may do what and journals it.

type partnershipAccessList struct {
	Requests []lifeguard.PartnershipAccess `json:"requests"`
}

type partnershipPartList struct {
	Parts []lifeguard.PartnershipAccessPart `json:"parts"`
}

func (a *API) partnershipAccesses(w http.ResponseWriter, r *http.Request) error {
	s, err := a.rights()
	if err != nil {
		return err
	}
	list, err := s.PartnershipAccesses(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, partnershipAccessList{Requests: list})
	return nil
}

func (a *API) startPartnershipAccess(w http.ResponseWriter, r *http.Request) error {
	return createWith(a.rights, lifeguard.SubjectAccessStore.StartPartnershipAccess)(w, r)
}

func (a *API) getPartnershipAccess(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.rights, lifeguard.SubjectAccessStore.PartnershipAccess)(w, r)
}

func (a *API) partnershipAccessParts(w http.ResponseWriter, r *http.Request) error {
	s, err := a.rights()
	if err != nil {
		return err
	}
	list, err := s.PartnershipAccessAsks(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, partnershipPartList{Parts: list})
	return nil
}

type partAnswerBody struct {
	Answer string `json:"answer"`
	Reason string `json:"reason"`
}

func (a *API) answerPartnershipAccess(w http.ResponseWriter, r *http.Request) error {
	s, err := a.rights()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in partAnswerBody
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	if in.Answer != "agree" && in.Answer != "decline" {
		return lifeguard.Invalid("The answer is not valid", []lifeguard.Problem{{Path: "answer", Problem: "must be agree or decline"}})
	}
	x, err := s.AnswerPartnershipAccess(r.Context(), id, in.Answer == "agree", in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}
