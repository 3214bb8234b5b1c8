package jobs

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/mail"
)

// The words of an alert are made here, at delivery, from the message's
// kind, urgency and ids alone: nothing else reaches this code, so no
// email or webhook call can carry a child's name or reference, a
// concern's text or its facts. The reader follows the link and signs in.

// link is the page a message points to.
func link(m *lifeguard.OutboxMessage, base string) string {
	base = strings.TrimRight(base, "/")
	switch {
	case m.Kind == lifeguard.AlertFilterAlert:
		return base + "/filter/alerts"
	case m.Kind == lifeguard.AlertReferral || m.Kind == lifeguard.AlertReferralAnswer:
		return base + "/referrals/" + strconv.FormatInt(m.RecordID, 10)
	case m.Kind == lifeguard.AlertCapture:
		return base + "/monitor/captures"
	case m.Kind == lifeguard.AlertTraining:
		return base + "/training"
	case m.ConcernID != 0:
		return base + "/concerns/" + strconv.FormatInt(m.ConcernID, 10)
	}
	return base + "/inbox"
}

// when says how soon, in words, for a subject line.
func when(u lifeguard.Urgency) string {
	switch u {
	case lifeguard.Immediate:
		return "now"
	case lifeguard.SameWorkingDay:
		return "today"
	}
	return "soon"
}

// emailFor is the email of message m to address to; digest is what a
// digest message tells of, when known.
func emailFor(m *lifeguard.OutboxMessage, digest *lifeguard.DigestCounts, to, base string) mail.Message {
	var subject, lead string
	switch m.Kind {
	case lifeguard.AlertDigest:
		subject, lead = digestWords(digest)
	case lifeguard.AlertNewConcern:
		subject = "Lifeguard: a new concern needs attention " + when(m.Urgency)
		lead = "A new concern has been recorded in Lifeguard that needs a designated safeguarding lead's attention " +
			when(m.Urgency) + "."
		if m.Urgency == lifeguard.Immediate {
			lead += " At least one response is due immediately."
		}
	case lifeguard.AlertEscalation:
		subject = "Lifeguard: an urgent concern has not been opened"
		lead = "A concern that needs attention now has not yet been opened by a designated safeguarding lead." +
			" Please find your safeguarding lead or their deputy in person now, and make sure they open it."
	case lifeguard.AlertFilterAlert:
		subject = "Lifeguard: a filter alert needs attention " + when(m.Urgency)
		lead = "The web filter has raised an alert that needs a designated safeguarding lead's attention."
	case lifeguard.AlertReferral:
		subject = "Lifeguard: a referral has come to your organisation"
		lead = "A referral from another organisation of the partnership, or a reply from the referrer, has come to " +
			"your organisation in Lifeguard. Please acknowledge it and decide what happens next."
	case lifeguard.AlertReferralAnswer:
		subject = "Lifeguard: an agency has answered your referral"
		lead = "The agency you referred to has acknowledged or answered a referral your organisation sent, or asked for " +
			"more information."
	case lifeguard.AlertCapture:
		subject = "Lifeguard: a monitoring capture needs attention " + when(m.Urgency)
		lead = "The monitoring of what children type and search has found something that may mean a child is at risk" +
			" and needs a designated safeguarding lead's attention."
	case lifeguard.AlertTraining:
		subject = "Lifeguard: safeguarding training falls due"
		lead = "Safeguarding or online-safety training recorded in Lifeguard runs out within " +
			strconv.Itoa(lifeguard.TrainingDueWarning) + " days, or has run out: yours, or that of a member of staff you manage." +
			" Please book the training, and record it in Lifeguard once it is done."
	default:
		subject = "Lifeguard: work is waiting"
		lead = "There is work waiting for you in Lifeguard."
	}
	why := "You receive it because you are a safeguarding lead of your organisation."
	switch m.Kind {
	case lifeguard.AlertEscalation:
		why = "You receive it because you are on your organisation's escalation list."
	case lifeguard.AlertTraining:
		why = "You receive it because the training is yours, or because you manage your organisation's staff."
	}
	body := lead + "\n\n" +
		"Open it in Lifeguard:\n" + link(m, base) + "\n\n" +
		"This email holds no details of the child or of the concern: sign in to read them.\n" +
		why + "\n" +
		"Choose which alerts you receive: " + strings.TrimRight(base, "/") + "/account/alerts\n"
	return mail.Message{To: to, Subject: subject, Body: body, ID: deliveryID(m)}
}

// digestWords are the subject and first words of a digest's email: what
// it counts, in words, never whom.
func digestWords(d *lifeguard.DigestCounts) (subject, lead string) {
	switch {
	case d == nil:
		return "Lifeguard: work is waiting", "There is work waiting for you in Lifeguard."
	case d.Kind == lifeguard.DigestOverdue:
		return "Lifeguard: " + count(d.Concerns, "concern", "concerns") + " past a deadline",
			"In your organisation, " + count(d.Concerns, "open concern is", "open concerns are") +
				" past a deadline of the procedure. Please decide what is due, or record why it waits."
	}
	var parts []string
	if d.Concerns > 0 {
		parts = append(parts, count(d.Concerns, "new concern", "new concerns"))
	}
	if d.Captures > 0 {
		parts = append(parts, count(d.Captures, "monitoring capture", "monitoring captures"))
	}
	what := strings.Join(parts, " and ")
	return "Lifeguard: " + what + " to read",
		"Since the last digest, your organisation has " + what + " that did not need attention at once." +
			" Please read them in your inbox."
}

// count is n with the singular or plural words.
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// deliveryID names the message the same on every attempt, for a receiver
// to drop a second copy.
func deliveryID(m *lifeguard.OutboxMessage) string {
	return "lifeguard-outbox-" + strconv.FormatInt(m.ID, 10)
}

// webhookPayload is the JSON body of a webhook call (docs/operations.md).
type webhookPayload struct {
	Delivery       string              `json:"delivery"`
	Event          lifeguard.AlertKind `json:"event"`
	Urgency        lifeguard.Urgency   `json:"urgency,omitempty"`
	OrganisationID int64               `json:"organisation_id"`
	ConcernID      int64               `json:"concern_id,omitempty"`
	RecordID       int64               `json:"record_id,omitempty"`
	CreatedAt      time.Time           `json:"created_at"`
	Link           string              `json:"link"`
}

func webhookBody(m *lifeguard.OutboxMessage, base string) ([]byte, error) {
	b, err := json.Marshal(webhookPayload{Delivery: deliveryID(m), Event: m.Kind, Urgency: m.Urgency,
		OrganisationID: m.OrganisationID, ConcernID: m.ConcernID, RecordID: m.RecordID, CreatedAt: m.CreatedAt,
		Link: link(m, base)})
	if err != nil {
		return nil, fmt.Errorf("encode webhook body: %w", err)
	}
	return b, nil
}
