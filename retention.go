package lifeguard

import (
	"bufio"
	"context"
	_ "embed"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Retention (issue 19): every record Lifeguard keeps about a child or a
// member of staff has a date after which it is erased, computed from a
// schedule shipped as data (retention_schedule.txt, each rule citing its
// source in docs/retention.md) that a partnership may adapt in a local
// file. The erasure job keeps the dates in step with each record's life
// and erases what falls due; a legal hold stops the clock.

// RetentionKind is a kind of record the schedule covers.
type RetentionKind string

const (
	// RetainChildFile is a child's safeguarding file: the child's record
	// and every concern about the child, with everything attached to
	// them (notes, evidence, actions, decisions, referrals sent).
	RetainChildFile RetentionKind = "child_file"
	// RetainAllegation is a referral to the LADO of an allegation against
	// someone who works with children (Referral.Retention).
	RetainAllegation RetentionKind = "allegation"
	// RetainAllegationMalicious is such an allegation found malicious:
	// erased when the outcome is recorded, whatever the schedule.
	RetainAllegationMalicious RetentionKind = "allegation_malicious"
	// RetainTransfer is the record that a child's file was transferred:
	// its note goes with the sending school's file (by=child_file), whose
	// date is the last school's; the row (from, to, when) stays.
	RetainTransfer RetentionKind = "transfer"
	// RetainCapture is a monitoring capture: its period is its
	// organisation's monitoring settings (by=monitoring-settings), which
	// give each capture its date; the erasure job deletes it after.
	RetainCapture RetentionKind = "capture"
	// RetainFilterRecord is a blocked attempt the DNS filter reported:
	// kept days after it happened, then deleted by the erasure job.
	RetainFilterRecord RetentionKind = "filter_record"
	// RetainSession is the housekeeping records, kept by the retention
	// job's own periods (by=housekeeping).
	RetainSession RetentionKind = "session"
)

// The kinds kept for years from a date of their own (issue 19 item 1,
// the rules the first schedule left out). The erasure job deletes each
// when its years have passed (PruneRecords), but a user, whose account is
// blanked instead: the name stays as the author of safeguarding records.
const (
	// RetainConsent is a parent's consent (internet, images): kept while
	// it is in force and years after it was withdrawn, and no longer than
	// the child's record.
	RetainConsent RetentionKind = "consent"
	// RetainTraining is a member of staff's training record: years after
	// the training ran out.
	RetainTraining RetentionKind = "training"
	// RetainTeaching is an entry of the teaching record: years after it
	// was taught.
	RetainTeaching RetentionKind = "teaching_entry"
	// RetainParentContact is a contact with parents: years after it.
	RetainParentContact RetentionKind = "parent_contact"
	// RetainChildSurvey is a survey of children's views with its
	// answers' counts: years after it was held.
	RetainChildSurvey RetentionKind = "child_survey"
	// RetainSubjectAccess is a subject access request with its redaction
	// choices: years after it was answered.
	RetainSubjectAccess RetentionKind = "subject_access"
	// RetainDataRequest is a request to correct or erase: years after it
	// was decided.
	RetainDataRequest RetentionKind = "data_request"
	// RetainUser is a staff account: years after it was disabled, its
	// sign-in, second factor, sessions, tokens, preferences and alert
	// choices are erased; its name stays.
	RetainUser RetentionKind = "user"
	// RetainAgreement is an acknowledgement of a policy or agreement's
	// version: years after a newer version superseded it.
	RetainAgreement RetentionKind = "agreement"
	// RetainPolicyVersion is a superseded version of a policy, with its
	// acknowledgements: years after a newer version superseded it. The
	// current version is never erased.
	RetainPolicyVersion RetentionKind = "policy_version"
	// RetainImprovement is an improvement action no longer open (met,
	// superseded or closed by hand): years after it closed.
	RetainImprovement RetentionKind = "improvement_action"
	// RetainAudit is a completed self-audit with its answers, scores and
	// the improvement actions it raised: years after it was completed,
	// once none of its actions is still open.
	RetainAudit RetentionKind = "audit"
	// RetainPlanAction is an action of the partnership's action plan
	// marked complete, with its progress notes and barriers: years after
	// it was completed. An action still under way is kept, and so are
	// the objectives, which name no one.
	RetainPlanAction RetentionKind = "plan_action"
)

// YearsKinds are the kinds kept years from a date of their own, in the
// order the erasure job deletes them.
var YearsKinds = []RetentionKind{RetainConsent, RetainTraining, RetainTeaching, RetainParentContact,
	RetainChildSurvey, RetainSubjectAccess, RetainDataRequest, RetainAgreement, RetainPolicyVersion,
	RetainImprovement, RetainAudit, RetainPlanAction, RetainUser}

// PruneBefore is the date before which records of a YearsKinds kind fall
// due at now.
func (s RetentionSchedule) PruneBefore(k RetentionKind, now time.Time) time.Time {
	return now.AddDate(-s.Rule(k).Years, 0, 0)
}

// retentionKinds are the kinds in the order of the schedule, with the
// fields each takes besides source.
var retentionKinds = []struct {
	kind   RetentionKind
	fields []string
}{
	{RetainChildFile, []string{"until_age", "otherwise_years"}},
	{RetainAllegation, []string{"years"}},
	{RetainAllegationMalicious, []string{"years"}},
	{RetainTransfer, []string{"by"}},
	{RetainCapture, []string{"by"}},
	{RetainFilterRecord, []string{"days"}},
	{RetainSession, []string{"by"}},
	{RetainConsent, []string{"years"}},
	{RetainTraining, []string{"years"}},
	{RetainTeaching, []string{"years"}},
	{RetainParentContact, []string{"years"}},
	{RetainChildSurvey, []string{"years"}},
	{RetainSubjectAccess, []string{"years"}},
	{RetainDataRequest, []string{"years"}},
	{RetainUser, []string{"years"}},
	{RetainAgreement, []string{"years"}},
	{RetainPolicyVersion, []string{"years"}},
	{RetainImprovement, []string{"years"}},
	{RetainAudit, []string{"years"}},
	{RetainPlanAction, []string{"years"}},
}

// MaxRetentionYears bounds every period in a schedule.
const MaxRetentionYears = 100

// MaxRetentionDays bounds a period given in days.
const MaxRetentionDays = 36500

// retentionBy is what field by must say for the kinds that keep a period
// set elsewhere: the schedule names the place, it cannot move it.
var retentionBy = map[RetentionKind]string{
	RetainTransfer: "child_file",
	RetainCapture:  "monitoring-settings",
	RetainSession:  "housekeeping",
}

// RetentionRule is one line of the schedule.
type RetentionRule struct {
	Kind RetentionKind
	// UntilAge is the child's birthday the file is kept until.
	UntilAge int
	// Years is how long after its event a record is kept: for a child's
	// file with no known date of birth, after its last concern closed; for
	// an allegation, after it was referred.
	Years int
	// Keep is how long a filter record is kept after it happened (the
	// rule's days); zero keeps it for ever (only the deprecated serve
	// --filter-retention 0 gives that).
	Keep time.Duration
	// By names where a kind that keeps its own period sets it.
	By string
	// Source is the section of docs/retention.md the rule rests on.
	Source string
	// Line is the rule's line in its file, for the operator.
	Line int
}

// RetentionSchedule is the schedule in force.
type RetentionSchedule struct {
	Rules []RetentionRule
}

//go:embed retention_schedule.txt
var shippedSchedule string

// ShippedRetentionSchedule is the schedule Lifeguard ships.
func ShippedRetentionSchedule() RetentionSchedule {
	s, err := ParseRetentionSchedule(strings.NewReader(shippedSchedule))
	if err != nil {
		panic("the shipped retention schedule: " + err.Error()) // a test proves it parses
	}
	return s
}

// Rule returns the rule for kind k.
func (s RetentionSchedule) Rule(k RetentionKind) RetentionRule {
	for _, r := range s.Rules {
		if r.Kind == k {
			return r
		}
	}
	return RetentionRule{Kind: k}
}

// Adapt returns s with each rule of local in place of the shipped one.
func (s RetentionSchedule) Adapt(local RetentionSchedule) RetentionSchedule {
	out := RetentionSchedule{Rules: make([]RetentionRule, len(s.Rules))}
	copy(out.Rules, s.Rules)
	for _, l := range local.Rules {
		for i := range out.Rules {
			if out.Rules[i].Kind == l.Kind {
				out.Rules[i] = l
			}
		}
	}
	return out
}

// ParseRetentionSchedule reads a schedule (the form of
// retention_schedule.txt). Every problem is reported with its line and
// field, all of them at once, as an EINVALID error.
func ParseRetentionSchedule(r io.Reader) (RetentionSchedule, error) {
	var s RetentionSchedule
	var ps []Problem
	seen := map[RetentionKind]int{}
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		at := func(field, format string, args ...any) {
			ps = append(ps, Problem{Path: fmt.Sprintf("line %d: %s", n, field), Problem: fmt.Sprintf(format, args...)})
		}
		words := strings.Fields(line)
		rule := RetentionRule{Kind: RetentionKind(words[0]), Line: n}
		var allowed []string
		for _, k := range retentionKinds {
			if k.kind == rule.Kind {
				allowed = k.fields
			}
		}
		if allowed == nil {
			at("kind", "%q is not a kind of record the schedule covers; the kinds are %s", words[0], retentionKindList())
			continue
		}
		if prev, dup := seen[rule.Kind]; dup {
			at("kind", "%s has a rule already, on line %d", rule.Kind, prev)
			continue
		}
		seen[rule.Kind] = n
		given := map[string]bool{}
		for _, w := range words[1:] {
			name, value, found := strings.Cut(w, "=")
			switch {
			case !found || value == "":
				at(name, "must be written name=value")
				continue
			case given[name]:
				at(name, "is given twice")
				continue
			}
			given[name] = true
			switch {
			case name == "source":
				rule.Source = value
			case !contains(allowed, name):
				at(name, "is not a field of %s; its fields are %s and source", rule.Kind, strings.Join(allowed, ", "))
			case name == "by":
				rule.By = value
				if want := retentionBy[rule.Kind]; value != want {
					at(name, "must be %s: %s's period is set there", want, rule.Kind)
				}
			case name == "days":
				v, err := strconv.Atoi(value)
				if err != nil || v < 1 || v > MaxRetentionDays {
					at(name, "must be a whole number of days from 1 to %d", MaxRetentionDays)
					continue
				}
				rule.Keep = time.Duration(v) * 24 * time.Hour
			default:
				v, err := strconv.Atoi(value)
				if err != nil || v < 0 || v > MaxRetentionYears {
					at(name, "must be a whole number of years from 0 to %d", MaxRetentionYears)
					continue
				}
				if name == "until_age" {
					rule.UntilAge = v
				} else {
					rule.Years = v
				}
			}
		}
		for _, f := range append([]string{"source"}, allowed...) {
			if !given[f] {
				at(f, "is required")
			}
		}
		if rule.Kind == RetainAllegationMalicious && given["years"] && rule.Years != 0 {
			at("years", "must be 0: the guidance removes an allegation found malicious")
		}
		s.Rules = append(s.Rules, rule)
	}
	if err := sc.Err(); err != nil {
		return RetentionSchedule{}, fmt.Errorf("read the retention schedule: %w", err)
	}
	if len(ps) > 0 {
		return RetentionSchedule{}, Invalid("The retention schedule is not valid", ps)
	}
	return s, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func retentionKindList() string {
	names := make([]string, len(retentionKinds))
	for i, k := range retentionKinds {
		names[i] = string(k.kind)
	}
	return strings.Join(names, ", ")
}

// ChildFileUntil is when a child's file falls due: the child's UntilAge
// birthday, from the date of birth or, failing that, the latest birth the
// age given allows (so never early); with neither, Years after its last
// concern closed (lastClosed zero: not known, so not due).
func (s RetentionSchedule) ChildFileUntil(birth *Date, age *int, ageAsOf *Date, lastClosed time.Time) *time.Time {
	r := s.Rule(RetainChildFile)
	var t time.Time
	switch {
	case birth != nil:
		t = birth.In(time.UTC).AddDate(r.UntilAge, 0, 0)
	case age != nil && ageAsOf != nil:
		t = ageAsOf.In(time.UTC).AddDate(r.UntilAge-*age, 0, 0)
	case !lastClosed.IsZero():
		t = lastClosed.UTC().AddDate(r.Years, 0, 0)
	default:
		return nil
	}
	return &t
}

// WithFilterRetention is s with filter records kept keep (0: for ever) in
// place of the rule's days: serve's deprecated --filter-retention.
func (s RetentionSchedule) WithFilterRetention(keep time.Duration) RetentionSchedule {
	out := RetentionSchedule{Rules: make([]RetentionRule, len(s.Rules))}
	copy(out.Rules, s.Rules)
	for i := range out.Rules {
		if out.Rules[i].Kind == RetainFilterRecord {
			out.Rules[i].Keep = keep
		}
	}
	return out
}

// AllegationUntil is when the records of an allegation referred at
// referred fall due.
func (s RetentionSchedule) AllegationUntil(referred time.Time) time.Time {
	return referred.UTC().AddDate(s.Rule(RetainAllegation).Years, 0, 0)
}

// OutcomeMalicious is the LADO's outcome of an allegation found
// malicious, whose records the store erases when it is recorded.
const OutcomeMalicious ReferralOutcome = "malicious"

// LegalHoldBasis is why a hold is set, as a code: the journal names it
// (the reason, free text, stays in the hold and never reaches the journal).
type LegalHoldBasis string

// The bases of a legal hold.
const (
	HoldPolice        LegalHoldBasis = "police_investigation"
	HoldLitigation    LegalHoldBasis = "litigation"
	HoldInquiry       LegalHoldBasis = "inquiry"
	HoldReview        LegalHoldBasis = "safeguarding_review"
	HoldSubjectAccess LegalHoldBasis = "subject_access"
	HoldOther         LegalHoldBasis = "other"
)

// LegalHoldBases lists the bases with their words, in the forms' order.
func LegalHoldBases() []struct {
	Basis LegalHoldBasis
	Label string
} {
	return []struct {
		Basis LegalHoldBasis
		Label string
	}{
		{HoldPolice, "Police investigation"},
		{HoldLitigation, "Litigation or a claim"},
		{HoldInquiry, "Public or independent inquiry"},
		{HoldReview, "Safeguarding practice review"},
		{HoldSubjectAccess, "Subject access request being answered"},
		{HoldOther, "Other (say in the reason)"},
	}
}

// Label is the basis in words, or the code when it is not known.
func (b LegalHoldBasis) Label() string {
	for _, x := range LegalHoldBases() {
		if x.Basis == b {
			return x.Label
		}
	}
	return string(b)
}

// Valid reports whether b is a basis Lifeguard knows.
func (b LegalHoldBasis) Valid() bool { return b.Label() != string(b) }

// LegalHold stops the retention clock on a child's file or a concern.
// Reason is empty for a reader who may not set holds there (an
// administrator's list shows what is held, not why in words).
type LegalHold struct {
	ID             int64          `json:"id"`
	OrganisationID int64          `json:"organisation_id"`
	Organisation   string         `json:"organisation"`
	ChildID        int64          `json:"child_id,omitempty"`
	ConcernID      int64          `json:"concern_id,omitempty"`
	Basis          LegalHoldBasis `json:"basis"`
	Reason         string         `json:"reason,omitempty"`
	SetBy          int64          `json:"set_by"`
	SetByName      string         `json:"set_by_name,omitempty"`
	SetAt          time.Time      `json:"set_at"`
	ReleasedBy     int64          `json:"released_by,omitempty"`
	ReleasedAt     *time.Time     `json:"released_at,omitempty"`
}

// NewLegalHold is a hold a DSL sets: on a child (ChildID) or a concern
// (ConcernID), one of the two, with its basis and the reason.
type NewLegalHold struct {
	ChildID   int64          `json:"child_id,omitempty"`
	ConcernID int64          `json:"concern_id,omitempty"`
	Basis     LegalHoldBasis `json:"basis"`
	Reason    string         `json:"reason"`
}

// LegalHoldQuery picks holds: those on one child's file (ChildID, which
// takes in the holds on its concerns) or one concern, or all in reach;
// Released takes in the released ones too.
type LegalHoldQuery struct {
	ChildID, ConcernID int64
	Released           bool
}

// MaxLegalHolds bounds the holds one list returns.
const MaxLegalHolds = 1000

// MaxHoldReason bounds a hold's reason.
const MaxHoldReason = 1000

// RetentionReview is the kind of RetentionDue of an allegation whose
// adult's pension age is unknown: at its years it is listed for a person to
// decide, not erased.
const RetentionReview = "allegation_review"

// RetentionDue is one record that falls due: what kind, which, whose, and
// when. It carries no name and no text.
type RetentionDue struct {
	// Kind is child, concern, referral, allegation_review, capture or
	// one of the YearsKinds.
	Kind           string    `json:"kind"`
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisation_id"`
	Organisation   string    `json:"organisation"`
	Due            time.Time `json:"due"`
}

// RetentionDueQuery asks for what falls due before Until. Disclose says
// the list leaves Lifeguard (a CSV export): journalled as a disclosure.
// Schedule is the one the erasure job runs, which dates the YearsKinds;
// the shipped schedule when it has no rules.
type RetentionDueQuery struct {
	Until    time.Time
	Disclose bool
	Schedule RetentionSchedule
}

// MaxRetentionDue bounds the records one list returns.
const MaxRetentionDue = 10000

// Prunable reports whether PruneRecords takes records of kind k: captures
// and filter records, which hold no count the board report reads from
// their rows, and the YearsKinds.
func (k RetentionKind) Prunable() bool {
	return k == RetainCapture || k == RetainFilterRecord || contains(yearsKindNames(), string(k))
}

func yearsKindNames() []string {
	out := make([]string, len(YearsKinds))
	for i, k := range YearsKinds {
		out[i] = string(k)
	}
	return out
}

// ErasureCounts reports what an erasure run did, by kind.
type ErasureCounts struct {
	Concerns, Children, Referrals int64
}

// RetentionEraser keeps the retention dates, the holds and the erasure.
// Contract as for the other stores, and:
//
//   - RefreshRetention, EraseDue and PruneRecords are for the system actor
//     only; PruneRecords deletes the records of a Prunable kind that fell
//     due before before (for a YearsKinds kind, whose date is before
//     before; a user is blanked, not deleted, and only once disabled),
//     batch a transaction, each batch journalled with its count;
//   - SetLegalHold and ReleaseLegalHold are for a DSL of the record's
//     organisation (OpSetLegalHold); a record outside it is ENOTFOUND;
//   - RetentionDue is for an administrator of the partnership
//     (OpReadRetention): kinds, ids, organisations and dates, never text;
//   - LegalHolds is for a DSL of the organisation, with the reasons, and
//     an administrator of the partnership, without (OpReadLegalHolds).
type RetentionEraser interface {
	RefreshRetention(ctx context.Context, s RetentionSchedule) (updated int64, err error)
	EraseDue(ctx context.Context, now time.Time, batch int) (ErasureCounts, error)
	PruneRecords(ctx context.Context, k RetentionKind, before time.Time, batch int) (int64, error)
	SetLegalHold(ctx context.Context, h NewLegalHold) (*LegalHold, error)
	ReleaseLegalHold(ctx context.Context, id int64) error
	RetentionDue(ctx context.Context, q RetentionDueQuery) ([]RetentionDue, error)
	LegalHolds(ctx context.Context, q LegalHoldQuery) ([]LegalHold, error)
}
