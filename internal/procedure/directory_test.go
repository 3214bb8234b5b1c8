package procedure

import (
	"context"
	"encoding/json"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
)

// versions is a store of directory versions for Live: the newest is
// current.
type versions struct{ docs []string }

func (v *versions) CurrentDirectory(_ context.Context, p int64) (lifeguard.DirectoryVersion, error) {
	if len(v.docs) == 0 {
		return lifeguard.DirectoryVersion{PartnershipID: p}, nil
	}
	return lifeguard.DirectoryVersion{PartnershipID: p, Version: len(v.docs), Document: v.docs[len(v.docs)-1]}, nil
}

func specScenarios(t *testing.T) []lifeguard.SpecScenario {
	t.Helper()
	s, err := lifeguard.SpecScenarios()
	if err != nil || len(s) != len(loadScenarios(t)) {
		t.Fatalf("embedded scenarios: %d, %v; the test data has %d", len(s), err, len(loadScenarios(t)))
	}
	return s
}

// TestDirectoryPreviewIsWhatApplies: a version saved from the pages (close
// of business, early-help timescale, a route's contact) changes the triage
// of a new concern in exactly the routes and deadlines the preview showed,
// scenario by scenario, and the triage records the version.
func TestDirectoryPreviewIsWhatApplies(t *testing.T) {
	base := mustBaseline(t)
	scenarios := specScenarios(t)
	doc, err := EditDirectory(nil, 1, DirectoryEdit{Name: "Riverside Safeguarding Children Partnership", Close: "15:00",
		EarlyHelpDays: 10, Routes: map[lifeguard.RouteCode]RouteText{
			"CSC_REFERRAL": {Contact: "Riverside Front Door, 0100 000 0000 (out of hours 0100 000 0001)"}}})
	if err != nil {
		t.Fatal(err)
	}
	after, err := LoadDirectory(1, doc)
	if err != nil {
		t.Fatalf("the file the pages write does not load: %v\n%s", err, doc)
	}
	changes, err := Preview(t.Context(), base, after, scenarios)
	if err != nil {
		t.Fatal(err)
	}
	shown := map[string][]lifeguard.RouteCode{}
	for _, c := range changes {
		for _, r := range c.Routes {
			shown[c.ID] = append(shown[c.ID], r.Code)
		}
	}
	var sawContact, sawDue bool
	for _, c := range changes {
		for _, r := range c.Routes {
			for _, w := range r.What {
				sawContact = sawContact || strings.HasPrefix(w, "contact ") && r.Code == "CSC_REFERRAL"
				sawDue = sawDue || strings.HasPrefix(w, "due ")
			}
		}
	}
	if !sawContact || !sawDue {
		t.Fatalf("the preview shows no contact change (%v) or no deadline change (%v): %+v", sawContact, sawDue, changes)
	}

	// The version saved, a new concern of each scenario is triaged by Live
	// as a server would: it must differ from the baseline's triage in
	// exactly the routes shown, and record the version.
	store := &versions{}
	live := &Live{Base: base, Store: store}
	ctx := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: 7, OrganisationID: 3, PartnershipID: 2, Role: lifeguard.RoleStaff})
	store.docs = append(store.docs, string(doc))
	for _, s := range scenarios {
		if s.Invalid {
			continue
		}
		f, err := factsjson.DecodeFacts(s.Concern, factsjson.DecodeOptions{})
		if err != nil {
			t.Fatal(err)
		}
		before, err := base.Triage(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := live.Triage(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if want := "England baseline " + base.Ref().Version + " + Riverside Safeguarding Children Partnership directory v1"; got.Procedure.Name != want {
			t.Errorf("%s: procedure %q, want %q", s.ID, got.Procedure.Name, want)
		}
		var differ []lifeguard.RouteCode
		for _, code := range routeCodes(before, got) {
			if !reflect.DeepEqual(before.Route(code), got.Route(code)) {
				differ = append(differ, code)
			}
		}
		if !slices.Equal(differ, shown[s.ID]) {
			t.Errorf("%s: the triage changed %v, the preview showed %v", s.ID, differ, shown[s.ID])
		}
	}

	// A concern triaged without an actor (the demo's seed, a command) is
	// the base procedure's.
	if p, err := live.For(t.Context()); err != nil || p != base {
		t.Errorf("For without an actor = %v, %v; want the base", p, err)
	}
}

// routeCodes lists the codes of both triages, each once, in the order
// compareRoutes reads them.
func routeCodes(a, b *lifeguard.Triage) []lifeguard.RouteCode {
	var out []lifeguard.RouteCode
	for _, t := range []*lifeguard.Triage{a, b} {
		for _, r := range t.Routes {
			if !slices.Contains(out, r.Code) {
				out = append(out, r.Code)
			}
		}
	}
	return out
}

// TestLiveFollowsTheStore: a version saved after a server started applies
// to its next triage, with no restart and no copy kept past a change.
func TestLiveFollowsTheStore(t *testing.T) {
	store := &versions{}
	live := &Live{Base: mustBaseline(t), Store: store}
	ctx := lifeguard.WithActor(t.Context(), &lifeguard.Actor{UserID: 7, OrganisationID: 3, PartnershipID: 2, Role: lifeguard.RoleStaff})
	p, err := live.For(ctx)
	if err != nil || p != live.Base {
		t.Fatalf("with no version: %v, %v", p, err)
	}
	for n, close := range []string{"16:00", "15:30"} {
		doc, err := EditDirectory(nil, n+1, DirectoryEdit{Name: "Riverside", Close: close})
		if err != nil {
			t.Fatal(err)
		}
		store.docs = append(store.docs, string(doc))
		p, err := live.For(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := p.Ref().Version, live.Base.Ref().Version+"+directory."+string(rune('1'+n)); got != want {
			t.Errorf("version %q, want %q", got, want)
		}
		if got := p.doc.WorkingDay.Close; got != close {
			t.Errorf("close %q, want %q", got, close)
		}
	}
	store.docs = append(store.docs, "name: Riverside\nversion: x\nworking_day:\n  close: teatime\n")
	if _, err := live.For(ctx); err == nil || !strings.Contains(err.Error(), "directory version 3") {
		t.Errorf("a version that no longer loads: %v", err)
	}
}

// TestDirectoryEditKeepsTheRest: editing the fields of the pages keeps what
// the pages do not show (rules, overrides, holidays, guidance): the example
// local file, edited with its own values, triages every scenario as before.
func TestDirectoryEditKeepsTheRest(t *testing.T) {
	example, err := os.ReadFile("../../docs/examples/local-procedure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	before, err := Load("example", example)
	if err != nil {
		t.Fatal(err)
	}
	fields, err := before.DirectoryFields(example)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := EditDirectory(example, 4, fields)
	if err != nil {
		t.Fatal(err)
	}
	after, err := LoadDirectory(4, doc)
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	changes, err := Preview(t.Context(), before, after, specScenarios(t))
	if err != nil || len(changes) != 0 {
		js, _ := json.Marshal(changes)
		t.Fatalf("an edit that changes nothing changed %s (%v)", js, err)
	}
	if !slices.Equal(before.Local().Changes, after.Local().Changes) {
		t.Errorf("changes from the baseline %v, were %v", after.Local().Changes, before.Local().Changes)
	}
}

// TestDirectoryLoadErrorsNameLineAndField: a file loaded as a version is
// refused with the line and the field of each problem.
func TestDirectoryLoadErrorsNameLineAndField(t *testing.T) {
	_, err := LoadDirectory(2, []byte("name: Riverside\nversion: x\nworking_day:\n  close: teatime\nearly_help_days: 99\n"))
	le, ok := err.(*LoadError)
	if !ok || len(le.Problems) < 2 {
		t.Fatalf("err = %v", err)
	}
	text := le.Error()
	for _, want := range []string{"directory v2:3: working_day.close", "directory v2:5: early_help_days"} {
		if !strings.Contains(text, want) {
			t.Errorf("%q lacks %q", text, want)
		}
	}
}
