package lifeguard

// The board report's prevention section (issue 17, item 8): the
// prevention registers across the report's scope, by type of organisation.
// Like the self-audit figures they are read afresh for each report, not
// kept with the concern sums.

// Measures of PreventionCounts.Measures. Each counts N of Of for one type
// of organisation; a register added later (training in date, by the same
// rule as staff agreement) is one more code here, one more query in the
// store and one more row in internal/report's preventionRows.
const (
	// Organisations whose online-safety policy has a version approved in
	// the 12 months to the report's end and a review not past by then (N),
	// of the organisations (Of).
	MeasurePolicyInDate = "policy_in_date"
	// Staff who agreed to their organisation's current staff agreement
	// (N), of the staff of the organisations (Of).
	MeasureStaffAgreement = "staff_agreement"
	// Staff whose safeguarding and online-safety training is in date on
	// the report's last day by the rules of their role (N), of the staff
	// of the organisations (Of); see TrainingRules.
	MeasureTrainingInDate = "training_in_date"
	// Sessions and communications for parents in the 365 days to the
	// report's end (N), by how many organisations (Of).
	MeasureParentContacts = "parent_contacts"
	// Parents and carers those sessions and communications reached (N).
	MeasureParentsReached = "parents_reached"
	// Surveys of children in the 365 days (N), by how many organisations
	// (Of).
	MeasureChildSurveys = "child_surveys"
	// Children who answered those surveys (N): a count of children, so
	// suppressed like the concern figures.
	MeasureSurveyAnswers = "survey_answers"
)

// PreventionCounts are the prevention section's counts.
type PreventionCounts struct {
	// SchoolYear is the school year (SchoolYearOf) of the report's last
	// day, whose teaching Teaching counts.
	SchoolYear int               `json:"school_year"`
	Measures   []PreventionTally `json:"measures"`
	Teaching   []TeachingTally   `json:"teaching"`
}

// PreventionTally is one measure for one type of organisation.
type PreventionTally struct {
	Measure string  `json:"measure"`
	Setting Setting `json:"setting"`
	N       int64   `json:"n"`
	Of      int64   `json:"of"`
}

// TeachingTally is, for one key stage and strand, how many year groups on
// the organisations' coverage maps were taught the strand in the school
// year (N), of the year groups of the key stage on the maps (Of).
type TeachingTally struct {
	Stage  string         `json:"stage"`
	Strand TeachingStrand `json:"strand"`
	N      int64          `json:"n"`
	Of     int64          `json:"of"`
}
