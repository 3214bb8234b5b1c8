package api

import (
	"net/http"

	"github.com/lifeguard-scp/lifeguard"
)

// owingAllowed are the endpoints a user who owes the staff agreement may
// still call: recording a concern (a worry about a child is never held up
// for want of a signature) and /me, which says who they are.
var owingAllowed = map[string]bool{"POST /api/v1/concerns": true, "GET /api/v1/me": true}

// owesAgreement refuses a signed-in user who owes their organisation's
// current staff agreement: they acknowledge it on the pages, which ask at
// the next sign-in; the API has no way round it.
func (a *API) owesAgreement(r *http.Request) error {
	if a.Policies == nil || lifeguard.ActorFrom(r.Context()) == nil || owingAllowed[r.Pattern] {
		return nil
	}
	p, err := a.Policies.StaffAgreementDue(r.Context())
	if err != nil || p == nil {
		return err
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN,
		"Your organisation has a new version of its staff agreement: sign in to Lifeguard's pages and agree to it first.")
}
