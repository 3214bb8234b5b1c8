package lifeguard

import (
	"strings"
	"time"
)

// Child is the record of a child in one organisation: a reference the
// organisation understands, an age or date of birth, vulnerabilities, and,
// when the organisation keeps them, who the child is (names, year and
// registration group, identifiers, whether on roll). The names and
// identifiers stay inside the child's organisation: the store gives them
// only to those of its users whom OpReadChildIdentity lets see them, and
// they never reach the partnership, a report, a log, a journal detail, an
// email or a webhook.
type Child struct {
	ID             int64  `json:"id"`
	OrganisationID int64  `json:"organisation_id"`
	Ref            string `json:"ref"`
	DateOfBirth    *Date  `json:"date_of_birth,omitempty"`
	// Age is the age given when no date of birth is known, as at AgeAsOf.
	Age             *int            `json:"age,omitempty"`
	AgeAsOf         *Date           `json:"age_as_of,omitempty"`
	Vulnerabilities []Vulnerability `json:"vulnerabilities"`
	CreatedAt       time.Time       `json:"created_at"`

	LegalForename     string `json:"legal_forename,omitempty"`
	LegalSurname      string `json:"legal_surname,omitempty"`
	PreferredForename string `json:"preferred_forename,omitempty"`
	// YearGroup is a school's year group: N1, N2, R or 1 to 13
	// (NormaliseYearGroup).
	YearGroup string `json:"year_group,omitempty"`
	// RegGroup is the registration group, form or class.
	RegGroup string `json:"reg_group,omitempty"`
	// UPN is a school's unique pupil number (UPNProblem), NHSNumber a
	// health service's (NHSNumberProblem), LANumber the local authority's
	// person number for social care (free text).
	UPN       string `json:"upn,omitempty"`
	NHSNumber string `json:"nhs_number,omitempty"`
	LANumber  string `json:"la_number,omitempty"`
	// LeftOn is the day the child left the organisation; nil while on roll.
	LeftOn *Date `json:"left_on,omitempty"`
	// MergedInto is the record this one was merged into by a DSL; a merged
	// record keeps nothing of its own and is found no more.
	MergedInto *int64 `json:"merged_into,omitempty"`
}

// DisplayName is the name to show for the child: the preferred (or else
// legal) forename and the surname, or the reference when no name is known
// (or the reader may not see it).
func (c Child) DisplayName() string {
	fore := c.PreferredForename
	if fore == "" {
		fore = c.LegalForename
	}
	name := strings.TrimSpace(fore + " " + c.LegalSurname)
	if name == "" {
		return c.Ref
	}
	return name
}

// HasIdentity reports whether the record holds any name or identifier.
func (c Child) HasIdentity() bool {
	return c.LegalForename != "" || c.LegalSurname != "" || c.PreferredForename != "" || c.UPN != "" ||
		c.NHSNumber != "" || c.LANumber != ""
}

// MaxChildRef bounds a child's reference.
const MaxChildRef = 64

// ChronologyEntry is one thing that happened about a child, across concerns,
// in time order: a concern reported, a route decided, an action set or done,
// evidence recorded, a note, a concern closed, a file transferred.
type ChronologyEntry struct {
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	ConcernID *int64    `json:"concern_id"`
	// Summary is a short plain-English line built from codes and the
	// organisation's own words, for the DSL who may read them.
	Summary string `json:"summary"`
	ActorID int64  `json:"actor_id"`
	// ActorRole is the role of the person who did it.
	ActorRole Role `json:"actor_role"`
}

// Chronology entry kinds.
const (
	ChronReported   = "concern_reported"
	ChronTriaged    = "triaged"
	ChronDecision   = "decision"
	ChronAction     = "action_set"
	ChronActionDone = "action_done"
	ChronEvidence   = "evidence"
	ChronNote       = "note"
	ChronClosed     = "concern_closed"
	ChronFacts      = "facts_changed"
)

var chronologyWords = map[string]string{
	ChronReported:    "Concern reported",
	ChronTriaged:     "Routes worked out",
	ChronFacts:       "Facts changed",
	ChronDecision:    "Decision on a route",
	ChronAction:      "Action set",
	ChronActionDone:  "Action done",
	ChronEvidence:    "Evidence recorded",
	ChronNote:        "Note",
	ChronClosed:      "Concern closed",
	ChronTransferred: "File sent to another organisation",
	ChronReceived:    "File received from another organisation",
}

// ChronologyLabel is the words people read for a kind of chronology entry,
// or the kind itself.
func ChronologyLabel(kind string) string { return wordsFor(chronologyWords, kind) }
