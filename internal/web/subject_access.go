package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// A person's requests about their data (issue 19): the list of requests
// and the subject access pages. A DSL or an administrator records a
// request; the DSL reads the bundle, chooses what to redact and discloses
// it, printed (with page boxes like the chronology's) or as JSON. The
// store journals each read and each disclosure.

func requireDataRights(r *http.Request, op lifeguard.Op) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.Can(op) {
		if op == lifeguard.OpWorkDataRights {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's designated safeguarding lead reads the records and decides.")
		}
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead or an administrator deals with requests about a person's data.")
	}
	return nil
}

type accessRow struct {
	ID                       int64
	URL, Subject, Received   string
	Due, DueISO, Status      string
	Late, Soon, Extended     bool
	Requester, RequesterName string
}

type dataRequestRow struct {
	ID                          int64
	URL, What, Received, Status string
}

type dataRightsView struct {
	Access   []accessRow
	Requests []dataRequestRow
	Asks     []askRow // parts of partnership-wide requests (partnership_access.go)
}

// accessRowOf words a request for a list.
func (wb *Web) accessRowOf(s lifeguard.SubjectAccess) accessRow {
	today := wb.todayHere()
	soon := lifeguard.DateOf(today.In(time.UTC).AddDate(0, 0, lifeguard.AccessWarningDays))
	row := accessRow{ID: s.ID, URL: fmt.Sprintf("/subject-access/%d", s.ID), Received: showDate(s.ReceivedOn),
		Due: showDate(s.Due), DueISO: s.Due.String(), Status: "Open", Extended: s.Extended(),
		Requester: s.Requester.Label(), RequesterName: s.RequesterName}
	row.Subject = fmt.Sprintf("Child's record %d", s.ChildID)
	if s.Subject == lifeguard.SubjectStaff {
		row.Subject = fmt.Sprintf("Member of staff %d", s.UserID)
	}
	if s.Status == lifeguard.AccessDisclosed {
		row.Status = "Disclosed"
	} else {
		row.Late, row.Soon = s.Due.Before(today), !soon.Before(s.Due)
	}
	return row
}

func (wb *Web) dataRightsPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	ss, err := wb.cfg.Stores.Rights.SubjectAccesses(r.Context())
	if err != nil {
		return err
	}
	ds, err := wb.cfg.Stores.Rights.DataRequests(r.Context())
	if err != nil {
		return err
	}
	v := &dataRightsView{}
	if v.Asks, err = wb.partnershipAsks(r); err != nil {
		return err
	}
	for _, s := range ss {
		v.Access = append(v.Access, wb.accessRowOf(s))
	}
	for _, d := range ds {
		v.Requests = append(v.Requests, dataRequestRow{ID: d.ID, URL: fmt.Sprintf("/data-requests/%d", d.ID),
			What: dataRequestWhat(d), Received: showDate(d.ReceivedOn), Status: dataOutcomeLabel(d.Outcome)})
	}
	p := page{Title: "Requests about personal data", Nav: "rights", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "data_rights.html", p)
}

// The form that starts a subject access request.

type rightsChoice struct {
	Value, Label string
	Checked      bool
}

type sarForm struct {
	Subject                  string
	Q                        string
	Children                 []rightsChoice
	Staff                    []rightsChoice
	Searched, CanChild       bool
	Requesters, Checks       []rightsChoice
	RequesterName, Received  string
	VerifiedNote, MaxRefused string
	Errs                     map[string]string
}

func (wb *Web) accessFormView(r *http.Request, typed func(string) string) (*sarForm, error) {
	u := fromRequest(r).user
	v := &sarForm{Subject: typed("subject"), Q: strings.TrimSpace(typed("q")), RequesterName: typed("requester_name"),
		Received: typed("received_on"), VerifiedNote: typed("verified_note"), Errs: map[string]string{},
		CanChild: u.Role.May(lifeguard.OpReadChildIdentity).Covers(lifeguard.ReachOrganisation)}
	if v.Subject == "" {
		v.Subject = "child"
		if !v.CanChild {
			v.Subject = "staff"
		}
	}
	if v.Received == "" {
		v.Received = wb.todayHere().String()
	}
	for _, q := range lifeguard.Requesters() {
		v.Requesters = append(v.Requesters, rightsChoice{string(q), q.Label(), typed("requester") == string(q)})
	}
	for _, c := range lifeguard.IdentityChecks() {
		v.Checks = append(v.Checks, rightsChoice{string(c), c.Label(), typed("verified") == string(c)})
	}
	if v.Subject == "child" && v.Q != "" && v.CanChild {
		found, err := wb.cfg.Stores.Children.SearchChildren(r.Context(), v.Q)
		if err != nil && lifeguard.ErrorCode(err) != lifeguard.EINVALID {
			return nil, err
		}
		v.Searched = true
		for _, c := range found {
			id := strconv.FormatInt(c.ID, 10)
			label := c.DisplayName()
			if label != c.Ref {
				label += " (" + c.Ref + ")"
			}
			if c.YearGroup != "" {
				label += ", year " + c.YearGroup
			}
			v.Children = append(v.Children, rightsChoice{id, label, typed("child_id") == id})
		}
	}
	if v.Subject == "staff" {
		staff, err := wb.cfg.Stores.Rights.RequestStaff(r.Context())
		if err != nil {
			return nil, err
		}
		for _, s := range staff {
			id := strconv.FormatInt(s.ID, 10)
			v.Staff = append(v.Staff, rightsChoice{id, s.Name, typed("user_id") == id})
		}
	}
	return v, nil
}

func (wb *Web) subjectAccessNew(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	v, err := wb.accessFormView(r, r.URL.Query().Get)
	if err != nil {
		return err
	}
	return wb.render(w, r, http.StatusOK, "subject_access_new.html", page{Title: "Record a subject access request", Nav: "rights", Data: v})
}

func (wb *Web) subjectAccessCreate(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	return wb.post(w, r, func() (saved, error) {
		f := r.PostForm
		received, err := formDate(f.Get("received_on"), "received_on", "The subject access request is not valid", "2026-03-14")
		if err != nil {
			return saved{}, err
		}
		in := lifeguard.NewSubjectAccess{Subject: lifeguard.DataSubject(f.Get("subject")), Requester: lifeguard.Requester(f.Get("requester")),
			RequesterName: f.Get("requester_name"), ReceivedOn: received, Verified: lifeguard.IdentityCheck(f.Get("verified")),
			VerifiedNote: f.Get("verified_note")}
		in.ChildID, _ = strconv.ParseInt(f.Get("child_id"), 10, 64)
		in.UserID, _ = strconv.ParseInt(f.Get("user_id"), 10, 64)
		s, err := wb.cfg.Stores.Rights.StartSubjectAccess(r.Context(), in)
		if err != nil {
			return saved{}, err
		}
		return saved{"The request is recorded. It must be answered by " + showDate(s.Due) + ".",
			fmt.Sprintf("/subject-access/%d", s.ID)}, nil
	}, func(err error) error {
		v, verr := wb.accessFormView(r, r.PostForm.Get)
		if verr != nil {
			return verr
		}
		probs := problemsOf(err)
		for _, p := range probs {
			v.Errs[p.Path] = p.Problem
		}
		return wb.render(w, r, http.StatusUnprocessableEntity, "subject_access_new.html",
			page{Title: "Record a subject access request", Nav: "rights", Data: v, Problem: probs})
	})
}

// The request's page: its details and deadline and, for the DSL, the
// bundle with the names to redact.

type mentionChoice struct {
	Key, Name, Kind string
	KindLabel       string
	Items           int
	Redact, Chosen  bool
	Field           string
}

type bundleItemView struct {
	Section, Title, At, By, Text string
	Names                        []string
}

type sarView struct {
	Row                           accessRow
	Verified, VerifiedNote        string
	ExtendReason, DisclosedAt     string
	CanExtend, CanWork, Disclosed bool
	Person, Organisation          string
	Mentions                      []mentionChoice
	Items                         []bundleItemView
	Sections                      []sectionCount
	Errs                          map[string]string
	Reason                        string
}

type sectionCount struct {
	Label string
	Count int
}

// sectionLabels word the bundle's sections, in the bundle's order.
var sectionLabels = map[string]string{"identity": "Record in the register", "account": "Account", "concern": "Concerns",
	"version": "Earlier versions of the facts", "note": "Notes", "decision": "Decisions", "action": "Actions",
	"evidence": "Evidence", "referral": "Referrals", "message": "Referral messages", "chronology": "Chronology",
	"transfer": "Transfers of the file", "agreement": "Agreements", "consent": "Parents' consents",
	"training": "Training", "capture": "Monitoring captures"}

func sectionLabel(s string) string {
	if l, ok := sectionLabels[s]; ok {
		return l
	}
	return s
}

func (wb *Web) sarView(r *http.Request, id int64) (*sarView, *lifeguard.SubjectAccessBundle, error) {
	s, err := wb.cfg.Stores.Rights.SubjectAccess(r.Context(), id)
	if err != nil {
		return nil, nil, err
	}
	u := fromRequest(r).user
	v := &sarView{Row: wb.accessRowOf(*s), Verified: s.Verified.Label(), VerifiedNote: s.VerifiedNote,
		ExtendReason: s.ExtendReason, CanExtend: s.Status == lifeguard.AccessOpen && !s.Extended(),
		CanWork: u.Role.Can(lifeguard.OpWorkDataRights), Disclosed: s.Status == lifeguard.AccessDisclosed,
		Errs: map[string]string{}}
	if s.DisclosedAt != nil {
		v.DisclosedAt = wb.showTime(*s.DisclosedAt)
	}
	if !v.CanWork {
		return v, nil, nil
	}
	b, err := wb.cfg.Stores.Rights.SubjectAccessBundle(r.Context(), id, false)
	if err != nil {
		return nil, nil, err
	}
	v.Person, v.Organisation = b.Person, b.Organisation
	seen := map[string]int{}
	counts := map[string]int{}
	var order []string
	for _, it := range b.Items {
		iv := bundleItemView{Section: sectionLabel(it.Section), Title: it.Title, By: it.By, Text: it.Text}
		if it.At != nil {
			iv.At = wb.showTime(*it.At)
		}
		if counts[it.Section] == 0 {
			order = append(order, it.Section)
		}
		counts[it.Section]++
		for _, m := range it.Mentions {
			iv.Names = append(iv.Names, m.Name)
			if i, ok := seen[m.Key]; ok {
				v.Mentions[i].Items++
				continue
			}
			seen[m.Key] = len(v.Mentions)
			v.Mentions = append(v.Mentions, mentionChoice{Key: m.Key, Name: m.Name, Kind: m.Kind, KindLabel: kindLabel(m.Kind), Items: 1,
				Redact: m.Redacted(), Chosen: m.Redact != nil, Field: fmt.Sprintf("m%d", len(v.Mentions))})
		}
		v.Items = append(v.Items, iv)
	}
	for _, s := range order {
		v.Sections = append(v.Sections, sectionCount{sectionLabel(s), counts[s]})
	}
	return v, b, nil
}

func (wb *Web) subjectAccessPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	return wb.renderAccess(w, r, id, http.StatusOK, nil, "")
}

func (wb *Web) renderAccess(w http.ResponseWriter, r *http.Request, id int64, status int, probs []lifeguard.Problem, reason string) error {
	v, _, err := wb.sarView(r, id)
	if err != nil {
		return err
	}
	for _, p := range probs {
		v.Errs[p.Path] = p.Problem
	}
	v.Reason = reason
	w.Header().Set("Cache-Control", "no-store")
	p := page{Title: "Subject access request " + strconv.FormatInt(id, 10), Nav: "rights", Data: v, Problem: probs}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "subject_access.html", p)
}

// saveRedactions records the DSL's choice for each name: fields m0, m1…
// carry "redact" or "keep", k0, k1… the mention's key.
func (wb *Web) saveRedactions(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpWorkDataRights); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		var rs []lifeguard.Redaction
		for i := 0; i < lifeguard.MaxRedactions; i++ {
			key := r.PostForm.Get(fmt.Sprintf("k%d", i))
			if key == "" {
				break
			}
			switch r.PostForm.Get(fmt.Sprintf("m%d", i)) {
			case "redact":
				rs = append(rs, lifeguard.Redaction{Key: key, Redact: true})
			case "keep":
				rs = append(rs, lifeguard.Redaction{Key: key})
			}
		}
		if err := wb.cfg.Stores.Rights.SetRedactions(r.Context(), id, rs); err != nil {
			return saved{}, err
		}
		return saved{"Your choices are saved.", fmt.Sprintf("/subject-access/%d#names", id)}, nil
	}, nil)
}

func (wb *Web) extendSubjectAccess(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpStartDataRights); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		s, err := wb.cfg.Stores.Rights.ExtendSubjectAccess(r.Context(), id, r.PostForm.Get("reason"))
		if err != nil {
			return saved{}, err
		}
		return saved{"The deadline is extended to " + showDate(s.Due) + ". Tell the person why within the first month.",
			fmt.Sprintf("/subject-access/%d", id)}, nil
	}, func(id int64, err error) error {
		return wb.renderAccess(w, r, id, http.StatusUnprocessableEntity, problemsOf(err), r.PostForm.Get("reason"))
	})
}

// The disclosure: the bundle with the redactions applied, printed or as
// JSON. Each is journalled as a disclosure and marks the request answered.

type accessPrintView struct {
	Person, Organisation, Printed, Received, Due string
	Sections                                     []printSection
	CSSURL, BackURL                              string
}

type printSection struct {
	Label string
	Items []bundleItemView
}

func (wb *Web) subjectAccessPrint(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpWorkDataRights); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	b, err := wb.cfg.Stores.Rights.SubjectAccessBundle(r.Context(), id, true)
	if err != nil {
		return err
	}
	v := &accessPrintView{Person: b.Person, Organisation: b.Organisation, Printed: wb.showTime(wb.cfg.Now()),
		Received: showDate(b.Request.ReceivedOn), Due: showDate(b.Request.Due),
		CSSURL: fmt.Sprintf("/subject-access/%d/print.css", id), BackURL: fmt.Sprintf("/subject-access/%d", id)}
	var keys []string
	groups := map[string][]bundleItemView{}
	for _, it := range b.Items {
		iv := bundleItemView{Title: it.Title, By: it.By, Text: it.Text}
		if it.At != nil {
			iv.At = wb.showTime(*it.At)
		}
		if _, ok := groups[it.Section]; !ok {
			keys = append(keys, it.Section)
		}
		groups[it.Section] = append(groups[it.Section], iv)
	}
	for _, k := range keys {
		v.Sections = append(v.Sections, printSection{sectionLabel(k), groups[k]})
	}
	w.Header().Set("Cache-Control", "no-store")
	return wb.render(w, r, http.StatusOK, "subject_access_print.html", page{Title: "Records held about " + b.Person, Nav: "rights", Data: v})
}

// subjectAccessPrintCSS serves the page boxes of the printed bundle, as
// chronologyPrintCSS does the chronology's: the person's name comes from
// the request, so the sheet is the DSL's and never cached.
func (wb *Web) subjectAccessPrintCSS(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpWorkDataRights); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	s, err := wb.cfg.Stores.Rights.SubjectAccess(r.Context(), id)
	if err != nil {
		return err
	}
	setPageHeaders(w)
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err = fmt.Fprintf(w, `@page {
  size: A4;
  margin: 20mm 16mm 18mm 16mm;
  @top-left { content: %s; font: 700 9pt system-ui, sans-serif; vertical-align: bottom; padding-bottom: 3mm; }
  @bottom-left { content: %s; font: 9pt system-ui, sans-serif; vertical-align: top; padding-top: 3mm; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 9pt system-ui, sans-serif; vertical-align: top; padding-top: 3mm; }
}
`, cssString(fmt.Sprintf("Subject access request %d", s.ID)), cssString("Disclosed "+wb.showTime(wb.cfg.Now())+". Official-Sensitive."))
	return err
}

func (wb *Web) subjectAccessJSON(w http.ResponseWriter, r *http.Request) error {
	if err := requireDataRights(r, lifeguard.OpWorkDataRights); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	b, err := wb.cfg.Stores.Rights.SubjectAccessBundle(r.Context(), id, true)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="subject-access-%d.json"`, id))
	w.Header().Set("Cache-Control", "no-store")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// kindLabel words a mention's kind.
func kindLabel(k string) string {
	if k == "child" {
		return "Another child"
	}
	return "Member of staff"
}

// accessReminders lists the requests the inbox reminds the DSL of: open,
// and due within lifeguard.AccessWarningDays or past due.
func (wb *Web) accessReminders(r *http.Request) ([]accessRow, error) {
	ss, err := wb.cfg.Stores.Rights.SubjectAccessReminders(r.Context(), wb.todayHere())
	if err != nil {
		return nil, err
	}
	rows := make([]accessRow, len(ss))
	for i, s := range ss {
		rows[i] = wb.accessRowOf(s)
	}
	return rows, nil
}
