package web_test

import (
	"encoding/json"
	"html"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
)

// harassmentFacts are the facts of testdata/triage-2026.1-harassment.json,
// a triage made by the England baseline 2026.1, which gave a child sexually
// harassed online only the safeguarding lead's review.
const harassmentFacts = `{"setting":"school","concern_types":["sexual_harassment"],"child":{"age":14},"child_role":"victim","parties":{"peer_involved":true},"description":"Sexual comments about her in a class group chat."}`

// TestConcernKeepsItsProcedureVersion checks that a concern recorded under
// the England baseline 2026.1 keeps the routes it was given after the
// upgrade to 2026.2, and that changing its facts works the routes out again
// under 2026.2 and says which routes that added, and that the procedure
// changed.
func TestConcernKeepsItsProcedureVersion(t *testing.T) {
	f := newDSLFixture(t, nil)
	if v := f.proc.Ref().Version; v != "2026.2" {
		t.Fatalf("the fixture runs the England baseline %s; this test is about the upgrade from 2026.1 to 2026.2", v)
	}
	data, err := os.ReadFile("testdata/triage-2026.1-harassment.json")
	if err != nil {
		t.Fatal(err)
	}
	var old lifeguard.Triage
	if err := json.Unmarshal(data, &old); err != nil {
		t.Fatal(err)
	}
	facts, err := factsjson.DecodeFacts([]byte(harassmentFacts), factsjson.DecodeOptions{ReportedAt: dslStart})
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.db.CreateConcern(f.ctx("staff"), lifeguard.NewConcern{Facts: *facts, Triage: old})
	if err != nil {
		t.Fatal(err)
	}
	codes := func(tr *lifeguard.Triage) []lifeguard.RouteCode {
		var out []lifeguard.RouteCode
		for _, r := range tr.Routes {
			out = append(out, r.Code)
		}
		return out
	}
	path := concernPath(c)

	t.Run("the stored triage stays as it was given", func(t *testing.T) {
		got := f.reload(c.ID)
		if got.Triage.Procedure.Version != "2026.1" || !slices.Equal(codes(&got.Triage), []lifeguard.RouteCode{"DSL_REVIEW"}) {
			t.Errorf("stored triage %s %v, want 2026.1 [DSL_REVIEW]", got.Triage.Procedure.Version, codes(&got.Triage))
		}
		p := f.get("dsl", path)
		checkPage(t, p)
		mustContain(t, p, "England baseline 2026.1", "Safeguarding lead reviews and records a decision")
		// Their titles are among the routes a DSL may add, not routes given.
		mustNotContain(t, p, "England baseline 2026.2", ">Support every child involved</h3>", ">Tell parents or carers</h3>")
		// Reading the concern again, as the reporter too, changes nothing.
		f.get("staff", path)
		if again := f.reload(c.ID); again.Triage.Procedure.Version != "2026.1" || len(again.Triage.Routes) != 1 {
			t.Errorf("reading the concern changed its triage: %+v", again.Triage)
		}
	})

	t.Run("changing the facts works the routes out under 2026.2", func(t *testing.T) {
		form := url.Values{
			"setting":               {"school"},
			"concern_types":         {"sexual_harassment"},
			"child.age":             {"14"},
			"child_role":            {"victim"},
			"parties.peer_involved": {"yes"},
			"description":           {"Sexual comments about her in a class group chat, now also in direct messages."},
			"risk.significant_harm": {""},
		}
		p := f.postThen("dsl", path+"/facts", form)
		checkPage(t, p)
		after := f.reload(c.ID)
		if after.Triage.Procedure.Version != "2026.2" {
			t.Fatalf("re-triaged under %s", after.Triage.Procedure.Version)
		}
		for _, code := range []lifeguard.RouteCode{"DSL_REVIEW", "PASTORAL_SUPPORT", "INFORM_PARENTS"} {
			if !after.Triage.HasRoute(code) {
				t.Errorf("2026.2 did not give %s: %v", code, codes(&after.Triage))
			}
		}
		changes := section(t, p.body, `id="changes-heading"`, "</section>")
		added, removed, _ := strings.Cut(changes, "Routes removed")
		for _, title := range []string{"Support every child involved", "Tell parents or carers"} {
			if !strings.Contains(added, html.EscapeString(title)) {
				t.Errorf("%q is not listed as added:\n%s", title, changes)
			}
		}
		if removed != "" {
			t.Errorf("routes listed as removed:\n%s", changes)
		}
		if want := html.EscapeString("worked out under England baseline 2026.1 before, and now under England baseline 2026.2"); !strings.Contains(changes, want) {
			t.Errorf("the change of procedure version is not shown:\n%s", changes)
		}
		mustContain(t, p, "England baseline 2026.2")
	})

	t.Run("a later change under the same version does not mention the procedure", func(t *testing.T) {
		form := url.Values{
			"setting": {"school"}, "concern_types": {"sexual_harassment"}, "child.age": {"14"}, "child_role": {"victim"},
			"parties.peer_involved": {"yes"}, "description": {"The same, with a date."}, "risk.significant_harm": {""},
		}
		p := f.postThen("dsl", path+"/facts", form)
		mustContain(t, p, "The routes are the same as before.")
		mustNotContain(t, p, "some of these changes come from the new version of the procedure")
	})
}
