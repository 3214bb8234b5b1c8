package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The policy library's pages. /policies lists the organisation's policies
// and agreements and the partnership's model policies; a manager or DSL
// starts a policy there (a partnership officer, a model policy). A policy's
// page shows its versions, adds one, and adopts a model. The agreements
// page records a class's agreements from the register of children (a tick
// each) or a visitor's by name and date, and shows who has not agreed.

func policyURL(id int64) string { return "/policies/" + strconv.FormatInt(id, 10) }

type policyItem struct {
	URL, Title, Kind, Review, Version string
	Overdue                           bool
}

type policiesView struct {
	Own, Models      []policyItem
	Reminders        []policyReminderItem
	CanKeep, IsModel bool
	Kinds            []option
	New              struct{ Kind, Title, AgeGroup, Review dslField }
}

func (wb *Web) policyItems(list []lifeguard.Policy) []policyItem {
	today := wb.todayHere()
	var out []policyItem
	for _, p := range list {
		it := policyItem{URL: policyURL(p.ID), Title: p.Title, Kind: p.Kind.Label(), Version: "no version yet"}
		if p.AgeGroup != "" {
			it.Kind += " (" + p.AgeGroup + ")"
		}
		if p.ReviewDue != nil {
			it.Review, it.Overdue = showDate(*p.ReviewDue), p.ReviewDue.Before(today)
		}
		if cur, ok := p.Current(); ok {
			it.Version = "version " + strconv.Itoa(cur.Number) + ", approved " + showDate(cur.ApprovedOn)
		}
		out = append(out, it)
	}
	return out
}

func (wb *Web) policiesHome(w http.ResponseWriter, r *http.Request) error {
	return wb.showPolicies(w, r, http.StatusOK, nil, nil)
}

func (wb *Web) showPolicies(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	typed func(v *policiesView)) error {
	u := fromRequest(r).user
	ctx := r.Context()
	v := policiesView{CanKeep: u.Role.Can(lifeguard.OpKeepPolicies),
		IsModel: u.Role.May(lifeguard.OpKeepPolicies) == lifeguard.ReachPartnership}
	if !u.Role.Can(lifeguard.OpReadPolicies) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "The policy library is for the people of an organisation and the partnership.")
	}
	own, err := wb.cfg.Stores.Policies.Policies(ctx, u.OrganisationID)
	if err != nil {
		return err
	}
	models, err := wb.cfg.Stores.Policies.Policies(ctx, 0)
	if err != nil {
		return err
	}
	v.Own, v.Models = wb.policyItems(own), wb.policyItems(models)
	if may(u, lifeguard.OpKeepPolicies, u.OrganisationID) && u.Role.May(lifeguard.OpKeepPolicies) == lifeguard.ReachOrganisation {
		rs, err := wb.cfg.Stores.Policies.PolicyReminders(ctx)
		if err != nil {
			return err
		}
		for _, x := range rs {
			v.Reminders = append(v.Reminders, policyReminderItem{Title: x.Title, URL: policyURL(x.PolicyID),
				Due: showDate(x.ReviewDue), Overdue: x.Kind == lifeguard.ReminderOverdue,
				DismissURL: "/policy-reminders/" + strconv.FormatInt(x.ID, 10) + "/dismiss"})
		}
	}
	for _, k := range lifeguard.PolicyKinds() {
		v.Kinds = append(v.Kinds, option{Value: string(k), Label: k.Label()})
	}
	v.New.Kind = dslField{ID: "policy-kind", Name: "kind"}
	v.New.Title = dslField{ID: "policy-title", Name: "title"}
	v.New.AgeGroup = dslField{ID: "policy-age-group", Name: "age_group"}
	v.New.Review = dslField{ID: "policy-review", Name: "review_due"}
	if typed != nil {
		typed(&v)
	}
	for i := range v.Kinds {
		v.Kinds[i].Selected = v.Kinds[i].Value == v.New.Kind.Value
	}
	for _, p := range problems {
		for _, f := range []*dslField{&v.New.Kind, &v.New.Title, &v.New.AgeGroup, &v.New.Review} {
			if p.Path == f.ID && f.Err == "" {
				f.Err = p.Problem
			}
		}
	}
	pg := page{Title: "Policies and agreements", Nav: "policies", Data: &v, Problem: problems}
	if len(problems) > 0 {
		pg.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		pg.Flash = fl.Message
	}
	return wb.render(w, r, status, "policies.html", pg)
}

// formOptionalDate reads an optional date field as a pointer.
func formOptionalDate(typed, field, message string) (*lifeguard.Date, error) {
	d, err := formDate(typed, field, message, "2027-09-01")
	if err != nil || d.IsZero() {
		return nil, err
	}
	return &d, nil
}

func (wb *Web) createPolicy(w http.ResponseWriter, r *http.Request) error {
	var kind, title, age, review string
	return wb.post(w, r, func() (saved, error) {
		kind, title = r.PostForm.Get("kind"), strings.TrimSpace(r.PostForm.Get("title"))
		age, review = strings.TrimSpace(r.PostForm.Get("age_group")), strings.TrimSpace(r.PostForm.Get("review_due"))
		due, err := formOptionalDate(review, "review_due", "The policy is not valid")
		if err != nil {
			return saved{}, err
		}
		p, err := wb.cfg.Stores.Policies.CreatePolicy(r.Context(), lifeguard.NewPolicy{Kind: lifeguard.PolicyKind(kind),
			Title: title, AgeGroup: age, ReviewDue: due})
		if err != nil {
			return saved{}, err
		}
		return saved{"The policy is started: add its first version.", policyURL(p.ID)}, nil
	}, func(err error) error {
		problems, _ := fieldProblems(err, map[string]problemTarget{"kind": {"policy-kind", "The kind"},
			"title": {"policy-title", "The title"}, "age_group": {"policy-age-group", "The age group"},
			"review_due": {"policy-review", "The review date"}})
		return wb.showPolicies(w, r, http.StatusUnprocessableEntity, problems, func(v *policiesView) {
			v.New.Kind.Value, v.New.Title.Value, v.New.AgeGroup.Value, v.New.Review.Value = kind, title, age, review
		})
	})
}

type versionItem struct {
	Number                           int
	Text, Link, ApprovedBy, Approved string
}

type versionForm struct {
	Text, Link, ApprovedBy, ApprovedOn, Review dslField
}

func newVersionForm(prefix string) versionForm {
	return versionForm{Text: dslField{ID: prefix + "-text", Name: "text"}, Link: dslField{ID: prefix + "-link", Name: "link"},
		ApprovedBy: dslField{ID: prefix + "-approved-by", Name: "approved_by"},
		ApprovedOn: dslField{ID: prefix + "-approved-on", Name: "approved_on"}, Review: dslField{ID: prefix + "-review", Name: "review_due"}}
}

func (f *versionForm) fields() []*dslField {
	return []*dslField{&f.Text, &f.Link, &f.ApprovedBy, &f.ApprovedOn, &f.Review}
}

type policyView struct {
	Item                                 policyItem
	URL, AgeGroup, Owner                 string
	Versions                             []versionItem
	CanKeep, CanAdopt, IsAgreement, Kept bool
	Version, Adopt                       versionForm
}

func (wb *Web) policyPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showPolicy(w, r, http.StatusOK, nil, nil)
}

func (wb *Web) showPolicy(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	typed func(v *policyView)) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	p, err := wb.cfg.Stores.Policies.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	v := policyView{Item: wb.policyItems([]lifeguard.Policy{*p})[0], URL: policyURL(p.ID), AgeGroup: p.AgeGroup,
		IsAgreement: p.Kind.IsAgreement() && p.OrganisationID != 0, Version: newVersionForm("version"),
		Adopt: newVersionForm("adopt")}
	if p.OrganisationID == 0 {
		v.Owner = "A model policy of the partnership"
		v.CanKeep = u.Role.May(lifeguard.OpKeepPolicies) == lifeguard.ReachPartnership
		v.CanAdopt = may(u, lifeguard.OpKeepPolicies, u.OrganisationID) && !v.CanKeep && len(p.Versions) > 0
	} else {
		v.CanKeep = may(u, lifeguard.OpKeepPolicies, p.OrganisationID)
	}
	for i := len(p.Versions) - 1; i >= 0; i-- {
		x := p.Versions[i]
		v.Versions = append(v.Versions, versionItem{Number: x.Number, Text: x.Text, Link: x.Link, ApprovedBy: x.ApprovedBy,
			Approved: showDate(x.ApprovedOn)})
	}
	v.Version.ApprovedOn.Value = wb.todayHere().String()
	v.Adopt.ApprovedOn.Value = v.Version.ApprovedOn.Value
	if typed != nil {
		typed(&v)
	}
	for _, pr := range problems {
		for _, f := range append(v.Version.fields(), v.Adopt.fields()...) {
			if pr.Path == f.ID && f.Err == "" {
				f.Err = pr.Problem
			}
		}
	}
	pg := page{Title: p.Title, Nav: "policies", Data: &v, Problem: problems}
	if len(problems) > 0 {
		pg.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		pg.Flash = fl.Message
	}
	return wb.render(w, r, status, "policy.html", pg)
}

// readVersionForm reads a version's fields from the posted form.
func readVersionForm(r *http.Request, f *versionForm) (lifeguard.NewPolicyVersion, error) {
	get := func(x *dslField) string { x.Value = strings.TrimSpace(r.PostForm.Get(x.Name)); return x.Value }
	in := lifeguard.NewPolicyVersion{Text: get(&f.Text), Link: get(&f.Link), ApprovedBy: get(&f.ApprovedBy)}
	on, err := formDate(get(&f.ApprovedOn), "approved_on", "The version is not valid", "2026-09-01")
	if err != nil {
		return in, err
	}
	in.ApprovedOn = on
	in.ReviewDue, err = formOptionalDate(get(&f.Review), "review_due", "The version is not valid")
	return in, err
}

func versionTargets(prefix string) map[string]problemTarget {
	return map[string]problemTarget{"text": {prefix + "-text", "The text"}, "link": {prefix + "-link", "The link"},
		"approved_by": {prefix + "-approved-by", "Who approved it"}, "approved_on": {prefix + "-approved-on", "The date it was approved"},
		"review_due": {prefix + "-review", "The review date"}}
}

func (wb *Web) addPolicyVersion(w http.ResponseWriter, r *http.Request) error {
	f := newVersionForm("version")
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		in, err := readVersionForm(r, &f)
		if err != nil {
			return saved{}, err
		}
		p, err := wb.cfg.Stores.Policies.AddPolicyVersion(r.Context(), id, in)
		if err != nil {
			return saved{}, err
		}
		msg := "Version " + strconv.Itoa(len(p.Versions)) + " is added."
		if p.Kind == lifeguard.AgreementStaff && p.OrganisationID != 0 {
			msg += " Staff will be asked to agree to it when they next open a page."
		}
		return saved{msg, policyURL(id)}, nil
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, versionTargets("version"))
		return wb.showPolicy(w, r, http.StatusUnprocessableEntity, problems, func(v *policyView) {
			for i, x := range f.fields() {
				v.Version.fields()[i].Value = x.Value
			}
		})
	})
}

func (wb *Web) adoptPolicy(w http.ResponseWriter, r *http.Request) error {
	f := newVersionForm("adopt")
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		in, err := readVersionForm(r, &f)
		if err != nil {
			return saved{}, err
		}
		p, err := wb.cfg.Stores.Policies.AdoptPolicy(r.Context(), id, in)
		if err != nil {
			return saved{}, err
		}
		return saved{"The model is adopted as your organisation's own: adapt it with a new version when you need to.", policyURL(p.ID)}, nil
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, versionTargets("adopt"))
		return wb.showPolicy(w, r, http.StatusUnprocessableEntity, problems, func(v *policyView) {
			for i, x := range f.fields() {
				v.Adopt.fields()[i].Value = x.Value
			}
		})
	})
}

type partyRow struct {
	ChildID          int64
	Name, Class, On  string
	Agreed, Selected bool
}

type agreementsView struct {
	URL, PolicyURL, Title, Class, Version string
	Classes                               []option
	Visitors, Whole, Children             bool
	Agreed, Missing                       []partyRow
	On, Name                              dslField
	ClassURL                              string
}

func (wb *Web) agreementsPage(w http.ResponseWriter, r *http.Request) error {
	return wb.showAgreements(w, r, http.StatusOK, nil, nil)
}

// showAgreements is the agreement's record: for a pupils' or parents'
// agreement, a class chosen from the register with a tick for each child
// (the whole organisation's list for its manager and DSL); for visitors,
// who has agreed and a form to add one; for staff, who has not agreed.
func (wb *Web) showAgreements(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	typed func(v *agreementsView)) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return errNoPage
	}
	class := strings.TrimSpace(q.Get("class"))
	p, err := wb.cfg.Stores.Policies.Policy(r.Context(), id)
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	v := agreementsView{URL: policyURL(id) + "/agreements", PolicyURL: policyURL(id), Title: p.Title, Class: class,
		Visitors: p.Kind == lifeguard.AgreementVisitors, Children: p.Kind == lifeguard.AgreementPupils || p.Kind == lifeguard.AgreementParents,
		Whole: may(u, lifeguard.OpReadAgreements, p.OrganisationID),
		On:    dslField{ID: "agreed-on", Name: "agreed_on", Value: wb.todayHere().String()}, Name: dslField{ID: "visitor-name", Name: "name"}}
	// The classes come from the whole list for those who may read it, and
	// from the register's groups otherwise.
	var st *lifeguard.AgreementStatus
	if v.Whole || class != "" {
		st, err = wb.cfg.Stores.Policies.AgreementStatus(r.Context(), id, class)
		if err != nil {
			return err
		}
	}
	if v.Children {
		groups, err := wb.classes(r, id, st, class)
		if err != nil {
			return err
		}
		for _, g := range groups {
			v.Classes = append(v.Classes, option{Value: g, Label: g, Selected: g == class})
		}
	}
	if st != nil {
		if st.Version != nil {
			v.Version = "version " + strconv.Itoa(st.Version.Number)
		}
		for _, x := range st.Agreed {
			v.Agreed = append(v.Agreed, partyRow{ChildID: x.ChildID, Name: x.Name, Class: x.RegGroup, On: showDate(*x.AgreedOn), Agreed: true})
		}
		for _, x := range st.Missing {
			v.Missing = append(v.Missing, partyRow{ChildID: x.ChildID, Name: x.Name, Class: x.RegGroup})
		}
	}
	if typed != nil {
		typed(&v)
	}
	for _, pr := range problems {
		for _, f := range []*dslField{&v.On, &v.Name} {
			if pr.Path == f.ID && f.Err == "" {
				f.Err = pr.Problem
			}
		}
	}
	pg := page{Title: "Who has agreed: " + p.Title, Nav: "policies", Data: &v, Problem: problems}
	if len(problems) > 0 {
		pg.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		pg.Flash = fl.Message
	}
	return wb.render(w, r, status, "agreements.html", pg)
}

// classes lists the registration groups to choose from: those of the
// whole list when it was read, else the register's own (read as one class
// list per group would be too much: the organisation's on-roll children
// are read once, as the manager or DSL, or through the class chosen).
func (wb *Web) classes(r *http.Request, policyID int64, st *lifeguard.AgreementStatus, class string) ([]string, error) {
	seen := map[string]bool{}
	if st != nil && class == "" {
		for _, x := range append(append([]lifeguard.AgreementParty{}, st.Agreed...), st.Missing...) {
			if x.RegGroup != "" {
				seen[x.RegGroup] = true
			}
		}
	} else {
		groups, err := wb.cfg.Stores.Policies.RegGroups(r.Context())
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			seen[g] = true
		}
	}
	out := make([]string, 0, len(seen))
	for g := range seen {
		out = append(out, g)
	}
	sort.Strings(out)
	return out, nil
}

// recordAgreements records the ticked children of a class, or a visitor.
func (wb *Web) recordAgreements(w http.ResponseWriter, r *http.Request) error {
	var on, name, class string
	var ticked map[int64]bool
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		on, name, class = strings.TrimSpace(r.PostForm.Get("agreed_on")), strings.TrimSpace(r.PostForm.Get("name")), r.PostForm.Get("class")
		d, err := formDate(on, "agreements[0].agreed_on", "The agreements are not valid", "2026-09-01")
		if err != nil {
			return saved{}, err
		}
		var in []lifeguard.AgreementInput
		ticked = map[int64]bool{}
		for _, s := range r.PostForm["child"] {
			cid, err := strconv.ParseInt(s, 10, 64)
			if err != nil || cid <= 0 {
				return saved{}, lifeguard.Invalid("The agreements are not valid", []lifeguard.Problem{{Path: "agreements",
					Problem: "holds a child that is not on the list"}})
			}
			ticked[cid] = true
			in = append(in, lifeguard.AgreementInput{ChildID: cid, AgreedOn: d})
		}
		if name != "" || len(in) == 0 && r.PostForm.Has("name") {
			in = append(in, lifeguard.AgreementInput{Name: name, AgreedOn: d})
		}
		n, err := wb.cfg.Stores.Policies.RecordAgreements(r.Context(), id, in)
		if err != nil {
			return saved{}, err
		}
		to := policyURL(id) + "/agreements"
		if class != "" {
			to += "?class=" + url.QueryEscape(class)
		}
		msg := strconv.Itoa(n) + " agreements are recorded."
		if n == 1 {
			msg = "1 agreement is recorded."
		}
		return saved{msg, to}, nil
	}, func(id int64, err error) error {
		problems, _ := fieldProblems(err, map[string]problemTarget{
			"agreements[0].agreed_on": {"agreed-on", "The date they agreed"}, "agreements[0].name": {"visitor-name", "The visitor's name"},
			"agreements": {"agreed-on", "A child on the list"}})
		if r.URL.RawQuery == "" && class != "" {
			r.URL.RawQuery = "class=" + url.QueryEscape(class)
		}
		return wb.showAgreements(w, r, http.StatusUnprocessableEntity, problems, func(v *agreementsView) {
			v.On.Value, v.Name.Value = on, name
			for i := range v.Missing {
				v.Missing[i].Selected = ticked[v.Missing[i].ChildID]
			}
		})
	})
}

type policyReminderItem struct {
	Title, URL, Due, DismissURL string
	Overdue                     bool
}

// dismissPolicyReminder dismisses a reminder of a policy review.
func (wb *Web) dismissPolicyReminder(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		return saved{"The reminder is dismissed.", "/policies"}, wb.cfg.Stores.Policies.DismissPolicyReminder(r.Context(), id)
	}, nil)
}
