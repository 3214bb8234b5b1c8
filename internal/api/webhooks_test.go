package api_test

import (
	"fmt"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestWebhooks: an administrator makes a webhook and reads its secret
// once, lists it without the secret and removes it; others may not; a URL
// that is not https is refused naming url.
func TestWebhooks(t *testing.T) {
	f := newFixture(t)
	body := fmt.Sprintf(`{"organisation_id":%d,"url":"https://hooks.example.org/lifeguard","events":["new_concern","escalation"]}`, f.orgA.ID)
	for _, role := range []string{"staff", "dsl", "partnership", "filter"} {
		if r := f.call(role, "POST", "/webhooks", "/webhooks", body); r.status != 403 {
			t.Errorf("%s made a webhook: %d %s", role, r.status, r.body)
		}
		if r := f.call(role, "GET", "/webhooks", "/webhooks", ""); r.status != 403 {
			t.Errorf("%s listed webhooks: %d %s", role, r.status, r.body)
		}
	}
	r := f.call("admin", "POST", "/webhooks", "/webhooks", body)
	var made lifeguard.Webhook
	r.decode(t, &made)
	if r.status != 201 || len(made.Secret) != 64 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	r = f.call("admin", "GET", "/webhooks", "/webhooks", "")
	var list struct{ Webhooks []lifeguard.Webhook }
	r.decode(t, &list)
	if r.status != 200 || len(list.Webhooks) != 1 || list.Webhooks[0].Secret != "" || list.Webhooks[0].ID != made.ID {
		t.Fatalf("list: %d %s", r.status, r.body)
	}
	wantProblems(t, f.call("admin", "POST", "/webhooks", "/webhooks", `{"url":"http://hooks.example.org/","events":["new_concern"]}`), "url")
	wantProblems(t, f.call("admin", "POST", "/webhooks", "/webhooks", `{"url":"https://hooks.example.org/","events":["digest"]}`), "events")
	wantProblems(t, f.call("admin", "POST", "/webhooks", "/webhooks", `{"url":"https://hooks.example.org/","events":["new_concern"],"secret":"x"}`), "secret")
	path := fmt.Sprintf("/webhooks/%d", made.ID)
	if r := f.call("dsl", "DELETE", "/webhooks/{id}", path, ""); r.status != 403 {
		t.Errorf("dsl removed a webhook: %d", r.status)
	}
	if r := f.call("admin", "DELETE", "/webhooks/{id}", path, ""); r.status != 204 {
		t.Fatalf("remove: %d %s", r.status, r.body)
	}
	if r := f.call("admin", "DELETE", "/webhooks/{id}", path, ""); r.status != 404 {
		t.Errorf("remove again: %d %s", r.status, r.body)
	}
}
