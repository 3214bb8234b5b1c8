package mail_test

import (
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/mail"
	"github.com/lifeguard-scp/lifeguard/internal/mail/smtptest"
)

// TestRefusalHidesRecipient: a server's refusal of the recipient that
// quotes the address, as given or in capitals, leaves no part of it in the
// error that the outbox keeps, that the delivery job logs and that
// administrators read.
func TestRefusalHidesRecipient(t *testing.T) {
	for _, reply := range []func(string) string{
		func(a string) string { return "550 5.1.1 <" + a + ">: Recipient address rejected: User unknown" },
		func(a string) string {
			return "550 5.1.1 <" + strings.ToUpper(a) + ">: Recipient address rejected: User unknown"
		},
		func(string) string { return "550 5.1.1 <Dsl@School.Example>... User unknown" },
	} {
		addr := smtptest.Refusing(t, reply)
		err := sender(t, mail.Config{URL: "smtp://" + addr}).Send(t.Context(), message())
		if err == nil {
			t.Fatalf("%q: the message was sent", reply(message().To))
		}
		if low := strings.ToLower(err.Error()); strings.Contains(low, "dsl@school.example") ||
			!strings.Contains(err.Error(), "RCPT TO") || !strings.Contains(err.Error(), "User unknown") {
			t.Errorf("%q: error %q; want the refusal without the address", reply(message().To), err)
		}
	}
}
