package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// groomingForm is the facts form of dslGrooming as the page fills it in.
func groomingForm() url.Values {
	return url.Values{
		"setting":                {"school"},
		"concern_types":          {"grooming"},
		"child.age":              {"12"},
		"child_role":             {"victim"},
		"parties.adult_involved": {"yes"},
		"description":            {"A man in a game chat asked her to move to a private app."},
		"risk.significant_harm":  {""},
	}
}

func TestChangeFacts(t *testing.T) {
	f := newDSLFixture(t, nil)
	c := f.concern("staff", dslGrooming, dslStart)
	path := concernPath(c)

	t.Run("the form shows the facts", func(t *testing.T) {
		p := f.get("dsl", path+"/facts")
		if p.status != http.StatusOK {
			t.Fatalf("status %d", p.status)
		}
		checkPage(t, p)
		mustContain(t, p, `id="concern_types" name="concern_types" value="grooming" checked`,
			`id="child.age" name="child.age" value="12"`, `id="child_role" name="child_role" value="victim" checked`,
			`id="parties.adult_involved" name="parties.adult_involved" value="yes" checked`,
			"A man in a game chat", "<legend>Type of concern</legend>")
		mustNotContain(t, p, `id="risk.immediate_danger" name="risk.immediate_danger" value="yes" checked`)
	})

	t.Run("bad facts are shown again with their problems", func(t *testing.T) {
		form := groomingForm()
		form.Set("child.age", "19")
		form.Del("concern_types")
		p := f.post("dsl", path+"/facts", form)
		if p.status != http.StatusUnprocessableEntity {
			t.Fatalf("status %d", p.status)
		}
		checkPage(t, p)
		mustContain(t, p, `href="#child.age"`, `href="#concern_types"`, "Age: must be a whole number from 0 to 17",
			`id="child.age" name="child.age" value="19"`, `aria-invalid="true"`,
			// What was typed is kept.
			`id="parties.adult_involved" name="parties.adult_involved" value="yes" checked`)
		if got := f.reload(c.ID); got.Facts.Child == nil || *got.Facts.Child.Age != 12 {
			t.Error("bad facts were stored")
		}
	})

	t.Run("new facts show the routes added and removed", func(t *testing.T) {
		form := groomingForm()
		// Now cyberbullying by a peer, and the child is in danger.
		form.Set("concern_types", "cyberbullying")
		form.Del("parties.adult_involved")
		form.Set("parties.peer_involved", "yes")
		form.Set("risk.immediate_danger", "yes")
		before := f.reload(c.ID).Triage
		p := f.postThen("dsl", path+"/facts", form)
		after := f.reload(c.ID)
		if !after.Facts.HasType("cyberbullying") || !after.Facts.Risk.ImmediateDanger {
			t.Fatalf("facts not stored: %+v", after.Facts)
		}
		var added, removed []string
		for _, r := range after.Triage.Routes {
			if !before.HasRoute(r.Code) {
				added = append(added, r.Title)
			}
		}
		for _, r := range before.Routes {
			if !after.Triage.HasRoute(r.Code) {
				removed = append(removed, r.Title)
			}
		}
		if !after.Triage.HasRoute("EMERGENCY_999") || len(removed) == 0 {
			t.Fatalf("the test's facts should add 999 and remove routes: added %v removed %v", added, removed)
		}
		changes := section(t, p.body, `id="changes-heading"`, "</section>")
		addedPart, removedPart, _ := strings.Cut(changes, "Routes removed")
		for _, title := range added {
			if !strings.Contains(addedPart, html.EscapeString(title)) {
				t.Errorf("added route %q not listed as added", title)
			}
		}
		for _, title := range removed {
			if !strings.Contains(removedPart, html.EscapeString(title)) {
				t.Errorf("removed route %q not listed as removed", title)
			}
		}
		mustContain(t, p, "The facts are saved and the routes worked out again.", "Cyberbullying")
		// The summary is shown once.
		mustNotContain(t, f.get("dsl", path), "What the new facts changed")
	})

	t.Run("the same routes say so", func(t *testing.T) {
		cur := f.reload(c.ID)
		form := groomingForm()
		form.Set("concern_types", "cyberbullying")
		form.Del("parties.adult_involved")
		form.Set("parties.peer_involved", "yes")
		form.Set("risk.immediate_danger", "yes")
		form.Set("description", cur.Facts.Description+" More detail.")
		p := f.postThen("dsl", path+"/facts", form)
		mustContain(t, p, "The routes are the same as before.")
	})

	t.Run("decisions stay", func(t *testing.T) {
		f.postThen("dsl", path+"/decisions", url.Values{"route": {"DSL_REVIEW"}, "decision": {"done"}})
		f.postThen("dsl", path+"/facts", groomingForm())
		if d := f.reload(c.ID).Decisions; len(d) != 1 || d[0].Route != "DSL_REVIEW" {
			t.Errorf("decisions after a change of facts: %+v", d)
		}
	})

	t.Run("a staff-only concern needs no child", func(t *testing.T) {
		s := f.concern("staff", dslStaffOnly, dslStart)
		p := f.get("dsl", concernPath(s)+"/facts")
		mustContain(t, p, `id="child.age" name="child.age" value=""`)
		form := url.Values{"setting": {"school"}, "concern_types": {"professional_targeted"},
			"description": {"Impersonated on two networks."}}
		f.postThen("dsl", concernPath(s)+"/facts", form)
		if got := f.reload(s.ID); got.Facts.Child != nil || got.Facts.Description != "Impersonated on two networks." {
			t.Errorf("facts stored: %+v", got.Facts)
		}
	})

	t.Run("only the DSL of the organisation", func(t *testing.T) {
		if p := f.get("staff", path+"/facts"); p.status != http.StatusForbidden {
			t.Errorf("the reporter: %d, want 403", p.status)
		}
		if p := f.post("staff", path+"/facts", groomingForm()); p.status != http.StatusForbidden {
			t.Errorf("the reporter posting: %d, want 403", p.status)
		}
		if p := f.get("dslB", path+"/facts"); p.status != http.StatusNotFound {
			t.Errorf("another school's DSL: %d, want 404", p.status)
		}
		if p := f.post("dslB", path+"/facts", groomingForm()); p.status != http.StatusNotFound {
			t.Errorf("another school's DSL posting: %d, want 404", p.status)
		}
	})

	t.Run("a closed concern's facts cannot change", func(t *testing.T) {
		f.postThen("dsl", path+"/close", url.Values{"code": {"no_further_action"}, "summary": {"Resolved."},
			"close_anyway": {"Closed for the test with work left."}})
		p := f.get("dsl", path+"/facts")
		if p.status != http.StatusConflict {
			t.Errorf("the form: %d, want 409", p.status)
		}
		mustContain(t, p, "The concern is closed and cannot be changed.")
		if p := f.post("dsl", path+"/facts", groomingForm()); p.status != http.StatusConflict {
			t.Errorf("posting: %d, want 409", p.status)
		}
	})
}
