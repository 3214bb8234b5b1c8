package api_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// postConcernKeyed records a concern as the role with an Idempotency-Key,
// checking the answer against the OpenAPI document.
func (f *fixture) postConcernKeyed(role, query, key, body string) response {
	f.t.Helper()
	req, err := http.NewRequestWithContext(f.t.Context(), http.MethodPost, f.url+"/api/v1/concerns"+query, strings.NewReader(body))
	if err != nil {
		f.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+f.tokens[role])
	req.Header.Set("Idempotency-Key", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		f.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		f.t.Fatal(err)
	}
	f.spec.check(f.t, http.MethodPost, "/concerns", res.StatusCode, b)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// TestIdempotencyKey sends the same POST /concerns again with the same
// Idempotency-Key, as a client retrying after a lost answer would: one
// concern and one child, the first concern in every answer; the key with a
// different body is refused; a bad key is refused naming the header.
func TestIdempotencyKey(t *testing.T) {
	f := newFixture(t)
	const key = "3f2a9c1e-retry-me"
	first := f.postConcernKeyed("staff", "?child_ref=KEYED-1", key, grooming)
	if first.status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.status, first.body)
	}
	var c1 lifeguard.Concern
	first.decode(t, &c1)
	for range 3 {
		again := f.postConcernKeyed("staff", "?child_ref=KEYED-1", key, grooming)
		if again.status != http.StatusOK {
			t.Fatalf("replay: %d %s", again.status, again.body)
		}
		var c lifeguard.Concern
		again.decode(t, &c)
		if c.ID != c1.ID || *c.ChildID != *c1.ChildID || again.header.Get("Idempotent-Replayed") != "true" ||
			again.header.Get("Location") != first.header.Get("Location") {
			t.Fatalf("replay answered concern %d (%v), want %d", c.ID, again.header, c1.ID)
		}
	}
	list := f.call("dsl", "GET", "/concerns", "/concerns", "")
	var page lifeguard.ConcernPage
	list.decode(t, &page)
	if len(page.Concerns) != 1 {
		t.Fatalf("%d concerns recorded, want 1", len(page.Concerns))
	}

	changed := f.postConcernKeyed("staff", "?child_ref=KEYED-1", key, strings.Replace(grooming, `"age":12`, `"age":11`, 1))
	wantProblems(t, changed, "Idempotency-Key")
	if changed.status != http.StatusUnprocessableEntity {
		t.Fatalf("same key, another body: %d, want 422", changed.status)
	}
	otherQuery := f.postConcernKeyed("staff", "?child_ref=KEYED-2", key, grooming)
	wantProblems(t, otherQuery, "Idempotency-Key")

	for _, bad := range []string{strings.Repeat("k", 256), "tab\there", "é"} {
		wantProblems(t, f.postConcernKeyed("staff", "", bad, grooming), "Idempotency-Key")
	}

	// Another user's same key is theirs: a concern of their own.
	other := f.postConcernKeyed("manager", "", key, grooming)
	if other.status != http.StatusCreated {
		t.Fatalf("another user's key: %d %s", other.status, other.body)
	}
}
