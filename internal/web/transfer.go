package web

import (
	"net/http"
	"strconv"

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
		switch {
		case t.ToOrgID == mine:
			it.Other = t.FromOrgName
			if it.Pending {
				it.AcceptURL = "/transfers/" + strconv.FormatInt(t.ID, 10) + "/receive"
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
		t, err := wb.cfg.Stores.Transfers.ReceiveTransfer(r.Context(), id)
		if err != nil {
			return saved{}, err
		}
		done := saved{"You have accepted the child's file from " + t.FromOrgName +
			". The time of receipt is recorded, and the sender can see it.", "/transfers"}
		if t.ReceivedChildID != nil {
			done.to = "/children/" + strconv.FormatInt(*t.ReceivedChildID, 10)
		}
		return done, nil
	}, nil)
}
