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
	e := emailFor(m, "staff@example.org", "https://lifeguard.example.org/")
	if e.Subject != "Lifeguard: safeguarding training falls due" || !strings.Contains(e.Body, "https://lifeguard.example.org/training\n") ||
		!strings.Contains(e.Body, "you manage your organisation's staff") {
		t.Errorf("the training email:\n%s\n%s", e.Subject, e.Body)
	}
	if strings.Contains(e.Body, "41") {
		t.Error("the email names the member of staff by id")
	}
}
