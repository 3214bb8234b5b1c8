package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// work has the organisation's safeguarding lead work a concern as a DSL
// would: decide each route (mostly on time, a few late, a few declined with a
// reason), record referral references, set an action, note the evidence, and
// close older concerns with an outcome. Recent concerns stay open so that
// the inbox has new, in-progress and overdue work.
func work(ctx context.Context, s Stores, clock *Clock, rng *rand.Rand, dsl *lifeguard.User, c *lifeguard.Concern, at, now time.Time) error {
	ctx = lifeguard.WithActor(ctx, actorOf(dsl))
	age := now.Sub(at)
	if age < 36*time.Hour && rng.IntN(3) > 0 {
		return nil // still waiting for the safeguarding lead
	}
	// The lead reads the concern before working it, which opens it.
	if _, err := s.Concerns.Concern(ctx, c.ID); err != nil {
		return fmt.Errorf("read: %w", err)
	}
	// Some recent concerns, and a few older ones that slipped, have routes
	// still to decide, so the inbox shows work in progress and overdue.
	unfinished := age < 21*24*time.Hour && rng.IntN(2) == 0 || rng.IntN(40) == 0
	step := at
	// advance moves the step, and the clock, on by d; false when that is
	// not yet past.
	advance := func(d time.Duration) bool {
		step = step.Add(d)
		if !step.Before(now) {
			return false
		}
		clock.at(step)
		return true
	}
	next := func(maxHours int) bool {
		return advance(time.Duration(10+rng.IntN(maxHours*60)) * time.Minute)
	}
	// nowStep is next(4) for a route due now, from the same draw so that
	// the rest of the demo stays as it was: five in six are decided within
	// 45 minutes of the step before, as a DSL does what cannot wait, and
	// the rest one to three hours after it.
	nowStep := func() bool {
		v := rng.IntN(4 * 60)
		if v < 200 {
			return advance(time.Duration(5+v/5) * time.Minute)
		}
		return advance(time.Duration(60+(v-200)*3) * time.Minute)
	}
	decided := map[lifeguard.RouteCode]bool{}
	for _, r := range c.Triage.Routes {
		if r.Urgency == lifeguard.Advice || r.Urgency == lifeguard.AsSoonAsPossible && rng.IntN(2) == 0 {
			continue
		}
		var moved bool
		if r.Urgency == lifeguard.Immediate {
			moved = nowStep()
		} else {
			moved = next(4)
		}
		if !moved {
			return nil
		}
		if unfinished && rng.IntN(3) == 0 {
			break // the rest are still to decide
		}
		d := lifeguard.NewDecision{Route: r.Code, Decision: lifeguard.DecisionDone}
		switch {
		case r.Code == "INFORM_PARENTS" && rng.IntN(8) == 0:
			d.Decision, d.Reason = lifeguard.DecisionDeclined, "The young person asked for time to tell their parents themselves; agreed to review at the end of the week."
		case r.Code == "CSC_CONSULT" && rng.IntN(4) == 0:
			d.Decision, d.Reason = lifeguard.DecisionDeclined, "Discussed with the deputy safeguarding lead; the threshold is clearly not met and support is in place in school."
		case isReferral(r.Code):
			d.Reference = fmt.Sprintf("%s-%d-%04d", refPrefix(r.Code), step.Year(), rng.IntN(10000))
		case rng.IntN(3) == 0:
			d.Decision = lifeguard.DecisionAccepted
		}
		if _, err := s.Concerns.AddDecision(ctx, c.ID, d); err != nil {
			return fmt.Errorf("decision on %s: %w", r.Code, err)
		}
		decided[r.Code] = true
	}
	if c.Triage.ProposedDecision != nil && next(6) {
		if _, err := s.Concerns.AddDecision(ctx, c.ID, lifeguard.NewDecision{Route: lifeguard.ProposalRoute,
			Decision: lifeguard.DecisionAccepted, Reason: "Initial review held: no reason for referral; handled within school with support and education."}); err != nil {
			return fmt.Errorf("proposed decision: %w", err)
		}
	}
	if !next(8) {
		return nil
	}
	if _, err := s.Concerns.AddNote(ctx, c.ID, "Spoke with the child with a trusted adult present; they are relieved it has been reported and know who to go to."); err != nil {
		return fmt.Errorf("note: %w", err)
	}
	if c.Triage.HasRoute("PRESERVE_EVIDENCE") && next(4) {
		if _, err := s.Concerns.AddEvidence(ctx, c.ID, lifeguard.NewEvidence{What: "Screenshots of the messages (text only)",
			Location: "Safeguarding drive, restricted folder", HeldBy: "Designated safeguarding lead"}); err != nil {
			return fmt.Errorf("evidence: %w", err)
		}
	}
	var open *lifeguard.Action
	if next(8) {
		due := lifeguard.DateOf(step.AddDate(0, 0, 14))
		a, err := s.Concerns.AddAction(ctx, c.ID, lifeguard.NewAction{Title: "Check in with the child and review support",
			Owner: "Head of year", Due: due})
		if err != nil {
			return fmt.Errorf("action: %w", err)
		}
		open = a
		if age > 30*24*time.Hour && next(24*7) {
			if _, err := s.Concerns.CompleteAction(ctx, c.ID, a.ID); err != nil {
				return fmt.Errorf("action done: %w", err)
			}
			open = nil
		}
	}
	if unfinished || age < 30*24*time.Hour || rng.IntN(10) == 0 || !next(24*10) {
		return nil
	}
	// A concern is closed once its work is finished: the advice given and
	// the check-in done, as the lead records them on the day of closing.
	for _, r := range c.Triage.Routes {
		if !decided[r.Code] {
			if _, err := s.Concerns.AddDecision(ctx, c.ID, lifeguard.NewDecision{Route: r.Code,
				Decision: lifeguard.DecisionDone}); err != nil {
				return fmt.Errorf("decision on %s before closing: %w", r.Code, err)
			}
		}
	}
	if open != nil {
		if _, err := s.Concerns.CompleteAction(ctx, c.ID, open.ID); err != nil {
			return fmt.Errorf("action done before closing: %w", err)
		}
	}
	out := lifeguard.NewOutcome{Code: outcomeFor(c, rng), Summary: "Routes followed as recorded; support in place and reviewed. No further concerns reported."}
	if _, err := s.Concerns.CloseConcern(ctx, c.ID, out); err != nil {
		return fmt.Errorf("close: %w", err)
	}
	return nil
}

func isReferral(code lifeguard.RouteCode) bool {
	switch code {
	case "CSC_REFERRAL", "POLICE_101", "CEOP_REPORT", "IWF_REPORT", "LADO_REFERRAL", "PREVENT_REFERRAL", "REPORT_FRAUD", "TERRORISM_REPORT", "EARLY_HELP", "CYBER_CHOICES":
		return true
	}
	return false
}

func refPrefix(code lifeguard.RouteCode) string {
	switch code {
	case "CSC_REFERRAL":
		return "MASH"
	case "POLICE_101":
		return "POL"
	case "LADO_REFERRAL":
		return "LADO"
	case "EARLY_HELP":
		return "EH"
	}
	return "REF"
}

func outcomeFor(c *lifeguard.Concern, rng *rand.Rand) lifeguard.OutcomeCode {
	switch {
	case c.Triage.HasRoute("CSC_REFERRAL"):
		return "referred_csc"
	case c.Triage.HasRoute("POLICE_101"):
		return "referred_police"
	case c.Triage.HasRoute("LADO_REFERRAL") || c.Triage.HasRoute("CEOP_REPORT"):
		return "referred_other"
	case c.Triage.HasRoute("EARLY_HELP"):
		return "early_help"
	case rng.IntN(3) == 0:
		return "no_further_action"
	}
	return "handled_in_setting"
}

// shareOut has the lead rate the risk of the open concerns they have read,
// and assign some to their deputy and some to themselves, as a school with
// two safeguarding leads shares the work. Concerns nobody has opened stay
// unrated and unassigned: nobody has read them yet.
func shareOut(ctx context.Context, s Stores, lead, deputy *lifeguard.User) error {
	// A generator of its own, so that what the seed draws after this (the
	// audits, the plan) is the same as before there was any sharing out.
	rng := rand.New(rand.NewPCG(2026, 12))
	ctx = lifeguard.WithActor(ctx, actorOf(lead))
	page, err := s.Concerns.ListConcerns(ctx, lifeguard.ConcernFilter{Order: lifeguard.OrderPriority, Limit: 200})
	if err != nil {
		return err
	}
	levels := lifeguard.RiskLevels()
	i := 0
	for _, c := range page.Concerns {
		if c.FirstOpenedAt == nil {
			continue
		}
		if _, err := s.Concerns.SetRiskLevel(ctx, c.ID, levels[rng.IntN(len(levels))]); err != nil {
			return fmt.Errorf("risk of %d: %w", c.ID, err)
		}
		var to *lifeguard.User
		switch i % 3 {
		case 0:
			to = deputy
		case 1:
			to = lead
		}
		i++
		if to == nil {
			continue
		}
		if _, err := s.Concerns.AssignConcern(ctx, c.ID, to.ID); err != nil {
			return fmt.Errorf("assign %d: %w", c.ID, err)
		}
	}
	return nil
}
