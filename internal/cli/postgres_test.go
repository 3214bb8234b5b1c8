package cli

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore/pgtest"
)

// TestDatabaseFlags checks how a command is told its database: --data and
// --database (or LIFEGUARD_DATABASE) together are a usage error, and a URL
// that is not PostgreSQL's is refused without being repeated.
func TestDatabaseFlags(t *testing.T) {
	const pg = "postgres://lifeguard:hunter2-secret@127.0.0.1:1/lifeguard?sslmode=disable"
	dir := filepath.Join(t.TempDir(), "data")
	cases := []struct {
		name string
		env  string
		args []string
		want string
	}{
		{"both flags", "", []string{"serve", "--data", dir, "--database", pg}, "not both"},
		{"both flags, migrate", "", []string{"migrate", "--database", pg, "--data", dir}, "not both"},
		{"both flags, journal", "", []string{"journal", "verify", "--data", dir, "--database", pg}, "not both"},
		{"both flags, token", "", []string{"token", "list", "--data", dir, "--database", pg, "--email", "a@example.org"}, "not both"},
		{"both flags, org", "", []string{"org", "list", "--data", dir, "--database", pg}, "not both"},
		{"data and the variable", pg, []string{"migrate", "--data", dir}, "LIFEGUARD_DATABASE"},
		{"not postgres", "", []string{"migrate", "--database", "mysql://root:hunter2-secret@h/db"}, "postgres:// URL"},
		{"variable not postgres", "mysql://root:hunter2-secret@h/db", []string{"journal", "verify"}, "LIFEGUARD_DATABASE must be a postgres:// URL"},
		{"backup", "", []string{"backup", "--database", pg, "copy.dump"}, "pg_dump"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(databaseEnv, c.env)
			code, stdout, stderr := run(t, "", c.args...)
			if code != exitInvalid || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, stderr, exitInvalid, c.want)
			}
			if strings.Contains(stdout+stderr, "hunter2-secret") {
				t.Errorf("the output shows the password: %s%s", stdout, stderr)
			}
		})
	}
	t.Setenv(databaseEnv, "")
	if code, stdout, _ := run(t, "", "migrate", "--data", dir); code != 0 || !strings.Contains(stdout, latestSchema(t)) {
		t.Errorf("--data alone: %d %s", code, stdout)
	}
}

// TestServeDemoPostgres is TestServeDemoAndTools on PostgreSQL: serve
// --demo seeds an empty database (named by LIFEGUARD_DATABASE), the tools
// work on it with --database, and a second start leaves the demo as it is.
func TestServeDemoPostgres(t *testing.T) {
	dsn := pgtest.Database(t)
	u, _ := url.Parse(dsn)
	password, _ := u.User.Password()
	noSecret := func(where, s string) {
		t.Helper()
		// A short password (say "lifeguard") could be any word of the
		// output; .ci/run gives a longer one.
		if strings.Contains(s, u.User.String()+"@") || len(password) >= 10 && strings.Contains(s, password) {
			t.Errorf("%s shows the database password:\n%s", where, s)
		}
	}

	// An empty database is not taken for a Lifeguard database by the tools.
	if code, _, stderr := run(t, "", "journal", "verify", "--database", dsn); code != exitInvalid ||
		!strings.Contains(stderr, "no Lifeguard database") {
		t.Errorf("journal verify of an empty database: %d %s", code, stderr)
	}

	t.Setenv(databaseEnv, dsn)
	url, output := startServe(t, "--demo", "--demo-size", "stories", "--demo-password", "a demo passphrase")
	out := output()
	noSecret("serve's output", out)
	for _, want := range []string{"Demo partnership seeded", "dsl@demo.test", "Data: PostgreSQL database " + strings.TrimPrefix(u.Path, "/"),
		"--database URL"} {
		if !strings.Contains(out, want) {
			t.Errorf("start-up output lacks %q:\n%s", want, out)
		}
	}
	if code, body := get(t, url+"/readyz", ""); code != 200 || strings.TrimSpace(body) != "ready" {
		t.Errorf("/readyz: %d %q", code, body)
	}
	t.Setenv(databaseEnv, "")

	code, token, stderr := run(t, "", "token", "create", "--database", dsn, "--email", "dsl@demo.test", "--name", "test")
	token = strings.TrimSpace(token)
	noSecret("token create", stderr)
	if code != 0 || !strings.HasPrefix(token, "lg_") {
		t.Fatalf("token create: %d %q %s", code, token, stderr)
	}
	if code, body := get(t, url+"/api/v1/concerns?order=due&status=open", token); code != 200 || !strings.Contains(body, `"concerns":[{`) {
		t.Errorf("the DSL's inbox: %d %.300s", code, body)
	}
	code, out, stderr = run(t, "", "journal", "verify", "--database", dsn)
	if code != 0 || !strings.Contains(out, "The journal is whole") {
		t.Errorf("journal verify: %d %s %s", code, out, stderr)
	}
	code, out, _ = run(t, "", "migrate", "--database", dsn)
	noSecret("migrate", out)
	if code != 0 || !strings.Contains(out, latestSchema(t)) || !strings.Contains(out, "PostgreSQL database") {
		t.Errorf("migrate: %d %s", code, out)
	}
	if code, out, _ := run(t, "", "org", "list", "--database", dsn); code != 0 || !strings.Contains(out, "school") {
		t.Errorf("org list: %d %s", code, out)
	}
	if code, out, stderr := run(t, "a perfectly long passphrase\n", "user", "add", "--database", dsn, "--email",
		"admin2@demo.test", "--name", "Ada", "--role", "admin", "--org", "1"); code != 0 || !strings.Contains(out, "added") {
		t.Errorf("user add: %d %s %s", code, out, stderr)
	}

	// A second server on the same database: the demo is there already.
	_, output2 := startServe(t, "--demo", "--demo-size", "stories", "--demo-password", "a demo passphrase", "--database", dsn)
	if out := output2(); strings.Contains(out, "Demo partnership seeded") {
		t.Errorf("the second start seeded the demo again:\n%s", out)
	}
}

// latestSchema is what migrate says of a database brought up to date:
// "schema version N of N" for the number of migrations this binary has.
func latestSchema(t *testing.T) string {
	t.Helper()
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: filepath.Join(t.TempDir(), "count.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, latest, err := db.MigrationStatus(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("schema version %d of %d", latest, latest)
}
