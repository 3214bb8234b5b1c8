package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lifeguard-scp/lifeguard"
)

// inboxStatuses are the inbox's status filter, in the form's order; "all"
// sends no status to the store.
var inboxStatuses = []inboxChoice{
	{"open", "Open: new or in progress"},
	{"new", "New"},
	{"in_progress", "In progress"},
	{"closed", "Closed"},
	{"all", "All"},
}

type inboxChoice struct{ Value, Label string }

type inboxView struct {
	Status, Type, Child dslField
	// Mine shows only the concerns assigned to the user (?assigned=me);
	// MineURL and AllURL are the links that switch it, keeping the rest of
	// the filter.
	Mine            bool
	MineURL, AllURL string
	// Priority says the list is in the priority order (open concerns);
	// otherwise it is by deadline, closed concerns included.
	Priority  bool
	Statuses  []inboxChoice
	Types     []lifeguard.ConcernTypeInfo
	Items     []inboxItem
	Reminders []reminderItem
	// AccessDue are the subject access requests due within a week or
	// overdue (subject_access.go): shown until they are answered.
	AccessDue []accessRow
	// Asked are the parts of partnership-wide subject access requests
	// asked of the organisation and not yet answered
	// (partnership_access.go): the month runs for the partnership too.
	Asked []askRow
	New   int
	// Next is the address of the next page; First that of the first page
	// when this is a later one.
	Next, First string
	Filtered    bool
}

type inboxItem struct {
	ID       int64
	URL      string
	Types    string
	ChildRef string
	Status   string
	IsNew    bool
	// NotOpened: no lead or deputy has read the whole concern yet.
	NotOpened bool
	Risk      string
	HighRisk  bool
	// Assigned is who works it, "" when nobody; Mine when it is the user.
	Assigned string
	Mine     bool
	Reported string
	Due      string
	DueISO   string
	Overdue  bool
	// Now are the routes due now (lifeguard.ConcernSummary.Now), shown
	// with their action rather than as overdue.
	Now    []lifeguard.NowRoute
	Routes int
}

// inbox is the DSL's list of their organisation's concerns, the most
// urgent first, in the store's priority order (lifeguard.OrderPriority,
// decided in internal/sqlstore/priority.go and explained in docs/web.md).
// That order lists open concerns only, so a filter that takes in closed
// ones lists by deadline instead. A route due now (immediate, within the
// window of "now") shows as Now with its action, not as overdue. It is one
// call to the store, whatever the filter.
func (wb *Web) inbox(w http.ResponseWriter, r *http.Request) error {
	err := requireRule(r, lifeguard.OpReadConcern, "see the inbox of concerns")
	if err != nil {
		return err
	}
	q := r.URL.Query()
	v := inboxView{
		Status:   dslField{ID: "status", Name: "status", Value: q.Get("status")},
		Type:     dslField{ID: "type", Name: "type", Value: q.Get("type")},
		Child:    dslField{ID: "child", Name: "child", Value: strings.TrimSpace(q.Get("child"))},
		Statuses: inboxStatuses,
		Types:    lifeguard.ConcernTypes(),
	}
	if v.Status.Value == "" {
		v.Status.Value = "open"
	}
	f := lifeguard.ConcernFilter{Order: lifeguard.OrderPriority, Cursor: q.Get("cursor")}
	var problems []lifeguard.Problem
	bad := func(fd *dslField, msg string) {
		fd.Err = msg
		problems = append(problems, lifeguard.Problem{Path: fd.ID, Problem: msg})
	}
	switch v.Status.Value {
	case "all":
		f.Order = lifeguard.OrderDue
	case "closed":
		f.Status, f.Order = lifeguard.StatusClosed, lifeguard.OrderDue
	case "open", "new", "in_progress":
		f.Status = lifeguard.ConcernStatus(v.Status.Value)
	default:
		bad(&v.Status, "Status must be one of the choices in the list")
	}
	v.Priority = f.Order == lifeguard.OrderPriority
	me := fromRequest(r).user
	switch q.Get("assigned") {
	case "":
	case "me":
		v.Mine, f.AssignedTo = true, me.ID
	default:
		// Only a link sets it: a changed address is the one way here.
		problems = append(problems, lifeguard.Problem{Path: "",
			Problem: "The inbox can show every concern or those assigned to you. Choose one of the links above the list."})
	}
	if v.Type.Value != "" {
		if _, ok := lifeguard.LookupConcernType(lifeguard.ConcernType(v.Type.Value)); !ok {
			bad(&v.Type, "Type of concern must be one of the choices in the list")
		} else {
			f.Type = lifeguard.ConcernType(v.Type.Value)
		}
	}
	if v.Child.Value != "" {
		if msg := lifeguard.TextProblem(v.Child.Value); msg != "" {
			// The store would refuse it too, but as its own field: say it
			// here, at the filter's field.
			bad(&v.Child, "Child's reference "+msg)
		} else if utf8.RuneCountInString(v.Child.Value) > lifeguard.MaxChildRef {
			bad(&v.Child, "Child's reference must be at most "+strconv.Itoa(lifeguard.MaxChildRef)+" characters")
		} else {
			id, err := wb.childByRef(r, v.Child.Value)
			if err != nil {
				return err
			}
			if id == 0 {
				bad(&v.Child, "Child's reference is not one of your organisation's children; check it and try again")
			}
			f.ChildID = id
		}
	}
	v.Filtered = v.Status.Value != "open" || f.Type != "" || f.ChildID != 0 || v.Mine
	mine := v
	mine.Mine = true
	v.MineURL = wb.inboxURL(mine, "")
	mine.Mine = false
	v.AllURL = wb.inboxURL(mine, "")
	if f.Cursor == "" {
		if v.Reminders, err = wb.reminders(r); err != nil {
			return err
		}
		if v.AccessDue, err = wb.accessReminders(r); err != nil {
			return err
		}
		asks, err := wb.partnershipAsks(r)
		if err != nil {
			return err
		}
		for _, a := range asks {
			if a.Asked {
				v.Asked = append(v.Asked, a)
			}
		}
	}
	title := "Inbox"
	if len(problems) == 0 {
		page, err := wb.cfg.Stores.Concerns.ListConcerns(r.Context(), f)
		if lifeguard.ErrorCode(err) == lifeguard.EINVALID {
			// Only the cursor can be wrong here: the rest was checked.
			problems = append(problems, lifeguard.Problem{Path: "",
				Problem: "That page of the inbox is no longer there. Start again from the first page."})
			v.First = wb.inboxURL(v, "")
		} else if err != nil {
			return err
		} else {
			v.Items = make([]inboxItem, len(page.Concerns))
			for i := range page.Concerns {
				v.Items[i] = wb.inboxItem(&page.Concerns[i], me.ID)
				if v.Items[i].IsNew {
					v.New++
				}
			}
			if page.Next != "" {
				v.Next = wb.inboxURL(v, page.Next)
			}
			if f.Cursor != "" {
				v.First = wb.inboxURL(v, "")
			}
		}
		if v.New > 0 {
			title += " (" + strconv.Itoa(v.New) + " new)"
		}
	}
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusUnprocessableEntity
		title = "Inbox: there is a problem"
	}
	p := page{Title: title, Nav: "inbox", Data: v, Problem: problems}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "inbox.html", p)
}

func (wb *Web) inboxItem(s *lifeguard.ConcernSummary, me int64) inboxItem {
	it := inboxItem{ID: s.ID, URL: concernURL(s.ID), Types: strings.Join(typeWords(s.ConcernTypes), "; "),
		ChildRef: s.ChildRef, Status: s.Status.Label(), IsNew: s.Status == lifeguard.StatusNew,
		NotOpened: s.FirstOpenedAt == nil && s.Status != lifeguard.StatusClosed,
		Reported:  wb.showTime(s.ReportedAt), Overdue: s.Overdue, Now: s.Now, Routes: len(s.Routes)}
	if s.RiskLevel != "" {
		it.Risk, it.HighRisk = s.RiskLevel.Label(), s.RiskLevel == lifeguard.RiskHigh
	}
	if a := s.AssignedTo; a != nil {
		it.Assigned, it.Mine = assigneeName(a.Name, a.Deputy), a.UserID == me
	}
	if s.Due != nil {
		it.Due, it.DueISO = wb.showTime(*s.Due), s.Due.UTC().Format("2006-01-02T15:04:05Z")
	}
	return it
}

// inboxURL is the address of a page of the inbox with the same filter.
func (wb *Web) inboxURL(v inboxView, cursor string) string {
	q := url.Values{}
	if v.Status.Value != "open" {
		q.Set("status", v.Status.Value)
	}
	if v.Type.Value != "" {
		q.Set("type", v.Type.Value)
	}
	if v.Child.Value != "" {
		q.Set("child", v.Child.Value)
	}
	if v.Mine {
		q.Set("assigned", "me")
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/inbox"
	}
	return "/inbox?" + q.Encode()
}

// childByRef finds the organisation's child with exactly this reference;
// 0 when there is none.
func (wb *Web) childByRef(r *http.Request, ref string) (int64, error) {
	found, err := wb.cfg.Stores.Children.FindChildren(r.Context(), ref)
	if err != nil {
		return 0, err
	}
	for _, c := range found {
		if c.Ref == ref {
			return c.ID, nil
		}
	}
	return 0, nil
}

// assigneeName is how a page names who a concern is assigned to.
func assigneeName(name string, deputy bool) string {
	if deputy {
		return name + " (deputy)"
	}
	return name
}
