package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// newChildParams are the query parameters that link or name the child of
// a new concern. A child's names are never taken here: a query string is
// what proxies and access logs keep. A system that knows children by name
// imports them first (POST /children/import) and links with child_id.
var newChildParams = []string{"child_id", "child_ref"}

// createConcern records a concern. The body is the facts alone, as
// concern.schema.json describes them, without reported_at: the server sets
// it. The child is linked with ?child_id= or named for a new record with
// ?child_ref=; with neither, a new child record gets a generated reference.
func (a *API) createConcern(w http.ResponseWriter, r *http.Request) error {
	act, err := actor(r.Context())
	if err != nil {
		return err
	}
	var in record.Report
	q, err := query(r.URL, newChildParams...)
	if err != nil {
		return err
	}
	var problems []lifeguard.Problem
	if s := q.Get("child_id"); s != "" {
		if in.ChildID, err = strconv.ParseInt(s, 10, 64); err != nil || in.ChildID <= 0 {
			problems = append(problems, lifeguard.Problem{Path: "child_id", Problem: "must be the id of a child, a whole number"})
		}
	}
	in.ChildRef = q.Get("child_ref")
	if in.ChildID != 0 && in.ChildRef != "" {
		problems = append(problems, lifeguard.Problem{Path: "child_ref", Problem: "give child_id for a child already recorded, or child_ref for a new one, not both"})
	}
	key, ok := idempotencyKey(r.Header)
	if !ok {
		problems = append(problems, lifeguard.Problem{Path: idempotencyHeader, Problem: fmt.Sprintf(
			"must be 1 to %d visible ASCII characters, such as a UUID", maxIdempotencyKey)})
	}
	if len(problems) > 0 {
		return lifeguard.Invalid("invalid request", problems)
	}
	if !act.Can(lifeguard.OpRecordConcern) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not record concerns about children.")
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	// The decoder checks the facts; the recorder takes its proof and does
	// not check them again.
	if in.Valid, err = factsjson.DecodeValidFacts(body, factsjson.DecodeOptions{ReportedAt: a.now()}); err != nil {
		return err
	}
	if key != "" {
		in.Key = &lifeguard.ConcernKey{Key: "api:" + key, Digest: concernDigest(q, body)}
	}
	c, replayed, err := a.recorder().Concern(r.Context(), in)
	if err != nil {
		return keyProblem(err)
	}
	w.Header().Set("Location", "/api/v1/concerns/"+strconv.FormatInt(c.ID, 10))
	if replayed {
		w.Header().Set("Idempotent-Replayed", "true")
		writeJSON(w, http.StatusOK, c)
		return nil
	}
	writeJSON(w, http.StatusCreated, c)
	return nil
}

func (a *API) listConcerns(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r.URL, "status", "type", "child_id", "from", "to", "order", "assigned", "cursor", "limit")
	if err != nil {
		return err
	}
	f := lifeguard.ConcernFilter{Cursor: q.Get("cursor"), Order: q.Get("order")}
	var problems []lifeguard.Problem
	bad := func(path, problem string) {
		problems = append(problems, lifeguard.Problem{Path: path, Problem: problem})
	}
	if s := q.Get("status"); s != "" {
		f.Status = lifeguard.ConcernStatus(s)
		if !f.Status.Valid() && f.Status != lifeguard.StatusOpen {
			bad("status", "must be new, in_progress, closed, or open (every concern not closed)")
		}
	}
	if s := q.Get("type"); s != "" {
		f.Type = lifeguard.ConcernType(s)
		if _, ok := lifeguard.LookupConcernType(f.Type); !ok {
			bad("type", "is not a known concern type")
		}
	}
	if s := q.Get("child_id"); s != "" {
		if f.ChildID, err = strconv.ParseInt(s, 10, 64); err != nil || f.ChildID <= 0 {
			bad("child_id", "must be the id of a child, a whole number")
		}
	}
	for _, k := range []string{"from", "to"} {
		s := q.Get(k)
		if s == "" {
			continue
		}
		t, err := parseTimeOrDate(s)
		if err != nil {
			bad(k, "must be a date (2026-11-18) or a date-time (2026-11-18T10:00:00Z)")
		}
		if k == "from" {
			f.From = t
		} else {
			f.To = t
		}
	}
	switch f.Order {
	case "", lifeguard.OrderDue, lifeguard.OrderReported, lifeguard.OrderPriority:
	default:
		bad("order", "must be priority, due or reported")
	}
	if f.Order == lifeguard.OrderPriority && f.Status == lifeguard.StatusClosed {
		bad("status", "the priority order lists open concerns only; list closed ones in another order")
	}
	switch s := q.Get("assigned"); s {
	case "":
	case "me":
		act, err := actor(r.Context())
		if err != nil {
			return err
		}
		f.AssignedTo = act.UserID
	default:
		bad("assigned", "must be me (the concerns assigned to you)")
	}
	if s := q.Get("limit"); s != "" {
		if f.Limit, err = strconv.Atoi(s); err != nil || f.Limit < 1 || f.Limit > 200 {
			bad("limit", "must be a whole number from 1 to 200")
		}
	}
	if len(problems) > 0 {
		return lifeguard.Invalid("invalid request", problems)
	}
	page, err := a.Concerns.ListConcerns(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

func (a *API) getConcern(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Concerns.Concern(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// updateFacts replaces a concern's facts and re-runs the triage; the body is
// the facts without reported_at, which stays as first recorded.
func (a *API) updateFacts(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	c, err := a.Concerns.Concern(r.Context(), id)
	if err != nil {
		return err
	}
	f, err := factsjson.DecodeValidFacts(body, factsjson.DecodeOptions{ReportedAt: c.Facts.ReportedAt})
	if err != nil {
		return err
	}
	c, err = a.recorder().ChangeValidFacts(r.Context(), id, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) addDecision(w http.ResponseWriter, r *http.Request) error {
	return create(w, r, a.Concerns.AddDecision)
}

func (a *API) addAction(w http.ResponseWriter, r *http.Request) error {
	return create(w, r, a.Concerns.AddAction)
}

func (a *API) addEvidence(w http.ResponseWriter, r *http.Request) error {
	return create(w, r, a.Concerns.AddEvidence)
}

type newNote struct {
	Text string `json:"text"`
}

func (a *API) addNote(w http.ResponseWriter, r *http.Request) error {
	return create(w, r, func(ctx contextT, id int64, in newNote) (*lifeguard.Note, error) {
		return a.Concerns.AddNote(ctx, id, in.Text)
	})
}

func (a *API) closeConcern(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in lifeguard.NewOutcome
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	c, err := a.Concerns.CloseConcern(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) completeAction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	actionID, err := pathID(r, "action")
	if err != nil {
		return err
	}
	act, err := a.Concerns.CompleteAction(r.Context(), id, actionID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, act)
	return nil
}

// create is the shape shared by every "add a record to a concern" endpoint:
// decode the input strictly, store it, answer 201 with what was stored.
func create[In, Out any](w http.ResponseWriter, r *http.Request, store func(contextT, int64, In) (*Out, error)) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var in In
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	out, err := store(r.Context(), id, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// query returns the URL's query after checking that it names only the
// parameters allowed, each at most once: a misspelt filter must not silently
// widen a list.
func query(u *url.URL, allowed ...string) (url.Values, error) {
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return nil, lifeguard.Invalid("invalid request", []lifeguard.Problem{{Problem: "the query string is not well-formed"}})
	}
	var problems []lifeguard.Problem
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		switch {
		case !slices.Contains(allowed, k):
			problems = append(problems, lifeguard.Problem{Path: k, Problem: "is not a known parameter here; known: " + strings.Join(allowed, ", ")})
		case len(q[k]) > 1:
			problems = append(problems, lifeguard.Problem{Path: k, Problem: "is given more than once"})
		case lifeguard.CheckText(k, q[k][0]) != nil:
			// A lookup sends the value to the database as much as a write.
			problems = append(problems, *lifeguard.CheckText(k, q[k][0]))
		}
	}
	if len(problems) > 0 {
		return nil, lifeguard.Invalid("invalid request", problems)
	}
	return q, nil
}

func parseTimeOrDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := lifeguard.ParseDate(s)
	if err != nil {
		return time.Time{}, err
	}
	return d.In(time.UTC), nil
}

type cancelAction struct {
	Reason string `json:"reason"`
}

// cancelAction ends an action that will not be done, with the reason.
func (a *API) cancelAction(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	actionID, err := pathID(r, "action")
	if err != nil {
		return err
	}
	var in cancelAction
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	act, err := a.Concerns.CancelAction(r.Context(), id, actionID, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, act)
	return nil
}

type newRoute struct {
	Route  lifeguard.RouteCode `json:"route"`
	Reason string              `json:"reason"`
}

// addRoute adds a route of the procedure in force that the concern's
// triage did not give, with the reason.
func (a *API) addRoute(w http.ResponseWriter, r *http.Request) error {
	return create(w, r, func(ctx contextT, id int64, in newRoute) (*lifeguard.AddedRoute, error) {
		return a.recorder().AddRoute(ctx, id, in.Route, in.Reason)
	})
}
