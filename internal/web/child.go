package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// childView is a child's record for the DSL: the reference, age and
// vulnerabilities, and the chronology across the child's concerns; with
// the form that sends the child's file to another organisation.
type childView struct {
	ID              int64
	URL             string
	Ref             string
	Name            string // the name, or "Child" and the reference
	Who             []factPair
	Age             string
	Vulnerabilities []string
	Since           string
	Entries         []chronologyItem
	Transfer        *transferForm
	// MergedInto links the record this one was merged into.
	MergedInto string
	Merges     []mergeItem
	Merge      *mergeForm
	PrintURL   string
	CSVURL     string
	// Holds are the legal holds on the file, for its DSL (holds.go).
	Holds *holdsView
}

// factPair is one line of who the child is.
type factPair struct{ Label, Value string }

// mergeItem is one merge into the record, for review.
type mergeItem struct {
	Ref, At, URL string
	Moved        string // "2 concerns and 1 transfer"
}

// mergeForm finds another record of the same child to merge into this
// one: a GET search on the child page, then a posted choice.
type mergeForm struct {
	Action     string
	Q          string
	Searched   bool
	Candidates []foundChildItem
	Err        string
}

type chronologyItem struct {
	At         string
	AtISO      string
	Kind       string
	Summary    string
	By         string
	ConcernID  int64
	ConcernURL string
}

type transferForm struct {
	Action string
	To     dslField
	Note   dslField
	// Q is the search for the receiving organisation: the page lists the
	// organisations whose name holds it, never all of a partnership's.
	Q        string
	Searched bool
	Orgs     []factChoice
	// Leads are the safeguarding and online-safety leads of each
	// organisation found, by its choice's value: whom to call about the
	// child.
	Leads map[string][]lifeguard.OrganisationLead
	// Due is the deadline a transfer sent now would have.
	Due string
	// Off says why there is no form, when there is none.
	Off string
}

func (wb *Web) childPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReadChild, "read a child's record"); err != nil {
		return err
	}
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	v, err := wb.childView(r, id)
	if err != nil {
		return err
	}
	p := page{Title: v.Name, Nav: "inbox", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "child.html", p)
}

func (wb *Web) childView(r *http.Request, id int64) (*childView, error) {
	ctx := r.Context()
	// One store call, one transaction: the record, chronology and merges.
	rec, err := wb.cfg.Stores.Children.ChildRecord(ctx, id)
	if err != nil {
		return nil, err
	}
	c, entries := rec.Child, rec.Chronology
	v := &childView{ID: c.ID, URL: "/children/" + strconv.FormatInt(c.ID, 10), Ref: c.Ref,
		Since: wb.showTime(c.CreatedAt)}
	v.PrintURL, v.CSVURL = v.URL+"/print", v.URL+"/chronology.csv"
	v.Name = c.DisplayName()
	if v.Name == c.Ref {
		v.Name = "Child " + c.Ref
	}
	add := func(label, value string) {
		if value != "" {
			v.Who = append(v.Who, factPair{label, value})
		}
	}
	add("Legal name", strings.TrimSpace(c.LegalForename+" "+c.LegalSurname))
	add("Preferred forename", c.PreferredForename)
	if c.YearGroup != "" {
		add("Year group", yearLabel(c.YearGroup))
	}
	add("Registration group", c.RegGroup)
	add("UPN", c.UPN)
	add("NHS number", c.NHSNumber)
	add("LA number", c.LANumber)
	if c.LeftOn != nil {
		add("Left", showDate(*c.LeftOn))
	}
	if c.MergedInto != nil {
		v.MergedInto = "/children/" + strconv.FormatInt(*c.MergedInto, 10)
	}
	today := wb.todayHere()
	switch {
	case c.DateOfBirth != nil:
		v.Age = strconv.Itoa(c.DateOfBirth.AgeOn(wb.cfg.Now().In(wb.zone()))) + " (born " + showDate(*c.DateOfBirth) + ")"
	case c.Age != nil && c.AgeAsOf != nil:
		v.Age = "About " + strconv.Itoa(*c.Age+yearsSince(*c.AgeAsOf, today)) + " (" + strconv.Itoa(*c.Age) +
			" on " + showDate(*c.AgeAsOf) + "; no date of birth recorded)"
	case c.Age != nil:
		v.Age = strconv.Itoa(*c.Age) + " when first recorded"
	default:
		v.Age = "Not recorded"
	}
	for _, x := range c.Vulnerabilities {
		v.Vulnerabilities = append(v.Vulnerabilities, x.Label())
	}
	proc, err := wb.procedureFor(r.Context())
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		it := chronologyItem{At: wb.showTime(e.At), AtISO: e.At.UTC().Format("2006-01-02T15:04:05Z"),
			Kind: lifeguard.ChronologyLabel(e.Kind), Summary: chronologySummary(proc, e), By: "Lifeguard"}
		if e.ActorID != 0 {
			it.By = e.ActorRole.Label()
		}
		if e.ConcernID != nil {
			it.ConcernID, it.ConcernURL = *e.ConcernID, concernURL(*e.ConcernID)
		}
		v.Entries = append(v.Entries, it)
	}
	v.Transfer, err = wb.transferForm(r, v.URL)
	if err != nil {
		return nil, err
	}
	if err := wb.mergeView(r, c, rec.Merges, v); err != nil {
		return nil, err
	}
	v.Holds, err = wb.holdsFor(ctx, fromRequest(r).user, c.OrganisationID, lifeguard.LegalHoldQuery{ChildID: c.ID}, v.URL)
	if err != nil {
		return nil, err
	}
	if c.OrganisationID != fromRequest(r).user.OrganisationID {
		// A file received by transfer lets the receiving DSL read the
		// sending organisation's record; only its own organisation sends
		// it on.
		v.Transfer.Off = "This record is held by the organisation that sent you the child's file. " +
			"To send the file on, open your own record of the child from Transfers."
	}
	return v, nil
}

// yearsSince counts the birthdays between two dates, for an age given
// without a date of birth.
func yearsSince(from, to lifeguard.Date) int {
	n := to.Year - from.Year
	if to.Month < from.Month || (to.Month == from.Month && to.Day < from.Day) {
		n--
	}
	return max(n, 0)
}

// transferForm is the form to send the child's file to another
// organisation of the partnership, with the deadline a transfer sent now
// would have: five school days.
func (wb *Web) transferForm(r *http.Request, childURL string) (*transferForm, error) {
	f := &transferForm{Action: childURL + "/transfers", To: dslField{ID: "transfer-to", Name: "to"},
		Note: dslField{ID: "transfer-note", Name: "note"}, Q: strings.TrimSpace(r.FormValue("to_q"))}
	f.Due = wb.showTime(wb.transferDue())
	if f.Q == "" {
		// The page reads no organisation until the DSL searches for one.
		return f, nil
	}
	f.Searched = true
	orgs, err := wb.cfg.Stores.Orgs.Organisations(r.Context())
	if err != nil {
		return nil, err
	}
	leads, err := wb.cfg.Stores.Directory.PartnershipLeads(r.Context())
	if err != nil {
		return nil, err
	}
	by := leadsByOrganisation(leads)
	f.Leads = map[string][]lifeguard.OrganisationLead{}
	mine, words := fromRequest(r).user.OrganisationID, strings.Fields(strings.ToLower(f.Q))
	for _, o := range orgs {
		if o.ID == mine || !allWords(strings.ToLower(o.Name), words) {
			continue
		}
		f.Orgs = append(f.Orgs, factChoice{Value: strconv.FormatInt(o.ID, 10), Label: o.Name})
		f.Leads[strconv.FormatInt(o.ID, 10)] = by[o.ID]
		if len(f.Orgs) == 20 {
			break
		}
	}
	return f, nil
}

// count is n and a noun, plural but for one.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// allWords reports whether s holds every word.
func allWords(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// mergeView adds the record's merges (ms, read with the record) and, for
// the DSL of its own organisation, the form to merge another record of the
// child into it.
func (wb *Web) mergeView(r *http.Request, c *lifeguard.Child, ms []lifeguard.ChildMerge, v *childView) error {
	u := fromRequest(r).user
	if c.OrganisationID != u.OrganisationID || c.MergedInto != nil {
		return nil
	}
	for _, m := range ms {
		v.Merges = append(v.Merges, mergeItem{Ref: m.MergedRef, At: wb.showTime(m.MergedAt),
			Moved: count(m.Concerns, "concern") + " and " + count(m.Transfers, "transfer"),
			URL:   "/children/" + strconv.FormatInt(m.MergedChildID, 10)})
	}
	if !may(u, lifeguard.OpMergeChildren, c.OrganisationID) {
		return nil
	}
	f := &mergeForm{Action: v.URL + "/merge", Q: strings.TrimSpace(r.FormValue("merge_q"))}
	v.Merge = f
	if f.Q == "" {
		return nil
	}
	f.Searched = true
	found, err := wb.cfg.Stores.Children.SearchChildren(r.Context(), f.Q)
	if lifeguard.ErrorCode(err) == lifeguard.EINVALID {
		f.Err = searchProblem(err)
		return nil
	}
	if err != nil {
		return err
	}
	for _, x := range found {
		if x.ID != c.ID {
			f.Candidates = append(f.Candidates, foundItem(u, x))
		}
	}
	return nil
}

// mergeChildren merges the record chosen into this one.
func (wb *Web) mergeChildren(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpMergeChildren, "merge records of a child"); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		other, perr := strconv.ParseInt(r.PostForm.Get("other"), 10, 64)
		if perr != nil || other <= 0 {
			return saved{}, lifeguard.Invalid("The merge is not valid", []lifeguard.Problem{{Path: "merge",
				Problem: "choose the other record of the same child"}})
		}
		if r.PostForm.Get("confirm") != "yes" {
			return saved{}, lifeguard.Invalid("The merge is not valid", []lifeguard.Problem{{Path: "merge-confirm",
				Problem: "tick the box to say you have checked that the two records are the same child"}})
		}
		m, err := wb.cfg.Stores.Children.MergeChildren(r.Context(), id, other)
		if err != nil {
			return saved{}, err
		}
		return saved{fmt.Sprintf("Record %s is merged into this one: %s and %s moved.", m.MergedRef,
			count(m.Concerns, "concern"), count(m.Transfers, "transfer")), "/children/" + strconv.FormatInt(id, 10)}, nil
	}, func(id int64, err error) error {
		v, verr := wb.childView(r, id)
		if verr != nil {
			return verr
		}
		problems, _ := fieldProblems(err, map[string]problemTarget{"merge": {"merge-q", "Record"},
			"merge-confirm": {"merge-confirm", "Confirm"}})
		return wb.render(w, r, http.StatusUnprocessableEntity, "child.html",
			page{Title: v.Name + ": there is a problem", Nav: "inbox", Data: v, Problem: problems})
	})
}

// sendTransfer sends the child's file to another organisation. The
// deadline is five school days from now, by the procedure's calendar.
func (wb *Web) sendTransfer(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpSendChild, "send a child's file"); err != nil {
		return err
	}
	var toText, note string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		toText, note = r.PostForm.Get("to"), strings.TrimSpace(r.PostForm.Get("note"))
		to, perr := strconv.ParseInt(toText, 10, 64)
		if perr != nil || to <= 0 {
			return saved{}, lifeguard.Invalid("The transfer is not valid", []lifeguard.Problem{{Path: "to_organisation_id",
				Problem: "must be chosen from the list"}})
		}
		t, err := wb.cfg.Stores.Transfers.SendTransfer(r.Context(), id, to, note, wb.transferDue())
		if err != nil {
			return saved{}, err
		}
		return saved{"The child's file is sent to " + t.ToOrgName +
			". Their safeguarding lead must accept it by " + wb.showTime(t.DueBy) + ".", "/transfers"}, nil
	}, func(id int64, err error) error {
		targets := map[string]problemTarget{
			"to_organisation_id": {"transfer-to", "Organisation"},
			"to":                 {"transfer-to", "Organisation"},
			"organisation_id":    {"transfer-to", "Organisation"},
			"note":               {"transfer-note", "Note"},
		}
		problems, errs := fieldProblems(err, targets)
		v, verr := wb.childView(r, id)
		if verr != nil {
			return verr
		}
		if f := v.Transfer; f != nil {
			f.To.Value, f.Note.Value = toText, note
			f.To.Err, f.Note.Err = errs[f.To.ID], errs[f.Note.ID]
		}
		return wb.render(w, r, http.StatusUnprocessableEntity, "child.html",
			page{Title: v.Name + ": there is a problem", Nav: "inbox", Data: v, Problem: problems})
	})
}

// transferDue is the deadline of a transfer sent now: five school days by
// the procedure's calendar. A server always has a procedure; without one
// (a test of other pages) a calendar week stands in.
func (wb *Web) transferDue() time.Time {
	now := wb.cfg.Now()
	if wb.cfg.Procedure == nil {
		return now.AddDate(0, 0, 7)
	}
	return wb.cfg.Procedure.Calendar().AddWorkingDays(now, 5)
}

// chronologySummary is the store's line for an entry, in words rather than
// codes: the concern types of a report, and the route of a decision by the
// title the partnership's procedure gives it.
func chronologySummary(p *procedure.Procedure, e lifeguard.ChronologyEntry) string {
	if e.Kind == lifeguard.ChronDecision {
		return decisionSummary(p, e.Summary)
	}
	if rest, ok := strings.CutPrefix(e.Summary, "Closed: "); ok && e.Kind == lifeguard.ChronClosed {
		code, summary, _ := strings.Cut(rest, ". ")
		return "Closed: " + lifeguard.OutcomeCode(code).Label() + ". " + summary
	}
	const prefix = "Concern reported: "
	codes, ok := strings.CutPrefix(e.Summary, prefix)
	if e.Kind != lifeguard.ChronReported || !ok {
		return e.Summary
	}
	var types []lifeguard.ConcernType
	for c := range strings.SplitSeq(codes, ", ") {
		types = append(types, lifeguard.ConcernType(c))
	}
	return prefix + strings.Join(typeWords(types), "; ")
}

// decisionSummary turns the store's "ROUTE decision …" into the route's
// title and the decision in words.
func decisionSummary(p *procedure.Procedure, s string) string {
	code, rest, ok := strings.Cut(s, " ")
	if !ok {
		return s
	}
	decision, tail, _ := strings.Cut(rest, " ")
	title := code
	if lifeguard.RouteCode(code) == lifeguard.ProposalRoute {
		title = "Proposed decision"
	} else if p != nil {
		if t, ok := p.RouteTitle(lifeguard.RouteCode(code)); ok {
			title = t
		}
	}
	kind := lifeguard.DecisionKind(strings.TrimRight(decision, ":"))
	words := kind.Label()
	if title == "Proposed decision" {
		words = map[lifeguard.DecisionKind]string{lifeguard.DecisionAccepted: "Confirmed", lifeguard.DecisionDeclined: "Rejected"}[kind]
		if words == "" {
			words = string(kind)
		}
	}
	if strings.HasSuffix(decision, ":") {
		words += ":"
	}
	if tail != "" {
		words += " " + tail
	}
	return title + ": " + words
}
