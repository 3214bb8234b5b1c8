package record_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestFilterWorryChoices records a worry of every choice on the block page
// through the real store and the default procedure, and checks the facts
// each gives and the routes the procedure gives them: above all that a
// child who wants to hurt themselves, or whom someone wants to meet, gets a
// route due now or the same working day, which alerts the safeguarding
// lead at once.
func TestFilterWorryChoices(t *testing.T) {
	f := newFixture(t)
	type choiceCase struct {
		about    lifeguard.WorryAbout
		category lifeguard.FilterCategory
		types    []lifeguard.ConcernType
		routes   []lifeguard.RouteCode // every route, in the order triage gives them
		urgent   bool                  // a route due now or the same working day, other than DSL_REVIEW
	}
	cases := []choiceCase{
		{"pictures", "chat", []lifeguard.ConcernType{"sexual_communication"},
			[]lifeguard.RouteCode{"CSC_REFERRAL", "PRESERVE_EVIDENCE", "POLICE_101", "CEOP_REPORT", "INFORM_PARENTS", "DSL_REVIEW", "PASTORAL_SUPPORT", "PLATFORM_REPORT"}, true},
		{"meeting", "games", []lifeguard.ConcernType{"grooming"},
			[]lifeguard.RouteCode{"CSC_REFERRAL", "PRESERVE_EVIDENCE", "POLICE_101", "CEOP_REPORT", "INFORM_PARENTS", "DSL_REVIEW", "PASTORAL_SUPPORT", "PLATFORM_REPORT"}, true},
		{"unkind", "social_networks", []lifeguard.ConcernType{"cyberbullying"},
			[]lifeguard.RouteCode{"PRESERVE_EVIDENCE", "INFORM_PARENTS", "DSL_REVIEW", "PASTORAL_SUPPORT", "ANTI_BULLYING_PROCEDURE"}, true},
		{"upsetting", "games", []lifeguard.ConcernType{"violent_content"}, []lifeguard.RouteCode{"DSL_REVIEW"}, false},
		{"upsetting", "pornography", []lifeguard.ConcernType{"pornography"}, []lifeguard.RouteCode{"DSL_REVIEW"}, false},
		{"upsetting", "self_harm", []lifeguard.ConcernType{"self_harm"},
			[]lifeguard.RouteCode{"INFORM_PARENTS", "DSL_REVIEW", "MENTAL_HEALTH_SUPPORT", "PLATFORM_REPORT"}, true},
		{"upsetting", "terrorism", []lifeguard.ConcernType{"extremist_content"}, []lifeguard.RouteCode{"TERRORISM_REPORT", "DSL_REVIEW"}, true},
		{"hurt_myself", "gambling", []lifeguard.ConcernType{"self_harm"},
			[]lifeguard.RouteCode{"INFORM_PARENTS", "DSL_REVIEW", "MENTAL_HEALTH_SUPPORT", "PLATFORM_REPORT"}, true},
		{"something_else", "gambling", []lifeguard.ConcernType{"other"}, []lifeguard.RouteCode{"DSL_REVIEW"}, false},
		{"", "gambling", []lifeguard.ConcernType{"other"}, []lifeguard.RouteCode{"DSL_REVIEW"}, false},
	}
	for i, tc := range cases {
		t.Run(fmt.Sprintf("%s on %s", tc.about, tc.category), func(t *testing.T) {
			in := lifeguard.NewFilterWorry{FilterAttempt: lifeguard.FilterAttempt{
				ID:   fmt.Sprintf("00000000-0000-4000-8000-%012d", 100+i),
				Time: f.now.Add(-time.Minute), Client: "10.0.0.7", Name: "example.com", Category: tc.category},
				About: tc.about}
			if tc.about == "" || tc.about == lifeguard.WorrySomethingElse {
				in.Text = "Something happened."
			}
			rc, err := f.rec.FilterWorry(f.guard, in)
			if err != nil {
				t.Fatal(err)
			}
			c, err := f.db.Concern(f.dsl, rc.ConcernID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(c.Facts.ConcernTypes, tc.types) {
				t.Errorf("types %v, want %v", c.Facts.ConcernTypes, tc.types)
			}
			if got := routeCodes(&c.Triage); !slices.Equal(got, tc.routes) {
				t.Errorf("routes %v, want %v", got, tc.routes)
			}
			urgent := slices.ContainsFunc(c.Triage.Routes, func(r lifeguard.Route) bool {
				return r.Code != "DSL_REVIEW" && (r.Urgency == lifeguard.Immediate || r.Urgency == lifeguard.SameWorkingDay)
			})
			if urgent != tc.urgent {
				t.Errorf("urgent route %v, want %v: %v", urgent, tc.urgent, c.Triage.Routes)
			}
			if tc.about == "meeting" && !slices.ContainsFunc(c.Triage.Routes, func(r lifeguard.Route) bool {
				return r.Code == "CSC_REFERRAL" && slices.Contains(r.Rules, "MEETING")
			}) {
				t.Errorf("the MEETING rule did not fire: %v", c.Triage.Routes)
			}
			if in.Text == "" && !strings.Contains(c.Facts.Description, in.About.Label()) {
				t.Errorf("description %q, want the choice in the child's words", c.Facts.Description)
			}
		})
	}

	t.Run("meeting and hurting themselves are due now or today", func(t *testing.T) {
		for _, about := range []lifeguard.WorryAbout{"meeting", "hurt_myself"} {
			if !slices.ContainsFunc(cases, func(c choiceCase) bool {
				return c.about == about && c.urgent
			}) {
				t.Errorf("%s has no urgent case in the table", about)
			}
		}
	})

	t.Run("every choice is in the table", func(t *testing.T) {
		for _, about := range lifeguard.WorryChoices() {
			if !slices.ContainsFunc(cases, func(c choiceCase) bool {
				return c.about == about
			}) {
				t.Errorf("choice %s is not tested", about)
			}
		}
	})

	t.Run("an unknown choice names the field", func(t *testing.T) {
		in := lifeguard.NewFilterWorry{FilterAttempt: lifeguard.FilterAttempt{ID: "00000000-0000-4000-8000-000000000999",
			Time: f.now.Add(-time.Minute), Client: "10.0.0.7", Name: "example.com", Category: "games"},
			About: "pictures_of_cats", Text: "Hello"}
		_, err := f.rec.FilterWorry(f.guard, in)
		e, ok := err.(*lifeguard.Error)
		if !ok || e.Code != lifeguard.EINVALID || !slices.ContainsFunc(e.Problems, func(p lifeguard.Problem) bool {
			return p.Path == "about" && strings.Contains(p.Problem, "pictures_of_cats")
		}) {
			t.Fatalf("err %v, want EINVALID naming about", err)
		}
	})

	t.Run("something else still needs the child's words", func(t *testing.T) {
		in := lifeguard.NewFilterWorry{FilterAttempt: lifeguard.FilterAttempt{ID: "00000000-0000-4000-8000-000000000998",
			Time: f.now.Add(-time.Minute), Client: "10.0.0.7", Name: "example.com", Category: "games"}}
		_, err := f.rec.FilterWorry(f.guard, in)
		e, ok := err.(*lifeguard.Error)
		if !ok || !slices.ContainsFunc(e.Problems, func(p lifeguard.Problem) bool { return p.Path == "text" }) {
			t.Fatalf("err %v, want EINVALID naming text", err)
		}
	})
}
