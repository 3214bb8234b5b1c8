package lifeguard

import (
	"context"
	"time"
)

// The partnership's directory kept on pages (issue 16 item 1): the local
// procedure file (contacts, titles and actions of routes, working hours,
// early-help timescale, holidays) kept by the partnership officer as
// numbered versions in the store. The newest version is the local
// procedure of every new concern's triage; older versions stay to be read.

// DirectoryVersion is one saved version of a partnership's directory.
// Document is the local procedure YAML that `lifeguard procedure check`
// accepts; the store keeps it as given (the caller checks it by loading it).
type DirectoryVersion struct {
	PartnershipID int64     `json:"partnership_id"`
	Version       int       `json:"version"`
	Document      string    `json:"document,omitempty"`
	Summary       string    `json:"summary"`
	SavedByID     int64     `json:"saved_by_id,omitempty"`
	SavedBy       string    `json:"saved_by"`
	SavedAt       time.Time `json:"saved_at"`
}

// MaxDirectoryDocument bounds a directory version's document, in bytes: a
// local procedure file is a few kilobytes.
const MaxDirectoryDocument = 256 << 10

// DirectoryStore keeps the versions of a partnership's directory.
//
// SaveDirectoryVersion saves document as the version after base, the
// version the officer started from: ECONFLICT when another version was
// saved since, so that no change is lost and what the preview showed is what
// is saved. Only the partnership officer or an administrator saves or lists
// versions (OpKeepDirectory). CurrentDirectory is the newest version, read by
// the triage of every new concern for any actor of the partnership; Version
// 0 with an empty Document when none was saved.
type DirectoryStore interface {
	SaveDirectoryVersion(ctx context.Context, partnership int64, base int, document, summary string) (DirectoryVersion, error)
	DirectoryVersions(ctx context.Context, partnership int64) ([]DirectoryVersion, error)
	DirectoryVersionAt(ctx context.Context, partnership int64, version int) (DirectoryVersion, error)
	CurrentDirectory(ctx context.Context, partnership int64) (DirectoryVersion, error)
	// The organisations' leads are kept with the directory (lead.go).
	LeadStore
}
