package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// referralCounts sums the journeys of the referrals sent in [start, end)
// (microseconds) by the organisations of q's scope: the partnership's, or
// one organisation's own. The rows are read and summed here so that only
// counts leave the store, the same on both engines.
func referralCounts(ctx context.Context, tx *tx, q lifeguard.ReportQuery, start, end int64) ([]lifeguard.ReferralTally, error) {
	where, args := `o.partnership_id = ?`, []any{q.PartnershipID}
	if q.OrganisationID != 0 {
		where, args = `r.from_organisation_id = ?`, []any{q.OrganisationID}
	}
	args = append(args, start, end)
	byRoute := map[lifeguard.RouteCode]*lifeguard.ReferralTally{}
	bands := map[lifeguard.RouteCode][2]map[string]int64{}
	outcomes := map[lifeguard.RouteCode]map[string]int64{}
	err := each(ctx, tx, `SELECT r.route, r.agency, r.sent_at, r.due_by, r.acknowledged_at, r.decided_at, r.outcome
		FROM referrals r JOIN organisations o ON o.id = r.from_organisation_id
		WHERE `+where+` AND r.sent_at >= ? AND r.sent_at < ?`, args, func(scan func(...any) error) error {
		var route, agency, outcome string
		var sent, due int64
		var acked, decided sql.NullInt64
		if err := scan(&route, &agency, &sent, &due, &acked, &decided, &outcome); err != nil {
			return err
		}
		code := lifeguard.RouteCode(route)
		t := byRoute[code]
		if t == nil {
			t = &lifeguard.ReferralTally{Route: code, Agency: lifeguard.ReferralAgency(agency)}
			byRoute[code] = t
			bands[code] = [2]map[string]int64{{}, {}}
			outcomes[code] = map[string]int64{}
		}
		t.Sent++
		band := func(at int64) string {
			b, _ := lifeguard.FirstDecisionBand((at - sent) / 60e6)
			return strconv.FormatInt(b, 10)
		}
		if acked.Valid {
			t.Acknowledged++
			bands[code][0][band(acked.Int64)]++
			if acked.Int64 <= due {
				t.AckOnTime++
			}
		}
		if decided.Valid {
			t.Decided++
			bands[code][1][band(decided.Int64)]++
			outcomes[code][outcome]++
			if decided.Int64 <= due {
				t.DecidedOnTime++
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]lifeguard.ReferralTally, 0, len(byRoute))
	for _, code := range lifeguard.ReferralRoutes() {
		t := byRoute[code]
		if t == nil {
			continue
		}
		t.AckBands, t.DecideBands, t.Outcomes = tallies(bands[code][0]), tallies(bands[code][1]), tallies(outcomes[code])
		out = append(out, *t)
	}
	return out, nil
}

// tallies turns counts by key into Tallies in the order of their keys.
func tallies(m map[string]int64) []lifeguard.Tally {
	out := make([]lifeguard.Tally, 0, len(m))
	for k, n := range m {
		out = append(out, lifeguard.Tally{Key: k, N: n})
	}
	slices.SortFunc(out, func(a, b lifeguard.Tally) int { return strings.Compare(a.Key, b.Key) })
	return out
}
