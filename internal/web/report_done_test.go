package web_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestReportDoneWords checks the confirmation after a report for every
// urgency: when a route is due now it says first, as its heading, to find
// the safeguarding lead in person now, with the organisation's number and
// whom to ring if they cannot be reached; otherwise it gives the real first
// deadline, or says there is none. It never promises a review "by 17:00"
// for a concern that cannot wait.
func TestReportDoneWords(t *testing.T) {
	f := newDSLFixture(t, nil)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	at := func(s string) *time.Time {
		tm, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return &tm
	}
	contact := "Riverside Front Door, 01632 960 555"
	route := func(code lifeguard.RouteCode, title string, u lifeguard.Urgency, due *time.Time) lifeguard.Route {
		return lifeguard.Route{Code: code, Title: title, Action: "Do it.", Urgency: u, Due: due, Rules: []string{"R"}, Why: []string{"w"}}
	}
	referral := route("CSC_REFERRAL", "Refer to children's social care", lifeguard.Immediate, at("2026-11-18T10:00:00Z"))
	withContact := referral
	withContact.Contact = &contact
	review := route("DSL_REVIEW", "Safeguarding lead reviews and records a decision", lifeguard.SameWorkingDay, at("2026-11-18T17:00:00Z"))
	tomorrow := route("POLICE_101", "Report to the police on 101", lifeguard.SameWorkingDay, at("2026-11-19T17:00:00Z"))
	pastoral := route("PASTORAL_SUPPORT", "Support every child involved", lifeguard.WorkingDays, at("2026-11-25T10:00:00Z"))
	remove := route("REPORT_REMOVE", "Help the young person use Report Remove", lifeguard.AsSoonAsPossible, nil)
	advice := route("REPORT_HARMFUL_CONTENT", "Report Harmful Content", lifeguard.Advice, nil)
	// Immediate, but instructions to the reporter: they need nobody fetched.
	evidence := route(lifeguard.RoutePreserveEvidence, "Keep the evidence", lifeguard.Immediate, at("2026-11-18T10:00:00Z"))
	evidence.Action = "Keep the messages, usernames, links and times."
	images := route(lifeguard.RouteDoNotViewImages, "Do not view or pass on the images", lifeguard.Immediate,
		at("2026-11-18T10:00:00Z"))

	facts := lifeguard.Facts{ReportedAt: dslStart, Setting: "school", ConcernTypes: []lifeguard.ConcernType{"grooming"},
		Child: &lifeguard.ChildFacts{Age: new(14)}, ChildRole: "victim", Parties: lifeguard.Parties{AdultInvolved: true},
		Details: lifeguard.Details{MeetingArranged: true}, Description: "Arranged to meet a man from a game on Saturday."}
	confirm := func(who string, routes ...lifeguard.Route) dslPage {
		t.Helper()
		tr := lifeguard.Triage{Procedure: f.proc.Ref(), Routes: routes}
		c, err := f.db.CreateConcern(f.ctx("staff"), lifeguard.NewConcern{Facts: facts, Triage: tr})
		if err != nil {
			t.Fatal(err)
		}
		p := f.get(who, "/report/"+strconv.FormatInt(c.ID, 10)+"/done")
		if p.status != http.StatusOK {
			t.Fatalf("status %d\n%s", p.status, p.body)
		}
		checkPage(t, p)
		return p
	}
	first := func(t *testing.T, p dslPage, want string) {
		t.Helper()
		h1 := strings.Index(p.body, "<h1>")
		if h1 < 0 || !strings.HasPrefix(p.body[h1+4:], want) {
			t.Errorf("the heading is not %q:\n%s", want, p.body)
		}
	}
	const never = "by 17:00" // the old promise, wrong for a concern that cannot wait

	t.Run("immediate, with the organisation's number", func(t *testing.T) {
		if _, err := f.db.SetSafeguardingPhone(sys, f.orgA.ID, "01632 960 100"); err != nil {
			t.Fatal(err)
		}
		p := confirm("staff", referral, review, pastoral)
		first(t, p, "Find your safeguarding lead now")
		mustContain(t, p, "<title>Find your safeguarding lead now: your report is recorded",
			"Go and find your designated safeguarding lead (DSL), or their deputy, in person now",
			`<a class="phone" href="tel:01632960100">01632 960 100</a>`,
			"phone children's social care yourself, for the area where the child lives",
			"If a child is in immediate danger, call 999.", "Due now: Refer to children&#39;s social care.",
			"Your report is recorded. Concern number")
		mustNotContain(t, p, never, "has it now", "The first step is due")
		if now, rec := strings.Index(p.body, "in person now"), strings.Index(p.body, "Your report is recorded."); now > rec {
			t.Error("the confirmation comes before what to do now")
		}
	})

	t.Run("immediate, with the route's contact", func(t *testing.T) {
		p := confirm("staff", withContact, review)
		mustContain(t, p, "If you cannot reach them or a deputy, ring:",
			"<li>Refer to children&#39;s social care: <span class=\"text\">Riverside Front Door, 01632 960 555</span></li>")
		mustNotContain(t, p, "for the area where the child lives")
	})

	t.Run("immediate, without a number", func(t *testing.T) {
		if _, err := f.db.SetSafeguardingPhone(sys, f.orgA.ID, ""); err != nil {
			t.Fatal(err)
		}
		p := confirm("staff", referral, review)
		first(t, p, "Find your safeguarding lead now")
		mustContain(t, p, "has not given Lifeguard a safeguarding contact number, so look for them in person",
			"If a child is in immediate danger, call 999.")
		mustNotContain(t, p, "tel:", never)
	})

	t.Run("immediate, reported by a safeguarding lead", func(t *testing.T) {
		p := confirm("dsl", referral, review)
		first(t, p, "Act on it now")
		mustContain(t, p, "Due now: Refer to children&#39;s social care.", "safeguarding inbox")
		mustNotContain(t, p, "Find your safeguarding lead", never)
	})

	t.Run("only instructions are immediate: the reporter does them, the lead has it today", func(t *testing.T) {
		p := confirm("staff", evidence, review, pastoral)
		first(t, p, "Your report is recorded")
		mustContain(t, p, "<h2>Do this now yourself</h2>",
			"<li><strong>Keep the evidence.</strong> Keep the messages, usernames, links and times.</li>",
			"designated safeguarding lead (DSL) has it now. "+
				"The first step is due by 17:00 today: Safeguarding lead reviews and records a decision.")
		mustNotContain(t, p, "Find your safeguarding lead now", "Due now", "in person now", "tel:",
			"The first step is due by 10:00")
		if do, has := strings.Index(p.body, "Do this now yourself"), strings.Index(p.body, "has it now"); do > has {
			t.Error("what to do now yourself comes after the first deadline")
		}
	})

	t.Run("a referral now and instructions: find the lead, and do the instructions", func(t *testing.T) {
		p := confirm("staff", images, evidence, referral, review)
		first(t, p, "Find your safeguarding lead now")
		mustContain(t, p, "Due now: Refer to children&#39;s social care.</p>", "<h2>Do this now yourself</h2>",
			"<li><strong>Do not view or pass on the images.</strong> Do it.</li>",
			"<li><strong>Keep the evidence.</strong>")
		mustNotContain(t, p, "Due now: Do not view", "Due now: Keep", "The first step is due")
	})

	for _, c := range []struct {
		name   string
		routes []lifeguard.Route
		want   string
	}{
		{"same working day", []lifeguard.Route{pastoral, review, remove},
			"The first step is due by 17:00 today: Safeguarding lead reviews and records a decision."},
		{"same working day, the next day", []lifeguard.Route{tomorrow},
			"The first step is due by 17:00 tomorrow: Report to the police on 101."},
		{"working days", []lifeguard.Route{pastoral, advice},
			"The first step is due by Wednesday 25 November: Support every child involved."},
		{"as soon as possible", []lifeguard.Route{remove, advice},
			"The procedure sets no deadline for it: the safeguarding lead will act on it as soon as they can."},
		{"advice", []lifeguard.Route{advice},
			"The procedure gives advice only, with no deadline: the safeguarding lead will look at it when they next work through their inbox."},
		{"no routes", nil,
			"The procedure gives no steps for it and no deadline: the safeguarding lead will look at it when they next work through their inbox."},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := confirm("staff", c.routes...)
			first(t, p, "Your report is recorded")
			mustContain(t, p, "designated safeguarding lead (DSL) has it now. "+c.want)
			mustNotContain(t, p, "Find your safeguarding lead now", "Due now")
		})
	}
}
