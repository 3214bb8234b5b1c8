package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/mail/smtptest"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// TestAlertSentOnceAcrossKill9: a concern that needs a DSL now is recorded
// by a server that cannot send email yet; the server is killed with
// SIGKILL; a server started again with an SMTP server sends the alert,
// and sends it once, holding nothing the reporter wrote.
func TestAlertSentOnceAcrossKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a server process")
	}
	srv := smtptest.New(t, smtptest.Options{})
	data := filepath.Join(t.TempDir(), "data")
	setup := func(stdin string, args ...string) string {
		t.Helper()
		code, out, stderr := run(t, stdin, append(args, "--data", data)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s %s", strings.Join(args, " "), code, out, stderr)
		}
		return strings.TrimSpace(out)
	}
	setup("", "org", "add", "--name", "Hillside School", "--setting", "school", "--partnership", "Hillside SCP")
	for _, u := range []struct{ email, role string }{{"dsl@hillside.example", "dsl"}, {"staff@hillside.example", "staff"}} {
		setup("a perfectly long passphrase for "+u.role+"\n", "user", "add", "--email", u.email, "--name", "The "+u.role,
			"--role", u.role, "--org", "1")
	}
	token := setup("", "token", "create", "--email", "staff@hillside.example", "--name", "test")

	bin := buildLifeguard(t)
	proc, url := startProcess(t, bin, "--data", data) // no --smtp: email waits
	const description = "He said his name was Darren and asked her to come alone"
	body := `{"setting":"school","concern_types":["grooming"],"child":{"age":13},"child_role":"victim",` +
		`"parties":{"unknown_involved":true},"risk":{"immediate_danger":true},"details":{"meeting_arranged":true},` +
		`"description":"` + description + `"}`
	var created struct{ ID int64 }
	if code := apiCall(t, "POST", url+"/api/v1/concerns?child_ref=HS-REF-4471", token, body, &created); code != 201 {
		t.Fatalf("recording the concern: %d", code)
	}
	if err := proc.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	proc.Wait()
	if n := len(srv.Messages()); n != 0 {
		t.Fatalf("%d messages before any SMTP server", n)
	}

	srv.Start()
	proc2, _ := startProcess(t, bin, "--data", data, "--smtp", "smtp://"+srv.Addr(),
		"--mail-from", "Lifeguard <lifeguard@hillside.example>", "--base-url", "https://lifeguard.hillside.example/")
	// The job runs its first slot as the server starts.
	var got []smtptest.Message
	for deadline := time.Now().Add(2 * time.Minute); len(got) == 0; time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no alert arrived within two minutes of the restart")
		}
		got = srv.Messages()
	}
	proc2.Process.Signal(syscall.SIGTERM)
	proc2.Wait()

	// Once the server has stopped, the outbox says delivered, once.
	db, err := sqlstore.Open(t.Context(), sqlstore.Config{Path: dbFile(data)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ms, err := db.OutboxMessages(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), lifeguard.OutboxFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != 1 || ms[0].State() != lifeguard.OutboxDelivered || ms[0].Attempts != 1 || ms[0].ConcernID != created.ID {
		t.Fatalf("outbox %+v", ms)
	}
	got = srv.Messages()
	if len(got) != 1 {
		t.Fatalf("%d messages arrived, want 1", len(got))
	}
	m := got[0]
	if m.Header.Get("To") != "<dsl@hillside.example>" || m.Header.Get("Subject") != "Lifeguard: a new concern needs attention now" ||
		!strings.Contains(m.Body, fmt.Sprintf("https://lifeguard.hillside.example/concerns/%d\n", created.ID)) {
		t.Errorf("alert:\n%s", m.Raw)
	}
	for _, s := range []string{"HS-REF-4471", description, "Darren", "staff@hillside.example", "grooming"} {
		if strings.Contains(m.Raw, s) {
			t.Errorf("the alert holds %q:\n%s", s, m.Raw)
		}
	}
}

// TestServeAlertFlags: bad alert settings stop serve with a message that
// names the flag.
func TestServeAlertFlags(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--smtp", "mail.example.org:25", "--mail-from", "a@b.example"}, "--smtp"},
		{[]string{"--smtp", "smtp://mail.example.org"}, "--mail-from"},
		{[]string{"--mail-from", "a@b.example"}, "--smtp"},
		{[]string{"--base-url", "lifeguard.example.org"}, "--base-url"},
		{[]string{"--smtp", "smtp://mail.example.org", "--mail-from", "a@b.example", "--smtp-ca", "/nonexistent"}, "--smtp-ca"},
	} {
		code, _, stderr := run(t, "", append([]string{"serve", "--data", data, "--listen", "127.0.0.1:0"}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 naming %s", tc.args, code, stderr, tc.want)
		}
	}
}
