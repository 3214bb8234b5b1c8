package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/sqlstore"
	"github.com/lifeguard-scp/lifeguard/internal/web"
)

// newReportFixture is the DSL fixture with the report store, a manager of
// each school, the partnership officer and an administrator; School A has
// six bullying concerns and School B two grooming concerns, so that the
// board report has a small number to hide.
func newReportFixture(t *testing.T) *dslFixture {
	t.Helper()
	f := newDSLFixture(t, func(db *sqlstore.DB, s *web.Stores) { s.Audits, s.Plan, s.Reports = db, db, db })
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	team, err := f.db.CreateOrganisation(sys, lifeguard.Organisation{PartnershipID: f.orgA.PartnershipID,
		Name: "Partnership team", Setting: "other"})
	if err != nil {
		t.Fatal(err)
	}
	hash := dslHash(t)
	for _, u := range []struct {
		key  string
		role lifeguard.Role
		org  *lifeguard.Organisation
	}{
		{"manager", lifeguard.RoleManager, f.orgA},
		{"managerB", lifeguard.RoleManager, f.orgB},
		{"officer", lifeguard.RolePartnership, team},
		{"admin", lifeguard.RoleAdmin, team},
	} {
		user, err := f.db.CreateUser(sys, lifeguard.NewUser{Email: u.key + "@demo.test", Name: "User " + u.key,
			Role: u.role, OrganisationID: u.org.ID, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		f.users[u.key] = user
	}
	for i := range 6 {
		f.concern("staff", dslBullying, dslStart.Add(-time.Duration(i+1)*24*time.Hour))
	}
	for i := range 2 {
		f.concern("dslB", dslGrooming, dslStart.Add(-time.Duration(i+1)*48*time.Hour))
	}
	return f
}

// TestReportAccess checks each report page for every role: the
// partnership officer and each organisation's DSL and manager get it;
// staff and administrators are refused.
func TestReportAccess(t *testing.T) {
	f := newReportFixture(t)
	want := map[string]int{"officer": 200, "dsl": 200, "manager": 200, "dslB": 200, "managerB": 200,
		"staff": 403, "staff2": 403, "admin": 403}
	for _, path := range []string{"/reports", "/reports/figures.csv", "/reports/figures.json", "/reports/page.css"} {
		for who, status := range want {
			t.Run(strings.TrimPrefix(path, "/")+"/"+who, func(t *testing.T) {
				if p := f.get(who, path); p.status != status {
					t.Errorf("%d, want %d", p.status, status)
				}
			})
		}
	}
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := anon.Get(f.url + "/reports/figures.csv")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/signin") {
		t.Errorf("the figures without signing in: %d to %q, want 303 to the sign-in page", res.StatusCode,
			res.Header.Get("Location"))
	}
}

// TestReportPages checks what each reader sees: the board report with its
// small number hidden and no concern's text, an organisation's own
// figures only, downloads, and a clear refusal of a bad date.
func TestReportPages(t *testing.T) {
	f := newReportFixture(t)
	board := f.get("officer", "/reports")
	checkPage(t, board)
	mustContain(t, board, "Board report", "<svg", `role="img"`, "<title", "<table", "&lt;5")
	mustNotContain(t, board, "Group chat messages", "private app", "User staff")
	for _, row := range []struct{ name, want string }{
		{"Concerns reported in the period</dt><dd>", "8"},
		{`<th scope="row">Grooming</th><td>`, "&lt;5"},
		{`<th scope="row">Cyberbullying</th><td>`, "6"},
	} {
		if !strings.Contains(board.body, row.name+row.want) {
			t.Errorf("board report: %q not followed by %q", row.name, row.want)
		}
	}

	own := f.get("dsl", "/reports")
	checkPage(t, own)
	mustContain(t, own, "Online-safety report for School A", "Concerns reported in the period</dt><dd>6")
	mustNotContain(t, own, `<th scope="row">Grooming</th><td>&lt;5`, "Strategy action plan")

	csv := f.get("officer", "/reports/figures.csv?from=2026-05-19&to=2026-11-18")
	if !strings.HasPrefix(csv.body, "period_from,period_to,scope,section") ||
		!strings.Contains(csv.body, "risks,types,grooming,Grooming,Concerns,<5") {
		t.Errorf("CSV:\n%s", csv.body)
	}
	js := f.get("officer", "/reports/figures.json")
	if !strings.Contains(js.body, `"title": "Board report: online-safety concerns"`) || strings.Contains(js.body, "Group chat") {
		t.Errorf("JSON:\n%.400s", js.body)
	}

	// The partnership may choose figures rounded to the nearest 5; the
	// report says which rule it uses, and the downloads keep it.
	rounded := f.get("officer", "/reports?rule=round5")
	checkPage(t, rounded)
	mustContain(t, rounded, "rounded to the nearest 5", `<option value="round5" selected>`, "rule=round5",
		"Concerns reported in the period</dt><dd>8", `<th scope="row">Cyberbullying</th><td>5`)
	if js := f.get("officer", "/reports/figures.json?rule=round5"); !strings.Contains(js.body, `"rule": "round5"`) {
		t.Errorf("JSON of the rounded report:\n%.400s", js.body)
	}
	if p := f.get("officer", "/reports?rule=round10"); p.status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown rule: %d, want 422", p.status)
	} else {
		mustContain(t, p, "rule", "round10")
	}
	// The printed report's page boxes: the partnership's name and the
	// period at the head of every page, as the page links them for print.
	mustContain(t, board, `href="/reports/page.css?from=`, `media="print"`, "report-print.", "OFFICIAL-SENSITIVE", "Contents")
	part, err := f.db.Partnership(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), f.orgA.PartnershipID)
	if err != nil {
		t.Fatal(err)
	}
	pages := f.get("officer", "/reports/page.css?from=2026-06-01&to=2026-11-30")
	mustContain(t, pages, "@page", `counter(page) " of " counter(pages)`, "OFFICIAL-SENSITIVE",
		part.Name+": 1 June 2026 to 30 November 2026")
	mustContain(t, f.get("dsl", "/reports/page.css?from=2026-06-01&to=2026-11-30"), `"School A: 1 June 2026`)
	if p := f.get("officer", "/reports/page.css?from=2026-13-01"); p.status != http.StatusUnprocessableEntity {
		t.Errorf("page rules of a bad period: %d, want 422", p.status)
	}

	for _, q := range []string{"?from=2026-02-30", "?to=yesterday", "?from=2026-06-01&to=2026-01-01"} {
		p := f.get("officer", "/reports"+q)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", q, p.status)
		}
		mustContain(t, p, "period")
	}
}

// TestReportSaysDemoHistoryPending reads the board report and a manager's
// figures while serve --demo is still adding the demo's history, and after:
// while it is, both pages say the figures are not yet whole, so that nobody
// reads half a year as the partnership's; after, neither does.
func TestReportSaysDemoHistoryPending(t *testing.T) {
	f := newReportFixture(t)
	const notice = "history is still being added"
	f.demoPending.Store(true)
	for _, who := range []string{"officer", "manager"} {
		p := f.get(who, "/reports")
		checkPage(t, p)
		mustContain(t, p, notice)
	}
	f.demoPending.Store(false)
	for _, who := range []string{"officer", "manager"} {
		mustNotContain(t, f.get(who, "/reports"), notice)
	}
}
