package api

import (
	"net/http"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// Legal holds (issue 19): a DSL sets and releases a hold on a child's file
// or a concern of their organisation; a DSL lists their organisation's
// holds with reasons, an administrator the partnership's without. The
// store decides who may (access.go: OpSetLegalHold, OpReadLegalHolds).

func (a *API) retentionStore() (lifeguard.RetentionEraser, error) {
	if a.Retention == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server does not offer legal holds through the API.")
	}
	return a.Retention, nil
}

type legalHoldList struct {
	Holds []lifeguard.LegalHold `json:"holds"`
}

// legalHolds is GET /api/v1/legal-holds[?child_id=N|concern_id=N][&released=true].
func (a *API) legalHolds(w http.ResponseWriter, r *http.Request) error {
	s, err := a.retentionStore()
	if err != nil {
		return err
	}
	var q lifeguard.LegalHoldQuery
	var ps []lifeguard.Problem
	v := r.URL.Query()
	for _, p := range []struct {
		name string
		to   *int64
	}{{"child_id", &q.ChildID}, {"concern_id", &q.ConcernID}} {
		if text := v.Get(p.name); text != "" {
			n, err := strconv.ParseInt(text, 10, 64)
			if err != nil || n <= 0 {
				ps = append(ps, lifeguard.Problem{Path: p.name, Problem: "must be a record's number"})
			}
			*p.to = n
		}
	}
	switch v.Get("released") {
	case "", "false":
	case "true":
		q.Released = true
	default:
		ps = append(ps, lifeguard.Problem{Path: "released", Problem: "must be true or false"})
	}
	if len(ps) > 0 {
		return lifeguard.Invalid("The query is not valid", ps)
	}
	hs, err := s.LegalHolds(r.Context(), q)
	if err != nil {
		return err
	}
	if hs == nil {
		hs = []lifeguard.LegalHold{}
	}
	writeJSON(w, http.StatusOK, legalHoldList{Holds: hs})
	return nil
}

// setLegalHold is POST /api/v1/legal-holds.
func (a *API) setLegalHold(w http.ResponseWriter, r *http.Request) error {
	s, err := a.retentionStore()
	if err != nil {
		return err
	}
	var in lifeguard.NewLegalHold
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	h, err := s.SetLegalHold(r.Context(), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, h)
	return nil
}

// releaseLegalHold is POST /api/v1/legal-holds/{id}/release.
func (a *API) releaseLegalHold(w http.ResponseWriter, r *http.Request) error {
	s, err := a.retentionStore()
	if err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := s.ReleaseLegalHold(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
