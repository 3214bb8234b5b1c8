package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// Each organisation's safeguarding and online-safety leads, part of the
// partnership's directory (issue 16 item 1): listed for the partnership on
// /directory/leads, kept by the organisation's manager (its own) or the
// partnership officer (any) on /directory/leads/{id}.

// leadFieldLabel is each input's label, which its problems are named by.
var leadFieldLabel = map[string]string{"kind": "Part", "name": "Name", "role": "Role", "email": "Work email", "phone": "Work phone"}

type leadsView struct {
	// Orgs have leads listed; Missing have none yet, listed apart so that
	// the page stays short on a phone.
	Orgs, Missing []leadsOrg
}

type leadsOrg struct {
	ID      int64
	Name    string
	Setting string
	Leads   []lifeguard.OrganisationLead
	CanKeep bool
}

type leadsFormView struct {
	Org   lifeguard.Organisation
	Rows  []leadRow
	Kinds []lifeguard.LeadKind
}

// leadRow is one lead of the form: blank rows let the user add leads.
type leadRow struct {
	N    int  // from 1, for labels
	Open bool // shown open: a lead with a problem, or the first blank one
	Lead lifeguard.Lead
	Errs map[string]string
}

// mayKeepLeads reports whether the signed-in user keeps org's leads, for
// the pages to offer the form; the store decides.
func mayKeepLeads(r *http.Request, o lifeguard.Organisation) bool {
	rc := fromRequest(r)
	if rc == nil {
		return false
	}
	u := rc.user
	near := lifeguard.ReachPartnership
	if u.OrganisationID == o.ID {
		near = lifeguard.ReachOrganisation
	}
	return u.PartnershipID == o.PartnershipID && u.Role.May(lifeguard.OpKeepLeads).Covers(near)
}

// leadsByOrganisation groups leads by organisation id.
func leadsByOrganisation(ls []lifeguard.OrganisationLead) map[int64][]lifeguard.OrganisationLead {
	out := map[int64][]lifeguard.OrganisationLead{}
	for _, l := range ls {
		out[l.OrganisationID] = append(out[l.OrganisationID], l)
	}
	return out
}

func (wb *Web) leadDirectory(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	leads, err := wb.cfg.Stores.Directory.PartnershipLeads(ctx)
	if err != nil {
		return err
	}
	orgs, err := wb.cfg.Stores.Orgs.Organisations(ctx)
	if err != nil {
		return err
	}
	by := leadsByOrganisation(leads)
	rc := fromRequest(r)
	own := rc.user.Role.May(lifeguard.OpReadLeads) == lifeguard.ReachOrganisation
	v := &leadsView{}
	for _, o := range orgs {
		if own && o.ID != rc.user.OrganisationID {
			continue
		}
		row := leadsOrg{ID: o.ID, Name: o.Name, Setting: o.Setting.Label(), Leads: by[o.ID], CanKeep: mayKeepLeads(r, o)}
		if len(row.Leads) == 0 {
			v.Missing = append(v.Missing, row)
		} else {
			v.Orgs = append(v.Orgs, row)
		}
	}
	p := page{Title: "Safeguarding and online-safety leads", Nav: "leads", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "lead_directory.html", p)
}

// leadsForm shows org's leads to change, with two blank rows to add more.
func (wb *Web) leadsForm(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	o, err := wb.cfg.Stores.Orgs.Organisation(r.Context(), id)
	if err != nil {
		return err
	}
	leads, err := wb.cfg.Stores.Directory.OrganisationLeads(r.Context(), id)
	if err != nil {
		return err
	}
	if !mayKeepLeads(r, *o) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the organisation's manager or the partnership officer keeps its safeguarding and online-safety leads.")
	}
	v := &leadsFormView{Org: *o, Kinds: lifeguard.LeadKinds()}
	for _, l := range leads {
		v.Rows = append(v.Rows, leadRow{Lead: l.Lead})
	}
	return wb.renderLeadsForm(w, r, http.StatusOK, v, nil)
}

func (wb *Web) renderLeadsForm(w http.ResponseWriter, r *http.Request, status int, v *leadsFormView, ps []lifeguard.Problem) error {
	for len(v.Rows) < lifeguard.MaxLeads && (len(v.Rows) < 2 || !blankLead(v.Rows[len(v.Rows)-1].Lead) || !blankLead(v.Rows[len(v.Rows)-2].Lead)) {
		v.Rows = append(v.Rows, leadRow{})
	}
	blank := false
	for i := range v.Rows {
		row := &v.Rows[i]
		row.N = i + 1
		row.Open = row.Errs != nil || (!blank && blankLead(row.Lead))
		blank = blank || blankLead(row.Lead)
	}
	return wb.render(w, r, status, "lead_form.html", page{Title: "Leads of " + v.Org.Name, Nav: "leads", Data: v, Problem: ps})
}

func blankLead(l lifeguard.Lead) bool {
	return l.Name == "" && l.Role == "" && l.Email == "" && l.Phone == ""
}

// saveLeads replaces org's leads with the rows filled in; a row left
// blank (whatever its part) is none.
func (wb *Web) saveLeads(w http.ResponseWriter, r *http.Request) error {
	var v *leadsFormView
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		o, err := wb.cfg.Stores.Orgs.Organisation(r.Context(), id)
		if err != nil {
			return saved{}, err
		}
		v = &leadsFormView{Org: *o, Kinds: lifeguard.LeadKinds()}
		n, err := strconv.Atoi(r.PostFormValue("rows"))
		if err != nil || n < 0 || n > lifeguard.MaxLeads {
			return saved{}, lifeguard.Invalid("The form is not valid", []lifeguard.Problem{{Path: "rows",
				Problem: fmt.Sprintf("must be a number of rows from 0 to %d", lifeguard.MaxLeads)}})
		}
		var leads []lifeguard.Lead
		for i := range n {
			get := func(f string) string { return strings.TrimSpace(r.PostFormValue(fmt.Sprintf("lead-%d-%s", i, f))) }
			l := lifeguard.Lead{Kind: lifeguard.LeadKind(get("kind")), Name: get("name"), Role: get("role"), Email: get("email"), Phone: get("phone")}
			v.Rows = append(v.Rows, leadRow{Lead: l})
			if !blankLead(l) {
				leads = append(leads, l)
			}
		}
		if _, err := wb.cfg.Stores.Directory.SetOrganisationLeads(r.Context(), id, leads); err != nil {
			return saved{}, err
		}
		return saved{fmt.Sprintf("Saved the leads of %s.", o.Name), "/directory/leads#org-" + strconv.FormatInt(id, 10)}, nil
	}, func(id int64, err error) error {
		if v == nil {
			return err
		}
		return wb.renderLeadsForm(w, r, http.StatusUnprocessableEntity, v, leadProblems(v, err))
	})
}

// leadProblems puts the store's problems (leads[i].field, i counting the
// leads sent) on the form's rows, each named by its row and label.
func leadProblems(v *leadsFormView, err error) []lifeguard.Problem {
	var sent []int // row of each lead sent
	for j, row := range v.Rows {
		if !blankLead(row.Lead) {
			sent = append(sent, j)
		}
	}
	var out []lifeguard.Problem
	le, ok := errors.AsType[*lifeguard.Error](err)
	if !ok {
		return nil
	}
	for _, p := range le.Problems {
		var i int
		var field string
		if _, serr := fmt.Sscanf(strings.Replace(p.Path, "].", "] ", 1), "leads[%d] %s", &i, &field); serr != nil || i < 0 || i >= len(sent) {
			out = append(out, p)
			continue
		}
		row := &v.Rows[sent[i]]
		if row.Errs == nil {
			row.Errs = map[string]string{}
		}
		row.Errs[field] = p.Problem
		out = append(out, lifeguard.Problem{Path: fmt.Sprintf("lead-%d-%s", sent[i], field),
			Problem: fmt.Sprintf("Lead %d, %s: %s", sent[i]+1, strings.ToLower(leadFieldLabel[field]), p.Problem)})
	}
	return out
}
