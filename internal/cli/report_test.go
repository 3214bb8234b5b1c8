package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
)

// reportData makes a data directory with one school and seven concerns
// reported yesterday: six of cyberbullying and one of grooming.
func reportData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := t.Context()
	db, err := sqlstore.Open(ctx, sqlstore.Config{Path: dbFile(dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sys := lifeguard.WithActor(ctx, lifeguard.SystemActor())
	if err := db.Migrate(sys); err != nil {
		t.Fatal(err)
	}
	p, err := db.CreatePartnership(sys, "Testshire")
	if err != nil {
		t.Fatal(err)
	}
	o, err := db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: p.ID, Name: "Hill School", Setting: "school"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := db.CreateUser(sys, lifeguard.NewUser{Email: "s@example.org", Name: "S", Role: lifeguard.RoleStaff, OrganisationID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	staff := lifeguard.WithActor(ctx, &lifeguard.Actor{UserID: u.ID, Role: u.Role, OrganisationID: o.ID, PartnershipID: p.ID, Via: "session"})
	age := 12
	for i, ty := range []lifeguard.ConcernType{"cyberbullying", "cyberbullying", "cyberbullying", "cyberbullying",
		"cyberbullying", "cyberbullying", "grooming"} {
		f := lifeguard.Facts{ReportedAt: time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Second), Setting: "school",
			Description: "The words of concern " + string(rune('A'+i)), Child: &lifeguard.ChildFacts{Age: &age},
			ConcernTypes: []lifeguard.ConcernType{ty}}
		tr := lifeguard.Triage{Procedure: lifeguard.ProcedureRef{Name: "England baseline", Version: "2026.1"},
			Routes: []lifeguard.Route{{Code: "ADVICE_PARENTS", Title: "Advise the parents", Urgency: lifeguard.Advice}}}
		if _, err := db.CreateConcern(staff, lifeguard.NewConcern{Facts: f, Triage: tr}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReportBoard(t *testing.T) {
	dir := reportData(t)
	code, out, errs := run(t, "", "report", "board", "--data", dir, "--format", "csv")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"overview,figures,concerns,Concerns reported in the period,,7",
		"risks,types,cyberbullying,Cyberbullying,Concerns,6", "risks,types,grooming,Grooming,Concerns,<5",
		"risks,types,total,Total,Concerns,*"} {
		if !strings.Contains(out, want) {
			t.Errorf("CSV lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "words of concern") {
		t.Error("the CSV holds a concern's text")
	}

	code, out, errs = run(t, "", "report", "board", "--data", dir, "--format", "json", "--rule", "round5")
	if code != 0 || !strings.Contains(out, `"rule": "round5"`) || !strings.Contains(out, "rounded to the nearest 5") {
		t.Errorf("the rounded report: exit %d, %s\n%.300s", code, errs, out)
	}

	code, out, errs = run(t, "", "report", "board", "--data", dir, "--format", "json", "--organisation", "1")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var rep struct {
		Title string `json:"title"`
		Scope string `json:"scope"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Scope != "Hill School" {
		t.Errorf("JSON of the organisation's report: %v %+v", err, rep)
	}

	file := filepath.Join(t.TempDir(), "board.html")
	code, _, errs = run(t, "", "report", "board", "--data", dir, "--from", "2021-01-01", "--to", "2030-12-31", "--out", file)
	if code != 0 || !strings.Contains(errs, "Wrote the report of 2021-01-01 to 2030-12-31") {
		t.Fatalf("exit %d: %s", code, errs)
	}

	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "pdf"}, `--format: "pdf" is not a format`},
		{[]string{"--rule", "round10"}, `--rule: "round10" is not a rule`},
		{[]string{"--from", "2026-13-01"}, "--from:"},
		{[]string{"--to", "soon"}, "--to:"},
		{[]string{"--from", "2026-06-01", "--to", "2026-01-01"}, "to: must not be before from"},
		{[]string{"--organisation", "99"}, "--organisation: there is no organisation 99"},
	} {
		code, _, errs := run(t, "", append([]string{"report", "board", "--data", dir}, bad.args...)...)
		if code == 0 || !strings.Contains(errs, bad.want) {
			t.Errorf("%v: exit %d, %q; want an error with %q", bad.args, code, errs, bad.want)
		}
	}
	if code, _, errs := run(t, "", "report", "summary"); code == 0 || !strings.Contains(errs, "report needs a subcommand: board") {
		t.Errorf("report summary: exit %d, %q", code, errs)
	}
}
