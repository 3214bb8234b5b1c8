package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The organisation's number of children (under the user's settings): its
// manager gives how many children it serves, for the board report's
// concerns per 1,000 children by type of organisation (docs/report.md).
// The store checks who may (lifeguard.OpSetChildrenCount) and the number.

// childrenPage is the page's data.
type childrenPage struct {
	Org *lifeguard.Organisation
	// Typed is the number as typed, shown again when it was refused.
	Typed string
	Errs  map[string]string
}

func (wb *Web) childrenForm(w http.ResponseWriter, r *http.Request) error {
	o, err := wb.ownOrganisation(r)
	if err != nil {
		return err
	}
	data := &childrenPage{Org: o, Errs: map[string]string{}}
	if o.ChildrenCount != nil {
		data.Typed = strconv.FormatInt(*o.ChildrenCount, 10)
	}
	flash := ""
	if fl := wb.takePageFlash(w, r); fl != nil {
		flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "children_count.html", page{Title: "Number of children", Nav: "settings",
		Data: data, Flash: flash})
}

// ownOrganisation is the signed-in user's organisation, for a role that
// gives its number of children; EFORBIDDEN for the others, as the store
// would answer.
func (wb *Web) ownOrganisation(r *http.Request) (*lifeguard.Organisation, error) {
	u := fromRequest(r).user
	if !u.Role.Can(lifeguard.OpSetChildrenCount) {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the organisation's manager or an administrator gives its number of children.")
	}
	return wb.cfg.Stores.Orgs.Organisation(r.Context(), u.OrganisationID)
}

// saveChildren keeps the number typed; an empty box clears it.
func (wb *Web) saveChildren(w http.ResponseWriter, r *http.Request) error {
	var typed string
	return wb.post(w, r, func() (saved, error) {
		o, err := wb.ownOrganisation(r)
		if err != nil {
			return saved{}, err
		}
		typed = strings.TrimSpace(r.PostForm.Get("children_count"))
		var n *int64
		if typed != "" {
			v, err := strconv.ParseInt(strings.ReplaceAll(typed, ",", ""), 10, 64)
			if err != nil {
				return saved{}, lifeguard.Invalid("The organisation is not valid", []lifeguard.Problem{{
					Path: "children_count", Problem: "must be a whole number from 1 to 1,000,000, such as 420"}})
			}
			n = &v
		}
		if _, err := wb.cfg.Stores.Orgs.SetChildrenCount(r.Context(), o.ID, n); err != nil {
			return saved{}, err
		}
		msg := "The number of children is saved."
		if n == nil {
			msg = "The number of children is cleared."
		}
		return saved{msg, "/account/organisation"}, nil
	}, func(err error) error {
		o, oerr := wb.ownOrganisation(r)
		if oerr != nil {
			return oerr
		}
		data := &childrenPage{Org: o, Typed: typed, Errs: map[string]string{}}
		for _, p := range problemsOf(err) {
			data.Errs[p.Path] = p.Problem
		}
		return wb.render(w, r, http.StatusUnprocessableEntity, "children_count.html", page{Title: "Number of children",
			Nav: "settings", Data: data, Problem: problemsOf(err)})
	})
}
