package procedure

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

func TestBaselineHasEveryRouteAndRule(t *testing.T) {
	p := mustBaseline(t)
	// The route and rule codes of procedure.md are stable identifiers; this
	// list is copied from it and must never lose an entry.
	routes := []lifeguard.RouteCode{"EMERGENCY_999", "CSC_REFERRAL", "CSC_CONSULT", "POLICE_101", "CEOP_REPORT",
		"IWF_REPORT", "REPORT_REMOVE", "PLATFORM_REPORT", "REPORT_HARMFUL_CONTENT", "TERRORISM_REPORT",
		"PREVENT_REFERRAL", "EARLY_HELP", "LADO_REFERRAL", "STAFF_CONDUCT_REVIEW", "SOCIAL_WORKER_INFORM",
		"INFORM_PARENTS", "DSL_REVIEW", "NUDES_INITIAL_REVIEW", "DO_NOT_VIEW_IMAGES", "PRESERVE_EVIDENCE",
		"PASTORAL_SUPPORT", "MENTAL_HEALTH_SUPPORT", "ANTI_BULLYING_PROCEDURE", "REPORT_FRAUD", "CYBER_CHOICES",
		"FILTERING_REVIEW", "PROFESSIONALS_HELPLINE", "NOTIFY_OTHER_SETTINGS"}
	if len(p.routes) != len(routes) {
		t.Errorf("the baseline has %d routes, procedure.md %d", len(p.routes), len(routes))
	}
	for i, code := range routes {
		if i < len(p.routes) && p.routes[i].code != code {
			t.Errorf("route %d is %s, procedure.md has %s there (the table's order breaks ties)", i, p.routes[i].code, code)
		}
	}
	defaults := map[lifeguard.RouteCode]string{"EMERGENCY_999": "immediate", "CSC_CONSULT": "same_working_day",
		"PREVENT_REFERRAL": "working_days 1", "EARLY_HELP": "working_days 5", "LADO_REFERRAL": "working_days 1",
		"REPORT_HARMFUL_CONTENT": "advice", "REPORT_REMOVE": "as_soon_as_possible", "DO_NOT_VIEW_IMAGES": "immediate"}
	for code, want := range defaults {
		d := p.routes[p.routeIndex[code]]
		got := string(d.urgency)
		if d.days > 0 {
			got += " " + string(rune('0'+d.days))
		}
		if got != want {
			t.Errorf("%s urgency %q, want %q", code, got, want)
		}
	}
	rules := []string{"ALWAYS", "DANGER", "SIGNIFICANT_HARM", "THRESHOLD_UNSURE", "EARLY_HELP", "ALLOCATED_WORKER",
		"IMAGES", "EVIDENCE", "ADULT_SEXUAL", "MEETING", "NUDES_REFER", "NUDES_REVIEW", "NUDES_MALICIOUS",
		"NUDES_ONLINE", "ABUSE_IMAGERY", "SEXTORTION", "BULLYING", "CRIMINAL_THREAT", "EXTREMIST_CONTENT",
		"RADICALISATION", "SELF_HARM", "CRIMINAL_EXPLOITATION", "DRUGS", "GAMBLING", "FRAUD_VICTIM",
		"CYBER_OFFENDING", "PRIVACY", "INAPPROPRIATE_ACCESS", "CHILD_HARMS_CHILD", "STAFF_HARM_TEST",
		"STAFF_CONDUCT", "PROFESSIONAL_TARGETED", "OTHER_SETTINGS", "NO_PARENTS_IF_RISK", "INTERNAL_NUDES",
		"HARASSMENT_VICTIM", "RISK_TO_LIFE", "STAFF_CHILD_WELFARE"}
	for _, id := range rules {
		if p.rule(id) == nil {
			t.Errorf("baseline rule %s is missing", id)
		}
	}
	for _, r := range p.doc.Rules {
		if r.Reason == "" || r.Source == "" || r.When == "" {
			t.Errorf("rule %s lacks a condition, reason or source", r.ID)
		}
	}
	if p.Ref() != (lifeguard.ProcedureRef{Name: "England baseline", Version: "2026.2"}) {
		t.Errorf("ref = %+v", p.Ref())
	}
}

func loadLocal(t *testing.T, yaml string) (*Procedure, error) {
	t.Helper()
	return Load("local.yaml", []byte(yaml))
}

func TestLocalFile(t *testing.T) {
	data, err := os.ReadFile("../../docs/examples/local-procedure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Load("riverside.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	ref := p.Ref()
	if !strings.Contains(ref.Name, "Riverside") || !strings.Contains(ref.Name, "England baseline") || ref.Version != "2026.2+2026-03" {
		t.Errorf("ref = %+v: the result must name the local procedure, the baseline and both versions", ref)
	}
	t.Run("contacts and titles", func(t *testing.T) {
		tr, err := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["other"],"risk":{"significant_harm":"yes"}}`))
		if err != nil {
			t.Fatal(err)
		}
		r := tr.Route("CSC_REFERRAL")
		if r.Title != "Refer to the Riverside Front Door" || r.Contact == nil || !strings.Contains(*r.Contact, "0100 000 0000") {
			t.Errorf("CSC_REFERRAL = %+v", r)
		}
		if tr.Guidance[len(tr.Guidance)-1] != "Riverside staff can ask the Front Door for advice at any time on 0100 000 0000." {
			t.Errorf("local guidance missing: %q", tr.Guidance)
		}
	})
	t.Run("close of business", func(t *testing.T) {
		tr, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["other"]}`))
		if got := tr.Route("DSL_REVIEW").Due.Format(time.RFC3339); got != "2026-11-18T16:30:00Z" {
			t.Errorf("DSL_REVIEW due %s, want 16:30", got)
		}
		// 16:45 is after Riverside's close, so the review is due next day.
		f := mustFacts(t, `{"concern_types":["other"],"reported_at":"2026-11-18T16:45:00Z"}`)
		tr, _ = p.Triage(t.Context(), f)
		if got := tr.Route("DSL_REVIEW").Due.Format(time.RFC3339); got != "2026-11-19T16:30:00Z" {
			t.Errorf("DSL_REVIEW due %s, want the next day at 16:30", got)
		}
	})
	t.Run("early help timescale and local holiday", func(t *testing.T) {
		// Monday 8 June 2026 + 10 working days, skipping the local holiday on
		// Monday 15 June, is Tuesday 23 June.
		tr, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["gambling"],"reported_at":"2026-06-08T09:00:00Z","risk":{"additional_needs":true,"significant_harm":"no"}}`))
		r := tr.Route("EARLY_HELP")
		if r == nil || r.Title != "Start a Family CAF" {
			t.Fatalf("EARLY_HELP = %+v", r)
		}
		if got := r.Due.Format(time.RFC3339); got != "2026-06-23T09:00:00Z" {
			t.Errorf("EARLY_HELP due %s, want 2026-06-23T09:00:00Z (10 working days, local holiday skipped)", got)
		}
	})
	t.Run("added rule", func(t *testing.T) {
		tr, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["gambling"],"details":{"repeated":true}}`))
		r := tr.Route("EARLY_HELP")
		if r == nil || !slices.Contains(r.Rules, "RIVERSIDE_GAMBLING_HARM") {
			t.Errorf("local rule did not add EARLY_HELP: %+v", r)
		}
	})
	t.Run("override explanation", func(t *testing.T) {
		tr, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["other"],"risk":{"significant_harm":"unsure"}}`))
		if why := tr.Route("CSC_CONSULT").Why; len(why) != 1 || !strings.Contains(why[0], "Front Door will help decide") {
			t.Errorf("CSC_CONSULT why = %q", why)
		}
		if l := p.Local(); len(l.Overrides) != 1 || l.Overrides[0].Rule != "THRESHOLD_UNSURE" || l.Overrides[0].Reason == "" {
			t.Errorf("overrides = %+v", l.Overrides)
		}
	})
}

func TestOverrides(t *testing.T) {
	t.Run("disable with a reason", func(t *testing.T) {
		p, err := loadLocal(t, `
name: X
version: "1"
overrides:
  - id: GAMBLING
    disabled: true
    reason: Gambling concerns go through our youth service instead.
`)
		if err != nil {
			t.Fatal(err)
		}
		tr, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["gambling"]}`))
		if tr.HasRoute("PASTORAL_SUPPORT") {
			t.Error("GAMBLING still fired after being switched off")
		}
		if !strings.Contains(strings.Join(p.Local().Changes, "\n"), "GAMBLING switched off; reason: Gambling concerns") {
			t.Errorf("changes = %q", p.Local().Changes)
		}
	})
	t.Run("new condition", func(t *testing.T) {
		p, err := loadLocal(t, `
name: X
version: "1"
overrides:
  - id: EARLY_HELP
    reason: We offer early help whenever there are additional needs and no emergency.
    when: risk.additional_needs && !("EMERGENCY_999" in routes)
`)
		if err != nil {
			t.Fatal(err)
		}
		tr, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["gambling"],"risk":{"additional_needs":true}}`))
		if !tr.HasRoute("EARLY_HELP") {
			t.Error("overridden EARLY_HELP did not fire")
		}
	})
}

// TestNowWindow: "now" lasts an hour unless a local file says otherwise,
// and every triage carries the window of the procedure that made it.
func TestNowWindow(t *testing.T) {
	f := &lifeguard.Facts{ReportedAt: time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC), Setting: "school",
		ConcernTypes: []lifeguard.ConcernType{"grooming"}, Child: &lifeguard.ChildFacts{Age: new(14)}, ChildRole: "victim",
		Parties: lifeguard.Parties{AdultInvolved: true}}
	for _, c := range []struct {
		name, yaml string
		want       time.Duration
	}{
		{"baseline", "", time.Hour},
		{"local file says nothing", "name: X\nversion: \"1\"\n", time.Hour},
		{"local file sets it", "name: X\nversion: \"1\"\nnow_window: 30m\n", 30 * time.Minute},
		{"hours and minutes", "name: X\nversion: \"1\"\nnow_window: 1h30m\n", 90 * time.Minute},
	} {
		t.Run(c.name, func(t *testing.T) {
			var p *Procedure
			var err error
			if c.yaml == "" {
				p, err = Load("", nil)
			} else {
				p, err = loadLocal(t, c.yaml)
			}
			if err != nil {
				t.Fatal(err)
			}
			if p.NowWindow() != c.want {
				t.Errorf("now window %v, want %v", p.NowWindow(), c.want)
			}
			tr, err := p.Triage(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			if tr.NowWindow != c.want {
				t.Errorf("the triage carries %v, want %v", tr.NowWindow, c.want)
			}
			out, err := p.YAML()
			if err != nil {
				t.Fatal(err)
			}
			if want := "now_window: " + windowText(c.want) + "\n"; !strings.Contains(string(out), want) {
				t.Errorf("procedure show lacks %q", want)
			}
		})
	}
	// The 2026.1 baseline had no setting: it judges with the default.
	old, err := os.ReadFile("testdata/baseline-2026.1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := load(old, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.NowWindow() != lifeguard.DefaultNowWindow {
		t.Errorf("2026.1 now window %v", p.NowWindow())
	}
	if got := ShowWindow(90 * time.Minute); got != "1 hour 30 minutes" {
		t.Errorf("ShowWindow(90m) = %q", got)
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		want []string // each must appear in the error, in order of lines
	}{
		{"override without a reason", "name: X\nversion: \"1\"\noverrides:\n  - id: EARLY_HELP\n    when: \"true\"\n",
			[]string{"local.yaml:4: rule EARLY_HELP: an override needs a reason"}},
		{"override of no rule", "name: X\nversion: \"1\"\noverrides:\n  - id: NOPE\n    reason: r\n    when: \"true\"\n",
			[]string{"local.yaml:4: rule NOPE: there is no baseline rule"}},
		{"override that changes nothing", "name: X\nversion: \"1\"\noverrides:\n  - id: GAMBLING\n    reason: r\n",
			[]string{"rule GAMBLING: this override changes nothing"}},
		{"bad condition names rule and line", "name: X\nversion: \"1\"\nrules:\n  - id: A\n    when: risk.imediate_danger\n    routes: [EMERGENCY_999]\n    reason: r\n    source: s\n",
			[]string{"local.yaml:4: rule A: when: undeclared reference to 'risk.imediate_danger'"}},
		{"condition of the wrong type", "name: X\nversion: \"1\"\nrules:\n  - id: A\n    when: child.age\n    routes: [EMERGENCY_999]\n    reason: r\n    source: s\n",
			[]string{"rule A: when: the condition gives a value of type int"}},
		{"unknown key", "name: X\nversion: \"1\"\nrules:\n  - id: A\n    whne: \"true\"\n",
			[]string{"local.yaml:5: \"whne\" is not a known key"}},
		{"unknown top-level key", "name: X\nversion: \"1\"\nclose: \"16:00\"\n",
			[]string{"local.yaml:3: \"close\" is not a known key"}},
		{"unknown route", "name: X\nversion: \"1\"\nrules:\n  - id: A\n    when: \"true\"\n    routes: [CALL_MUM]\n    reason: r\n    source: s\n",
			[]string{"rule A: routes: \"CALL_MUM\" is not a route code"}},
		{"redefining a baseline rule", "name: X\nversion: \"1\"\nrules:\n  - id: GAMBLING\n    when: \"true\"\n    routes: [DSL_REVIEW]\n    reason: r\n    source: s\n",
			[]string{"rule GAMBLING: a rule with this id already exists; to change a baseline rule, use overrides"}},
		{"missing name and version", "rules: []\n", []string{"name is required", "version is required"}},
		{"bad close", "name: X\nversion: \"1\"\nworking_day:\n  close: \"25:00\"\n", []string{"local.yaml:3: working_day.close"}},
		{"bad time zone", "name: X\nversion: \"1\"\ntime_zone: Mars/Olympus\n", []string{"local.yaml:3: time_zone \"Mars/Olympus\""}},
		{"bad early help", "name: X\nversion: \"1\"\nearly_help_days: 0.5\n", []string{"local.yaml:3"}},
		{"early help out of range", "name: X\nversion: \"1\"\nearly_help_days: 90\n", []string{"early_help_days must be"}},
		{"now window not a duration", "name: X\nversion: \"1\"\nnow_window: an hour\n",
			[]string{"local.yaml:3: now_window: \"an hour\" is not a length of time"}},
		{"now window too short", "name: X\nversion: \"1\"\nnow_window: 10s\n", []string{"local.yaml:3: now_window: \"10s\" must be from 1 minute to 24 hours"}},
		{"now window too long", "name: X\nversion: \"1\"\nnow_window: 48h\n", []string{"local.yaml:3: now_window: \"48h\" must be from"}},
		{"now window negative", "name: X\nversion: \"1\"\nnow_window: -1h\n", []string{"now_window: \"-1h\" must be from"}},
		{"bad holiday", "name: X\nversion: \"1\"\nholidays:\n  - {date: 2026-02-30, name: x}\n", []string{"local.yaml:4: holidays"}},
		{"not YAML", "name: [\n", []string{"local.yaml"}},
		{"not a mapping", "- a\n- b\n", []string{"a procedure file is a mapping"}},
		{"two documents", "name: X\nversion: \"1\"\n---\nname: Y\n", []string{"one YAML document"}},
		{"every problem at once", "name: X\nversion: \"1\"\noverrides:\n  - id: EARLY_HELP\n    when: \"true\"\nrules:\n  - id: B\n    when: nope\n    routes: [DSL_REVIEW]\n    reason: r\n    source: s\n",
			[]string{"local.yaml:4: rule EARLY_HELP", "local.yaml:7: rule B"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := loadLocal(t, c.yaml)
			if err == nil {
				t.Fatal("loaded without error")
			}
			if _, ok := errors.AsType[*LoadError](err); !ok {
				t.Errorf("error is %T, want *LoadError", err)
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func FuzzLoad(f *testing.F) {
	seed, _ := os.ReadFile("../../docs/examples/local-procedure.yaml")
	f.Add(seed)
	f.Add([]byte("name: X\nversion: \"1\"\nrules:\n  - id: A\n    when: risk.immediate_danger\n    routes: [EMERGENCY_999]\n    reason: r\n    source: s\n"))
	f.Add([]byte("name: X\nversion: \"1\"\noverrides:\n  - id: EARLY_HELP\n    reason: r\n    disabled: true\n"))
	f.Add([]byte("name: &a X\nversion: *a\n"))
	f.Add([]byte("name: X\nversion: \"1\"\nbaseline_version: \"2026.1\"\noverrides:\n  - id: SELF_HARM\n    reason: r\n    disabled: true\n"))
	f.Add([]byte("routes: {CSC_REFERRAL: {contact: x}}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Load("fuzz.yaml", data)
		if err != nil {
			if _, ok := errors.AsType[*LoadError](err); !ok {
				t.Fatalf("error %T is not a *LoadError: %v", err, err)
			}
			return
		}
		// A procedure that loads must triage without error.
		f := &lifeguard.Facts{ReportedAt: time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC), Setting: "school",
			ConcernTypes: []lifeguard.ConcernType{"nudes_sharing"}, Child: &lifeguard.ChildFacts{Age: new(14)}}
		if _, err := p.Triage(t.Context(), f); err != nil {
			t.Fatalf("a loaded procedure failed to triage: %v", err)
		}
	})
}
