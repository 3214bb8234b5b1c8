package jobs_test

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/mail"
	"github.com/lifeguard-scp/lifeguard/internal/mail/smtptest"
)

// TestAlertRefusalKeepsNoAddress: when the SMTP server refuses the
// recipients, quoting each address back in capitals, neither the delivery
// job's log lines nor the error kept for administrators hold an address or
// anything the reporter wrote.
func TestAlertRefusalKeepsNoAddress(t *testing.T) {
	w := newAlertWorld(t)
	addr := smtptest.Refusing(t, func(rcpt string) string {
		return "550 5.1.1 <" + strings.ToUpper(rcpt) + ">: Recipient address rejected: User unknown"
	})
	s, err := mail.New(mail.Config{URL: "smtp://" + addr, From: "Lifeguard <lifeguard@partnership.example>",
		Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	d := w.delivery(t, "a", s)
	d.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	w.report(t, lifeguard.Immediate)
	if n := w.pass(t, d); n != 0 {
		t.Fatalf("%d delivered through a server that refuses them", n)
	}
	admin := lifeguard.WithActor(t.Context(), as(t, w.admin))
	ms, err := w.db.OutboxMessages(admin, lifeguard.OutboxFilter{State: lifeguard.OutboxPending})
	if err != nil || len(ms) != 2 {
		t.Fatalf("pending %+v, %v", ms, err)
	}
	kept := ""
	for _, m := range ms {
		if !strings.Contains(m.LastError, "User unknown") {
			t.Errorf("message %d kept %q; want the server's refusal", m.ID, m.LastError)
		}
		kept += m.LastError + "\n"
	}
	if !strings.Contains(logs.String(), "alert not delivered") {
		t.Fatalf("no log line of the failure:\n%s", logs.String())
	}
	for what, text := range map[string]string{"the log": logs.String(), "the kept errors": kept} {
		noPersonalData(t, what, text)
		for _, a := range []string{w.dsl.Email, w.deputy.Email} {
			if strings.Contains(strings.ToLower(text), a) {
				t.Errorf("%s holds %s:\n%s", what, a, text)
			}
		}
	}
}
