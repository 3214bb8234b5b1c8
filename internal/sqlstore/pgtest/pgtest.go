// Package pgtest gives tests a scratch PostgreSQL database of their own on
// the server that LIFEGUARD_TEST_POSTGRES names, so that the store's
// tests, and the command line's, run on PostgreSQL as well as SQLite.
//
// LIFEGUARD_TEST_POSTGRES is the URL of a database on that server whose
// role may create databases, as .ci/run sets it up:
//
//	postgres://lifeguard:lifeguard-test-pw@127.0.0.1:5432/lifeguard_test?sslmode=disable
//
// Without it the PostgreSQL tests skip, except under CI (CI set), where a
// missing server must not pass unnoticed: they fail.
package pgtest

import (
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// EnvVar names the server the PostgreSQL tests use.
const EnvVar = "LIFEGUARD_TEST_POSTGRES"

// Server returns the URL in LIFEGUARD_TEST_POSTGRES. It skips the test when
// the variable is unset, or fails it when CI is set.
func Server(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvVar)
	if u == "" {
		if os.Getenv("CI") != "" {
			t.Fatal(EnvVar + " is not set: CI must run the PostgreSQL tests (see .ci/run)")
		}
		t.Skip(EnvVar + " is not set: skipping the PostgreSQL tests (see docs/postgres.md)")
	}
	return u
}

// Database creates a new, empty database on the server for the test and
// returns its URL; the database is dropped when the test ends, after the
// cleanups the test registers later (which close its connections) have
// run.
func Database(t testing.TB) string {
	t.Helper()
	server := Server(t)
	u, err := url.Parse(server)
	if err != nil {
		t.Fatalf("%s is not a URL", EnvVar)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	rand.Read(b)
	name := "lg_test_" + hex.EncodeToString(b)
	// template0 and UTF8, whatever template1 holds: the store needs UTF-8.
	if _, err := admin.ExecContext(t.Context(), `CREATE DATABASE `+name+` TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		t.Fatalf("create the test database: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", server)
		if err != nil {
			t.Error(err)
			return
		}
		defer admin.Close()
		// FORCE ends any connection a failed test left open. An autovacuum
		// worker can be at work in the database too, and ending it needs
		// pg_signal_backend (which .ci/run grants); it finishes in a moment,
		// so the drop is tried a few times before it counts as a failure.
		var err2 error
		for range 10 {
			if _, err2 = admin.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`); err2 == nil {
				return
			}
			time.Sleep(300 * time.Millisecond)
		}
		t.Errorf("drop the test database %s: %v", name, err2)
	})
	u.Path = "/" + name
	return u.String()
}
