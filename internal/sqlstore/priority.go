package sqlstore

import "strings"

// The inbox's order (lifeguard.OrderPriority) is decided here and only
// here: the SQL below sorts every list in that order, and the indexes
// concerns_priority and concerns_assigned (built in migration 0012, rebuilt
// on the present expressions in 0017) are built on the same expressions,
// which TestPriorityIndexes holds them to.
//
// A concern's place is three keys, compared in turn:
//
//  1. its bucket:
//     0. never opened by a lead or deputy (first_opened_at is NULL) and a
//        route that needs the lead now not yet decided (lead_now_due is
//        set): nobody who must act has seen it, and a child may be at risk
//        today;
//     1. never opened, otherwise: it may hide something as urgent that the
//        reporter did not see, and only a lead can tell by reading it;
//     2. opened, with a route still to decide: by its deadline;
//     3. opened, with nothing due: the rest;
//  2. its deadline, the earliest among the routes not yet decided (due),
//     missing deadlines last;
//  3. its id, so that the order is total and a cursor is exact.
//
// "Needs the lead now" is lifeguard.Route.NeedsLeadNow: an immediate route
// that is not an instruction to the person holding the concern ("keep the
// evidence", "do not view the images"), which they carry out themselves.
// Those come with almost every concern; were they counted, nearly every new
// concern would be in bucket 0 and the bucket would mean nothing. The store
// keeps lead_now_due (lifeguard.Triage.LeadNowDue) with due and late_at; a
// decision on the route clears it, and the concern moves with it.
//
// Closed concerns have no place: the order lists open concerns only, and
// both indexes leave closed ones out.

// noDue stands in for a missing deadline in the second key: later than
// any real one, so that concerns with nothing due come last in a bucket.
const noDue = "9223372036854775807"

// priorityBucket and priorityDue are the first two keys as SQL over the
// concerns table, with p the table's alias and a dot ("c.") or "" as the
// migration's index writes them.
func priorityBucket(p string) string {
	return strings.NewReplacer("$.", p).Replace(`CASE WHEN $.first_opened_at IS NULL AND $.lead_now_due IS NOT NULL THEN 0 ` +
		`WHEN $.first_opened_at IS NULL THEN 1 WHEN $.due IS NOT NULL THEN 2 ELSE 3 END`)
}

func priorityDue(p string) string { return `COALESCE(` + p + `due, ` + noDue + `)` }

// openOnly is the condition of an open concern, written as the partial
// indexes' WHERE so that both engines can use them.
const openOnly = `status <> 'closed'`
