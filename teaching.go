package lifeguard

import (
	"fmt"
	"time"
)

// What children are taught about online safety (issue 17, item 5): each
// entry records a lesson or unit for one year group against one strand of
// UKCIS's Education for a Connected World framework, and the coverage map
// shows, per year group, which strands were taught in a school year and
// which were not.

// TeachingStrand is a strand of Education for a Connected World. The codes
// are stable identifiers: they are stored, exported and sent through the
// API, so they never change once written; only the words may.
type TeachingStrand string

const (
	StrandSelfImage     TeachingStrand = "self_image"    // self-image and identity
	StrandRelationships TeachingStrand = "relationships" // online relationships
	StrandReputation    TeachingStrand = "reputation"    // online reputation
	StrandBullying      TeachingStrand = "bullying"      // online bullying
	StrandInformation   TeachingStrand = "information"   // managing online information
	StrandHealth        TeachingStrand = "health"        // health, well-being and lifestyle
	StrandPrivacy       TeachingStrand = "privacy"       // privacy and security
	StrandCopyright     TeachingStrand = "copyright"     // copyright and ownership
)

// teachingStrands are the eight strands in the framework's order, with
// the words people read.
var teachingStrands = [...]struct {
	code  TeachingStrand
	words string
}{
	{StrandSelfImage, "Self-image and identity"},
	{StrandRelationships, "Online relationships"},
	{StrandReputation, "Online reputation"},
	{StrandBullying, "Online bullying"},
	{StrandInformation, "Managing online information"},
	{StrandHealth, "Health, well-being and lifestyle"},
	{StrandPrivacy, "Privacy and security"},
	{StrandCopyright, "Copyright and ownership"},
}

// TeachingStrands lists the strands in the framework's order.
func TeachingStrands() []TeachingStrand {
	out := make([]TeachingStrand, len(teachingStrands))
	for i, s := range teachingStrands {
		out[i] = s.code
	}
	return out
}

// Valid reports whether s is one of the eight strands.
func (s TeachingStrand) Valid() bool { return s.Label() != "" }

// Label is the strand's name as the framework writes it; "" for an
// unknown code.
func (s TeachingStrand) Label() string {
	for _, x := range teachingStrands {
		if x.code == s {
			return x.words
		}
	}
	return ""
}

// YearGroups lists the year groups of the register of children
// (NormaliseYearGroup) in school order.
func YearGroups() []string {
	return []string{"N1", "N2", "R", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"}
}

// YearGroupLabel is the words for a year group code: "Reception",
// "Year 7".
func YearGroupLabel(g string) string {
	switch g {
	case "N1":
		return "Nursery 1"
	case "N2":
		return "Nursery 2"
	case "R":
		return "Reception"
	}
	return "Year " + g
}

// KeyStage is the key stage of a year group: "EYFS", "KS1" to "KS5"; ""
// for an unknown year group.
func KeyStage(yearGroup string) string {
	switch yearGroup {
	case "N1", "N2", "R":
		return "EYFS"
	case "1", "2":
		return "KS1"
	case "3", "4", "5", "6":
		return "KS2"
	case "7", "8", "9":
		return "KS3"
	case "10", "11":
		return "KS4"
	case "12", "13":
		return "KS5"
	}
	return ""
}

// KeyStages lists the key stages in order.
func KeyStages() []string { return []string{"EYFS", "KS1", "KS2", "KS3", "KS4", "KS5"} }

// SchoolYearOf is the school year a date falls in, named by the calendar
// year it starts in: 1 September 2026 to 31 August 2027 is 2026.
func SchoolYearOf(d Date) int {
	if d.Month >= time.September {
		return d.Year
	}
	return d.Year - 1
}

// SchoolYearLabel writes a school year as "2026-27".
func SchoolYearLabel(y int) string {
	return fmt.Sprintf("%d-%02d", y, (y+1)%100)
}

// TermOf names the school term a date falls in: autumn (September to
// December), spring (January to Easter, taken as March) or summer.
func TermOf(d Date) string {
	switch {
	case d.Month >= time.September:
		return "Autumn"
	case d.Month <= time.March:
		return "Spring"
	}
	return "Summer"
}

// Limits of a teaching entry's text.
const (
	MaxTeachingText = 2000
	MaxTaughtBy     = 200
)

// TeachingEntry is what one year group was taught on one strand: when,
// what, and by whom or in which subject.
type TeachingEntry struct {
	ID             int64          `json:"id"`
	OrganisationID int64          `json:"organisation_id"`
	YearGroup      string         `json:"year_group"`
	Strand         TeachingStrand `json:"strand"`
	TaughtOn       Date           `json:"taught_on"`
	Taught         string         `json:"taught"`
	TaughtBy       string         `json:"taught_by"`
	RecordedBy     int64          `json:"recorded_by"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

// NewTeaching is the input of a teaching entry, new or edited.
type NewTeaching struct {
	YearGroup string         `json:"year_group"`
	Strand    TeachingStrand `json:"strand"`
	TaughtOn  Date           `json:"taught_on"`
	Taught    string         `json:"taught"`
	TaughtBy  string         `json:"taught_by"`
}

// TeachingCoverage is the coverage map of one organisation's school year:
// a row per year group (those with children on roll, and any other with
// an entry), a cell per strand.
type TeachingCoverage struct {
	OrganisationID int64         `json:"organisation_id"`
	SchoolYear     int           `json:"school_year"`
	Rows           []CoverageRow `json:"rows"`
}

// CoverageRow is one year group's strands, in TeachingStrands order.
type CoverageRow struct {
	YearGroup string         `json:"year_group"`
	Cells     []CoverageCell `json:"cells"`
}

// Gaps counts the strands the year group was not taught.
func (r CoverageRow) Gaps() int {
	n := 0
	for _, c := range r.Cells {
		if c.Entries == 0 {
			n++
		}
	}
	return n
}

// CoverageCell is how often a year group was taught a strand in the
// school year, and when last.
type CoverageCell struct {
	Strand  TeachingStrand `json:"strand"`
	Entries int            `json:"entries"`
	Last    *Date          `json:"last"`
}
