// Command erasure prepares and reads the erasure benchmark (issue 19, item
// 6): a copy of the store's million-concern database in which a share of
// the concerns falls due, so that the daily erasure job (retention dates
// worked out afresh, then what is due erased in batches) has that much to
// do. Benchmarks only: bench/erasure.sh runs it beside a server and a load
// of page views.
//
//	erasure -prepare FILE   give children a date of birth 30 years ago, whole
//	                        children (none with an open concern) until the
//	                        share of concerns is reached, and record today's
//	                        erasure job as done, so that a server started on
//	                        FILE does not run it
//	erasure -rearm FILE     forget today's run of the job: the next server
//	                        started runs it at once (and the DSLs' second
//	                        factor, which the load enrols afresh)
//	erasure -log LOG        the server's own p50 and p99 by page, from the
//	                        request lines of its log; with -split FILE, those
//	                        before the job's first erasure batch (the refresh
//	                        of the dates) and after it apart
//	erasure -count FILE     what is erased, and what is due and not yet
//	erasure -direct FILE    run the job's two steps in this process, each
//	                        timed, with no server (journal key: FILE.key)
package main

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/jobs"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	_ "modernc.org/sqlite"
)

func main() {
	prepare := flag.String("prepare", "", "a copy of the benchmark database to make a share of its concerns fall due in")
	share := flag.Float64("share", 0.1, "the share of the concerns to fall due")
	rearm := flag.String("rearm", "", "a database whose erasure job is to run again today")
	count := flag.String("count", "", "a database to count the erased and the due records of")
	logFile := flag.String("log", "", "a server's log: the p50 and p99 of its page requests, as the server timed them")
	splitDB := flag.String("split", "", "with -log, the database: times before and after its first erasure batch apart")
	direct := flag.String("direct", "", "a database to run the erasure job's steps on, timed, in this process")
	flag.Parse()
	ctx := context.Background()
	var err error
	switch {
	case *prepare != "":
		err = prepareDue(ctx, *prepare, *share)
	case *rearm != "":
		err = withDB(*rearm, func(db *sql.DB) error {
			if _, err := db.ExecContext(ctx, `DELETE FROM job_runs WHERE job = 'erasure'`); err != nil {
				return err
			}
			// The load's leads sign in again to the restarted server and
			// enrol a second factor afresh: the load keeps no secret.
			_, err := db.ExecContext(ctx, `UPDATE users SET totp_secret = NULL, totp_enrolled_at = NULL,
				totp_last_step = 0, totp_recovery = '[]' WHERE role = 'dsl'`)
			return err
		})
	case *count != "":
		err = withDB(*count, func(db *sql.DB) error { return printCounts(ctx, db) })
	case *logFile != "":
		var split time.Time
		if *splitDB != "" {
			err = withDB(*splitDB, func(db *sql.DB) error {
				var at sql.NullInt64
				err := db.QueryRowContext(ctx, `SELECT MIN(at) FROM journal WHERE action = 'erase'`).Scan(&at)
				if at.Valid {
					split = time.UnixMicro(at.Int64)
				}
				return err
			})
		}
		if err == nil {
			err = serverTimes(*logFile, split)
		}
	case *direct != "":
		err = runDirect(ctx, *direct)
	default:
		err = errors.New("give -prepare, -rearm, -count or -direct")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "erasure:", err)
		os.Exit(1)
	}
}

// withDB opens a SQLite file straight, outside the store: the benchmark
// sets up its data as the store's own benchmark generator does.
func withDB(path string, fn func(db *sql.DB) error) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(db)
}

// prepareDue gives whole children a date of birth 30 years ago (their 25th
// birthday, when the shipped schedule lets a child's file go, is five years
// past) until share of all concerns is about them. Only children with no
// open concern are chosen, since an open concern holds the file; they are
// taken in a scrambled order of id, so they are spread over the
// organisations. The job's refresh then works out the dates itself.
func prepareDue(ctx context.Context, path string, share float64) error {
	if share <= 0 || share > 1 {
		return fmt.Errorf("-share %v: must be above 0 and at most 1", share)
	}
	return withDB(path, func(db *sql.DB) error {
		var total int64
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM concerns WHERE erased_at IS NULL`).Scan(&total); err != nil {
			return err
		}
		target := int64(float64(total) * share)
		rows, err := db.QueryContext(ctx, `SELECT child_id, COUNT(*) FROM concerns WHERE child_id IS NOT NULL
			GROUP BY child_id HAVING SUM(closed_at IS NULL) = 0 ORDER BY (child_id * 2654435761) % 4294967291`)
		if err != nil {
			return err
		}
		var ids []int64
		var due int64
		for rows.Next() && due < target {
			var id, n int64
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return err
			}
			ids, due = append(ids, id), due+n
		}
		if err := rows.Close(); err != nil {
			return err
		}
		born := time.Now().UTC().AddDate(-30, 0, 0).Format("2006-01-02")
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE children SET date_of_birth = ? WHERE id = ?`, born, id); err != nil {
				return err
			}
		}
		// Today's run of the job counts as done, so that the server runs
		// it only once -rearm says so.
		slot := time.Now().UTC().Truncate(jobs.RetentionEvery).UnixMicro()
		now := time.Now().UnixMicro()
		if _, err := tx.ExecContext(ctx, `DELETE FROM job_runs WHERE job = 'erasure'`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO job_runs (job, slot, holder, claimed_at, lease_until, finished_at, outcome)
			VALUES ('erasure', ?, 'bench', ?, ?, ?, 'done')`, slot, now, now, now); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		fmt.Printf("prepared: %d of %d concerns (%.1f %%) about %d children now fall due\n", due, total,
			100*float64(due)/float64(total), len(ids))
		return nil
	})
}

// printCounts says what is erased and what is still due.
func printCounts(ctx context.Context, db *sql.DB) error {
	now := time.Now().UnixMicro()
	for _, t := range []string{"concerns", "children", "referrals"} {
		var erased, due int64
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t+` WHERE erased_at IS NOT NULL`).Scan(&erased); err != nil {
			return err
		}
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+t+` WHERE erased_at IS NULL AND retain_until <= ?`, now).
			Scan(&due); err != nil {
			return err
		}
		fmt.Printf("%-9s erased %7d, due and not erased %7d\n", t, erased, due)
	}
	return nil
}

// runDirect runs what the erasure job runs, in this process with no
// other load, timing each step.
func runDirect(ctx context.Context, path string) error {
	b, err := os.ReadFile(path + ".key")
	if err != nil {
		return err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return fmt.Errorf("%s.key: %w", path, err)
	}
	db, err := sqlstore.Open(ctx, sqlstore.Config{Path: path, JournalKey: key})
	if err != nil {
		return err
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	t0 := time.Now()
	n, err := db.RefreshRetention(sys, lifeguard.ShippedRetentionSchedule())
	if err != nil {
		return err
	}
	fmt.Printf("refresh: %d records in %s\n", n, time.Since(t0).Round(time.Millisecond))
	t1 := time.Now()
	c, err := db.EraseDue(sys, time.Now(), jobs.ErasureBatch)
	if err != nil {
		return err
	}
	fmt.Printf("erase: %d concerns, %d children, %d referrals in %s (batches of %d)\n", c.Concerns, c.Children,
		c.Referrals, time.Since(t1).Round(time.Millisecond), jobs.ErasureBatch)
	return nil
}

// serverTimes reads a server's JSON log and prints the p50 and p99 of the
// time it took to answer each page of the load, without the client's own
// waits (the load generator shares the machine's cores); when split is
// not zero, the requests answered before it and after it apart.
func serverTimes(path string, split time.Time) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	times := map[string][]time.Duration{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		var l struct {
			Time       time.Time
			Msg, Route string
			Status     int
			Duration   time.Duration
		}
		if json.Unmarshal(sc.Bytes(), &l) != nil || l.Msg != "request" || l.Status != 200 {
			continue
		}
		key := l.Route
		if !split.IsZero() {
			key = "refresh: " + key
			if !l.Time.Before(split) {
				key = "erase:   " + l.Route
			}
		}
		times[key] = append(times[key], l.Duration)
	}
	if err := sc.Err(); err != nil {
		return err
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	for _, phase := range []string{"", "refresh: ", "erase:   "} {
		for _, r := range []string{"GET /inbox", "GET /concerns/{id}", "GET /children/{id}"} {
			v := times[phase+r]
			if len(v) == 0 {
				continue
			}
			slices.Sort(v)
			fmt.Printf("  server %s%-20s p50 %7.1f ms  p99 %7.1f ms  (%d)\n", phase, r, ms(v[len(v)/2]), ms(v[len(v)*99/100]), len(v))
		}
	}
	return nil
}
