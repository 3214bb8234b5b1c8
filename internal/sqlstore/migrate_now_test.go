package sqlstore

import (
	"fmt"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestMigrateJudgesNowAgain migrates a database of schema version 10, whose
// decisions on immediate routes were judged with no window of "now", and
// checks that version 11 gives its concerns the default window and a
// late_at, stamps on time a referral made within the hour after the report
// (and not one made after it), and rebuilds the report's counts to match.
func TestMigrateJudgesNowAgain(t *testing.T) {
	forEachEngine(t, testMigrateJudgesNowAgain)
}

func testMigrateJudgesNowAgain(t *testing.T, db *DB) {
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	exec := atVersion(t, db, 10)
	const (
		reported = int64(1_763_460_000_000_000) // 2025-11-18 10:00 UTC
		minute   = int64(60_000_000)
	)
	triage := `{"procedure":{"name":"England baseline","version":"2026.2"},"routes":[` +
		`{"code":"CSC_REFERRAL","title":"Refer","action":"Phone now.","contact":null,"urgency":"immediate","due":"2025-11-18T10:00:00Z","rules":["MEETING"],"why":["w"]},` +
		`{"code":"POLICE_101","title":"Police","action":"Report today.","contact":null,"urgency":"same_working_day","due":"2025-11-18T17:00:00Z","rules":["MEETING"],"why":["w"]}],` +
		`"guidance":[],"offences":[],"risk_areas":[],"proposed_decision":null,"warnings":[]}`
	facts := `{"reported_at":"2025-11-18T10:00:00Z","setting":"school","concern_types":["grooming"]}`
	// 1: referred 30 minutes after the report; 2: 90 minutes after; 3:
	// not yet referred. due is what version 10 kept: the earliest deadline
	// of a route without a decision.
	police, at := reported+7*60*minute, reported+90*minute
	for id, due := range map[int]int64{1: police, 2: police, 3: reported} {
		exec(`INSERT INTO concerns (id, organisation_id, reporter_id, status, facts, triage, types, routes, reported_at,
			due, created_at, updated_at) VALUES (?, 1, 1, 'in_progress', ?, ?, 'grooming', 'CSC_REFERRAL,POLICE_101', ?, ?, ?, ?)`,
			id, facts, triage, reported, due, reported, at)
	}
	exec(`INSERT INTO decisions (id, concern_id, route, decision, reason, reference, on_time, decided_by, decided_at)
		VALUES (1, 1, 'CSC_REFERRAL', 'done', '', 'M-1', ?, 1, ?), (2, 2, 'CSC_REFERRAL', 'done', '', 'M-2', ?, 1, ?)`,
		false, reported+30*minute, false, reported+90*minute)
	exec(`UPDATE concerns SET first_decided_at = ? WHERE id = 1`, reported+30*minute)
	exec(`UPDATE concerns SET first_decided_at = ? WHERE id = 2`, reported+90*minute)

	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int]bool{1: true, 2: false} {
		var got bool
		if err := db.read.QueryRowContext(ctx, `SELECT on_time FROM decisions WHERE id = `+fmt.Sprint(id)).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("decision %d: on time %v, want %v", id, got, want)
		}
	}
	for id, want := range map[int]int64{1: police, 2: police, 3: reported + 60*minute} {
		var late, window int64
		if err := db.read.QueryRowContext(ctx, `SELECT late_at, now_window FROM concerns WHERE id = `+fmt.Sprint(id)).
			Scan(&late, &window); err != nil {
			t.Fatal(err)
		}
		if late != want || window != 60*minute {
			t.Errorf("concern %d: late_at %d, window %d; want %d, an hour", id, late, window, want)
		}
	}
	counts := map[string]int64{}
	rows, err := db.read.QueryContext(ctx, `SELECT key, n FROM report_counts WHERE dim = 'route'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		counts[k] += n
	}
	if counts["CSC_REFERRAL:111"] != 1 || counts["CSC_REFERRAL:110"] != 1 {
		t.Errorf("report counts of the referrals %v, want one on time and one late", counts)
	}
}
