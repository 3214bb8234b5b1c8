package lifeguard

import "time"

// Parents and children's voice (issue 17, item 6): the sessions and
// communications an organisation offers parents and carers, and the
// surveys or consultations in which children say what their online lives
// are like. A survey is kept as its aggregate answers only: each question
// with its answer options and how many chose each. No child's name or
// answer is ever kept, so the partnership may see the local needs.

// ParentContactKind is how parents were reached.
type ParentContactKind string

const (
	ParentSession    ParentContactKind = "session"    // a session or workshop for parents
	ParentMeeting    ParentContactKind = "meeting"    // a parents' evening or meeting with an online-safety part
	ParentLetter     ParentContactKind = "letter"     // a letter or email to parents
	ParentNewsletter ParentContactKind = "newsletter" // an item in a newsletter
	ParentWebsite    ParentContactKind = "website"    // a page or resources on the website
	ParentSocial     ParentContactKind = "social"     // a post on the organisation's social media
	ParentOther      ParentContactKind = "other"
)

var parentKinds = [...]struct {
	code  ParentContactKind
	words string
}{
	{ParentSession, "Session or workshop"},
	{ParentMeeting, "Parents' evening or meeting"},
	{ParentLetter, "Letter or email"},
	{ParentNewsletter, "Newsletter item"},
	{ParentWebsite, "Website page or resources"},
	{ParentSocial, "Social media post"},
	{ParentOther, "Other"},
}

// ParentContactKinds lists the kinds in the order forms show them.
func ParentContactKinds() []ParentContactKind {
	out := make([]ParentContactKind, len(parentKinds))
	for i, k := range parentKinds {
		out[i] = k.code
	}
	return out
}

// Label is the words for the kind; "" for an unknown code.
func (k ParentContactKind) Label() string {
	for _, x := range parentKinds {
		if x.code == k {
			return x.words
		}
	}
	return ""
}

// Valid reports whether k is a known kind.
func (k ParentContactKind) Valid() bool { return k.Label() != "" }

// Limits of the parents' and survey registers.
const (
	MaxParentTopic     = 200
	MaxParentNotes     = 2000
	MaxReached         = 100_000
	MaxSurveyQuestions = 30
	MaxSurveyOptions   = 12
	MaxSurveyText      = 300
	MaxRespondents     = 100_000
)

// ParentContact is one session or communication for parents: when, on
// what, of which kind and how many parents it reached (attended, or were
// sent it).
type ParentContact struct {
	ID             int64             `json:"id"`
	OrganisationID int64             `json:"organisation_id"`
	On             Date              `json:"on"`
	Topic          string            `json:"topic"`
	Kind           ParentContactKind `json:"kind"`
	Reached        int               `json:"reached"`
	Notes          string            `json:"notes"`
	RecordedBy     int64             `json:"recorded_by"`
	CreatedAt      time.Time         `json:"created_at"`
	UpdatedAt      time.Time         `json:"updated_at"`
}

// NewParentContact is the input of a parents' session or communication.
type NewParentContact struct {
	On      Date              `json:"on"`
	Topic   string            `json:"topic"`
	Kind    ParentContactKind `json:"kind"`
	Reached int               `json:"reached"`
	Notes   string            `json:"notes"`
}

// ChildSurvey is a survey or consultation of children about their online
// lives, with its aggregate answers.
type ChildSurvey struct {
	ID             int64            `json:"id"`
	OrganisationID int64            `json:"organisation_id"`
	Title          string           `json:"title"`
	On             Date             `json:"on"`
	YearGroups     string           `json:"year_groups"`
	Respondents    int              `json:"respondents"`
	Findings       string           `json:"findings"`
	Questions      []SurveyQuestion `json:"questions"`
	RecordedBy     int64            `json:"recorded_by"`
	CreatedAt      time.Time        `json:"created_at"`
}

// SurveyQuestion is one question of a survey with how many children chose
// each answer.
type SurveyQuestion struct {
	Text    string         `json:"text"`
	Options []SurveyOption `json:"options"`
}

// SurveyOption is one answer to a question and how many chose it.
type SurveyOption struct {
	Text  string `json:"text"`
	Count int    `json:"count"`
}

// NewChildSurvey is the input of a survey: who was asked (year groups in
// words), how many answered, what it found, and the aggregate answers.
type NewChildSurvey struct {
	Title       string           `json:"title"`
	On          Date             `json:"on"`
	YearGroups  string           `json:"year_groups"`
	Respondents int              `json:"respondents"`
	Findings    string           `json:"findings"`
	Questions   []SurveyQuestion `json:"questions"`
}
