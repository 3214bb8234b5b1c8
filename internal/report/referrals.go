package report

import (
	"fmt"

	"github.com/lifeguard-scp/lifeguard"
)

// referrals is the journey of the referrals sent to other agencies of the
// partnership (issue 16): for each route, how many were sent, acknowledged
// and decided, how many of those within one working day of sending, how
// long they took, and what the agencies decided.
//
// Each route's counts are a table with two nested families of sums, one
// on each side of a network: sent splits into acknowledged or not, and the
// acknowledged into those acknowledged within a working day or later; sent
// splits too into decided or not, and the decided into those decided
// within a working day or later. Every referral is one arc from its place
// in the first family to its place in the second (a referral decided is
// acknowledged, and one decided within a working day was acknowledged
// within it), so suppression there protects every figure of the row
// exactly. The outcomes of a route add up to its decided count: a line
// whose total is that same figure, as the first table published it.
func (b *builder) referrals() (Section, error) {
	if len(b.rc.Referrals) == 0 {
		return Section{}, errNoSection
	}
	journey := Table{ID: "referrals", Title: "Referrals to other agencies",
		Caption: "Referrals sent in the period to another agency of the partnership, by route: how many the " +
			"agency acknowledged and decided, and how many of those within one working day of sending.",
		RowHead: "Route", Columns: []string{"Sent", "Acknowledged", "Acknowledged within a working day", "Decided",
			"Decided within a working day"}, Chart: "bars"}
	times := Table{ID: "referral_times", Title: "How long the agencies took",
		Caption: "The median time from sending to acknowledgement and to decision, and the share within one " +
			"working day, shown only where the figures they come from are not suppressed.",
		RowHead: "Route", Columns: []string{"Median to acknowledgement", "Acknowledged within a working day",
			"Median to decision", "Decided within a working day"}}
	outcomes := Table{ID: "referral_outcomes", Title: "What the agencies decided",
		Caption: "The decisions on the referrals of the period, by the agency's own outcomes.",
		RowHead: "Route and decision", Columns: []string{"Referrals"}, Chart: "bars"}
	for _, t := range b.rc.Referrals {
		var out map[string]int64
		cSent, cAck, cAckOn := &cell{v: t.Sent}, &cell{v: t.Acknowledged}, &cell{v: t.AckOnTime}
		cDec, cDecOn := &cell{v: t.Decided}, &cell{v: t.DecidedOnTime}
		n := &network{}
		s, rAck, rNot, rLate, rOn := n.node(), n.node(), n.node(), n.node(), n.node()
		cNot, cDecN, cLate, cOn, sink := n.node(), n.node(), n.node(), n.node(), n.node()
		hidden := func(v int64) *cell { return &cell{v: max(v, 0), state: unshown} }
		// The differences (not acknowledged, acknowledged late, decided
		// late, not decided) are not columns, but anyone can subtract:
		// they are protected as if published, and never shown.
		dNot, dLate := &cell{v: max(0, t.Sent-t.Acknowledged)}, &cell{v: max(0, t.Acknowledged-t.AckOnTime)}
		dDecLate, dUndecided := &cell{v: max(0, t.Decided-t.DecidedOnTime)}, &cell{v: max(0, t.Sent-t.Decided)}
		n.add(s, rNot, dNot)
		n.add(s, rAck, cAck)
		n.add(rAck, rLate, dLate)
		n.add(rAck, rOn, cAckOn)
		// The referrals themselves, by where they stand on each side. The
		// split of the late acknowledgements and of the on-time ones
		// between decided and not is not in the counts, nor needed: the
		// arcs are hidden, and only their totals are published.
		lateDecided := max(0, min(t.Acknowledged-t.AckOnTime, t.Decided-t.DecidedOnTime))
		onDecidedLate := max(0, t.Decided-t.DecidedOnTime-lateDecided)
		n.add(rNot, cNot, hidden(t.Sent-t.Acknowledged))
		n.add(rLate, cNot, hidden(t.Acknowledged-t.AckOnTime-lateDecided))
		n.add(rLate, cLate, hidden(lateDecided))
		n.add(rOn, cNot, hidden(t.AckOnTime-onDecidedLate-t.DecidedOnTime))
		n.add(rOn, cLate, hidden(onDecidedLate))
		n.add(rOn, cOn, hidden(t.DecidedOnTime))
		n.add(cLate, cDecN, dDecLate)
		n.add(cOn, cDecN, cDecOn)
		n.add(cDecN, sink, cDec)
		n.add(cNot, sink, dUndecided)
		n.add(sink, s, cSent)
		b.protect(n)
		label := b.routeTitle(t.Route)
		journey.Rows = append(journey.Rows, Row{Key: string(t.Route), Label: label,
			Cells: figures(cSent, cAck, cAckOn, cDec, cDecOn)})

		ackMedian, decMedian := textFigure(MarkNone), textFigure(MarkNone)
		if _, ok := cAck.published(); ok && cAck.v > 0 {
			m, err := medianBand(t.AckBands, t.Acknowledged)
			if err != nil {
				return Section{}, err
			}
			ackMedian = textFigure(m)
		}
		if _, ok := cDec.published(); ok && cDec.v > 0 {
			m, err := medianBand(t.DecideBands, t.Decided)
			if err != nil {
				return Section{}, err
			}
			decMedian = textFigure(m)
		}
		times.Rows = append(times.Rows, Row{Key: string(t.Route), Label: label,
			Cells: []Figure{ackMedian, shareOf(cAckOn, cAck), decMedian, shareOf(cDecOn, cDec)}})

		// The outcomes add up to the decided figure as published above,
		// which this table may not change: fixed, in the state it has.
		out = map[string]int64{}
		var cells []*cell
		var keys []string
		for _, o := range t.Outcomes {
			out[o.Key] += o.N
		}
		for _, o := range t.Agency.Outcomes() {
			if v, ok := out[string(o.Code)]; ok {
				cells = append(cells, &cell{v: v})
				keys = append(keys, string(o.Code))
				delete(out, string(o.Code))
			}
		}
		for _, o := range t.Outcomes { // an outcome the agency no longer has
			if v, ok := out[o.Key]; ok {
				cells = append(cells, &cell{v: v})
				keys = append(keys, o.Key)
				delete(out, o.Key)
			}
		}
		total := &cell{v: cDec.v, state: cDec.state, fixed: true}
		b.protect(line(cells, total))
		for i, c := range cells {
			outcomes.Rows = append(outcomes.Rows, Row{Key: string(t.Route) + ":" + keys[i],
				Label: label + ": " + t.Agency.OutcomeLabel(lifeguard.ReferralOutcome(keys[i])), Cells: figures(c)})
		}
	}
	return Section{ID: "referrals", Title: "Referrals to other agencies",
		Intro: "The journey of the referrals that organisations sent through Lifeguard to children's social care, " +
			"the police, the LADO and early help: Working Together to Safeguard Children expects the local " +
			"authority to decide within one working day what a referral needs, and to tell the referrer.",
		Tables: []Table{journey, times, outcomes}}, nil
}

// shareOf is n of of as a percentage, from what is published: none
// when either is suppressed or of is zero.
func shareOf(n, of *cell) Figure {
	nv, okN := n.published()
	ov, okO := of.published()
	if !okN || !okO || ov == 0 {
		return textFigure(MarkNone)
	}
	return textFigure(fmt.Sprintf("%.0f%%", 100*float64(nv)/float64(ov)))
}
