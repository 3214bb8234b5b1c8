package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Legal holds on the child and concern pages (issue 19): the DSL of the
// record's organisation sees the holds on it with their reasons, sets one
// with its basis and reason, and releases it. The administrator's list is
// on the retention page (retention.go).

// holdsView is the holds section of a child or concern page.
type holdsView struct {
	// What is "this child's file" or "this concern".
	What  string
	Items []holdItem
	Form  holdForm
}

// holdItem is one hold in force.
type holdItem struct {
	ID            int64
	Covers        string // "The child's whole file" or "Concern 12"
	CoversURL     string
	Basis, Reason string
	SetBy, SetAt  string
	ReleaseAction string
	Back          string
}

// holdForm sets a hold on the page's record.
type holdForm struct {
	Action string
	Basis  dslField
	Reason dslField
	Bases  []factChoice
}

// holdsFor is the holds section for record (a child or a concern) of
// organisation org at url, for u: nil unless u is a DSL of org.
func (wb *Web) holdsFor(ctx context.Context, u *lifeguard.User, org int64, q lifeguard.LegalHoldQuery, url string) (*holdsView, error) {
	if !may(u, lifeguard.OpSetLegalHold, org) {
		return nil, nil
	}
	hs, err := wb.cfg.Stores.Retention.LegalHolds(ctx, q)
	if err != nil {
		return nil, err
	}
	v := &holdsView{What: "this concern", Form: holdForm{Action: url + "/holds",
		Basis: dslField{ID: "hold-basis", Name: "basis"}, Reason: dslField{ID: "hold-reason", Name: "reason"}}}
	if q.ChildID != 0 {
		v.What = "this child's whole file"
	}
	for _, b := range lifeguard.LegalHoldBases() {
		v.Form.Bases = append(v.Form.Bases, factChoice{ID: "hold-basis-" + string(b.Basis), Value: string(b.Basis), Label: b.Label})
	}
	for _, h := range hs {
		v.Items = append(v.Items, wb.holdItem(h, url))
	}
	return v, nil
}

func (wb *Web) holdItem(h lifeguard.LegalHold, back string) holdItem {
	it := holdItem{ID: h.ID, Basis: h.Basis.Label(), Reason: h.Reason, SetBy: h.SetByName, SetAt: wb.showTime(h.SetAt),
		ReleaseAction: "/holds/" + strconv.FormatInt(h.ID, 10) + "/release", Back: back}
	if it.SetBy == "" {
		it.SetBy = "Lifeguard"
	}
	if h.ChildID != 0 {
		it.Covers, it.CoversURL = "The child's whole file (child "+strconv.FormatInt(h.ChildID, 10)+")", "/children/"+strconv.FormatInt(h.ChildID, 10)
	} else {
		it.Covers, it.CoversURL = "Concern "+strconv.FormatInt(h.ConcernID, 10), concernURL(h.ConcernID)
	}
	return it
}

// holdTargets place the store's problems with a hold on the form.
var holdTargets = map[string]problemTarget{
	"basis":  {"hold-basis", "Why"},
	"reason": {"hold-reason", "Reason"},
}

// readHold reads the posted hold form.
func readHold(r *http.Request) (basis, reason string) {
	return r.PostForm.Get("basis"), strings.TrimSpace(r.PostForm.Get("reason"))
}

// fillHold keeps what was typed in the hold form and says what to change.
func fillHold(v *holdsView, basis, reason string, errs map[string]string) {
	if v == nil {
		return
	}
	v.Form.Basis.Value, v.Form.Reason.Value = basis, reason
	v.Form.Basis.Err, v.Form.Reason.Err = errs[v.Form.Basis.ID], errs[v.Form.Reason.ID]
}

const holdSetFlash = "The legal hold is set: nothing it covers is erased until a safeguarding lead releases it."

// setChildHold sets a hold on a child's whole file.
func (wb *Web) setChildHold(w http.ResponseWriter, r *http.Request) error {
	var basis, reason string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		basis, reason = readHold(r)
		_, err := wb.cfg.Stores.Retention.SetLegalHold(r.Context(), lifeguard.NewLegalHold{ChildID: id,
			Basis: lifeguard.LegalHoldBasis(basis), Reason: reason})
		return saved{holdSetFlash, "/children/" + strconv.FormatInt(id, 10) + "#holds-heading"}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, holdTargets)
		v, verr := wb.childView(r, id)
		if verr != nil {
			return verr
		}
		fillHold(v.Holds, basis, reason, errs)
		return wb.render(w, r, http.StatusUnprocessableEntity, "child.html",
			page{Title: v.Name + ": there is a problem", Nav: "inbox", Data: v, Problem: problems})
	})
}

// setConcernHold sets a hold on one concern.
func (wb *Web) setConcernHold(w http.ResponseWriter, r *http.Request) error {
	var basis, reason string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		basis, reason = readHold(r)
		_, err := wb.cfg.Stores.Retention.SetLegalHold(r.Context(), lifeguard.NewLegalHold{ConcernID: id,
			Basis: lifeguard.LegalHoldBasis(basis), Reason: reason})
		return saved{holdSetFlash, concernURL(id) + "#holds-heading"}, err
	}, func(id int64, err error) error {
		problems, errs := fieldProblems(err, holdTargets)
		return wb.reshowConcern(w, r, id, problems, func(v *concernView, _ []lifeguard.Problem) {
			fillHold(v.Holds, basis, reason, errs)
		})
	})
}

// releaseHold releases a hold and goes back to the page it was released
// from: a child's, a concern's, or the retention page.
func (wb *Web) releaseHold(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		back := r.PostForm.Get("back")
		if !holdBack(back) {
			back = "/admin/retention"
		}
		err := wb.cfg.Stores.Retention.ReleaseLegalHold(r.Context(), id)
		return saved{"The legal hold is released: the records it covered take their retention dates again at the next erasure run.",
			back}, err
	}, nil)
}

// holdBack reports whether back is a page a hold is released from, so
// that the redirect stays inside Lifeguard.
func holdBack(back string) bool {
	for _, prefix := range []string{"/children/", "/concerns/"} {
		if rest, ok := strings.CutPrefix(back, prefix); ok {
			_, err := strconv.ParseInt(rest, 10, 64)
			return err == nil
		}
	}
	return back == "/admin/retention"
}
