package sqlstore

import (
	"context"
	"database/sql"

	"github.com/lifeguard-scp/lifeguard"
)

// Access is decided here, from the actor in the context, and nowhere else in
// the store, so that a handler cannot forget it. Which role may do what is
// not written here but in the lifeguard package's table (access.go there:
// lifeguard.Op, Actor.May): this file works out how near each record is to
// the actor (Actor.Near) and applies the rule, and adds what no role
// decides: organisations, reporters, transfers and closed concerns. The
// answers follow the contract in the lifeguard package (store.go):
//
//   - no actor: EUNAUTHORIZED, always;
//   - the system actor passes every check;
//   - a concern is visible to a DSL of its organisation, and to the member of
//     staff or manager who reported it; to nobody else (ENOTFOUND, with the
//     same message as a concern that does not exist);
//   - working a concern (decisions, actions, closing, changing the facts) is
//     for its DSL; the reporter may only add notes and evidence (EFORBIDDEN
//     for the rest);
//   - a closed concern cannot change (ECONFLICT);
//   - a child's file sent to another organisation and received there may be
//     read by that organisation's DSLs: the child's record, its chronology
//     and its concerns, read-only (EFORBIDDEN for any change). The file
//     carries what came before it, so the records it was itself received
//     from are read the same way (fileReceivedBy).

// Compile-time checks that DB is every store.
var (
	_ lifeguard.ConcernStore = (*DB)(nil)
	_ lifeguard.ChildStore   = (*DB)(nil)
	_ lifeguard.OrgStore     = (*DB)(nil)
	_ lifeguard.AuthStore    = (*DB)(nil)
	_ lifeguard.Journal      = (*DB)(nil)

	_ lifeguard.PreferenceStore   = (*DB)(nil)
	_ lifeguard.SecondFactorStore = (*DB)(nil)
	_ lifeguard.TransferStore     = (*DB)(nil)
	_ lifeguard.AuditStore        = (*DB)(nil)
	_ lifeguard.PlanStore         = (*DB)(nil)
)

// Messages of the not-found errors. A record the actor may not know exists
// answers with exactly these, so the answer says nothing about it.
const (
	msgNoConcern  = "There is no such concern."
	msgNoChild    = "There is no such child's record."
	msgNoTransfer = "There is no such transfer."
)

func errNoConcern() error  { return lifeguard.Errorf(lifeguard.ENOTFOUND, msgNoConcern) }
func errNoChild() error    { return lifeguard.Errorf(lifeguard.ENOTFOUND, msgNoChild) }
func errNoTransfer() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, msgNoTransfer) }

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

// op is the rule that decides want.
func (want concernAccess) op() lifeguard.Op {
	switch want {
	case addToConcern:
		return lifeguard.OpAddToConcern
	case workConcern:
		return lifeguard.OpWorkConcern
	}
	return lifeguard.OpReadConcern
}

// checkConcern decides whether a may do what to a concern of organisation
// org reported by reporter, in the order of the contract: not visible →
// ENOTFOUND; visible but not allowed → EFORBIDDEN; closed and a change →
// ECONFLICT.
func checkConcern(a *lifeguard.Actor, want concernAccess, org, reporter int64, status lifeguard.ConcernStatus) error {
	near := a.Near(reporter, org, 0)
	if !a.May(lifeguard.OpReadConcern).Covers(near) {
		return errNoConcern()
	}
	if !a.May(want.op()).Covers(near) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only your organisation's designated safeguarding lead can do that.")
	}
	if want != readConcern && status == lifeguard.StatusClosed {
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The concern is closed and cannot be changed.")
	}
	return nil
}

// concernAccessFor is checkConcern with transfers: a DSL of an
// organisation that received the file of the concern's child may read the
// concern (ENOTFOUND otherwise, as for any other organisation's) and change
// nothing (EFORBIDDEN): the concern stays the sending organisation's. via is
// the transfer that let the actor in, for the journal, or 0.
func concernAccessFor(ctx context.Context, tx *tx, a *lifeguard.Actor, want concernAccess, org, reporter int64,
	child *int64, status lifeguard.ConcernStatus) (via int64, err error) {
	err = checkConcern(a, want, org, reporter, status)
	if lifeguard.ErrorCode(err) != lifeguard.ENOTFOUND || a.IsSystem() || !a.Can(lifeguard.OpReadReceivedFile) ||
		child == nil {
		return 0, err
	}
	via, qerr := fileReceivedBy(ctx, tx, a.OrganisationID, *child)
	if qerr != nil {
		return 0, qerr
	}
	if via == 0 {
		return 0, err
	}
	if want != readConcern {
		return 0, lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"The concern belongs to the organisation that sent the child's file; only its designated safeguarding lead can change it.")
	}
	return via, nil
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
	if !a.Can(lifeguard.OpRecordConcern) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not record concerns about children.")
	}
	return nil
}

// canListConcerns decides whether a may list concerns at all; which ones is
// decided by concernScope.
func canListConcerns(a *lifeguard.Actor) error {
	if a.Can(lifeguard.OpReadConcern) {
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
	near := a.Near(0, org, 0)
	if !a.May(lifeguard.OpFindChild).Covers(near) {
		return errNoChild()
	}
	if want == readChildRecord && !a.May(lifeguard.OpReadChild).Covers(near) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only your organisation's designated safeguarding lead can read a child's record.")
	}
	return nil
}

// childAccessFor is checkChild with transfers: a DSL of an organisation
// that received the child's file may read the record and its chronology.
// via is the transfer that let the actor in, for the journal, or 0.
func childAccessFor(ctx context.Context, tx *tx, a *lifeguard.Actor, want childAccess, org, child int64) (via int64, err error) {
	err = checkChild(a, want, org)
	if lifeguard.ErrorCode(err) != lifeguard.ENOTFOUND || want != readChildRecord || a.IsSystem() ||
		!a.Can(lifeguard.OpReadReceivedFile) {
		return 0, err
	}
	via, qerr := fileReceivedBy(ctx, tx, a.OrganisationID, child)
	if qerr != nil {
		return 0, qerr
	}
	if via == 0 {
		return 0, err
	}
	return via, nil
}

// fileReceivedBy returns a transfer through which organisation org
// received child's file, or 0 when it has not. The file may have reached
// org along a chain (A sent it to B, whose record of the child B then sent
// to org): each receipt creates a record, the next link starts from that
// record, and the file carries everything before it. Only received
// transfers count: a pending one shows the receiving DSL nothing yet.
//
// The chain is followed with a recursive query, which SQLite and
// PostgreSQL both have; it is short (one link per move of the child) and
// is asked only when the actor is a DSL of another organisation.
func fileReceivedBy(ctx context.Context, tx *tx, org, child int64) (int64, error) {
	var via sql.NullInt64
	err := tx.row(ctx, `WITH RECURSIVE file(child) AS (
			SELECT CAST(? AS BIGINT)
			UNION
			SELECT t.received_child_id FROM transfers t JOIN file f ON t.child_id = f.child
			WHERE t.received_child_id IS NOT NULL
		)
		SELECT MIN(t.id) FROM transfers t JOIN file f ON t.child_id = f.child
		WHERE t.to_organisation_id = ? AND t.received_child_id IS NOT NULL`, child, org).Scan(&via)
	return via.Int64, err
}

// canFindChildren decides whether a may search children by reference.
// Partnership officers and administrators get EFORBIDDEN, as for a list of
// concerns: a list has no record whose existence could leak.
func canFindChildren(a *lifeguard.Actor) error {
	if a.Can(lifeguard.OpFindChild) {
		return nil
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not see children's records.")
}

// Transfers. Only DSLs send, receive and see transfers, of their own
// organisation's children or to their organisation.

// transferAccess is what an actor wants of a transfer.
type transferAccess int

const (
	readTransfer    transferAccess = iota // see it
	receiveTransfer                       // accept the file
)

// checkTransfer decides whether a may do want with a transfer from
// organisation from to organisation to: a DSL of either side sees it; only
// the receiving side's receives it. Staff and managers of either side get
// EFORBIDDEN, as for a child's record they can find but not read; anyone
// else ENOTFOUND.
func checkTransfer(a *lifeguard.Actor, want transferAccess, from, to int64) error {
	if a.IsSystem() {
		return nil
	}
	near := min(a.Near(0, from, 0), a.Near(0, to, 0))
	switch {
	case !a.May(lifeguard.OpFindChild).Covers(near):
		return errNoTransfer()
	case !a.May(lifeguard.OpReadTransfer).Covers(near):
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only a designated safeguarding lead can see or receive a transfer of a child's file.")
	}
	if want == receiveTransfer && !a.May(lifeguard.OpReceiveTransfer).Covers(a.Near(0, to, 0)) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the receiving organisation's designated safeguarding lead can receive the file.")
	}
	return nil
}

// canListTransfers decides whether a may list transfers at all. Others get
// EFORBIDDEN, as for a list of concerns: a list has no record whose
// existence could leak.
func canListTransfers(a *lifeguard.Actor) error {
	if a.Can(lifeguard.OpReadTransfer) {
		return nil
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead sees transfers.")
}

// checkSendChild decides whether a may send the file of child, a child of
// organisation org: a DSL of org may. Staff and managers of org, who can
// find the child, get EFORBIDDEN; so does a DSL who can read the record
// only because their organisation received its file, since the record is
// the sending organisation's (they send their own record of the child).
// Anyone else gets ENOTFOUND.
func checkSendChild(ctx context.Context, tx *tx, a *lifeguard.Actor, org, child int64) error {
	if a.IsSystem() {
		return nil
	}
	if near := a.Near(0, org, 0); near == lifeguard.ReachOrganisation {
		switch {
		case a.May(lifeguard.OpSendChild).Covers(near):
			return nil
		case a.May(lifeguard.OpFindChild).Covers(near):
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"Only your organisation's designated safeguarding lead can transfer a child's file.")
		}
		return errNoChild()
	}
	if a.Can(lifeguard.OpReadReceivedFile) {
		via, err := fileReceivedBy(ctx, tx, a.OrganisationID, child)
		if err != nil {
			return err
		}
		if via != 0 {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"This record belongs to the organisation that sent you the file; transfer your own record of the child.")
		}
	}
	return errNoChild()
}

// Organisations and users.

func isAdmin(a *lifeguard.Actor) bool { return a.Can(lifeguard.OpAdminister) }

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

// Self-audits.

// auditAccess is what an actor wants of an organisation's audits.
type auditAccess int

const (
	readAudits  auditAccess = iota // read them (redacted for the partnership)
	writeAudits                    // start, fill in, complete
)

// checkAudits decides whether a may do want to the audits of organisation
// org of partnership partnership; notFound is the error for "not yours".
// An organisation's audit is no secret to its own members: those the rules
// keep out of it get EFORBIDDEN, as do those who may read but not write.
func checkAudits(a *lifeguard.Actor, want auditAccess, org, partnership int64, notFound func() error) error {
	near := a.Near(0, org, partnership)
	op := lifeguard.OpReadAudit
	if want == writeAudits {
		op = lifeguard.OpWorkAudit
	}
	switch {
	case a.May(op).Covers(near):
		return nil
	case a.May(lifeguard.OpReadAudit).Covers(near):
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the organisation's manager or safeguarding lead can fill in its audit; the partnership reads it.")
	case near == lifeguard.ReachOrganisation:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only your organisation's manager, online safety lead or safeguarding lead works on its self-audit.")
	}
	return notFound()
}

// redacted reports whether a reads audits without their free text.
func redacted(a *lifeguard.Actor) bool { return !a.Can(lifeguard.OpReadAuditText) }

// Board reports.

// reportScope decides which report a may see and narrows q to it: a
// partnership officer their partnership's, whatever q asks; a manager or DSL
// their own organisation's only (EFORBIDDEN for another's).
func reportScope(a *lifeguard.Actor, q *lifeguard.ReportQuery) error {
	switch a.May(lifeguard.OpReadReport) {
	case lifeguard.ReachAll:
		if q.PartnershipID == 0 {
			return lifeguard.Invalid("The report is not valid", []lifeguard.Problem{{Path: "partnership_id",
				Problem: "is required for a report made by Lifeguard itself"}})
		}
	case lifeguard.ReachPartnership:
		q.PartnershipID = a.PartnershipID
	case lifeguard.ReachOrganisation:
		if q.OrganisationID != a.OrganisationID {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN, "You may see only your own organisation's report.")
		}
		q.PartnershipID = a.PartnershipID
	default:
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not see reports.")
	}
	return nil
}

// Reminders.

// remindersAccess checks that a may see and dismiss reminders. They are a
// person's, for their organisation: the system, which is no DSL of any
// organisation, is refused like any other role without the rule.
func remindersAccess(a *lifeguard.Actor) error {
	if a.Role.May(lifeguard.OpReadReminders) == lifeguard.ReachNone || a.IsSystem() {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Reminders are for safeguarding leads.")
	}
	return nil
}

// The DNS filter.

// filterAccount checks that a may record what a filter sends.
func filterAccount(a *lifeguard.Actor) error {
	if a.IsSystem() {
		if a.OrganisationID == 0 || a.UserID == 0 {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"The system must act for a filter's account of an organisation to record what a filter sends.")
		}
		return nil
	}
	if !a.Can(lifeguard.OpSendFilterEvents) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a filter's account sends what a filter records.")
	}
	return nil
}

// policyAccess checks that a may read (or, with write, set) the policy of
// organisation org of partnership p: EFORBIDDEN for a role that may not,
// ENOTFOUND for an organisation beyond the actor's reach.
func policyAccess(a *lifeguard.Actor, write bool, org, p int64) error {
	op := lifeguard.OpReadFilterPolicy
	if write {
		op = lifeguard.OpSetFilterPolicy
	}
	reach := a.May(op)
	switch {
	case reach == lifeguard.ReachNone:
		return errPolicyAdminOnly()
	case !reach.Covers(a.Near(0, org, p)):
		return errNoOrganisation()
	}
	return nil
}

func errPolicyAdminOnly() error {
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator sets an organisation's filter policy.")
}

// alertDSL checks that a may work the filter's alerts of their
// organisation.
func alertDSL(a *lifeguard.Actor) error {
	if a.Can(lifeguard.OpReadFilterAlerts) {
		return nil
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead sees the filter's alerts.")
}

// reviewScope checks that a may see review requests, and returns the SQL
// condition on the review's table (alias r) and organisation (alias o) that
// selects those they see.
func reviewScope(a *lifeguard.Actor) (string, []any, error) {
	switch a.May(lifeguard.OpReadFilterReviews) {
	case lifeguard.ReachAll:
		return `1 = 1`, nil, nil
	case lifeguard.ReachOrganisation:
		return `r.organisation_id = ?`, []any{a.OrganisationID}, nil
	case lifeguard.ReachPartnership:
		return `o.partnership_id = ?`, []any{a.PartnershipID}, nil
	}
	return "", nil, lifeguard.Errorf(lifeguard.EFORBIDDEN,
		"Only a designated safeguarding lead, a manager or an administrator sees review requests.")
}

// Users.

// canSeeUser decides whether a may read user u: themselves, a colleague of
// their organisation, any user of their partnership for an administrator,
// anyone for the system; a filter's account knows only itself.
func canSeeUser(a *lifeguard.Actor, u *lifeguard.User) bool {
	near := a.Near(u.ID, u.OrganisationID, u.PartnershipID)
	if a.UserID == u.ID {
		near = lifeguard.ReachOwn
	}
	return a.May(lifeguard.OpReadUser).Covers(near)
}

// canAdministerUser decides whether a may change user u: an administrator
// of u's partnership, or the system.
func canAdministerUser(a *lifeguard.Actor, u *lifeguard.User) bool {
	return a.May(lifeguard.OpAdminister).Covers(a.Near(0, u.OrganisationID, u.PartnershipID))
}

// The strategy action plan.

// isOfficer reports whether a keeps the plan of partnership p.
func isOfficer(a *lifeguard.Actor, p int64) bool {
	return a.May(lifeguard.OpChangePlan).Covers(a.Near(0, 0, p))
}

// checkPlanAction decides whether a may read (write false) or change
// (write true) an action of partnership p owned by organisation owner: an
// officer may do both; a user of the owner may read (and add notes, which
// the caller allows separately); anyone else gets ENOTFOUND.
func checkPlanAction(a *lifeguard.Actor, write bool, p, owner int64) error {
	if isOfficer(a, p) {
		return nil
	}
	near := a.Near(0, owner, p)
	if a.PartnershipID != p || near != lifeguard.ReachOrganisation || !a.May(lifeguard.OpReadPlan).Covers(near) {
		return errNoPlanAction()
	}
	if write {
		return errOfficerOnly()
	}
	return nil
}

// A person's rights over their data (subject_access.go, rectification.go).
var (
	_ lifeguard.SubjectAccessStore = (*DB)(nil)
	_ lifeguard.DataRightsStore    = (*DB)(nil)
	// A partnership-wide subject access request (partnership_access.go).
	_ lifeguard.PartnershipAccessStore = (*DB)(nil)
)
