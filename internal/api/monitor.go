package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Monitoring's endpoints, under /api/v1/monitor (docs/monitor.md). A
// monitor (the school's browser extension, or another system) calls them
// with the token of a user of role "monitor": it reads its organisation's
// settings (the sites it must not send from, the notice it shows pupils)
// and sends captures. The DSL reviews captures in the pages.

// MaxCaptureBody bounds a batch of captures: MaxCaptureBatch texts of
// MaxCaptureText characters fit, with room for the rest of the JSON.
const MaxCaptureBody = 4 << 20

// wireCapture is a capture as a monitor sends it; the time is read as a
// string so that a bad one is a problem naming its field and place.
type wireCapture struct {
	ID     string `json:"id"`
	Time   string `json:"time"`
	Kind   string `json:"kind"`
	URL    string `json:"url"`
	Site   string `json:"site"`
	Device string `json:"device"`
	User   string `json:"user"`
	Text   string `json:"text"`
}

// monitorCaptures scans a batch of captures and stores those that match.
func (a *API) monitorCaptures(w http.ResponseWriter, r *http.Request) error {
	act, err := actor(r.Context())
	if err != nil {
		return err
	}
	if !act.Can(lifeguard.OpSendCaptures) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a monitor's account sends captures.")
	}
	body, err := readBodyLimit(w, r, MaxCaptureBody)
	if err != nil {
		return err
	}
	var in struct {
		Captures []json.RawMessage `json:"captures"`
	}
	if ps := decodeStrict(body, "", &in); len(ps) > 0 {
		return lifeguard.Invalid("invalid request", ps)
	}
	switch {
	case in.Captures == nil:
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "captures", Problem: "is required"}})
	case len(in.Captures) > lifeguard.MaxCaptureBatch:
		return lifeguard.Invalid("invalid request", []lifeguard.Problem{{Path: "captures", Problem: fmt.Sprintf(
			"holds %d captures; send at most %d in one request", len(in.Captures), lifeguard.MaxCaptureBatch)}})
	}
	caps := make([]lifeguard.NewCapture, len(in.Captures))
	var problems []lifeguard.Problem
	for i, raw := range in.Captures {
		prefix := fmt.Sprintf("captures[%d].", i)
		var wc wireCapture
		if ps := decodeStrict(raw, prefix, &wc); len(ps) > 0 {
			problems = append(problems, ps...)
			continue
		}
		caps[i] = lifeguard.NewCapture{ID: wc.ID, Kind: lifeguard.CaptureKind(wc.Kind), URL: wc.URL, Site: wc.Site,
			Device: wc.Device, User: wc.User, Text: wc.Text}
		if wc.Time != "" {
			t, err := time.Parse(time.RFC3339Nano, wc.Time)
			if err != nil {
				problems = append(problems, lifeguard.Problem{Path: prefix + "time",
					Problem: "must be a date-time such as 2026-11-18T10:00:00Z"})
				continue
			}
			caps[i].Time = t
		}
	}
	if len(problems) > 0 {
		return lifeguard.Invalid("The captures are not valid", problems)
	}
	rc, err := a.Monitor.RecordCaptures(r.Context(), caps, a.Scan)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rc)
	return nil
}

// monitorSettingsView is what a monitor needs of the settings: where not
// to send from, and what to tell pupils.
type monitorSettingsView struct {
	OrganisationID int64    `json:"organisation_id"`
	ExcludedSites  []string `json:"excluded_sites"`
	Notice         string   `json:"notice"`
}

// monitorSettings answers the monitor (or the organisation's DSL or
// manager) with its organisation's settings.
func (a *API) monitorSettings(w http.ResponseWriter, r *http.Request) error {
	s, err := a.Monitor.MonitorSettings(r.Context(), 0)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-cache")
	writeJSON(w, http.StatusOK, monitorSettingsView{OrganisationID: s.OrganisationID, ExcludedSites: s.ExcludedSites,
		Notice: s.Notice})
	return nil
}
