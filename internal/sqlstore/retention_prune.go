package sqlstore

import (
	"context"
	"strconv"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// Records the erasure job deletes outright (issue 19): monitoring captures
// past their date and the DNS filter's blocked attempts past the
// schedule's filter_record rule. Their rows hold no count the board report
// reads (captures are counted in monitor_capture_counts when received;
// alerts, reviews and worries the filter raised stay), so they go whole.

// prunable is, for each kind, its table, the kind's name in the journal,
// and the column its date is in.
var prunable = map[lifeguard.RetentionKind]struct{ table, name, at string }{
	lifeguard.RetainCapture:      {"monitor_captures", "captures", "delete_after"},
	lifeguard.RetainFilterRecord: {"filter_events", "filter_records", "at"},
}

// PruneRecords deletes the records of kind k whose date is before before,
// batch a transaction, each batch journalled as an erasure with its count:
// system actor only. It returns how many it deleted.
func (db *DB) PruneRecords(ctx context.Context, k lifeguard.RetentionKind, before time.Time, batch int) (int64, error) {
	a, err := actor(ctx)
	if err != nil {
		return 0, err
	}
	if err := systemOnly(ctx); err != nil {
		return 0, err
	}
	p, ok := prunable[k]
	var ps []lifeguard.Problem
	if !ok {
		ps = append(ps, lifeguard.Problem{Path: "kind", Problem: "must be capture or filter_record"})
	}
	if batch < 1 {
		ps = append(ps, lifeguard.Problem{Path: "batch", Problem: "must be 1 or more"})
	}
	if len(ps) > 0 {
		return 0, lifeguard.Invalid("The pruning is not valid", ps)
	}
	var total int64
	for {
		var n int64
		err := db.inWrite(ctx, "prune "+p.name, func(tx *tx) error {
			res, err := tx.exec(ctx, `DELETE FROM `+p.table+` WHERE id IN
				(SELECT id FROM `+p.table+` WHERE `+p.at+` < ? ORDER BY `+p.at+` LIMIT ?)`, micros(before), batch)
			if err != nil {
				return err
			}
			if n, err = res.RowsAffected(); err != nil || n == 0 {
				return err
			}
			return journal(ctx, tx, a, db.now(), jErase, jRetention, 0, p.name+"="+strconv.FormatInt(n, 10))
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < int64(batch) {
			return total, nil
		}
	}
}
