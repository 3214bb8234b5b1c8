package e2e

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// openData opens the running demo server's database beside it, to do what
// time would (end a session) and to count what was recorded.
func openData(t *testing.T, a *app) *sqlstore.DB {
	t.Helper()
	// The server seals the journal's head with the key beside the database;
	// a store opened without it would leave an unsealed head that the
	// server then rightly refuses to write after.
	hexKey, err := os.ReadFile(filepath.Join(a.data, "journal.key"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(hexKey)))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: filepath.Join(a.data, "lifeguard.db"), JournalKey: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// reportsBy counts the concerns the user has reported.
func reportsBy(t *testing.T, db *sqlstore.DB, u *lifeguard.User) int {
	t.Helper()
	ctx := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: u.ID, Role: u.Role,
		OrganisationID: u.OrganisationID, PartnershipID: u.PartnershipID, Via: "session"})
	n, cursor := 0, ""
	for {
		page, err := db.ListConcerns(ctx, lifeguard.ConcernFilter{Cursor: cursor, Limit: 200})
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Concerns)
		if page.Next == "" {
			return n
		}
		cursor = page.Next
	}
}

// TestReportSurvivesEndedSession writes a report, has the session end
// before the third step is sent, signs in again and finds the report as it
// was, with the reason; sends it, then goes back and sends the last step
// again, as an impatient or unsure reporter would: one concern.
func TestReportSurvivesEndedSession(t *testing.T) {
	a := startApp(t)
	db := openData(t, a)
	const email = "staff@demo.test"
	creds, err := db.CredentialsByEmail(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), email)
	if err != nil {
		t.Fatal(err)
	}
	staff := &creds.User
	before := reportsBy(t, db, staff)

	b := newBrowser(t)
	b.signIn(a.url, email)
	b.run(chromedp.Navigate(a.url+"/report"), chromedp.WaitVisible("main form", chromedp.ByQuery),
		chromedp.Click(`input[name=danger][value=no]`, chromedp.ByQuery))
	b.submit(`.actions button[value=next]`)
	b.run(chromedp.SendKeys("#child-age", "14", chromedp.ByQuery))
	b.submit(`.actions button[value=next]`)
	const words = "He keeps messaging her at night and told her not to tell anyone."
	b.run(chromedp.SendKeys("#description", words, chromedp.ByQuery))

	// The session ends while the words are being written.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := db.UncheckedExec(ctx, `UPDATE sessions SET expires_at = ? WHERE user_id = ?`,
		time.Now().Add(-time.Minute).UnixMicro(), staff.ID); err != nil {
		t.Fatal(err)
	}
	b.submit(`.actions button[value=next]`)
	if !strings.Contains(b.location(), "/signin") {
		t.Fatalf("after the session ended, the post went to %s, want the sign-in page", b.location())
	}
	b.checkAccessible("sign in again with a report kept")
	b.run(chromedp.SendKeys("#email", email, chromedp.ByQuery), chromedp.SendKeys("#password", demoPassword, chromedp.ByQuery))
	b.submit(`main button[type=submit]`)

	text := b.text()
	for _, want := range []string{"your session ended", "Your report was kept", "step 3 of 5"} {
		if !strings.Contains(text, want) {
			t.Errorf("after signing in again, the page lacks %q:\n%s", want, text)
		}
	}
	var got string
	b.run(chromedp.Value("#description", &got, chromedp.ByQuery))
	if got != words {
		t.Fatalf("the description after signing in again is %q, want %q", got, words)
	}
	b.checkAccessible("report restored after sign-in")
	b.screenshot("report-restored")

	b.submit(`.actions button[value=next]`)
	b.run(chromedp.Click(`input[name=type][value=grooming]`, chromedp.ByQuery))
	b.submit(`.actions button[value=next]`)
	b.submit(`.actions button[value=next]`)
	done := regexp.MustCompile(`/report/\d+/done$`).FindString(b.location())
	if done == "" {
		t.Fatalf("not on a confirmation page: %s\n%s", b.location(), b.text())
	}

	// Back to the last step and reload it (Chromium asks to send the form
	// again, "Confirm form resubmission"; a reload through the DevTools
	// protocol sends it), then send the report again from it.
	chromedp.Run(b.ctx, chromedp.NavigateBack()) // ERR_CACHE_MISS: the page came from a POST
	b.next(chromedp.Reload())
	if !strings.Contains(b.text(), "step 5 of 5") {
		t.Fatalf("back and reload gave %s:\n%s", b.location(), b.text())
	}
	b.submit(`.actions button[value=next]`)
	if !strings.HasSuffix(b.location(), done) {
		t.Errorf("sending the last step again went to %s, want %s", b.location(), done)
	}
	if n := reportsBy(t, db, staff) - before; n != 1 {
		t.Errorf("%d concerns recorded, want 1", n)
	}
}
