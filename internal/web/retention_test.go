package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestRetentionPage: the administrator sees what falls due in the next 90
// days, by kind and record, with no name or words, and downloads it as a
// CSV file that the journal records as a disclosure; a DSL is refused.
func TestRetentionPage(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslGroomed13, dslStart)
	dsl := f.ctx("dsl")
	if _, err := f.db.CloseConcern(dsl, c.ID, lifeguard.NewOutcome{Code: "early_help", Summary: "Early help for the family.",
		CloseAnyway: "The advice was given at the meeting."}); err != nil {
		t.Fatal(err)
	}
	// The child turns 25 in 30 days.
	born := f.clock.Now().AddDate(-25, 0, 30).Format(time.DateOnly)
	if err := f.db.UncheckedExec(t.Context(), `UPDATE children SET date_of_birth = ?, age = NULL, age_as_of = NULL WHERE id = ?`,
		born, *c.ChildID); err != nil {
		t.Fatal(err)
	}
	// A parents' session whose six years end in 40 days: the kinds kept
	// years from a date of their own are listed too.
	held := lifeguard.DateOf(f.clock.Now().AddDate(-6, 0, 40))
	contact, err := f.db.RecordParentContact(dsl, lifeguard.NewParentContact{On: held, Topic: "Online safety evening",
		Kind: lifeguard.ParentSession, Reached: 30})
	if err != nil {
		t.Fatal(err)
	}
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	if _, err := f.db.RefreshRetention(sys, lifeguard.ShippedRetentionSchedule()); err != nil {
		t.Fatal(err)
	}

	p := f.get("alertsadmin", "/admin/retention")
	if p.status != http.StatusOK {
		t.Fatalf("page: %d %s", p.status, p.body)
	}
	checkPage(t, p)
	id := strconv.FormatInt(c.ID, 10)
	mustContain(t, p, "Falling due for erasure", "<td>"+id+"</td>", "Concerns, with their notes", "Children&#39;s records",
		f.orgA.Name, "<td>Contact with parents</td><td>"+strconv.FormatInt(contact.ID, 10)+"</td>", "kept 365 days")
	for _, secret := range []string{"Arranged to meet", "Early help for the family", born, "Online safety evening"} {
		if strings.Contains(p.body, secret) {
			t.Errorf("the page shows %q", secret)
		}
	}

	head, err := f.db.VerifyJournal(sys)
	if err != nil {
		t.Fatal(err)
	}
	csv := f.get("alertsadmin", "/admin/retention.csv")
	if csv.status != http.StatusOK || !strings.Contains(csv.body, "concern,"+id+",") ||
		!strings.Contains(csv.body, "parent_contact,"+strconv.FormatInt(contact.ID, 10)+",") ||
		!strings.HasPrefix(csv.body, "Kind,Record,Organisation,Falls due\r\n") {
		t.Fatalf("csv: %d %q", csv.status, csv.body)
	}
	disclosed := false
	after, err := f.db.JournalEntries(sys, head.Head, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range after {
		if e.Action == "disclose" && e.Record == "retention" {
			disclosed = true
		}
	}
	if !disclosed {
		t.Error("the download is not journalled as a disclosure")
	}

	if got := f.get("dsl", "/admin/retention"); got.status != http.StatusForbidden {
		t.Errorf("a DSL: %d", got.status)
	}
	if got := f.get("dsl", "/admin/retention.csv"); got.status != http.StatusForbidden {
		t.Errorf("a DSL's download: %d", got.status)
	}
}
