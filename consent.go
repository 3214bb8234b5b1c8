package lifeguard

import (
	"context"
	"time"
)

// Parents' consents (issue 17, item 3): for each child of the register,
// whether a parent or carer consented to the child using the internet at
// the organisation and to images of the child being published on the
// website, on social media and in the press. Each consent is kept with the
// date it was given and, once withdrawn, the date it was withdrawn: a
// withdrawal closes the consent rather than erasing it, so the record
// still shows that images published before that date were published with
// consent. A consent given again after a withdrawal is a new record.
//
// Staff who take photographs need one thing from all this: which children
// of a class must not be photographed or have their images published. The
// do-not-photograph list (PhotoList) shows that, with names and flags only.

// ConsentKind is what a parent consents to.
type ConsentKind string

const (
	ConsentInternet      ConsentKind = "internet"       // using the internet and devices at the organisation
	ConsentImagesWebsite ConsentKind = "images_website" // images published on the organisation's website
	ConsentImagesSocial  ConsentKind = "images_social"  // images published on its social media
	ConsentImagesPress   ConsentKind = "images_press"   // images given to the press
)

// ConsentKinds lists the kinds in the order the pages show them.
func ConsentKinds() []ConsentKind {
	return []ConsentKind{ConsentInternet, ConsentImagesWebsite, ConsentImagesSocial, ConsentImagesPress}
}

// ImageConsentKinds are the kinds about publishing images.
func ImageConsentKinds() []ConsentKind {
	return []ConsentKind{ConsentImagesWebsite, ConsentImagesSocial, ConsentImagesPress}
}

// Valid reports whether k is a known kind.
func (k ConsentKind) Valid() bool {
	switch k {
	case ConsentInternet, ConsentImagesWebsite, ConsentImagesSocial, ConsentImagesPress:
		return true
	}
	return false
}

var consentKindWords = map[ConsentKind]string{
	ConsentInternet:      "Internet access",
	ConsentImagesWebsite: "Images on the website",
	ConsentImagesSocial:  "Images on social media",
	ConsentImagesPress:   "Images in the press",
}

// Label is the words people read for the kind.
func (k ConsentKind) Label() string { return wordsFor(consentKindWords, k) }

// ConsentState is where a child's consent of one kind stands today.
type ConsentState string

const (
	ConsentNone      ConsentState = "none"      // never recorded
	ConsentGiven     ConsentState = "given"     // given and not withdrawn
	ConsentWithdrawn ConsentState = "withdrawn" // given once, withdrawn since
)

// Consent is one consent of one kind for one child: given on GivenOn and,
// when WithdrawnOn is set, withdrawn on that date.
type Consent struct {
	ID             int64       `json:"id"`
	OrganisationID int64       `json:"organisation_id"`
	ChildID        int64       `json:"child_id"`
	Kind           ConsentKind `json:"kind"`
	GivenOn        Date        `json:"given_on"`
	WithdrawnOn    *Date       `json:"withdrawn_on"`
	RecordedBy     int64       `json:"recorded_by"`
	RecordedAt     time.Time   `json:"recorded_at"`
	WithdrawnBy    int64       `json:"withdrawn_by,omitempty"`
	WithdrawnAt    *time.Time  `json:"withdrawn_at"`
}

// ConsentChange is one change recorded by staff: consent of Kind for the
// child given (Given) or withdrawn (not Given) on On. Giving a consent the
// child has already, or withdrawing one the child does not have, changes
// nothing, so a class list posted twice records once.
type ConsentChange struct {
	ChildID int64       `json:"child_id"`
	Kind    ConsentKind `json:"kind"`
	Given   bool        `json:"given"`
	On      Date        `json:"on"`
}

// ConsentGroup chooses a class from the register: a registration group,
// or a year group; neither is every child on roll. ChildID narrows it to
// one child (a child's own page).
type ConsentGroup struct {
	RegGroup  string `json:"reg_group,omitempty"`
	YearGroup string `json:"year_group,omitempty"`
	ChildID   int64  `json:"child_id,omitempty"`
}

// ChildConsents is one row of a class's consent list: a child on roll and
// the state of each kind of consent today.
type ChildConsents struct {
	ChildID   int64                        `json:"child_id"`
	Name      string                       `json:"name"`
	RegGroup  string                       `json:"reg_group"`
	YearGroup string                       `json:"year_group"`
	States    map[ConsentKind]ConsentState `json:"states"`
}

// PhotoListEntry is one child on the do-not-photograph list: a child of the
// class without consent to publish images in at least one of the places.
// NoImages says there is no image consent at all: the child must not be
// photographed for publication anywhere.
type PhotoListEntry struct {
	Name     string `json:"name"`
	RegGroup string `json:"reg_group"`
	NoImages bool   `json:"no_images"`
	// Website, Social and Press say whether images may be published there.
	Website bool `json:"website"`
	Social  bool `json:"social"`
	Press   bool `json:"press"`
}

// PhotoList is a class's do-not-photograph list: who of how many.
type PhotoList struct {
	Group    ConsentGroup     `json:"group"`
	Children int              `json:"children"`
	Entries  []PhotoListEntry `json:"entries"`
}

// ConsentFigures are an organisation's consents in counts, for the
// self-audit (aspect L6): ImageRecorded of OnRoll children on roll have
// an image consent recorded (given or withdrawn) for every place;
// NoImages have none given.
type ConsentFigures struct {
	OnRoll        int `json:"on_roll"`
	ImageRecorded int `json:"image_recorded"`
	NoImages      int `json:"no_images"`
	Internet      int `json:"internet_given"`
}

// ConsentStore keeps parents' consents.
//
// Access (the rows OpRecordConsents, OpReadConsents and OpReadPhotoList of
// the access table): the organisation's managers and DSLs record and read
// its consents; every member of its staff reads a class's
// do-not-photograph list, which holds names and flags only; no one
// outside the organisation sees a child's consent.
type ConsentStore interface {
	// RecordConsents records changes to consents of the actor's
	// organisation's children in one transaction; it returns how many
	// changed something.
	RecordConsents(ctx context.Context, in []ConsentChange) (int, error)
	// ConsentList is a class's children with the state of each consent.
	ConsentList(ctx context.Context, g ConsentGroup) ([]ChildConsents, error)
	// Consents lists the consents of the actor's organisation, every
	// record, withdrawn ones too (childID 0: every child), oldest first.
	Consents(ctx context.Context, childID int64) ([]Consent, error)
	// PhotoList is a class's do-not-photograph list.
	PhotoList(ctx context.Context, g ConsentGroup) (*PhotoList, error)
	// ConsentGroups lists the registration and year groups of the actor's
	// organisation's children on roll.
	ConsentGroups(ctx context.Context) (regGroups, yearGroups []string, err error)
	// ConsentFigures counts an organisation's consents for its self-audit.
	ConsentFigures(ctx context.Context, organisationID int64) (*ConsentFigures, error)
	// ImportConsents records the lines of a consents CSV file (read by
	// internal/consentcsv) in one transaction, as RecordConsents does:
	// every line checked first, each bad one reported with its number,
	// nothing written when one is bad or in a dry run.
	ImportConsents(ctx context.Context, lines []ConsentImportLine, dryRun bool) (*ConsentImportResult, error)
}

// ConsentImportLine is one line of a consents CSV file, as a school's
// management information system exports it: the child by unique pupil
// number, and for each kind of consent the file has a column for, given
// or not. On is the date they were given or withdrawn; the day of the
// import when the file has none. Problems are what was wrong already as
// read (a cell that says neither yes nor no).
type ConsentImportLine struct {
	Line     int             `json:"line"`
	UPN      string          `json:"upn"`
	Consents []ConsentImport `json:"consents"`
	On       Date            `json:"on"`
	Problems []Problem       `json:"problems,omitempty"`
}

// ConsentImport is one cell of a line: consent of Kind given or not.
type ConsentImport struct {
	Kind  ConsentKind `json:"kind"`
	Given bool        `json:"given"`
}

// MaxConsentImportLines bounds one import: a large secondary school's
// roll, with room.
const MaxConsentImportLines = 5000

// ConsentImportResult is what an import did, or would do (DryRun): a
// report per line. Nothing is written when a line is bad.
type ConsentImportResult struct {
	DryRun    bool                  `json:"dry_run"`
	Imported  bool                  `json:"imported"`
	Changed   int                   `json:"changed"`
	Unchanged int                   `json:"unchanged"`
	Bad       int                   `json:"bad"`
	Lines     []ConsentImportReport `json:"lines"`
}

// ConsentImportReport is the outcome of one line: changed (Changes
// consents given or withdrawn), unchanged (the register says so already)
// or bad, with its problems.
type ConsentImportReport struct {
	Line     int           `json:"line"`
	Outcome  ImportOutcome `json:"outcome"`
	ChildID  int64         `json:"child_id,omitempty"`
	Changes  int           `json:"changes,omitempty"`
	Problems []Problem     `json:"problems,omitempty"`
}
