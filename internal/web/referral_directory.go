package web

import (
	"net/http"
	"strconv"

	"github.com/lifeguard-scp/lifeguard"
)

// The partnership's directory of referrals: which organisation receives
// each route that goes to another agency. The partnership officer (or an
// administrator) keeps it here; the rest of the local procedure (contacts,
// hours, titles) is kept on the local procedure's pages
// (procedure_directory.go).

type directoryView struct {
	Rows []directoryRow
}

type directoryRow struct {
	Code, Title, Agency string
	Receiver            string
	// Leads are the receiving organisation's safeguarding and
	// online-safety leads.
	Leads   []lifeguard.OrganisationLead
	Choices []orgChoice
}

type orgChoice struct {
	ID       int64
	Name     string
	Selected bool
}

func (wb *Web) referralDirectory(w http.ResponseWriter, r *http.Request) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.Can(lifeguard.OpKeepDirectory) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the partnership officer or an administrator keeps the directory of referrals.")
	}
	dir, err := wb.cfg.Stores.Referrals.ReferralDirectory(r.Context())
	if err != nil {
		return err
	}
	orgs, err := wb.cfg.Stores.Orgs.Organisations(r.Context())
	if err != nil {
		return err
	}
	leads, err := wb.cfg.Stores.Directory.PartnershipLeads(r.Context())
	if err != nil {
		return err
	}
	by := leadsByOrganisation(leads)
	v := &directoryView{}
	for _, code := range lifeguard.ReferralRoutes() {
		agency, _ := lifeguard.ReferralAgencyOf(code)
		row := directoryRow{Code: string(code), Title: lifeguard.ReferralLabel(code), Agency: agency.Label()}
		var at int64
		for _, d := range dir {
			if d.Route == code {
				at, row.Receiver, row.Leads = d.OrganisationID, d.Organisation, by[d.OrganisationID]
			}
		}
		for _, o := range orgs {
			row.Choices = append(row.Choices, orgChoice{ID: o.ID, Name: o.Name, Selected: o.ID == at})
		}
		v.Rows = append(v.Rows, row)
	}
	p := page{Title: "Directory of referrals", Nav: "directory", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "referral_directory.html", p)
}

// setReferralReceiver names the organisation that receives one route, or
// nobody.
func (wb *Web) setReferralReceiver(w http.ResponseWriter, r *http.Request) error {
	return wb.post(w, r, func() (saved, error) {
		route := lifeguard.RouteCode(r.PostFormValue("route"))
		var org int64
		if typed := r.PostFormValue("organisation_id"); typed != "" {
			var err error
			if org, err = strconv.ParseInt(typed, 10, 64); err != nil || org < 0 {
				return saved{}, lifeguard.Invalid("The directory entry is not valid", []lifeguard.Problem{{
					Path: "organisation_id", Problem: "must be chosen from the list"}})
			}
		}
		if err := wb.cfg.Stores.Referrals.SetReferralReceiver(r.Context(), 0, route, org); err != nil {
			return saved{}, err
		}
		return saved{"Saved. New referrals of " + lifeguard.ReferralLabel(route) + " go where the directory says.",
			"/referrals/directory"}, nil
	}, nil)
}
