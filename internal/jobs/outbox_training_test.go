package jobs

import (
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestTrainingEmail is the reminder of training falling due: its own
// subject and link, and nothing but the kind and a link in its words.
func TestTrainingEmail(t *testing.T) {
	m := &lifeguard.OutboxMessage{ID: 7, Kind: lifeguard.AlertTraining, Channel: lifeguard.ChannelEmail, UserID: 3,
		OrganisationID: 2, RecordID: 41}
	e := emailFor(m, nil, "staff@example.org", "https://lifeguard.example.org/")
	if e.Subject != "Lifeguard: safeguarding training falls due" || !strings.Contains(e.Body, "https://lifeguard.example.org/training\n") ||
		!strings.Contains(e.Body, "you manage your organisation's staff") {
		t.Errorf("the training email:\n%s\n%s", e.Subject, e.Body)
	}
	if strings.Contains(e.Body, "41") {
		t.Error("the email names the member of staff by id")
	}
}

// TestDigestWords: a digest's email says how many of what, in words, and
// nothing else.
func TestDigestWords(t *testing.T) {
	for _, c := range []struct {
		d             *lifeguard.DigestCounts
		subject, lead string
	}{
		{nil, "Lifeguard: work is waiting", "work waiting"},
		{&lifeguard.DigestCounts{Kind: lifeguard.DigestNew, Concerns: 3, Captures: 1},
			"Lifeguard: 3 new concerns and 1 monitoring capture to read", "has 3 new concerns and 1 monitoring capture"},
		{&lifeguard.DigestCounts{Kind: lifeguard.DigestNew, Captures: 2}, "Lifeguard: 2 monitoring captures to read", "2 monitoring captures"},
		{&lifeguard.DigestCounts{Kind: lifeguard.DigestOverdue, Concerns: 1}, "Lifeguard: 1 concern past a deadline", "1 open concern is past"},
	} {
		subject, lead := digestWords(c.d)
		if subject != c.subject || !strings.Contains(lead, c.lead) {
			t.Errorf("%+v: %q / %q, want %q / %q", c.d, subject, lead, c.subject, c.lead)
		}
	}
}
