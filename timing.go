package lifeguard

import "time"

// How timeliness is judged. An immediate route is due at the moment the
// concern is reported (the triage contract), yet nobody can act before the
// report exists: "now" has to last a while, or every referral made a minute
// after the report would count as late and every new immediate concern would
// show as overdue. The procedure says how long "now" lasts (its now_window,
// DefaultNowWindow unless a local file changes it); the store keeps the
// window a concern was triaged under with the concern, so that its
// judgement follows that procedure. Every judgement of a deadline against a
// moment (the inbox, the concern page, the API's overdue and on_time, the
// reports' figures, the reminders) goes through the functions below.

const (
	// DefaultNowWindow is how long "now" lasts when the procedure does
	// not say.
	DefaultNowWindow = time.Hour
	// MinNowWindow and MaxNowWindow bound the setting: less than a minute
	// is no time to act, and more than a day is no longer "now".
	MinNowWindow = time.Minute
	MaxNowWindow = 24 * time.Hour
)

// Timing is where a deadline stands at a moment.
type Timing int

const (
	// NoDeadline: there is no deadline (as soon as possible, advice), or
	// nothing with one is waiting.
	NoDeadline Timing = iota
	// NotYetDue: the deadline is still ahead.
	NotYetDue
	// DueNow: the deadline has come and the window of "now" has not yet
	// passed: an immediate route within its window.
	DueNow
	// Overdue: the deadline, and its window of "now" for an immediate
	// route, has passed.
	Overdue
)

// Judge says where something due at due, and late only after lateAt, stands
// at t; NoDeadline when either is nil. Exactly at lateAt it is not yet
// late, as a decision made exactly at its deadline is on time.
func Judge(due, lateAt *time.Time, t time.Time) Timing {
	switch {
	case due == nil || lateAt == nil:
		return NoDeadline
	case t.After(*lateAt):
		return Overdue
	case !t.Before(*due):
		return DueNow
	}
	return NotYetDue
}

// LateAt is when the route becomes late: its deadline, or, for an immediate
// route, the end of the window of "now" after it; nil when the route has no
// deadline.
func (r *Route) LateAt(window time.Duration) *time.Time {
	if r.Due == nil {
		return nil
	}
	at := *r.Due
	if r.Urgency == Immediate {
		at = at.Add(window)
	}
	return &at
}

// JudgeAt says where the route stands at t under the window of "now".
func (r *Route) JudgeAt(window time.Duration, t time.Time) Timing {
	return Judge(r.Due, r.LateAt(window), t)
}

// OnTimeAt says whether a decision on the route made at t is on time: nil
// when the route has no deadline.
func (r *Route) OnTimeAt(window time.Duration, t time.Time) *bool {
	if r.Due == nil {
		return nil
	}
	ok := r.JudgeAt(window, t) != Overdue
	return &ok
}

// Window is the triage's window of "now", DefaultNowWindow when it does not
// say (a triage made before the setting existed, or by hand in a test).
func (t *Triage) Window() time.Duration {
	if t.NowWindow <= 0 {
		return DefaultNowWindow
	}
	return t.NowWindow
}

// LateAt is when the concern becomes overdue: the earliest moment any
// route without a decision becomes late; nil when no such route has a
// deadline.
func (t *Triage) LateAt(decided map[RouteCode]bool) *time.Time {
	var late *time.Time
	for i := range t.Routes {
		r := &t.Routes[i]
		if decided[r.Code] {
			continue
		}
		if at := r.LateAt(t.Window()); at != nil && (late == nil || at.Before(*late)) {
			late = at
		}
	}
	return late
}

// NowRoutes are the routes without a decision that are due now at t, in the
// triage's order (the most urgent first).
func (t *Triage) NowRoutes(decided map[RouteCode]bool, at time.Time) []Route {
	var out []Route
	for _, r := range t.Routes {
		if !decided[r.Code] && r.JudgeAt(t.Window(), at) == DueNow {
			out = append(out, r)
		}
	}
	return out
}
