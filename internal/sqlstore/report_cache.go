package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"sync"

	"github.com/lifeguard-scp/lifeguard"
)

// A period's figures are summed from report_counts (the board's) or from
// the organisation's concerns (an organisation's own), and every view of a
// report page asked for them again: at a million concerns the report pages
// were a twentieth of the page views and more than a quarter of the
// server's work. The sums change only when a concern's contributions do,
// and every such change moves the partnership's counter in report_versions
// in the same transaction (bumpReportVersion). So a server keeps the sums
// of each period it has been asked for, with the counter they were read
// at, and serves them again while the counter stands; any server's write
// moves it, so a server never serves sums older than the last change it
// could see. The self-audit and plan figures are small, and their writes
// do not move the counter, so they are read afresh every time; so are the
// prevention registers' figures.

// reportCacheSize bounds how many periods a server keeps: a partnership's
// readers mostly ask for the default six months, of the board or their
// own organisation.
const reportCacheSize = 1024

type reportCache struct {
	mu      sync.Mutex
	entries map[lifeguard.ReportQuery]*reportEntry
	order   []lifeguard.ReportQuery // oldest first, for eviction
}

type reportEntry struct {
	version int64
	counts  *lifeguard.ReportCounts // Audits and Plan left nil
}

func newReportCache() *reportCache {
	return &reportCache{entries: map[lifeguard.ReportQuery]*reportEntry{}}
}

// get returns a copy of the sums of q kept at version, or nil.
func (c *reportCache) get(q lifeguard.ReportQuery, version int64) *lifeguard.ReportCounts {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[q]
	if e == nil || e.version != version {
		return nil
	}
	return cloneCounts(e.counts)
}

// put keeps a copy of r's sums, read at version.
func (c *reportCache) put(q lifeguard.ReportQuery, version int64, r *lifeguard.ReportCounts) {
	kept := cloneCounts(r)
	kept.Audits, kept.Plan, kept.Children, kept.Prevention = nil, nil, nil, nil
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[q]; !ok {
		if len(c.order) >= reportCacheSize {
			delete(c.entries, c.order[0])
			c.order = c.order[1:]
		}
		c.order = append(c.order, q)
	}
	c.entries[q] = &reportEntry{version: version, counts: kept}
}

// cloneCounts copies the sums, so that no caller can change what is kept.
func cloneCounts(r *lifeguard.ReportCounts) *lifeguard.ReportCounts {
	out := *r
	out.Types, out.Vulns, out.Given = slices.Clone(r.Types), slices.Clone(r.Vulns), slices.Clone(r.Given)
	out.Ages, out.Settings, out.Months = slices.Clone(r.Ages), slices.Clone(r.Settings), slices.Clone(r.Months)
	out.PrevMonths, out.Prior, out.Routes = slices.Clone(r.PrevMonths), slices.Clone(r.Prior), slices.Clone(r.Routes)
	out.FirstDecision, out.Added = slices.Clone(r.FirstDecision), slices.Clone(r.Added)
	out.Children, out.Referrals, out.Captures = slices.Clone(r.Children), slices.Clone(r.Referrals), slices.Clone(r.Captures)
	return &out
}

// reportVersion reads the partnership's counter; 0 when it has none yet
// (a partnership made after the migration, before its first concern).
func reportVersion(ctx context.Context, tx *tx, partnership int64) (int64, error) {
	var v int64
	err := tx.row(ctx, `SELECT version FROM report_versions WHERE partnership_id = ?`, partnership).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

// bumpReportVersion moves on the counter of the partnership of concern id,
// in the transaction that changes its contributions.
func bumpReportVersion(ctx context.Context, tx *tx, id int64) error {
	_, err := tx.exec(ctx, `INSERT INTO report_versions (partnership_id, version)
		SELECT o.partnership_id, 1 FROM concerns c JOIN organisations o ON o.id = c.organisation_id WHERE c.id = ?
		ON CONFLICT (partnership_id) DO UPDATE SET version = report_versions.version + 1`, id)
	return err
}
