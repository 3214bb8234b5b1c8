package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

type contextT = context.Context

// me describes the signed-in user and their organisation.
func (a *API) me(w http.ResponseWriter, r *http.Request) error {
	act, err := actor(r.Context())
	if err != nil {
		return err
	}
	u, err := a.Orgs.User(r.Context(), act.UserID)
	if err != nil {
		return err
	}
	org, err := a.Orgs.Organisation(r.Context(), u.OrganisationID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		User         *lifeguard.User         `json:"user"`
		Organisation *lifeguard.Organisation `json:"organisation"`
	}{u, org})
	return nil
}

func (a *API) findChildren(w http.ResponseWriter, r *http.Request) error {
	q, err := query(r.URL, "ref", "q")
	if err != nil {
		return err
	}
	ref, words := strings.TrimSpace(q.Get("ref")), strings.TrimSpace(q.Get("q"))
	var children []lifeguard.Child
	switch {
	case ref != "" && words != "":
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "q", Problem: "give q or ref, not both"}})
	case words != "":
		children, err = a.Children.SearchChildren(r.Context(), words)
	case ref != "":
		children, err = a.Children.FindChildren(r.Context(), ref)
	default:
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "q",
			Problem: "is required: words of the child's name, year group (y7) or an identifier; or ref, the start of the reference"}})
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Children []lifeguard.Child `json:"children"`
	}{nonNil(children)})
	return nil
}

func (a *API) getChild(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	c, err := a.Children.Child(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (a *API) chronology(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	entries, err := a.Children.Chronology(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		ChildID int64                       `json:"child_id"`
		Entries []lifeguard.ChronologyEntry `json:"entries"`
	}{id, nonNil(entries)})
	return nil
}

func (a *API) organisations(w http.ResponseWriter, r *http.Request) error {
	orgs, err := a.Orgs.Organisations(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Organisations []lifeguard.Organisation `json:"organisations"`
	}{nonNil(orgs)})
	return nil
}

func (a *API) users(w http.ResponseWriter, r *http.Request) error {
	users, err := a.Orgs.Users(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct {
		Users []lifeguard.User `json:"users"`
	}{nonNil(users)})
	return nil
}

type newUser struct {
	Email          string         `json:"email"`
	Name           string         `json:"name"`
	Role           lifeguard.Role `json:"role"`
	OrganisationID int64          `json:"organisation_id"`
	Deputy         bool           `json:"deputy"`
	Password       string         `json:"password"`
}

// createUser adds a user; the store allows it for administrators only. The
// password is checked and hashed here and never stored or logged as given.
func (a *API) createUser(w http.ResponseWriter, r *http.Request) error {
	act, err := actor(r.Context())
	if err != nil {
		return err
	}
	if !act.Can(lifeguard.OpAdminister) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator adds users.")
	}
	var in newUser
	if err := decodeInto(w, r, &in); err != nil {
		return err
	}
	if problems := a.CheckPassword(in.Password); len(problems) > 0 {
		return lifeguard.Invalid("invalid user", problems)
	}
	hash, err := a.HashPassword(in.Password)
	if err != nil {
		return err
	}
	u, err := a.Orgs.CreateUser(r.Context(), lifeguard.NewUser{Email: in.Email, Name: in.Name, Role: in.Role,
		OrganisationID: in.OrganisationID, Deputy: in.Deputy, PasswordHash: hash})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
