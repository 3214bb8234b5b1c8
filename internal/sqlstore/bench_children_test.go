package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// BenchmarkSearchChildren1M finds children of one organisation by typing,
// as the report form does: organisation 1 of the million-concern database
// holds 2,000 named children (a large secondary school), and each search is
// a few letters of a name, a full name, a year group or a UPN, journal entry
// included. It reports the median, the 90th and the 99th percentile.
//
// The shared benchmark databases are not changed: this one works on a copy
// of each (the SQLite file copied beside it, the PostgreSQL database made
// from it as a template), migrated forward and topped up there, so that
// branches with other migrations can still open the originals. Build the
// originals first (go test -bench BenchmarkListInbox1M).
func BenchmarkSearchChildren1M(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) { benchSearchChildren(b, childrenBenchSQLite(b)) })
	b.Run("postgres", func(b *testing.B) { benchSearchChildren(b, childrenBenchPostgres(b)) })
}

// benchPupils is the number of children of organisation 1 searched.
const benchPupils = 2000

func benchSearchChildren(b *testing.B, db *DB) {
	ctx := lifeguard.WithActor(b.Context(), dslOf(1))
	queries := []string{"qui", "mar", "puddleby", "ada thistle", "y7", "year 11", "c9992026", "zz", "ottersby kit", "nett"}
	var times []time.Duration
	found, i := 0, 0
	for b.Loop() {
		t0 := time.Now()
		cs, err := db.SearchChildren(ctx, queries[i%len(queries)])
		times = append(times, time.Since(t0))
		if err != nil {
			b.Fatal(err)
		}
		found += len(cs)
		i++
	}
	b.ReportMetric(float64(found)/float64(len(times)), "found/op")
	reportPercentiles(b, times)
}

// childrenBenchSQLite is a copy of the million-concern SQLite file with
// organisation 1's register filled.
func childrenBenchSQLite(b *testing.B) *DB {
	b.Helper()
	src := filepath.Join(os.TempDir(), fmt.Sprintf("lifeguard-bench-%s-gen%d.db", benchTag(), benchGenerator))
	dst := strings.TrimSuffix(src, ".db") + "-children.db"
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		if _, err := os.Stat(src); err != nil {
			b.Skipf("no benchmark database at %s: build it first with go test -bench BenchmarkListInbox1M", src)
		}
		if err := copyFile(src, dst); err != nil {
			b.Fatal(err)
		}
	}
	db, err := Open(b.Context(), Config{Path: dst})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(lifeguard.WithActor(b.Context(), lifeguard.SystemActor())); err != nil {
		b.Fatal(err)
	}
	fillRegister(b, db)
	return db
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst + ".copying")
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	return os.Rename(dst+".copying", dst)
}

// childrenBenchPostgres is a copy of the million-concern PostgreSQL
// database with organisation 1's register filled.
func childrenBenchPostgres(b *testing.B) *DB {
	b.Helper()
	server := pgtest.Server(b)
	src := fmt.Sprintf("lg_bench%s_gen%d", benchTag(), benchGenerator)
	name := src + "_children"
	admin, err := sql.Open("pgx", server)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close()
	exists := func(db string) bool {
		var ok bool
		if err := admin.QueryRowContext(b.Context(), `SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)`, db).Scan(&ok); err != nil {
			b.Fatal(err)
		}
		return ok
	}
	if !exists(name) {
		if !exists(src) {
			b.Skipf("no benchmark database %s: build it first with go test -bench BenchmarkListInbox1M", src)
		}
		if _, err := admin.ExecContext(b.Context(), `CREATE DATABASE `+name+` TEMPLATE `+src); err != nil {
			b.Fatal(err)
		}
	}
	u, err := url.Parse(server)
	if err != nil {
		b.Fatal(err)
	}
	u.Path = "/" + name
	db, err := Open(b.Context(), Config{DSN: u.String()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(lifeguard.WithActor(b.Context(), lifeguard.SystemActor())); err != nil {
		b.Fatal(err)
	}
	if fillRegister(b, db) {
		if _, err := db.write.ExecContext(b.Context(), `ANALYZE children`); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// fillRegister gives organisation 1 benchPupils children with names, year
// groups and UPNs, naming the ones it has and adding the rest, written
// directly (as the benchmark generator writes); it reports whether it
// wrote anything.
func fillRegister(b *testing.B, db *DB) bool {
	b.Helper()
	ctx := b.Context()
	var named int
	if err := db.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM children WHERE organisation_id = 1 AND upn IS NOT NULL`).
		Scan(&named); err != nil {
		b.Fatal(err)
	}
	if named >= benchPupils {
		return false
	}
	fore := []string{"Ada", "Kit", "Mina", "Tom", "Orla", "Rufus", "Ivy", "Hal", "Zinnia", "Wilf", "Saffi", "Piers"}
	sur := []string{"Quill", "Marchbank", "Puddleby", "Thistlewood", "Ottersby", "Nettlebed", "Fennimore", "Wickerly"}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	var ids []int64
	rows, err := tx.QueryContext(ctx, db.d.rebind(`SELECT id FROM children WHERE organisation_id = 1 ORDER BY id`))
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	var maxID int64
	if err := tx.QueryRowContext(ctx, `SELECT MAX(id) FROM children`).Scan(&maxID); err != nil {
		b.Fatal(err)
	}
	for n := 0; n < benchPupils; n++ {
		body := fmt.Sprintf("9992026%05d", n)
		sum := 0
		for i, c := range body {
			sum += int(c-'0') * (i + 2)
		}
		c := lifeguard.Child{LegalForename: fore[n%len(fore)], LegalSurname: sur[n/len(fore)%len(sur)] + fmt.Sprint(n/96),
			YearGroup: fmt.Sprint(7 + n%5), UPN: string("ABCDEFGHJKLMNPQRTUVWXYZ"[sum%23]) + body}
		if n < len(ids) {
			c.ID, c.Ref = ids[n], fmt.Sprintf("C-%06d", ids[n])
			if _, err := tx.ExecContext(ctx, db.d.rebind(`UPDATE children SET legal_forename = ?, legal_surname = ?,
				year_group = ?, upn = ?, find_key = ? WHERE id = ?`), c.LegalForename, c.LegalSurname, c.YearGroup, c.UPN,
				findKey(&c), c.ID); err != nil {
				b.Fatal(err)
			}
			continue
		}
		maxID++
		c.ID, c.Ref = maxID, fmt.Sprintf("C-%06d", maxID)
		if _, err := tx.ExecContext(ctx, db.d.rebind(`INSERT INTO children (id, organisation_id, ref, vulnerabilities,
			created_at, legal_forename, legal_surname, year_group, upn, find_key) VALUES (?, 1, ?, '[]', 0, ?, ?, ?, ?, ?)`),
			c.ID, c.Ref, c.LegalForename, c.LegalSurname, c.YearGroup, c.UPN, findKey(&c)); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	return true
}
