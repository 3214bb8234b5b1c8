package sqlstore

import (
	"github.com/lifeguard-scp/lifeguard"
)

// Referrals. A referral is seen by the DSLs of the organisation that sent
// it and of the one that received it, and by nobody else: to a third
// organisation it answers as a referral that does not exist. The rules are
// lifeguard.OpSendReferral, OpReadReferral and OpAnswerReferral; this file
// says which side each applies to.

const msgNoReferral = "There is no such referral."

func errNoReferral() error { return lifeguard.Errorf(lifeguard.ENOTFOUND, msgNoReferral) }

// referralAccess is what an actor wants of a referral.
type referralAccess int

const (
	readReferral   referralAccess = iota // see it and its messages
	answerReferral                       // acknowledge, consider, decide, ask, record an employer's action
	replyReferral                        // the referrer answers a request for more information
)

// checkReferral decides whether a may do want with a referral from
// organisation from to organisation to: ENOTFOUND for anyone outside the
// two; EFORBIDDEN for their staff and managers, and for a side doing what
// is the other's to do.
func checkReferral(a *lifeguard.Actor, want referralAccess, from, to int64) error {
	if a.IsSystem() {
		return nil
	}
	near := min(a.Near(0, from, 0), a.Near(0, to, 0))
	switch {
	case near != lifeguard.ReachOrganisation:
		return errNoReferral()
	case !a.May(lifeguard.OpReadReferral).Covers(near):
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only a designated safeguarding lead can see a referral to or from another agency.")
	}
	switch want {
	case answerReferral:
		if a.OrganisationID != to || !a.May(lifeguard.OpAnswerReferral).Covers(near) {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"Only the receiving agency's safeguarding lead can acknowledge or answer the referral.")
		}
	case replyReferral:
		if a.OrganisationID != from || !a.May(lifeguard.OpSendReferral).Covers(near) {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"Only the referring organisation's safeguarding lead can reply to the agency.")
		}
	}
	return nil
}

// canListReferrals decides whether a may list referrals at all.
func canListReferrals(a *lifeguard.Actor) error {
	if a.Can(lifeguard.OpReadReferral) {
		return nil
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only a designated safeguarding lead sees referrals.")
}

// checkSendReferral decides whether a may send a route of a concern of
// organisation org reported by reporter: its DSLs may; whoever else can see
// the concern (its reporter) gets EFORBIDDEN; anyone else ENOTFOUND.
func checkSendReferral(a *lifeguard.Actor, org, reporter int64, status lifeguard.ConcernStatus) error {
	if err := checkConcern(a, readConcern, org, reporter, status); err != nil {
		return err
	}
	if !a.May(lifeguard.OpSendReferral).Covers(a.Near(0, org, 0)) {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN,
			"Only your organisation's designated safeguarding lead can send a referral.")
	}
	if status == lifeguard.StatusClosed {
		return lifeguard.Errorf(lifeguard.ECONFLICT, "The concern is closed; a referral is sent from an open concern.")
	}
	return nil
}

// directoryAccess checks that a may read (or, with write, keep) the
// directory of partnership p.
func directoryAccess(a *lifeguard.Actor, write bool, p int64) error {
	if a.IsSystem() {
		return nil
	}
	if write {
		if !a.May(lifeguard.OpKeepDirectory).Covers(a.Near(0, 0, p)) {
			return lifeguard.Errorf(lifeguard.EFORBIDDEN,
				"Only the partnership officer or an administrator keeps the directory of referrals.")
		}
		return nil
	}
	if a.Can(lifeguard.OpKeepDirectory) || a.Can(lifeguard.OpSendReferral) || a.Can(lifeguard.OpReadReferral) {
		return nil
	}
	return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Your role does not send or receive referrals.")
}

var _ lifeguard.ReferralStore = (*DB)(nil)
