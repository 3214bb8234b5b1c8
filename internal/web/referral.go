package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Referrals to another agency of the partnership: the referring DSL sends
// a route of a concern from the concern page; the receiving agency's DSL
// works it from the referrals page; both sides read one referral's page,
// which shows the receiver what was sent and the referrer the agency's
// answer. The store decides who sees what (referral.go there).

func referralURL(id int64) string { return "/referrals/" + strconv.FormatInt(id, 10) }

// referralItem is one referral in a list.
type referralItem struct {
	ID        int64
	URL       string
	Route     string
	Agency    string
	Other     string
	Status    string
	Open      bool
	Waiting   bool // for the receiver: not yet acknowledged
	Sent      string
	Phoned    string
	Acked     string
	Decided   string
	Outcome   string
	ConcernID int64
	// Stage is the LADO's initial consideration, when made.
	Stage string
}

func (wb *Web) referralItem(x *lifeguard.Referral, mine int64) referralItem {
	it := referralItem{ID: x.ID, URL: referralURL(x.ID), Route: lifeguard.ReferralLabel(x.Route), Agency: x.Agency.Label(),
		Status: x.Status.Label(), Open: x.Open(), Sent: wb.showTime(x.SentAt), ConcernID: x.ConcernID,
		Waiting: x.Status == lifeguard.ReferralSent}
	it.Other = x.ToOrgName
	if x.ToOrgID == mine {
		it.Other = x.FromOrgName
	}
	if x.PhonedAt != nil {
		it.Phoned = wb.showTime(*x.PhonedAt)
	}
	if x.AcknowledgedAt != nil {
		it.Acked = wb.showTime(*x.AcknowledgedAt)
	}
	if x.DecidedAt != nil {
		it.Decided = wb.showTime(*x.DecidedAt)
		it.Outcome = x.Agency.OutcomeLabel(x.Outcome)
	}
	if x.HarmThresholdMet != nil {
		it.Stage = "Harm threshold not met"
		if *x.HarmThresholdMet {
			it.Stage = "Harm threshold met: the LADO manages the allegation"
		}
	}
	return it
}

type referralsView struct {
	Received, Sent []referralItem
}

// referrals is the referrals inbox: received by the organisation, open
// first, and sent by it with the agency's answers.
func (wb *Web) referrals(w http.ResponseWriter, r *http.Request) error {
	if err := requireRule(r, lifeguard.OpReadReferral, "see referrals"); err != nil {
		return err
	}
	rs, err := wb.cfg.Stores.Referrals.Referrals(r.Context())
	if err != nil {
		return err
	}
	v := referralsView{}
	mine := fromRequest(r).user.OrganisationID
	for i := range rs {
		it := wb.referralItem(&rs[i], mine)
		if rs[i].ToOrgID == mine {
			v.Received = append(v.Received, it)
		} else {
			v.Sent = append(v.Sent, it)
		}
	}
	p := page{Title: "Referrals", Nav: "referrals", Data: &v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "referrals.html", p)
}

// referralView is one referral's page.
type referralView struct {
	referralItem
	Receiver, Referrer bool
	Facts              []factRow
	Words              string
	Routes             []string
	Decisions          []string
	Child              []factRow
	Chronology         []string
	SentBy, Phone      string
	PhoneNote          string
	Parts              string
	Considered         string
	Threshold          string
	Retention          string
	DecisionNote       string
	Messages           []messageView
	// Forms the actor may use now.
	CanAcknowledge, CanConsider, CanAnswer, CanAsk, CanEmployer, CanReply bool
	Outcomes                                                              []lifeguard.OutcomeInfo
}

type messageView struct {
	Kind, From, At, Text string
}

func (wb *Web) referralPage(w http.ResponseWriter, r *http.Request) error {
	id, err := idFromPath(r, "id")
	if err != nil {
		return err
	}
	x, err := wb.cfg.Stores.Referrals.Referral(r.Context(), id)
	if err != nil {
		return err
	}
	u := fromRequest(r).user
	v := &referralView{referralItem: wb.referralItem(x, u.OrganisationID), Receiver: x.ToOrgID == u.OrganisationID,
		Referrer: x.FromOrgID == u.OrganisationID, PhoneNote: x.PhoneNote, DecisionNote: x.DecisionNote}
	if s := x.Snapshot; s != nil {
		v.Facts, v.Words, v.SentBy, v.Phone = wb.factRows(&s.Facts), s.Words, s.SentByName, s.SafeguardingPhone
		for _, rt := range s.Routes {
			v.Routes = append(v.Routes, rt.Title+" ("+rt.Urgency.Label()+")")
		}
		for _, d := range s.Decisions {
			line := string(d.Route) + ": " + d.Decision.Label() + ", " + wb.showTime(d.DecidedAt)
			if d.Reference != "" {
				line += ". Reference " + d.Reference
			}
			if d.Reason != "" {
				line += ". " + d.Reason
			}
			v.Decisions = append(v.Decisions, line)
		}
		if c := s.Child; c != nil {
			v.Child = childRows(c)
		}
		for _, e := range s.Chronology {
			v.Chronology = append(v.Chronology, wb.showTime(e.At)+": "+lifeguard.ChronologyLabel(e.Kind)+". "+e.Summary)
		}
	}
	parts := []string{"the facts"}
	for _, p := range []struct {
		on   bool
		name string
	}{{x.Parts.Words, "the reporter's words"}, {x.Parts.Decisions, "the decisions so far"},
		{x.Parts.Child, "the child's identifying details"}, {x.Parts.Chronology, "the chronology"}} {
		if p.on {
			parts = append(parts, p.name)
		}
	}
	v.Parts = strings.Join(parts, ", ")
	if x.ConsideredAt != nil && x.HarmThresholdMet != nil {
		v.Considered = wb.showTime(*x.ConsideredAt)
		v.Threshold = "Not met"
		if *x.HarmThresholdMet {
			v.Threshold = "Met"
		}
	}
	if x.Retention == lifeguard.RetentionAllegation {
		v.Retention = "Kept as the record of an allegation against someone who works with children"
	}
	for _, m := range x.Messages {
		v.Messages = append(v.Messages, messageView{Kind: m.Kind.Label(), From: m.FromOrgName, At: wb.showTime(m.At), Text: m.Text})
	}
	lado := x.Agency == lifeguard.AgencyLADO
	if v.Receiver && may(u, lifeguard.OpAnswerReferral, x.ToOrgID) {
		v.CanAcknowledge = x.AcknowledgedAt == nil
		v.CanConsider = lado && x.Open() && x.ConsideredAt == nil
		v.CanAnswer = x.Open() && (!lado || x.ConsideredAt != nil)
		v.CanAsk = x.Open()
		v.CanEmployer = lado
		v.Outcomes = x.Agency.Outcomes()
		if lado && x.HarmThresholdMet != nil {
			v.Outcomes = nil
			for _, o := range x.Agency.Outcomes() {
				if (o.Code == lifeguard.OutcomeThresholdNotMet) != *x.HarmThresholdMet {
					v.Outcomes = append(v.Outcomes, o)
				}
			}
		}
	}
	v.CanReply = v.Referrer && x.Status == lifeguard.ReferralMoreInfo
	title := "Referral " + strconv.FormatInt(x.ID, 10) + ": " + lifeguard.ReferralLabel(x.Route)
	p := page{Title: title, Nav: "referrals", Data: v}
	if fl := wb.takePageFlash(w, r); fl != nil {
		p.Flash = fl.Message
	}
	return wb.render(w, r, http.StatusOK, "referral.html", p)
}

// childRows shows the child's details as sent.
func childRows(c *lifeguard.Child) []factRow {
	var rows []factRow
	if n := c.DisplayName(); n != "" && n != c.Ref {
		rows = append(rows, factRow{"Name", []string{n}})
	}
	if c.LegalForename != "" || c.LegalSurname != "" {
		rows = append(rows, factRow{"Legal name", []string{strings.TrimSpace(c.LegalForename + " " + c.LegalSurname)}})
	}
	rows = append(rows, factRow{"Referrer's reference", []string{c.Ref}})
	if c.DateOfBirth != nil {
		rows = append(rows, factRow{"Date of birth", []string{showDate(*c.DateOfBirth)}})
	} else if c.Age != nil {
		rows = append(rows, factRow{"Age", []string{strconv.Itoa(*c.Age)}})
	}
	for _, f := range []struct{ term, v string }{{"Year group", c.YearGroup}, {"Unique pupil number", c.UPN},
		{"NHS number", c.NHSNumber}, {"Local authority number", c.LANumber}} {
		if f.v != "" {
			rows = append(rows, factRow{f.term, []string{f.v}})
		}
	}
	if len(c.Vulnerabilities) > 0 {
		var vs []string
		for _, x := range c.Vulnerabilities {
			vs = append(vs, x.Label())
		}
		rows = append(rows, factRow{"Vulnerabilities", vs})
	}
	return rows
}

// The referral forms. Each posts, then shows the referral's page again.

func (wb *Web) acknowledgeReferral(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		if _, err := wb.cfg.Stores.Referrals.AcknowledgeReferral(r.Context(), id); err != nil {
			return saved{}, err
		}
		return saved{"Acknowledged. The referrer can see the time.", referralURL(id)}, nil
	}, nil)
}

func (wb *Web) considerReferral(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		var met bool
		switch r.PostFormValue("harm_threshold_met") {
		case "yes":
			met = true
		case "no":
		default:
			return saved{}, lifeguard.Invalid("The consideration is not valid", []lifeguard.Problem{{
				Path: "harm_threshold_met", Problem: "choose whether the harm threshold is met"}})
		}
		if _, err := wb.cfg.Stores.Referrals.ConsiderReferral(r.Context(), id, met); err != nil {
			return saved{}, err
		}
		return saved{"The initial consideration is recorded.", referralURL(id)}, nil
	}, nil)
}

func (wb *Web) answerReferral(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		in := lifeguard.ReferralAnswer{Outcome: lifeguard.ReferralOutcome(r.PostFormValue("outcome")),
			Note: r.PostFormValue("note")}
		if _, err := wb.cfg.Stores.Referrals.AnswerReferral(r.Context(), id, in); err != nil {
			return saved{}, err
		}
		return saved{"Your decision is recorded and the referrer has been told.", referralURL(id)}, nil
	}, nil)
}

func (wb *Web) addReferralMessage(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		kind := lifeguard.MessageKind(r.PostFormValue("kind"))
		if _, err := wb.cfg.Stores.Referrals.AddReferralMessage(r.Context(), id, kind, r.PostFormValue("text")); err != nil {
			return saved{}, err
		}
		msg := "Sent. The other side has been told."
		if kind == lifeguard.MessageEmployerAction {
			msg = "The employer's action is recorded."
		}
		return saved{msg, referralURL(id)}, nil
	}, nil)
}

// sendReferral sends a route of the concern to the agency that receives it.
func (wb *Web) sendReferral(w http.ResponseWriter, r *http.Request) error {
	return wb.postAbout(w, r, func(id int64) (saved, error) {
		in := lifeguard.NewReferral{ConcernID: id, Route: lifeguard.RouteCode(r.PostFormValue("route")),
			Parts: lifeguard.ReferralParts{Words: r.PostFormValue("words") != "", Decisions: r.PostFormValue("decisions") != "",
				Child: r.PostFormValue("child") != "", Chronology: r.PostFormValue("chronology") != ""},
			PhoneNote: r.PostFormValue("phone_note"), DueBy: wb.referralDue()}
		since, err := formDate(r.PostFormValue("chronology_since"), "parts.chronology_since",
			"The referral is not valid", "2026-09-01")
		if err != nil {
			return saved{}, err
		}
		in.Parts.ChronologySince = since
		born, err := formDate(r.PostFormValue("subject_date_of_birth"), "subject_date_of_birth",
			"The referral is not valid", "1980-05-17")
		if err != nil {
			return saved{}, err
		}
		if !born.IsZero() {
			in.SubjectBorn = &born
		}
		if typed := r.PostFormValue("phoned_at"); typed != "" {
			at, err := time.ParseInLocation("2006-01-02T15:04", typed, wb.zone())
			if err != nil {
				return saved{}, lifeguard.Invalid("The referral is not valid", []lifeguard.Problem{{Path: "phoned_at",
					Problem: "must be a date and time, for example 2026-09-01T10:30"}})
			}
			in.PhonedAt = &at
		}
		x, err := wb.cfg.Stores.Referrals.SendReferral(r.Context(), in)
		if err != nil {
			return saved{}, err
		}
		return saved{"Sent to " + x.ToOrgName + ". You will be told when they answer.", referralURL(x.ID)}, nil
	}, nil)
}

// concernReferralsView is the concern page's section of referrals: for
// each route of the concern that goes to another agency, the referral
// sent, or a form to send it to the organisation the directory names.
type concernReferralsView struct {
	Action string
	Routes []concernReferralRoute
}

type concernReferralRoute struct {
	Code, Title, Receiver string
	Sent                  *referralItem
	NoReceiver            bool
	HasChild              bool
	// Allegation asks for the adult's date of birth: a LADO referral is
	// kept to their pension age (docs/retention.md).
	Allegation bool
}

// concernReferrals makes the section for a DSL of the concern's
// organisation; nil for anyone else or a concern without such routes.
func (wb *Web) concernReferrals(ctx context.Context, u *lifeguard.User, c *lifeguard.Concern) (*concernReferralsView, error) {
	if !may(u, lifeguard.OpSendReferral, c.OrganisationID) {
		return nil, nil
	}
	var routes []lifeguard.Route
	routes = append(routes, c.Triage.Routes...)
	for _, a := range c.AddedRoutes {
		routes = append(routes, a.Route)
	}
	v := &concernReferralsView{Action: concernURL(c.ID) + "/referrals"}
	var dir []lifeguard.ReferralRoute
	var sent []lifeguard.Referral
	loaded := false
	for _, rt := range routes {
		if _, ok := lifeguard.ReferralAgencyOf(rt.Code); !ok {
			continue
		}
		if !loaded {
			var err error
			if dir, err = wb.cfg.Stores.Referrals.ReferralDirectory(ctx); err != nil {
				return nil, err
			}
			if sent, err = wb.cfg.Stores.Referrals.ConcernReferrals(ctx, c.ID); err != nil {
				return nil, err
			}
			loaded = true
		}
		agency, _ := lifeguard.ReferralAgencyOf(rt.Code)
		cr := concernReferralRoute{Code: string(rt.Code), Title: rt.Title, NoReceiver: true, HasChild: c.ChildID != nil,
			Allegation: agency == lifeguard.AgencyLADO}
		for _, d := range dir {
			if d.Route == rt.Code {
				cr.Receiver, cr.NoReceiver = d.Organisation, false
			}
		}
		for i := range sent {
			if sent[i].Route == rt.Code {
				it := wb.referralItem(&sent[i], u.OrganisationID)
				cr.Sent = &it
			}
		}
		// A closed concern shows the referrals it sent, and offers to send
		// none: closing is the end of the concern's work here.
		if c.Status == lifeguard.StatusClosed && cr.Sent == nil {
			continue
		}
		v.Routes = append(v.Routes, cr)
	}
	if len(v.Routes) == 0 {
		return nil, nil
	}
	return v, nil
}

// referralDue is one working day from now by the procedure's calendar:
// what the partnership expects of the agency (Working Together's one
// working day to decide), which the board report measures against.
func (wb *Web) referralDue() time.Time {
	now := wb.cfg.Now()
	if wb.cfg.Procedure == nil { // only pages tested without a procedure
		return now.Add(24 * time.Hour)
	}
	return wb.cfg.Procedure.Calendar().AddWorkingDays(now, 1)
}
