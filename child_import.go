package lifeguard

import "time"

// The register of children imported from a school's management information
// system (MIS): internal/childcsv reads the CSV export into ChildImport
// lines, and ChildStore.ImportChildren matches them to the organisation's
// children and writes them, or, in a dry run, says what it would do.

// ChildImport is one import into an organisation's register.
type ChildImport struct {
	OrganisationID int64
	Lines          []ChildImportLine
	// FullRoll says the file lists every child on roll: a child of the
	// register (one with a name or an identifier) on roll and in no line is
	// marked as left on the day of the import.
	FullRoll bool
	// DryRun says what the import would do and changes nothing.
	DryRun bool
	// Fields names the identity fields the file has columns for (the JSON
	// names of ChildIdentity's fields). A field the file lacks is left as
	// it is on a record the import changes.
	Fields []string
}

// ChildIdentityFields are the JSON names of ChildIdentity's fields, in
// order.
func ChildIdentityFields() []string {
	return []string{"upn", "legal_surname", "legal_forename", "preferred_forename", "date_of_birth", "year_group",
		"reg_group", "nhs_number", "la_number", "left_on"}
}

// ChildImportLine is one line of the file: its line number, who it names,
// and what was wrong with it already as read (a date that is not one, a
// line with too many cells), which the import reports with the rest.
type ChildImportLine struct {
	Line     int           `json:"line"`
	Identity ChildIdentity `json:"identity"`
	Problems []Problem     `json:"problems,omitempty"`
}

// MaxChildImportLines bounds the lines of one import: a large secondary
// school has about 2,000 pupils.
const MaxChildImportLines = 20000

// ImportOutcome is what an import does, or would do, with a line or child.
type ImportOutcome string

const (
	ImportAdded     ImportOutcome = "added"
	ImportChanged   ImportOutcome = "changed"
	ImportUnchanged ImportOutcome = "unchanged"
	ImportLeft      ImportOutcome = "left"
	ImportBad       ImportOutcome = "bad"
)

// ChildImportResult is what an import did (or would do, DryRun): one entry
// per line of the file, then one per child marked as left.
type ChildImportResult struct {
	DryRun bool `json:"dry_run"`
	// Imported is true when the import was written: not a dry run, and no
	// line bad.
	Imported  bool                `json:"imported"`
	Added     int                 `json:"added"`
	Changed   int                 `json:"changed"`
	Unchanged int                 `json:"unchanged"`
	Left      int                 `json:"left"`
	Bad       int                 `json:"bad"`
	Lines     []ChildImportReport `json:"lines"`
}

// ChildImportReport is the outcome for one line (Line > 0) or for a child in
// no line marked as left (Line 0). Fields names the fields an added or
// changed record gains or changes; Problems says why a line is bad. Name is
// the child's name as the organisation knows it, for the person importing.
type ChildImportReport struct {
	Line     int           `json:"line,omitempty"`
	Outcome  ImportOutcome `json:"outcome"`
	ChildID  int64         `json:"child_id,omitempty"`
	Ref      string        `json:"ref,omitempty"`
	Name     string        `json:"name,omitempty"`
	Fields   []string      `json:"fields,omitempty"`
	Problems []Problem     `json:"problems,omitempty"`
}

// ChildRecord is a child's record as its page shows it, read in one call
// (ChildStore.ChildRecord).
type ChildRecord struct {
	Child      *Child
	Chronology []ChronologyEntry
	// Merges is nil when the reader is not of the organisation that holds
	// the record, or the record was merged into another.
	Merges []ChildMerge
}

// ChildMerge is a DSL's merge of two records of the same child: the merged
// record's concerns, transfers, vulnerabilities and any names or
// identifiers the kept record lacked moved to the kept one, which the
// merged record now points to (Child.MergedInto).
type ChildMerge struct {
	ID             int64     `json:"id"`
	OrganisationID int64     `json:"organisation_id"`
	KeptChildID    int64     `json:"kept_child_id"`
	MergedChildID  int64     `json:"merged_child_id"`
	MergedRef      string    `json:"merged_ref"`
	MergedBy       int64     `json:"merged_by"`
	MergedAt       time.Time `json:"merged_at"`
	Concerns       int       `json:"concerns"`
	Transfers      int       `json:"transfers"`
}
