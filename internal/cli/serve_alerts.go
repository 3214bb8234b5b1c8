package cli

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/mail"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/webhook"
)

// Environment variables of serve's alert flags. The SMTP URL may hold a
// password: the variable keeps it out of the process list.
const (
	smtpEnv     = "LIFEGUARD_SMTP"
	mailFromEnv = "LIFEGUARD_MAIL_FROM"
	baseURLEnv  = "LIFEGUARD_BASE_URL"
)

// alertFlags are serve's settings for delivering alerts
// (docs/operations.md, "Alerts").
type alertFlags struct {
	smtp, from, ca, base *string
}

func (a *alertFlags) register(fs *flag.FlagSet) {
	a.smtp = fs.String("smtp", "", "the SMTP server for alert email: smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (implicit TLS) (default $"+smtpEnv+"); without one, email alerts wait in the outbox")
	a.from = fs.String("mail-from", "", "the address alert email is sent from, as Lifeguard <lifeguard@example.org> (default $"+mailFromEnv+")")
	a.ca = fs.String("smtp-ca", "", "a PEM file of CA certificates to trust for the SMTP server, besides the system's")
	a.base = fs.String("base-url", "", "the address users reach Lifeguard at, for the links in alerts, such as https://lifeguard.example.org (default $"+baseURLEnv+", else the listen address)")
}

// sender is the SMTP sender configured, or nil when none is.
func (a *alertFlags) sender() (*mail.Sender, error) {
	if *a.smtp == "" {
		*a.smtp = os.Getenv(smtpEnv)
	}
	if *a.from == "" {
		*a.from = os.Getenv(mailFromEnv)
	}
	if *a.smtp == "" {
		if *a.from != "" || *a.ca != "" {
			return nil, usageError("--mail-from and --smtp-ca go with --smtp (or $%s)", smtpEnv)
		}
		return nil, nil
	}
	s, err := mail.New(mail.Config{URL: *a.smtp, From: *a.from, CAFile: *a.ca})
	if err != nil {
		return nil, usageError("--%v", err)
	}
	return s, nil
}

// baseURL is --base-url or $LIFEGUARD_BASE_URL, checked; "" when
// neither is set, and the listening address stands in.
func (a *alertFlags) baseURL() (string, error) {
	b := *a.base
	if b == "" {
		b = os.Getenv(baseURLEnv)
	}
	if b == "" {
		return "", nil
	}
	u, err := url.Parse(b)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", usageError("--base-url must be an address such as https://lifeguard.example.org, not %q", b)
	}
	return strings.TrimRight(b, "/"), nil
}

// newDelivery is the outbox's delivery for this server; email waits when
// sender is nil.
func newDelivery(db *sqlstore.DB, sender *mail.Sender, base string, now func() time.Time, log *slog.Logger) *jobs.Delivery {
	host, _ := os.Hostname()
	d := &jobs.Delivery{Store: db, Webhook: webhook.NewCaller(10*time.Second, now), BaseURL: base,
		Holder: fmt.Sprintf("%s:%d", host, os.Getpid()), Now: now, Logger: log}
	if sender != nil {
		// Only a real sender: a nil *mail.Sender in the interface would
		// look configured.
		d.Mail = sender
		log.Info("alert email", slog.String("smtp", sender.String()))
	} else {
		log.Warn("no SMTP server (--smtp): email alerts wait in the outbox until one is configured")
	}
	return d
}
