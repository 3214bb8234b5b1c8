package lifeguard

import (
	"context"
	"time"
)

// The partnership's strategy action plan: objectives under the three strands
// of its strategy, each with actions that an organisation owns, a due date,
// a RAG status, dated progress notes and barriers. A barrier the action's
// owner cannot remove is escalated to the board, and stays escalated (and in
// the board report) until it is resolved.

// PlanStrand is a strand of the partnership's strategy.
type PlanStrand string

const (
	StrandPrevention  PlanStrand = "prevention"
	StrandProtection  PlanStrand = "protection"
	StrandProsecution PlanStrand = "prosecution_diversion" // prosecution and diversion
)

// PlanStrands lists the strands in the strategy's order.
func PlanStrands() []PlanStrand {
	return []PlanStrand{StrandPrevention, StrandProtection, StrandProsecution}
}

// Valid reports whether s is a strand of the strategy.
func (s PlanStrand) Valid() bool {
	return s == StrandPrevention || s == StrandProtection || s == StrandProsecution
}

// Label is the strand as the plan and the board report name it.
func (s PlanStrand) Label() string {
	switch s {
	case StrandPrevention:
		return "Prevention"
	case StrandProtection:
		return "Protection"
	case StrandProsecution:
		return "Prosecution and diversion"
	}
	return string(s)
}

// RAG is an action's status: red (off track, needs help), amber (at risk),
// green (on track), or complete (done, kept for the record).
type RAG string

const (
	RAGRed      RAG = "red"
	RAGAmber    RAG = "amber"
	RAGGreen    RAG = "green"
	RAGComplete RAG = "complete"
)

// RAGs lists the statuses in the order forms offer them.
func RAGs() []RAG { return []RAG{RAGRed, RAGAmber, RAGGreen, RAGComplete} }

var ragWords = map[RAG]string{
	RAGRed: "Red: off track", RAGAmber: "Amber: at risk", RAGGreen: "Green: on track", RAGComplete: "Complete",
}

// Label is the words people read for the status, or the code itself.
func (r RAG) Label() string { return wordsFor(ragWords, r) }

// Valid reports whether r is a known status.
func (r RAG) Valid() bool {
	return r == RAGRed || r == RAGAmber || r == RAGGreen || r == RAGComplete
}

// BarrierStatus is where a barrier is: open with the action's owner,
// escalated to the board, or resolved.
type BarrierStatus string

const (
	BarrierOpen      BarrierStatus = "open"
	BarrierEscalated BarrierStatus = "escalated"
	BarrierResolved  BarrierStatus = "resolved"
)

// Objective is one objective of the strategy, under a strand, with the
// actions the actor may see.
type Objective struct {
	ID            int64        `json:"id"`
	PartnershipID int64        `json:"partnership_id"`
	Strand        PlanStrand   `json:"strand"`
	Title         string       `json:"title"`
	Description   string       `json:"description"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	Actions       []PlanAction `json:"actions"`
}

// NewObjective is the input to create or change an objective.
type NewObjective struct {
	Strand      PlanStrand `json:"strand"`
	Title       string     `json:"title"`
	Description string     `json:"description"`
}

// PlanAction is an action of an objective: what will be done, by which
// organisation, by when, and how it is going.
type PlanAction struct {
	ID              int64          `json:"id"`
	ObjectiveID     int64          `json:"objective_id"`
	Title           string         `json:"title"`
	OwnerOrgID      int64          `json:"owner_organisation_id"`
	OwnerOrgName    string         `json:"owner_organisation_name"`
	Due             Date           `json:"due"`
	RAG             RAG            `json:"rag"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	Notes           []ProgressNote `json:"notes"`
	Barriers        []Barrier      `json:"barriers"`
	ObjectiveTitle  string         `json:"objective_title"`
	ObjectiveStrand PlanStrand     `json:"objective_strand"`
}

// NewPlanAction is the input to create or change an action.
type NewPlanAction struct {
	Title      string `json:"title"`
	OwnerOrgID int64  `json:"owner_organisation_id"`
	Due        Date   `json:"due"`
	RAG        RAG    `json:"rag"`
}

// ProgressNote is a dated note of progress on an action. On is the date the
// progress is reported for; CreatedAt when it was written.
type ProgressNote struct {
	ID         int64     `json:"id"`
	ActionID   int64     `json:"action_id"`
	On         Date      `json:"on"`
	Text       string    `json:"text"`
	AuthorID   int64     `json:"author_id"`
	AuthorName string    `json:"author_name"`
	AuthorOrg  string    `json:"author_organisation"`
	CreatedAt  time.Time `json:"created_at"`
}

// NewProgressNote is the input to add a note; a zero On means today.
type NewProgressNote struct {
	On   Date   `json:"on"`
	Text string `json:"text"`
}

// Barrier is something in the way of an action.
type Barrier struct {
	ID          int64         `json:"id"`
	ActionID    int64         `json:"action_id"`
	Text        string        `json:"text"`
	Status      BarrierStatus `json:"status"`
	RaisedBy    int64         `json:"raised_by"`
	RaisedAt    time.Time     `json:"raised_at"`
	EscalatedAt *time.Time    `json:"escalated_at"`
	ResolvedAt  *time.Time    `json:"resolved_at"`
	Resolution  string        `json:"resolution"`
}

// Limits of the plan's text.
const (
	MaxPlanNote     = 5000
	MaxBarrierText  = 2000
	MaxObjectiveDoc = 5000
)

// PlanStore keeps the strategy action plan of the actor's partnership.
//
// Access:
//   - a partnership officer creates and changes objectives, actions and
//     barriers of their own partnership and reads all of it;
//   - any user of an organisation that owns an action reads that action
//     (with its objective's strand and title) and adds progress notes to
//     it; they change nothing else (EFORBIDDEN);
//   - anyone else gets ENOTFOUND for an action, and for an objective none
//     of whose actions they may see (to read it, change it or add to it);
//     Plan gives them only the objectives whose actions they may see.
//
// Errors beyond the common contract (store.go): EscalateBarrier is
// ECONFLICT unless the barrier is open; ResolveBarrier is ECONFLICT on a
// resolved barrier; an action's owner must be an organisation of the
// partnership (EINVALID at owner_organisation_id).
type PlanStore interface {
	// Plan returns the objectives in strand order, each with the actions
	// the actor may see, notes and barriers included. For a user who is not
	// a partnership officer, objectives with no such action are left out.
	Plan(ctx context.Context) ([]Objective, error)
	Objective(ctx context.Context, id int64) (*Objective, error)
	CreateObjective(ctx context.Context, in NewObjective) (*Objective, error)
	UpdateObjective(ctx context.Context, id int64, in NewObjective) (*Objective, error)
	PlanAction(ctx context.Context, id int64) (*PlanAction, error)
	CreatePlanAction(ctx context.Context, objectiveID int64, in NewPlanAction) (*PlanAction, error)
	UpdatePlanAction(ctx context.Context, id int64, in NewPlanAction) (*PlanAction, error)
	AddProgressNote(ctx context.Context, actionID int64, in NewProgressNote) (*ProgressNote, error)
	AddBarrier(ctx context.Context, actionID int64, text string) (*Barrier, error)
	EscalateBarrier(ctx context.Context, barrierID int64) (*Barrier, error)
	ResolveBarrier(ctx context.Context, barrierID int64, resolution string) (*Barrier, error)
}
