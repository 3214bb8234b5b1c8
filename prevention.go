package lifeguard

import (
	"context"
	"fmt"
)

// PreventionStore keeps the teaching, parents' and children's voice, and
// internet access registers (issue 17, items 5 to 7).
//
// Access (the rows OpReadPrevention and OpKeepPrevention of the access
// table): everyone of an organisation reads its registers (staff see what
// is taught and how access is given); its manager and DSL keep them. The
// partnership reads none of them, only PreventionFigures (counts, with the
// self-audit) and the board report's prevention section. organisationID 0
// in a read is the actor's own organisation.
//
// Errors beyond the common contract: EINVALID names each field that is
// wrong; an edit of a record of another organisation is ENOTFOUND.
type PreventionStore interface {
	// TeachingEntries lists the organisation's entries of a school year
	// (SchoolYearOf), newest first.
	TeachingEntries(ctx context.Context, organisationID int64, schoolYear int) ([]TeachingEntry, error)
	TeachingEntry(ctx context.Context, id int64) (*TeachingEntry, error)
	RecordTeaching(ctx context.Context, in NewTeaching) (*TeachingEntry, error)
	EditTeaching(ctx context.Context, id int64, in NewTeaching) (*TeachingEntry, error)
	// TeachingCoverage is the coverage map of a school year.
	TeachingCoverage(ctx context.Context, organisationID int64, schoolYear int) (*TeachingCoverage, error)

	// ParentContacts lists the organisation's sessions and communications
	// for parents, newest first.
	ParentContacts(ctx context.Context, organisationID int64) ([]ParentContact, error)
	ParentContact(ctx context.Context, id int64) (*ParentContact, error)
	RecordParentContact(ctx context.Context, in NewParentContact) (*ParentContact, error)
	EditParentContact(ctx context.Context, id int64, in NewParentContact) (*ParentContact, error)

	// ChildSurveys lists the organisation's surveys of children, newest
	// first, with their aggregate answers.
	ChildSurveys(ctx context.Context, organisationID int64) ([]ChildSurvey, error)
	RecordChildSurvey(ctx context.Context, in NewChildSurvey) (*ChildSurvey, error)

	// AccessRecord is the organisation's internet access record, each
	// group with the filter policy that covers it.
	AccessRecord(ctx context.Context, organisationID int64) (*AccessRecord, error)
	RecordAccessGroup(ctx context.Context, in NewAccessGroup) (*AccessGroup, error)
	EditAccessGroup(ctx context.Context, id int64, in NewAccessGroup) (*AccessGroup, error)

	// PreventionFigures counts the three registers for the organisation's
	// self-audit: whoever reads its audits reads them (the partnership
	// too: they are counts).
	PreventionFigures(ctx context.Context, organisationID int64) (*PreventionFigures, error)
}

// PreventionFigures are the teaching, parents', survey and access
// registers of an organisation in counts, as of Today.
type PreventionFigures struct {
	Today Date `json:"today"`
	// SchoolYear is the school year of Today; YearGroups the rows of its
	// coverage map, and Covered of Cells (YearGroups × 8) the cells with
	// at least one entry.
	SchoolYear int `json:"school_year"`
	YearGroups int `json:"year_groups"`
	Cells      int `json:"cells"`
	Covered    int `json:"covered"`
	// ParentContacts and ParentsReached are over the 365 days to Today;
	// Sessions counts the contacts of them that met parents (sessions and
	// meetings).
	ParentContacts int `json:"parent_contacts"`
	ParentSessions int `json:"parent_sessions"`
	ParentsReached int `json:"parents_reached"`
	// Surveys and Respondents are the children's surveys of those 365 days.
	Surveys     int `json:"surveys"`
	Respondents int `json:"respondents"`
	// AccessGroups counts the access record's groups, Unfiltered those no
	// filter policy covers and NoAgreement those that sign no agreement.
	AccessGroups   int  `json:"access_groups"`
	Unfiltered     int  `json:"unfiltered"`
	NoAgreement    int  `json:"no_agreement"`
	FilterAttached bool `json:"filter_attached"`
}

// Aspects of the baseline framework (internal/framework/framework.yaml)
// the three registers evidence.
const (
	AspectTeaching   = "E3" // a planned online-safety curriculum that builds year on year
	AspectVoice      = "E5" // children are asked for their views
	AspectParents    = "E7" // parents are offered information and sessions
	AspectAccessList = "T4" // an up-to-date record of who has internet access
)

// PreventionEvidence is the line shown beside an aspect and the level the
// figures suggest, as PolicyFigures.RegisterEvidence; ok is false for an
// aspect the registers do not speak to. No suggestion goes above 3.
func (f *PreventionFigures) PreventionEvidence(aspect string) (line string, suggest Level, ok bool) {
	switch aspect {
	case AspectTeaching:
		if f.Covered == 0 {
			return fmt.Sprintf("No online-safety teaching recorded for %s yet.", SchoolYearLabel(f.SchoolYear)),
				LevelNotInPlace, true
		}
		line = fmt.Sprintf("Teaching %s: %d of %d year-group strands taught (%d year groups × 8 strands).",
			SchoolYearLabel(f.SchoolYear), f.Covered, f.Cells, f.YearGroups)
		if f.Covered*10 >= f.Cells*9 {
			return line, LevelEstablished, true
		}
		return line, LevelDeveloping, true
	case AspectVoice:
		if f.Surveys == 0 {
			return "No survey of children recorded in the last 12 months.", LevelNotInPlace, true
		}
		line = fmt.Sprintf("Children's surveys in the last 12 months: %d, answered by %d children in all.", f.Surveys, f.Respondents)
		if f.Surveys >= 2 {
			return line, LevelEstablished, true
		}
		return line, LevelDeveloping, true
	case AspectParents:
		if f.ParentContacts == 0 {
			return "No session or communication for parents recorded in the last 12 months.", LevelNotInPlace, true
		}
		line = fmt.Sprintf("Parents in the last 12 months: %d sessions or communications recorded (%d meeting parents), reaching %d.",
			f.ParentContacts, f.ParentSessions, f.ParentsReached)
		if f.ParentContacts >= 3 && f.ParentSessions >= 1 {
			return line, LevelEstablished, true
		}
		return line, LevelDeveloping, true
	case AspectAccessList:
		if f.AccessGroups == 0 {
			return "No group in the internet access record yet.", LevelNotInPlace, true
		}
		line = fmt.Sprintf("Internet access record: %d groups", f.AccessGroups)
		switch {
		case !f.FilterAttached:
			line += "; no DNS filter attached to check them against"
		case f.Unfiltered > 0:
			line += fmt.Sprintf("; %d with no filter policy", f.Unfiltered)
		}
		if f.NoAgreement > 0 {
			line += fmt.Sprintf("; %d signing no agreement", f.NoAgreement)
		}
		line += "."
		if f.Unfiltered == 0 && f.NoAgreement == 0 {
			return line, LevelEstablished, true
		}
		return line, LevelDeveloping, true
	}
	return "", 0, false
}
