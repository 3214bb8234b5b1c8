package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
)

// TestFirstRun sets up a deployment from nothing as an operator would: the
// first organisation with its partnership, an administrator, a password
// reset, and a token for the administrator.
func TestFirstRun(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, out, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Hillside School", "--setting", "school"); code != 2 || !strings.Contains(stderr, "--partnership") {
		t.Errorf("first organisation without a partnership: %d %s %s", code, out, stderr)
	}
	code, out, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Hillside School", "--setting", "school", "--partnership", "Hillside SCP", "--internet")
	if code != 0 || !strings.Contains(out, "Organisation 1 added") {
		t.Fatalf("org add: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Bad", "--setting", "castle"); code != 2 || !strings.Contains(stderr, "setting") {
		t.Errorf("a bad setting: %d %s", code, stderr)
	}
	if code, out, _ := run(t, "", "org", "list", "--data", dir); code != 0 || !strings.Contains(out, "Hillside School") {
		t.Errorf("org list: %s", out)
	}
	if code, _, stderr := run(t, "short\n", "user", "add", "--data", dir, "--email", "admin@hillside.example", "--name", "Ada", "--role", "admin", "--org", "1"); code != 2 || !strings.Contains(stderr, "password") {
		t.Errorf("a weak password: %d %s", code, stderr)
	}
	code, out, stderr = run(t, "a perfectly long passphrase\n", "user", "add", "--data", dir, "--email", "admin@hillside.example", "--name", "Ada", "--role", "admin", "--org", "1")
	if code != 0 || !strings.Contains(out, "added") {
		t.Fatalf("user add: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "another long passphrase\n", "user", "add", "--data", dir, "--email", "x@hillside.example", "--name", "X", "--role", "wizard", "--org", "1"); code != 2 || !strings.Contains(stderr, "role") {
		t.Errorf("a bad role: %d %s", code, stderr)
	}
	// A deputy safeguarding lead is a dsl marked deputy; no other role can be one.
	if code, out, stderr := run(t, "a deputy's long passphrase\n", "user", "add", "--data", dir, "--email", "deputy@hillside.example", "--name", "Dee", "--role", "dsl", "--deputy", "--org", "1"); code != 0 || !strings.Contains(out, "(dsl, deputy)") {
		t.Errorf("user add --deputy: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "a teacher's long passphrase\n", "user", "add", "--data", dir, "--email", "t@hillside.example", "--name", "T", "--role", "staff", "--deputy", "--org", "1"); code != 2 || !strings.Contains(stderr, "deputy") {
		t.Errorf("a deputy who is not a dsl: %d %s", code, stderr)
	}
	if code, out, stderr := run(t, "a different long passphrase\n", "user", "password", "--data", dir, "--email", "admin@hillside.example"); code != 0 || !strings.Contains(out, "Password set") {
		t.Errorf("user password: %d %s %s", code, out, stderr)
	}
	if code, out, stderr := run(t, "", "token", "create", "--data", dir, "--email", "admin@hillside.example"); code != 0 || !strings.HasPrefix(out, "lg_") {
		t.Errorf("token for the new admin: %d %s %s", code, out, stderr)
	}
}

// TestResetFactorAndThrottles: the operator removes a user's second factor
// (journalled, sessions ended), sees the throttles an attacker caused and
// clears them.
func TestResetFactorAndThrottles(t *testing.T) {
	ctx := t.Context()
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Hillside School", "--setting", "school", "--partnership", "Hillside SCP"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := run(t, "a perfectly long passphrase\n", "user", "add", "--data", dir, "--email", "lead@hillside.example", "--name", "Lee", "--role", "dsl", "--org", "1"); code != 0 {
		t.Fatal(stderr)
	}
	db, err := openExisting(ctx, store{dir: dir, key: defaultJournalKey(dir), keyDefault: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	if err := db.EnrolSecondFactor(sys, 1, lifeguard.SecondFactor{Secret: "JBSWY3DPEHPK3PXP"}); err != nil {
		t.Fatal(err)
	}
	svc := auth.New(db, auth.Config{Factors: db})
	if _, _, _, err := svc.SignIn(ctx, "lead@hillside.example", "a perfectly long passphrase", "192.0.2.10"); err != nil {
		t.Fatal(err)
	}
	before, err := db.VerifyJournal(sys)
	if err != nil {
		t.Fatal(err)
	}

	if code, _, stderr := run(t, "", "user", "reset-factor", "--data", dir, "--email", "nobody@hillside.example"); code != 2 || !strings.Contains(stderr, "no user") {
		t.Errorf("reset-factor of no one: %d %s", code, stderr)
	}
	code, out, stderr := run(t, "", "user", "reset-factor", "--data", dir, "--email", "Lead@Hillside.example")
	if code != 0 || !strings.Contains(out, "Second factor removed for user 1") {
		t.Fatalf("reset-factor: %d %s %s", code, out, stderr)
	}
	if _, err := db.SecondFactor(sys, 1); lifeguard.ErrorCode(err) != lifeguard.ENOTFOUND {
		t.Errorf("after reset-factor the factor is still there: %v", err)
	}
	after, err := db.VerifyJournal(sys)
	if err != nil || after.FirstBroken != 0 || after.Entries != before.Entries+1 {
		t.Errorf("journal after reset-factor: %+v, %v; want one entry more than %d", after, err, before.Entries)
	}
	entries, err := db.JournalEntries(sys, 0, 1000)
	if err != nil || len(entries) == 0 {
		t.Fatal(err)
	}
	if e := entries[len(entries)-1]; e.Record != "user" || e.RecordID != 1 || e.Detail != "second_factor_reset" {
		t.Errorf("last journal entry %+v; want the reset of user 1", e)
	}

	// An attacker fails five times from one address.
	for range 5 {
		svc.SignIn(ctx, "lead@hillside.example", "not the passphrase", "198.51.100.7")
	}
	code, out, _ = run(t, "", "user", "throttles", "--data", dir)
	if code != 0 || !strings.Contains(out, "lead@hillside.example") || !strings.Contains(out, "198.51.100.7") ||
		!strings.Contains(out, "yes") {
		t.Errorf("throttles: %d\n%s", code, out)
	}
	if code, _, stderr := run(t, "", "user", "clear-throttle", "--data", dir); code != 2 || !strings.Contains(stderr, "--email") {
		t.Errorf("clear-throttle with nothing: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "user", "clear-throttle", "--data", dir, "--address", "nowhere"); code != 2 || !strings.Contains(stderr, "address") {
		t.Errorf("clear-throttle with a bad address: %d %s", code, stderr)
	}
	code, out, stderr = run(t, "", "user", "clear-throttle", "--data", dir, "--email", "lead@hillside.example", "--address", "198.51.100.7")
	if code != 0 || !strings.Contains(out, "Cleared 1") {
		t.Errorf("clear-throttle: %d %s %s", code, out, stderr)
	}
	if _, _, _, err := svc.SignIn(ctx, "lead@hillside.example", "a perfectly long passphrase", "198.51.100.7"); err != nil {
		t.Errorf("still throttled after clear-throttle: %v", err)
	}
}

// TestOrgPhone: an operator gives an organisation its safeguarding contact
// number when adding it or later, and a number of the wrong shape is
// refused naming the field.
func TestOrgPhone(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	code, out, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Hillside School", "--setting", "school",
		"--partnership", "Hillside SCP", "--phone", "01632 960 100")
	if code != 0 {
		t.Fatalf("org add: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "", "org", "add", "--data", dir, "--name", "Bad", "--setting", "school", "--phone", "the office"); code != 2 || !strings.Contains(stderr, "safeguarding_phone") {
		t.Errorf("a bad number: %d %s", code, stderr)
	}
	if code, out, _ := run(t, "", "org", "list", "--data", dir); code != 0 || !strings.Contains(out, "Hillside School\t01632 960 100") {
		t.Errorf("org list: %s", out)
	}
	if code, out, stderr := run(t, "", "org", "set-phone", "--data", dir, "--id", "1", "--phone", "+44 1632 960101"); code != 0 || !strings.Contains(out, "safeguarding contact number +44 1632 960101") {
		t.Errorf("set-phone: %d %s %s", code, out, stderr)
	}
	if code, _, stderr := run(t, "", "org", "set-phone", "--data", dir, "--id", "1", "--phone", "dsl@hillside.example"); code != 2 || !strings.Contains(stderr, "safeguarding_phone") {
		t.Errorf("set-phone with an email address: %d %s", code, stderr)
	}
	if code, _, stderr := run(t, "", "org", "set-phone", "--data", dir, "--phone", "01632 960102"); code != 2 || !strings.Contains(stderr, "--id") {
		t.Errorf("set-phone without an id: %d %s", code, stderr)
	}
	if code, out, _ := run(t, "", "org", "set-phone", "--data", dir, "--id", "1", "--phone", ""); code != 0 || !strings.Contains(out, "no safeguarding contact number") {
		t.Errorf("clearing: %d %s", code, out)
	}

	// The number of children, for the board report's rates.
	if code, out, stderr := run(t, "", "org", "set-children", "--data", dir, "--id", "1", "--children", "420"); code != 0 || !strings.Contains(out, "420 children") {
		t.Errorf("set-children: %d %s %s", code, out, stderr)
	}
	for _, bad := range []string{"0", "1000001"} {
		if code, _, stderr := run(t, "", "org", "set-children", "--data", dir, "--id", "1", "--children", bad); code != 2 || !strings.Contains(stderr, "children_count") {
			t.Errorf("set-children %s: %d %s", bad, code, stderr)
		}
	}
	if code, _, stderr := run(t, "", "org", "set-children", "--data", dir, "--id", "1", "--children", "many"); code != 2 || !strings.Contains(stderr, "--children") {
		t.Errorf("set-children many: %d %s", code, stderr)
	}
	if code, out, _ := run(t, "", "org", "set-children", "--data", dir, "--id", "1", "--children", ""); code != 0 || !strings.Contains(out, "no number of children") {
		t.Errorf("clearing the children: %d %s", code, out)
	}
}
