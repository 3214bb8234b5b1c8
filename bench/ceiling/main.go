// Command ceiling measures the most a single process can write into
// Lifeguard's SQLite schema with the server's durability settings: the rows
// one recorded concern makes (a child, the concern, its types, two journal
// entries and the journal head), inserted straight with SQL, one transaction
// per concern, synchronous=FULL in WAL mode. bench/api.sh compares the real
// API against it.
package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
	"github.com/lifeguard-scp/lifeguard/internal/procedure"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

const facts = `{"setting":"school","concern_types":["cyberbullying"],"child":{"age":13},"child_role":"victim",` +
	`"parties":{"peer_involved":true},"risk":{"significant_harm":"no"},"details":{"repeated":true,"platform":"a messaging app"},` +
	`"description":"A pupil showed a member of staff messages in a class group chat calling them names and telling them that nobody wants them there. This has happened every evening this week."}`

func main() {
	n := flag.Int("n", 20000, "concerns to insert")
	dir := flag.String("dir", "", "a directory for the database (default: a new temporary one)")
	flag.Parse()
	if err := run(context.Background(), *n, *dir); err != nil {
		fmt.Fprintln(os.Stderr, "ceiling:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, n int, dir string) error {
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "lifeguard-ceiling-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	path := filepath.Join(dir, "ceiling.db")
	// The real schema, and one organisation and reporter, made by the store.
	db, err := sqlstore.Open(ctx, sqlstore.Config{Path: path})
	if err != nil {
		return err
	}
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	p, err := db.CreatePartnership(sys, "Ceiling")
	if err != nil {
		return err
	}
	org, err := db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: p.ID, Name: "School", Setting: "school"})
	if err != nil {
		return err
	}
	u, err := db.CreateUser(sys, lifeguard.NewUser{Email: "s@x.example", Name: "S", Role: "staff", OrganisationID: org.ID, PasswordHash: "x"})
	if err != nil {
		return err
	}
	db.Close()

	// The same facts and triage the API would store.
	proc, err := procedure.Load("", nil)
	if err != nil {
		return err
	}
	f, err := factsjson.DecodeFacts([]byte(facts), factsjson.DecodeOptions{ReportedAt: time.Now()})
	if err != nil {
		return err
	}
	t, err := proc.Triage(ctx, f)
	if err != nil {
		return err
	}
	factsJSON, _ := json.Marshal(f)
	triageJSON, _ := json.Marshal(t)
	var routes []string
	for _, r := range t.Routes {
		routes = append(routes, string(r.Code))
	}

	raw, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	lat := make([]time.Duration, 0, n)
	start := time.Now()
	for i := range n {
		t0 := time.Now()
		if err := insertOne(ctx, raw, org.ID, u.ID, i, string(factsJSON), string(triageJSON), strings.Join(routes, ",")); err != nil {
			return err
		}
		lat = append(lat, time.Since(t0))
	}
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(float64(len(lat))*p))].Microseconds()) / 1000
	}
	fmt.Printf("ceiling: inserted %d concerns in %.2fs: %.0f per second; p50 %.2f ms, p99 %.2f ms\n",
		n, elapsed.Seconds(), float64(n)/elapsed.Seconds(), pct(0.5), pct(0.99))
	return nil
}

func insertOne(ctx context.Context, db *sql.DB, org, user int64, i int, facts, triage, routes string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	now := time.Now().UnixMicro()
	var child int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO children (organisation_id, ref, age, age_as_of, vulnerabilities, created_at)
		VALUES (?, ?, 13, '2026-11-22', '[]', ?) RETURNING id`, org, fmt.Sprintf("C-%07d", i), now).Scan(&child); err != nil {
		return err
	}
	var concern int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO concerns (organisation_id, child_id, reporter_id, status, facts, triage,
		types, routes, reported_at, due, created_at, updated_at) VALUES (?, ?, ?, 'new', ?, ?, 'cyberbullying', ?, ?, ?, ?, ?) RETURNING id`,
		org, child, user, facts, triage, routes, now, now+3600e6, now, now).Scan(&concern); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO concern_types (concern_id, type) VALUES (?, 'cyberbullying')`, concern); err != nil {
		return err
	}
	for _, rec := range []struct {
		record string
		id     int64
	}{{"child", child}, {"concern", concern}} {
		var seq int64
		var prev string
		if err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM journal_head WHERE id = 1`).Scan(&seq, &prev); err != nil {
			return err
		}
		sum := sha256.Sum256(fmt.Appendf(nil, "%s|%d|%d|%d|staff|%d|token|create|%s|%d|", prev, seq+1, now, user, org, rec.record, rec.id))
		hash := hex.EncodeToString(sum[:])
		if _, err := tx.ExecContext(ctx, `INSERT INTO journal (seq, at, user_id, role, organisation_id, via, action, record, record_id,
			detail, prev_hash, hash) VALUES (?, ?, ?, 'staff', ?, 'token', 'create', ?, ?, '', ?, ?)`,
			seq+1, now, user, org, rec.record, rec.id, prev, hash); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE journal_head SET seq = ?, hash = ? WHERE id = 1`, seq+1, hash); err != nil {
			return err
		}
	}
	return tx.Commit()
}
