package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net"
	"net/url"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.WebhookStore = (*DB)(nil)

func errNoWebhook() error {
	return lifeguard.Errorf(lifeguard.ENOTFOUND, "There is no such webhook.")
}

// webhookSecretBytes is the length of a webhook's secret before hex: 256
// bits, the size of the HMAC-SHA256 key it becomes.
const webhookSecretBytes = 32

// CreateWebhook records a webhook for the administrator's partnership, or
// one of its organisations, with a new secret returned this once.
func (db *DB) CreateWebhook(ctx context.Context, in lifeguard.NewWebhook) (*lifeguard.Webhook, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !isAdmin(a) {
		return nil, errAdminOnly()
	}
	var p problems
	in.URL = strings.TrimSpace(in.URL)
	p.webhookURL(in.URL)
	events := p.webhookEvents(in.Events)
	if err := p.err("The webhook is not valid"); err != nil {
		return nil, err
	}
	secret := make([]byte, webhookSecretBytes)
	rand.Read(secret)
	w := &lifeguard.Webhook{OrganisationID: in.OrganisationID, URL: in.URL, Events: events,
		Secret: hex.EncodeToString(secret)}
	err = db.inWrite(ctx, "create webhook", func(t *tx) error {
		now := db.now()
		w.CreatedAt = now
		w.PartnershipID = a.PartnershipID
		if in.OrganisationID != 0 {
			o, err := organisationIn(ctx, t, in.OrganisationID)
			if err != nil {
				return err
			}
			if !a.May(lifeguard.OpAdminister).Covers(a.Near(0, o.ID, o.PartnershipID)) {
				return errNoOrganisation()
			}
			w.PartnershipID = o.PartnershipID
		}
		if w.PartnershipID == 0 {
			return lifeguard.Invalid("The webhook is not valid", []lifeguard.Problem{{Path: "organisation_id",
				Problem: "is required when Lifeguard itself makes a webhook"}})
		}
		var err error
		w.ID, err = t.insert(ctx, `INSERT INTO webhooks (partnership_id, organisation_id, url, secret, events,
			created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)`, w.PartnershipID, nullID(w.OrganisationID),
			w.URL, w.Secret, codeList(events), micros(now), nullID(a.UserID))
		if err != nil {
			return err
		}
		// The journal names the events, not the URL or the secret.
		return journal(ctx, t, a, now, jCreate, "webhook", w.ID, "events="+codeList(events))
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// organisationIn reads organisation id's partnership; ENOTFOUND when none.
func organisationIn(ctx context.Context, t *tx, id int64) (*lifeguard.Organisation, error) {
	o := lifeguard.Organisation{ID: id}
	err := t.row(ctx, `SELECT partnership_id FROM organisations WHERE id = ?`, id).Scan(&o.PartnershipID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoOrganisation()
	}
	return &o, err
}

// webhookURL checks a webhook's URL: absolute, https, or http to a
// loopback address only, since a call carries a signature that a network
// eavesdropper could replay within its window.
func (p *problems) webhookURL(s string) {
	p.text("url", s, lifeguard.MaxWebhookURL, true)
	if s == "" {
		return
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.Opaque != "":
		p.add("url", "must be a full address such as https://example.org/lifeguard")
	case u.User != nil:
		p.add("url", "must not hold a user name or password; the signature authenticates each call")
	case u.Scheme == "https":
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme == "http":
		p.add("url", "must use https (plain http is accepted only to a loopback address such as 127.0.0.1)")
	default:
		p.add("url", "must use https")
	}
}

// isLoopback reports whether host is a loopback IP address or localhost.
func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// webhookEvents checks a webhook's events and returns them without
// repeats, in the order of lifeguard.WebhookEvents.
func (p *problems) webhookEvents(in []lifeguard.AlertKind) []lifeguard.AlertKind {
	if len(in) == 0 {
		p.add("events", "choose at least one of new_concern, escalation, filter_alert")
		return nil
	}
	var out []lifeguard.AlertKind
	for _, e := range lifeguard.WebhookEvents() {
		if slices.Contains(in, e) {
			out = append(out, e)
		}
	}
	for _, e := range in {
		if !slices.Contains(lifeguard.WebhookEvents(), e) {
			p.add("events", "%q is not an event; choose from new_concern, escalation, filter_alert", string(e))
			break
		}
	}
	return out
}

// Webhooks lists the webhooks of the administrator's partnership that are
// not removed, without their secrets.
func (db *DB) Webhooks(ctx context.Context) ([]lifeguard.Webhook, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	var where string
	var args []any
	switch a.May(lifeguard.OpAdminister) {
	case lifeguard.ReachAll:
		where = `1 = 1`
	case lifeguard.ReachPartnership:
		where, args = `partnership_id = ?`, []any{a.PartnershipID}
	default:
		return nil, errAdminOnly()
	}
	return readAll(ctx, db, "webhooks", `SELECT id, partnership_id, organisation_id, url, events, created_at
		FROM webhooks WHERE removed_at IS NULL AND `+where+` ORDER BY id LIMIT 500`, args,
		func(scan func(...any) error) (*lifeguard.Webhook, error) {
			var w lifeguard.Webhook
			var org sql.NullInt64
			var events string
			var created int64
			if err := scan(&w.ID, &w.PartnershipID, &org, &w.URL, &events, &created); err != nil {
				return nil, err
			}
			w.OrganisationID, w.CreatedAt = org.Int64, fromMicros(created)
			for e := range strings.SplitSeq(events, ",") {
				w.Events = append(w.Events, lifeguard.AlertKind(e))
			}
			return &w, nil
		})
}

// RemoveWebhook stops calls to webhook id; messages already written for
// it are given up at delivery.
func (db *DB) RemoveWebhook(ctx context.Context, id int64) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !isAdmin(a) {
		return errAdminOnly()
	}
	return db.inWrite(ctx, "remove webhook", func(t *tx) error {
		var p int64
		var org sql.NullInt64
		var removed sql.NullInt64
		err := t.row(ctx, `SELECT partnership_id, organisation_id, removed_at FROM webhooks WHERE id = ?`, id).
			Scan(&p, &org, &removed)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoWebhook()
		}
		if err != nil {
			return err
		}
		if !a.May(lifeguard.OpAdminister).Covers(a.Near(0, org.Int64, p)) || removed.Valid {
			return errNoWebhook()
		}
		now := db.now()
		if _, err := t.exec(ctx, `UPDATE webhooks SET removed_at = ? WHERE id = ?`, micros(now), id); err != nil {
			return err
		}
		return journal(ctx, t, a, now, jUpdate, "webhook", id, "removed")
	})
}
