package lifeguard

import "time"

// RiskLevel is a safeguarding lead's rating of a concern's risk, their own
// judgement beside the procedure's routes: high, medium or low.
type RiskLevel string

const (
	RiskHigh   RiskLevel = "high"
	RiskMedium RiskLevel = "medium"
	RiskLow    RiskLevel = "low"
)

var riskLevels = [...]RiskLevel{RiskHigh, RiskMedium, RiskLow}

// RiskLevels lists the levels from the highest, as a form offers them.
func RiskLevels() []RiskLevel { return append([]RiskLevel(nil), riskLevels[:]...) }

// Valid reports whether r is a known level; "" (not rated) is not one.
func (r RiskLevel) Valid() bool { return r == RiskHigh || r == RiskMedium || r == RiskLow }

var riskLevelWords = map[RiskLevel]string{
	RiskHigh:   "High risk",
	RiskMedium: "Medium risk",
	RiskLow:    "Low risk",
	"":         "Not rated",
}

// Label is the words people read for the level, or the code itself.
func (r RiskLevel) Label() string { return wordsFor(riskLevelWords, r) }

// RiskRating is the risk level a lead set on a concern, with who and when.
type RiskRating struct {
	Level RiskLevel `json:"level"`
	SetBy int64     `json:"set_by"`
	SetAt time.Time `json:"set_at"`
}

// Assignee is the safeguarding lead or deputy a concern is assigned to.
type Assignee struct {
	UserID int64  `json:"user_id"`
	Name   string `json:"name"`
	Deputy bool   `json:"deputy"`
}

// Assignment is who a concern is assigned to, by whom and when. Only a
// lead or deputy of the concern's organisation can be assigned it.
type Assignment struct {
	Assignee
	AssignedBy int64     `json:"assigned_by"`
	AssignedAt time.Time `json:"assigned_at"`
}
