package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// nowRoutes returns the routes of concern id due now at t: those without a
// decision still within the window of "now" (lifeguard.Triage.NowRoutes).
// A list asks only for the concerns its row says have one, the few
// recorded within the last window, so reading their triage costs little.
func nowRoutes(ctx context.Context, tx *tx, id int64, t time.Time) ([]lifeguard.NowRoute, error) {
	var triage string
	var window int64
	if err := tx.row(ctx, `SELECT triage, now_window FROM concerns WHERE id = ?`, id).Scan(&triage, &window); err != nil {
		return nil, err
	}
	var tr lifeguard.Triage
	if err := json.Unmarshal([]byte(triage), &tr); err != nil {
		return nil, fmt.Errorf("concern %d: triage: %w", id, err)
	}
	tr.NowWindow = time.Duration(window) * time.Microsecond
	decided, err := decidedRoutes(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	out := []lifeguard.NowRoute{}
	for _, r := range tr.NowRoutes(decided, t) {
		out = append(out, lifeguard.NowRoute{Code: r.Code, Title: r.Title, Action: r.Action})
	}
	return out, nil
}
