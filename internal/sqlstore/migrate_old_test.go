package sqlstore

import (
	"fmt"
	"testing"
)

// atVersion brings a new, empty db to schema version n and no further, as
// an earlier build would have left it, with one partnership, organisation
// and DSL (id 1 each) for the rows a test then writes in that old shape. It
// returns exec, which runs a statement on db as written (rebinding its ?
// placeholders when it has arguments) and fails the test on an error. The
// test then calls Migrate and reads back what the later migrations made of
// those rows.
func atVersion(t *testing.T, db *DB, n int) (exec func(q string, args ...any)) {
	t.Helper()
	ms, err := db.d.migrations()
	if err != nil {
		t.Fatal(err)
	}
	exec = func(q string, args ...any) {
		t.Helper()
		if len(args) > 0 {
			q = db.d.rebind(q)
		}
		if _, err := db.write.ExecContext(t.Context(), q, args...); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	for _, m := range ms[:n] {
		exec(m.sql)
		exec(fmt.Sprintf(`INSERT INTO schema_migrations (version, applied_at) VALUES (%d, 0)`, m.version))
	}
	exec(`INSERT INTO partnerships (id, name, created_at) VALUES (1, 'P', 0)`)
	exec(`INSERT INTO organisations (id, partnership_id, name, setting, created_at) VALUES (1, 1, 'O', 'school', 0)`)
	exec(`INSERT INTO users (id, organisation_id, email, name, role, created_at) VALUES (1, 1, 'a@example.org', 'A', 'dsl', 0)`)
	return exec
}
