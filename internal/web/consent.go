package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
)

// Parents' consents: a class's do-not-photograph list for every member of
// staff, printable; a class list on which the manager or DSL records the
// consents given or withdrawn, one submit for the class; a child's history.

// classValue names a class in a form: "reg:7A" or "year:7".
func classValue(g lifeguard.ConsentGroup) string {
	switch {
	case g.RegGroup != "":
		return "reg:" + g.RegGroup
	case g.YearGroup != "":
		return "year:" + g.YearGroup
	}
	return ""
}

// classOf reads a class from a form or query value.
func classOf(v string) lifeguard.ConsentGroup {
	switch {
	case strings.HasPrefix(v, "reg:"):
		return lifeguard.ConsentGroup{RegGroup: strings.TrimPrefix(v, "reg:")}
	case strings.HasPrefix(v, "year:"):
		return lifeguard.ConsentGroup{YearGroup: strings.TrimPrefix(v, "year:")}
	}
	return lifeguard.ConsentGroup{}
}

func className(g lifeguard.ConsentGroup) string {
	switch {
	case g.RegGroup != "":
		return g.RegGroup
	case g.YearGroup != "":
		return "Year " + g.YearGroup
	}
	return ""
}

type classChoice struct {
	Regs, Years []option
	Chosen      string
}

// classChoices lists the classes of the register for the chooser.
func (wb *Web) classChoices(r *http.Request, chosen string) (classChoice, error) {
	regs, years, err := wb.cfg.Stores.Consents.ConsentGroups(r.Context())
	if err != nil {
		return classChoice{}, err
	}
	c := classChoice{Chosen: chosen}
	for _, g := range regs {
		v := classValue(lifeguard.ConsentGroup{RegGroup: g})
		c.Regs = append(c.Regs, option{Value: v, Label: g, Selected: v == chosen})
	}
	for _, y := range years {
		v := classValue(lifeguard.ConsentGroup{YearGroup: y})
		c.Years = append(c.Years, option{Value: v, Label: "Year " + y, Selected: v == chosen})
	}
	return c, nil
}

type photoListView struct {
	Classes          classChoice
	Class, ClassName string
	Children         int
	Entries          []lifeguard.PhotoListEntry
	Record           bool // the user records consents: link to the class list
	RecordURL        string
	CSVURL           string
}

// consentsHome is the do-not-photograph list of the class chosen.
func (wb *Web) consentsHome(w http.ResponseWriter, r *http.Request) error {
	u := fromRequest(r).user
	if !may(u, lifeguard.OpReadPhotoList, u.OrganisationID) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only staff of an organisation see its do-not-photograph lists.")
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return errNoPage
	}
	v := photoListView{Class: q.Get("class"), Record: may(u, lifeguard.OpRecordConsents, u.OrganisationID)}
	if v.Classes, err = wb.classChoices(r, v.Class); err != nil {
		return err
	}
	if g := classOf(v.Class); v.Class != "" {
		pl, err := wb.cfg.Stores.Consents.PhotoList(r.Context(), g)
		if err != nil {
			return err
		}
		v.ClassName, v.Children, v.Entries = className(g), pl.Children, pl.Entries
		v.RecordURL = "/consents/record?class=" + url.QueryEscape(v.Class)
		v.CSVURL = "/consents/photo-list.csv?class=" + url.QueryEscape(v.Class)
	}
	title := "Photographs and consents"
	if v.ClassName != "" {
		title = "Do not photograph: " + v.ClassName
	}
	pg := page{Title: title, Nav: "consents", Data: &v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		pg.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "consents.html", pg)
}

// photoListCSV downloads a class's do-not-photograph list.
func (wb *Web) photoListCSV(w http.ResponseWriter, r *http.Request) error {
	pl, err := wb.cfg.Stores.Consents.PhotoList(r.Context(), classOf(r.URL.Query().Get("class")))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.PhotoList(&buf, pl); err != nil {
		return err
	}
	download(w, export.ContentType, "do-not-photograph.csv", buf.Bytes())
	return nil
}

// consentsCSV downloads every consent record of the organisation.
func (wb *Web) consentsCSV(w http.ResponseWriter, r *http.Request) error {
	list, err := wb.cfg.Stores.Consents.Consents(r.Context(), 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.Consents(&buf, list); err != nil {
		return err
	}
	download(w, export.ContentType, "consents.csv", buf.Bytes())
	return nil
}

// consentCell is one child's choice for one kind on the class list.
type consentCell struct {
	Name, ID, Kind, Label, State, Chosen string
}

type consentRow struct {
	ChildID  int64
	Name     string
	Class    string
	Cells    []consentCell
	ChildURL string
}

type consentRecordView struct {
	Classes          classChoice
	Class, ClassName string
	Kinds            []string
	Rows             []consentRow
	On               dslField
	Back             string // where the form returns to: the class or a child
	History          []consentHistory
	ChildName        string
}

type consentHistory struct {
	Kind, Given, Withdrawn string
}

var consentStateWords = map[lifeguard.ConsentState]string{
	lifeguard.ConsentNone: "Not recorded", lifeguard.ConsentGiven: "Given", lifeguard.ConsentWithdrawn: "Withdrawn",
}

// consentRows makes the class list's rows, each choice as typed when the
// form comes back with problems.
func consentRows(list []lifeguard.ChildConsents, typed url.Values) []consentRow {
	rows := make([]consentRow, 0, len(list))
	for _, c := range list {
		row := consentRow{ChildID: c.ChildID, Name: c.Name, Class: c.RegGroup,
			ChildURL: "/consents/children/" + strconv.FormatInt(c.ChildID, 10)}
		for _, k := range lifeguard.ConsentKinds() {
			name := "c-" + strconv.FormatInt(c.ChildID, 10) + "-" + string(k)
			row.Cells = append(row.Cells, consentCell{Name: name, ID: name, Kind: k.Label(), Label: k.Label() + ", " + c.Name,
				State: consentStateWords[c.States[k]], Chosen: typed.Get(name)})
		}
		rows = append(rows, row)
	}
	return rows
}

func (wb *Web) consentRecordPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showConsentRecord(w, r, http.StatusOK, nil, nil)
}

// showConsentRecord is the class list (or, on a child's page, the child's
// one row and history) with a choice per consent.
func (wb *Web) showConsentRecord(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem, typed url.Values) error {
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return errNoPage
	}
	v := consentRecordView{Class: q.Get("class"), On: dslField{ID: "consent-on", Name: "on", Value: wb.todayHere().String()}}
	if typed != nil {
		v.On.Value = typed.Get("on")
	}
	for _, k := range lifeguard.ConsentKinds() {
		v.Kinds = append(v.Kinds, k.Label())
	}
	title := "Record consents"
	child, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	switch {
	case child > 0:
		hist, err := wb.cfg.Stores.Consents.Consents(r.Context(), child)
		if err != nil {
			return err
		}
		for _, c := range hist {
			h := consentHistory{Kind: c.Kind.Label(), Given: showDate(c.GivenOn)}
			if c.WithdrawnOn != nil {
				h.Withdrawn = showDate(*c.WithdrawnOn)
			}
			v.History = append(v.History, h)
		}
		one, err := wb.cfg.Stores.Consents.ConsentList(r.Context(), lifeguard.ConsentGroup{ChildID: child})
		if err != nil {
			return err
		}
		if len(one) == 1 {
			v.Rows = consentRows(one, typed)
			v.ChildName = one[0].Name
		}
		switch {
		case v.ChildName == "" && len(hist) == 0:
			return errNoPage
		case v.ChildName == "":
			v.ChildName = "a child no longer on roll" // the history stays; nothing more is recorded
		}
		v.Back = "/consents/children/" + strconv.FormatInt(child, 10)
		title = "Consents: " + v.ChildName
	default:
		if v.Classes, err = wb.classChoices(r, v.Class); err != nil {
			return err
		}
		if g := classOf(v.Class); v.Class != "" {
			list, err := wb.cfg.Stores.Consents.ConsentList(r.Context(), g)
			if err != nil {
				return err
			}
			v.ClassName, v.Rows = className(g), consentRows(list, typed)
			v.Back = "/consents/record?class=" + url.QueryEscape(v.Class)
			title = "Record consents: " + v.ClassName
		} else if u := fromRequest(r).user; !may(u, lifeguard.OpRecordConsents, u.OrganisationID) {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead records parents' consents.")
		}
	}
	for _, p := range problems {
		if p.Path == v.On.ID {
			v.On.Err = p.Problem
		}
	}
	pg := page{Title: title, Nav: "consents", Data: &v, Problem: problems}
	if len(problems) > 0 {
		pg.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		pg.Flash = fl.Message
	}
	return wb.render(w, r, status, "consents_record.html", pg)
}

// recordConsents records the choices of a class list, or a child's row.
func (wb *Web) recordConsents(w http.ResponseWriter, r *http.Request) error {
	return wb.post(w, r, func() (saved, error) {
		f := r.PostForm
		on, err := formDate(strings.TrimSpace(f.Get("on")), "consents[0].on", "The consents are not valid", "2026-09-01")
		if err != nil {
			return saved{}, err
		}
		var in []lifeguard.ConsentChange
		for name, vals := range f {
			rest, ok := strings.CutPrefix(name, "c-")
			if !ok || len(vals) != 1 || vals[0] == "" {
				continue
			}
			idText, kind, ok := strings.Cut(rest, "-")
			id, err := strconv.ParseInt(idText, 10, 64)
			if !ok || err != nil || id <= 0 || (vals[0] != "given" && vals[0] != "withdrawn") {
				return saved{}, lifeguard.Invalid("The consents are not valid", []lifeguard.Problem{{Path: "consents",
					Problem: "holds a choice that is not on the list"}})
			}
			in = append(in, lifeguard.ConsentChange{ChildID: id, Kind: lifeguard.ConsentKind(kind), Given: vals[0] == "given", On: on})
		}
		if len(in) > 0 && on.IsZero() {
			return saved{}, lifeguard.Invalid("The consents are not valid", []lifeguard.Problem{{Path: "consents[0].on",
				Problem: "is required: the date the parent gave or withdrew consent"}})
		}
		n, err := wb.cfg.Stores.Consents.RecordConsents(r.Context(), in)
		if err != nil {
			return saved{}, err
		}
		back := f.Get("back")
		if !strings.HasPrefix(back, "/consents/") {
			back = "/consents"
		}
		msg := strconv.Itoa(n) + " consents are recorded."
		if n == 1 {
			msg = "1 consent is recorded."
		}
		return saved{msg, back}, nil
	}, func(err error) error {
		problems, _ := fieldProblems(err, map[string]problemTarget{
			"consents[0].on": {"consent-on", "The date"}, "consents": {"consent-on", "The list"}})
		if back := r.PostForm.Get("back"); strings.HasPrefix(back, "/consents/") {
			if u, err := url.Parse(back); err == nil {
				r.URL.RawQuery = u.RawQuery
				if id, ok := strings.CutPrefix(u.Path, "/consents/children/"); ok {
					r.SetPathValue("id", id)
				}
			}
		}
		return wb.showConsentRecord(w, r, http.StatusUnprocessableEntity, problems, r.PostForm)
	})
}
