package sqlstore

import (
	"context"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// alertFilterAlert tells of filter alert id of organisation org, just
// raised or opened again in t: an email to each of the organisation's
// enabled DSLs and deputies who have not turned filter alerts off, and a
// call of each webhook listening for filter alerts. The message names the
// alert by id only: never the device, the names tried or the category's
// words. The journal entry is made against the organisation by enqueue.
func alertFilterAlert(ctx context.Context, t *tx, now time.Time, org, id int64) error {
	users, err := wantingLeads(ctx, t, org, "p.filter_alerts")
	if err != nil {
		return err
	}
	hooks, err := webhooksFor(ctx, t, org, lifeguard.AlertFilterAlert)
	if err != nil {
		return err
	}
	base := lifeguard.OutboxMessage{Kind: lifeguard.AlertFilterAlert, OrganisationID: org, RecordID: id,
		Urgency: lifeguard.Immediate}
	msgs := make([]lifeguard.OutboxMessage, 0, len(users)+len(hooks))
	for _, u := range users {
		m := base
		m.Channel, m.UserID = lifeguard.ChannelEmail, u
		msgs = append(msgs, m)
	}
	for _, w := range hooks {
		m := base
		m.Channel, m.WebhookID = lifeguard.ChannelWebhook, w
		msgs = append(msgs, m)
	}
	return enqueue(ctx, t, lifeguard.ActorFrom(ctx), now, msgs...)
}
