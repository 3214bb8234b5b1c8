package sqlstore

import (
	"context"

	"github.com/lifeguard-scp/lifeguard"
)

// Access is decided here, from the actor in the context, and nowhere else, so
// that the rules can be read in one place and a handler cannot forget them.
// The rules follow the contract in the lifeguard package (store.go):
//
//   - no actor: EUNAUTHORIZED, always;
//   - the system actor passes every check;
//   - a concern is visible to a DSL of its organisation, and to the member of
//     staff or manager who reported it; to nobody else (ENOTFOUND, with the
//     same message as a concern that does not exist);
//   - working a concern (decisions, actions, closing, changing the facts) is
//     for its DSL; the reporter may only add notes and evidence (EFORBIDDEN
//     for the rest);
//   - a closed concern cannot change (ECONFLICT).

// Compile-time checks that DB is every store.
var (
	_ lifeguard.ConcernStore = (*DB)(nil)
	_ lifeguard.ChildStore   = (*DB)(nil)
	_ lifeguard.OrgStore     = (*DB)(nil)
	_ lifeguard.AuthStore    = (*DB)(nil)
	_ lifeguard.Journal      = (*DB)(nil)

	_ lifeguard.PreferenceStore   = (*DB)(nil)
	_ lifeguard.SecondFactorStore = (*DB)(nil)
)

// Messages of the not-found errors. A record the actor may not know exists
// answers with exactly these, so the answer says nothing about it.
const (
	msgNoConcern = "There is no such concern."
	msgNoChild   = "There is no such child's record."
)

func errNoConcern() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, msgNoConcern) }
func errNoChild() error   { return lifeguard.Errorf(lifeguard.ENOTFOUND, msgNoChild) }

// actor returns the actor in ctx, or EUNAUTHORIZED.
func actor(ctx context.Context) (*lifeguard.Actor, error) {
	a := lifeguard.ActorFrom(ctx)
	if a == nil {
		return nil, lifeguard.Errorf(lifeguard.EUNAUTHORIZED, "Please sign in.")
	}
	return a, nil
}

// concernAccess is what an actor wants to do to a concern.
type concernAccess int

const (
	readConcern  concernAccess = iota // read it
	addToConcern                      // add a note or evidence
	workConcern                       // decide, set or complete actions, close, change the facts
)

// checkConcern decides whether a may do what to a concern of organisation
// org reported by reporter, in the order of the contract: not visible →
// ENOTFOUND; visible but not allowed → EFORBIDDEN; closed and a change →
// ECONFLICT.
func checkConcern(a *lifeguard.Actor, want concernAccess, org, reporter int64, status lifeguard.ConcernStatus) error {
	if !a.IsSystem() {
		switch {
		case a.OrganisationID != org:
			return errNoConcern()
		case a.Role == lifeguard.RoleDSL:
		case a.Role == lifeguard.RoleStaff || a.Role == lifeguard.RoleManager:
			if a.UserID != reporter {
				return errNoConcern()
			}
			if want == workConcern {
				return lifeguard.Errorf(lifeguard.EFORBIDDEN,
					"Only your organisation's designated safeguarding lead can do that.")
			}
		default: // partnership officers and administrators see no single concern
			return errNoConcern()
		}
	}
	if want != readConcern && status == lifeguard.StatusClosed {
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The concern is closed and cannot be changed.")
	}
	return nil
}

// canCreateConcern decides whether a may record a concern: those who report
// (staff, DSLs, managers) in their own organisation, and the system acting
// for a user of an organisation.
func canCreateConcern(a *lifeguard.Actor) error {
	if a.IsSystem() {
		if a.OrganisationID == 0 || a.UserID == 0 {
			return lifeguard.Invalid("The concern is not valid", []lifeguard.Problem{{
				Path:    "organisation_id",
				Problem: "the system must act for a reporter of an organisation to record a concern",
			}})
		}
		return nil
	}
	if !a.Role.CanReport() {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not record concerns about children.")
	}
	return nil
}

// canListConcerns decides whether a may list concerns at all; which ones is
// decided by concernScope.
func canListConcerns(a *lifeguard.Actor) error {
	if a.IsSystem() || a.Role.CanReport() {
		return nil
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not see individual concerns.")
}

// childAccess is what an actor wants of a child's record.
type childAccess int

const (
	findChild       childAccess = iota // find by reference to link a concern
	readChildRecord                    // the record or the chronology
)

// checkChild decides whether a may see a child's record of organisation org:
// a DSL of the organisation may read it; its staff and managers may find it
// by reference (EFORBIDDEN for the record); anyone else gets ENOTFOUND.
func checkChild(a *lifeguard.Actor, want childAccess, org int64) error {
	if a.IsSystem() {
		return nil
	}
	if a.OrganisationID != org {
		return errNoChild()
	}
	switch a.Role {
	case lifeguard.RoleDSL:
		return nil
	case lifeguard.RoleStaff, lifeguard.RoleManager:
		if want == findChild {
			return nil
		}
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only your organisation's designated safeguarding lead can read a child's record.")
	}
	return errNoChild()
}

// canFindChildren decides whether a may search children by reference.
// Partnership officers and administrators get EFORBIDDEN, as for a list of
// concerns: a list has no record whose existence could leak.
func canFindChildren(a *lifeguard.Actor) error {
	if a.IsSystem() || a.Role.CanReport() {
		return nil
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not see children's records.")
}

// Organisations and users.

func isAdmin(a *lifeguard.Actor) bool { return a.IsSystem() || a.Role == lifeguard.RoleAdmin }

func errAdminOnly() error {
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator can do that.")
}

// systemOnly guards the AuthStore: only Lifeguard's own auth package, acting
// as the system, reads credentials, sessions and tokens.
func systemOnly(ctx context.Context) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.IsSystem() {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only Lifeguard itself can do that.")
	}
	return nil
}

// ownUser guards what a user does to their own row (preferences): any
// signed-in user may, the system actor may not, since it is no user.
func ownUser(ctx context.Context) (*lifeguard.Actor, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if a.IsSystem() || a.UserID == 0 {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a signed-in user has preferences.")
	}
	return a, nil
}
