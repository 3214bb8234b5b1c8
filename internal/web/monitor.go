package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Monitoring's pages (docs/monitor.md): the review queue of captures for
// the organisation's DSLs, and the monitoring settings for its DSLs and
// managers. The store decides who sees what; these pages ask the access
// table only to say so early.

type capturesView struct {
	Verdict  string // the list shown: unreviewed, true, false or all
	Tabs     []captureTab
	Captures []captureItem
}

type captureTab struct {
	Label, URL string
	Current    bool
}

type captureItem struct {
	ID       int64
	Severity int
	Category string
	Kind     string
	Site     string
	Device   string
	User     string
	When     string
	Kept     string
	// Before, Match and After are the context cut at the primary match,
	// so the page can mark it.
	Before, Match, After string
	Entry, Phrase, Rule  string
	Others               int
	Verdict              string
	Note                 string
	ConcernURL           string
	Base                 string // /monitor/captures/{id}
	// NoteErr is the problem of the review form when it came back.
	NoteErr, NoteTyped string
}

// captureVerdicts are the lists of the queue, in the order of the tabs.
var captureVerdicts = []struct{ code, label string }{
	{"unreviewed", "To review"}, {"true", "True positives"}, {"false", "False positives"}, {"all", "All"}}

func (wb *Web) captures(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReviewCaptures, "see the monitor's captures"); err != nil {
		return err
	}
	return wb.showCaptures(w, r, http.StatusOK, nil, cardForm{})
}

func (wb *Web) showCaptures(w http.ResponseWriter, r *http.Request, status int, problems []lifeguard.Problem,
	bad cardForm) error {
	verdict := r.URL.Query().Get("verdict")
	if verdict == "" {
		verdict = "unreviewed"
	}
	v := capturesView{Verdict: verdict}
	for _, t := range captureVerdicts {
		v.Tabs = append(v.Tabs, captureTab{Label: t.label, URL: "/monitor/captures?verdict=" + t.code,
			Current: t.code == verdict})
	}
	p := page{Title: "Monitoring captures", Nav: "inbox", Data: &v, Problem: problems}
	if len(problems) > 0 {
		p.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	list, err := wb.cfg.Stores.Monitor.Captures(r.Context(), lifeguard.CaptureFilter{Verdict: verdict})
	if err != nil {
		return err
	}
	for _, c := range list {
		it := captureItem{ID: c.ID, Severity: c.Severity, Category: c.Category.Label(), Kind: c.Kind.Label(),
			Site: c.Site, Device: c.Device, User: c.User, When: wb.showTime(c.Time), Kept: wb.showDate(c.DeleteAfter),
			Entry: c.EntryID, Phrase: c.Phrase, Verdict: c.Verdict, Note: c.Note,
			Base: "/monitor/captures/" + strconv.FormatInt(c.ID, 10)}
		it.Before, it.Match, it.After = c.Context, "", ""
		for _, m := range c.Matches {
			if m.EntryID == c.EntryID && m.Start >= 0 && m.End <= len(c.Context) && m.Start <= m.End {
				it.Before, it.Match, it.After = c.Context[:m.Start], c.Context[m.Start:m.End], c.Context[m.End:]
				it.Rule = m.Rule
				break
			}
		}
		it.Others = max(0, len(c.Matches)-1)
		if c.ConcernID != nil {
			it.ConcernURL = "/concerns/" + strconv.FormatInt(*c.ConcernID, 10)
		}
		if c.ID == bad.id {
			it.NoteTyped, it.NoteErr = bad.typed, bad.Err
		}
		v.Captures = append(v.Captures, it)
	}
	return wb.render(w, r, status, "captures.html", p)
}

// showDate is a day in the organisation's zone, for a retention date.
func (wb *Web) showDate(t time.Time) string {
	return t.In(wb.zone()).Format("2 January 2006")
}

// reviewCapture marks a capture a true or false positive, with a note.
func (wb *Web) reviewCapture(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReviewCaptures, "review the monitor's captures"); err != nil {
		return err
	}
	var typed string
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		typed = r.PostForm.Get("note")
		verdict := r.PostForm.Get("verdict")
		_, err := wb.cfg.Stores.Monitor.ReviewCapture(r.Context(), id, verdict, strings.TrimSpace(typed))
		words := "a false positive"
		if verdict == lifeguard.VerdictTrue {
			words = "a true positive"
		}
		return saved{"The capture is marked as " + words + ".", "/monitor/captures"}, err
	}, func(id int64, err error) error {
		field := fmt.Sprintf("note-%d", id)
		problems, errs := fieldProblems(err, map[string]problemTarget{
			"note": {field, "Note"}, "verdict": {field, "Verdict"}})
		return wb.showCaptures(w, r, http.StatusUnprocessableEntity, problems,
			cardForm{id: id, typed: typed, Err: errs[field]})
	})
}

// captureConcern records a concern from a capture in one step and opens
// it, for the DSL to complete with the child once they know who it is.
func (wb *Web) captureConcern(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReviewCaptures, "record a concern from a capture"); err != nil {
		return err
	}
	var c *lifeguard.Concern
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		var err error
		c, err = wb.recorder().CaptureConcern(r.Context(), id)
		if err != nil {
			return saved{}, err
		}
		return saved{"A concern was recorded from the capture, and the capture marked as a true positive. " +
			"Change its facts once you know who the child is.", "/concerns/" + strconv.FormatInt(c.ID, 10)}, nil
	}, nil)
}

// ignoreCapture tells the library to ignore the capture's phrase on its
// site from now on.
func (wb *Web) ignoreCapture(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReviewCaptures, "change what the monitor ignores"); err != nil {
		return err
	}
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		x, err := wb.cfg.Stores.Monitor.IgnoreCapturePhrase(r.Context(), id)
		if err != nil {
			return saved{}, err
		}
		return saved{fmt.Sprintf("“%s” will be ignored on %s from now on.", x.Phrase, x.Site), "/monitor/captures"}, nil
	}, nil)
}

type monitorSettingsView struct {
	Sites, Notice, Retention, TrueRetention string
	Errs                                    map[string]string
	Exclusions                              []lifeguard.CaptureExclusion
	CanSeeExclusions                        bool
}

// mayMonitorSettings is who sees the settings page: the organisation's
// DSLs and managers.
func mayMonitorSettings(r *http.Request) error {
	rc := fromRequest(r)
	if rc == nil || !rc.user.Role.May(lifeguard.OpSetMonitorSettings).Covers(lifeguard.ReachOrganisation) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only your organisation's safeguarding lead or manager can change its monitoring settings.")
	}
	return nil
}

func (wb *Web) monitorSettings(w http.ResponseWriter, r *http.Request) error {
	if err := mayMonitorSettings(r); err != nil {
		return err
	}
	s, err := wb.cfg.Stores.Monitor.MonitorSettings(r.Context(), 0)
	if err != nil {
		return err
	}
	v := monitorSettingsView{Sites: strings.Join(s.ExcludedSites, "\n"), Notice: s.Notice,
		Retention: strconv.Itoa(s.RetentionDays), TrueRetention: strconv.Itoa(s.TrueRetentionDays)}
	return wb.showMonitorSettings(w, r, http.StatusOK, &v, nil)
}

func (wb *Web) showMonitorSettings(w http.ResponseWriter, r *http.Request, status int, v *monitorSettingsView,
	problems []lifeguard.Problem) error {
	rc := fromRequest(r)
	if rc.user.Role.Can(lifeguard.OpReviewCaptures) {
		xs, err := wb.cfg.Stores.Monitor.CaptureExclusions(r.Context())
		if err != nil {
			return err
		}
		v.Exclusions, v.CanSeeExclusions = xs, true
	}
	p := page{Title: "Monitoring settings", Nav: "settings", Data: v, Problem: problems}
	if len(problems) > 0 {
		p.Title += ": there is a problem"
	}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, status, "monitor_settings.html", p)
}

func (wb *Web) saveMonitorSettings(w http.ResponseWriter, r *http.Request) error {
	if err := mayMonitorSettings(r); err != nil {
		return err
	}
	v := &monitorSettingsView{}
	return wb.post(w, r, func() (saved, error) {
		v.Sites, v.Notice = r.PostForm.Get("excluded_sites"), r.PostForm.Get("notice")
		v.Retention, v.TrueRetention = r.PostForm.Get("retention_days"), r.PostForm.Get("true_retention_days")
		s := lifeguard.MonitorSettings{OrganisationID: fromRequest(r).user.OrganisationID, ExcludedSites: []string{},
			Notice: strings.TrimSpace(v.Notice)}
		for line := range strings.Lines(v.Sites) {
			if line = strings.TrimSpace(line); line != "" {
				s.ExcludedSites = append(s.ExcludedSites, line)
			}
		}
		var ps []lifeguard.Problem
		for _, d := range []struct {
			field, typed string
			to           *int
		}{{"retention_days", v.Retention, &s.RetentionDays}, {"true_retention_days", v.TrueRetention, &s.TrueRetentionDays}} {
			n, err := strconv.Atoi(strings.TrimSpace(d.typed))
			if err != nil {
				ps = append(ps, lifeguard.Problem{Path: d.field, Problem: "must be a number of days, such as 30"})
			}
			*d.to = n
		}
		if len(ps) > 0 {
			return saved{}, lifeguard.Invalid("The monitoring settings are not valid", ps)
		}
		_, err := wb.cfg.Stores.Monitor.SetMonitorSettings(r.Context(), s)
		return saved{"The monitoring settings are saved.", "/monitor/settings"}, err
	}, func(err error) error {
		targets := map[string]problemTarget{"notice": {"notice", "Notice"},
			"excluded_sites":      {"excluded_sites", "Sites never monitored:"},
			"retention_days":      {"retention_days", "Keep unreviewed and false positives"},
			"true_retention_days": {"true_retention_days", "Keep true positives"}}
		problems, errs := fieldProblems(err, targets)
		v.Errs = errs
		return wb.showMonitorSettings(w, r, http.StatusUnprocessableEntity, v, problems)
	})
}
