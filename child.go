package lifeguard

import "time"

// Child is the minimal, pseudonymous record of a child in one organisation:
// a reference the organisation understands (a pupil number, initials and
// year group), an age, and vulnerabilities. No name is required or stored.
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
