package lifeguard

import (
	"context"
	"fmt"
	"time"
	_ "time/tzdata" // an organisation's zone is checked wherever Lifeguard runs
)

// Alerts tell people that something needs them, by email (and webhooks)
// through the outbox; they never carry a child's name or reference, a
// concern's text or its facts: only the kind of alert, its urgency, the
// organisation, ids and a link. Who is told what, and when:
//
//   - a new concern with a route due now or the same working day: the
//     organisation's DSLs and deputies, at once (AlertNewConcern);
//   - other new concerns: in a digest at the organisation's time of day
//     (AlertDigest, DigestNew);
//   - a concern with a route that needs the lead now (Route.NeedsLeadNow)
//     that no DSL or deputy has opened within the organisation's time: the
//     escalation list, once (AlertEscalation);
//   - a filter alert for illegal content, terrorism, self-harm or
//     extremism: the DSLs and deputies, at once (AlertFilterAlert);
//   - a referral received, or a referrer's reply: the receiving
//     agency's DSLs, at once (AlertReferral); the agency's answer or
//     request for more information: the referring DSLs, at once
//     (AlertReferralAnswer), as immediate alerts;
//   - a monitoring capture of severity 4 or 5: the DSLs and deputies, at
//     once, as for an urgent concern (AlertCapture); the others are
//     counted in the daily digest;
//   - training that runs out within 30 days or has run out: the member
//     of staff and their organisation's managers, once (AlertTraining);
//   - open concerns overdue (judged as Judge does, with the window of
//     "now"): a daily digest to the DSLs and deputies (AlertDigest,
//     DigestOverdue).
//
// Each user chooses which of these they receive (AlertPreferences), except
// that a DSL cannot turn off immediate alerts.

// DigestKind is which of an organisation's daily digests a message is.
// Both go out as outbox messages of kind AlertDigest, whose RecordID is
// the AlertDigest they tell of.
type DigestKind string

const (
	DigestNew     DigestKind = "digest"  // new concerns not alerted at once
	DigestOverdue DigestKind = "overdue" // open concerns past their deadline
)

// AlertPreferences are what a user chooses to receive. A user who never
// chose has DefaultAlertPreferences.
type AlertPreferences struct {
	Immediate     bool `json:"immediate"`
	Digest        bool `json:"digest"`
	Escalations   bool `json:"escalations"`
	FilterAlerts  bool `json:"filter_alerts"`
	OverdueDigest bool `json:"overdue_digest"`
}

// DefaultAlertPreferences is every alert on: whoever is sent an alert by
// their role or by the escalation list gets it until they say otherwise.
func DefaultAlertPreferences() AlertPreferences {
	return AlertPreferences{Immediate: true, Digest: true, Escalations: true, FilterAlerts: true, OverdueDigest: true}
}

// Wants reports whether the preferences let an alert of kind k through;
// for AlertDigest, digest says which digest.
func (p AlertPreferences) Wants(k AlertKind, digest DigestKind) bool {
	switch k {
	case AlertNewConcern, AlertReferral, AlertReferralAnswer, AlertCapture:
		// A capture that alerts is one where a child may be at risk now:
		// it goes with the immediate alerts a DSL cannot turn off.
		return p.Immediate
	case AlertDigest:
		if digest == DigestOverdue {
			return p.OverdueDigest
		}
		return p.Digest
	case AlertEscalation:
		return p.Escalations
	case AlertFilterAlert:
		return p.FilterAlerts
	}
	return false
}

// Validate checks the preferences of a user of role r: a DSL (deputies
// included) must keep immediate alerts, since they are the person a child
// at risk today depends on.
func (p AlertPreferences) Validate(r Role) []Problem {
	if r == RoleDSL && !p.Immediate {
		return []Problem{{Path: "immediate",
			Problem: "cannot be turned off for a designated safeguarding lead or deputy: they must be told at once"}}
	}
	return nil
}

// AlertSettings are an organisation's choices of when and whom to alert,
// set by its DSL or manager.
type AlertSettings struct {
	OrganisationID int64 `json:"organisation_id"`
	// DigestAt is the local time of day the digests are sent, "HH:MM" in
	// Zone.
	DigestAt string `json:"digest_at"`
	Zone     string `json:"zone"`
	// EscalateAfterMinutes is how long an immediate concern may stay
	// unopened by a DSL or deputy before the escalation list is told.
	EscalateAfterMinutes int `json:"escalate_after_minutes"`
	// EscalationList is the users told, in order, when an immediate
	// concern is not opened in time; empty means the organisation's
	// managers.
	EscalationList []int64    `json:"escalation_list"`
	UpdatedBy      int64      `json:"updated_by,omitempty"`
	UpdatedAt      *time.Time `json:"updated_at,omitempty"`
}

// Defaults and bounds of the alert settings.
const (
	DefaultDigestAt         = "16:00"
	DefaultAlertZone        = "Europe/London"
	DefaultEscalateAfter    = 15
	MaxEscalateAfterMinutes = 24 * 60
	MaxEscalationList       = 10
)

// DefaultAlertSettings are the settings of an organisation that has not
// chosen its own.
func DefaultAlertSettings(org int64) AlertSettings {
	return AlertSettings{OrganisationID: org, DigestAt: DefaultDigestAt, Zone: DefaultAlertZone,
		EscalateAfterMinutes: DefaultEscalateAfter, EscalationList: []int64{}}
}

// Validate checks the settings' own fields; whether the escalation list
// names users of the organisation is the store's to check.
func (s AlertSettings) Validate() []Problem {
	var ps []Problem
	if _, _, err := s.DigestTime(); err != nil {
		ps = append(ps, Problem{Path: "digest_at", Problem: "must be a time of day as HH:MM, such as 16:00"})
	}
	if s.Zone == "" {
		ps = append(ps, Problem{Path: "zone", Problem: "is required, such as Europe/London"})
	} else if pr := CheckText("zone", s.Zone); pr != nil {
		ps = append(ps, *pr)
	} else if _, err := time.LoadLocation(s.Zone); err != nil || s.Zone == "Local" {
		ps = append(ps, Problem{Path: "zone", Problem: fmt.Sprintf("%q is not a time zone, such as Europe/London", s.Zone)})
	}
	if s.EscalateAfterMinutes < 1 || s.EscalateAfterMinutes > MaxEscalateAfterMinutes {
		ps = append(ps, Problem{Path: "escalate_after_minutes",
			Problem: fmt.Sprintf("must be from 1 to %d minutes", MaxEscalateAfterMinutes)})
	}
	if len(s.EscalationList) > MaxEscalationList {
		ps = append(ps, Problem{Path: "escalation_list",
			Problem: fmt.Sprintf("names %d people; the most is %d", len(s.EscalationList), MaxEscalationList)})
	}
	seen := map[int64]bool{}
	for i, id := range s.EscalationList {
		if seen[id] {
			ps = append(ps, Problem{Path: fmt.Sprintf("escalation_list[%d]", i), Problem: "names someone twice"})
		}
		seen[id] = true
	}
	return ps
}

// DigestTime returns the hour and minute of DigestAt.
func (s AlertSettings) DigestTime() (hour, minute int, err error) {
	t, err := time.Parse("15:04", s.DigestAt)
	if err != nil || len(s.DigestAt) != 5 {
		return 0, 0, fmt.Errorf("digest time %q is not HH:MM", s.DigestAt)
	}
	return t.Hour(), t.Minute(), nil
}

// EscalateAfter is EscalateAfterMinutes as a duration.
func (s AlertSettings) EscalateAfter() time.Duration {
	return time.Duration(s.EscalateAfterMinutes) * time.Minute
}

// LastDigest returns the most recent moment at or before now when the
// digest was due: today's digest time in the organisation's zone, or
// yesterday's when today's has not come yet.
func (s AlertSettings) LastDigest(now time.Time) (time.Time, error) {
	h, m, err := s.DigestTime()
	if err != nil {
		return time.Time{}, err
	}
	loc, err := time.LoadLocation(s.Zone)
	if err != nil {
		return time.Time{}, err
	}
	local := now.In(loc)
	at := time.Date(local.Year(), local.Month(), local.Day(), h, m, 0, 0, loc)
	if at.After(now) {
		y, mo, d := local.AddDate(0, 0, -1).Date()
		at = time.Date(y, mo, d, h, m, 0, 0, loc)
	}
	return at.UTC(), nil
}

// AlertStore keeps what users and organisations chose about alerts. The
// contract is that of store.go, and:
//
//   - AlertPreferences and SetAlertPreferences work on the acting user's
//     own choices only (EFORBIDDEN for the system, which is no user);
//     SetAlertPreferences refuses immediate off for a DSL (EINVALID on
//     "immediate");
//   - AlertSettings and SetAlertSettings are for the organisation's DSLs
//     and managers (OpAlertSettings); an organisation beyond their reach
//     is ENOTFOUND; an escalation list naming anyone but an enabled
//     member of staff, DSL or manager of the organisation is EINVALID on
//     "escalation_list[i]".
type AlertStore interface {
	AlertPreferences(ctx context.Context) (*AlertPreferences, error)
	SetAlertPreferences(ctx context.Context, p AlertPreferences) (*AlertPreferences, error)
	AlertSettings(ctx context.Context, org int64) (*AlertSettings, error)
	SetAlertSettings(ctx context.Context, s AlertSettings) (*AlertSettings, error)
	// EscalationCandidates lists who may be on the organisation's
	// escalation list (its enabled staff, DSLs and managers), by name; for
	// those who may set the settings.
	EscalationCandidates(ctx context.Context, org int64) ([]User, error)
}

// Digest is one of an organisation's daily digests: which, for which
// digest time, and the concerns it tells of, by id only.
type Digest struct {
	ID             int64      `json:"id"`
	OrganisationID int64      `json:"organisation_id"`
	Kind           DigestKind `json:"kind"`
	Slot           time.Time  `json:"slot"`
	// Concerns counts the concerns; ConcernIDs names the first
	// MaxDigestConcerns of them.
	Concerns   int     `json:"concerns"`
	ConcernIDs []int64 `json:"concern_ids"`
	// Captures counts the monitoring captures below the alert severity
	// received since the last digest and not yet reviewed (DigestNew).
	Captures int `json:"captures"`
}

// MaxDigestConcerns is how many concerns a digest names; its count goes
// on past them.
const MaxDigestConcerns = 200

// AlertJobStore writes the alerts of the scheduled jobs; for the system
// actor only (EFORBIDDEN otherwise). Each method writes its messages to
// the outbox in the same transaction as it marks what it alerted, so a
// rerun of a job's slot sends nothing twice, and returns how many
// messages it wrote.
type AlertJobStore interface {
	// EscalateUnopened tells the escalation list, once, of each open
	// concern with an undecided route that needs the lead now
	// (Route.NeedsLeadNow) that no DSL or deputy has opened within its
	// organisation's time; the list empty, the
	// organisation's managers.
	EscalateUnopened(ctx context.Context, now time.Time) (int, error)
	// SendDigests sends every organisation whose digest time of kind has
	// come (within DigestGrace) and not yet been sent its digest: for
	// DigestNew, the concerns recorded since the last one that were not
	// alerted at once; for DigestOverdue, the open concerns past their
	// deadline. A digest with no concern is recorded and not sent.
	SendDigests(ctx context.Context, kind DigestKind, now time.Time) (int, error)
	// Digest returns what a digest told of, by id (an outbox message's
	// RecordID), for an operator following up a delivery.
	Digest(ctx context.Context, id int64) (*Digest, error)
}

// DigestGrace is how late a digest may still go: a server down at the
// digest time sends it when it is back within this, and otherwise leaves
// it to the next day's, which then covers the days missed.
const DigestGrace = 12 * time.Hour
