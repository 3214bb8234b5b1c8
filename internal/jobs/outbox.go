package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/mail"
	"github.com/lifeguard-scp/lifeguard/internal/webhook"
)

// Defaults of the outbox's delivery.
const (
	// OutboxEvery is the delivery job's period; a commit that writes an
	// alert also wakes delivery at once (Delivery.Listen).
	OutboxEvery = time.Minute
	// OutboxGiveUp is how long a message is retried before it is given up
	// and shown to administrators.
	OutboxGiveUp = 24 * time.Hour
	// outboxLease is how long a server holds the messages it claimed; a
	// batch is small enough to be sent well within it (outboxBatch
	// messages of at most mail.Config.Timeout each).
	outboxLease = 5 * time.Minute
	outboxBatch = 5
	// The wait before the next attempt is the time since the first one
	// (so it doubles), between these bounds.
	outboxMinWait = 30 * time.Second
	outboxMaxWait = time.Hour
)

// Mailer sends one email; *mail.Sender is one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) error
}

// Delivery sends the outbox's due messages. Every server runs it; the
// store's per-message leases keep two from sending one message at once.
type Delivery struct {
	Store lifeguard.OutboxStore
	// Mail sends email; nil when no SMTP server is configured, and email
	// messages then wait in the outbox (an administrator sees them).
	Mail    Mailer
	Webhook *webhook.Caller
	// BaseURL is Lifeguard's address as users reach it, for links.
	BaseURL string
	Holder  string
	Now     func() time.Time
	Logger  *slog.Logger
	// GiveUp defaults to OutboxGiveUp.
	GiveUp time.Duration
	// Metrics counts deliveries; nil counts nothing.
	Metrics *Metrics
}

// Job runs Pass every OutboxEvery, once across servers.
func (d *Delivery) Job() Job {
	return Job{Name: "outbox", Every: OutboxEvery, Run: func(ctx context.Context, _ time.Time) error {
		_, err := d.Pass(ctx)
		return err
	}}
}

// Listen runs Pass each time wake receives, until ctx ends: a server
// sends the alerts it wrote without waiting for the job's next slot.
func (d *Delivery) Listen(ctx context.Context, wake <-chan struct{}) {
	ctx = lifeguard.WithActor(ctx, lifeguard.SystemActor())
	for {
		select {
		case <-ctx.Done():
			return
		case <-wake:
		}
		if _, err := d.Pass(ctx); err != nil && ctx.Err() == nil {
			d.log().Warn("outbox delivery pass failed", slog.String("err", err.Error()))
		}
	}
}

func (d *Delivery) log() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// channels are those this server can deliver.
func (d *Delivery) channels() []lifeguard.Channel {
	chs := []lifeguard.Channel{lifeguard.ChannelWebhook}
	if d.Mail != nil {
		chs = append(chs, lifeguard.ChannelEmail)
	}
	return chs
}

// Pass claims and sends due messages, a batch at a time, until none is
// due, and returns how many were delivered. The context must carry the
// system actor.
func (d *Delivery) Pass(ctx context.Context) (int, error) {
	delivered := 0
	for ctx.Err() == nil {
		now := d.Now()
		batch, err := d.Store.ClaimOutbox(ctx, lifeguard.OutboxClaim{Holder: d.Holder, Until: now.Add(outboxLease),
			Channels: d.channels(), Limit: outboxBatch}, now)
		if err != nil {
			return delivered, err
		}
		for _, m := range batch {
			if d.deliver(ctx, m) {
				delivered++
			}
		}
		if len(batch) < outboxBatch {
			break
		}
	}
	return delivered, nil
}

// deliver sends one message and records the outcome.
func (d *Delivery) deliver(ctx context.Context, x lifeguard.OutboxDelivery) bool {
	m := x.Message
	log := d.log().With(slog.Int64("outbox", m.ID), slog.String("kind", string(m.Kind)),
		slog.String("channel", string(m.Channel)))
	var err error
	switch {
	case x.Gone != "":
		err = errGone(x.Gone)
	case d.Now().Sub(m.RetryFrom) >= d.giveUp():
		// An alert is news: one that could not go out within the window
		// (every server down, or no SMTP server until now) is not sent
		// late as if it were; an administrator sees it and can send it.
		err = errGone("not sent: written more than " + d.giveUp().String() + " before it could be sent")
	case m.Channel == lifeguard.ChannelEmail:
		err = d.Mail.Send(ctx, emailFor(&m, x.Digest, x.Address, d.BaseURL))
	default:
		var body []byte
		if body, err = webhookBody(&m, d.BaseURL); err == nil {
			err = d.Webhook.Post(ctx, x.URL, x.Secret, deliveryID(&m), body)
		}
	}
	now := d.Now()
	var r lifeguard.OutboxResult
	if err != nil {
		r.Error = err.Error()
		if _, gone := err.(errGone); !gone {
			r.Next = d.next(&m, now)
		}
	}
	// The outcome is recorded even if ctx ended meanwhile: a message sent
	// must not be sent again for want of a record.
	if ferr := d.Store.FinishOutbox(context.WithoutCancel(ctx), m.ID, d.Holder, now, r); ferr != nil {
		log.Warn("outbox delivery not recorded", slog.String("err", ferr.Error()))
	}
	switch {
	case err == nil:
		d.Metrics.delivery(string(m.Channel), "delivered")
		log.Info("alert delivered")
		return true
	case r.Next.IsZero():
		d.Metrics.delivery(string(m.Channel), "given_up")
		log.Error("alert given up; an administrator can retry it", slog.String("err", r.Error),
			slog.Int("attempts", m.Attempts+1))
	default:
		d.Metrics.delivery(string(m.Channel), "retry")
		log.Warn("alert not delivered; will retry", slog.String("err", r.Error),
			slog.Time("next", r.Next), slog.Int("attempts", m.Attempts+1))
	}
	return false
}

func (d *Delivery) giveUp() time.Duration {
	if d.GiveUp <= 0 {
		return OutboxGiveUp
	}
	return d.GiveUp
}

// errGone is a message that can never be delivered.
type errGone string

func (e errGone) Error() string { return string(e) }

// next is when to try m again after a failure at now: after as long again
// as it has been trying (30 s at first, at most an hour), or never once
// it has tried for GiveUp.
func (d *Delivery) next(m *lifeguard.OutboxMessage, now time.Time) time.Time {
	tried := now.Sub(m.RetryFrom)
	if tried >= d.giveUp() {
		return time.Time{}
	}
	return now.Add(min(max(tried, outboxMinWait), outboxMaxWait))
}
