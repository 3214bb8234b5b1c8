package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// The DNS filter's endpoints, under /api/v1/filter (docs/filter-server.md).
// The filter calls them with the token of a user of role "filter"; the
// organisation's people read alerts and review requests, and an
// administrator sets the policy. The stores decide who may do what.

// filterPolicy answers the filter with its organisation's policy document
// itself as the body, and its ETag; 304 when If-None-Match names it.
func (a *API) filterPolicy(w http.ResponseWriter, r *http.Request) error {
	p, err := a.Filter.FilterPolicy(r.Context(), 0)
	if err != nil {
		return err
	}
	return writePolicy(w, r, p)
}

// orgFilterPolicy is an administrator's (or the filter's) read of an
// organisation's policy by its id.
func (a *API) orgFilterPolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	p, err := a.Filter.FilterPolicy(r.Context(), id)
	if err != nil {
		return err
	}
	return writePolicy(w, r, p)
}

func writePolicy(w http.ResponseWriter, r *http.Request, p *lifeguard.FilterPolicy) error {
	w.Header().Set("ETag", p.ETag)
	w.Header().Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), p.ETag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Last-Modified", p.UpdatedAt.UTC().Format(http.TimeFormat))
	w.WriteHeader(http.StatusOK)
	w.Write(p.Document)
	return nil
}

// etagMatches reports whether an If-None-Match header names etag (weak
// comparison, as RFC 9110 asks for If-None-Match) or is "*".
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// setFilterPolicy stores an organisation's policy: the body is the
// document, a JSON object.
func (a *API) setFilterPolicy(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return errContentType
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, lifeguard.MaxFilterPolicy))
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			return lifeguard.Invalid("The filter policy is not valid", []lifeguard.Problem{{Path: "policy",
				Problem: fmt.Sprintf("is larger than %d bytes", lifeguard.MaxFilterPolicy)}})
		}
		return fmt.Errorf("reading the request body: %w", err)
	}
	p, err := a.Filter.SetFilterPolicy(r.Context(), id, body)
	if err != nil {
		return err
	}
	w.Header().Set("ETag", p.ETag)
	writeJSON(w, http.StatusOK, policySummary{OrganisationID: p.OrganisationID, ETag: p.ETag, UpdatedAt: p.UpdatedAt.UTC().Format(time.RFC3339Nano)})
	return nil
}

type policySummary struct {
	OrganisationID int64  `json:"organisation_id"`
	ETag           string `json:"etag"`
	UpdatedAt      string `json:"updated_at"`
}

// filterOnly refuses, before any work, a caller who is not a filter: the
// store would refuse them too, but a worry is triaged first.
func filterOnly(r *http.Request) error {
	act, err := actor(r.Context())
	if err != nil {
		return err
	}
	if !act.Can(lifeguard.OpSendFilterEvents) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a filter's account sends what a filter records.")
	}
	return nil
}

// wireAttempt is an attempt as the filter sends it. The time is read as a
// string here, so that a bad one is a problem naming its field, with its
// place in a batch, rather than the JSON decoder's message.
type wireAttempt struct {
	ID       string `json:"id"`
	Time     string `json:"time"`
	Client   string `json:"client"`
	Group    string `json:"group"`
	Name     string `json:"name"`
	Category string `json:"category"`
}

// attempt converts w, naming problems with prefix ("events[2]." or "").
func (w *wireAttempt) attempt(prefix string) (lifeguard.FilterAttempt, []lifeguard.Problem) {
	at := lifeguard.FilterAttempt{ID: w.ID, Client: w.Client, Group: w.Group, Name: w.Name,
		Category: lifeguard.FilterCategory(w.Category)}
	if w.Time == "" {
		return at, nil // the domain says it is required
	}
	t, err := time.Parse(time.RFC3339Nano, w.Time)
	if err != nil {
		return at, []lifeguard.Problem{{Path: prefix + "time", Problem: "must be a date-time such as 2026-11-18T10:00:00Z"}}
	}
	at.Time = t
	return at, nil
}

// decodeStrict decodes one JSON value into v, refusing unknown fields; a
// problem's path is prefixed.
func decodeStrict(raw []byte, prefix string, v any) []lifeguard.Problem {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		p := jsonProblem(err)
		if p.Path != "" || prefix != "" {
			p.Path = prefix + p.Path
		}
		p.Path = strings.TrimSuffix(p.Path, ".")
		return []lifeguard.Problem{p}
	}
	return nil
}

// filterEvents stores a batch of blocked attempts.
func (a *API) filterEvents(w http.ResponseWriter, r *http.Request) error {
	if err := filterOnly(r); err != nil {
		return err
	}
	var in struct {
		Events []json.RawMessage `json:"events"`
	}
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	switch {
	case in.Events == nil:
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "events", Problem: "is required"}})
	case len(in.Events) > lifeguard.MaxFilterBatch:
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "events", Problem: fmt.Sprintf(
			"holds %d events; send at most %d in one request", len(in.Events), lifeguard.MaxFilterBatch)}})
	}
	events := make([]lifeguard.FilterEvent, len(in.Events))
	var problems []lifeguard.Problem
	for i, raw := range in.Events {
		prefix := fmt.Sprintf("events[%d].", i)
		var we wireAttempt
		if ps := decodeStrict(raw, prefix, &we); len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		var ps []lifeguard.Problem
		events[i], ps = we.attempt(prefix)
		problems = append(problems, ps...)
	}
	if len(problems) > 0 {
		return lifeguard.Invalid("The events are not valid", problems)
	}
	rc, err := a.Filter.RecordFilterEvents(r.Context(), events)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rc)
	return nil
}

type filterAck struct {
	ID string `json:"id"`
}

// filterReview stores a "this block is wrong" request: 201 the first time,
// 200 when the same id is sent again.
func (a *API) filterReview(w http.ResponseWriter, r *http.Request) error {
	if err := filterOnly(r); err != nil {
		return err
	}
	var wr struct {
		wireAttempt
		Comment string `json:"comment"`
	}
	if err := decodeInto(w, r, &wr); err != nil {
		return err
	}
	at, ps := wr.attempt("")
	if len(ps) > 0 {
		return lifeguard.Invalid("The review request is not valid", ps)
	}
	in := lifeguard.NewFilterReview{FilterAttempt: at, Comment: wr.Comment}
	_, created, err := a.Filter.RecordFilterReview(r.Context(), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, filterAck{ID: in.ID})
	return nil
}

// filterWorry records a child's worry from the block page as a concern for
// the organisation's DSL (see record.Recorder.FilterWorry). The answer says
// only that it was received: the filter's account may not read the concern.
func (a *API) filterWorry(w http.ResponseWriter, r *http.Request) error {
	if err := filterOnly(r); err != nil {
		return err
	}
	var ww struct {
		wireAttempt
		About lifeguard.WorryAbout `json:"about"`
		Text  string               `json:"text"`
	}
	if err := decodeInto(w, r, &ww); err != nil {
		return err
	}
	at, ps := ww.attempt("")
	if len(ps) > 0 {
		return lifeguard.Invalid("The worry is not valid", ps)
	}
	in := lifeguard.NewFilterWorry{FilterAttempt: at, About: ww.About, Text: ww.Text}
	rc, err := a.recorder().FilterWorry(r.Context(), in)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if rc.Created {
		status = http.StatusCreated
	}
	writeJSON(w, status, filterAck{ID: in.ID})
	return nil
}

// statusQuery reads ?status=open|closed for the lists.
func statusQuery(r *http.Request) (string, error) {
	q, err := query(r.URL, "status")
	if err != nil {
		return "", err
	}
	s := q.Get("status")
	if s != "" && s != lifeguard.FilterOpen && s != lifeguard.FilterClosed {
		return "", lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "status", Problem: "must be open or closed"}})
	}
	return s, nil
}

func (a *API) filterAlerts(w http.ResponseWriter, r *http.Request) error {
	status, err := statusQuery(r)
	if err != nil {
		return err
	}
	list, err := a.Filter.FilterAlerts(r.Context(), status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"alerts": list})
	return nil
}

// closeFilterAlert marks an alert as dealt with; the body may name the
// concern recorded from it.
func (a *API) closeFilterAlert(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		ConcernID int64 `json:"concern_id"`
	}
	if r.ContentLength != 0 {
		if err := decodeInto(w, r, &in); err != nil {
			return err
		}
	}
	if in.ConcernID < 0 {
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "concern_id", Problem: "must be the id of a concern"}})
	}
	x, err := a.Filter.CloseFilterAlert(r.Context(), id, in.ConcernID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}

func (a *API) filterReviews(w http.ResponseWriter, r *http.Request) error {
	status, err := statusQuery(r)
	if err != nil {
		return err
	}
	list, err := a.Filter.FilterReviews(r.Context(), status)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reviews": list})
	return nil
}

func (a *API) closeFilterReview(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Outcome string `json:"outcome"`
	}
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	x, err := a.Filter.CloseFilterReview(r.Context(), id, in.Outcome)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, x)
	return nil
}
