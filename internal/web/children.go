package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The register of children: find a child of the organisation by typing part
// of a name, a year group or an identifier. The page works as a plain GET
// form; children.js makes the report form's search answer as one types,
// through childSearchJSON.

// foundChildItem is one child found, as a list shows it.
type foundChildItem struct {
	ID    int64  `json:"id"`
	Ref   string `json:"ref"`
	Name  string `json:"name"`
	Year  string `json:"year,omitempty"`
	Reg   string `json:"reg,omitempty"`
	Born  string `json:"born,omitempty"`
	Left  string `json:"left,omitempty"`
	URL   string `json:"url,omitempty"`
	Label string `json:"label"`
	Value string `json:"value"`
}

// foundItem describes c for a list: name, year group, date of birth and
// reference, and a link to the record for those who may read it.
func foundItem(u *lifeguard.User, c lifeguard.Child) foundChildItem {
	it := foundChildItem{ID: c.ID, Ref: c.Ref, Name: c.DisplayName(), Reg: c.RegGroup,
		Value: strconv.FormatInt(c.ID, 10) + " " + c.Ref}
	if c.YearGroup != "" {
		it.Year = yearLabel(c.YearGroup)
	}
	if c.DateOfBirth != nil {
		it.Born = showDate(*c.DateOfBirth)
	}
	if c.LeftOn != nil {
		it.Left = showDate(*c.LeftOn)
	}
	if may(u, lifeguard.OpReadChild, c.OrganisationID) {
		it.URL = "/children/" + strconv.FormatInt(c.ID, 10)
	}
	it.Label = childLabel(it)
	return it
}

// childLabel is the one line that names a found child in a choice:
// "Sasha Quill, Year 7, born Sat 1 Mar 2014 (C-000123)".
func childLabel(it foundChildItem) string {
	parts := []string{it.Name}
	if it.Year != "" {
		parts = append(parts, it.Year)
	}
	if it.Born != "" {
		parts = append(parts, "born "+it.Born)
	}
	s := strings.Join(parts, ", ")
	if it.Name != it.Ref {
		s += " (" + it.Ref + ")"
	}
	if it.Left != "" {
		s += ": left " + it.Left
	}
	return s
}

// yearLabel is a year group in words: "Year 7", "Reception", "Nursery 1".
func yearLabel(y string) string {
	switch y {
	case "R":
		return "Reception"
	case "N1":
		return "Nursery 1"
	case "N2":
		return "Nursery 2"
	}
	return "Year " + y
}

// childrenView is the register's search page.
type childrenView struct {
	Q         string
	Searched  bool
	Found     []foundChildItem
	Err       string
	CanImport bool
	Max       int
}

func (wb *Web) childrenPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireRuleFor(r, lifeguard.OpFindChild, "Your role does not see children's records."); err != nil {
		return err
	}
	u := fromRequest(r).user
	v := &childrenView{Q: r.URL.Query().Get("q"), CanImport: u.Role.Can(lifeguard.OpImportChildren),
		Max: maxChildSearch}
	status := http.StatusOK
	var problems []lifeguard.Problem
	if strings.TrimSpace(v.Q) != "" {
		found, err := wb.cfg.Stores.Children.SearchChildren(r.Context(), v.Q)
		switch {
		case lifeguard.ErrorCode(err) == lifeguard.EINVALID:
			status, v.Err = http.StatusUnprocessableEntity, searchProblem(err)
			problems = []lifeguard.Problem{{Path: "child-q", Problem: v.Err}}
		case err != nil:
			return err
		}
		v.Searched = true
		for _, c := range found {
			v.Found = append(v.Found, foundItem(u, c))
		}
	}
	p := page{Title: "Children", Nav: "children", Data: v, Problem: problems}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "children.html", p)
}

// maxChildSearch bounds what the search box takes, as the store does.
const maxChildSearch = 100

// searchProblem words the store's refusal of a search.
func searchProblem(err error) string {
	if le, ok := err.(*lifeguard.Error); ok && len(le.Problems) > 0 {
		return "The search " + le.Problems[0].Problem + "."
	}
	return "Search with part of a name, a year group (y7) or a reference."
}

// childSearchJSON answers the script of the report form and the register
// as one types: the children found, as JSON, with the label each is
// chosen by. It is a GET, like the register's search, and the server's
// log records the route, never the address with the words searched.
func (wb *Web) childSearchJSON(w http.ResponseWriter, r *http.Request) error {
	if err := requireRuleFor(r, lifeguard.OpFindChild, "Your role does not see children's records."); err != nil {
		return err
	}
	u := fromRequest(r).user
	found, err := wb.cfg.Stores.Children.SearchChildren(r.Context(), r.URL.Query().Get("q"))
	out := struct {
		Children []foundChildItem `json:"children"`
		Problem  string           `json:"problem,omitempty"`
	}{Children: []foundChildItem{}}
	switch {
	case lifeguard.ErrorCode(err) == lifeguard.EINVALID:
		out.Problem = searchProblem(err)
	case err != nil:
		return err
	}
	for _, c := range found {
		out.Children = append(out.Children, foundItem(u, c))
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	setPageHeaders(w)
	return json.NewEncoder(w).Encode(out)
}

// requireRuleFor is requireRule with the refusal's own words.
func requireRuleFor(r *http.Request, op lifeguard.Op, msg string) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.May(op).Covers(lifeguard.ReachOrganisation) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "%s", msg)
	}
	return nil
}
