package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// seedAudits has the online safety leads of some organisations complete
// a self-audit about fourteen months ago and another two months ago, the
// second better than the first where work was done, so that the side by
// side view shows progress and improvement actions met. One organisation
// has a third audit in progress. Every level is drawn from the
// organisation's own starting point, so organisations differ.
func seedAudits(ctx context.Context, s Stores, clock *Clock, rng *rand.Rand, managers map[string]*lifeguard.User,
	orgs map[string]*lifeguard.Organisation, now time.Time) error {
	fw := s.Framework
	type plan struct {
		org   string
		start int // the typical level of the first audit, 1–3
		third bool
	}
	for _, p := range []plan{
		{"Riverside Academy", 2, true},
		{"Riverside Primary School", 2, false},
		{"Riverside College", 3, false},
		{"Riverside Youth Service", 1, false},
		{"Riverside Community Health", 2, false},
	} {
		m, o := managers[p.org], orgs[p.org]
		if m == nil || o == nil {
			return fmt.Errorf("no manager or organisation %q", p.org)
		}
		actx := lifeguard.WithActor(ctx, actorOf(m))
		levels := map[string]lifeguard.Level{}
		for _, a := range fw.Applicable(o) {
			l := p.start + rng.IntN(3) - 1
			levels[a.ID] = lifeguard.Level(min(4, max(1, l)))
		}
		for round, ago := range []int{14, 2} {
			at := officeHours(now.AddDate(0, -ago, -rng.IntN(20)), now, rng)
			if round == 1 {
				// A year of work: most gaps move up a level, a few stay.
				for id, l := range levels {
					if l < 4 && rng.IntN(4) > 0 {
						levels[id] = l + 1
					}
				}
			}
			if err := completeAudit(actx, s, clock, fw, o, levels, at, m.Name); err != nil {
				return fmt.Errorf("audit of %s: %w", p.org, err)
			}
		}
		if p.third {
			clock.at(officeHours(now.AddDate(0, 0, -3), now, rng))
			au, err := s.Audits.StartAudit(actx, fw)
			if err != nil {
				return err
			}
			var in []lifeguard.AnswerInput
			for _, a := range fw.Applicable(o) {
				if a.Strand != "L" {
					continue
				}
				in = append(in, answerFor(a, levels[a.ID]))
			}
			if _, err := s.Audits.SaveAuditAnswers(actx, au.ID, fw, in); err != nil {
				return err
			}
		}
	}
	return nil
}

// completeAudit starts, fills in and completes one audit at time at.
func completeAudit(ctx context.Context, s Stores, clock *Clock, fw *lifeguard.Framework, o *lifeguard.Organisation,
	levels map[string]lifeguard.Level, at time.Time, owner string) error {
	clock.at(at)
	au, err := s.Audits.StartAudit(ctx, fw)
	if err != nil {
		return err
	}
	// A strand at a time, as the pages save it, over an afternoon.
	for i, st := range fw.Strands {
		clock.at(at.Add(time.Duration(20*(i+1)) * time.Minute))
		var in []lifeguard.AnswerInput
		for _, a := range st.Aspects {
			if a.AppliesToOrg(o) {
				in = append(in, answerFor(a, levels[a.ID]))
			}
		}
		if len(in) == 0 {
			continue
		}
		if _, err := s.Audits.SaveAuditAnswers(ctx, au.ID, fw, in); err != nil {
			return err
		}
	}
	clock.at(at.Add(2 * time.Hour))
	_, err = s.Audits.CompleteAudit(ctx, au.ID, fw, lifeguard.AuditCompletion{Owner: owner})
	return err
}

// answerFor words an answer at level l: evidence where the level needs it.
func answerFor(a lifeguard.Aspect, l lifeguard.Level) lifeguard.AnswerInput {
	in := lifeguard.AnswerInput{AspectID: a.ID, Level: l}
	switch l {
	case lifeguard.LevelNotInPlace:
		in.Comment = "Not started; on the improvement plan for this year."
	case lifeguard.LevelDeveloping:
		in.Comment = "Started, but not yet known to everyone it concerns."
	case lifeguard.LevelEstablished:
		in.Evidence = "Policy folder on the shared drive; reviewed at the last staff meeting."
	case lifeguard.LevelEmbedded:
		in.Evidence = "Reviewed by governors this year; staff survey results in the annual report."
		in.Comment = "Effect measured by the annual survey."
	}
	return in
}

// seedPlan has the partnership officer set out the strategy action plan:
// objectives under each strand, actions owned by organisations, their
// progress notes (some by the owners), and barriers, one escalated to the
// board and one resolved.
func seedPlan(ctx context.Context, s Stores, clock *Clock, officer *lifeguard.User,
	owners map[string]*lifeguard.User, orgs map[string]*lifeguard.Organisation, now time.Time) error {
	octx := lifeguard.WithActor(ctx, actorOf(officer))
	set := now.AddDate(0, -10, 0)
	clock.at(set)
	type action struct {
		title, owner string
		dueMonths    int
		rag          lifeguard.RAG
		notes        []string
		barrier      string
		escalate     bool
		resolved     string
	}
	type objective struct {
		strand  lifeguard.PlanStrand
		title   string
		desc    string
		actions []action
	}
	plan := []objective{
		{lifeguard.StrandPrevention, "Every child is taught to stay safe online, every year",
			"Schools and youth settings teach a planned online safety curriculum, and parents are offered sessions each year.",
			[]action{
				{"Roll out the online safety curriculum in all year groups", "Riverside Academy", 2, lifeguard.RAGGreen,
					[]string{"Years 7 and 8 taught the autumn units.", "Years 9 to 11 taught; sixth form units planned for spring."}, "", false, ""},
				{"Run two parents' sessions on gaming and chat", "Riverside Primary School", -1, lifeguard.RAGAmber,
					[]string{"First session held; 34 parents came.", "Second session moved: the hall was not available."}, "", false, ""},
				{"Youth workers trained to talk about sharing images", "Riverside Youth Service", 4, lifeguard.RAGAmber,
					[]string{"Training booked with the police schools officer."}, "", false, ""},
			}},
		{lifeguard.StrandProtection, "Filtering and monitoring in every setting that gives internet access",
			"Every setting that gives children internet access filters and monitors it, and reviews both each year.",
			[]action{
				{"Review filtering and monitoring in all schools", "Riverside Partnership Team", 1, lifeguard.RAGRed,
					[]string{"Six of nine schools reviewed."}, "Three schools' filtering contracts end in March and the new supplier is not chosen.", true, ""},
				{"Guest wifi in the youth centre filtered", "Riverside Youth Service", -3, lifeguard.RAGComplete,
					[]string{"New filtering live on the guest network."}, "The youth centre had no budget for a filtered guest network.", false,
					"The partnership funded the first year from its training budget."},
			}},
		{lifeguard.StrandProsecution, "Young people who share images are diverted, not criminalised",
			"Police and schools follow the outcome 21 approach, and young people are offered support first.",
			[]action{
				{"Agree the diversion pathway with the police and youth justice", "Riverside Police Safeguarding Hub", 3, lifeguard.RAGGreen,
					[]string{"Draft pathway shared with the youth justice service."}, "", false, ""},
				{"Brief every designated safeguarding lead on the pathway", "Riverside Children's Social Care", 5, lifeguard.RAGGreen, nil, "", false, ""},
			}},
	}
	for _, o := range plan {
		obj, err := s.Plan.CreateObjective(octx, lifeguard.NewObjective{Strand: o.strand, Title: o.title, Description: o.desc})
		if err != nil {
			return fmt.Errorf("objective %q: %w", o.title, err)
		}
		for _, a := range o.actions {
			org := orgs[a.owner]
			if org == nil {
				return fmt.Errorf("no organisation %q", a.owner)
			}
			clock.at(set)
			x, err := s.Plan.CreatePlanAction(octx, obj.ID, lifeguard.NewPlanAction{Title: a.title, OwnerOrgID: org.ID,
				Due: lifeguard.DateOf(now.AddDate(0, a.dueMonths, 0)), RAG: a.rag})
			if err != nil {
				return fmt.Errorf("action %q: %w", a.title, err)
			}
			for i, text := range a.notes {
				at := set.AddDate(0, 3*(i+1), 0)
				clock.at(at)
				nctx := octx
				if u := owners[a.owner]; u != nil && i%2 == 0 {
					nctx = lifeguard.WithActor(ctx, actorOf(u)) // the owner reports their own progress
				}
				if _, err := s.Plan.AddProgressNote(nctx, x.ID, lifeguard.NewProgressNote{On: lifeguard.DateOf(at), Text: text}); err != nil {
					return fmt.Errorf("note on %q: %w", a.title, err)
				}
			}
			if a.barrier == "" {
				continue
			}
			clock.at(set.AddDate(0, 5, 0))
			b, err := s.Plan.AddBarrier(octx, x.ID, a.barrier)
			if err != nil {
				return err
			}
			if a.escalate {
				clock.at(set.AddDate(0, 6, 0))
				if _, err := s.Plan.EscalateBarrier(octx, b.ID); err != nil {
					return err
				}
			}
			if a.resolved != "" {
				clock.at(set.AddDate(0, 7, 0))
				if _, err := s.Plan.ResolveBarrier(octx, b.ID, a.resolved); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
