package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

var _ lifeguard.PreventionStore = (*DB)(nil)

// The teaching, parents' and children's voice, and internet access
// registers (lifeguard.PreventionStore). They are about the organisation's
// work and name no child (a survey keeps its aggregate answers only), so,
// like the policy library, they are not journaled.

// preventionOrg resolves the organisation a read is about (0: the
// actor's) and checks a may do op to its registers: ENOTFOUND for an
// organisation the actor may not read, EFORBIDDEN for one they read but
// may not keep.
func preventionOrg(ctx context.Context, tx *tx, a *lifeguard.Actor, op lifeguard.Op, org int64) (int64, error) {
	if org == 0 {
		org = a.OrganisationID
	}
	if org == 0 {
		return 0, lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"These registers are kept by an organisation; the partnership sees their figures in the board report.")
	}
	if _, err := orgPartnership(ctx, tx, org); err != nil {
		return 0, err
	}
	near := a.Near(0, org, 0)
	switch {
	case a.May(op).Covers(near):
		return org, nil
	case a.May(lifeguard.OpReadPrevention).Covers(near) || org == a.OrganisationID:
		return 0, lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the organisation's manager or safeguarding lead keeps this register.")
	}
	return 0, errNoOrganisation()
}

// registerRow checks a may do op to a record of organisation org that a
// read found: ENOTFOUND (as if there were none) unless a may read it.
func registerRow(a *lifeguard.Actor, op lifeguard.Op, org int64, notFound func() error) error {
	near := a.Near(0, org, 0)
	switch {
	case a.May(op).Covers(near):
		return nil
	case a.May(lifeguard.OpReadPrevention).Covers(near):
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only the organisation's manager or safeguarding lead keeps this register.")
	}
	return notFound()
}

// dayOf is the date of t in UTC.
func dayOf(t time.Time) lifeguard.Date { return lifeguard.DateOf(t.UTC()) }

// pastDate checks a required date that may not be after today.
func (p *problems) pastDate(path string, d lifeguard.Date, today lifeguard.Date, what string) {
	switch {
	case !realDate(d):
		p.add(path, "is required: %s, as YYYY-MM-DD", what)
	case today.Before(d):
		p.add(path, "is after today; record it once it has happened")
	}
}

// count checks a number that may not be negative or above max.
func (p *problems) count(path string, n, max int) {
	switch {
	case n < 0:
		p.add(path, "must be 0 or more")
	case n > max:
		p.add(path, "must be at most %d", max)
	}
}

func parseDay(s string) (lifeguard.Date, error) {
	d, err := lifeguard.ParseDate(s)
	if err != nil {
		return d, fmt.Errorf("stored date %q: %w", s, err)
	}
	return d, nil
}

// noRow turns sql.ErrNoRows into notFound.
func noRow(err error, notFound func() error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return notFound()
	}
	return err
}
