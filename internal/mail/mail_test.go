package mail_test

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/mail"
	"github.com/lifeguard-scp/lifeguard/internal/mail/smtptest"
)

func message() mail.Message {
	return mail.Message{To: "dsl@school.example", Subject: "Lifeguard: a concern needs attention now",
		Body: "A new concern needs your attention.\n.\nA line that was a lone dot.\n", ID: "lifeguard-outbox-7"}
}

func sender(t *testing.T, cfg mail.Config) *mail.Sender {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "Lifeguard <lifeguard@partnership.example>"
	}
	s, err := mail.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSendPlainLoopback: to a relay on this machine a message goes
// without TLS, whole, with its headers.
func TestSendPlainLoopback(t *testing.T) {
	srv := smtptest.Run(t, smtptest.Options{})
	s := sender(t, mail.Config{URL: "smtp://" + srv.Addr()})
	if err := s.Send(t.Context(), message()); err != nil {
		t.Fatal(err)
	}
	ms := srv.Messages()
	if len(ms) != 1 {
		t.Fatalf("%d messages", len(ms))
	}
	m := ms[0]
	for k, want := range map[string]string{
		"To":         "<dsl@school.example>",
		"From":       `"Lifeguard" <lifeguard@partnership.example>`,
		"Subject":    "Lifeguard: a concern needs attention now",
		"Message-Id": "<lifeguard-outbox-7@partnership.example>",
	} {
		if got := m.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(m.Body, "\n.\nA line that was a lone dot.") {
		t.Errorf("body %q", m.Body)
	}
}

// TestSendStartTLSAuth: over STARTTLS, with a certificate trusted through
// the CA file, the password is accepted; a wrong one is refused, and a
// server whose certificate is not trusted is not sent the password.
func TestSendStartTLSAuth(t *testing.T) {
	dir := t.TempDir()
	cert, key := smtptest.SelfSigned(t, dir)
	srv := smtptest.Run(t, smtptest.Options{Cert: cert, Key: key, User: "lifeguard", Password: "s3cret pw"})
	url := fmt.Sprintf("smtp://lifeguard:%s@%s", "s3cret%20pw", srv.Addr())
	if err := sender(t, mail.Config{URL: url, CAFile: cert}).Send(t.Context(), message()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Fatalf("%d messages", n)
	}
	bad := fmt.Sprintf("smtp://lifeguard:wrong@%s", srv.Addr())
	// aiosmtpd 1.4 does not answer a refused AUTH, so the refusal shows
	// as the connection timing out inside authentication; a short timeout
	// keeps the test quick.
	err := sender(t, mail.Config{URL: bad, CAFile: cert, Timeout: 2 * time.Second}).Send(t.Context(), message())
	if err == nil || !strings.Contains(err.Error(), "authentication") {
		t.Errorf("wrong password: %v", err)
	}
	err = sender(t, mail.Config{URL: url}).Send(t.Context(), message())
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("untrusted certificate: %v", err)
	}
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("%d messages after the refused ones", n)
	}
}

// TestRefuseCleartextOffLoopback: a server on another address that does
// not offer STARTTLS is not sent anything.
func TestRefuseCleartextOffLoopback(t *testing.T) {
	ip := nonLoopback(t)
	srv := smtptest.Run(t, smtptest.Options{Host: ip})
	err := sender(t, mail.Config{URL: "smtp://user:pw@" + srv.Addr()}).Send(t.Context(), message())
	if err == nil || !strings.Contains(err.Error(), "offers no STARTTLS") {
		t.Errorf("cleartext to %s: %v", ip, err)
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages sent in the clear", n)
	}
}

// nonLoopback is an address of this machine that is not loopback.
func nonLoopback(t *testing.T) string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && !n.IP.IsLoopback() && n.IP.To4() != nil {
			return n.IP.String()
		}
	}
	t.Skip("this machine has no IPv4 address but loopback")
	return ""
}

// TestErrorsHideRecipient: a refusal that quotes the address does not
// carry it into the error that the outbox keeps.
func TestErrorsHideRecipient(t *testing.T) {
	srv := smtptest.New(t, smtptest.Options{}) // not started: connection refused
	err := sender(t, mail.Config{URL: "smtp://" + srv.Addr()}).Send(t.Context(), message())
	if err == nil || strings.Contains(err.Error(), "dsl@school.example") {
		t.Errorf("error %v", err)
	}
	m := message()
	m.To = "dsl@school.example\r\nBcc: x@y"
	if err := sender(t, mail.Config{URL: "smtp://" + srv.Addr()}).Send(t.Context(), m); err == nil ||
		strings.Contains(err.Error(), "school") {
		t.Errorf("header injection: %v", err)
	}
}

// TestConfig: each bad setting is refused, naming it.
func TestConfig(t *testing.T) {
	for _, tc := range []struct {
		cfg  mail.Config
		want string
	}{
		{mail.Config{URL: "mail.example.org:25", From: "a@b.example"}, "smtp:"},
		{mail.Config{URL: "http://mail.example.org", From: "a@b.example"}, "scheme"},
		{mail.Config{URL: "smtp://mail.example.org:x", From: "a@b.example"}, "smtp:"},
		{mail.Config{URL: "smtp://mail.example.org"}, "mail-from"},
		{mail.Config{URL: "smtp://mail.example.org", From: "not an address"}, "mail-from"},
		{mail.Config{URL: "smtp://mail.example.org", From: "a@b.example", CAFile: "/nonexistent.pem"}, "smtp-ca"},
	} {
		_, err := mail.New(tc.cfg)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want an error naming %s", tc.cfg, err, tc.want)
		}
	}
}
