package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// myReportsView is a member of staff's "My reports": each concern they
// reported, its status, when it was reported and when it was closed. It
// comes from the store's list of concerns, which gives staff and managers
// only what they reported; the list holds no note, decision or outcome.
type myReportsView struct {
	Items       []myReport
	Next, First string
}

type myReport struct {
	ID                     int64
	URL, Types, Status     string
	Reported, ReportedISO  string
	Closed, ClosedISO      string
	IsClosed, IsInProgress bool
}

// myReports lists the concerns the signed-in user reported, newest first.
// The store decides who may list at all (a partnership officer or an
// administrator reports nothing and is refused there).
func (wb *Web) myReports(w http.ResponseWriter, r *http.Request) error {
	cursor := r.URL.Query().Get("cursor")
	list, err := wb.cfg.Stores.Concerns.ListConcerns(r.Context(), lifeguard.ConcernFilter{
		ReportedByMe: true, Order: lifeguard.OrderReported, Cursor: cursor})
	if lifeguard.ErrorCode(err) == lifeguard.EINVALID {
		// Only the cursor can be wrong: start again from the first page.
		return redirectAfterPost(w, r, "/my-reports")
	}
	if err != nil {
		return err
	}
	v := myReportsView{}
	const iso = "2006-01-02T15:04:05Z"
	for _, s := range list.Concerns {
		m := myReport{ID: s.ID, URL: concernURL(s.ID), Types: strings.Join(typeWords(s.ConcernTypes), "; "),
			Status: s.Status.Label(), Reported: wb.showTime(s.ReportedAt), ReportedISO: s.ReportedAt.UTC().Format(iso),
			IsClosed: s.Status == lifeguard.StatusClosed, IsInProgress: s.Status == lifeguard.StatusInProgress}
		if s.ClosedAt != nil {
			m.Closed, m.ClosedISO = wb.showTime(*s.ClosedAt), s.ClosedAt.UTC().Format(iso)
		}
		v.Items = append(v.Items, m)
	}
	if list.Next != "" {
		v.Next = "/my-reports?cursor=" + url.QueryEscape(list.Next)
	}
	if cursor != "" {
		v.First = "/my-reports"
	}
	return wb.render(w, r, http.StatusOK, "my_reports.html", page{Title: "My reports", Nav: "my-reports", Data: v})
}
