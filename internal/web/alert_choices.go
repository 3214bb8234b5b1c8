package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// The alerts page (under the user's settings): what the user chooses to
// be emailed, and, for the organisation's DSLs and managers, when the
// organisation's digests go and whom an unopened urgent concern is
// escalated to. The store enforces both, and refuses a DSL turning
// immediate alerts off; the page shows those as always on.

// escalationSlots is how many places the page offers on the escalation
// list: the next people to tell, in order.
const escalationSlots = 3

// choicesPage is the page's data.
type choicesPage struct {
	Prefs lifeguard.AlertPreferences
	// Lead marks a DSL or deputy, who is sent every kind of alert and
	// cannot turn immediate ones off; others choose escalations only.
	Lead bool
	// Org is nil for a role that does not set the organisation's alerts.
	Org        *lifeguard.AlertSettings
	Candidates []lifeguard.User
	// Slots are the escalation list's places, each the chosen user's id
	// or 0.
	Slots []int64
	// Minutes is the escalation time as typed, shown again when it was
	// not a number.
	Minutes string
	// Errs is each field's problem, by the path the store names it with.
	Errs map[string]string
}

func (wb *Web) alertChoicesForm(w http.ResponseWriter, r *http.Request) error {
	data, err := wb.alertChoicesData(r)
	if err != nil {
		return err
	}
	flash := ""
	if fl := wb.takePageFlash(w, r); fl != nil {
		flash = fl.Message
	}
	return wb.renderAlertChoices(w, r, http.StatusOK, data, nil, flash)
}

func (wb *Web) renderAlertChoices(w http.ResponseWriter, r *http.Request, status int, data *choicesPage, problems []lifeguard.Problem,
	flash string) error {
	for len(data.Slots) < escalationSlots {
		data.Slots = append(data.Slots, 0)
	}
	data.Errs = map[string]string{}
	for _, p := range problems {
		data.Errs[p.Path] = p.Problem
	}
	return wb.render(w, r, status, "alert_choices.html", page{Title: "Alerts", Nav: "settings", Data: data, Problem: problems,
		Flash: flash})
}

// alertChoicesData reads the user's choices and, for those who set them, the
// organisation's settings and who may be on its escalation list.
func (wb *Web) alertChoicesData(r *http.Request) (*choicesPage, error) {
	ctx := r.Context()
	u := fromRequest(r).user
	prefs, err := wb.cfg.Stores.Alerts.AlertPreferences(ctx)
	if err != nil {
		return nil, err
	}
	data := &choicesPage{Prefs: *prefs, Lead: u.Role == lifeguard.RoleDSL}
	if u.Role.Can(lifeguard.OpAlertSettings) {
		if data.Org, err = wb.cfg.Stores.Alerts.AlertSettings(ctx, 0); err != nil {
			return nil, err
		}
		if data.Candidates, err = wb.cfg.Stores.Alerts.EscalationCandidates(ctx, 0); err != nil {
			return nil, err
		}
		data.Slots = append([]int64(nil), data.Org.EscalationList...)
		data.Minutes = strconv.Itoa(data.Org.EscalateAfterMinutes)
	}
	return data, nil
}

// saveAlertPreferences keeps the user's choice of alerts. Only the boxes
// the page shows the user's role are read; the rest keep their values.
func (wb *Web) saveAlertPreferences(w http.ResponseWriter, r *http.Request) error {
	var p lifeguard.AlertPreferences
	return wb.post(w, r, func() (saved, error) {
		cur, err := wb.cfg.Stores.Alerts.AlertPreferences(r.Context())
		if err != nil {
			return saved{}, err
		}
		p = *cur
		on := func(name string) bool { return r.PostForm.Get(name) == "on" }
		p.Escalations = on("escalations")
		if fromRequest(r).user.Role == lifeguard.RoleDSL {
			p.Immediate, p.Digest, p.FilterAlerts, p.OverdueDigest = on("immediate"), on("digest"), on("filter_alerts"),
				on("overdue_digest")
		}
		_, err = wb.cfg.Stores.Alerts.SetAlertPreferences(r.Context(), p)
		return saved{"Your alert choices are saved.", "/account/alerts"}, err
	}, func(err error) error {
		data, derr := wb.alertChoicesData(r)
		if derr != nil {
			return derr
		}
		data.Prefs = p
		return wb.renderAlertChoices(w, r, http.StatusUnprocessableEntity, data, problemsOf(err), "")
	})
}

// saveOrgAlerts keeps the organisation's alert settings.
func (wb *Web) saveOrgAlerts(w http.ResponseWriter, r *http.Request) error {
	var s lifeguard.AlertSettings
	var places []int
	return wb.post(w, r, func() (saved, error) {
		var err error
		s, places, err = orgAlertsForm(r)
		if err != nil {
			return saved{}, err
		}
		_, err = wb.cfg.Stores.Alerts.SetAlertSettings(r.Context(), s)
		return saved{"The organisation's alert settings are saved.", "/account/alerts"}, err
	}, func(err error) error {
		data, derr := wb.alertChoicesData(r)
		if derr != nil {
			return derr
		}
		if data.Org != nil {
			kept := *data.Org
			kept.DigestAt, kept.Zone = s.DigestAt, s.Zone
			data.Org, data.Slots = &kept, slotsOf(r)
			data.Minutes = r.PostForm.Get("escalate_after_minutes")
		}
		return wb.renderAlertChoices(w, r, http.StatusUnprocessableEntity, data, onPlaces(problemsOf(err), places), "")
	})
}

// orgAlertsForm reads the settings typed: a number that is not one is
// refused here, naming the field, as the store would refuse a bad one.
// The escalation list leaves out the places left empty; places[i] is the
// place on the page of the list's entry i.
func orgAlertsForm(r *http.Request) (lifeguard.AlertSettings, []int, error) {
	s := lifeguard.AlertSettings{DigestAt: strings.TrimSpace(r.PostForm.Get("digest_at")),
		Zone: strings.TrimSpace(r.PostForm.Get("zone"))}
	mins := strings.TrimSpace(r.PostForm.Get("escalate_after_minutes"))
	n, err := strconv.Atoi(mins)
	if err != nil {
		return s, nil, lifeguard.Invalid("The alert settings are not valid", []lifeguard.Problem{{
			Path: "escalate_after_minutes", Problem: "must be a whole number of minutes, such as 15"}})
	}
	s.EscalateAfterMinutes = n
	var places []int
	for i, id := range slotsOf(r) {
		if id < 0 {
			return s, nil, lifeguard.Invalid("The alert settings are not valid", []lifeguard.Problem{{
				Path: fmt.Sprintf("escalation_list[%d]", i), Problem: "is not one of the people offered"}})
		}
		if id > 0 {
			s.EscalationList = append(s.EscalationList, id)
			places = append(places, i)
		}
	}
	return s, places, nil
}

// onPlaces moves the store's problems with the escalation list's entries
// to the places on the page they were chosen in.
func onPlaces(ps []lifeguard.Problem, places []int) []lifeguard.Problem {
	out := make([]lifeguard.Problem, len(ps))
	for i, p := range ps {
		var n int
		if _, err := fmt.Sscanf(p.Path, "escalation_list[%d]", &n); err == nil && n >= 0 && n < len(places) {
			p.Path = fmt.Sprintf("escalation_list[%d]", places[n])
		}
		out[i] = p
	}
	return out
}

// slotsOf reads the escalation list's places as posted: 0 for an empty
// place, -1 for one that is not an id.
func slotsOf(r *http.Request) []int64 {
	out := make([]int64, escalationSlots)
	for i := range out {
		v := r.PostForm.Get(fmt.Sprintf("escalation_list[%d]", i))
		if v == "" {
			continue
		}
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			id = -1
		}
		out[i] = id
	}
	return out
}
