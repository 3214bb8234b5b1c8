package lifeguard

import "time"

// Which routes need the safeguarding lead now. The triage marks a route
// immediate when it cannot wait, but two immediate routes of the procedure
// are instructions to the person who holds the concern, things they must do
// at once themselves: not looking at or passing on the images, and keeping
// the evidence. Neither needs the lead fetched, and keeping the evidence
// comes with almost every concern (cyberbullying, hate, grooming...); were
// they counted, nearly every report would send its reporter to find the
// lead in person, top the inbox, page the leads and escalate to the head
// teacher. Every "does this need the lead now" (the confirmation page, the
// inbox's first bucket, the escalation job, the new-concern alert) is
// decided by the two functions below and nowhere else.

// The instruction routes. Route codes are stable identifiers of the
// procedure's specification (procedure.md, "Routes"): a local procedure
// may change a route's words or urgency but not what its code means, so
// naming the two codes here is naming the two instructions.
const (
	RouteDoNotViewImages  RouteCode = "DO_NOT_VIEW_IMAGES"
	RoutePreserveEvidence RouteCode = "PRESERVE_EVIDENCE"
)

// Instruction reports whether the route is an instruction to the person
// holding the concern rather than work for the safeguarding lead.
func (c RouteCode) Instruction() bool {
	return c == RouteDoNotViewImages || c == RoutePreserveEvidence
}

// NeedsLeadNow reports whether the route needs the safeguarding lead now:
// it is immediate and is not an instruction route.
func (r *Route) NeedsLeadNow() bool {
	return r.Urgency == Immediate && !r.Code.Instruction()
}

// LeadNowDue is the earliest deadline among t's routes without a decision
// that need the lead now; nil when there is none. t is the concern's
// routes as they are decided on: the triage's own and any a lead added.
func (t *Triage) LeadNowDue(decided map[RouteCode]bool) *time.Time {
	var due *time.Time
	for i := range t.Routes {
		r := &t.Routes[i]
		if decided[r.Code] || !r.NeedsLeadNow() || r.Due == nil {
			continue
		}
		if due == nil || r.Due.Before(*due) {
			d := *r.Due
			due = &d
		}
	}
	return due
}
