package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
)

// reportDoneData is the confirmation after a report. Its words come from
// the triage: when a route needs the lead now (lifeguard.Route.NeedsLeadNow)
// the reporter is told, first, to find the safeguarding lead in person now,
// how to ring them and whom to ring if they cannot be reached; otherwise,
// the real first deadline. An immediate route that is an instruction to the
// reporter ("keep the evidence") is shown as what to do now themselves:
// it needs nobody fetched, and it comes with almost every concern.
type reportDoneData struct {
	ID        int64
	Emergency bool
	Types     []string
	DSL       bool
	Do, Never []string
	// Now is set when a route needs the lead now.
	Now *actNow
	// Yourself are the immediate instruction routes: what the reporter
	// must do now themselves.
	Yourself []instruction
	// Next says, when nothing is due now, when the safeguarding lead will
	// act on it: a sentence.
	Next string
}

// actNow is what a reporter must do when a concern cannot wait.
type actNow struct {
	// Routes are the titles of the routes due now.
	Routes []string
	// Phone is the organisation's safeguarding contact number, "" when it
	// has none; Tel is the same for a tel: link.
	Phone, Tel string
	// Contacts are whom to ring when the lead and deputy cannot be
	// reached: the contacts the procedure gives for the routes due now,
	// or for a referral to children's social care; empty when it gives
	// none.
	Contacts []routeContact
}

type routeContact struct{ Title, Contact string }

// instruction is an immediate route the reporter carries out themselves.
type instruction struct{ Title, Action string }

// reportDone confirms that the concern is recorded and tells the reporter
// what to do now and what never to do. It reads the concern through the
// store, which lets a reporter read what they reported and journals it.
func (wb *Web) reportDone(w http.ResponseWriter, r *http.Request) error {
	if err := mayReport(r); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return errNoPage
	}
	ctx := r.Context()
	c, err := wb.cfg.Stores.Concerns.Concern(ctx, id)
	if err != nil {
		return err
	}
	d := reportDoneData{ID: c.ID, Emergency: c.Triage.HasRoute("EMERGENCY_999"), DSL: may(fromRequest(r).user, lifeguard.OpWorkConcern, c.OrganisationID)}
	for _, t := range c.Facts.ConcernTypes {
		if info, ok := lifeguard.LookupConcernType(t); ok {
			d.Types = append(d.Types, info.Label)
		}
	}
	d.Do, d.Never = splitReporterGuidance(c.Triage.Guidance)
	for _, rt := range c.Triage.Routes {
		if rt.Urgency == lifeguard.Immediate && !rt.NeedsLeadNow() {
			d.Yourself = append(d.Yourself, instruction{rt.Title, rt.Action})
		}
	}
	title := "Your report is recorded"
	proc, err := wb.procedureFor(ctx)
	if err != nil {
		return err
	}
	if d.Now = actNowFor(proc, &c.Triage); d.Now != nil {
		org, err := wb.cfg.Stores.Orgs.Organisation(ctx, c.OrganisationID)
		if err != nil {
			return err
		}
		d.Now.Phone, d.Now.Tel = org.SafeguardingPhone, telOf(org.SafeguardingPhone)
		title = "Find your safeguarding lead now: your report is recorded"
		if d.DSL {
			title = "Act on it now: your report is recorded"
		}
	} else {
		d.Next = wb.firstDeadline(&c.Triage)
	}
	return wb.render(w, r, http.StatusOK, "report_done.html", page{Title: title, Nav: "report", Data: d})
}

// actNowFor is what the reporter must do now when a route of t needs the
// lead now; nil when none does. The same decision puts the concern first in
// the inbox, escalates it and alerts the leads at once.
func actNowFor(p *procedure.Procedure, t *lifeguard.Triage) *actNow {
	var a *actNow
	for _, rt := range t.Routes {
		if !rt.NeedsLeadNow() {
			continue
		}
		if a == nil {
			a = &actNow{}
		}
		a.Routes = append(a.Routes, rt.Title)
		if rt.Contact != nil && *rt.Contact != "" {
			a.Contacts = append(a.Contacts, routeContact{rt.Title, *rt.Contact})
		}
	}
	// With no contact on the routes due now, the front door of children's
	// social care is whom anyone rings about a child who cannot wait.
	if a != nil && len(a.Contacts) == 0 && p != nil {
		if contact, ok := p.RouteContact("CSC_REFERRAL"); ok {
			title, _ := p.RouteTitle("CSC_REFERRAL")
			a.Contacts = append(a.Contacts, routeContact{title, contact})
		}
	}
	return a
}

// firstDeadline says when the safeguarding lead will act on a concern with
// nothing that needs them now: the earliest deadline of its routes, in the
// words of its urgency; or, with none, when they will look at it. The
// instruction routes the reporter carries out now are not the lead's
// steps, and are told above it.
func (wb *Web) firstDeadline(t *lifeguard.Triage) string {
	var first *lifeguard.Route
	asap := false
	for i := range t.Routes {
		rt := &t.Routes[i]
		if rt.Urgency == lifeguard.Immediate && !rt.NeedsLeadNow() {
			continue
		}
		if rt.Urgency == lifeguard.AsSoonAsPossible {
			asap = true
		}
		if rt.Due != nil && (first == nil || rt.Due.Before(*first.Due)) {
			first = rt
		}
	}
	switch {
	case first != nil:
		due := first.Due.In(wb.zone())
		when := "by " + due.Format("Monday 2 January")
		if first.Urgency != lifeguard.WorkingDays {
			when = "by " + due.Format("15:04") + wb.dayWords(due)
		}
		return "The first step is due " + when + ": " + first.Title + "."
	case asap:
		return "The procedure sets no deadline for it: the safeguarding lead will act on it as soon as they can."
	case len(t.Routes) > 0:
		return "The procedure gives advice only, with no deadline: the safeguarding lead will look at it when they next work through their inbox."
	}
	return "The procedure gives no steps for it and no deadline: the safeguarding lead will look at it when they next work through their inbox."
}

// dayWords names the day of t for a time said before it: " today",
// " tomorrow", or " on Thursday 19 November".
func (wb *Web) dayWords(t time.Time) string {
	today := lifeguard.DateOf(wb.cfg.Now().In(wb.zone()))
	switch lifeguard.DateOf(t) {
	case today:
		return " today"
	case lifeguard.DateOf(wb.cfg.Now().In(wb.zone()).AddDate(0, 0, 1)):
		return " tomorrow"
	}
	return " on " + t.Format("Monday 2 January")
}

// telOf is a phone number as a tel: link wants it: its digits, and a +
// when it starts with one.
func telOf(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}
