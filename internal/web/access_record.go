package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/export"
)

// The internet access record (issue 17, item 7): who has access to the
// organisation's internet and devices, each group with the DNS filter
// policy that covers it, and a group no filter covers flagged in words.

type accessItem struct {
	Name, Kind, Members, Devices, HowGiven, Agreement, Filter, EditURL string
	Unfiltered                                                         bool
}

type accessView struct {
	Groups         []accessItem
	Unfiltered     int
	FilterAttached bool
	CanKeep        bool
	Form           *regForm
}

func agreementOptions() []option {
	out := []option{{Value: "", Label: "None"}}
	for _, k := range lifeguard.PolicyKinds() {
		if k.IsAgreement() {
			out = append(out, option{Value: string(k), Label: k.Label()})
		}
	}
	return out
}

func accessKindOptions() []option {
	var out []option
	for _, k := range lifeguard.AccessGroupKinds() {
		out = append(out, option{Value: string(k), Label: k.Label()})
	}
	return out
}

// accessForm is the form of a group; the filter's group is a choice among
// the filter's groups when a filter is attached.
func accessForm(action, heading, button string, rec *lifeguard.AccessRecord) *regForm {
	f := &regForm{ID: "access", Action: action, Heading: heading, Button: button}
	filter := textField("access", "filter_group", "The DNS filter's group for its devices", 64)
	if rec.FilterAttached {
		opts := []option{}
		for _, g := range rec.FilterGroups {
			opts = append(opts, option{Value: g, Label: g})
		}
		filter.choose(opts).hint("Choose nothing for the filter's default group.")
	} else {
		filter.hint("No DNS filter is attached to your organisation yet; you may name its group now.")
	}
	agreement := textField("access", "agreement", "Agreement signed before access", 0).choose(agreementOptions())
	return f.add(
		textField("access", "name", "Group", lifeguard.MaxShortText).hint("For example Key stage 2 pupils, Guest Wi-Fi"),
		textField("access", "kind", "Who it is for", 0).choose(accessKindOptions()),
		textField("access", "members", "Who is in it", lifeguard.MaxAccessText).hint("For example Years 3 to 6"),
		textField("access", "count", "How many (optional)", 0).as("number"),
		textField("access", "devices", "Devices", lifeguard.MaxAccessText).hint("For example Class laptops, own phones on guest Wi-Fi"),
		textField("access", "how_given", "How access is given", lifeguard.MaxAccessText).
			hint("For example Own login made by the school, a daily guest code"),
		agreement,
		filter,
	)
}

func (wb *Web) accessPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showAccess(w, r, http.StatusOK, nil, nil)
}

func filterWords(g lifeguard.AccessGroup, attached bool) (string, bool) {
	switch {
	case !attached:
		return "No filter: no DNS filter is attached", true
	case g.Filter == nil && g.FilterGroup == "":
		return "No filter: the filter has no default group", true
	case g.Filter == nil:
		return "No filter: the filter has no group " + g.FilterGroup, true
	}
	s := "Group " + g.Filter.Group
	if g.Filter.Default {
		s += " (the filter's default)"
	}
	if len(g.Filter.Categories) > 0 {
		s += ", blocking " + strings.ReplaceAll(strings.Join(g.Filter.Categories, ", "), "_", " ")
	} else {
		s += ", blocking illegal content only"
	}
	return s, false
}

func (wb *Web) showAccess(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	form *regForm) error {
	u := fromRequest(r).user
	if err := mustReadRegisters(u); err != nil {
		return err
	}
	rec, err := wb.cfg.Stores.Prevention.AccessRecord(r.Context(), 0)
	if err != nil {
		return err
	}
	v := accessView{FilterAttached: rec.FilterAttached, CanKeep: canKeepRegisters(u)}
	for _, g := range rec.Groups {
		it := accessItem{Name: g.Name, Kind: g.Kind.Label(), Members: g.Members, Devices: g.Devices, HowGiven: g.HowGiven,
			Agreement: "None"}
		if g.Count > 0 {
			it.Members += " (" + strconv.Itoa(g.Count) + ")"
		}
		if g.Agreement != "" {
			it.Agreement = g.Agreement.Label()
		}
		it.Filter, it.Unfiltered = filterWords(g, rec.FilterAttached)
		if it.Unfiltered {
			v.Unfiltered++
		}
		if v.CanKeep {
			it.EditURL = "/internet-access/" + strconv.FormatInt(g.ID, 10)
		}
		v.Groups = append(v.Groups, it)
	}
	if v.CanKeep {
		v.Form = form
		if v.Form == nil {
			v.Form = accessForm("/internet-access", "Add a group", "Add the group", rec)
		}
		v.Form.selectChosen()
	}
	return wb.registerPage(w, r, status, "internet_access.html", "Internet access record", &v, problems)
}

func accessInput(f *regForm) (lifeguard.NewAccessGroup, error) {
	n, err := f.number("count", "The group is not valid")
	return lifeguard.NewAccessGroup{Name: f.value("name"), Kind: lifeguard.AccessGroupKind(f.value("kind")),
		Members: f.value("members"), Count: n, Devices: f.value("devices"), HowGiven: f.value("how_given"),
		Agreement: lifeguard.PolicyKind(f.value("agreement")), FilterGroup: f.value("filter_group")}, err
}

func (wb *Web) recordAccessGroup(w http.ResponseWriter, r *http.Request) error {
	rec, err := wb.cfg.Stores.Prevention.AccessRecord(r.Context(), 0)
	if err != nil {
		return err
	}
	f := accessForm("/internet-access", "Add a group", "Add the group", rec)
	return wb.post(w, r, func() (saved, error) {
		f.fill(r.PostForm)
		in, err := accessInput(f)
		if err != nil {
			return saved{}, err
		}
		g, err := wb.cfg.Stores.Prevention.RecordAccessGroup(r.Context(), in)
		if err != nil {
			return saved{}, err
		}
		return saved{"Added the group " + g.Name + ".", "/internet-access"}, nil
	}, func(err error) error {
		return wb.showAccess(w, r, http.StatusUnprocessableEntity, f.problems(err), f)
	})
}

func (wb *Web) accessGroupPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	if err := mustReadRegisters(u); err != nil {
		return err
	}
	rec, err := wb.cfg.Stores.Prevention.AccessRecord(r.Context(), 0)
	if err != nil {
		return err
	}
	var g *lifeguard.AccessGroup
	for i := range rec.Groups {
		if rec.Groups[i].ID == id {
			g = &rec.Groups[i]
		}
	}
	if g == nil {
		return errNoPage
	}
	if !canKeepRegisters(u) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only the organisation's manager or safeguarding lead keeps this register.")
	}
	f := accessForm(r.URL.Path, "Change the group", "Save changes", rec)
	for name, val := range map[string]string{"name": g.Name, "kind": string(g.Kind), "members": g.Members,
		"count": strconv.Itoa(g.Count), "devices": g.Devices, "how_given": g.HowGiven, "agreement": string(g.Agreement),
		"filter_group": g.FilterGroup} {
		f.field(name).set(val)
	}
	f.selectChosen()
	return wb.registerPage(w, r, http.StatusOK, "register_edit.html", "Change the group",
		&registerEditView{Form: f, BackURL: "/internet-access"}, nil)
}

func (wb *Web) editAccessGroup(w http.ResponseWriter, r *http.Request) error {
	rec, err := wb.cfg.Stores.Prevention.AccessRecord(r.Context(), 0)
	if err != nil {
		return err
	}
	f := accessForm(r.URL.Path, "Change the group", "Save changes", rec)
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		f.fill(r.PostForm)
		in, err := accessInput(f)
		if err != nil {
			return saved{}, err
		}
		if _, err := wb.cfg.Stores.Prevention.EditAccessGroup(r.Context(), id, in); err != nil {
			return saved{}, err
		}
		return saved{"Saved.", "/internet-access"}, nil
	}, func(id int64, err error) error {
		ps := f.problems(err)
		f.selectChosen()
		return wb.registerPage(w, r, http.StatusUnprocessableEntity, "register_edit.html", "Change the group",
			&registerEditView{Form: f, BackURL: "/internet-access"}, ps)
	})
}

func (wb *Web) accessCSV(w http.ResponseWriter, r *http.Request) error {
	rec, err := wb.cfg.Stores.Prevention.AccessRecord(r.Context(), 0)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := export.AccessRecord(&buf, rec); err != nil {
		return err
	}
	download(w, export.ContentType, "internet-access.csv", buf.Bytes())
	return nil
}
