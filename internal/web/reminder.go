package web

import (
	"net/http"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// reminderItem is a deadline reminder as the inbox shows it, above the
// concerns: the scheduled reminders job raised it (internal/jobs), and it
// stays until a DSL dismisses it or the deadline stops being true.
type reminderItem struct {
	ID      int64
	URL     string
	Concern int64
	Overdue bool
	// Now: not overdue, but the deadline has come: an immediate route
	// within the window of "now" (the store judged it not overdue).
	Now    bool
	Due    string
	DueISO string
}

// reminders lists the DSL's organisation's reminders, or none when the
// pages were built without a reminder store.
func (wb *Web) reminders(r *http.Request) ([]reminderItem, error) {
	rs, err := wb.cfg.Stores.Reminders.Reminders(r.Context())
	if err != nil {
		return nil, err
	}
	items := make([]reminderItem, len(rs))
	now := wb.cfg.Now()
	for i, x := range rs {
		items[i] = reminderItem{ID: x.ID, URL: concernURL(x.ConcernID), Concern: x.ConcernID,
			Overdue: x.Kind == lifeguard.ReminderOverdue, Due: wb.showTime(x.Due),
			DueISO: x.Due.UTC().Format(time.RFC3339)}
		items[i].Now = !items[i].Overdue && !now.Before(x.Due)
	}
	return items, nil
}

// dismissReminder takes a reminder off the inbox for every DSL of the
// organisation; the concern itself stays as it is.
func (wb *Web) dismissReminder(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		return saved{"The reminder is dismissed.", "/inbox"}, wb.cfg.Stores.Reminders.DismissReminder(r.Context(), id)
	}, nil)
}
