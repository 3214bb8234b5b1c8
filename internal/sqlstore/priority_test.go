package sqlstore

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// TestPriorityIndexes holds the indexes of migration 0017 (which rebuilt
// those of 0012 on lead_now_due) to the order the
// code sorts by: an index built on other expressions than the query's would
// be silently ignored, and every page of the inbox would scan the
// organisation's concerns.
func TestPriorityIndexes(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		b, err := fs.ReadFile(migrationFiles, "migrations/"+engine+"/0017_lead_now.sql")
		if err != nil {
			t.Fatal(err)
		}
		sql := string(b)
		for _, want := range []string{"(" + priorityBucket("") + ")", "(" + priorityDue("") + ")", "WHERE " + openOnly} {
			if n := strings.Count(sql, want); n != 2 {
				t.Errorf("%s: migration 0017 has %q %d times, want 2 (one per index)", engine, want, n)
			}
		}
	}
}

// TestLeadNowMigration holds migration 0017's backfill of lead_now_due to
// the instruction routes lifeguard.Route.NeedsLeadNow leaves out: the
// backfill names them in SQL, and must name the same two.
func TestLeadNowMigration(t *testing.T) {
	want := "NOT IN ('" + string(lifeguard.RouteDoNotViewImages) + "', '" + string(lifeguard.RoutePreserveEvidence) + "')"
	for _, engine := range []string{"sqlite", "postgres"} {
		b, err := fs.ReadFile(migrationFiles, "migrations/"+engine+"/0017_lead_now.sql")
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(b), want); n != 2 {
			t.Errorf("%s: migration 0017 has %q %d times, want 2 (triage routes, added routes)", engine, want, n)
		}
	}
}

// TestPriorityPlan checks, on each engine, that a page of the inbox in the
// priority order, first or later, for an organisation or for one person's
// assigned concerns, is read from its index in order, with no sort: a
// plan that sorted would read every open concern of the organisation for
// every page.
func TestPriorityPlan(t *testing.T) {
	dsl := &lifeguard.Actor{UserID: 1, Role: lifeguard.RoleDSL, OrganisationID: 1, Via: "session"}
	later := cursor{order: lifeguard.OrderPriority, bucket: 2, id: 10}
	cases := []struct {
		name, index string
		f           lifeguard.ConcernFilter
		cur         cursor
	}{
		{"first page", "concerns_priority", lifeguard.ConcernFilter{}, cursor{}},
		{"later page", "concerns_priority", lifeguard.ConcernFilter{Cursor: "x"}, later},
		{"new only", "concerns_priority", lifeguard.ConcernFilter{Status: lifeguard.StatusNew}, cursor{}},
		{"assigned to me", "concerns_assigned", lifeguard.ConcernFilter{AssignedTo: 1, Cursor: "x"}, later},
	}
	engines := map[string]func(t *testing.T) (*DB, []string){
		"sqlite": func(t *testing.T) (*DB, []string) {
			db, err := Open(t.Context(), Config{Path: filepath.Join(t.TempDir(), "plan.db")})
			if err != nil {
				t.Fatal(err)
			}
			return db, nil
		},
		"postgres": func(t *testing.T) (*DB, []string) {
			db, err := Open(t.Context(), Config{DSN: pgtest.Database(t)})
			if err != nil {
				t.Fatal(err)
			}
			// An empty table is cheaper to scan than to probe; without
			// this the planner would never show whether it can use the
			// index.
			return db, []string{`SET enable_seqscan = off`, `SET enable_bitmapscan = off`}
		},
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			db, setup := engines[engine](t)
			t.Cleanup(func() { db.Close() })
			if err := db.Migrate(lifeguard.WithActor(t.Context(), lifeguard.SystemActor())); err != nil {
				t.Fatal(err)
			}
			conn, err := db.read.Conn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			for _, q := range setup {
				if _, err := conn.ExecContext(t.Context(), q); err != nil {
					t.Fatal(err)
				}
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					c.f.Order = lifeguard.OrderPriority
					q, args := listQuery(dsl, c.f, lifeguard.OrderPriority, c.cur, 50)
					explain := "EXPLAIN QUERY PLAN "
					if engine == "postgres" {
						explain = "EXPLAIN "
					}
					rows, err := conn.QueryContext(t.Context(), db.d.rebind(explain+q), args...)
					if err != nil {
						t.Fatal(err)
					}
					defer rows.Close()
					cols, _ := rows.Columns()
					var plan strings.Builder
					for rows.Next() {
						vals := make([]any, len(cols))
						ptrs := make([]any, len(cols))
						for i := range vals {
							ptrs[i] = &vals[i]
						}
						if err := rows.Scan(ptrs...); err != nil {
							t.Fatal(err)
						}
						fmt.Fprintln(&plan, vals[len(vals)-1])
					}
					if err := rows.Err(); err != nil {
						t.Fatal(err)
					}
					p := plan.String()
					if !strings.Contains(p, c.index) || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "Sort") {
						t.Errorf("the plan does not read %s in order:\n%s", c.index, p)
					}
				})
			}
		})
	}
}
