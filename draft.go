package lifeguard

import (
	"context"
	"time"
)

// EndedSessionKeep is how long a session row is kept after the session
// expired: long enough to tie a report form posted after it ended to its
// user (see DraftStore), short enough that an old cookie identifies no one.
const EndedSessionKeep = 24 * time.Hour

// ReportDraftKeep is how long a report draft waits for its user to sign in
// again before the retention job deletes it.
const ReportDraftKeep = 24 * time.Hour

// ReportDraft is what a report form held when its post arrived after the
// session had ended: the step being sent and every answer, by field name.
type ReportDraft struct {
	Step    int
	Answers map[string][]string
	SavedAt time.Time
}

// DraftStore keeps report drafts, so that a member of staff whose session
// ended while they were writing loses nothing: the draft is kept in the
// database (never in a cookie or a log) for the user the ended session
// belonged to, and given back only to that user.
type DraftStore interface {
	// KeepReportDraft keeps d, replacing any earlier draft, for the user of
	// the session with the token hash if that session expired less than
	// EndedSessionKeep before now; ENOTFOUND when no session identifies an
	// enabled user (signed out, expired long ago, or never was). Only the
	// system actor may call it: there is no signed-in user. It returns the
	// user's id.
	KeepReportDraft(ctx context.Context, sessionHash []byte, now time.Time, d ReportDraft) (int64, error)
	// TakeReportDraft returns the acting user's draft and deletes it; nil
	// when there is none, or it is older than ReportDraftKeep.
	TakeReportDraft(ctx context.Context, now time.Time) (*ReportDraft, error)
}
