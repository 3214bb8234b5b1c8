package api_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/auth"
)

// TestRiskAndAssignment walks a lead through rating a concern's risk,
// assigning it to a deputy and listing what is assigned to them, in the
// priority order, and checks that bad input is refused by name.
func TestRiskAndAssignment(t *testing.T) {
	f := newFixture(t)
	deputy, err := f.db.CreateUser(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()), lifeguard.NewUser{
		Email: "deputy@test.example", Name: "Dee Deputy", Role: lifeguard.RoleDSL, OrganisationID: f.orgA.ID, Deputy: true})
	if err != nil {
		t.Fatal(err)
	}
	id, _ := f.concern("staff")
	other, _ := f.concern("staff")
	path := func(what string) string { return fmt.Sprintf("/concerns/%d/%s", id, what) }

	t.Run("risk", func(t *testing.T) {
		r := f.call("dsl", "PUT", "/concerns/{id}/risk", path("risk"), `{"risk_level":"high"}`)
		var got struct{ Risk *lifeguard.RiskRating }
		r.decode(t, &got)
		if r.status != http.StatusOK || got.Risk == nil || got.Risk.Level != lifeguard.RiskHigh || got.Risk.SetBy != f.users["dsl"].ID {
			t.Fatalf("%d %s", r.status, r.body)
		}
		r = f.call("dsl", "GET", "/concerns/{id}", fmt.Sprintf("/concerns/%d", id), "")
		var c lifeguard.Concern
		r.decode(t, &c)
		if c.Risk == nil || c.Risk.Level != lifeguard.RiskHigh {
			t.Errorf("concern's risk %+v", c.Risk)
		}
		for _, body := range []string{`{}`, `{"risk_level":"severe"}`, `{"risk_level":3}`} {
			r := f.call("dsl", "PUT", "/concerns/{id}/risk", path("risk"), body)
			if r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
				t.Errorf("%s: %d %s", body, r.status, r.body)
			}
			wantProblems(t, r, "risk_level")
		}
	})

	t.Run("assignees", func(t *testing.T) {
		r := f.call("dsl", "GET", "/concerns/{id}/assignees", path("assignees"), "")
		var got struct{ Assignees []lifeguard.Assignee }
		r.decode(t, &got)
		ids := []int64{}
		for _, a := range got.Assignees {
			ids = append(ids, a.UserID)
		}
		if !slices.Contains(ids, deputy.ID) || !slices.Contains(ids, f.users["dsl"].ID) || len(ids) != 2 {
			t.Errorf("assignees %s", r.body)
		}
	})

	t.Run("assign", func(t *testing.T) {
		r := f.call("dsl", "PUT", "/concerns/{id}/assignment", path("assignment"), fmt.Sprintf(`{"assigned_to":%d}`, deputy.ID))
		var got struct{ Assignment *lifeguard.Assignment }
		r.decode(t, &got)
		if r.status != http.StatusOK || got.Assignment == nil || got.Assignment.Name != "Dee Deputy" || !got.Assignment.Deputy {
			t.Fatalf("%d %s", r.status, r.body)
		}
		for _, body := range []string{`{}`, `{"assigned_to":"Dee"}`, `{"assigned_to":-1}`,
			fmt.Sprintf(`{"assigned_to":%d}`, f.users["staff"].ID), fmt.Sprintf(`{"assigned_to":%d}`, f.users["dslB"].ID)} {
			r := f.call("dsl", "PUT", "/concerns/{id}/assignment", fmt.Sprintf("/concerns/%d/assignment", other), body)
			if r.status != http.StatusUnprocessableEntity && r.status != http.StatusBadRequest {
				t.Errorf("%s: %d %s", body, r.status, r.body)
			}
			wantProblems(t, r, "assigned_to")
		}
	})

	t.Run("assigned to me, by priority", func(t *testing.T) {
		plain, _, err := auth.New(f.db, auth.Config{}).CreateToken(lifeguard.WithActor(t.Context(), lifeguard.SystemActor()),
			deputy.ID, "test")
		if err != nil {
			t.Fatal(err)
		}
		f.tokens["deputy"] = plain
		r := f.call("deputy", "GET", "/concerns", "/concerns?order=priority&assigned=me", "")
		var page lifeguard.ConcernPage
		r.decode(t, &page)
		if r.status != http.StatusOK || len(page.Concerns) != 1 || page.Concerns[0].ID != id {
			t.Errorf("assigned to the deputy: %d %s", r.status, r.body)
		}
		r = f.call("dsl", "GET", "/concerns", "/concerns?order=priority&assigned=me", "")
		r.decode(t, &page)
		if r.status != http.StatusOK || len(page.Concerns) != 0 {
			t.Errorf("assigned to the lead: %d %s", r.status, r.body)
		}
		r = f.call("dsl", "GET", "/concerns", "/concerns?order=priority", "")
		r.decode(t, &page)
		var mine *lifeguard.ConcernSummary
		for i := range page.Concerns {
			if page.Concerns[i].ID == id {
				mine = &page.Concerns[i]
			}
		}
		if mine == nil || mine.RiskLevel != lifeguard.RiskHigh || mine.AssignedTo == nil || mine.AssignedTo.UserID != deputy.ID {
			t.Errorf("the concern in the list: %+v", mine)
		}
		for _, q := range []string{"order=priority&status=closed", "order=urgent", "assigned=you"} {
			r := f.call("dsl", "GET", "/concerns", "/concerns?"+q, "")
			if r.status != http.StatusUnprocessableEntity {
				t.Errorf("%s: %d %s", q, r.status, r.body)
			}
		}
		wantProblems(t, f.call("dsl", "GET", "/concerns", "/concerns?assigned=you", ""), "assigned")
		wantProblems(t, f.call("dsl", "GET", "/concerns", "/concerns?order=priority&status=closed", ""), "status")
	})
}

// TestCreateDeputy adds a deputy safeguarding lead through the API, and is
// refused one of any other role, by name.
func TestCreateDeputy(t *testing.T) {
	f := newFixture(t)
	body := func(email, role string) string {
		return fmt.Sprintf(`{"email":%q,"name":"Dee","role":%q,"organisation_id":%d,"deputy":true,"password":"a long enough passphrase"}`,
			email, role, f.orgA.ID)
	}
	r := f.call("admin", "POST", "/users", "/users", body("deputy@test.example", "dsl"))
	var u lifeguard.User
	r.decode(t, &u)
	if r.status != http.StatusCreated || !u.Deputy || u.Role != lifeguard.RoleDSL {
		t.Fatalf("%d %s", r.status, r.body)
	}
	r = f.call("admin", "POST", "/users", "/users", body("teacher@test.example", "staff"))
	if r.status != http.StatusUnprocessableEntity {
		t.Errorf("a deputy of role staff: %d %s", r.status, r.body)
	}
	wantProblems(t, r, "deputy")
}
