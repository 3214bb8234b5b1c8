package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// transfersView lists the transfers of children's files to and from the
// DSL's organisation: files waiting for them to accept, and files they
// sent, with whether and when the other side received them.
type transfersView struct {
	Incoming []transferItem
	Outgoing []transferItem
}

type transferItem struct {
	ID         int64
	ChildRef   string
	Other      string
	Note       string
	Sent       string
	Due        string
	DueISO     string
	Overdue    bool
	Pending    bool
	Received   string
	AcceptURL  string
	ChildURL   string
	ChildLabel string
	// Who is the child as the sender records them; Matches the pupils on
	// roll it may be, to accept the file onto.
	Who     string
	Matches []foundChildItem
}

func (wb *Web) transfers(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReadTransfer, "see transfers of children's files"); err != nil {
		return err
	}
	v := transfersView{}
	p := page{Title: "Transfers", Nav: "transfers", Data: &v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	ts, err := wb.cfg.Stores.Transfers.Transfers(r.Context())
	if err != nil {
		return err
	}
	mine, now := fromRequest(r).user.OrganisationID, wb.cfg.Now()
	for _, t := range ts {
		it := transferItem{ID: t.ID, ChildRef: t.ChildRef, Note: t.Note, Sent: wb.showTime(t.SentAt),
			Due: wb.showTime(t.DueBy), DueISO: t.DueBy.UTC().Format("2006-01-02T15:04:05Z"),
			Pending: t.Status == lifeguard.TransferPending}
		it.Overdue = it.Pending && t.DueBy.Before(now)
		if t.ReceivedAt != nil {
			it.Received = wb.showTime(*t.ReceivedAt)
		}
		if c := t.Child; c != nil {
			it.Who = childLabel(foundItem(fromRequest(r).user, lifeguard.Child{Ref: t.ChildRef, OrganisationID: t.FromOrgID,
				LegalForename: c.LegalForename, LegalSurname: c.LegalSurname, PreferredForename: c.PreferredForename,
				YearGroup: c.YearGroup, DateOfBirth: c.DateOfBirth}))
			if c.UPN != "" {
				it.Who += ", UPN " + c.UPN
			}
		}
		switch {
		case t.ToOrgID == mine:
			it.Other = t.FromOrgName
			if it.Pending {
				it.AcceptURL = "/transfers/" + strconv.FormatInt(t.ID, 10) + "/receive"
				ms, err := wb.cfg.Stores.Transfers.TransferMatches(r.Context(), t.ID)
				if err != nil {
					return err
				}
				for _, m := range ms {
					it.Matches = append(it.Matches, foundItem(fromRequest(r).user, m))
				}
			} else if t.ReceivedChildID != nil {
				it.ChildURL, it.ChildLabel = "/children/"+strconv.FormatInt(*t.ReceivedChildID, 10), "Open the child's record"
			}
			v.Incoming = append(v.Incoming, it)
		case t.FromOrgID == mine:
			it.Other = t.ToOrgName
			it.ChildURL, it.ChildLabel = "/children/"+strconv.FormatInt(t.ChildID, 10), "Your record of the child"
			v.Outgoing = append(v.Outgoing, it)
		}
	}
	return wb.render(w, r, http.StatusOK, "transfers.html", p)
}

// receiveTransfer records that the DSL accepts a child's file sent to
// their organisation, then shows them the child's record it created.
func (wb *Web) receiveTransfer(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReceiveTransfer, "accept a child's file"); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		onto, err := wb.receiveOnto(r)
		if err != nil {
			return saved{}, err
		}
		t, err := wb.cfg.Stores.Transfers.ReceiveTransferOnto(r.Context(), id, onto)
		if err != nil {
			return saved{}, err
		}
		done := saved{"You have accepted the child's file from " + t.FromOrgName +
			". The time of receipt is recorded, and the sender can see it.", "/transfers"}
		if t.ReceivedChildID != nil {
			done.to = "/children/" + strconv.FormatInt(*t.ReceivedChildID, 10)
		}
		return done, nil
	}, func(id int64, err error) error {
		// The choice could not be taken: the transfers page again, with
		// the problem.
		ps, _ := fieldProblems(err, map[string]problemTarget{"onto": {"incoming-heading", "The record chosen"},
			"other_ref": {"incoming-heading", "The reference"}})
		wb.setPageFlash(w, pageFlash{Message: problemsLine(ps)})
		return redirectAfterPost(w, r, "/transfers")
	})
}

// receiveOnto reads the receiving DSL's choice: a pupil matched ("onto"
// is the record's id), another child of theirs by reference ("other",
// with other_ref), or a new record ("new", or nothing chosen).
func (wb *Web) receiveOnto(r *http.Request) (int64, error) {
	switch choice := r.PostForm.Get("onto"); choice {
	case "", "new":
		return 0, nil
	case "other":
		ref := strings.TrimSpace(r.PostForm.Get("other_ref"))
		found, err := wb.cfg.Stores.Children.FindChildren(r.Context(), ref)
		if err != nil {
			return 0, err
		}
		for _, c := range found {
			if c.Ref == ref && ref != "" {
				return c.ID, nil
			}
		}
		return 0, lifeguard.Invalid("The file cannot be received onto that record", []lifeguard.Problem{{Path: "other_ref",
			Problem: "is not the reference of a child of your organisation"}})
	default:
		id, err := strconv.ParseInt(choice, 10, 64)
		if err != nil || id <= 0 {
			return 0, lifeguard.Invalid("The file cannot be received onto that record", []lifeguard.Problem{{Path: "onto",
				Problem: "must be one of the choices"}})
		}
		return id, nil
	}
}

// problemsLine is problems as one line, for a message at the top of a page.
func problemsLine(ps []lifeguard.Problem) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, p.Problem)
	}
	return "The file was not accepted: " + strings.Join(parts, " ") + "."
}
