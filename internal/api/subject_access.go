package api

import (
	"context"
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// A person's requests about their data (docs/api.md, "Subject access"):
// subject access requests with their bundle, the redaction choices and
// the disclosure; requests to correct or erase with the DSL's decision
// and the letter. The store decides who may do what and journals it.

func (a *API) rights() (lifeguard.SubjectAccessStore, error) {
	if a.Rights == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server keeps no requests about personal data.")
	}
	return a.Rights, nil
}

type subjectAccessList struct {
	Requests []lifeguard.SubjectAccess `json:"requests"`
}

func (a *API) subjectAccesses(w http.ResponseWriter, r *http.Request) error {
	s, err := a.rights()
	if err != nil {
		return err
	}
	list, err := s.SubjectAccesses(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, subjectAccessList{Requests: list})
	return nil
}

func (a *API) startSubjectAccess(w http.ResponseWriter, r *http.Request) error {
	return createWith(a.rights, lifeguard.SubjectAccessStore.StartSubjectAccess)(w, r)
}

func (a *API) getSubjectAccess(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.rights, lifeguard.SubjectAccessStore.SubjectAccess)(w, r)
}

type extendBody struct {
	Reason string `json:"reason"`
}

func (a *API) extendSubjectAccess(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.rights, http.StatusOK, func(s lifeguard.SubjectAccessStore, ctx context.Context, id int64, in extendBody) (*lifeguard.SubjectAccess, error) {
		return s.ExtendSubjectAccess(ctx, id, in.Reason)
	})(w, r)
}

// subjectAccessBundle is GET .../bundle (for the DSL to review, with the
// names to redact) and POST .../disclosure (the copy for the person, the
// redactions applied, journalled as a disclosure).
func (a *API) subjectAccessBundle(disclose bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		s, err := a.rights()
		if err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		b, err := s.SubjectAccessBundle(r.Context(), id, disclose)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		writeJSON(w, http.StatusOK, b)
		return nil
	}
}

type redactionsBody struct {
	Redactions []lifeguard.Redaction `json:"redactions"`
}

func (a *API) setRedactions(w http.ResponseWriter, r *http.Request) error {
	s, err := a.rights()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in redactionsBody
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	if err := s.SetRedactions(r.Context(), id, in.Redactions); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// dataRequestBody is a request to correct or erase with the text of the
// letter that answers it.
type dataRequestBody struct {
	*lifeguard.DataRequest
	Letter string `json:"letter"`
}

// withLetter is the answer for data request d with its letter, or err
// when the store call that gave d failed.
func (a *API) withLetter(ctx context.Context, d *lifeguard.DataRequest, err error) (dataRequestBody, error) {
	if err != nil {
		return dataRequestBody{}, err
	}
	o, err := a.Orgs.Organisation(ctx, d.OrganisationID)
	if err != nil {
		return dataRequestBody{}, err
	}
	return dataRequestBody{DataRequest: d, Letter: d.Letter(o.Name)}, nil
}

type dataRequestList struct {
	Requests []lifeguard.DataRequest `json:"requests"`
}

func (a *API) dataRequests(w http.ResponseWriter, r *http.Request) error {
	s, err := a.rights()
	if err != nil {
		return err
	}
	list, err := s.DataRequests(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dataRequestList{Requests: list})
	return nil
}

func (a *API) recordDataRequest(w http.ResponseWriter, r *http.Request) error {
	return createWith(a.rights, func(s lifeguard.SubjectAccessStore, ctx context.Context, in lifeguard.NewDataRequest) (dataRequestBody, error) {
		x, err := s.RecordDataRequest(ctx, in)
		return a.withLetter(ctx, x, err)
	})(w, r)
}

func (a *API) getDataRequest(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.rights, func(s lifeguard.SubjectAccessStore, ctx context.Context, id int64) (dataRequestBody, error) {
		x, err := s.DataRequest(ctx, id)
		return a.withLetter(ctx, x, err)
	})(w, r)
}

func (a *API) decideDataRequest(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.rights, http.StatusOK, func(s lifeguard.SubjectAccessStore, ctx context.Context, id int64, in lifeguard.DataDecision) (dataRequestBody, error) {
		x, err := s.DecideDataRequest(ctx, id, in)
		return a.withLetter(ctx, x, err)
	})(w, r)
}
