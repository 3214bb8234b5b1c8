package mail_test

import (
	"bufio"
	"net"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/mail"
)

// refusingServer is an SMTP server on a loopback port that refuses every
// recipient with reply, the way real servers quote the address back (some
// in another case than the one given). aiosmtpd accepts every recipient,
// so this one speaks the few commands itself.
func refusingServer(t *testing.T, reply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer conn.Close()
				r := bufio.NewReader(conn)
				conn.Write([]byte("220 relay.example ESMTP\r\n"))
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
					case "EHLO", "HELO", "MAIL":
						conn.Write([]byte("250 ok\r\n"))
					case "RCPT":
						conn.Write([]byte(reply + "\r\n"))
					case "QUIT":
						conn.Write([]byte("221 bye\r\n"))
						return
					default:
						conn.Write([]byte("502 no\r\n"))
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestRefusalHidesRecipient: a server's refusal of the recipient that
// quotes the address, as given or in capitals, leaves no part of it in the
// error that the outbox keeps, that the delivery job logs and that
// administrators read.
func TestRefusalHidesRecipient(t *testing.T) {
	for _, reply := range []string{
		"550 5.1.1 <dsl@school.example>: Recipient address rejected: User unknown",
		"550 5.1.1 <DSL@SCHOOL.EXAMPLE>: Recipient address rejected: User unknown",
		"550 5.1.1 <Dsl@School.Example>... User unknown",
	} {
		addr := refusingServer(t, reply)
		err := sender(t, mail.Config{URL: "smtp://" + addr}).Send(t.Context(), message())
		if err == nil {
			t.Fatalf("%q: the message was sent", reply)
		}
		if low := strings.ToLower(err.Error()); strings.Contains(low, "dsl@school.example") ||
			!strings.Contains(err.Error(), "RCPT TO") || !strings.Contains(err.Error(), "User unknown") {
			t.Errorf("%q: error %q; want the refusal without the address", reply, err)
		}
	}
}
