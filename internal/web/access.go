package web

import (
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// The pages ask the access rules of the lifeguard package (lifeguard.Op)
// what to show and which pages to open; the store decides again on every
// call, so these only spare a user a page they could not use.

// requireRule refuses a page whose operation the user's role may not do
// across their organisation (every such page today is a designated
// safeguarding lead's).
func requireRule(r *http.Request, op lifeguard.Op, what string) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.May(op).Covers(lifeguard.ReachOrganisation) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead can %s.", what)
	}
	return nil
}

// may reports whether user u may do op to a record of organisation org
// that u did not make.
func may(u *lifeguard.User, op lifeguard.Op, org int64) bool {
	a := lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: u.OrganisationID, PartnershipID: u.PartnershipID}
	return a.May(op).Covers(a.Near(0, org, 0))
}
