package lifeguard

import (
	"context"
	"time"
)

// Referrals carry a concern from the organisation that holds it to the
// agency of the partnership that must decide what happens next: children's
// social care's front door, the police, the local authority designated
// officer (LADO) or early help. Every agency of the partnership uses
// Lifeguard, so the referral is sent, received and answered here, and the
// time each step takes is measured.
//
// What is sent is a snapshot: the parts of the concern the referring DSL
// chose, copied when it is sent. The receiving agency reads the snapshot
// and what it records itself, never the referrer's live records; the
// referrer reads the agency's acknowledgement, decision and messages, never
// the agency's other records.

// ReferralAgency is the kind of agency a route is referred to. The outcomes
// an agency records depend on it.
type ReferralAgency string

const (
	AgencySocialCare ReferralAgency = "social_care" // children's social care's front door (MASH)
	AgencyPolice     ReferralAgency = "police"
	AgencyLADO       ReferralAgency = "lado" // the local authority designated officer, for allegations
	AgencyEarlyHelp  ReferralAgency = "early_help"
)

var agencyWords = map[ReferralAgency]string{
	AgencySocialCare: "Children's social care front door",
	AgencyPolice:     "Police",
	AgencyLADO:       "Local authority designated officer (LADO)",
	AgencyEarlyHelp:  "Early help",
}

// Label names the agency for a page.
func (a ReferralAgency) Label() string { return wordsFor(agencyWords, a) }

// referralRoutes are the routes of the procedure that another agency of
// the partnership receives, and which agency. The partnership's directory
// names, for each of these routes, the organisation that receives it.
var referralRoutes = [...]struct {
	code   RouteCode
	agency ReferralAgency
	label  string
}{
	{"CSC_REFERRAL", AgencySocialCare, "Referral to children's social care"},
	{"CSC_CONSULT", AgencySocialCare, "Consultation with children's social care"},
	{"POLICE_101", AgencyPolice, "Report to the police"},
	{"LADO_REFERRAL", AgencyLADO, "Referral to the LADO"},
	{"EARLY_HELP", AgencyEarlyHelp, "Request for early help"},
}

// ReferralLabel names a referral by its route, for a page; the code itself
// for a route that is not sent to another agency.
func ReferralLabel(code RouteCode) string {
	for _, r := range referralRoutes {
		if r.code == code {
			return r.label
		}
	}
	return string(code)
}

// ReferralRoutes lists the routes that can be sent to another agency.
func ReferralRoutes() []RouteCode {
	out := make([]RouteCode, len(referralRoutes))
	for i, r := range referralRoutes {
		out[i] = r.code
	}
	return out
}

// ReferralAgencyOf returns the agency that receives route code, and false
// for a route that is not sent to another agency.
func ReferralAgencyOf(code RouteCode) (ReferralAgency, bool) {
	for _, r := range referralRoutes {
		if r.code == code {
			return r.agency, true
		}
	}
	return "", false
}

// ReferralOutcome is an agency's decision on a referral, a code of the
// agency's own outcomes.
type ReferralOutcome string

// OutcomeInfo is one outcome an agency may record.
type OutcomeInfo struct {
	Code  ReferralOutcome `json:"code"`
	Label string          `json:"label"`
}

// OutcomeThresholdNotMet is the LADO's outcome when the harm threshold is
// not met: the allegation goes back to the employer to handle.
const OutcomeThresholdNotMet ReferralOutcome = "threshold_not_met"

var agencyOutcomes = map[ReferralAgency][]OutcomeInfo{
	AgencySocialCare: {
		{"no_further_action", "No further action, with advice to the referrer"},
		{"early_help", "Early help"},
		{"section_17", "Assessment under section 17 (child in need)"},
		{"strategy_discussion", "Strategy discussion"},
		{"section_47", "Section 47 enquiry"},
	},
	AgencyLADO: {
		{OutcomeThresholdNotMet, "Harm threshold not met: back to the employer"},
		{"substantiated", "Substantiated"},
		{"unsubstantiated", "Unsubstantiated"},
		{"false", "False"},
		{"malicious", "Malicious"},
		{"unfounded", "Unfounded"},
	},
	AgencyPolice: {
		{"crime_recorded", "Crime recorded"},
		{"no_crime", "No crime"},
		{"advice", "Advice given"},
	},
	AgencyEarlyHelp: {
		{"support_offered", "Early help support offered"},
		{"step_up", "Stepped up to children's social care"},
		{"signposted", "No service: signposted, with advice"},
	},
}

// Outcomes lists the outcomes agency a records, in the order a form offers
// them.
func (a ReferralAgency) Outcomes() []OutcomeInfo {
	return append([]OutcomeInfo(nil), agencyOutcomes[a]...)
}

// OutcomeLabel is the words for outcome o of agency a, or the code itself.
func (a ReferralAgency) OutcomeLabel(o ReferralOutcome) string {
	for _, x := range agencyOutcomes[a] {
		if x.Code == o {
			return x.Label
		}
	}
	return string(o)
}

// HasOutcome reports whether o is one of agency a's outcomes.
func (a ReferralAgency) HasOutcome(o ReferralOutcome) bool {
	for _, x := range agencyOutcomes[a] {
		if x.Code == o {
			return true
		}
	}
	return false
}

// ReferralStatus is where a referral is.
type ReferralStatus string

const (
	ReferralSent         ReferralStatus = "sent"         // waiting for the agency to acknowledge it
	ReferralAcknowledged ReferralStatus = "acknowledged" // the agency has it and is deciding
	ReferralMoreInfo     ReferralStatus = "more_info"    // the agency asked the referrer for more information
	ReferralDecided      ReferralStatus = "decided"      // the agency recorded its decision
)

var referralStatusWords = map[ReferralStatus]string{
	ReferralSent:         "Sent: waiting to be acknowledged",
	ReferralAcknowledged: "Acknowledged: being decided",
	ReferralMoreInfo:     "More information asked for",
	ReferralDecided:      "Decided",
}

// Label is the words for the status.
func (s ReferralStatus) Label() string { return wordsFor(referralStatusWords, s) }

// RetentionAllegation is the retention category of a referral about an
// adult who works with children: the records of an allegation are kept
// for their own period (until the person's normal retirement age or ten
// years, whichever is longer), which the retention rules compute.
const RetentionAllegation = "allegation"

// ReferralParts says which parts of the concern the DSL sends. The facts
// are always sent (the agency needs to know what the referral is about);
// the others are chosen.
type ReferralParts struct {
	Words      bool `json:"words"`      // the reporter's own words (the description)
	Decisions  bool `json:"decisions"`  // the decisions on routes so far
	Child      bool `json:"child"`      // the child's identifying details
	Chronology bool `json:"chronology"` // the child's chronology, from ChronologySince
	// ChronologySince limits the chronology to entries on or after this
	// date; zero sends all of it.
	ChronologySince Date `json:"chronology_since,omitzero"`
}

// ReferralSnapshot is what was sent, as it was when it was sent.
type ReferralSnapshot struct {
	// Facts are the concern's facts without the reporter's words.
	Facts Facts `json:"facts"`
	// Words are the reporter's words, when sent.
	Words string `json:"words,omitempty"`
	// Routes are the routes the procedure gave, with their deadlines.
	Routes     []Route            `json:"routes"`
	Decisions  []ReferralDecision `json:"decisions,omitempty"`
	Child      *Child             `json:"child,omitempty"`
	Chronology []ChronologyEntry  `json:"chronology,omitempty"`
	// SentBy names the referring DSL and how to reach their organisation.
	SentByName        string `json:"sent_by_name"`
	SafeguardingPhone string `json:"safeguarding_phone,omitempty"`
}

// ReferralDecision is a decision on a route as a referral shows it: with
// no user id of the referring organisation.
type ReferralDecision struct {
	Route     RouteCode    `json:"route"`
	Decision  DecisionKind `json:"decision"`
	Reason    string       `json:"reason,omitempty"`
	Reference string       `json:"reference,omitempty"`
	DecidedAt time.Time    `json:"decided_at"`
}

// Referral is one concern's route sent to the agency that receives it.
type Referral struct {
	ID          int64          `json:"id"`
	ConcernID   int64          `json:"concern_id,omitempty"` // the referrer's concern; 0 for the receiver
	Route       RouteCode      `json:"route"`
	Agency      ReferralAgency `json:"agency"`
	FromOrgID   int64          `json:"from_organisation_id"`
	FromOrgName string         `json:"from_organisation"`
	ToOrgID     int64          `json:"to_organisation_id"`
	ToOrgName   string         `json:"to_organisation"`
	Status      ReferralStatus `json:"status"`
	Parts       ReferralParts  `json:"parts"`
	// Snapshot is what was sent; nil in a list.
	Snapshot *ReferralSnapshot `json:"snapshot,omitempty"`
	SentAt   time.Time         `json:"sent_at"`
	// PhonedAt is when the referral was first made by phone, when it was:
	// the written referral is then its confirmation. PhoneNote says whom
	// the referrer spoke to.
	PhonedAt       *time.Time      `json:"phoned_at"`
	PhoneNote      string          `json:"phone_note,omitempty"`
	AcknowledgedAt *time.Time      `json:"acknowledged_at"`
	DecidedAt      *time.Time      `json:"decided_at"`
	Outcome        ReferralOutcome `json:"outcome,omitempty"`
	DecisionNote   string          `json:"decision_note,omitempty"`
	// ConsideredAt and HarmThresholdMet are the LADO's initial
	// consideration of an allegation: whether the harm threshold is met.
	ConsideredAt     *time.Time `json:"considered_at,omitempty"`
	HarmThresholdMet *bool      `json:"harm_threshold_met,omitempty"`
	// Retention is the retention category of the records
	// (RetentionAllegation for a LADO referral), "" for the usual one.
	Retention string `json:"retention,omitempty"`
	// DueBy is one working day after it was sent (NewReferral.DueBy).
	DueBy    time.Time         `json:"due_by"`
	Messages []ReferralMessage `json:"messages"`
}

// Open reports whether the agency has not yet decided.
func (r *Referral) Open() bool { return r.Status != ReferralDecided }

// MessageKind is what a message on a referral is.
type MessageKind string

const (
	MessageRequest        MessageKind = "request"         // the agency asks for more information
	MessageReply          MessageKind = "reply"           // the referrer answers
	MessageEmployerAction MessageKind = "employer_action" // for the LADO: what the employer did
)

var messageWords = map[MessageKind]string{
	MessageRequest:        "More information asked for",
	MessageReply:          "Reply from the referrer",
	MessageEmployerAction: "Employer's action",
}

// Label is the words for the kind.
func (k MessageKind) Label() string { return wordsFor(messageWords, k) }

// ReferralMessage is one message between the two sides of a referral.
type ReferralMessage struct {
	ID          int64       `json:"id"`
	Kind        MessageKind `json:"kind"`
	FromOrgID   int64       `json:"from_organisation_id"`
	FromOrgName string      `json:"from_organisation"`
	Text        string      `json:"text"`
	At          time.Time   `json:"at"`
}

// NewReferral is what the DSL sends.
type NewReferral struct {
	ConcernID int64         `json:"concern_id"`
	Route     RouteCode     `json:"route"`
	Parts     ReferralParts `json:"parts"`
	// PhonedAt, when set, records that the referral was made by phone
	// first, at that time, to the person PhoneNote names.
	PhonedAt  *time.Time `json:"phoned_at,omitempty"`
	PhoneNote string     `json:"phone_note,omitempty"`
	// SubjectBorn is, for a referral to the LADO only, the date of birth of
	// the adult the allegation is about: its records are kept to their
	// state pension age or ten years, whichever is longer (retention.go).
	SubjectBorn *Date `json:"subject_date_of_birth,omitempty"`
	// DueBy is one working day after sending by the procedure's calendar,
	// which the caller computes (WorkingDayCounter): the time the partnership
	// expects the agency to decide by, against which the board report
	// measures acknowledgement and decision. Never read from JSON.
	DueBy time.Time `json:"-"`
}

// WorkingDayCounter counts working days by the partnership's calendar
// (internal/procedure's Calendar).
type WorkingDayCounter interface {
	AddWorkingDays(from time.Time, n int) time.Time
}

// ReferralAnswer is the agency's decision on a referral.
type ReferralAnswer struct {
	Outcome ReferralOutcome `json:"outcome"`
	Note    string          `json:"note"`
}

// ReferralRoute is one row of the partnership's directory of referrals:
// the organisation that receives a route.
type ReferralRoute struct {
	Route          RouteCode      `json:"route"`
	Agency         ReferralAgency `json:"agency"`
	OrganisationID int64          `json:"organisation_id"`
	Organisation   string         `json:"organisation"`
}

// Limits of a referral's free text.
const (
	MaxReferralMessage = 5000
	MaxPhoneNote       = 500
)

// ReferralStore sends, receives and answers referrals. The contract is
// that of store.go, and:
//
//   - a DSL of the concern's organisation sends it (OpSendReferral) to
//     the organisation the directory names for the route (EINVALID naming
//     "route" when the route is not referred to another agency or the
//     directory names nobody); a route is sent once (ECONFLICT);
//   - a referral is seen by the DSLs of the two organisations
//     (OpReadReferral); staff and managers of either get EFORBIDDEN; anyone
//     else ENOTFOUND, as for a referral that does not exist;
//   - only the receiving organisation's DSLs acknowledge, consider, answer
//     and ask for more information (OpAnswerReferral; EFORBIDDEN for the
//     referrer); only the referrer's reply (EFORBIDDEN for the agency);
//   - a decided referral takes no more answers (ECONFLICT);
//   - every read is journaled as a disclosure on the side that reads it,
//     every write on both sides.
type ReferralStore interface {
	SendReferral(ctx context.Context, in NewReferral) (*Referral, error)
	// Referrals lists the referrals sent by and to the actor's
	// organisation, open first, without their snapshots.
	Referrals(ctx context.Context) ([]Referral, error)
	Referral(ctx context.Context, id int64) (*Referral, error)
	// ConcernReferrals lists the referrals of one concern, for its page.
	ConcernReferrals(ctx context.Context, concernID int64) ([]Referral, error)
	AcknowledgeReferral(ctx context.Context, id int64) (*Referral, error)
	// ConsiderReferral records the LADO's initial consideration: whether
	// the harm threshold is met (EINVALID for another agency's referral).
	ConsiderReferral(ctx context.Context, id int64, thresholdMet bool) (*Referral, error)
	AnswerReferral(ctx context.Context, id int64, in ReferralAnswer) (*Referral, error)
	// AddReferralMessage adds a message: a request for more information
	// or an employer's action by the agency, a reply by the referrer.
	AddReferralMessage(ctx context.Context, id int64, kind MessageKind, text string) (*Referral, error)

	// ReferralDirectory lists, for the actor's partnership, which
	// organisation receives each route that is sent to another agency.
	ReferralDirectory(ctx context.Context) ([]ReferralRoute, error)
	// SetReferralReceiver names the organisation that receives route in
	// its partnership (the partnership officer or an administrator); 0
	// removes the row.
	SetReferralReceiver(ctx context.Context, partnership int64, route RouteCode, org int64) error
}

// ReferralTally is the journey of the referrals of one route sent in a
// report's period: counts and bands only. AckOnTime and DecidedOnTime
// count those acknowledged and decided within one working day of sending;
// AckBands and DecideBands count them by the time it took, in the bands
// of FirstDecisionBand (Key is the band's start in minutes); Outcomes
// counts the decisions by outcome code.
type ReferralTally struct {
	Route         RouteCode      `json:"route"`
	Agency        ReferralAgency `json:"agency"`
	Sent          int64          `json:"sent"`
	Acknowledged  int64          `json:"acknowledged"`
	AckOnTime     int64          `json:"ack_on_time"`
	Decided       int64          `json:"decided"`
	DecidedOnTime int64          `json:"decided_on_time"`
	AckBands      []Tally        `json:"ack_bands"`
	DecideBands   []Tally        `json:"decide_bands"`
	Outcomes      []Tally        `json:"outcomes"`
}
