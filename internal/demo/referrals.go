package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/record"
)

// Referrals in the demo (issue 16): the partnership's directory names
// Riverside Children's Social Care as the front door (and early help), the
// police safeguarding hub and the LADO; csc@, police@ and lado@demo.test
// are their safeguarding leads. Riverside Academy's referrals of the last
// nine months were answered, so the board report has the journey's
// figures; today's are at every stage, so each inbox has work.

// Organisations that receive referrals, by name.
const (
	demoCSC    = "Riverside Children's Social Care"
	demoPolice = "Riverside Police Safeguarding Hub"
	demoLADO   = "Riverside LADO"
)

// seedReferrals writes the directory and the referrals. It uses a random
// source of its own, so that the rest of the demo stays as it was.
func seedReferrals(ctx context.Context, s Stores, clock *Clock, rec *record.Recorder, named map[string]*lifeguard.User,
	orgs map[string]*lifeguard.Organisation, now time.Time) error {
	if s.Referrals == nil || s.Calendar == nil {
		return nil
	}
	rng := rand.New(rand.NewPCG(2026, 16))
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	p := orgs[demoCSC].PartnershipID
	for route, org := range map[lifeguard.RouteCode]string{"CSC_REFERRAL": demoCSC, "CSC_CONSULT": demoCSC,
		"EARLY_HELP": demoCSC, "POLICE_101": demoPolice, "LADO_REFERRAL": demoLADO} {
		if err := s.Referrals.SetReferralReceiver(sys, p, route, orgs[org].ID); err != nil {
			return fmt.Errorf("directory %s: %w", route, err)
		}
	}
	dsl, staff := named["dsl@demo.test"], named["staff@demo.test"]
	agency := map[lifeguard.ReferralAgency]*lifeguard.User{lifeguard.AgencySocialCare: named["csc@demo.test"],
		lifeguard.AgencyEarlyHelp: named["csc@demo.test"], lifeguard.AgencyPolice: named["police@demo.test"],
		lifeguard.AgencyLADO: named["lado@demo.test"]}
	academy := orgSpecs()[0]
	n := 0
	// report records a concern at Riverside Academy at at and sends its
	// route prefer, or else its first route that another agency receives;
	// nil when it has none.
	report := func(at time.Time, f lifeguard.Facts, parts lifeguard.ReferralParts, phoned bool,
		prefer lifeguard.RouteCode) (*lifeguard.Concern, *lifeguard.Referral, error) {
		clock.at(at)
		n++
		in := record.Report{Facts: f}
		if f.Child != nil {
			in.ChildRef = fmt.Sprintf("RA-R%03d", n)
		}
		c, _, err := rec.Concern(lifeguard.WithActor(ctx, actorOf(staff)), in)
		if err != nil {
			return nil, nil, fmt.Errorf("referral concern: %w", err)
		}
		as := lifeguard.WithActor(ctx, actorOf(dsl))
		routes := c.Triage.Routes
		if r := c.Triage.Route(prefer); r != nil {
			routes = []lifeguard.Route{*r}
		}
		for _, r := range routes {
			if _, ok := lifeguard.ReferralAgencyOf(r.Code); !ok {
				continue
			}
			sent := at.Add(time.Duration(20+rng.IntN(40)) * time.Minute)
			clock.at(sent)
			nr := lifeguard.NewReferral{ConcernID: c.ID, Route: r.Code, Parts: parts, DueBy: s.Calendar.AddWorkingDays(sent, 1)}
			if phoned {
				t := at.Add(10 * time.Minute)
				nr.PhonedAt, nr.PhoneNote = &t, "The duty social worker on the front door's line"
			}
			x, err := s.Referrals.SendReferral(as, nr)
			if err != nil {
				return nil, nil, fmt.Errorf("send %s: %w", r.Code, err)
			}
			return c, x, nil
		}
		return c, nil, nil
	}
	all := lifeguard.ReferralParts{Words: true, Decisions: true, Child: true, Chronology: true}
	stories := []string{"grooming in a game", "sextortion", "county lines", "grooming in a game", "nudes between peers"}

	// Nine months of answered referrals, one every fortnight or so.
	for i := range 18 {
		at := weekdayAt(now.AddDate(0, 0, -270+i*15), 10+rng.IntN(5))
		f := storyNamed(stories[i%len(stories)]).facts(rng, academy, at)
		f.Parties.AdultInvolved, f.Risk.SignificantHarm = true, "yes"
		prefer := lifeguard.RouteCode("CSC_REFERRAL")
		if i%3 == 1 {
			prefer = "POLICE_101"
		}
		c, x, err := report(at, f, all, i%4 == 0, prefer)
		if err != nil {
			return err
		}
		if x == nil {
			continue
		}
		by := lifeguard.WithActor(ctx, actorOf(agency[x.Agency]))
		step := at.Add(time.Duration(1+rng.IntN(6)) * time.Hour)
		if i%5 == 0 {
			step = step.Add(24 * time.Hour) // acknowledged the next day
		}
		clock.at(step)
		if _, err := s.Referrals.AcknowledgeReferral(by, x.ID); err != nil {
			return fmt.Errorf("acknowledge: %w", err)
		}
		clock.at(step.Add(time.Duration(2+rng.IntN(40)) * time.Hour))
		outs := x.Agency.Outcomes()
		if _, err := s.Referrals.AnswerReferral(by, x.ID, lifeguard.ReferralAnswer{Outcome: outs[rng.IntN(len(outs))].Code,
			Note: "Decision made on the information sent; the referrer is kept informed."}); err != nil {
			return fmt.Errorf("answer: %w", err)
		}
		clock.at(step.Add(7 * 24 * time.Hour))
		if _, err := s.Concerns.CloseConcern(lifeguard.WithActor(ctx, actorOf(dsl)), c.ID, lifeguard.NewOutcome{
			Code: outcomeFor(c, rng), Summary: "The agency's decision is recorded on the referral; support in place.",
			CloseAnyway: "The other routes were followed as the referral records."}); err != nil {
			return fmt.Errorf("close: %w", err)
		}
	}

	// Today's referrals, at every stage.
	stage := func(hoursAgo int, story string, phoned bool, prefer lifeguard.RouteCode) (*lifeguard.Referral, error) {
		at := now.Add(-time.Duration(hoursAgo) * time.Hour)
		f := storyNamed(story).facts(rng, academy, at)
		f.Parties.AdultInvolved, f.Risk.SignificantHarm = true, "yes"
		_, x, err := report(at, f, all, phoned, prefer)
		if err != nil || x == nil {
			return nil, err
		}
		return x, nil
	}
	// Sent after a phone call, waiting to be acknowledged.
	if _, err := stage(3, "grooming in a game", true, "CSC_REFERRAL"); err != nil {
		return err
	}
	for _, hours := range []int{26, 50, 75} {
		prefer := map[int]lifeguard.RouteCode{26: "POLICE_101", 50: "CSC_REFERRAL", 75: "CSC_REFERRAL"}[hours]
		x, err := stage(hours, map[int]string{26: "county lines", 50: "sextortion", 75: "grooming in a game"}[hours], false, prefer)
		if err != nil || x == nil {
			return err
		}
		by := lifeguard.WithActor(ctx, actorOf(agency[x.Agency]))
		clock.at(now.Add(-time.Duration(hours-2) * time.Hour))
		if _, err := s.Referrals.AcknowledgeReferral(by, x.ID); err != nil {
			return fmt.Errorf("acknowledge: %w", err)
		}
		switch hours {
		case 50: // more information asked for
			clock.at(now.Add(-time.Duration(hours-4) * time.Hour))
			if _, err := s.Referrals.AddReferralMessage(by, x.ID, lifeguard.MessageRequest,
				"Does the child have a sibling at another school, and do the parents know of the referral?"); err != nil {
				return fmt.Errorf("request: %w", err)
			}
		case 75: // decided
			clock.at(now.Add(-time.Duration(hours-20) * time.Hour))
			outs := x.Agency.Outcomes()
			if _, err := s.Referrals.AnswerReferral(by, x.ID, lifeguard.ReferralAnswer{Outcome: outs[len(outs)/2].Code,
				Note: "A strategy discussion is arranged for tomorrow; the school will be invited."}); err != nil {
				return fmt.Errorf("answer: %w", err)
			}
		}
	}

	// An allegation about a member of staff, with the LADO: considered,
	// the employer's action recorded, the outcome still to come.
	at := weekdayAt(now.AddDate(0, 0, -6), 11)
	f := lifeguard.Facts{ReportedAt: at, Setting: academy.setting, ConcernTypes: []lifeguard.ConcernType{"staff_conduct"},
		Description: "A pupil showed a tutor's private messages on a social network asking to meet outside school. (Fictional.)",
		Staff:       lifeguard.Staff{PrivateContact: true, Unsuitable: true, PosesRisk: true}}
	_, x, err := report(at, f, lifeguard.ReferralParts{Words: true, Decisions: true}, false, "LADO_REFERRAL")
	if err != nil || x == nil {
		return err
	}
	by := lifeguard.WithActor(ctx, actorOf(agency[x.Agency]))
	clock.at(at.Add(3 * time.Hour))
	if _, err := s.Referrals.ConsiderReferral(by, x.ID, true); err != nil {
		return fmt.Errorf("consider: %w", err)
	}
	clock.at(at.Add(26 * time.Hour))
	if _, err := s.Referrals.AddReferralMessage(by, x.ID, lifeguard.MessageEmployerAction,
		"The tutor is suspended on full pay while the enquiry runs; the school has kept the messages."); err != nil {
		return fmt.Errorf("employer action: %w", err)
	}
	return nil
}

// weekdayAt is day at hour o'clock, moved to the Monday after a weekend.
func weekdayAt(day time.Time, hour int) time.Time {
	t := time.Date(day.Year(), day.Month(), day.Day(), hour, 0, 0, 0, day.Location())
	for t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		t = t.AddDate(0, 0, 1)
	}
	return t
}
