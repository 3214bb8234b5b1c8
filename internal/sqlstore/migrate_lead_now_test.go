package sqlstore

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestMigrateLeadNow migrates a database of schema version 16 and checks
// that version 17 gives each concern the lead_now_due the store would
// write: NULL when its only immediate route is an instruction ("keep the
// evidence") or its immediate referral is decided, the report's time while
// an immediate referral waits, and the moment a lead added an immediate
// route that waits.
func TestMigrateLeadNow(t *testing.T) {
	forEachEngine(t, testMigrateLeadNow)
}

func testMigrateLeadNow(t *testing.T, db *DB) {
	ctx := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	exec := atVersion(t, db, 16)
	const (
		reported = int64(1_763_460_000_000_000) // 2025-11-18 10:00 UTC
		minute   = int64(60_000_000)
	)
	route := func(code, urgency, due string) string {
		return `{"code":"` + code + `","title":"T","action":"A","contact":null,"urgency":"` + urgency + `","due":"` + due +
			`","rules":["R"],"why":["w"]}`
	}
	triage := func(routes ...string) string {
		s := `{"procedure":{"name":"England baseline","version":"2026.2"},"routes":[`
		for i, r := range routes {
			if i > 0 {
				s += ","
			}
			s += r
		}
		return s + `],"guidance":[],"offences":[],"risk_areas":[],"proposed_decision":null,"warnings":[]}`
	}
	evidence := route("PRESERVE_EVIDENCE", "immediate", "2025-11-18T10:00:00Z")
	images := route("DO_NOT_VIEW_IMAGES", "immediate", "2025-11-18T10:00:00Z")
	review := route("DSL_REVIEW", "same_working_day", "2025-11-18T17:00:00Z")
	referral := route("CSC_REFERRAL", "immediate", "2025-11-18T10:00:00Z")
	facts := `{"reported_at":"2025-11-18T10:00:00Z","setting":"school","concern_types":["cyberbullying"]}`
	added := reported + 30*minute
	for id, tr := range map[int]string{
		1: triage(evidence, images, review), // instructions only
		2: triage(evidence, referral, review),
		3: triage(evidence, referral, review), // its referral decided
		4: triage(evidence, review),           // a lead added an immediate route
	} {
		exec(`INSERT INTO concerns (id, organisation_id, reporter_id, status, facts, triage, types, routes, reported_at,
			due, late_at, created_at, updated_at) VALUES (?, 1, 1, 'new', ?, ?, 'cyberbullying', 'x', ?, ?, ?, ?, ?)`,
			id, facts, tr, reported, reported, reported+60*minute, reported, reported)
	}
	exec(`INSERT INTO decisions (id, concern_id, route, decision, reason, reference, on_time, decided_by, decided_at)
		VALUES (1, 3, 'CSC_REFERRAL', 'done', '', '', ?, 1, ?)`, true, reported+10*minute)
	exec(`INSERT INTO added_routes (concern_id, route, route_json, reason, added_by, added_at)
		VALUES (4, 'POLICE_999', ?, 'Missing.', 1, ?)`, route("POLICE_999", "immediate", "2025-11-18T10:30:00Z"), added)

	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int]sql.NullInt64{1: {}, 2: {Int64: reported, Valid: true}, 3: {},
		4: {Int64: added, Valid: true}} {
		var got sql.NullInt64
		if err := db.read.QueryRowContext(ctx, `SELECT lead_now_due FROM concerns WHERE id = `+fmt.Sprint(id)).
			Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("concern %d: lead_now_due %v, want %v", id, got, want)
		}
	}
}
