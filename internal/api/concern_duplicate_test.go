package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestNewChildNamesNotInTheQuery: a child's names are never taken in the
// query string of a new concern, where proxies and access logs would keep
// them; each name parameter is refused naming it, and nothing is recorded.
// (The report form offers a child on record of the same name and date of
// birth; the store's ChildDuplicate test covers the rule itself.)
func TestNewChildNamesNotInTheQuery(t *testing.T) {
	f := newFixture(t)
	body := strings.Replace(grooming, `"age":12`, `"date_of_birth":"2014-05-06"`, 1)
	for i, p := range []string{"child_legal_forename", "child_legal_surname", "child_different"} {
		q := "?" + url.Values{p: {"Brackenbury"}}.Encode()
		got := f.postConcernKeyed("staff", q, "names-"+string(rune('a'+i)), body)
		if got.status == http.StatusCreated {
			t.Fatalf("%s: a concern was recorded with a name in the query", p)
		}
		wantProblems(t, got, p)
		if strings.Contains(string(got.body), "Brackenbury") {
			t.Errorf("%s: the refusal repeats the name: %s", p, got.body)
		}
	}
}
