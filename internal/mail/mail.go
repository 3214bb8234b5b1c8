// Package mail sends Lifeguard's alert emails through the SMTP server the
// operator configures, with the standard library's net/smtp. It knows
// nothing of concerns: it is given a recipient, a subject and a body made
// elsewhere from codes and ids only.
//
// The server's URL says how to reach it:
//
//	smtp://[user:password@]host[:587]   plain connection upgraded with STARTTLS
//	smtps://[user:password@]host[:465]  TLS from the first byte (implicit TLS)
//
// A connection that is not encrypted is used only to a loopback address
// (a relay on the same machine): to any other host, an smtp:// server that
// does not offer STARTTLS is refused rather than sent a message or a
// password in the clear. With a user, Lifeguard authenticates with PLAIN.
package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/mail"
	"net/smtp"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config configures a Sender.
type Config struct {
	// URL is the SMTP server: smtp://user:pass@host:587 (STARTTLS) or
	// smtps://user:pass@host:465 (implicit TLS); see the package comment.
	URL string
	// From is the sender's address, as in "Lifeguard <lifeguard@example.org>".
	From string
	// CAFile, when set, is a PEM file of certificates trusted besides the
	// system's, for a server with a private CA (and for tests).
	CAFile string
	// Timeout bounds one delivery, connection to QUIT; 30 s when zero.
	Timeout time.Duration
	// HelloName is the name given in EHLO; "localhost" when empty.
	HelloName string
}

// Sender sends messages to one SMTP server. It is safe for concurrent use:
// each Send opens its own connection.
type Sender struct {
	host, port string
	implicit   bool // smtps://
	user, pass string
	from       *mail.Address
	tls        *tls.Config
	timeout    time.Duration
	hello      string
}

// Message is one email. Body is plain text; lines end in \n and are sent
// with CRLF.
type Message struct {
	To      string
	Subject string
	Body    string
	// ID, when set, becomes the Message-ID's left part, so that a
	// receiver can tell a second copy of the same alert.
	ID string
}

// New checks cfg and returns its Sender. Errors name the flag's field.
func New(cfg Config) (*Sender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("smtp: the URL must look like smtp://user:password@host:587 or smtps://user:password@host:465")
	}
	s := &Sender{host: u.Hostname(), port: u.Port(), timeout: cfg.Timeout, hello: cfg.HelloName}
	switch u.Scheme {
	case "smtp":
		if s.port == "" {
			s.port = "587"
		}
	case "smtps":
		s.implicit = true
		if s.port == "" {
			s.port = "465"
		}
	default:
		return nil, fmt.Errorf("smtp: the URL's scheme must be smtp (STARTTLS) or smtps (implicit TLS), not %q", u.Scheme)
	}
	if _, err := strconv.ParseUint(s.port, 10, 16); err != nil {
		return nil, fmt.Errorf("smtp: the URL's port %q is not a port number", s.port)
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, fmt.Errorf("smtp: the URL must have no path or query")
	}
	if cfg.From == "" {
		return nil, fmt.Errorf("mail-from: an address to send from is required with an SMTP server")
	}
	if s.from, err = mail.ParseAddress(cfg.From); err != nil {
		return nil, fmt.Errorf("mail-from: %q is not an email address: %w", cfg.From, err)
	}
	roots, err := x509.SystemCertPool()
	if err != nil || roots == nil {
		roots = x509.NewCertPool()
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("smtp-ca: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("smtp-ca: %s holds no PEM certificate", cfg.CAFile)
		}
	}
	s.tls = &tls.Config{ServerName: s.host, RootCAs: roots, MinVersion: tls.VersionTLS12}
	if s.timeout <= 0 {
		s.timeout = 30 * time.Second
	}
	if s.hello == "" {
		s.hello = "localhost"
	}
	return s, nil
}

// String names the server without its password, for logs.
func (s *Sender) String() string {
	scheme := "smtp"
	if s.implicit {
		scheme = "smtps"
	}
	return scheme + "://" + net.JoinHostPort(s.host, s.port)
}

// loopback reports whether the server is on this machine, where a
// connection without TLS does not cross a network.
func (s *Sender) loopback() bool {
	if s.host == "localhost" {
		return true
	}
	ip := net.ParseIP(s.host)
	return ip != nil && ip.IsLoopback()
}

// Send delivers m. Its errors never hold the recipient's address: the
// outbox keeps them, and administrators read them.
func (s *Sender) Send(ctx context.Context, m Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil || strings.ContainsAny(m.To, "\r\n") {
		return errors.New("the recipient's address is not valid")
	}
	err = s.send(ctx, to.Address, m)
	if err != nil {
		return errors.New(hideAddress(err.Error(), to.Address))
	}
	return nil
}

// hideAddress replaces addr in msg, in any case: a server that refuses a
// recipient may quote it back in capitals or as it stores it. Compiled
// here, on the error path only, as each message has its own address.
func hideAddress(msg, addr string) string {
	return regexp.MustCompile("(?i)"+regexp.QuoteMeta(addr)).ReplaceAllLiteralString(msg, "<recipient>")
}

func (s *Sender) send(ctx context.Context, to string, m Message) error {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	addr := net.JoinHostPort(s.host, s.port)
	var conn net.Conn
	var err error
	if s.implicit {
		d := tls.Dialer{Config: s.tls}
		conn, err = d.DialContext(ctx, "tcp", addr)
	} else {
		var d net.Dialer
		conn, err = d.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return fmt.Errorf("connect to %s: %w", s, err)
	}
	deadline, _ := ctx.Deadline()
	conn.SetDeadline(deadline)
	// The connection also closes if ctx ends while a command waits.
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	c, err := smtp.NewClient(conn, s.host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("%s: %w", s, err)
	}
	defer c.Close()
	if err := c.Hello(s.hello); err != nil {
		return fmt.Errorf("%s: EHLO: %w", s, err)
	}
	encrypted := s.implicit
	if !s.implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(s.tls); err != nil {
				return fmt.Errorf("%s: STARTTLS: %w", s, err)
			}
			encrypted = true
		} else if !s.loopback() {
			return fmt.Errorf("%s offers no STARTTLS; Lifeguard sends mail without encryption only to a loopback address", s)
		}
	}
	if s.user != "" {
		if err := s.auth(c, encrypted); err != nil {
			return fmt.Errorf("%s: authentication: %w", s, err)
		}
	}
	if err := c.Mail(s.from.Address); err != nil {
		return fmt.Errorf("%s: MAIL FROM: %w", s, err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("%s: RCPT TO: %w", s, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("%s: DATA: %w", s, err)
	}
	if _, err := w.Write(s.format(to, m)); err != nil {
		return fmt.Errorf("%s: writing the message: %w", s, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("%s: the message was refused: %w", s, err)
	}
	// The message is accepted once DATA ends; a failed QUIT changes
	// nothing, and reporting it would send the message again.
	c.Quit()
	return nil
}

// auth authenticates with PLAIN in one command. net/smtp's Client.Auth
// answers a refusal by cancelling with "*", which some servers never
// answer, so a wrong password would hang until the timeout; this sends
// the one command and reads the one reply.
func (s *Sender) auth(c *smtp.Client, encrypted bool) error {
	if !encrypted && !s.loopback() {
		return errors.New("refusing to send a password without TLS")
	}
	ok, mechs := c.Extension("AUTH")
	if !ok || !slices.Contains(strings.Fields(strings.ToUpper(mechs)), "PLAIN") {
		return errors.New("the server does not offer AUTH PLAIN")
	}
	resp := base64.StdEncoding.EncodeToString([]byte("\x00" + s.user + "\x00" + s.pass))
	id, err := c.Text.Cmd("AUTH PLAIN %s", resp)
	if err != nil {
		return err
	}
	c.Text.StartResponse(id)
	defer c.Text.EndResponse(id)
	_, _, err = c.Text.ReadResponse(235)
	return err
}

// format writes the message's headers and body with CRLF line ends.
func (s *Sender) format(to string, m Message) []byte {
	var b strings.Builder
	header := func(k, v string) {
		// No header value may break into a new header.
		v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
		b.WriteString(k + ": " + v + "\r\n")
	}
	header("From", s.from.String())
	header("To", (&mail.Address{Address: to}).String())
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	header("Date", time.Now().UTC().Format(time.RFC1123Z))
	if m.ID != "" {
		domain := s.from.Address[strings.LastIndexByte(s.from.Address, '@')+1:]
		header("Message-ID", "<"+m.ID+"@"+domain+">")
	}
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	header("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	b.WriteString(strings.ReplaceAll(body, "\n", "\r\n"))
	if !strings.HasSuffix(body, "\n") {
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}
