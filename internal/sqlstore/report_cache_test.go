package sqlstore_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/sqltest"
)

// TestReportFiguresFollowEveryServer is two servers on one database, each
// keeping the report sums it has read (report_cache.go): a concern
// recorded and decided through one shows at once in the board's and the
// organisation's figures read through the other, and reading the same
// period again answers the same.
func TestReportFiguresFollowEveryServer(t *testing.T) {
	for _, engine := range sqltest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			var cfg sqlstore.Config
			if engine == sqltest.SQLite {
				cfg.Path = filepath.Join(t.TempDir(), "lifeguard.db")
			} else {
				cfg.DSN = pgtest.Database(t)
			}
			a, b := sqltest.OpenConfig(t, cfg), sqltest.OpenConfig(t, cfg)
			if err := a.Migrate(sys(t.Context())); err != nil {
				t.Fatal(err)
			}
			s := sqltest.NewSchool(t, a)
			dsl := s.AsDSL(t.Context())
			today := lifeguard.DateOf(time.Now())
			board := lifeguard.ReportQuery{From: lifeguard.DateOf(time.Now().AddDate(0, 0, -30)), To: today,
				PartnershipID: s.Partnership.ID}
			own := board
			own.PartnershipID, own.OrganisationID = 0, s.Org.ID
			figures := func(when string) (boardN, ownN int64, decided int) {
				t.Helper()
				for range 2 { // the second read is the kept one
					br, err := a.ReportCounts(sys(t.Context()), board)
					if err != nil {
						t.Fatalf("%s: board: %v", when, err)
					}
					or, err := a.ReportCounts(dsl, own)
					if err != nil {
						t.Fatalf("%s: own: %v", when, err)
					}
					if br.Audits == nil || br.Plan == nil || or.Audits == nil {
						t.Fatalf("%s: audit or plan figures missing from a kept report", when)
					}
					boardN, ownN, decided = br.Concerns, or.Concerns, len(br.Routes)
				}
				return
			}
			if n, m, _ := figures("at first"); n != 0 || m != 0 {
				t.Fatalf("at first %d and %d concerns", n, m)
			}
			nc := sqltest.Concern(time.Now().Add(-time.Hour))
			nc.Triage.Routes = []lifeguard.Route{{Code: "ADVICE_PARENTS", Title: "Tell parents", Urgency: lifeguard.Advice,
				Rules: []string{"r"}, Why: []string{"w"}}}
			c, err := b.CreateConcern(dsl, nc)
			if err != nil {
				t.Fatal(err)
			}
			if n, m, d := figures("after a concern on the other server"); n != 1 || m != 1 || d != 0 {
				t.Fatalf("after a concern recorded on the other server: board %d, own %d, %d decisions; want 1, 1, 0", n, m, d)
			}
			if _, err := b.AddDecision(dsl, c.ID, lifeguard.NewDecision{Route: "ADVICE_PARENTS",
				Decision: lifeguard.DecisionDone}); err != nil {
				t.Fatal(err)
			}
			if _, _, d := figures("after a decision on the other server"); d != 1 {
				t.Fatalf("after a decision on the other server: %d decided routes, want 1", d)
			}
		})
	}
}
