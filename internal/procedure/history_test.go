package procedure

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
)

// baseline20261 is the England baseline 2026.1 exactly as it shipped, kept so
// that tests can compare the versions.
func baseline20261(t *testing.T) ([]byte, *Procedure) {
	t.Helper()
	data, err := os.ReadFile("testdata/baseline-2026.1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := load(data, "", nil)
	if err != nil {
		t.Fatalf("load 2026.1: %v", err)
	}
	if p.Ref().Version != "2026.1" {
		t.Fatalf("testdata/baseline-2026.1.yaml is version %s", p.Ref().Version)
	}
	return data, p
}

// TestBaselineHistory checks the history procedure check relies on against
// the rules themselves: every rule that differs from 2026.1 is listed under
// 2026.2, as added exactly when 2026.1 did not have it, and nothing else is.
func TestBaselineHistory(t *testing.T) {
	_, old := baseline20261(t)
	cur := mustBaseline(t)
	h := cur.doc.History
	if len(h) < 2 || h[0].Version != "2026.1" || h[len(h)-1].Version != cur.Ref().Version {
		t.Fatalf("history %+v must run from 2026.1 to %s", h, cur.Ref().Version)
	}
	listed := map[string]ruleChangeDoc{}
	for _, c := range h[len(h)-1].Rules {
		if strings.TrimSpace(c.Change) == "" {
			t.Errorf("history entry for %s says nothing about the change", c.ID)
		}
		listed[c.ID] = c
	}
	for _, r := range cur.doc.Rules {
		i := slices.IndexFunc(old.doc.Rules, func(o ruleDoc) bool { return o.ID == r.ID })
		c, ok := listed[r.ID]
		switch {
		case i < 0 && (!ok || !c.Added):
			t.Errorf("rule %s is new in 2026.2 but the history does not list it as added", r.ID)
		case i >= 0 && !reflect.DeepEqual(old.doc.Rules[i], r) && (!ok || c.Added):
			t.Errorf("rule %s changed in 2026.2 but the history does not list it as changed", r.ID)
		case i >= 0 && reflect.DeepEqual(old.doc.Rules[i], r) && ok:
			t.Errorf("the history lists %s as changed in 2026.2, but it is the same as in 2026.1", r.ID)
		}
	}
	for _, o := range old.doc.Rules {
		if cur.rule(o.ID) == nil {
			t.Errorf("rule %s of 2026.1 is gone; baseline rule ids are stable", o.ID)
		}
	}
	if err := checkBaselineHistory([]historyDoc{{Version: "2026.1"}}, "2026.2"); err == "" {
		t.Error("a history that does not reach the baseline's version was accepted")
	}
}

func checkBaselineHistory(h []historyDoc, version string) string {
	m := &merge{errs: &LoadError{}}
	m.checkHistory(&baselineDoc{Version: version, History: h})
	if err := m.errs.err(); err != nil {
		return err.Error()
	}
	return ""
}

// TestChangesIn2026_2 runs the five published cases that changed the
// baseline through both versions: 2026.1 missed what the sources say was
// needed, and 2026.2 gives it.
func TestChangesIn2026_2(t *testing.T) {
	_, old := baseline20261(t)
	cur := mustBaseline(t)
	cases := []struct {
		name  string
		facts string
		added []lifeguard.RouteCode
	}{
		{"self-harm content read on a school device whose filter had failed",
			`{"concern_types":["self_harm"],"details":{"on_organisation_network":true}}`,
			[]lifeguard.RouteCode{"FILTERING_REVIEW", "REPORT_HARMFUL_CONTENT"}},
		{"a girl sexually harassed online by other pupils",
			`{"concern_types":["sexual_harassment"],"parties":{"peer_involved":true}}`,
			[]lifeguard.RouteCode{"PASTORAL_SUPPORT", "INFORM_PARENTS"}},
		{"a 9-year-old groomed by an unknown contact into sexual acts on webcam",
			`{"concern_types":["live_streaming"],"child":{"age":9},"parties":{"unknown_involved":true},"images":{"involved":true,"sexual_acts":true}}`,
			[]lifeguard.RouteCode{"CEOP_REPORT", "CSC_REFERRAL", "POLICE_101", "PRESERVE_EVIDENCE"}},
		{"a 12-year-old coerced into sending images by an online group",
			`{"concern_types":["nudes_sharing"],"child":{"age":12},"parties":{"unknown_involved":true},"images":{"involved":true,"self_generated":true},"details":{"coercion":true}}`,
			[]lifeguard.RouteCode{"CEOP_REPORT", "PRESERVE_EVIDENCE"}},
		{"a teacher messaging a pupil privately",
			`{"concern_types":["staff_conduct"],"child":{"age":15},"staff":{"private_contact":true}}`,
			[]lifeguard.RouteCode{"PASTORAL_SUPPORT", "INFORM_PARENTS", "CSC_CONSULT"}},
		{"a risk to life",
			`{"concern_types":["other"],"risk":{"risk_to_life":true}}`,
			[]lifeguard.RouteCode{"MENTAL_HEALTH_SUPPORT"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := mustFacts(t, c.facts)
			before, err := old.Triage(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			after, err := cur.Triage(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range c.added {
				if before.HasRoute(code) {
					t.Errorf("2026.1 already gave %s; the case does not show the change", code)
				}
				if !after.HasRoute(code) {
					t.Errorf("2026.2 does not give %s", code)
				}
			}
			// 2026.2 only adds: nothing 2026.1 gave is lost.
			for _, r := range before.Routes {
				if !after.HasRoute(r.Code) {
					t.Errorf("2026.2 lost %s", r.Code)
				}
			}
		})
	}
}

// riverside20261 is a local file written for 2026.1 that overrides rules
// 2026.2 changed (SELF_HARM, EVIDENCE switched off) and one it did not.
const riverside20261 = `
name: Riverside
version: "2026-01"
overrides:
  - id: SELF_HARM
    reason: Our school nurses lead on self-harm, so we route it to them.
    routes: [MENTAL_HEALTH_SUPPORT, INFORM_PARENTS]
  - id: EVIDENCE
    reason: Our own evidence rule below replaces it.
    disabled: true
  - id: GAMBLING
    reason: Gambling goes to the youth service.
    explanation: The youth service supports children who gamble.
rules:
  - id: RIVERSIDE_EVIDENCE
    when: '"grooming" in types'
    routes: [PRESERVE_EVIDENCE]
    reason: Keep the messages.
    source: Riverside board, 2026
`

func TestLocalFileWrittenForAnEarlierBaseline(t *testing.T) {
	t.Run("still loads, and lists the overrides to review", func(t *testing.T) {
		p, err := loadLocal(t, riverside20261)
		if err != nil {
			t.Fatalf("a 2026.1 local file no longer loads: %v", err)
		}
		l := p.Local()
		if l.WrittenFor != "" {
			t.Errorf("WrittenFor = %q", l.WrittenFor)
		}
		var got []string
		for _, r := range l.Review {
			got = append(got, r.Rule+" "+r.Version)
			if r.Change == "" || r.Reason == "" {
				t.Errorf("review %+v lacks the change or the partnership's reason", r)
			}
		}
		if want := []string{"EVIDENCE 2026.2", "SELF_HARM 2026.2"}; !slices.Equal(got, want) {
			t.Errorf("reviews %v, want %v (GAMBLING did not change)", got, want)
		}
		if !l.Review[0].Disabled {
			t.Error("the switched-off EVIDENCE is not marked as switched off")
		}
		// The override still stands: the partnership's decision is kept
		// until it reviews it.
		tr, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["self_harm"]}`))
		if tr.HasRoute("PLATFORM_REPORT") {
			t.Error("the local override of SELF_HARM was not applied")
		}
	})
	t.Run("written for 2026.1 says so", func(t *testing.T) {
		p, err := loadLocal(t, "baseline_version: \"2026.1\""+riverside20261)
		if err != nil {
			t.Fatal(err)
		}
		if p.Local().WrittenFor != "2026.1" || len(p.Local().Review) != 2 {
			t.Errorf("local = %+v", p.Local())
		}
	})
	t.Run("reviewed for 2026.2", func(t *testing.T) {
		p, err := loadLocal(t, "baseline_version: \"2026.2\""+riverside20261)
		if err != nil {
			t.Fatal(err)
		}
		if r := p.Local().Review; len(r) != 0 {
			t.Errorf("a file written for 2026.2 still has reviews: %+v", r)
		}
	})
	t.Run("an unknown baseline version", func(t *testing.T) {
		_, err := loadLocal(t, "baseline_version: \"2027.1\""+riverside20261)
		if err == nil || !strings.Contains(err.Error(), `local.yaml:1: baseline_version "2027.1" is not a version of the England baseline that this Lifeguard knows (2026.1, 2026.2)`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("a local rule with the id of a new baseline rule", func(t *testing.T) {
		_, err := loadLocal(t, riverside20261+`
  - id: RISK_TO_LIFE
    when: risk.risk_to_life
    routes: [MENTAL_HEALTH_SUPPORT]
    reason: r
    source: s
`)
		if err == nil || !strings.Contains(err.Error(), "rule RISK_TO_LIFE: the England baseline 2026.2 added a rule with this id; give the local rule another id") {
			t.Errorf("err = %v", err)
		}
	})
}
