package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The administrators' page of alert delivery: the messages given up and
// those still waiting, each with a button to try again now, and the
// webhooks other systems receive alerts by. The store decides who sees
// what (its partnership's messages, for an administrator).

type alertsView struct {
	Failed, Pending []outboxItem
	// More says the waiting list shows only the first of them.
	More     bool
	Webhooks []webhookItem
	Form     webhookForm
	// Made is the webhook just made, shown with its secret this once.
	Made *webhookItem
	// NoMail says this server has no SMTP server to send email with.
	NoMail bool
}

type outboxItem struct {
	ID        int64
	Kind      string
	To        string
	Urgency   string
	Concern   int64
	Created   string
	Next      string
	Failed    string
	Attempts  int
	LastError string
	RetryURL  string
}

type webhookItem struct {
	ID        int64
	URL       string
	Scope     string
	Events    string
	Created   string
	Secret    string
	RemoveURL string
}

// webhookForm is the form to make a webhook, as typed, with its problems.
type webhookForm struct {
	URL    dslField
	Org    string
	Orgs   []webhookOrg
	Events []webhookEvent
	Errs   map[string]string
}

type webhookOrg struct {
	ID       string
	Name     string
	Selected bool
}

type webhookEvent struct {
	ID, Value, Label string
	Checked          bool
}

// outboxPage is how many waiting messages the page lists.
const outboxPage = 20

func requireAdmin(r *http.Request) error {
	if rc := fromRequest(r); rc == nil || !rc.user.Role.Can(lifeguard.OpAdminister) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only an administrator can see how alerts are delivered.")
	}
	return nil
}

func (wb *Web) alertsPage(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	return wb.showAlerts(w, r, http.StatusOK, nil, webhookForm{Events: eventChoices(lifeguard.WebhookEvents())}, nil)
}

// showAlerts renders the page; form is the webhook form as typed, and
// made a webhook just made.
func (wb *Web) showAlerts(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	form webhookForm, made *lifeguard.Webhook) error {
	ctx := r.Context()
	v := alertsView{Form: form, NoMail: !wb.cfg.MailConfigured}
	p := page{Title: "Alert delivery", Nav: "alerts", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	users, err := wb.cfg.Stores.Orgs.Users(ctx)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, u := range users {
		names[u.ID] = u.Name + " (" + u.Email + ")"
	}
	orgs, err := wb.cfg.Stores.Orgs.Organisations(ctx)
	if err != nil {
		return err
	}
	orgNames := map[int64]string{}
	for _, o := range orgs {
		orgNames[o.ID] = o.Name
		id := strconv.FormatInt(o.ID, 10)
		v.Form.Orgs = append(v.Form.Orgs, webhookOrg{ID: id, Name: o.Name, Selected: id == form.Org})
	}
	hooks, err := wb.cfg.Stores.Webhooks.Webhooks(ctx)
	if err != nil {
		return err
	}
	hookURLs := map[int64]string{}
	for _, h := range hooks {
		hookURLs[h.ID] = h.URL
		v.Webhooks = append(v.Webhooks, wb.webhookItem(&h, orgNames))
	}
	if made != nil {
		it := wb.webhookItem(made, orgNames)
		it.Secret = made.Secret
		v.Made = &it
	}
	item := func(m *lifeguard.OutboxMessage) outboxItem {
		it := outboxItem{ID: m.ID, Kind: m.Kind.Label(), Urgency: m.Urgency.Label(), Concern: m.ConcernID,
			Created: wb.showTime(m.CreatedAt), Next: wb.showTime(m.NextAttemptAt), Attempts: m.Attempts,
			LastError: m.LastError, RetryURL: "/admin/alerts/" + strconv.FormatInt(m.ID, 10) + "/retry"}
		if m.FailedAt != nil {
			it.Failed = wb.showTime(*m.FailedAt)
		}
		switch m.Channel {
		case lifeguard.ChannelEmail:
			it.To = "Email to " + or(names[m.UserID], "user "+strconv.FormatInt(m.UserID, 10))
		default:
			it.To = "Webhook " + or(hookURLs[m.WebhookID], strconv.FormatInt(m.WebhookID, 10)+" (removed)")
		}
		return it
	}
	failed, err := wb.cfg.Stores.Outbox.OutboxMessages(ctx, lifeguard.OutboxFilter{State: lifeguard.OutboxFailed, Limit: outboxPage})
	if err != nil {
		return err
	}
	for i := range failed {
		v.Failed = append(v.Failed, item(&failed[i]))
	}
	pending, err := wb.cfg.Stores.Outbox.OutboxMessages(ctx, lifeguard.OutboxFilter{State: lifeguard.OutboxPending, Limit: outboxPage + 1})
	if err != nil {
		return err
	}
	if len(pending) > outboxPage {
		pending, v.More = pending[:outboxPage], true
	}
	for i := range pending {
		v.Pending = append(v.Pending, item(&pending[i]))
	}
	return wb.render(w, r, status, "alerts.html", p)
}

func or(s, otherwise string) string {
	if s == "" {
		return otherwise
	}
	return s
}

func (wb *Web) webhookItem(h *lifeguard.Webhook, orgNames map[int64]string) webhookItem {
	scope := "Every organisation of the partnership"
	if h.OrganisationID != 0 {
		scope = or(orgNames[h.OrganisationID], "Organisation "+strconv.FormatInt(h.OrganisationID, 10))
	}
	labels := make([]string, len(h.Events))
	for i, e := range h.Events {
		labels[i] = e.Label()
	}
	return webhookItem{ID: h.ID, URL: h.URL, Scope: scope, Events: strings.Join(labels, ", "),
		Created: wb.showTime(h.CreatedAt), RemoveURL: "/admin/webhooks/" + strconv.FormatInt(h.ID, 10) + "/remove"}
}

// eventChoices are the event checkboxes, those in checked ticked.
func eventChoices(checked []lifeguard.AlertKind) []webhookEvent {
	var out []webhookEvent
	for _, e := range lifeguard.WebhookEvents() {
		c := false
		for _, x := range checked {
			c = c || x == e
		}
		out = append(out, webhookEvent{ID: "event-" + string(e), Value: string(e), Label: e.Label(), Checked: c})
	}
	return out
}

// retryAlert makes a message due now; the delivery job sends it at its
// next pass.
func (wb *Web) retryAlert(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		return saved{"The message will be sent again within a minute.", "/admin/alerts"},
			wb.cfg.Stores.Outbox.RetryOutbox(r.Context(), id)
	}, nil)
}

// createWebhook makes a webhook and shows the page with its secret, once:
// the secret is never shown again, so the answer is the page itself
// rather than a redirect.
func (wb *Web) createWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	if err := parsePlainForm(w, r); err != nil {
		return err
	}
	form := webhookForm{URL: dslField{ID: "webhook-url", Name: "url", Value: strings.TrimSpace(r.PostForm.Get("url"))},
		Org: r.PostForm.Get("organisation")}
	var events []lifeguard.AlertKind
	for _, e := range r.PostForm["events"] {
		events = append(events, lifeguard.AlertKind(e))
	}
	form.Events = eventChoices(events)
	in := lifeguard.NewWebhook{URL: form.URL.Value, Events: events}
	var err error
	if form.Org != "" {
		if in.OrganisationID, err = strconv.ParseInt(form.Org, 10, 64); err != nil || in.OrganisationID < 0 {
			err = lifeguard.Invalid("The webhook is not valid", []lifeguard.Problem{{Path: "organisation_id",
				Problem: "must be one of the organisations listed"}})
		}
	}
	var made *lifeguard.Webhook
	if err == nil {
		made, err = wb.cfg.Stores.Webhooks.CreateWebhook(r.Context(), in)
	}
	if lifeguard.ErrorCode(err) == lifeguard.EINVALID {
		problems, errs := fieldProblems(err, map[string]problemTarget{
			"url":             {"webhook-url", "Address"},
			"events":          {"event-" + string(lifeguard.AlertNewConcern), "Events"},
			"organisation_id": {"webhook-org", "Organisation"},
		})
		form.Errs = errs
		form.URL.Err = errs["webhook-url"]
		return wb.showAlerts(w, r, http.StatusUnprocessableEntity, problems, form, nil)
	}
	if err != nil {
		return err
	}
	// The secret must not stay in a shared cache or the browser's.
	w.Header().Set("Cache-Control", "no-store")
	return wb.showAlerts(w, r, http.StatusOK, nil, webhookForm{Events: eventChoices(lifeguard.WebhookEvents())}, made)
}

func (wb *Web) removeWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := requireAdmin(r); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		return saved{"The webhook is removed; Lifeguard will not call it again.", "/admin/alerts"},
			wb.cfg.Stores.Webhooks.RemoveWebhook(r.Context(), id)
	}, nil)
}
