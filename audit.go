package lifeguard

import (
	"context"
	"fmt"
	"time"
)

// The online-safety self-audit. An organisation rates itself against the
// partnership's framework: every aspect that applies to it gets a level (1–4),
// evidence and a comment. Completing an audit scores each strand and turns
// the gaps (aspects at level 1 or 2) into improvement actions. The framework
// itself is data: internal/framework embeds the baseline and loads a
// partnership's local changes to it.

// Level is a rating of one aspect on the framework's four-point scale.
type Level int

const (
	LevelNotInPlace  Level = 1 // nothing yet, or only intentions
	LevelDeveloping  Level = 2 // started, partial, or not known to all it concerns
	LevelEstablished Level = 3 // in place, known and used; evidence exists
	LevelEmbedded    Level = 4 // established, reviewed within 12 months, effect measured
)

// Valid reports whether l is on the scale.
func (l Level) Valid() bool { return l >= LevelNotInPlace && l <= LevelEmbedded }

// NeedsEvidence reports whether a rating at l must cite evidence: levels 3
// and 4 claim that something is in place, so they must say how one knows.
func (l Level) NeedsEvidence() bool { return l == LevelEstablished || l == LevelEmbedded }

// NeedsAction reports whether a rating at l is a gap that produces an
// improvement action.
func (l Level) NeedsAction() bool { return l == LevelNotInPlace || l == LevelDeveloping }

// Applicability says which organisations an aspect applies to.
type Applicability string

const (
	AppliesAll      Applicability = "all"      // every organisation
	AppliesSchools  Applicability = "schools"  // schools and colleges, marked (S)
	AppliesInternet Applicability = "internet" // organisations that provide internet access, marked (E)
)

// Valid reports whether a is a known applicability.
func (a Applicability) Valid() bool {
	return a == AppliesAll || a == AppliesSchools || a == AppliesInternet
}

// Framework is one version of the self-audit framework: its scale and its
// strands of aspects. Version is recorded on every audit, so an old audit
// can be read against the framework it was completed on.
type Framework struct {
	Name    string            `json:"name"`
	Version string            `json:"version"`
	Levels  []LevelDescriptor `json:"levels"`
	Strands []Strand          `json:"strands"`
}

// LevelDescriptor names and explains one level of the scale.
type LevelDescriptor struct {
	Level   Level  `json:"level"`
	Name    string `json:"name"`
	Meaning string `json:"meaning"`
}

// Strand is a group of aspects that is scored as one (leadership and
// policy; infrastructure and technology; ...). Code is its one-letter key.
type Strand struct {
	Code    string   `json:"code"`
	Title   string   `json:"title"`
	Aspects []Aspect `json:"aspects"`
}

// Aspect is one thing an organisation rates itself on. ID is stable across
// versions (L1, T3); a retired aspect stays in the framework, so that old
// audits still name it, but is not asked in new ones.
type Aspect struct {
	ID        string        `json:"id"`
	Strand    string        `json:"strand"`
	Text      string        `json:"text"`
	AppliesTo Applicability `json:"applies_to"`
	Retired   bool          `json:"retired"`
}

// AppliesToOrg reports whether the aspect is asked of organisation o: it is
// not retired, and o is a school or college for (S) aspects, or provides
// internet access for (E) aspects.
func (a *Aspect) AppliesToOrg(o *Organisation) bool {
	if a.Retired {
		return false
	}
	switch a.AppliesTo {
	case AppliesSchools:
		return o.Setting == "school" || o.Setting == "college"
	case AppliesInternet:
		return o.ProvidesInternet
	}
	return true
}

// Aspect finds an aspect by id, retired or not.
func (f *Framework) Aspect(id string) (*Aspect, bool) {
	for i := range f.Strands {
		for j := range f.Strands[i].Aspects {
			if f.Strands[i].Aspects[j].ID == id {
				return &f.Strands[i].Aspects[j], true
			}
		}
	}
	return nil, false
}

// Strand finds a strand by code.
func (f *Framework) Strand(code string) (*Strand, bool) {
	for i := range f.Strands {
		if f.Strands[i].Code == code {
			return &f.Strands[i], true
		}
	}
	return nil, false
}

// Applicable lists the aspects asked of o, in the framework's order.
func (f *Framework) Applicable(o *Organisation) []Aspect {
	var out []Aspect
	for _, s := range f.Strands {
		for _, a := range s.Aspects {
			if a.AppliesToOrg(o) {
				out = append(out, a)
			}
		}
	}
	return out
}

// LevelName is the scale's name for l, or its number when the scale has none.
func (f *Framework) LevelName(l Level) string {
	for _, d := range f.Levels {
		if d.Level == l {
			return d.Name
		}
	}
	return fmt.Sprintf("level %d", l)
}

// AuditStatus is where an audit is: in progress while it is being filled in,
// completed once scored (and then it no longer changes).
type AuditStatus string

const (
	AuditInProgress AuditStatus = "in_progress"
	AuditCompleted  AuditStatus = "completed"
)

// Audit is one self-audit of one organisation. Answers hold what has been
// saved so far; Scores are set when the audit is completed.
type Audit struct {
	ID               int64         `json:"id"`
	OrganisationID   int64         `json:"organisation_id"`
	OrganisationName string        `json:"organisation_name"`
	FrameworkName    string        `json:"framework_name"`
	FrameworkVersion string        `json:"framework_version"`
	Status           AuditStatus   `json:"status"`
	StartedBy        int64         `json:"started_by"`
	StartedAt        time.Time     `json:"started_at"`
	CompletedBy      int64         `json:"completed_by"`
	CompletedAt      *time.Time    `json:"completed_at"`
	Answers          []AuditAnswer `json:"answers"`
	Scores           []StrandScore `json:"scores"`
}

// Answer returns the answer for an aspect, if one has been saved.
func (a *Audit) Answer(aspect string) (*AuditAnswer, bool) {
	for i := range a.Answers {
		if a.Answers[i].AspectID == aspect {
			return &a.Answers[i], true
		}
	}
	return nil, false
}

// AuditAnswer is the rating of one aspect. Evidence and Comment are free
// text: the partnership role reads them as empty (see AuditStore).
type AuditAnswer struct {
	AspectID  string    `json:"aspect_id"`
	Strand    string    `json:"strand"`
	Level     Level     `json:"level"`
	Evidence  string    `json:"evidence"`
	Comment   string    `json:"comment"`
	UpdatedBy int64     `json:"updated_by"`
	UpdatedAt time.Time `json:"updated_at"`
}

// AnswerInput is what the audit pages save for one aspect.
type AnswerInput struct {
	AspectID string `json:"aspect_id"`
	Level    Level  `json:"level"`
	Evidence string `json:"evidence"`
	Comment  string `json:"comment"`
}

// Limits of an answer's free text.
const (
	MaxEvidence = 2000
	MaxComment  = 2000
)

// StrandScore is a strand's score in a completed audit: the mean level of
// the strand's aspects that applied to the organisation, in tenths (25 is
// 2.5) so that it is exact and compares alike on every engine.
type StrandScore struct {
	Strand  string `json:"strand"`
	Tenths  int    `json:"tenths"`
	Aspects int    `json:"aspects"` // how many aspects were scored
}

// String shows the score to one decimal, as 2.5.
func (s StrandScore) String() string { return fmt.Sprintf("%d.%d", s.Tenths/10, s.Tenths%10) }

// ImprovementStatus is where an improvement action is.
type ImprovementStatus string

const (
	// ImprovementOpen: still to do.
	ImprovementOpen ImprovementStatus = "open"
	// ImprovementMet: a later audit rated the aspect 3 or more.
	ImprovementMet ImprovementStatus = "met"
	// ImprovementSuperseded: a later audit rated the aspect 1 or 2 again,
	// and a new action, with its own level and due date, replaced this one.
	ImprovementSuperseded ImprovementStatus = "superseded"
	// ImprovementClosed: the organisation's manager or safeguarding lead
	// closed it by hand, with a note saying why (done between audits, or
	// no longer wanted).
	ImprovementClosed ImprovementStatus = "closed"
)

// ImprovementAction is a gap found by an audit, to be closed by the
// organisation: raise one aspect to level 3. Owner is free text and reads
// as empty to the partnership role.
type ImprovementAction struct {
	ID             int64             `json:"id"`
	OrganisationID int64             `json:"organisation_id"`
	AuditID        int64             `json:"audit_id"`
	AspectID       string            `json:"aspect_id"`
	Strand         string            `json:"strand"`
	Level          Level             `json:"level"` // the level the audit found
	Title          string            `json:"title"`
	Owner          string            `json:"owner"`
	Due            Date              `json:"due"`
	Status         ImprovementStatus `json:"status"`
	CreatedAt      time.Time         `json:"created_at"`
	ClosedAt       *time.Time        `json:"closed_at"`
	// ClosedByAudit is the audit that met or superseded the action.
	ClosedByAudit int64 `json:"closed_by_audit"`
	// ClosedBy is the user who closed the action by hand, and ClosedNote
	// their reason; the note reads as empty to the partnership role.
	ClosedBy   int64  `json:"closed_by"`
	ClosedNote string `json:"closed_note"`
}

// ImprovementChange is the input to edit an open improvement action by
// hand: what is to be done, who owns it and by when.
type ImprovementChange struct {
	Title string `json:"title"`
	Owner string `json:"owner"`
	Due   Date   `json:"due"`
}

// ImprovementClosing is the input to close an open improvement action by
// hand: the note is required, so that the plan says why.
type ImprovementClosing struct {
	Note string `json:"note"`
}

// AuditCompletion is the input to complete an audit: who owns the
// improvement actions it creates. Each action's due date follows from the
// level found (ImprovementDue).
type AuditCompletion struct {
	Owner string `json:"owner"`
}

// ImprovementDue is when an organisation should have closed a gap, by the
// level found: a missing foundation (level 1) within three months of the
// audit, a partial one (level 2) within six. A day the month lacks becomes
// its last day (30 November + 3 months is 28 February).
func ImprovementDue(l Level, completed Date) Date {
	months := 6
	if l == LevelNotInPlace {
		months = 3
	}
	first := time.Date(completed.Year, completed.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, months, 0)
	last := first.AddDate(0, 1, -1).Day()
	return Date{first.Year(), first.Month(), min(completed.Day, last)}
}

// AuditResult is what completing an audit did: the completed audit, the
// actions it created and the earlier actions it closed.
type AuditResult struct {
	Audit   *Audit              `json:"audit"`
	Created []ImprovementAction `json:"created"`
	Closed  []ImprovementAction `json:"closed"`
}

// AuditStore keeps self-audits and improvement actions. The caller passes
// the framework in force, as it passes a triage with a concern; the store
// checks answers against it and scores with it (Score).
//
// Access:
//   - a manager or DSL of an organisation starts, fills in, completes and
//     reads their own organisation's audits and improvement actions, with
//     all their text; another organisation's are ENOTFOUND;
//   - a partnership officer reads the audits and improvement actions of
//     every organisation of their partnership, levels, scores, dates and
//     statuses only: evidence, comments and owners read as empty, since
//     free text can name a child; they change nothing (EFORBIDDEN);
//   - staff and administrators neither read nor change audits (EFORBIDDEN
//     for their own organisation's, ENOTFOUND for another's).
//
// Errors beyond the common contract (store.go): StartAudit is ECONFLICT
// while the organisation has an audit in progress; SaveAuditAnswers and
// CompleteAudit are ECONFLICT on a completed audit; CompleteAudit is
// EINVALID, naming each aspect, while an applicable aspect has no level.
type AuditStore interface {
	// StartAudit begins an audit of the actor's organisation on fw.
	StartAudit(ctx context.Context, fw *Framework) (*Audit, error)
	Audit(ctx context.Context, id int64) (*Audit, error)
	// Audits returns an organisation's audits, with answers and scores,
	// oldest first.
	Audits(ctx context.Context, organisationID int64) ([]Audit, error)
	// SaveAuditAnswers saves (or replaces) the answers given, each checked
	// against fw: the aspect exists, is not retired and applies to the
	// organisation; the level is 1–4; evidence is given at levels 3 and 4.
	// Problems are named answers[i].level and so on.
	SaveAuditAnswers(ctx context.Context, auditID int64, fw *Framework, answers []AnswerInput) (*Audit, error)
	// CompleteAudit scores the audit with fw, records fw's version on it,
	// creates an improvement action for every aspect rated 1 or 2 (owned
	// by in.Owner, due by ImprovementDue), marks the organisation's earlier
	// open actions met where this audit rates their aspect 3 or more and
	// superseded where it rates it 1 or 2 again: all in one transaction.
	CompleteAudit(ctx context.Context, auditID int64, fw *Framework, in AuditCompletion) (*AuditResult, error)
	// ImprovementActions returns an organisation's improvement actions,
	// open ones first, each group by due date.
	ImprovementActions(ctx context.Context, organisationID int64) ([]ImprovementAction, error)
	// ImprovementAction returns one improvement action.
	ImprovementAction(ctx context.Context, id int64) (*ImprovementAction, error)
	// UpdateImprovementAction changes an open action's title, owner and due
	// date (ECONFLICT once it is closed; EINVALID naming title, owner or
	// due). Only those who work the organisation's audit may.
	UpdateImprovementAction(ctx context.Context, id int64, in ImprovementChange) (*ImprovementAction, error)
	// CloseImprovementAction closes an open action by hand with a note
	// (ECONFLICT once it is closed; EINVALID naming note).
	CloseImprovementAction(ctx context.Context, id int64, in ImprovementClosing) (*ImprovementAction, error)
}

// Score computes the strand scores of a set of answers for an organisation:
// per strand, the mean level of the strand's aspects that apply to the
// organisation, rounded half up to one decimal. An aspect is scored only
// if it applies; answers to aspects the framework does not have (or
// retired) are ignored. It also returns the applicable aspects that have no
// answer: a complete audit has none. A strand with no applicable aspect has
// no score.
func Score(fw *Framework, o *Organisation, answers []AuditAnswer) (scores []StrandScore, missing []string) {
	level := make(map[string]Level, len(answers))
	for _, a := range answers {
		level[a.AspectID] = a.Level
	}
	for _, s := range fw.Strands {
		sum, n := 0, 0
		for _, a := range s.Aspects {
			if !a.AppliesToOrg(o) {
				continue
			}
			l, ok := level[a.ID]
			if !ok || !l.Valid() {
				missing = append(missing, a.ID)
				continue
			}
			sum += int(l)
			n++
		}
		if n == 0 {
			continue
		}
		// tenths = round(10·sum/n), half up, in integers: (20·sum + n) / 2n.
		scores = append(scores, StrandScore{Strand: s.Code, Tenths: (20*sum + n) / (2 * n), Aspects: n})
	}
	return scores, missing
}
