package api_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestReferralsAPI is a school's case system sending a referral and the
// front door's answering it, through the API with each side's token: school
// B stands as the front door in the directory. Every answer is checked
// against the OpenAPI document.
func TestReferralsAPI(t *testing.T) {
	f := newFixture(t)
	sys := lifeguard.WithActor(t.Context(), lifeguard.SystemActor())
	if err := f.db.SetReferralReceiver(sys, f.orgA.PartnershipID, "CSC_REFERRAL", f.orgB.ID); err != nil {
		t.Fatal(err)
	}
	id, _ := f.concern("staff")
	var c lifeguard.Concern
	f.call("dsl", "GET", "/concerns/{id}", fmt.Sprintf("/concerns/%d", id), "").decode(t, &c)
	if !c.Triage.HasRoute("CSC_REFERRAL") {
		t.Fatalf("the grooming concern has no CSC_REFERRAL route: %v", c.Triage.Routes)
	}

	send := fmt.Sprintf("/concerns/%d/referrals", id)
	for _, tc := range []struct {
		role, body string
		status     int
	}{
		{"staff", `{"route":"CSC_REFERRAL"}`, http.StatusForbidden},
		{"dslB", `{"route":"CSC_REFERRAL"}`, http.StatusNotFound},
		{"dsl", `{"route":"DSL_REVIEW"}`, http.StatusUnprocessableEntity},
		{"dsl", `{"route":"CSC_REFERRAL","parts":{"words":"yes"}}`, http.StatusUnprocessableEntity},
		{"dsl", `{"route":"CSC_REFERRAL","surprise":1}`, http.StatusUnprocessableEntity},
	} {
		if r := f.call(tc.role, "POST", "/concerns/{id}/referrals", send, tc.body); r.status != tc.status {
			t.Errorf("send as %s with %s: %d, want %d: %s", tc.role, tc.body, r.status, tc.status, r.body)
		}
	}
	r := f.call("dsl", "POST", "/concerns/{id}/referrals", send,
		`{"route":"CSC_REFERRAL","parts":{"words":true,"child":true},"phone_note":""}`)
	if r.status != http.StatusCreated {
		t.Fatalf("send: %d %s", r.status, r.body)
	}
	var sent lifeguard.Referral
	r.decode(t, &sent)
	path := fmt.Sprintf("/referrals/%d", sent.ID)

	// The front door's system lists it without the school's concern id.
	var list struct{ Referrals []lifeguard.Referral }
	f.call("dslB", "GET", "/referrals", "/referrals", "").decode(t, &list)
	if len(list.Referrals) != 1 || list.Referrals[0].ID != sent.ID || list.Referrals[0].ConcernID != 0 {
		t.Fatalf("the front door lists %+v", list.Referrals)
	}
	if r := f.call("dslB", "GET", "/referrals/{id}", path, ""); r.status != http.StatusOK ||
		!strings.Contains(string(r.body), "private app") {
		t.Errorf("the front door reads %d %s", r.status, r.body)
	}
	for _, role := range []string{"staff2", "manager", "partnership", "admin", "filter"} {
		if r := f.call(role, "GET", "/referrals/{id}", path, ""); r.status != http.StatusNotFound && r.status != http.StatusForbidden {
			t.Errorf("%s reads the referral: %d", role, r.status)
		}
	}
	if r := f.call("dsl", "POST", "/referrals/{id}/acknowledge", path+"/acknowledge", ""); r.status != http.StatusForbidden {
		t.Errorf("the referrer acknowledges: %d %s", r.status, r.body)
	}
	if r := f.call("dslB", "POST", "/referrals/{id}/acknowledge", path+"/acknowledge", ""); r.status != http.StatusOK {
		t.Fatalf("acknowledge: %d %s", r.status, r.body)
	}
	if r := f.call("dslB", "POST", "/referrals/{id}/acknowledge", path+"/acknowledge", ""); r.status != http.StatusConflict {
		t.Errorf("second acknowledgement: %d", r.status)
	}
	if r := f.call("dslB", "POST", "/referrals/{id}/consider", path+"/consider", `{"harm_threshold_met":true}`); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a social care referral considered as the LADO's: %d %s", r.status, r.body)
	}
	if r := f.call("dslB", "POST", "/referrals/{id}/messages", path+"/messages", `{"kind":"request","text":"Which year is she in?"}`); r.status != http.StatusCreated {
		t.Fatalf("request: %d %s", r.status, r.body)
	}
	if r := f.call("dsl", "POST", "/referrals/{id}/messages", path+"/messages", `{"kind":"reply","text":"Year 7."}`); r.status != http.StatusCreated {
		t.Fatalf("reply: %d %s", r.status, r.body)
	}
	r = f.call("dslB", "POST", "/referrals/{id}/answer", path+"/answer", `{"outcome":"crime_recorded"}`)
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(string(r.body), `"path":"outcome"`) {
		t.Errorf("a police outcome from social care: %d %s", r.status, r.body)
	}
	if r := f.call("dslB", "POST", "/referrals/{id}/answer", path+"/answer", `{"outcome":"section_47","note":"Strategy discussion today."}`); r.status != http.StatusOK {
		t.Fatalf("answer: %d %s", r.status, r.body)
	}
	var got lifeguard.Referral
	f.call("dsl", "GET", "/referrals/{id}", path, "").decode(t, &got)
	if got.Outcome != "section_47" || got.ConcernID != id || len(got.Messages) != 2 || got.AcknowledgedAt == nil {
		t.Errorf("the school reads %+v", got)
	}
}
