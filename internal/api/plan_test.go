package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// TestPlanChanges: the partnership officer creates and changes objectives
// and actions through the API, by the pages' store calls, and records,
// escalates and resolves a barrier, which the owning organisation reads;
// each refusal names its field or answers 403/404/409; on both engines.
func TestPlanChanges(t *testing.T) {
	for _, eng := range engines() {
		t.Run(eng.name, func(t *testing.T) { testPlanChanges(t, eng.new(t)) })
	}
}

func testPlanChanges(t *testing.T, f *fixture) {
	const obj = `{"strand":"prevention","title":"Teach online safety in every year","description":"Across the partnership."}`
	if r := f.call("dsl", "POST", "/plan/objectives", "/plan/objectives", obj); r.status != http.StatusForbidden {
		t.Errorf("a lead creates an objective: %d", r.status)
	}
	r := f.call("partnership", "POST", "/plan/objectives", "/plan/objectives", `{"strand":"nope","title":""}`)
	wantAPIProblem(t, r, "strand")
	wantAPIProblem(t, r, "title")
	r = f.call("partnership", "POST", "/plan/objectives", "/plan/objectives", obj)
	if r.status != http.StatusCreated {
		t.Fatalf("create objective: %d %s", r.status, r.body)
	}
	var o lifeguard.Objective
	r.decode(t, &o)
	op := fmt.Sprintf("/plan/objectives/%d", o.ID)
	r = f.call("partnership", "PUT", "/plan/objectives/{id}", op, `{"strand":"protection","title":"Filtering in every setting"}`)
	if r.status != http.StatusOK {
		t.Fatalf("update objective: %d %s", r.status, r.body)
	}
	if r := f.call("partnership", "GET", "/plan/objectives/{id}", op, ""); r.status != 200 {
		t.Fatalf("read objective: %d", r.status)
	} else if r.decode(t, &o); o.Strand != lifeguard.StrandProtection || o.Title != "Filtering in every setting" {
		t.Errorf("objective after the change: %+v", o)
	}

	ap := op + "/actions"
	good := fmt.Sprintf(`{"title":"Check the filter","owner_organisation_id":%d,"due":"2099-03-31","rag":"green"}`, f.orgA.ID)
	for _, bad := range []struct{ body, path string }{
		{fmt.Sprintf(`{"title":"x","owner_organisation_id":%d,"due":"2099-02-30","rag":"green"}`, f.orgA.ID), "due"},
		{fmt.Sprintf(`{"title":"x","owner_organisation_id":%d,"rag":"green"}`, f.orgA.ID), "due"},
		{`{"title":"x","due":"2099-03-31","rag":"green"}`, "owner_organisation_id"},
		{fmt.Sprintf(`{"title":"x","owner_organisation_id":%d,"due":"2099-03-31","rag":"purple"}`, f.orgA.ID), "rag"},
		{fmt.Sprintf(`{"title":"","owner_organisation_id":%d,"due":"2099-03-31","rag":"green"}`, f.orgA.ID), "title"},
		{fmt.Sprintf(`{"title":"x","owner_organisation_id":%d,"due":"2099-03-31","rag":"green","colour":"red"}`, f.orgA.ID), "colour"},
	} {
		wantAPIProblem(t, f.call("partnership", "POST", "/plan/objectives/{id}/actions", ap, bad.body), bad.path)
	}
	if r := f.call("dsl", "POST", "/plan/objectives/{id}/actions", ap, good); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Errorf("a lead adds an action: %d", r.status)
	}
	r = f.call("partnership", "POST", "/plan/objectives/{id}/actions", ap, good)
	if r.status != http.StatusCreated {
		t.Fatalf("create action: %d %s", r.status, r.body)
	}
	var x lifeguard.PlanAction
	r.decode(t, &x)
	xp := fmt.Sprintf("/plan/actions/%d", x.ID)
	changed := fmt.Sprintf(`{"title":"Check the filter twice","owner_organisation_id":%d,"due":"2099-04-30","rag":"amber"}`, f.orgA.ID)
	if r := f.call("partnership", "PUT", "/plan/actions/{id}", xp, changed); r.status != 200 {
		t.Fatalf("update action: %d %s", r.status, r.body)
	} else if r.decode(t, &x); x.RAG != lifeguard.RAGAmber || x.Due.String() != "2099-04-30" {
		t.Errorf("action after the change: %+v", x)
	}
	if r := f.call("dsl", "PUT", "/plan/actions/{id}", xp, changed); r.status != http.StatusForbidden && r.status != http.StatusNotFound {
		t.Errorf("a lead changes the action: %d", r.status)
	}

	// A barrier, escalated and resolved: the officer's, as on the pages.
	wantAPIProblem(t, f.call("partnership", "POST", "/plan/actions/{id}/barriers", xp+"/barriers", `{"text":" "}`), "text")
	if r := f.call("dsl", "POST", "/plan/actions/{id}/barriers", xp+"/barriers", `{"text":"No time."}`); r.status != http.StatusForbidden {
		t.Errorf("the owning organisation's lead records a barrier: %d", r.status)
	}
	r = f.call("partnership", "POST", "/plan/actions/{id}/barriers", xp+"/barriers", `{"text":"No time in the timetable."}`)
	if r.status != http.StatusCreated {
		t.Fatalf("barrier: %d %s", r.status, r.body)
	}
	var b lifeguard.Barrier
	r.decode(t, &b)
	bp := fmt.Sprintf("/plan/barriers/%d", b.ID)
	if r := f.call("partnership", "POST", "/plan/barriers/{id}/escalate", bp+"/escalate", ""); r.status != 200 {
		t.Fatalf("escalate: %d %s", r.status, r.body)
	}
	if r := f.call("partnership", "POST", "/plan/barriers/{id}/escalate", bp+"/escalate", ""); r.status != http.StatusConflict {
		t.Errorf("escalate twice: %d", r.status)
	}
	wantAPIProblem(t, f.call("partnership", "POST", "/plan/barriers/{id}/resolve", bp+"/resolve", `{"resolution":""}`), "resolution")
	if r := f.call("partnership", "POST", "/plan/barriers/{id}/resolve", bp+"/resolve", `{"resolution":"Moved to the spring term."}`); r.status != 200 {
		t.Fatalf("resolve: %d %s", r.status, r.body)
	}
	var got lifeguard.PlanAction
	f.call("dsl", "GET", "/plan/actions/{id}", xp, "").decode(t, &got)
	if len(got.Barriers) != 1 || got.Barriers[0].Status != lifeguard.BarrierResolved || got.Title != "Check the filter twice" {
		t.Errorf("the action as its organisation reads it: %+v", got)
	}
}
