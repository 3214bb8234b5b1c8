package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/lifeguard-scp/lifeguard"
)

// copyBatch is how many rows go in one INSERT: few enough that the widest
// table (users, 15 columns) stays far below PostgreSQL's 65,535 parameters,
// many enough that a large journal is not sent a row per round trip.
const copyBatch = 500

// Copy moves every record of the SQLite store from into the PostgreSQL
// store to: every Lifeguard table, ids, journal and journal head included,
// exactly as they are. It migrates to first, and refuses when from is not at
// this binary's latest schema version, since then the two schemas differ.
//
// It refuses a target that already holds records (any row of a Lifeguard
// table other than the journal head's starting row) unless force is set;
// with force it empties those tables first. Emptying, copying and moving
// the identity sequences past the copied ids all happen in one target
// transaction, so a copy that fails leaves the target as it was. report,
// when not nil, is called with each table's name and the number of rows
// copied, after the commit. Only the system actor may copy: it reads
// credentials and every child's record at once, outside the journal.
func Copy(ctx context.Context, from, to *DB, force bool, report func(table string, n int64)) error {
	a, err := actor(ctx)
	if err != nil {
		return err
	}
	if !a.IsSystem() {
		return lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only Lifeguard itself may copy a database.")
	}
	if from.d.name != "sqlite" || to.d.name != "postgres" {
		return fmt.Errorf("sqlstore: copy: copies from SQLite to PostgreSQL only, not from %s to %s",
			from.d.name, to.d.name)
	}
	current, latest, err := from.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	if current != latest {
		return &SchemaError{Have: current, Want: latest}
	}
	if err := to.Migrate(ctx); err != nil {
		return err
	}

	var counts []tableCount
	// The source is read in one read transaction, so the copy is one
	// consistent moment of it even if something writes to it meanwhile;
	// the target is written in one write transaction.
	err = from.inRead(ctx, "copy: read the source", func(src *tx) error {
		tables, err := copyTables(ctx, src)
		if err != nil {
			return err
		}
		return to.inWrite(ctx, "write the copy", func(dst *tx) error {
			types, err := pgColumnTypes(ctx, dst)
			if err != nil {
				return err
			}
			if err := sameSchema(tables, types); err != nil {
				return err
			}
			if err := emptyTarget(ctx, dst, tables, force); err != nil {
				return err
			}
			counts = counts[:0]
			for _, t := range tables {
				n, err := copyRows(ctx, src, dst, t, types[t.name])
				if err != nil {
					return fmt.Errorf("table %s: %w", t.name, err)
				}
				counts = append(counts, tableCount{t.name, n})
			}
			return resetIdentities(ctx, dst, tables)
		})
	})
	if err != nil {
		return err
	}
	if report != nil {
		for _, c := range counts {
			report(c.table, c.n)
		}
	}
	return nil
}

// SchemaError says that the source of a copy is not at the schema version
// this Lifeguard knows, so the command line can say how to migrate it.
type SchemaError struct{ Have, Want int }

func (e *SchemaError) Error() string {
	return fmt.Sprintf("sqlstore: copy: the source database has schema version %d, not this Lifeguard's %d",
		e.Have, e.Want)
}

type tableCount struct {
	table string
	n     int64
}

// copyTable is one table of the source and its columns, as the source
// declares them.
type copyTable struct {
	name string
	cols []string
	deps []string // the tables its foreign keys name
}

// copyTables reads the source's Lifeguard tables (all but schema_migrations,
// which the target's own Migrate has filled, and SQLite's internal ones)
// from sqlite_master and their columns from table_info, so that a table or
// column a later migration adds is copied with no change here, and orders
// them so that a table comes after every table its foreign keys name.
func copyTables(ctx context.Context, src *tx) ([]copyTable, error) {
	var names []string
	err := each(ctx, src, `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'schema_migrations' ORDER BY name`, nil,
		func(scan func(...any) error) error {
			var n string
			if err := scan(&n); err != nil {
				return err
			}
			names = append(names, n)
			return nil
		})
	if err != nil {
		return nil, err
	}
	byName := map[string]*copyTable{}
	for _, n := range names {
		t := &copyTable{name: n}
		if err := each(ctx, src, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, []any{n},
			func(scan func(...any) error) error {
				var c string
				if err := scan(&c); err != nil {
					return err
				}
				t.cols = append(t.cols, c)
				return nil
			}); err != nil {
			return nil, err
		}
		if err := each(ctx, src, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, []any{n},
			func(scan func(...any) error) error {
				var d string
				if err := scan(&d); err != nil {
					return err
				}
				if d != n { // a table naming itself orders nothing
					t.deps = append(t.deps, d)
				}
				return nil
			}); err != nil {
			return nil, err
		}
		byName[n] = t
	}
	// Order by depth: repeatedly take, by name, the tables whose
	// dependencies are all placed.
	var out []copyTable
	placed := map[string]bool{}
	for len(out) < len(names) {
		progress := false
		for _, n := range names {
			t := byName[n]
			if placed[n] || slices.ContainsFunc(t.deps, func(d string) bool { return !placed[d] }) {
				continue
			}
			out = append(out, *t)
			placed[n] = true
			progress = true
		}
		if !progress {
			return nil, fmt.Errorf("the source's foreign keys form a cycle or name a missing table")
		}
	}
	return out, nil
}

// pgColumnTypes reads the target's tables, their columns and each
// column's type: the source's declared types do not tell a boolean from an
// integer (both are INTEGER in SQLite), the target's do.
func pgColumnTypes(ctx context.Context, dst *tx) (map[string]map[string]string, error) {
	types := map[string]map[string]string{}
	err := each(ctx, dst, `SELECT c.table_name, c.column_name, c.data_type
		FROM information_schema.columns c JOIN information_schema.tables t
		  ON t.table_schema = c.table_schema AND t.table_name = c.table_name
		WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
		  AND c.table_name <> 'schema_migrations'`, nil,
		func(scan func(...any) error) error {
			var tbl, col, typ string
			if err := scan(&tbl, &col, &typ); err != nil {
				return err
			}
			if types[tbl] == nil {
				types[tbl] = map[string]string{}
			}
			types[tbl][col] = typ
			return nil
		})
	return types, err
}

// sameSchema refuses a copy when the engines' tables or columns differ, so
// that nothing is left behind unnoticed or put where it does not belong.
func sameSchema(tables []copyTable, types map[string]map[string]string) error {
	seen := map[string]bool{}
	for _, t := range tables {
		cols, ok := types[t.name]
		if !ok {
			return fmt.Errorf("the source has a table %s that the target lacks", t.name)
		}
		seen[t.name] = true
		if len(cols) != len(t.cols) {
			return fmt.Errorf("table %s has %d columns in the source and %d in the target", t.name, len(t.cols), len(cols))
		}
		for _, c := range t.cols {
			if _, ok := cols[c]; !ok {
				return fmt.Errorf("table %s: the source has a column %s that the target lacks", t.name, c)
			}
		}
	}
	for name := range types {
		if !seen[name] {
			return fmt.Errorf("the target has a table %s that the source lacks", name)
		}
	}
	return nil
}

// emptyTarget refuses a target that holds records unless force is set, and
// then empties every Lifeguard table, the journal head's starting row
// included (the source's head replaces it). It names tables and counts,
// never their contents.
func emptyTarget(ctx context.Context, dst *tx, tables []copyTable, force bool) error {
	if !force {
		var held []string
		for _, t := range tables {
			if t.name == "report_rebuild" {
				continue // the one row of a flag the report's migration creates: not a record
			}
			q := `SELECT COUNT(*) FROM ` + quoteIdent(t.name)
			if t.name == "journal_head" {
				q += ` WHERE seq <> 0` // the row the first migration creates
			}
			var n int64
			if err := dst.row(ctx, q).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				held = append(held, fmt.Sprintf("%s (%d)", t.name, n))
			}
		}
		if len(held) > 0 {
			return lifeguard.Errorf(lifeguard.ECONFLICT,
				"The target database already holds Lifeguard records: %s. Nothing was copied; "+
					"to replace them, copy again with --force.", strings.Join(held, ", "))
		}
	}
	names := make([]string, len(tables))
	for i, t := range tables {
		names[i] = quoteIdent(t.name)
	}
	// TRUNCATE of every table at once needs no order among the foreign
	// keys, and is undone with the transaction if the copy fails.
	_, err := dst.exec(ctx, `TRUNCATE `+strings.Join(names, ", "))
	return err
}

// copyRows copies one table's rows in batches, converting SQLite's 0/1 to booleans
// where the target's column is BOOLEAN; integers, text, NULL and BLOBs
// (BYTEA) pass as they are, so times stay the same integer microseconds.
func copyRows(ctx context.Context, src, dst *tx, t copyTable, types map[string]string) (int64, error) {
	cols := make([]string, len(t.cols))
	for i, c := range t.cols {
		cols[i] = quoteIdent(c)
	}
	colList := strings.Join(cols, ", ")
	rows, err := src.query(ctx, `SELECT `+colList+` FROM `+quoteIdent(t.name))
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	var args []any
	var pending, n int64
	flush := func() error {
		if pending == 0 {
			return nil
		}
		q := `INSERT INTO ` + quoteIdent(t.name) + ` (` + colList + `) VALUES ` +
			strings.TrimSuffix(strings.Repeat(row+", ", int(pending)), ", ")
		if _, err := dst.exec(ctx, q, args...); err != nil {
			return err
		}
		args, pending = args[:0], 0
		return nil
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, err
		}
		for i, c := range t.cols {
			v, err := convert(vals[i], types[c])
			if err != nil {
				return 0, fmt.Errorf("column %s: %w", c, err)
			}
			args = append(args, v)
		}
		pending++
		n++
		if pending == copyBatch {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	return n, flush()
}

// convert turns one SQLite value into what the PostgreSQL column of type
// pgType takes.
func convert(v any, pgType string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch pgType {
	case "boolean":
		switch n := v.(type) {
		case int64:
			if n == 0 || n == 1 {
				return n == 1, nil
			}
		case bool:
			return n, nil
		}
		return nil, fmt.Errorf("a boolean column holds %T %v, not 0 or 1", v, v)
	case "bytea":
		switch b := v.(type) {
		case []byte:
			return slices.Clone(b), nil
		case string:
			return []byte(b), nil
		}
	case "text":
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
	}
	if b, ok := v.([]byte); ok {
		// database/sql reuses a scanned []byte's memory on the next row.
		return slices.Clone(b), nil
	}
	return v, nil
}

// resetIdentities moves each identity column's sequence past the largest id
// copied, so that the next row the target creates does not collide with a
// copied one; an empty table's starts again at 1.
func resetIdentities(ctx context.Context, dst *tx, tables []copyTable) error {
	type ident struct{ table, col string }
	var ids []ident
	if err := each(ctx, dst, `SELECT table_name, column_name FROM information_schema.columns
		WHERE table_schema = current_schema() AND is_identity = 'YES'`, nil,
		func(scan func(...any) error) error {
			var i ident
			if err := scan(&i.table, &i.col); err != nil {
				return err
			}
			ids = append(ids, i)
			return nil
		}); err != nil {
		return err
	}
	for _, i := range ids {
		if !slices.ContainsFunc(tables, func(t copyTable) bool { return t.name == i.table }) {
			continue // schema_migrations and the like: not copied, not touched
		}
		col := quoteIdent(i.col)
		if _, err := dst.exec(ctx, `SELECT setval(pg_get_serial_sequence(?, ?), COALESCE(MAX(`+col+`), 0) + 1, false)
			FROM `+quoteIdent(i.table), quoteIdent(i.table), i.col); err != nil {
			return err
		}
	}
	return nil
}

// quoteIdent quotes a table or column name read from a schema, so that a
// name that is a keyword in one engine is still only a name.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// CopyCheck compares a copy with its source after the commit.
type CopyCheck struct {
	// Tables lists every copied table with its rows on each side, in the
	// order they were copied.
	Tables []TableRows
	// Source and Target are the journals as VerifyJournal reports them.
	Source, Target *lifeguard.JournalReport
}

// TableRows is one table's row count in the source and the target.
type TableRows struct {
	Table          string
	Source, Target int64
}

// OK reports whether every count matches and both journals are whole with
// the same number of entries.
func (c *CopyCheck) OK() bool {
	for _, t := range c.Tables {
		if t.Source != t.Target {
			return false
		}
	}
	return c.Source.FirstBroken == 0 && c.Target.FirstBroken == 0 && c.Source.Entries == c.Target.Entries
}

// CheckCopy counts every Lifeguard table's rows on both sides and verifies
// both journals, for the system actor, after Copy: a second, independent
// reading of what the copy's own transaction did.
func CheckCopy(ctx context.Context, from, to *DB) (*CopyCheck, error) {
	a, err := actor(ctx)
	if err != nil {
		return nil, err
	}
	if !a.IsSystem() {
		return nil, lifeguard.Errorf(lifeguard.EFORBIDDEN, "Only Lifeguard itself may check a copy.")
	}
	var c CopyCheck
	err = from.inRead(ctx, "check copy", func(src *tx) error {
		tables, err := copyTables(ctx, src)
		if err != nil {
			return err
		}
		return to.inRead(ctx, "check copy", func(dst *tx) error {
			for _, t := range tables {
				r := TableRows{Table: t.name}
				q := `SELECT COUNT(*) FROM ` + quoteIdent(t.name)
				if err := src.row(ctx, q).Scan(&r.Source); err != nil {
					return err
				}
				if err := dst.row(ctx, q).Scan(&r.Target); err != nil {
					return err
				}
				c.Tables = append(c.Tables, r)
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if c.Source, err = from.VerifyJournal(ctx); err != nil {
		return nil, err
	}
	if c.Target, err = to.VerifyJournal(ctx); err != nil {
		return nil, err
	}
	return &c, nil
}
