package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestNewChildDuplicate records a concern about a new child named with its
// date of birth, then another about a "new" child of the same name and
// date of birth: 409 naming child_legal_surname and the child on record's
// id, nothing recorded, until child_different=true; bad parameters are
// refused naming them.
func TestNewChildDuplicate(t *testing.T) {
	f := newFixture(t)
	body := strings.Replace(grooming, `"age":12`, `"date_of_birth":"2014-05-06"`, 1)
	q := "?" + url.Values{"child_legal_forename": {"Ottoline"}, "child_legal_surname": {"Brackenbury"}}.Encode()
	first := f.postConcernKeyed("staff", q, "dup-1", body)
	if first.status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	var c1 lifeguard.Concern
	first.decode(t, &c1)

	dup := f.postConcernKeyed("staff", strings.Replace(q, "Brackenbury", "BRACKENBURY", 1), "dup-2", body)
	if dup.status != http.StatusConflict {
		t.Fatalf("duplicate: %d %s, want 409", dup.status, dup.body)
	}
	var e struct {
		Code     string              `json:"code"`
		Problems []lifeguard.Problem `json:"problems"`
	}
	dup.decode(t, &e)
	if e.Code != lifeguard.ECONFLICT || len(e.Problems) != 1 || e.Problems[0].Path != "child_legal_surname" ||
		e.Problems[0].ChildID != *c1.ChildID {
		t.Fatalf("the 409 does not name child %d at child_legal_surname: %s", *c1.ChildID, dup.body)
	}
	if strings.Contains(string(dup.body), "Ottoline") {
		t.Errorf("the refusal repeats the name: %s", dup.body)
	}
	list := f.call("dsl", "GET", "/concerns", "/concerns", "")
	var page lifeguard.ConcernPage
	list.decode(t, &page)
	if len(page.Concerns) != 1 {
		t.Fatalf("%d concerns after the refusal, want 1", len(page.Concerns))
	}

	// Confirmed as another child: a new record. The same key again with
	// the confirmation is a different request from the refused one, and
	// records (the refusal kept nothing under the key).
	ok := f.postConcernKeyed("staff", q+"&child_different=true", "dup-2", body)
	if ok.status != http.StatusCreated {
		t.Fatalf("confirmed different: %d %s", ok.status, ok.body)
	}
	var c2 lifeguard.Concern
	ok.decode(t, &c2)
	if *c2.ChildID == *c1.ChildID {
		t.Errorf("confirmed a different child, recorded on child %d", *c1.ChildID)
	}

	bad := f.postConcernKeyed("staff", q+"&child_different=perhaps", "dup-3", body)
	wantProblems(t, bad, "child_different")
	bad = f.postConcernKeyed("staff", "?child_legal_surname="+url.QueryEscape("Bracken\tbury"), "dup-4", body)
	wantProblems(t, bad, "child_legal_surname")
}
