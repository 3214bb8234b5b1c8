package web

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// A partnership-wide subject access request (issue 19, item 3): the
// officer's pages to start one and follow each organisation's answer, and
// the DSL's page to agree or decline. The officer never sees a child's
// record: the store tells which organisations hold a match.

func requirePartnershipAccess(r *http.Request, op lifeguard.Op) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.Can(op) {
		if op == lifeguard.OpStartPartnershipAccess {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the partnership officer starts a partnership-wide request.")
		}
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's designated safeguarding lead answers a partnership-wide request.")
	}
	return nil
}

// answerLabel words a part's answer.
func answerLabel(pt lifeguard.PartnershipAccessPart) string {
	switch {
	case pt.Answer == lifeguard.PartAgreed && pt.Disclosed:
		return "Agreed; disclosed"
	case pt.Answer == lifeguard.PartAgreed:
		return "Agreed"
	case pt.Answer == lifeguard.PartDeclined:
		return "Declined"
	}
	return "Asked"
}

type wideRow struct {
	ID                       int64
	URL, Received, Due       string
	DueISO, Requester        string
	Asked, Agreed, Declined  int
	Disclosed, Organisations int
}

type widePart struct {
	ID                          int64
	Organisation, Answer        string
	Reason, AnsweredAt, URL     string
	Agreed, Declined, Disclosed bool
}

type wideView struct {
	Rows  []wideRow
	Row   wideRow
	Parts []widePart
	// The form.
	ChildName, BornOn, RequesterName, Received, VerifiedNote string
	Requesters, Checks                                       []rightsChoice
	Verified, VerifiedText                                   string
	RequesterLabel                                           string
	Errs                                                     map[string]string
}

func wideRowOf(s lifeguard.PartnershipAccess) wideRow {
	row := wideRow{ID: s.ID, URL: fmt.Sprintf("/partnership-access/%d", s.ID), Received: showDate(s.ReceivedOn),
		Due: showDate(s.Due), DueISO: s.Due.String(), Requester: s.Requester.Label(), Organisations: len(s.Parts)}
	for _, pt := range s.Parts {
		switch pt.Answer {
		case lifeguard.PartAgreed:
			row.Agreed++
			if pt.Disclosed {
				row.Disclosed++
			}
		case lifeguard.PartDeclined:
			row.Declined++
		default:
			row.Asked++
		}
	}
	return row
}

func (wb *Web) partnershipAccessList(w http.ResponseWriter, r *http.Request) error {
	if err := requirePartnershipAccess(r, lifeguard.OpStartPartnershipAccess); err != nil {
		return err
	}
	ss, err := wb.cfg.Stores.Rights.PartnershipAccesses(r.Context())
	if err != nil {
		return err
	}
	v := &wideView{}
	for _, s := range ss {
		v.Rows = append(v.Rows, wideRowOf(s))
	}
	return wb.render(w, r, http.StatusOK, "partnership_access_list.html",
		page{Title: "Partnership-wide subject access requests", Nav: "partnership-access", Data: v})
}

func (wb *Web) wideForm(typed func(string) string) *wideView {
	v := &wideView{ChildName: typed("child_name"), BornOn: typed("born_on"), RequesterName: typed("requester_name"),
		Received: typed("received_on"), VerifiedNote: typed("verified_note"), Errs: map[string]string{}}
	if v.Received == "" {
		v.Received = wb.todayHere().String()
	}
	for _, q := range lifeguard.Requesters() {
		v.Requesters = append(v.Requesters, rightsChoice{string(q), q.Label(), typed("requester") == string(q)})
	}
	for _, c := range lifeguard.IdentityChecks() {
		v.Checks = append(v.Checks, rightsChoice{string(c), c.Label(), typed("verified") == string(c)})
	}
	return v
}

func (wb *Web) partnershipAccessNew(w http.ResponseWriter, r *http.Request) error {
	if err := requirePartnershipAccess(r, lifeguard.OpStartPartnershipAccess); err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "partnership_access_new.html",
		page{Title: "Start a partnership-wide subject access request", Nav: "partnership-access", Data: wb.wideForm(r.URL.Query().Get)})
}

func (wb *Web) partnershipAccessCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requirePartnershipAccess(r, lifeguard.OpStartPartnershipAccess); err != nil {
		return err
	}
	const invalid = "The partnership-wide request is not valid"
	return wb.post(w, r, func() (saved, error) {
		f := r.PostForm
		born, err := formDate(f.Get("born_on"), "born_on", invalid, "2014-05-06")
		if err != nil {
			return saved{}, err
		}
		received, err := formDate(f.Get("received_on"), "received_on", invalid, "2026-03-14")
		if err != nil {
			return saved{}, err
		}
		s, err := wb.cfg.Stores.Rights.StartPartnershipAccess(r.Context(), lifeguard.NewPartnershipAccess{
			ChildName: f.Get("child_name"), BornOn: born, Requester: lifeguard.Requester(f.Get("requester")),
			RequesterName: f.Get("requester_name"), ReceivedOn: received, Verified: lifeguard.IdentityCheck(f.Get("verified")),
			VerifiedNote: f.Get("verified_note")})
		if err != nil {
			return saved{}, err
		}
		msg := fmt.Sprintf("The request is recorded and %d organisations are asked. It must be answered by %s.", len(s.Parts), showDate(s.Due))
		switch len(s.Parts) {
		case 0:
			msg = "The request is recorded. No organisation of the partnership holds a child of that name and date of birth."
		case 1:
			msg = "The request is recorded and 1 organisation is asked. It must be answered by " + showDate(s.Due) + "."
		}
		return saved{msg, fmt.Sprintf("/partnership-access/%d", s.ID)}, nil
	}, func(err error) error {
		v := wb.wideForm(r.PostForm.Get)
		probs := problemsOf(err)
		for _, p := range probs {
			v.Errs[p.Path] = p.Problem
		}
		return wb.render(w, r, http.StatusUnprocessableEntity, "partnership_access_new.html",
			page{Title: "Start a partnership-wide subject access request", Nav: "partnership-access", Data: v, Problem: probs})
	})
}

func (wb *Web) partnershipAccessPage(w http.ResponseWriter, r *http.Request) error {
	if err := requirePartnershipAccess(r, lifeguard.OpStartPartnershipAccess); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	s, err := wb.cfg.Stores.Rights.PartnershipAccess(r.Context(), id)
	if err != nil {
		return err
	}
	v := &wideView{Row: wideRowOf(*s), RequesterName: s.RequesterName, RequesterLabel: s.Requester.Label(),
		VerifiedText: s.Verified.Label(), VerifiedNote: s.VerifiedNote}
	for _, pt := range s.Parts {
		p := widePart{ID: pt.ID, Organisation: pt.Organisation, Answer: answerLabel(pt), Reason: pt.DeclineReason,
			Agreed: pt.Answer == lifeguard.PartAgreed, Declined: pt.Answer == lifeguard.PartDeclined, Disclosed: pt.Disclosed}
		if pt.AnsweredAt != nil {
			p.AnsweredAt = wb.showTime(*pt.AnsweredAt)
		}
		v.Parts = append(v.Parts, p)
	}
	p := page{Title: "Partnership-wide request " + strconv.FormatInt(id, 10), Nav: "partnership-access", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "partnership_access.html", p)
}

// The DSL's side: the parts asked of the organisation, on the data
// requests page, and one part's page to agree or decline.

type askRow struct {
	ID                            int64
	URL, Received, Due, DueISO    string
	Answer, Reason, SubjectAccess string
	Asked                         bool
	ChildURL, Child, Born         string
	Errs                          map[string]string
}

func (wb *Web) askRowOf(pt lifeguard.PartnershipAccessPart) askRow {
	row := askRow{ID: pt.ID, URL: fmt.Sprintf("/partnership-access/parts/%d", pt.ID), Received: showDate(pt.ReceivedOn),
		Due: showDate(pt.Due), DueISO: pt.Due.String(), Answer: answerLabel(pt), Reason: pt.DeclineReason,
		Asked: pt.Answer == lifeguard.PartAsked, ChildURL: fmt.Sprintf("/children/%d", pt.ChildID), Errs: map[string]string{}}
	if pt.SubjectAccessID != 0 {
		row.SubjectAccess = fmt.Sprintf("/subject-access/%d", pt.SubjectAccessID)
	}
	return row
}

// partnershipAsks lists the parts asked of a DSL's organisation; nothing
// for anyone else.
func (wb *Web) partnershipAsks(r *http.Request) ([]askRow, error) {
	if !fromRequest(r).user.Role.Can(lifeguard.OpAnswerPartnershipAccess) {
		return nil, nil
	}
	asks, err := wb.cfg.Stores.Rights.PartnershipAccessAsks(r.Context())
	if err != nil {
		return nil, err
	}
	rows := make([]askRow, 0, len(asks))
	for _, pt := range asks {
		rows = append(rows, wb.askRowOf(pt))
	}
	return rows, nil
}

func (wb *Web) askView(r *http.Request, id int64) (*askRow, error) {
	asks, err := wb.cfg.Stores.Rights.PartnershipAccessAsks(r.Context())
	if err != nil {
		return nil, err
	}
	for _, pt := range asks {
		if pt.ID != id {
			continue
		}
		row := wb.askRowOf(pt)
		c, err := wb.cfg.Stores.Children.Child(r.Context(), pt.ChildID)
		if err != nil {
			return nil, err
		}
		row.Child = c.DisplayName()
		if c.DateOfBirth != nil {
			row.Born = showDate(*c.DateOfBirth)
		}
		return &row, nil
	}
	return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such partnership-wide request.")
}

func (wb *Web) partnershipAskPage(w http.ResponseWriter, r *http.Request) error {
	if err := requirePartnershipAccess(r, lifeguard.OpAnswerPartnershipAccess); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	v, err := wb.askView(r, id)
	if err != nil {
		return err
	}
	p := page{Title: "Partnership-wide request: our part", Nav: "rights", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "partnership_ask.html", p)
}

func (wb *Web) partnershipAnswer(w http.ResponseWriter, r *http.Request) error {
	if err := requirePartnershipAccess(r, lifeguard.OpAnswerPartnershipAccess); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		answer := r.PostForm.Get("answer")
		if answer != "agree" && answer != "decline" {
			return saved{}, lifeguard.Invalid("The answer is not valid", []lifeguard.Problem{{Path: "answer", Problem: "must be agree or decline"}})
		}
		pt, err := wb.cfg.Stores.Rights.AnswerPartnershipAccess(r.Context(), id, answer == "agree", r.PostForm.Get("reason"))
		if err != nil {
			return saved{}, err
		}
		if pt.Answer == lifeguard.PartAgreed {
			return saved{"You agreed. Our subject access request for the child is made, due " + showDate(pt.Due) + ".",
				fmt.Sprintf("/subject-access/%d", pt.SubjectAccessID)}, nil
		}
		return saved{"You declined. The partnership officer sees your reason.", fmt.Sprintf("/partnership-access/parts/%d", id)}, nil
	}, func(id int64, err error) error {
		v, verr := wb.askView(r, id)
		if verr != nil {
			return verr
		}
		probs := problemsOf(err)
		for _, p := range probs {
			v.Errs[p.Path] = p.Problem
		}
		v.Reason = r.PostForm.Get("reason")
		return wb.render(w, r, http.StatusUnprocessableEntity, "partnership_ask.html",
			page{Title: "Partnership-wide request: our part", Nav: "rights", Data: v, Problem: probs})
	})
}
