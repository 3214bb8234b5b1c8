package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// The partnership's directory (issue 16 items 1 and 6): the local
// procedure in force with its versions, and the organisations' leads, for
// an agency's own system. Changes go through the same code as the pages
// (internal/procedure's DirectoryEdit, ProposeEdit, ProposeDirectory and
// SaveDirectory): checked field by field, previewed against the spec's
// scenarios, saved only from the version previewed.

// maxDirectoryBody bounds a body carrying a directory file, which JSON
// escaping may make longer than the file.
const maxDirectoryBody = 2*lifeguard.MaxDirectoryDocument + 64<<10

func (a *API) directoryStore() (lifeguard.DirectoryStore, error) {
	if a.Directory == nil || a.Procedure == nil {
		return nil, lifeguard.Errorf(lifeguard.ENOTFOUND, "This server does not offer the partnership's directory through the API.")
	}
	return a.Directory, nil
}

// requireKeepDirectory refuses an actor who does not keep the directory,
// for the preview, which changes nothing in the store that could refuse it.
func requireKeepDirectory(r *http.Request) error {
	ac, err := actor(r.Context())
	if err != nil {
		return err
	}
	if !ac.IsSystem() && !ac.Role.Can(lifeguard.OpKeepDirectory) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the partnership officer or an administrator keeps the partnership's directory.")
	}
	return nil
}

// directoryRoute is one route of the procedure in force.
type directoryRoute struct {
	Code    lifeguard.RouteCode `json:"code"`
	Urgency lifeguard.Urgency   `json:"urgency"`
	// Title, Contact and Action are in force: the local ones, or the
	// baseline's where the directory sets none.
	Title   string  `json:"title"`
	Contact *string `json:"contact"`
	Action  string  `json:"action"`
	// Local is what the directory itself sets; empty keeps the baseline's.
	Local routeText `json:"local"`
}

type routeText struct {
	Title   string `json:"title"`
	Contact string `json:"contact"`
	Action  string `json:"action"`
}

// directoryBody is the directory in force.
type directoryBody struct {
	// Version is the newest saved version, 0 while none is: then the
	// server's own procedure file is in force.
	Version   int    `json:"version"`
	Procedure string `json:"procedure"`
	Name      string `json:"name"`
	// Close and EarlyHelpDays are as set; "" and 0 keep the baseline's.
	Close         string           `json:"close"`
	EarlyHelpDays int              `json:"early_help_days"`
	Routes        []directoryRoute `json:"routes"`
	Summary       string           `json:"summary"`
	SavedBy       string           `json:"saved_by"`
	SavedAt       *time.Time       `json:"saved_at"`
}

func (a *API) getDirectory(w http.ResponseWriter, r *http.Request) error {
	st, err := a.directoryStore()
	if err != nil {
		return err
	}
	ctx := r.Context()
	cur, err := st.CurrentDirectory(ctx, 0)
	if err != nil {
		return err
	}
	inForce := a.Procedure
	if cur.Version > 0 {
		if inForce, err = procedure.LoadDirectory(cur.Version, []byte(cur.Document)); err != nil {
			return err
		}
	}
	fields, err := inForce.DirectoryFields(a.Procedure.StartingFile(cur))
	if err != nil {
		return err
	}
	body := directoryBody{Version: cur.Version, Procedure: inForce.Ref().Name, Name: fields.Name, Close: fields.Close,
		EarlyHelpDays: fields.EarlyHelpDays, Routes: []directoryRoute{}, Summary: cur.Summary, SavedBy: cur.SavedBy}
	if cur.Version > 0 {
		at := cur.SavedAt
		body.SavedAt = &at
	}
	for _, rt := range inForce.RouteCodes() {
		t := fields.Routes[rt.Code]
		body.Routes = append(body.Routes, directoryRoute{Code: rt.Code, Urgency: rt.Urgency, Title: rt.Title, Contact: rt.Contact,
			Action: rt.Action, Local: routeText{Title: t.Title, Contact: t.Contact, Action: t.Action}})
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

func (a *API) directoryVersions(w http.ResponseWriter, r *http.Request) error {
	st, err := a.directoryStore()
	if err != nil {
		return err
	}
	vs, err := st.DirectoryVersions(r.Context(), 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Versions []lifeguard.DirectoryVersion `json:"versions"`
	}{nonNil(vs)})
	return nil
}

func (a *API) directoryVersion(w http.ResponseWriter, r *http.Request) error {
	st, err := a.directoryStore()
	if err != nil {
		return err
	}
	n, err := pathID(r, "n")
	if err != nil {
		return err
	}
	v, err := st.DirectoryVersionAt(r.Context(), 0, int(n))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// directoryChange is a change to preview: the fields the pages edit, or a
// whole local procedure file (document), after version base.
type directoryChange struct {
	Base          *int                 `json:"base"`
	Name          string               `json:"name"`
	Close         string               `json:"close"`
	EarlyHelpDays int                  `json:"early_help_days"`
	Routes        map[string]routeText `json:"routes"`
	Document      *string              `json:"document"`
}

// proposal is what a change does, to be saved with POST
// /directory/versions {base, document, summary}.
type proposal struct {
	Base     int              `json:"base"`
	Next     int              `json:"next"`
	Document string           `json:"document"`
	Changes  []scenarioChange `json:"changes"`
	Local    []string         `json:"local"`
}

type scenarioChange struct {
	ID     string        `json:"id"`
	Name   string        `json:"name"`
	Routes []routeChange `json:"routes"`
}

type routeChange struct {
	Code lifeguard.RouteCode `json:"code"`
	What []string            `json:"what"`
}

// apiRoutePath names a route's field in the API's problems.
func apiRoutePath(code lifeguard.RouteCode, field string) string {
	if field == "" {
		return "routes." + string(code)
	}
	return "routes." + string(code) + "." + field
}

func (a *API) previewDirectory(w http.ResponseWriter, r *http.Request) error {
	st, err := a.directoryStore()
	if err != nil {
		return err
	}
	if err := requireKeepDirectory(r); err != nil {
		return err
	}
	var in directoryChange
	if err := decodeIntoLimit(w, r, &in, maxDirectoryBody); err != nil {
		return err
	}
	cur, err := st.CurrentDirectory(r.Context(), 0)
	if err != nil {
		return err
	}
	switch {
	case in.Base == nil:
		return lifeguard.Invalid("The change is not valid", []lifeguard.Problem{{Path: "base",
			Problem: "is required: the version the change starts from (the directory's version, 0 while none is saved)"}})
	case *in.Base != cur.Version:
		return lifeguard.Errorf(lifeguard.ECONFLICT,
			"Version %d of the directory was saved after version %d, which the change starts from: read it and make the change again.", cur.Version, *in.Base)
	}
	var prop *procedure.DirectoryProposal
	if in.Document != nil {
		if in.Name != "" || in.Close != "" || in.EarlyHelpDays != 0 || in.Routes != nil {
			return lifeguard.Invalid("The change is not valid", []lifeguard.Problem{{Path: "document",
				Problem: "give a whole file or the fields to change, not both"}})
		}
		if len(*in.Document) > lifeguard.MaxDirectoryDocument {
			return lifeguard.Invalid("The change is not valid", []lifeguard.Problem{{Path: "document",
				Problem: "is larger than " + strconv.Itoa(lifeguard.MaxDirectoryDocument>>10) + " KB"}})
		}
		prop, err = a.Procedure.ProposeDirectory(r.Context(), cur, []byte(*in.Document))
	} else {
		edit := procedure.DirectoryEdit{Name: in.Name, Close: in.Close, EarlyHelpDays: in.EarlyHelpDays,
			Routes: map[lifeguard.RouteCode]procedure.RouteText{}}
		for code, t := range in.Routes {
			edit.Routes[lifeguard.RouteCode(code)] = procedure.RouteText{Title: t.Title, Contact: t.Contact, Action: t.Action}
		}
		prop, err = a.Procedure.ProposeEdit(r.Context(), cur, edit, apiRoutePath)
	}
	if ps := procedure.LoadProblems(err, "document"); ps != nil {
		return lifeguard.Invalid("The directory has problems", ps)
	}
	if err != nil {
		return err
	}
	out := proposal{Base: prop.Base, Next: prop.Next, Document: prop.Document, Changes: []scenarioChange{}, Local: nonNil(prop.Local)}
	for _, c := range prop.Changes {
		sc := scenarioChange{ID: c.ID, Name: c.Name, Routes: []routeChange{}}
		for _, rc := range c.Routes {
			sc.Routes = append(sc.Routes, routeChange{Code: rc.Code, What: nonNil(rc.What)})
		}
		out.Changes = append(out.Changes, sc)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (a *API) saveDirectory(w http.ResponseWriter, r *http.Request) error {
	st, err := a.directoryStore()
	if err != nil {
		return err
	}
	if err := requireKeepDirectory(r); err != nil {
		return err
	}
	var in struct {
		Base     *int   `json:"base"`
		Document string `json:"document"`
		Summary  string `json:"summary"`
	}
	if err := decodeIntoLimit(w, r, &in, maxDirectoryBody); err != nil {
		return err
	}
	if in.Base == nil {
		return lifeguard.Invalid("The directory version is not valid", []lifeguard.Problem{{Path: "base",
			Problem: "is required: the version the change starts from"}})
	}
	v, err := procedure.SaveDirectory(r.Context(), st, 0, *in.Base, in.Document, in.Summary)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, v)
	return nil
}

// Leads.

type leadsBody struct {
	Leads []lifeguard.OrganisationLead `json:"leads"`
}

func (a *API) partnershipLeads(w http.ResponseWriter, r *http.Request) error {
	st, err := a.directoryStore()
	if err != nil {
		return err
	}
	ls, err := st.PartnershipLeads(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, leadsBody{nonNil(ls)})
	return nil
}

func (a *API) organisationLeads(w http.ResponseWriter, r *http.Request) error {
	return readByID(a.directoryStore, func(st lifeguard.DirectoryStore, ctx context.Context, id int64) (leadsBody, error) {
		ls, err := st.OrganisationLeads(ctx, id)
		return leadsBody{nonNil(ls)}, err
	})(w, r)
}

type leadsInput struct {
	Leads *[]lifeguard.Lead `json:"leads"`
}

func (a *API) setOrganisationLeads(w http.ResponseWriter, r *http.Request) error {
	return changeByID(a.directoryStore, http.StatusOK, func(st lifeguard.DirectoryStore, ctx context.Context, id int64, in leadsInput) (leadsBody, error) {
		if in.Leads == nil {
			return leadsBody{}, lifeguard.Invalid("The leads are not valid", []lifeguard.Problem{{Path: "leads",
				Problem: "is required: the organisation's leads, [] for none"}})
		}
		ls, err := st.SetOrganisationLeads(ctx, id, *in.Leads)
		return leadsBody{nonNil(ls)}, err
	})(w, r)
}
