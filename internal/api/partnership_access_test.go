package api_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

// TestPartnershipAccessAPI has the officer start a partnership-wide
// request matched at school A, the DSL of A list the part and agree, and
// the officer see it agreed; refusals for the wrong roles and bad input.
// Every answer is checked against the OpenAPI document.
func TestPartnershipAccessAPI(t *testing.T) {
	f := newFixture(t)
	_, child := f.concern("staff")
	born := lifeguard.Date{Year: 2015, Month: 9, Day: 1}
	if _, err := f.db.SetChildIdentity(f.as("dsl"), child, lifeguard.ChildIdentity{LegalForename: "Kit", LegalSurname: "Marlowe",
		DateOfBirth: &born}); err != nil {
		t.Fatal(err)
	}
	today := time.Now().UTC().Format(time.DateOnly)
	start := fmt.Sprintf(`{"child_name":"Kit Marlowe","born_on":"2015-09-01","requester":"parent","requester_name":"Mr Marlowe","received_on":%q,"verified":"photo_id"}`, today)
	for _, tc := range []struct {
		role, body string
		status     int
	}{
		{"dsl", start, http.StatusForbidden},
		{"admin", start, http.StatusForbidden},
		{"partnership", `{"child_name":"Kit","born_on":"2015-02-30","requester":"self","requester_name":"K","received_on":"2026-01-01","verified":"photo_id"}`, http.StatusUnprocessableEntity},
	} {
		if r := f.call(tc.role, "POST", "/partnership-access", "/partnership-access", tc.body); r.status != tc.status {
			t.Errorf("start as %s with %s: %d, want %d: %s", tc.role, tc.body, r.status, tc.status, r.body)
		}
	}
	r := f.call("partnership", "POST", "/partnership-access", "/partnership-access", start)
	if r.status != http.StatusCreated {
		t.Fatalf("start: %d %s", r.status, r.body)
	}
	var s lifeguard.PartnershipAccess
	r.decode(t, &s)
	if len(s.Parts) != 1 || s.Parts[0].OrganisationID != f.orgA.ID || s.Parts[0].ChildID != 0 {
		t.Fatalf("started %+v", s)
	}
	var parts struct {
		Parts []lifeguard.PartnershipAccessPart
	}
	f.call("dsl", "GET", "/partnership-access-parts", "/partnership-access-parts", "").decode(t, &parts)
	if len(parts.Parts) != 1 || parts.Parts[0].ChildID != child {
		t.Fatalf("the DSL's parts %+v", parts.Parts)
	}
	answer := fmt.Sprintf("/partnership-access-parts/%d/answer", parts.Parts[0].ID)
	for _, tc := range []struct {
		role, body string
		status     int
	}{
		{"partnership", `{"answer":"agree"}`, http.StatusForbidden},
		{"dslB", `{"answer":"agree"}`, http.StatusNotFound},
		{"dsl", `{"answer":"maybe"}`, http.StatusUnprocessableEntity},
		{"dsl", `{"answer":"decline"}`, http.StatusUnprocessableEntity},
	} {
		if r := f.call(tc.role, "POST", "/partnership-access-parts/{id}/answer", answer, tc.body); r.status != tc.status {
			t.Errorf("answer as %s with %s: %d, want %d: %s", tc.role, tc.body, r.status, tc.status, r.body)
		}
	}
	var pt lifeguard.PartnershipAccessPart
	f.call("dsl", "POST", "/partnership-access-parts/{id}/answer", answer, `{"answer":"agree"}`).decode(t, &pt)
	if pt.Answer != lifeguard.PartAgreed || pt.SubjectAccessID == 0 {
		t.Errorf("agreed %+v", pt)
	}
	if r := f.call("dsl", "POST", "/partnership-access-parts/{id}/answer", answer, `{"answer":"agree"}`); r.status != http.StatusConflict {
		t.Errorf("a second answer: %d %s", r.status, r.body)
	}
	f.call("partnership", "GET", "/partnership-access/{id}", fmt.Sprintf("/partnership-access/%d", s.ID), "").decode(t, &s)
	if len(s.Parts) != 1 || s.Parts[0].Answer != lifeguard.PartAgreed {
		t.Errorf("the officer sees %+v", s.Parts)
	}
	var list struct{ Requests []lifeguard.PartnershipAccess }
	f.call("partnership", "GET", "/partnership-access", "/partnership-access", "").decode(t, &list)
	if len(list.Requests) != 1 {
		t.Errorf("list %+v", list.Requests)
	}
}
