package procedure

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
)

// mustFacts builds facts from a JSON fragment: the fields given are merged
// over a 14-year-old victim reported at a school on a Wednesday morning.
func mustFacts(t testing.TB, fragment string) *lifeguard.Facts {
	t.Helper()
	doc := map[string]any{
		"reported_at": "2026-11-18T10:00:00Z",
		"setting":     "school",
		"child":       map[string]any{"age": 14},
		"child_role":  "victim",
	}
	var extra map[string]any
	if err := json.Unmarshal([]byte(fragment), &extra); err != nil {
		t.Fatalf("bad test fragment %s: %v", fragment, err)
	}
	for k, v := range extra {
		if v == nil {
			delete(doc, k)
			continue
		}
		doc[k] = v
	}
	b, _ := json.Marshal(doc)
	f, err := factsjson.DecodeFacts(b, factsjson.DecodeOptions{})
	if err != nil {
		t.Fatalf("facts %s: %v", fragment, err)
	}
	return f
}

func mustBaseline(t testing.TB) *Procedure {
	t.Helper()
	p, err := Load("", nil)
	if err != nil {
		t.Fatalf("load baseline: %v", err)
	}
	return p
}

// ruleCases has, for every baseline rule, facts that make it fire and facts
// that do not. TestEveryRuleHasCases fails when a rule is added without them.
var ruleCases = map[string]struct {
	fires    []string
	notFires []string
}{
	"DANGER":           {[]string{`{"concern_types":["other"],"risk":{"immediate_danger":true}}`, `{"concern_types":["self_harm"],"risk":{"risk_to_life":true}}`}, []string{`{"concern_types":["other"]}`}},
	"ALWAYS":           {[]string{`{"concern_types":["other"]}`, `{"concern_types":["staff_conduct"],"child":null,"child_role":null}`}, nil},
	"SIGNIFICANT_HARM": {[]string{`{"concern_types":["other"],"risk":{"significant_harm":"yes"}}`}, []string{`{"concern_types":["other"],"risk":{"significant_harm":"unsure"}}`, `{"concern_types":["other"]}`}},
	"THRESHOLD_UNSURE": {[]string{`{"concern_types":["other"],"risk":{"significant_harm":"unsure"}}`}, []string{`{"concern_types":["other"],"risk":{"significant_harm":"no"}}`}},
	"EARLY_HELP":       {[]string{`{"concern_types":["gambling"],"risk":{"additional_needs":true,"significant_harm":"no"}}`}, []string{`{"concern_types":["gambling"],"risk":{"additional_needs":true,"significant_harm":"no","immediate_danger":true}}`, `{"concern_types":["gambling"],"risk":{"additional_needs":true,"significant_harm":"unsure"}}`, `{"concern_types":["gambling"],"risk":{"significant_harm":"no"}}`}},
	"ALLOCATED_WORKER": {[]string{`{"concern_types":["other"],"child":{"age":9,"vulnerabilities":["looked_after"]}}`, `{"concern_types":["other"],"child":{"age":9,"vulnerabilities":["send","child_protection_plan"]}}`}, []string{`{"concern_types":["other"],"child":{"age":9,"vulnerabilities":["care_leaver","send"]}}`}},
	"IMAGES":           {[]string{`{"concern_types":["sexual_harassment"],"images":{"involved":true}}`, `{"concern_types":["sextortion"]}`, `{"concern_types":["child_abuse_imagery"]}`}, []string{`{"concern_types":["sexual_harassment"]}`, `{"concern_types":["cyberbullying"],"images":{"involved":true}}`}},
	"EVIDENCE": {[]string{
		`{"concern_types":["hate"]}`,
		`{"concern_types":["professional_targeted"],"child":null,"child_role":null}`,
		// 2026.2: live streaming, coerced nudes, self-harm encouraged by another.
		`{"concern_types":["live_streaming"]}`,
		`{"concern_types":["nudes_sharing"],"details":{"coercion":true}}`,
		`{"concern_types":["self_harm"],"details":{"encouraged_by_other":true}}`,
	}, []string{
		`{"concern_types":["gambling"]}`,
		`{"concern_types":["pornography"]}`,
		`{"concern_types":["nudes_sharing"],"images":{"involved":true,"self_generated":true}}`,
		`{"concern_types":["self_harm"]}`,
		`{"concern_types":["sexual_harassment"],"details":{"coercion":true}}`,
	}},
	"ADULT_SEXUAL": {[]string{
		`{"concern_types":["grooming"]}`,
		`{"concern_types":["sexual_communication"]}`,
		`{"concern_types":["live_streaming"],"parties":{"adult_involved":true}}`,
		// 2026.2: an unknown contact and the child as victim.
		`{"concern_types":["live_streaming"],"parties":{"unknown_involved":true}}`,
		`{"concern_types":["child_abuse_imagery"],"parties":{"unknown_involved":true},"child_role":"both"}`,
		`{"concern_types":["nudes_sharing"],"parties":{"unknown_involved":true},"details":{"coercion":true}}`,
	}, []string{
		`{"concern_types":["live_streaming"],"parties":{"peer_involved":true}}`,
		`{"concern_types":["cyberbullying"],"parties":{"adult_involved":true}}`,
		`{"concern_types":["nudes_sharing"],"parties":{"unknown_involved":true}}`,
		`{"concern_types":["nudes_sharing"],"parties":{"peer_involved":true},"details":{"coercion":true}}`,
		`{"concern_types":["live_streaming"],"parties":{"unknown_involved":true},"child_role":"witness"}`,
		`{"concern_types":["child_abuse_imagery"],"parties":{"unknown_involved":true},"child_role":"perpetrator"}`,
		`{"concern_types":["sexual_harassment"],"parties":{"unknown_involved":true}}`,
	}},
	"MEETING": {[]string{`{"concern_types":["grooming"],"details":{"meeting_arranged":true},"parties":{"unknown_involved":true}}`, `{"concern_types":["other"],"details":{"meeting_arranged":true},"parties":{"adult_involved":true}}`}, []string{`{"concern_types":["other"],"details":{"meeting_arranged":true},"parties":{"peer_involved":true}}`}},
	"NUDES_REFER": {[]string{
		`{"concern_types":["nudes_sharing"],"parties":{"adult_involved":true}}`,
		`{"concern_types":["nudes_sharing"],"details":{"coercion":true}}`,
		`{"concern_types":["nudes_sharing"],"images":{"capacity_concern":true}}`,
		`{"concern_types":["nudes_sharing"],"child":{"age":15,"vulnerabilities":["send"]}}`,
		`{"concern_types":["nudes_sharing"],"images":{"involved":true,"atypical_or_violent":true}}`,
		`{"concern_types":["nudes_sharing"],"child":{"age":12},"images":{"involved":true,"sexual_acts":true}}`,
		`{"concern_types":["nudes_sharing"],"images":{"involved":true,"sexual_acts":true,"under_13_depicted":true}}`,
		`{"concern_types":["nudes_sharing"],"risk":{"risk_to_life":true}}`,
		// 2026.2: a live stream with images, and abuse imagery of a known child.
		`{"concern_types":["live_streaming"],"child":{"age":9},"images":{"involved":true,"sexual_acts":true}}`,
		`{"concern_types":["live_streaming"],"images":{"involved":true},"details":{"coercion":true}}`,
		`{"concern_types":["child_abuse_imagery"],"images":{"involved":true,"known_child":true},"child":{"age":15,"vulnerabilities":["send"]}}`,
	}, []string{
		`{"concern_types":["nudes_sharing"],"images":{"involved":true,"sexual_acts":true}}`,
		`{"concern_types":["nudes_sharing"],"child":{"age":12},"images":{"involved":true}}`,
		`{"concern_types":["sextortion"],"details":{"coercion":true}}`,
		`{"concern_types":["live_streaming"],"child":{"age":9},"details":{"coercion":true}}`,
		`{"concern_types":["child_abuse_imagery"],"images":{"involved":true,"atypical_or_violent":true}}`,
		`{"concern_types":["live_streaming"],"images":{"involved":true,"self_generated":true}}`,
	}},
	"NUDES_REVIEW":    {[]string{`{"concern_types":["nudes_sharing"]}`}, []string{`{"concern_types":["sextortion"]}`}},
	"NUDES_MALICIOUS": {[]string{`{"concern_types":["nudes_sharing"],"images":{"involved":true,"malicious_sharing":true}}`}, []string{`{"concern_types":["nudes_sharing"],"images":{"involved":true}}`}},
	"NUDES_ONLINE": {[]string{
		`{"concern_types":["nudes_sharing"],"images":{"involved":true,"online":true}}`,
		`{"concern_types":["sextortion"],"images":{"involved":true,"online":true}}`,
		// 2026.2: the child's own image in a live stream or abuse imagery.
		`{"concern_types":["live_streaming"],"images":{"involved":true,"online":true,"known_child":true}}`,
		`{"concern_types":["child_abuse_imagery"],"images":{"involved":true,"online":true,"known_child":true}}`,
	}, []string{
		`{"concern_types":["nudes_sharing"],"images":{"involved":true}}`,
		`{"concern_types":["oversharing"],"images":{"involved":true,"online":true}}`,
		`{"concern_types":["live_streaming"],"images":{"involved":true,"online":true}}`,
		`{"concern_types":["child_abuse_imagery"],"images":{"involved":true,"known_child":true}}`,
	}},
	"ABUSE_IMAGERY":         {[]string{`{"concern_types":["child_abuse_imagery"]}`}, []string{`{"concern_types":["nudes_sharing"]}`}},
	"SEXTORTION":            {[]string{`{"concern_types":["sextortion"]}`}, []string{`{"concern_types":["nudes_sharing"],"details":{"coercion":true}}`}},
	"BULLYING":              {[]string{`{"concern_types":["cyberbullying"]}`}, []string{`{"concern_types":["threats_harassment"]}`}},
	"CRIMINAL_THREAT":       {[]string{`{"concern_types":["threats_harassment"]}`, `{"concern_types":["other"],"details":{"threats":true}}`, `{"concern_types":["hate"]}`, `{"concern_types":["cyberbullying"],"details":{"repeated":true,"hate_motivated":true}}`}, []string{`{"concern_types":["cyberbullying"],"details":{"repeated":true}}`, `{"concern_types":["cyberbullying"],"details":{"hate_motivated":true}}`}},
	"EXTREMIST_CONTENT":     {[]string{`{"concern_types":["extremist_content"]}`}, []string{`{"concern_types":["radicalisation"]}`}},
	"RADICALISATION":        {[]string{`{"concern_types":["radicalisation"]}`}, []string{`{"concern_types":["extremist_content"]}`, `{"concern_types":["violent_content"]}`}},
	"SELF_HARM":             {[]string{`{"concern_types":["self_harm"]}`, `{"concern_types":["self_harm"],"child":{"age":12}}`}, []string{`{"concern_types":["problematic_use"]}`, `{"concern_types":["other"],"risk":{"risk_to_life":true}}`}},
	"CRIMINAL_EXPLOITATION": {[]string{`{"concern_types":["criminal_exploitation"]}`}, []string{`{"concern_types":["drugs"],"details":{"supply":true}}`}},
	"DRUGS":                 {[]string{`{"concern_types":["drugs"]}`}, []string{`{"concern_types":["gambling"]}`}},
	"GAMBLING":              {[]string{`{"concern_types":["gambling"]}`}, []string{`{"concern_types":["scams_fraud"]}`}},
	"FRAUD_VICTIM":          {[]string{`{"concern_types":["scams_fraud"]}`, `{"concern_types":["scams_fraud"],"child_role":"both"}`}, []string{`{"concern_types":["scams_fraud"],"child_role":"perpetrator"}`, `{"concern_types":["scams_fraud"],"child_role":"witness"}`}},
	"CYBER_OFFENDING":       {[]string{`{"concern_types":["cybercrime"],"child_role":"perpetrator"}`, `{"concern_types":["cybercrime"],"child_role":"both"}`}, []string{`{"concern_types":["cybercrime"]}`, `{"concern_types":["cybercrime"],"child_role":null}`}},
	"PRIVACY":               {[]string{`{"concern_types":["oversharing"]}`, `{"concern_types":["live_streaming"]}`, `{"concern_types":["problematic_use"]}`, `{"concern_types":["misinformation"]}`}, []string{`{"concern_types":["gambling"]}`}},
	"INAPPROPRIATE_ACCESS": {[]string{
		`{"concern_types":["inappropriate_access"]}`,
		`{"concern_types":["pornography"],"details":{"on_organisation_network":true}}`,
		`{"concern_types":["violent_content"],"details":{"on_organisation_network":true}}`,
		`{"concern_types":["extremist_content"],"details":{"on_organisation_network":true}}`,
		// 2026.2: the other harmful content a filter should stop.
		`{"concern_types":["self_harm"],"details":{"on_organisation_network":true}}`,
		`{"concern_types":["child_abuse_imagery"],"details":{"on_organisation_network":true}}`,
		`{"concern_types":["gambling"],"details":{"on_organisation_network":true}}`,
		`{"concern_types":["drugs"],"details":{"on_organisation_network":true}}`,
		`{"concern_types":["hate"],"details":{"on_organisation_network":true}}`,
	}, []string{
		`{"concern_types":["pornography"]}`,
		`{"concern_types":["self_harm"]}`,
		`{"concern_types":["cyberbullying"],"details":{"on_organisation_network":true}}`,
		`{"concern_types":["scams_fraud"],"details":{"on_organisation_network":true}}`,
	}},
	"CHILD_HARMS_CHILD": {[]string{`{"concern_types":["nudes_sharing"],"child_role":"perpetrator"}`, `{"concern_types":["sexual_harassment"],"child_role":"both"}`}, []string{`{"concern_types":["sexual_harassment"]}`, `{"concern_types":["cyberbullying"],"child_role":"perpetrator"}`}},
	"HARASSMENT_VICTIM": {[]string{
		`{"concern_types":["sexual_harassment"]}`,
		`{"concern_types":["sexual_harassment"],"child_role":"both"}`,
	}, []string{
		`{"concern_types":["sexual_harassment"],"child_role":"perpetrator"}`,
		`{"concern_types":["sexual_harassment"],"child_role":"witness"}`,
		`{"concern_types":["cyberbullying"]}`,
	}},
	"RISK_TO_LIFE": {[]string{
		`{"concern_types":["other"],"risk":{"risk_to_life":true}}`,
		`{"concern_types":["self_harm"],"risk":{"risk_to_life":true}}`,
	}, []string{
		`{"concern_types":["other"],"risk":{"immediate_danger":true}}`,
		`{"concern_types":["self_harm"]}`,
	}},
	"STAFF_CHILD_WELFARE": {[]string{
		`{"concern_types":["staff_conduct"],"staff":{"harmed_child":true}}`,
		`{"concern_types":["staff_conduct"],"staff":{"private_contact":true}}`,
		`{"concern_types":["staff_conduct"],"staff":{"possible_offence":true}}`,
	}, []string{
		`{"concern_types":["staff_conduct"],"staff":{"poses_risk":true}}`,
		`{"concern_types":["staff_conduct"],"staff":{"unsuitable":true}}`,
		`{"concern_types":["staff_conduct"],"child":null,"child_role":null}`,
		`{"concern_types":["professional_targeted"],"child":null,"child_role":null}`,
	}},
	"STAFF_HARM_TEST": {[]string{
		`{"concern_types":["staff_conduct"],"staff":{"harmed_child":true}}`,
		`{"concern_types":["staff_conduct"],"staff":{"possible_offence":true}}`,
		`{"concern_types":["staff_conduct"],"staff":{"poses_risk":true}}`,
		`{"concern_types":["staff_conduct"],"staff":{"unsuitable":true}}`,
		`{"concern_types":["staff_conduct"],"staff":{"private_contact":true}}`,
	}, []string{`{"concern_types":["staff_conduct"],"staff":{}}`}},
	"STAFF_CONDUCT":         {[]string{`{"concern_types":["staff_conduct"],"child":null,"child_role":null}`}, []string{`{"concern_types":["staff_conduct"],"staff":{"private_contact":true}}`, `{"concern_types":["professional_targeted"],"child":null,"child_role":null}`}},
	"PROFESSIONAL_TARGETED": {[]string{`{"concern_types":["professional_targeted"],"child":null,"child_role":null}`}, []string{`{"concern_types":["staff_conduct"],"child":null,"child_role":null}`}},
	"OTHER_SETTINGS":        {[]string{`{"concern_types":["cyberbullying"],"details":{"other_settings_involved":true}}`}, []string{`{"concern_types":["cyberbullying"]}`}},
	"NO_PARENTS_IF_RISK":    {[]string{`{"concern_types":["cyberbullying"],"risk":{"parents_pose_risk":true}}`}, []string{`{"concern_types":["cyberbullying"]}`}},
	"INTERNAL_NUDES":        {[]string{`{"concern_types":["nudes_sharing"],"images":{"involved":true,"self_generated":true},"parties":{"peer_involved":true}}`}, []string{`{"concern_types":["nudes_sharing"],"details":{"coercion":true}}`, `{"concern_types":["nudes_sharing"],"risk":{"significant_harm":"yes"}}`, `{"concern_types":["nudes_sharing","threats_harassment"]}`}},
}

func TestEveryRuleHasCases(t *testing.T) {
	p := mustBaseline(t)
	for _, r := range slices.Concat(p.early, p.late) {
		if _, ok := ruleCases[r.id]; !ok {
			t.Errorf("rule %s has no fires/does-not-fire cases in ruleCases", r.id)
		}
	}
	for id := range ruleCases {
		if p.rule(id) == nil {
			t.Errorf("ruleCases has %s, which is not a baseline rule", id)
		}
	}
}

func TestRules(t *testing.T) {
	p := mustBaseline(t)
	for id, c := range ruleCases {
		r := p.rule(id)
		if r == nil {
			continue
		}
		for i, js := range c.fires {
			t.Run(id+"/fires/"+itoa(i), func(t *testing.T) {
				f := mustFacts(t, js)
				e, err := p.run(f)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Contains(e.fired, id) {
					t.Fatalf("%s did not fire for %s (fired: %v)", id, js, e.fired)
				}
				tr, err := e.result(f)
				if err != nil {
					t.Fatal(err)
				}
				// Every route the rule adds unconditionally is in the result
				// with the rule's id, unless a removal rule took it out.
				for _, a := range r.routes {
					code := p.routes[a.route].code
					if a.when != nil || (code == "INFORM_PARENTS" && f.Risk.ParentsPoseRisk) {
						continue
					}
					route := tr.Route(code)
					if route == nil {
						t.Errorf("%s fired but %s is missing", id, code)
						continue
					}
					if !slices.Contains(route.Rules, id) {
						t.Errorf("%s: rules %v do not name %s", code, route.Rules, id)
					}
				}
			})
		}
		for i, js := range c.notFires {
			t.Run(id+"/does_not_fire/"+itoa(i), func(t *testing.T) {
				e, err := p.run(mustFacts(t, js))
				if err != nil {
					t.Fatal(err)
				}
				if slices.Contains(e.fired, id) {
					t.Fatalf("%s fired for %s", id, js)
				}
			})
		}
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

// TestConditionalRoutes covers the routes that a rule adds only in some cases.
func TestConditionalRoutes(t *testing.T) {
	p := mustBaseline(t)
	cases := []struct {
		name     string
		facts    string
		include  []lifeguard.RouteCode
		exclude  []lifeguard.RouteCode
		offences []string
	}{
		{"abuse imagery with a known address goes to the IWF", `{"concern_types":["child_abuse_imagery"],"details":{"location_known":true}}`, []lifeguard.RouteCode{"IWF_REPORT", "DO_NOT_VIEW_IMAGES"}, []lifeguard.RouteCode{"POLICE_101"}, []string{"s1", "s160"}},
		{"abuse imagery of a known child goes to the police", `{"concern_types":["child_abuse_imagery"],"images":{"involved":true,"known_child":true}}`, []lifeguard.RouteCode{"POLICE_101"}, []lifeguard.RouteCode{"IWF_REPORT"}, nil},
		{"abuse imagery with a suspect goes to the police", `{"concern_types":["child_abuse_imagery"],"details":{"suspect_known":true}}`, []lifeguard.RouteCode{"POLICE_101"}, nil, nil},
		{"bullied 13-year-old can escalate to Report Harmful Content", `{"concern_types":["cyberbullying"],"child":{"age":13}}`, []lifeguard.RouteCode{"PLATFORM_REPORT", "REPORT_HARMFUL_CONTENT"}, nil, nil},
		{"bullied 12-year-old cannot use Report Harmful Content", `{"concern_types":["cyberbullying"],"child":{"age":12}}`, []lifeguard.RouteCode{"PLATFORM_REPORT"}, []lifeguard.RouteCode{"REPORT_HARMFUL_CONTENT"}, nil},
		{"a child who bullies gets no platform report", `{"concern_types":["cyberbullying"],"child_role":"perpetrator"}`, []lifeguard.RouteCode{"ANTI_BULLYING_PROCEDURE"}, []lifeguard.RouteCode{"PLATFORM_REPORT", "REPORT_HARMFUL_CONTENT"}, nil},
		{"self-harm encouraged by another person goes to the police", `{"concern_types":["self_harm"],"details":{"encouraged_by_other":true}}`, []lifeguard.RouteCode{"POLICE_101", "MENTAL_HEALTH_SUPPORT"}, nil, []string{"s184"}},
		{"self-harm content alone does not", `{"concern_types":["self_harm"]}`, nil, []lifeguard.RouteCode{"POLICE_101"}, nil},
		{"drug supply goes to the police", `{"concern_types":["drugs"],"details":{"supply":true}}`, []lifeguard.RouteCode{"POLICE_101"}, nil, []string{"s4", "s5"}},
		{"drugs seen only do not", `{"concern_types":["drugs"]}`, nil, []lifeguard.RouteCode{"POLICE_101"}, nil},
		{"oversharing images online are reported to the service", `{"concern_types":["oversharing"],"images":{"involved":true,"online":true}}`, []lifeguard.RouteCode{"PLATFORM_REPORT"}, nil, nil},
		{"oversharing offline is not", `{"concern_types":["oversharing"]}`, nil, []lifeguard.RouteCode{"PLATFORM_REPORT"}, nil},
		{"a possible offence by staff goes to the LADO and the police", `{"concern_types":["staff_conduct"],"staff":{"possible_offence":true}}`, []lifeguard.RouteCode{"LADO_REFERRAL", "POLICE_101"}, []lifeguard.RouteCode{"STAFF_CONDUCT_REVIEW"}, nil},
		{"private contact by staff goes to the LADO only", `{"concern_types":["staff_conduct"],"staff":{"private_contact":true}}`, []lifeguard.RouteCode{"LADO_REFERRAL"}, []lifeguard.RouteCode{"POLICE_101"}, nil},
		{"self-harm content at 13 can escalate to Report Harmful Content", `{"concern_types":["self_harm"],"child":{"age":13}}`, []lifeguard.RouteCode{"REPORT_HARMFUL_CONTENT", "PLATFORM_REPORT"}, nil, nil},
		{"self-harm content at 12 cannot", `{"concern_types":["self_harm"],"child":{"age":12}}`, []lifeguard.RouteCode{"PLATFORM_REPORT"}, []lifeguard.RouteCode{"REPORT_HARMFUL_CONTENT"}, nil},
		{"staff who harmed a child: the child is referred to social care", `{"concern_types":["staff_conduct"],"staff":{"harmed_child":true}}`, []lifeguard.RouteCode{"LADO_REFERRAL", "CSC_REFERRAL", "PASTORAL_SUPPORT", "INFORM_PARENTS"}, []lifeguard.RouteCode{"CSC_CONSULT"}, nil},
		{"staff in private contact with a child: social care is consulted", `{"concern_types":["staff_conduct"],"staff":{"private_contact":true}}`, []lifeguard.RouteCode{"LADO_REFERRAL", "CSC_CONSULT", "PASTORAL_SUPPORT", "INFORM_PARENTS"}, []lifeguard.RouteCode{"CSC_REFERRAL"}, nil},
		{"a possible offence by staff: social care is consulted", `{"concern_types":["staff_conduct"],"staff":{"possible_offence":true}}`, []lifeguard.RouteCode{"POLICE_101", "CSC_CONSULT"}, []lifeguard.RouteCode{"CSC_REFERRAL"}, nil},
		{"a risk to life gives mental health support with the 999 call", `{"concern_types":["other"],"risk":{"risk_to_life":true}}`, []lifeguard.RouteCode{"EMERGENCY_999", "MENTAL_HEALTH_SUPPORT"}, nil, nil},
		{"a sexually harassed child is supported and the parents told", `{"concern_types":["sexual_harassment"]}`, []lifeguard.RouteCode{"PASTORAL_SUPPORT", "INFORM_PARENTS"}, []lifeguard.RouteCode{"CSC_CONSULT"}, nil},
		{"hate adds the public order offence", `{"concern_types":["hate"]}`, []lifeguard.RouteCode{"POLICE_101", "PLATFORM_REPORT"}, nil, []string{"s19", "s181"}},
		{"threats alone do not add the public order offence", `{"concern_types":["threats_harassment"]}`, nil, nil, []string{"s181"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tr, err := p.Triage(t.Context(), mustFacts(t, c.facts))
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range c.include {
				if !tr.HasRoute(code) {
					t.Errorf("missing %s", code)
				}
			}
			for _, code := range c.exclude {
				if tr.HasRoute(code) {
					t.Errorf("unexpected %s", code)
				}
			}
			if c.offences != nil {
				var got []string
				for _, o := range tr.Offences {
					got = append(got, o.Section)
				}
				for _, s := range c.offences {
					if !slices.Contains(got, s) {
						t.Errorf("offence %s missing from %v", s, got)
					}
				}
				if c.name == "threats alone do not add the public order offence" && slices.Contains(got, "s19") {
					t.Errorf("s19 listed without hate: %v", got)
				}
			}
		})
	}
}

// TestStaffChildWelfareTimesTheParents checks that the parents of a child
// named in an allegation against staff are told only once the LADO has
// agreed what and when, in the route's reason and in the guidance.
func TestStaffChildWelfareTimesTheParents(t *testing.T) {
	p := mustBaseline(t)
	tr, err := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["staff_conduct"],"staff":{"private_contact":true,"possible_offence":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := tr.Route("INFORM_PARENTS")
	if r == nil || !slices.Equal(r.Rules, []string{"STAFF_CHILD_WELFARE"}) || !strings.Contains(strings.Join(r.Why, " "), "once the LADO") {
		t.Errorf("INFORM_PARENTS = %+v", r)
	}
	if !slices.ContainsFunc(tr.Guidance, func(g string) bool {
		return strings.Contains(g, "Agree with the LADO (and the police, if they are involved) what the child's parents or carers are told and when")
	}) {
		t.Errorf("guidance lacks the LADO line: %q", tr.Guidance)
	}
	// Parents who pose a risk are still not told.
	tr, _ = p.Triage(t.Context(), mustFacts(t, `{"concern_types":["staff_conduct"],"staff":{"harmed_child":true},"risk":{"parents_pose_risk":true}}`))
	if tr.HasRoute("INFORM_PARENTS") {
		t.Error("INFORM_PARENTS kept although the parents pose a risk")
	}
}

func TestMergingKeepsEveryRuleAndTheStrictestUrgency(t *testing.T) {
	p := mustBaseline(t)
	// Grooming with immediate danger: CSC_REFERRAL comes from DANGER and from
	// ADULT_SEXUAL, and must appear once with both ids and both reasons.
	tr, err := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["grooming"],"risk":{"immediate_danger":true,"significant_harm":"yes"}}`))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range tr.Routes {
		if r.Code == "CSC_REFERRAL" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("CSC_REFERRAL appears %d times", n)
	}
	r := tr.Route("CSC_REFERRAL")
	for _, id := range []string{"DANGER", "SIGNIFICANT_HARM", "ADULT_SEXUAL"} {
		if !slices.Contains(r.Rules, id) {
			t.Errorf("CSC_REFERRAL rules %v lack %s", r.Rules, id)
		}
	}
	if len(r.Why) != 3 {
		t.Errorf("want three reasons, got %q", r.Why)
	}
	if tr.Routes[0].Code != "EMERGENCY_999" {
		t.Errorf("first route is %s, want EMERGENCY_999", tr.Routes[0].Code)
	}
	if !stricter(lifeguard.Immediate, 0, lifeguard.SameWorkingDay, 0) || !stricter(lifeguard.WorkingDays, 1, lifeguard.WorkingDays, 5) || stricter(lifeguard.Advice, 0, lifeguard.AsSoonAsPossible, 0) {
		t.Error("stricter orders urgencies wrongly")
	}
}

func TestRemovalIsExplained(t *testing.T) {
	p := mustBaseline(t)
	tr, err := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["self_harm"],"risk":{"parents_pose_risk":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	if tr.HasRoute("INFORM_PARENTS") {
		t.Fatal("INFORM_PARENTS kept although parents pose a risk")
	}
	review := tr.Route("DSL_REVIEW")
	if !slices.Contains(review.Rules, "NO_PARENTS_IF_RISK") || !strings.Contains(strings.Join(review.Why, " "), "could put the child at risk") {
		t.Errorf("the safeguarding lead's review does not explain the removal: %+v", review)
	}
	if !slices.ContainsFunc(tr.Guidance, func(g string) bool { return strings.Contains(g, "Do not tell the child's parents") }) {
		t.Errorf("the reporter is not told to keep it from the parents: %q", tr.Guidance)
	}
}

func TestProposedDecision(t *testing.T) {
	p := mustBaseline(t)
	tr, err := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["nudes_sharing"],"images":{"involved":true,"self_generated":true}}`))
	if err != nil {
		t.Fatal(err)
	}
	pd := tr.ProposedDecision
	if pd == nil || pd.Code != "handled_within_setting" || pd.Rule != "INTERNAL_NUDES" || pd.Why == "" {
		t.Fatalf("proposed decision = %+v", pd)
	}
}

func TestWarnings(t *testing.T) {
	p := mustBaseline(t)
	cases := []struct {
		facts string
		want  string
	}{
		{`{"concern_types":["other"],"risk":{"significant_harm":"no","immediate_danger":true}}`, "Significant harm is marked"},
		{`{"concern_types":["sextortion"]}`, "images are not marked as involved"},
		{`{"concern_types":["other"],"images":{"online":true}}`, "Facts about images are given"},
		{`{"concern_types":["other"],"risk":{"additional_needs":true,"significant_harm":"yes"}}`, "both marked"},
		{`{"concern_types":["staff_conduct"],"child":null,"child_role":null,"staff":{"private_contact":true}}`, "no child is recorded"},
	}
	for _, c := range cases {
		tr, err := p.Triage(t.Context(), mustFacts(t, c.facts))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(tr.Warnings, func(w string) bool { return strings.Contains(w, c.want) }) {
			t.Errorf("%s: warnings %q lack %q", c.facts, tr.Warnings, c.want)
		}
	}
	for _, facts := range []string{
		`{"concern_types":["cyberbullying"]}`,
		`{"concern_types":["staff_conduct"],"staff":{"private_contact":true}}`,
		`{"concern_types":["staff_conduct"],"child":null,"child_role":null,"staff":{"unsuitable":true}}`,
	} {
		tr, _ := p.Triage(t.Context(), mustFacts(t, facts))
		if len(tr.Warnings) != 0 {
			t.Errorf("consistent facts %s gave warnings %q", facts, tr.Warnings)
		}
	}
}

func TestRiskAreasAreOrdered(t *testing.T) {
	p := mustBaseline(t)
	a, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["gambling","grooming","cyberbullying","staff_conduct"]}`))
	b, _ := p.Triage(t.Context(), mustFacts(t, `{"concern_types":["staff_conduct","cyberbullying","grooming","gambling"]}`))
	want := []lifeguard.RiskArea{{Area: "contact", Nature: "sexual"}, {Area: "conduct", Nature: "aggressive"}, {Area: "commerce", Nature: "commercial"}}
	if !slices.Equal(a.RiskAreas, want) || !slices.Equal(b.RiskAreas, want) {
		t.Errorf("risk areas %v and %v, want %v", a.RiskAreas, b.RiskAreas, want)
	}
}
