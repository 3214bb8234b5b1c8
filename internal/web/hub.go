package web

import "net/http"

// hubPage lists the pages of the signed-in user's role that the main
// navigation does not show itself (registers, directories, plans,
// policies), each with a line on what it holds; navigation.go says which.
func (wb *Web) hubPage(w http.ResponseWriter, r *http.Request) error {
	n := navigationFor(fromRequest(r).user.Role, hubNav)
	if n.Hub.Href == "" {
		return errNoPage
	}
	return wb.render(w, r, http.StatusOK, "hub.html", page{Title: n.Hub.Label, Nav: hubNav})
}
