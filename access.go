package lifeguard

// Who may do what. Every rule that depends on a user's role is written in
// the table below and nowhere else: the store applies it to the records it
// reads (internal/sqlstore/access.go), and the pages ask it what to show.
// Changing a rule means changing one row here and its row in the store's
// access table test.
//
// A rule says how far a role reaches for an operation, not which record
// it may touch: the store knows how near each record is to the actor (the
// actor's own, their organisation's, their partnership's) and lets the
// operation through when the rule reaches that far. What the store answers
// otherwise (ENOTFOUND for a record the actor may not know exists,
// EFORBIDDEN for one they can see but not change) follows from the rules
// too: a record is visible when the operation that reads it reaches it.

// Op is an operation on the stores whose permission depends on the role.
type Op string

const (
	OpRecordConcern Op = "record a concern"
	OpReadConcern   Op = "read a concern or list concerns"
	OpAddToConcern  Op = "add a note or evidence to a concern"
	OpWorkConcern   Op = "work a concern" // decide, set actions, close, change the facts

	OpFindChild        Op = "find a child by reference"
	OpReadChild        Op = "read a child's record and chronology"
	OpReadReceivedFile Op = "read a child's file received from another organisation"
	OpSendChild        Op = "send a child's file to another organisation"
	OpReadTransfer     Op = "see transfers of a child's file"
	OpReceiveTransfer  Op = "receive a child's file"

	OpReadAudit     Op = "read self-audits"
	OpReadAuditText Op = "read the free text of self-audits"
	OpWorkAudit     Op = "start, fill in and complete a self-audit"
	OpReadReport    Op = "read the board report"

	OpReadPlan   Op = "read the strategy action plan"
	OpChangePlan Op = "change the strategy action plan"

	OpReadUser   Op = "read a user"
	OpAdminister Op = "administer organisations, users, the journal and backups"

	OpSendFilterEvents  Op = "send what a filter records"
	OpReadFilterPolicy  Op = "read a filter policy"
	OpSetFilterPolicy   Op = "set a filter policy"
	OpReadFilterAlerts  Op = "work the filter's alerts"
	OpReadFilterReviews Op = "see the filter's review requests"
	OpReadReminders     Op = "see and dismiss reminders"

	OpAlertSettings Op = "see and set the organisation's alert settings"

	// The number of children per organisation (issue 14, h-demo).
	OpSetChildrenCount Op = "set the organisation's number of children"
)

// Referrals to another agency of the partnership (issue 16, referral.go).
const (
	OpSendReferral   Op = "send a concern's route to the agency that receives it"
	OpReadReferral   Op = "see referrals sent or received"
	OpAnswerReferral Op = "acknowledge, consider and answer a referral received"
	OpKeepDirectory  Op = "keep the partnership's directory of who receives referrals"
)

// The register of children (issue 15): who a child is, kept inside the
// child's organisation. Finding a child (by name, year group, identifier
// or reference) stays OpFindChild.
const (
	OpReadChildIdentity Op = "see children's names and identifiers"
	OpImportChildren    Op = "keep the register of children: import it and change names and identifiers"
	OpMergeChildren     Op = "merge two records of the same child"
)

// Monitoring (monitor.go): the monitor role posts captures; only the
// organisation's DSLs see them.
const (
	OpSendCaptures        Op = "send what a monitor captures"
	OpReadMonitorSettings Op = "read the monitoring settings"
	OpSetMonitorSettings  Op = "set the monitoring settings"
	OpReviewCaptures      Op = "see and review the monitor's captures"
)

// Single sign-on (issue 20): connecting to OpenID Connect providers.
const (
	OpSignInProviders Op = "connect the partnership or an organisation to a sign-in provider"
)

// The policy library and agreements (issue 17, h-registers). Policies
// hold no child's record; agreements name children and visitors, so only
// the organisation sees them, and the partnership reads aggregates.
const (
	OpReadPolicies     Op = "read the policy library"
	OpKeepPolicies     Op = "keep the policy library: policies, versions, model policies"
	OpAcknowledge      Op = "acknowledge the staff agreement"
	OpRecordAgreements Op = "record the agreements of children and visitors"
	OpReadAgreements   Op = "see who has agreed to an agreement"
)

// Consents and staff training (issue 17, h-consents). Consents name
// children, so they stay inside the organisation: its managers and DSLs
// record and read them; every member of its staff reads a class's
// do-not-photograph list, which holds names and a flag, nothing about any
// concern. Staff record and read their own training; managers and DSLs
// their organisation's; the partnership reads counts only
// (TrainingCoverage, read as the audits and the board report are).
const (
	OpRecordConsents Op = "record parents' consents for children"
	OpReadConsents   Op = "read children's consents"
	OpReadPhotoList  Op = "see a class's do-not-photograph list"
	OpRecordTraining Op = "record staff training"
	OpReadTraining   Op = "read staff training records"
)

// Retention (issue 19): legal holds and what falls due for erasure.
const (
	OpSetLegalHold  Op = "set and release legal holds on a child's file or a concern"
	OpReadRetention Op = "see what falls due for erasure"
)

// A person's rights over their data (issue 19, h-sar): subject access,
// rectification and erasure on request. An administrator may record and
// follow requests about staff; only the organisation's DSL reads the
// records gathered, redacts, discloses and decides.
const (
	OpStartDataRights Op = "record and follow requests for access to, correction or erasure of a person's data"
	OpWorkDataRights  Op = "gather, redact and disclose a person's records, and decide corrections and erasures"
)

// A partnership-wide subject access request (partnership_access.go, h-sarwide).
const (
	OpStartPartnershipAccess  Op = "start and follow a partnership-wide subject access request"
	OpAnswerPartnershipAccess Op = "agree or decline to join a partnership-wide subject access request"
)

// The organisations' safeguarding and online-safety leads in the
// partnership's directory (issue 16, h-directory2, lead.go): staff contact
// details, read across the partnership by those who work with other
// agencies, kept by the organisation's manager or the partnership officer.
const (
	OpReadLeads Op = "see the organisations' safeguarding and online-safety leads"
	OpKeepLeads Op = "keep an organisation's safeguarding and online-safety leads"
)

// Teaching, parents and children's voice, and the internet access record
// (issue 17, items 5 to 7, h-teaching). They name no child; the
// partnership reads their counts with the self-audit and the board report.
const (
	OpReadPrevention Op = "read the teaching, parents' and internet access registers"
	OpKeepPrevention Op = "keep the teaching, parents' and internet access registers"
)

// Legal holds' pages and API (h-retention2).
const (
	OpReadLegalHolds Op = "see the legal holds"
)

// Ops lists every operation, in the order of the table.
func Ops() []Op {
	return []Op{
		OpRecordConcern, OpReadConcern, OpAddToConcern, OpWorkConcern,
		OpFindChild, OpReadChild, OpReadReceivedFile, OpSendChild, OpReadTransfer, OpReceiveTransfer,
		OpReadAudit, OpReadAuditText, OpWorkAudit, OpReadReport,
		OpReadPlan, OpChangePlan,
		OpReadUser, OpAdminister,
		OpSendFilterEvents, OpReadFilterPolicy, OpSetFilterPolicy, OpReadFilterAlerts, OpReadFilterReviews,
		OpReadReminders,
		OpAlertSettings,
		OpSetChildrenCount,
		OpReadChildIdentity, OpImportChildren, OpMergeChildren,
		OpSendReferral, OpReadReferral, OpAnswerReferral, OpKeepDirectory,
		OpSendCaptures, OpReadMonitorSettings, OpSetMonitorSettings, OpReviewCaptures,
		OpSignInProviders,
		OpReadPolicies, OpKeepPolicies, OpAcknowledge, OpRecordAgreements, OpReadAgreements,
		OpSetLegalHold, OpReadRetention,
		OpStartDataRights, OpWorkDataRights,
		OpRecordConsents, OpReadConsents, OpReadPhotoList, OpRecordTraining, OpReadTraining,
		OpReadLeads, OpKeepLeads,
		OpReadPrevention, OpKeepPrevention,
		OpReadLegalHolds,
		OpStartPartnershipAccess, OpAnswerPartnershipAccess,
	}
}

// Reach is how near a record must be to the actor for a rule to let the
// actor through. The same values say how near a record is: ReachOwn for
// what the actor reported or their own account, ReachOrganisation for the
// rest of their organisation's, ReachPartnership for the rest of their
// partnership's, ReachAll for anything else.
type Reach int

const (
	ReachNone         Reach = iota // never
	ReachOwn                       // the actor's own records
	ReachOrganisation              // their organisation's
	ReachPartnership               // their partnership's
	ReachAll                       // anyone's: Lifeguard itself only
)

// Covers reports whether a rule that reaches r lets the actor at a record
// as near as near.
func (r Reach) Covers(near Reach) bool { return r != ReachNone && near <= r }

// rule is one row of the table: the reach of each role, in the order of
// Roles(). A row may leave out the last columns, which are then ReachNone:
// the monitor's column is written only where it reaches something.
type rule [7]Reach

// rule returns the row of op, and false for an operation without a row.
func (op Op) rule() (rule, bool) {
	const (
		no   = ReachNone
		own  = ReachOwn
		org  = ReachOrganisation
		part = ReachPartnership
	)
	switch op {
	//                                   staff dsl manager partnership admin filter monitor
	case OpRecordConcern:
		return rule{org, org, org, no, no, no}, true
	case OpReadConcern:
		return rule{own, org, own, no, no, no}, true
	case OpAddToConcern:
		return rule{own, org, own, no, no, no}, true
	case OpWorkConcern:
		return rule{no, org, no, no, no, no}, true

	case OpFindChild:
		return rule{org, org, org, no, no, no}, true
	case OpReadChild:
		return rule{no, org, no, no, no, no}, true
	case OpReadReceivedFile: // reach: the organisation the file was received by
		return rule{no, org, no, no, no, no}, true
	case OpSendChild:
		return rule{no, org, no, no, no, no}, true
	case OpReadTransfer: // reach: the sending or the receiving organisation
		return rule{no, org, no, no, no, no}, true
	case OpReceiveTransfer: // reach: the receiving organisation
		return rule{no, org, no, no, no, no}, true

	case OpReadAudit:
		return rule{no, org, org, part, no, no}, true
	case OpReadAuditText:
		return rule{no, org, org, no, no, no}, true
	case OpWorkAudit:
		return rule{no, org, org, no, no, no}, true
	case OpReadReport:
		return rule{no, org, org, part, no, no}, true

	case OpReadPlan: // reach org: the actions the organisation owns
		return rule{org, org, org, part, org, org}, true
	case OpChangePlan:
		return rule{no, no, no, part, no, no}, true

	case OpReadUser:
		return rule{org, org, org, org, part, own, own}, true
	case OpAdminister:
		return rule{no, no, no, no, part, no}, true

	case OpSendFilterEvents:
		return rule{no, no, no, no, no, org}, true
	case OpReadFilterPolicy:
		return rule{no, no, no, no, part, org}, true
	case OpSetFilterPolicy:
		return rule{no, no, no, no, part, no}, true
	case OpReadFilterAlerts:
		return rule{no, org, no, no, no, no}, true
	case OpReadFilterReviews:
		return rule{no, org, org, no, part, no}, true
	case OpReadReminders:
		return rule{no, org, no, no, no, no}, true

	case OpAlertSettings: // when digests go and whom an unopened concern escalates to
		return rule{no, org, org, no, no, no}, true

	case OpSetChildrenCount: // the figures per 1,000 children of the board report
		return rule{no, no, org, no, part, no}, true
	// Referrals: reach org is the sending or the receiving organisation,
	// which the store tells apart (internal/sqlstore/access_referral.go).
	case OpSendReferral:
		return rule{no, org, no, no, no, no}, true
	case OpReadReferral:
		return rule{no, org, no, no, no, no}, true
	case OpAnswerReferral:
		return rule{no, org, no, no, no, no}, true
	case OpKeepDirectory:
		return rule{no, no, no, part, part, no}, true
	// Leads: staff see their own organisation's; those who refer, receive
	// and keep the directory see the partnership's.
	case OpReadLeads:
		return rule{org, part, part, part, part, no}, true
	case OpKeepLeads:
		return rule{no, no, org, part, part, no}, true

	// The register of children: staff see the names of the children they
	// find to report about; no one outside the organisation sees any.
	case OpReadChildIdentity:
		return rule{org, org, org, no, no, no}, true
	case OpImportChildren:
		return rule{no, org, org, no, no, no}, true
	case OpMergeChildren:
		return rule{no, org, no, no, no, no}, true
	case OpSendCaptures:
		return rule{no, no, no, no, no, no, org}, true
	case OpReadMonitorSettings: // the monitor reads the excluded sites and the notice
		return rule{no, org, org, no, no, no, org}, true
	case OpSetMonitorSettings:
		return rule{no, org, org, no, no, no, no}, true
	case OpReviewCaptures:
		return rule{no, org, no, no, no, no, no}, true
	case OpSignInProviders: // reach part: a provider of the partnership or one of its organisations
		return rule{no, no, no, no, part, no}, true

	// reach part: the partnership's model policies; an organisation's own
	// policies are checked as the organisation's records only.
	case OpReadPolicies:
		return rule{org, org, org, part, org, no}, true
	case OpKeepPolicies:
		return rule{no, org, org, part, no, no}, true
	case OpAcknowledge:
		return rule{own, own, own, own, own, no}, true
	case OpRecordAgreements:
		return rule{org, org, org, no, no, no}, true
	case OpReadAgreements: // reach own: the actor's own acknowledgements
		return rule{own, org, org, no, no, no}, true
	case OpSetLegalHold:
		return rule{no, org, no, no, no, no}, true
	case OpReadRetention: // kinds, ids and dates, never a name or text
		return rule{no, no, no, no, part, no}, true
	case OpStartDataRights: // an administrator: requests about staff of the partnership
		return rule{no, org, no, no, part, no}, true
	case OpWorkDataRights:
		return rule{no, org, no, no, no, no}, true

	case OpRecordConsents:
		return rule{no, org, org, no, no, no}, true
	case OpReadConsents:
		return rule{no, org, org, no, no, no}, true
	case OpReadPhotoList: // names and the do-not-photograph flag only
		return rule{org, org, org, no, no, no}, true
	case OpRecordTraining: // reach own: a member of staff's own training
		return rule{own, org, org, no, no, no}, true
	case OpReadTraining:
		return rule{own, org, org, no, no, no}, true

	// Teaching, parents, surveys and access: staff read what is taught and
	// how access is given; the partnership reads counts only (figures).
	case OpReadPrevention:
		return rule{org, org, org, no, no, no}, true
	case OpKeepPrevention:
		return rule{no, org, org, no, no, no}, true
	case OpReadLegalHolds: // the administrator sees what is held, not the reason's words
		return rule{no, org, no, no, part, no}, true
	// The officer asks the partnership's organisations, seeing no record;
	// each organisation's DSL answers for its own.
	case OpStartPartnershipAccess:
		return rule{no, no, no, part, no, no}, true
	case OpAnswerPartnershipAccess:
		return rule{no, org, no, no, no, no}, true
	}
	return rule{}, false
}

// May returns how far role r reaches for op: ReachNone for an unknown role
// or operation.
func (r Role) May(op Op) Reach {
	row, _ := op.rule()
	if i := roleIndex(r); i >= 0 {
		return row[i]
	}
	return ReachNone
}

// roleIndex is r's column in the table, or -1.
func roleIndex(r Role) int {
	for i, x := range roleOrder {
		if x == r {
			return i
		}
	}
	return -1
}

// May returns how far the actor reaches for op: ReachAll for Lifeguard
// itself, ReachNone for no actor.
func (a *Actor) May(op Op) Reach {
	switch {
	case a == nil:
		return ReachNone
	case a.IsSystem():
		return ReachAll
	}
	return a.Role.May(op)
}

// Can reports whether the actor may do op at all, to some record.
func (a *Actor) Can(op Op) bool { return a.May(op) != ReachNone }

// Near returns how near a record of organisation org and partnership p,
// made by user owner, is to the actor; 0 for owner or org leaves it out.
func (a *Actor) Near(owner, org, p int64) Reach {
	switch {
	case owner != 0 && a.UserID == owner && a.OrganisationID == org:
		return ReachOwn
	case org != 0 && a.OrganisationID == org:
		return ReachOrganisation
	case p != 0 && a.PartnershipID == p:
		return ReachPartnership
	}
	return ReachAll
}

// Can reports whether role r may do op at all, to some record.
func (r Role) Can(op Op) bool { return r.May(op) != ReachNone }

// Two rules are about signing in rather than about an operation on the
// stores; they sit here so that every rule of a role reads in one file.

// UsesPages reports whether the role signs in to the pages: a DNS filter's
// or a monitor's account works with an API token only.
func (r Role) UsesPages() bool { return r != RoleFilter && r != RoleMonitor }

// NeedsSecondFactor reports whether the role must use a second factor:
// those that see many children's records or manage who can.
func (r Role) NeedsSecondFactor() bool {
	return r == RoleDSL || r == RolePartnership || r == RoleAdmin
}
