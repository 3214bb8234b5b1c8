package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestReminders checks what a DSL sees of the reminders job: a reminder
// for a deadline near and for one passed, in the inbox, each linked to its
// concern; dismissing takes it off for good; nobody but the
// organisation's DSL can see or dismiss it.
func TestReminders(t *testing.T) {
	f := newDSLFixture(t, nil)
	// Reported now: due at 17:00 today (so within a 8-hour warning).
	today := f.concern("staff", dslGambling, dslStart)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	if n, err := f.db.RaiseReminders(sys, f.clock.Now(), 8*time.Hour); err != nil || n != 1 {
		t.Fatalf("RaiseReminders: %d, %v", n, err)
	}
	p := f.get("dsl", "/inbox")
	checkPage(t, p)
	mustContain(t, p, `id="reminders-heading">Reminders</h2>`, `href="/concerns/`+strconv.FormatInt(today.ID, 10)+`"`,
		"its deadline is")
	id := regexp1(p.body, `action="/reminders/(\d+)/dismiss"`)
	if id == "" {
		t.Fatal("no dismiss form")
	}

	// Once the deadline passes, the job reminds again, as overdue.
	f.clock.Advance(8 * time.Hour)
	if n, err := f.db.RaiseReminders(sys, f.clock.Now(), 8*time.Hour); err != nil || n != 1 {
		t.Fatalf("RaiseReminders after the deadline: %d, %v", n, err)
	}
	p = f.get("dsl", "/inbox")
	mustContain(t, p, "its deadline passed at")

	// Another school's DSL, staff and the partnership cannot dismiss it.
	for _, who := range []string{"dslB", "staff"} {
		if got := f.post(who, "/reminders/"+id+"/dismiss", nil); got.status == http.StatusSeeOther {
			t.Errorf("%s dismissed another's reminder", who)
		}
	}
	if got := f.get("dslB", "/inbox"); strings.Contains(got.body, "Reminders</h2>") {
		t.Error("another school's DSL sees the reminders")
	}
	after := f.postThen("dsl", "/reminders/"+id+"/dismiss", nil)
	mustContain(t, after, "The reminder is dismissed.")
	if strings.Contains(after.body, `action="/reminders/`+id+`/dismiss"`) {
		t.Error("the dismissed reminder still shows")
	}
	if got := f.post("dsl", "/reminders/nonsense/dismiss", nil); got.status != http.StatusNotFound {
		t.Errorf("a bad reminder id: %d, want 404", got.status)
	}
}
