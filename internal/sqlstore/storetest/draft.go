package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// testReportDrafts keeps a draft for the user of a session that has ended
// and gives it back to that user only, once.
func testReportDrafts(t *testing.T, open Opener) {
	f := newFixture(t, open)
	ctx := sys(t.Context())
	now := f.now().UTC().Truncate(time.Second)
	for hash, expires := range map[string]time.Time{
		"ended-a-moment-ago-hash-0000000": now.Add(-time.Minute),
		"ended-long-ago-hash-00000000000": now.Add(-lifeguard.EndedSessionKeep - time.Minute),
	} {
		if _, err := f.db.CreateSession(ctx, lifeguard.Session{UserID: f.staff.ID, TokenHash: []byte(hash),
			CreatedAt: now.Add(-48 * time.Hour), ExpiresAt: expires, LastSeen: expires.Add(-30 * time.Minute)}); err != nil {
			t.Fatal(err)
		}
	}
	d := lifeguard.ReportDraft{Step: 3, Answers: map[string][]string{"description": {"What they told me"}, "type": {"grooming", "sexting"}}}

	for name, hash := range map[string]string{"unknown": "no-such-session-hash-00000000000", "ended long ago": "ended-long-ago-hash-00000000000"} {
		_, err := f.db.KeepReportDraft(ctx, []byte(hash), now, d)
		wantCode(t, err, lifeguard.ENOTFOUND)
		t.Logf("%s: %v", name, err)
	}
	_, err := f.db.KeepReportDraft(as(t.Context(), f.staff), []byte("ended-a-moment-ago-hash-0000000"), now, d)
	wantCode(t, err, lifeguard.EFORBIDDEN)

	for name, bad := range map[string]string{"a NUL": "What\x00they told me", "invalid UTF-8": "What \xff told me"} {
		b := lifeguard.ReportDraft{Step: 3, Answers: map[string][]string{"description": {bad}}}
		_, err := f.db.KeepReportDraft(ctx, []byte("ended-a-moment-ago-hash-0000000"), now, b)
		wantCode(t, err, lifeguard.EINVALID)
		t.Logf("%s: %v", name, err)
	}
	uid, err := f.db.KeepReportDraft(ctx, []byte("ended-a-moment-ago-hash-0000000"), now, d)
	if err != nil || uid != f.staff.ID {
		t.Fatalf("KeepReportDraft = %d, %v; want user %d", uid, err, f.staff.ID)
	}
	for _, u := range []*lifeguard.User{f.staff2, f.dsl, f.staffB} {
		if got, err := f.db.TakeReportDraft(as(t.Context(), u), now); err != nil || got != nil {
			t.Fatalf("user %d took another's draft: %+v, %v", u.ID, got, err)
		}
	}
	got, err := f.db.TakeReportDraft(as(t.Context(), f.staff), now.Add(time.Minute))
	if err != nil || got == nil {
		t.Fatalf("TakeReportDraft = %v, %v", got, err)
	}
	if got.Step != d.Step || !slices.Equal(got.Answers["type"], d.Answers["type"]) ||
		got.Answers["description"][0] != d.Answers["description"][0] {
		t.Fatalf("draft = %+v, want %+v", got, d)
	}
	if again, err := f.db.TakeReportDraft(as(t.Context(), f.staff), now.Add(time.Minute)); err != nil || again != nil {
		t.Fatalf("the draft was given twice: %+v, %v", again, err)
	}

	// A draft not taken in time is not given.
	if _, err := f.db.KeepReportDraft(ctx, []byte("ended-a-moment-ago-hash-0000000"), now, d); err != nil {
		t.Fatal(err)
	}
	if late, err := f.db.TakeReportDraft(as(t.Context(), f.staff), now.Add(lifeguard.ReportDraftKeep+time.Minute)); err != nil || late != nil {
		t.Fatalf("a stale draft was given: %+v, %v", late, err)
	}
}
