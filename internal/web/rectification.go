package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Requests to correct or erase a record (issue 19): recorded with what
// the person says, decided by the DSL with a reason, answered with a
// letter the organisation prints and sends.

// dataRequestWhat words what a request asks, by record number: the page
// lists requests to an administrator, who sees no child's name.
func dataRequestWhat(d lifeguard.DataRequest) string {
	var rec string
	switch d.Target {
	case lifeguard.TargetChildIdentity:
		rec = fmt.Sprintf("the %s of child's record %d", strings.ReplaceAll(d.Field, "_", " "), d.ChildID)
	case lifeguard.TargetConcernFact:
		rec = fmt.Sprintf("the %s of concern %d", strings.ReplaceAll(d.Field, "_", " "), d.ConcernID)
	case lifeguard.TargetConcern:
		rec = fmt.Sprintf("concern %d", d.ConcernID)
	case lifeguard.TargetChildFile:
		rec = fmt.Sprintf("the file of child's record %d", d.ChildID)
	case lifeguard.TargetPreferences:
		rec = fmt.Sprintf("the preferences of member of staff %d", d.UserID)
	}
	if d.Kind == lifeguard.RequestErase {
		return "Erase " + rec
	}
	return "Correct " + rec
}

func dataOutcomeLabel(o lifeguard.DataOutcome) string {
	switch o {
	case lifeguard.OutcomeApplied:
		return "Done"
	case lifeguard.OutcomeRefused:
		return "Refused"
	}
	return "Open"
}

// dataTargets are the form's choices: kind and target together.
var dataTargets = []struct{ value, label string }{
	{"rectify/child_identity", "Correct a child's details in the register"},
	{"rectify/concern_fact", "Correct a fact of a concern"},
	{"erase/concern", "Erase a concern"},
	{"erase/child_file", "Erase a child's safeguarding file"},
	{"erase/preferences", "Erase a member of staff's preferences"},
}

type dataRequestForm struct {
	Targets, Fields, Requesters []rightsChoice
	Record, Value, Reason       string
	RequesterName, Received     string
	Errs                        map[string]string
}

func (wb *Web) dataRequestForm(typed func(string) string) *dataRequestForm {
	v := &dataRequestForm{Record: typed("record"), Value: typed("value"), Reason: typed("reason"),
		RequesterName: typed("requester_name"), Received: typed("received_on"), Errs: map[string]string{}}
	if v.Received == "" {
		v.Received = wb.todayHere().String()
	}
	for _, t := range dataTargets {
		v.Targets = append(v.Targets, rightsChoice{t.value, t.label, typed("target") == t.value})
	}
	for _, f := range append(lifeguard.RectifiableIdentity(), lifeguard.RectifiableFacts()...) {
		v.Fields = append(v.Fields, rightsChoice{f, strings.ReplaceAll(f, "_", " "), typed("field") == f})
	}
	for _, q := range lifeguard.Requesters() {
		v.Requesters = append(v.Requesters, rightsChoice{string(q), q.Label(), typed("requester") == string(q)})
	}
	return v
}

func (wb *Web) dataRequestNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "data_request_new.html", page{Title: "Record a request to correct or erase",
		Nav: "rights", Data: wb.dataRequestForm(r.URL.Query().Get)})
}

func (wb *Web) dataRequestCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	return wb.post(w, r, func() (saved, error) {
		f := r.PostForm
		received, err := formDate(f.Get("received_on"), "received_on", "The request is not valid", "2026-03-14")
		if err != nil {
			return saved{}, err
		}
		kind, target, _ := strings.Cut(f.Get("target"), "/")
		in := lifeguard.NewDataRequest{Kind: lifeguard.DataRequestKind(kind), Target: lifeguard.DataTarget(target),
			Value: f.Get("value"), Requester: lifeguard.Requester(f.Get("requester")), RequesterName: f.Get("requester_name"),
			ReceivedOn: received, Reason: f.Get("reason")}
		if kind == string(lifeguard.RequestRectify) {
			in.Field = f.Get("field")
		} else {
			in.Value = ""
		}
		id, perr := strconv.ParseInt(strings.TrimSpace(f.Get("record")), 10, 64)
		if perr != nil || id <= 0 {
			return saved{}, lifeguard.Invalid("The request is not valid", []lifeguard.Problem{{Path: "record",
				Problem: "must be the number of the record, as its page shows it"}})
		}
		switch in.Target {
		case lifeguard.TargetChildIdentity, lifeguard.TargetChildFile:
			in.ChildID = id
		case lifeguard.TargetConcernFact, lifeguard.TargetConcern:
			in.ConcernID = id
		default:
			in.UserID = id
		}
		d, err := wb.cfg.Stores.Rights.RecordDataRequest(r.Context(), in)
		if err != nil {
			return saved{}, err
		}
		return saved{"The request is recorded.", fmt.Sprintf("/data-requests/%d", d.ID)}, nil
	}, func(err error) error {
		v := wb.dataRequestForm(r.PostForm.Get)
		probs := problemsOf(err)
		for i, p := range probs {
			if p.Path == "child_id" || p.Path == "concern_id" || p.Path == "user_id" {
				probs[i].Path = "record"
			}
			if p.Path == "kind" {
				probs[i].Path = "target"
			}
			v.Errs[probs[i].Path] = p.Problem
		}
		return wb.render(w, r, http.StatusUnprocessableEntity, "data_request_new.html",
			page{Title: "Record a request to correct or erase", Nav: "rights", Data: v, Problem: probs})
	})
}

type dataRequestView struct {
	ID                                   int64
	What, Received, Requester, Reason    string
	Value, Original, Status, DecidedAt   string
	DecisionReason, Basis, Letter        string
	Open, CanDecide, IsErase, Safeguards bool
	TypedReason                          string
	Errs                                 map[string]string
}

func (wb *Web) dataRequestView(r *http.Request, id int64) (*dataRequestView, error) {
	d, err := wb.cfg.Stores.Rights.DataRequest(r.Context(), id)
	if err != nil {
		return nil, err
	}
	org, err := wb.cfg.Stores.Orgs.Organisation(r.Context(), d.OrganisationID)
	if err != nil {
		return nil, err
	}
	v := &dataRequestView{ID: d.ID, What: dataRequestWhat(*d), Received: showDate(d.ReceivedOn),
		Requester: d.Requester.Label() + ": " + d.RequesterName, Reason: d.Reason, Value: d.Value, Original: d.Original,
		Status: dataOutcomeLabel(d.Outcome), DecisionReason: d.DecisionReason, Basis: d.Basis, Letter: d.Letter(org.Name),
		Open: d.Outcome == lifeguard.OutcomeOpen, CanDecide: fromRequest(r).user.Role.Can(lifeguard.OpWorkDataRights),
		IsErase: d.Kind == lifeguard.RequestErase, Safeguards: lifeguard.ErasureRefused(d.Target, false), Errs: map[string]string{}}
	if d.DecidedAt != nil {
		v.DecidedAt = wb.showTime(*d.DecidedAt)
	}
	return v, nil
}

func (wb *Web) dataRequestPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	v, err := wb.dataRequestView(r, id)
	if err != nil {
		return err
	}
	p := page{Title: "Request " + strconv.FormatInt(id, 10), Nav: "rights", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	w.Header().Set("Cache-Control", "no-store")
	return wb.render(w, r, http.StatusOK, "data_request.html", p)
}

func (wb *Web) decideDataRequest(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpWorkDataRights); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		d := lifeguard.DataDecision{Outcome: lifeguard.DataOutcome(r.PostForm.Get("outcome")), Reason: r.PostForm.Get("reason"),
			MadeInError: r.PostForm.Get("made_in_error") == "yes"}
		if _, err := wb.cfg.Stores.Rights.DecideDataRequest(r.Context(), id, d); err != nil {
			return saved{}, err
		}
		return saved{"The decision is recorded. Print the letter and send it.", fmt.Sprintf("/data-requests/%d", id)}, nil
	}, func(id int64, err error) error {
		v, verr := wb.dataRequestView(r, id)
		if verr != nil {
			return verr
		}
		probs := problemsOf(err)
		for _, p := range probs {
			v.Errs[p.Path] = p.Problem
		}
		v.TypedReason = r.PostForm.Get("reason")
		return wb.render(w, r, http.StatusUnprocessableEntity, "data_request.html",
			page{Title: "Request " + strconv.FormatInt(id, 10), Nav: "rights", Data: v, Problem: probs})
	})
}

// dataRequestLetter is the response letter alone, to print and send.
func (wb *Web) dataRequestLetter(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	v, err := wb.dataRequestView(r, id)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return wb.render(w, r, http.StatusOK, "data_request_letter.html", page{Title: "Letter: request " + strconv.FormatInt(id, 10),
		Nav: "rights", Data: v})
}
