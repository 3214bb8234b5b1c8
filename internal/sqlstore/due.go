package sqlstore

import "github.com/lifeguard-scp/lifeguard"

// dueNotPast refuses a new due date before today: a deadline that has
// already passed when it is set is a slip of the keyboard (1970-01-01, a
// year typed wrong), and it would put the action among the overdue at once.
// Today is the UTC date of now; in England that is never later than the
// local date, so no date that is today where the user is gets refused.
func (p *problems) dueNotPast(path string, due lifeguard.Date, now lifeguard.Date) {
	if !due.IsZero() && realDate(due) && due.Before(now) {
		p.add(path, "must be today (%s) or later; %s has passed", now, due)
	}
}
