package factsjson

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
)

type scenarioFile struct {
	Name    string          `json:"name"`
	Concern json.RawMessage `json:"concern"`
	Expect  struct {
		Invalid      bool     `json:"invalid"`
		ProblemPaths []string `json:"problem_paths"`
	} `json:"expect"`
}

func loadScenarios(tb testing.TB) map[string]scenarioFile {
	tb.Helper()
	files, err := filepath.Glob("../../testdata/scenarios/*.json")
	if err != nil || len(files) == 0 {
		tb.Fatalf("no scenarios: %v", err)
	}
	out := make(map[string]scenarioFile, len(files))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		var s scenarioFile
		if err := json.Unmarshal(b, &s); err != nil {
			tb.Fatalf("%s: %v", name, err)
		}
		out[strings.TrimSuffix(filepath.Base(name), ".json")] = s
	}
	return out
}

// problemsOf returns the problems of a DecodeFacts error, failing the test if
// err is anything but an EINVALID *Error with problems.
func problemsOf(t *testing.T, err error) []lifeguard.Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	e, ok := err.(*lifeguard.Error)
	if !ok || e.Code != lifeguard.EINVALID || len(e.Problems) == 0 {
		t.Fatalf("error is not an EINVALID *Error with problems: %#v", err)
	}
	return e.Problems
}

func paths(ps []lifeguard.Problem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Path
	}
	slices.Sort(out)
	return out
}

func TestScenariosDecode(t *testing.T) {
	for name, s := range loadScenarios(t) {
		t.Run(name, func(t *testing.T) {
			f, err := DecodeFacts(s.Concern, DecodeOptions{})
			got := paths(problemsOf(t, err))
			if !s.Expect.Invalid {
				if err != nil {
					t.Fatalf("valid scenario has problems: %v", err)
				}
				if _, ok := decodeFast(s.Concern, DecodeOptions{}); !ok {
					t.Error("a valid scenario should take the fast path")
				}
				if p := f.Validate(); p != nil {
					t.Errorf("decoded facts fail Validate: %v", p)
				}
				return
			}
			want := slices.Sorted(slices.Values(s.Expect.ProblemPaths))
			if !slices.Equal(got, want) {
				t.Errorf("problem paths = %q, want %q (%v)", got, want, err)
			}
		})
	}
}

// doc returns a valid concern with the top-level fields in edits replaced;
// a nil value removes the field.
func doc(t *testing.T, edits map[string]any) []byte {
	t.Helper()
	m := map[string]any{
		"reported_at":   "2026-11-18T10:00:00Z",
		"setting":       "school",
		"concern_types": []string{"grooming"},
		"child":         map[string]any{"age": 12},
		"child_role":    "victim",
	}
	for k, v := range edits {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// raw is a JSON value written out, for doc edits that json.Marshal would not
// make (null, bad UTF-8, numbers as written).
type raw string

func (r raw) MarshalJSON() ([]byte, error) { return []byte(r), nil }

func TestDecodeFactsProblems(t *testing.T) {
	long := strings.Repeat("a", 100)
	tests := []struct {
		name  string
		input []byte
		want  []string // problem paths; none for valid input
	}{
		{"valid", doc(t, nil), nil},
		{"valid with every object", []byte(`{"reported_at":"2026-11-18T10:00:00+01:00","occurred_at":"2026-11-17T22:00:00Z",
			"setting":"police","description":"what happened","child":{"date_of_birth":"2012-05-01","vulnerabilities":["send","looked_after"]},
			"child_role":"both","concern_types":["cyberbullying","hate"],"parties":{"peer_involved":true,"adult_involved":false},
			"risk":{"immediate_danger":false,"risk_to_life":false,"significant_harm":"unsure","additional_needs":true,"parents_pose_risk":false},
			"images":{"involved":true,"self_generated":false,"online":true,"sexual_acts":false,"atypical_or_violent":false,
			"under_13_depicted":false,"capacity_concern":false,"known_child":true,"malicious_sharing":true},
			"details":{"meeting_arranged":false,"coercion":false,"threats":true,"repeated":true,"hate_motivated":true,"location_known":false,
			"suspect_known":true,"encouraged_by_other":false,"supply":false,"on_organisation_network":false,"other_settings_involved":true,
			"platform":"a game"},"staff":{}}`), nil},
		{"escaped names and values are still names and values",
			[]byte(`{"reported_at":"2026-11-18T10:00:00\u005a","s\u0065tting":"school","concern_types":["gr\u006foming"],"child":{"age":12}}`), nil},
		{"age written with a fraction of zero", doc(t, map[string]any{"child": raw(`{"age":12.0}`)}), nil},
		{"age with an exponent", doc(t, map[string]any{"child": raw(`{"age":1.2e1}`)}), nil},
		{"empty lists of vulnerabilities", doc(t, map[string]any{"child": raw(`{"age":12,"vulnerabilities":[]}`)}), nil},

		// Whole-document problems.
		{"empty", []byte(" \n"), []string{""}},
		{"not JSON", []byte(`{"setting":`), []string{""}},
		{"not JSON at all", []byte(`setting=school`), []string{""}},
		{"a list", []byte(`[{"setting":"school"}]`), []string{""}},
		{"null", []byte(`null`), []string{""}},
		{"a string", []byte(`"school"`), []string{""}},
		{"trailing data", append(doc(t, nil), " {}"...), []string{""}},
		{"trailing garbage", append(doc(t, nil), "x"...), []string{""}},

		// Unknown fields, duplicates.
		{"unknown field", doc(t, map[string]any{"nickname": "Sam"}), []string{"nickname"}},
		{"unknown nested field", doc(t, map[string]any{"child": map[string]any{"age": 12, "name": "Sam"}}), []string{"child.name"}},
		{"unknown fields in every object", doc(t, map[string]any{
			"parties": map[string]any{"mother": true}, "risk": map[string]any{"x": 1}, "images": map[string]any{"url": "u"},
			"details": map[string]any{"school": "s"}, "staff": map[string]any{"name": "n"}}),
			[]string{"details.school", "images.url", "parties.mother", "risk.x", "staff.name"}},
		{"field of another object", doc(t, map[string]any{"age": 12}), []string{"age"}},
		{"name in the wrong case", doc(t, map[string]any{"setting": nil, "Setting": "school"}), []string{"Setting", "setting"}},
		{"nested name in the wrong case", doc(t, map[string]any{"child": raw(`{"AGE":12}`)}), []string{"child", "child.AGE"}},
		{"key that is not a plain name", doc(t, map[string]any{"first name": "Sam"}), []string{`["first name"]`}},
		{"long key", doc(t, map[string]any{long: true}), []string{`["` + long[:40] + `…"]`}},
		{"duplicate key", []byte(`{"reported_at":"2026-11-18T10:00:00Z","setting":"school","setting":"police","concern_types":["staff_conduct"]}`),
			[]string{"setting"}},
		{"duplicate nested key", doc(t, map[string]any{"child": raw(`{"age":12,"age":13}`)}), []string{"child.age"}},
		{"duplicate unknown key", doc(t, map[string]any{"child": raw(`{"age":12,"x":1,"x":2}`)}), []string{"child.x", "child.x"}},

		// Types, null included.
		{"setting a number", doc(t, map[string]any{"setting": 5}), []string{"setting"}},
		{"setting null", doc(t, map[string]any{"setting": raw("null")}), []string{"setting"}},
		{"reported_at true", doc(t, map[string]any{"reported_at": true}), []string{"reported_at"}},
		{"description null", doc(t, map[string]any{"description": raw("null")}), []string{"description"}},
		{"child a list", doc(t, map[string]any{"child": []int{12}}), []string{"child"}},
		{"child null", doc(t, map[string]any{"child": raw("null")}), []string{"child"}},
		{"age a string", doc(t, map[string]any{"child": map[string]any{"age": "12"}}), []string{"child.age"}},
		{"age null", doc(t, map[string]any{"child": raw(`{"age":null}`)}), []string{"child.age"}},
		{"date_of_birth a number", doc(t, map[string]any{"child": map[string]any{"date_of_birth": 2012}}), []string{"child.date_of_birth"}},
		{"vulnerabilities an object", doc(t, map[string]any{"child": raw(`{"age":12,"vulnerabilities":{}}`)}), []string{"child.vulnerabilities"}},
		{"vulnerability a number", doc(t, map[string]any{"child": raw(`{"age":12,"vulnerabilities":["send",3]}`)}), []string{"child.vulnerabilities[1]"}},
		{"child_role null", doc(t, map[string]any{"child_role": raw("null")}), []string{"child_role"}},
		{"concern_types a string", doc(t, map[string]any{"concern_types": "grooming"}), []string{"concern_types"}},
		{"concern type null", doc(t, map[string]any{"concern_types": raw(`["grooming",null]`)}), []string{"concern_types[1]"}},
		{"parties a list", doc(t, map[string]any{"parties": []bool{true}}), []string{"parties"}},
		{"flag a string", doc(t, map[string]any{"parties": map[string]any{"adult_involved": "yes"}}), []string{"parties.adult_involved"}},
		{"flag a number", doc(t, map[string]any{"risk": map[string]any{"immediate_danger": 1}}), []string{"risk.immediate_danger"}},
		{"flag null", doc(t, map[string]any{"images": raw(`{"online":null}`)}), []string{"images.online"}},
		{"risk null", doc(t, map[string]any{"risk": raw("null")}), []string{"risk"}},
		{"platform a number", doc(t, map[string]any{"details": map[string]any{"platform": 5}}), []string{"details.platform"}},
		{"significant_harm true", doc(t, map[string]any{"risk": map[string]any{"significant_harm": true}}), []string{"risk.significant_harm"}},

		// Unknown codes.
		{"unknown setting", doc(t, map[string]any{"setting": "pub"}), []string{"setting"}},
		{"empty setting", doc(t, map[string]any{"setting": ""}), []string{"setting"}},
		{"unknown child_role", doc(t, map[string]any{"child_role": "bystander"}), []string{"child_role"}},
		{"empty child_role", doc(t, map[string]any{"child_role": ""}), []string{"child_role"}},
		{"unknown concern type", doc(t, map[string]any{"concern_types": []string{"grooming", "sexting"}}), []string{"concern_types[1]"}},
		{"unknown vulnerability", doc(t, map[string]any{"child": map[string]any{"age": 12, "vulnerabilities": []string{"tall"}}}),
			[]string{"child.vulnerabilities[0]"}},
		{"unknown significant_harm", doc(t, map[string]any{"risk": map[string]any{"significant_harm": "maybe"}}), []string{"risk.significant_harm"}},
		{"empty significant_harm", doc(t, map[string]any{"risk": map[string]any{"significant_harm": ""}}), []string{"risk.significant_harm"}},

		// Lists.
		{"duplicate concern type", doc(t, map[string]any{"concern_types": []string{"grooming", "hate", "grooming"}}), []string{"concern_types[2]"}},
		{"duplicate vulnerability", doc(t, map[string]any{"child": map[string]any{"age": 12, "vulnerabilities": []string{"send", "send", "send"}}}),
			[]string{"child.vulnerabilities[1]", "child.vulnerabilities[2]"}},
		{"no concern types", doc(t, map[string]any{"concern_types": []string{}}), []string{"concern_types"}},

		// Required.
		{"nothing", []byte(`{}`), []string{"concern_types", "reported_at", "setting"}},
		{"no reported_at", doc(t, map[string]any{"reported_at": nil}), []string{"reported_at"}},
		{"zero reported_at", doc(t, map[string]any{"reported_at": "0001-01-01T00:00:00Z"}), []string{"reported_at"}},
		{"no setting", doc(t, map[string]any{"setting": nil}), []string{"setting"}},
		{"no concern_types", doc(t, map[string]any{"concern_types": nil, "child_role": nil}), []string{"concern_types"}},

		// Formats.
		{"reported_at in words", doc(t, map[string]any{"reported_at": "yesterday"}), []string{"reported_at"}},
		{"reported_at a date only", doc(t, map[string]any{"reported_at": "2026-11-18"}), []string{"reported_at"}},
		{"occurred_at month 13", doc(t, map[string]any{"occurred_at": "2026-13-01T00:00:00Z"}), []string{"occurred_at"}},
		{"date_of_birth not a real day", doc(t, map[string]any{"child": map[string]any{"date_of_birth": "2012-02-30"}}), []string{"child.date_of_birth"}},
		{"date_of_birth day first", doc(t, map[string]any{"child": map[string]any{"date_of_birth": "01/05/2012"}}), []string{"child.date_of_birth"}},

		// Child.
		{"age and date_of_birth", doc(t, map[string]any{"child": map[string]any{"age": 12, "date_of_birth": "2014-01-01"}}), []string{"child"}},
		{"neither age nor date_of_birth", doc(t, map[string]any{"child": map[string]any{"vulnerabilities": []string{"send"}}}), []string{"child"}},
		{"empty child", doc(t, map[string]any{"child": map[string]any{}}), []string{"child"}},
		{"age 18", doc(t, map[string]any{"child": map[string]any{"age": 18}}), []string{"child.age"}},
		{"age 19 (p12)", doc(t, map[string]any{"child": map[string]any{"age": 19}}), []string{"child.age"}},
		{"age -1", doc(t, map[string]any{"child": map[string]any{"age": -1}}), []string{"child.age"}},
		{"age 12.5", doc(t, map[string]any{"child": raw(`{"age":12.5}`)}), []string{"child.age"}},
		{"age just above 12", doc(t, map[string]any{"child": raw(`{"age":12.0000000000000000001}`)}), []string{"child.age"}},
		{"age enormous", doc(t, map[string]any{"child": raw(`{"age":1e400}`)}), []string{"child.age"}},
		{"age tiny", doc(t, map[string]any{"child": raw(`{"age":1e-400}`)}), []string{"child.age"}},
		{"age minus zero", doc(t, map[string]any{"child": raw(`{"age":-0}`)}), nil},

		// Text.
		{"description at the limit", doc(t, map[string]any{"description": strings.Repeat("é", lifeguard.MaxDescription)}), nil},
		{"description over the limit", doc(t, map[string]any{"description": strings.Repeat("é", lifeguard.MaxDescription+1)}), []string{"description"}},
		{"platform over the limit", doc(t, map[string]any{"details": map[string]any{"platform": strings.Repeat("x", lifeguard.MaxPlatform+1)}}),
			[]string{"details.platform"}},
		{"description not UTF-8", doc(t, map[string]any{"description": raw("\"a\xffb\"")}), []string{"description"}},
		{"description with a lone surrogate", doc(t, map[string]any{"description": raw(`"a\ud800b"`)}), []string{"description"}},
		{"description with a lone low surrogate", doc(t, map[string]any{"description": raw(`"a\udc00"`)}), []string{"description"}},
		{"description with an escaped pair", doc(t, map[string]any{"description": raw(`"\ud83d\ude00"`)}), nil},
		{"concern type not UTF-8", doc(t, map[string]any{"concern_types": raw("[\"\xc3\"]")}), []string{"concern_types[0]"}},

		// Times.
		{"occurred after reported", doc(t, map[string]any{"occurred_at": "2026-11-18T10:00:01Z"}), []string{"occurred_at"}},
		{"occurred as reported", doc(t, map[string]any{"occurred_at": "2026-11-18T11:00:00+01:00"}), nil},
		{"born after the report", doc(t, map[string]any{"child": map[string]any{"date_of_birth": "2026-11-19"}}), []string{"child.date_of_birth"}},
		{"born 18 years before the report", doc(t, map[string]any{"child": map[string]any{"date_of_birth": "2008-11-18"}}), []string{"child.date_of_birth"}},
		{"18 tomorrow", doc(t, map[string]any{"child": map[string]any{"date_of_birth": "2008-11-19"}}), nil},
		{"born on the day of the report", doc(t, map[string]any{"child": map[string]any{"date_of_birth": "2026-11-18"}}), nil},

		// Child required, child_role.
		{"no child", doc(t, map[string]any{"child": nil, "child_role": nil}), []string{"child"}},
		{"staff conduct without a child", doc(t, map[string]any{"child": nil, "child_role": nil, "concern_types": []string{"staff_conduct"}}), nil},
		{"staff only without a child", doc(t, map[string]any{"child": nil, "child_role": nil,
			"concern_types": []string{"staff_conduct", "professional_targeted"}}), nil},
		{"staff and grooming without a child", doc(t, map[string]any{"child": nil, "child_role": nil,
			"concern_types": []string{"staff_conduct", "grooming"}}), []string{"child"}},
		{"child_role without a child", doc(t, map[string]any{"child": nil, "concern_types": []string{"professional_targeted"}}), []string{"child_role"}},
		{"no child_role", doc(t, map[string]any{"child_role": nil}), nil},

		// Contradictory party roles.
		{"witness to their own image", doc(t, map[string]any{"child_role": "witness", "concern_types": []string{"nudes_sharing"},
			"images": map[string]any{"involved": true, "self_generated": true}}), []string{"child_role"}},
		{"witness to someone else's image", doc(t, map[string]any{"child_role": "witness", "concern_types": []string{"nudes_sharing"},
			"images": map[string]any{"involved": true, "self_generated": false}}), nil},
		{"grooming with nobody else", doc(t, map[string]any{"parties": map[string]any{"adult_involved": false, "peer_involved": false,
			"unknown_involved": false}}), []string{"parties"}},
		{"grooming with two parties ruled out", doc(t, map[string]any{"parties": map[string]any{"adult_involved": false,
			"peer_involved": false}}), nil},
		{"gambling with nobody else", doc(t, map[string]any{"concern_types": []string{"gambling"}, "parties": map[string]any{
			"adult_involved": false, "peer_involved": false, "unknown_involved": false}}), nil},
		{"staff harm test without staff_conduct", doc(t, map[string]any{"staff": map[string]any{"poses_risk": true}}), []string{"staff"}},
		{"staff flags all false without staff_conduct", doc(t, map[string]any{"staff": map[string]any{"poses_risk": false}}), nil},

		// Problems stay quiet about what another problem already says.
		{"bad concern type does not ask for a child", doc(t, map[string]any{"child": nil, "child_role": nil,
			"concern_types": []string{"sexting"}}), []string{"concern_types[0]"}},
		{"bad reported_at does not judge occurred_at", doc(t, map[string]any{"reported_at": "soon",
			"occurred_at": "2026-11-18T10:00:01Z"}), []string{"reported_at"}},
		{"child of the wrong type is not missing", doc(t, map[string]any{"child": "twelve"}), []string{"child"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := DecodeFacts(tt.input, DecodeOptions{})
			got := paths(problemsOf(t, err))
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Fatalf("problem paths = %q, want %q\n%v", got, want, err)
			}
			if err == nil && f == nil {
				t.Fatal("no facts and no error")
			}
		})
	}
}

func TestDecodeFactsListsEveryProblem(t *testing.T) {
	input := []byte(`{
		"setting": "pub",
		"name": "Sam Smith",
		"occurred_at": "last week",
		"child": {"age": 19, "surname": "Smith", "vulnerabilities": ["send", "tall", "send"]},
		"child_role": "bystander",
		"concern_types": ["grooming", "sexting", "grooming", 7],
		"parties": {"adult_involved": "yes", "peer_involved": null},
		"risk": {"significant_harm": "maybe"},
		"images": {"self_generated": 1},
		"details": {"platform": 200},
		"staff": []
	}`)
	_, err := DecodeFacts(input, DecodeOptions{})
	got := paths(problemsOf(t, err))
	want := slices.Sorted(slices.Values([]string{
		"reported_at", "setting", "name", "occurred_at", "child.age", "child.surname",
		"child.vulnerabilities[1]", "child.vulnerabilities[2]", "child_role",
		"concern_types[1]", "concern_types[2]", "concern_types[3]",
		"parties.adult_involved", "parties.peer_involved", "risk.significant_harm",
		"images.self_generated", "details.platform", "staff",
	}))
	if !slices.Equal(got, want) {
		t.Errorf("problem paths = %q\nwant %q", got, want)
	}
}

func TestDecodeFactsMessages(t *testing.T) {
	tests := []struct {
		input []byte
		path  string
		want  string
	}{
		{doc(t, map[string]any{"child": map[string]any{"age": 19}}), "child.age",
			"must be a whole number from 0 to 17; an adult (18 or over) is out of scope for Lifeguard"},
		{doc(t, map[string]any{"child": map[string]any{"age": -2}}), "child.age", "must be a whole number from 0 to 17"},
		{doc(t, map[string]any{"concern_types": []string{"sexting"}}), "concern_types[0]", `"sexting" is not a known concern type`},
		{doc(t, map[string]any{"parties": map[string]any{"adult_involved": raw("null")}}), "parties.adult_involved",
			"must be true or false, not null"},
		{doc(t, map[string]any{"child": map[string]any{"age": 12, "name": "Sam"}}), "child.name",
			"is not a known field; the facts of a concern hold no names"},
		{doc(t, map[string]any{"setting": nil}), "setting", "is required"},
		{doc(t, map[string]any{"child": map[string]any{"date_of_birth": "2007-01-01"}}), "child.date_of_birth",
			"gives an age of 19 at reported_at; an adult (18 or over) is out of scope for Lifeguard"},
		// A long bad value is cut short, never repeated whole.
		{doc(t, map[string]any{"setting": strings.Repeat("x", 500)}), "setting",
			`"` + strings.Repeat("x", 40) + `…" is not a known setting; use one of school, college, early_years, ` +
				`childrens_social_care, police, health, youth_service, youth_justice, probation, voluntary, other`},
	}
	for _, tt := range tests {
		_, err := DecodeFacts(tt.input, DecodeOptions{})
		ps := problemsOf(t, err)
		i := slices.IndexFunc(ps, func(p lifeguard.Problem) bool { return p.Path == tt.path })
		if i < 0 {
			t.Errorf("no problem at %s: %v", tt.path, err)
			continue
		}
		if ps[i].Problem != tt.want {
			t.Errorf("%s: problem = %q, want %q", tt.path, ps[i].Problem, tt.want)
		}
	}
}

func TestDecodeFactsServerReportedAt(t *testing.T) {
	server := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	opts := DecodeOptions{ReportedAt: server}

	f, err := DecodeFacts(doc(t, map[string]any{"reported_at": nil}), opts)
	if err != nil {
		t.Fatalf("without reported_at: %v", err)
	}
	if !f.ReportedAt.Equal(server) {
		t.Errorf("ReportedAt = %v, want %v", f.ReportedAt, server)
	}

	_, err = DecodeFacts(doc(t, nil), opts)
	if got := paths(problemsOf(t, err)); !slices.Equal(got, []string{"reported_at"}) {
		t.Errorf("with reported_at: problem paths = %q, want [reported_at]", got)
	}

	// The server's time is the one rules are judged against.
	_, err = DecodeFacts(doc(t, map[string]any{"reported_at": nil, "occurred_at": "2026-11-18T10:30:00Z"}), opts)
	if got := paths(problemsOf(t, err)); !slices.Equal(got, []string{"occurred_at"}) {
		t.Errorf("occurred after the server's time: problem paths = %q, want [occurred_at]", got)
	}

	// The machine's zone and monotonic clock do not leak into the facts.
	now := time.Now()
	f, err = DecodeFacts(doc(t, map[string]any{"reported_at": nil}), DecodeOptions{ReportedAt: now})
	if err != nil {
		t.Fatal(err)
	}
	if !f.ReportedAt.Equal(now) || f.ReportedAt.Location() == time.Local && time.Local != time.UTC {
		t.Errorf("ReportedAt = %v, want the instant of %v in a fixed zone", f.ReportedAt, now)
	}
}

func TestDecodeFactsAgeFromDateOfBirth(t *testing.T) {
	tests := []struct {
		reported string
		born     string
		age      int // -1: a problem at child.date_of_birth
	}{
		{"2026-11-18T10:00:00Z", "2014-11-18", 12}, // birthday on the report date
		{"2026-11-18T10:00:00Z", "2014-11-19", 11}, // birthday tomorrow
		{"2026-11-18T10:00:00Z", "2014-11-17", 12},
		{"2026-11-18T10:00:00Z", "2009-11-19", 16},
		{"2026-11-18T10:00:00Z", "2008-11-19", 17}, // 18 tomorrow: still a child
		{"2026-11-18T10:00:00Z", "2008-11-18", -1}, // 18 today: an adult
		{"2026-11-18T10:00:00Z", "2026-11-18", 0},  // born today
		{"2026-11-18T10:00:00Z", "2026-11-19", -1}, // not born yet
		// The date of the report is the date where it was reported: 23:30 in
		// London on 17 November is already the 18th in Paris.
		{"2026-11-18T00:30:00+01:00", "2014-11-18", 12},
		{"2026-11-17T23:30:00Z", "2014-11-18", 11},
		// 29 February birthdays count from 1 March in other years.
		{"2026-02-28T12:00:00Z", "2012-02-29", 13},
		{"2026-03-01T12:00:00Z", "2012-02-29", 14},
	}
	for _, tt := range tests {
		in := doc(t, map[string]any{"reported_at": tt.reported, "child": map[string]any{"date_of_birth": tt.born}})
		f, err := DecodeFacts(in, DecodeOptions{})
		if tt.age < 0 {
			if got := paths(problemsOf(t, err)); !slices.Equal(got, []string{"child.date_of_birth"}) {
				t.Errorf("born %s, reported %s: problem paths = %q, want [child.date_of_birth]", tt.born, tt.reported, got)
			}
			continue
		}
		if err != nil {
			t.Errorf("born %s, reported %s: %v", tt.born, tt.reported, err)
			continue
		}
		if age, ok := f.ChildAge(); !ok || age != tt.age {
			t.Errorf("born %s, reported %s: age %d, want %d", tt.born, tt.reported, age, tt.age)
		}
	}
}

func TestValidateAcceptsDecodedScenarios(t *testing.T) {
	for name, s := range loadScenarios(t) {
		if s.Expect.Invalid {
			continue
		}
		f, problems := decodeSlow(s.Concern, DecodeOptions{})
		if problems != nil {
			t.Errorf("%s: slow decoder: %v", name, problems)
			continue
		}
		if p := f.Validate(); p != nil {
			t.Errorf("%s: %v", name, p)
		}
	}
}

// redacted describes f for a failure message without the description, which
// could be anything the fuzzer made up but is still concern text in form.
func redacted(f *lifeguard.Facts) string {
	if f == nil {
		return "<nil>"
	}
	g := *f
	g.Description = strings.Repeat("x", len(g.Description))
	b, _ := json.Marshal(&g)
	return string(b)
}

func FuzzDecodeFacts(f *testing.F) {
	for _, s := range loadScenarios(f) {
		f.Add([]byte(s.Concern), false)
		f.Add([]byte(s.Concern), true)
	}
	for _, seed := range []string{
		`{"reported_at":"2026-11-18T10:00:00Z","setting":"school","Setting":"school","concern_types":["other"],"child":{"age":1}}`,
		`{"reported_at":"2026-11-18T10:00:00Z","setting":"school","concern_types":["other"],"child":{"age":1,"age":2}}`,
		`{"reported_at":"2026-11-18T10:00:00+01:00","setting":"school","concern_types":["other"],"child":{"age":12.0}}`,
		`{"reported_at":"2026-11-18T10:00:00Z","setting":"school","concern_types":["grooming"],"child":{"date_of_birth":"2010-01-01"},` +
			`"parties":{"adult_involved":false,"peer_involved":false,"unknown_involved":false}}`,
		`{"reported_at":"2026-11-18T10:00:00Z","setting":"school","concern_types":["other"],"child":{"age":1},"child_role":""}`,
		`{"reported_at":"2026-11-18T10:00:00Z","setting":"school","concern_types":["other"],"child":{"age":1},"description":"\ud800"}`,
		`{"setting":null}`, `[]`, `{} {}`, `{"a":`,
	} {
		f.Add([]byte(seed), false)
	}
	server := time.Date(2026, 11, 18, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte, serverTime bool) {
		var opts DecodeOptions
		if serverTime {
			opts.ReportedAt = server
		}
		facts, err := DecodeFacts(data, opts)
		if err != nil {
			e, ok := err.(*lifeguard.Error)
			if !ok || e.Code != lifeguard.EINVALID || len(e.Problems) == 0 {
				t.Fatalf("error is not an EINVALID *Error with problems: %#v", err)
			}
			if facts != nil {
				t.Fatal("facts with an error")
			}
			for _, p := range e.Problems {
				if p.Problem == "" {
					t.Fatalf("problem without text at %q", p.Path)
				}
			}
		}

		// The fast path must never accept what the slow path rejects, and
		// both must read a document the same way.
		fast, ok := decodeFast(data, opts)
		slow, problems := decodeSlow(data, opts)
		if ok {
			if problems != nil {
				t.Fatalf("fast path accepted what the slow path rejects: %v", problems)
			}
			if !reflect.DeepEqual(fast, slow) {
				t.Fatalf("fast and slow decoders differ:\nfast %s\nslow %s", redacted(fast), redacted(slow))
			}
		}
		if (problems == nil) != (err == nil) {
			t.Fatalf("DecodeFacts err = %v, slow path problems = %v", err, problems)
		}
		if err != nil {
			return
		}
		if p := facts.Validate(); p != nil {
			t.Fatalf("decoded facts fail Validate: %v", p)
		}

		// The facts' own encoding decodes to the same facts.
		enc, err := json.Marshal(facts)
		if err != nil {
			t.Fatalf("cannot encode decoded facts: %v", err)
		}
		again, err := DecodeFacts(enc, DecodeOptions{})
		if err != nil {
			t.Fatalf("cannot decode the encoding of decoded facts: %v", err)
		}
		if !reflect.DeepEqual(facts, again) {
			t.Fatalf("facts change through their encoding:\nfirst %s\nagain %s", redacted(facts), redacted(again))
		}
	})
}

func BenchmarkDecodeFacts(b *testing.B) {
	data := loadScenarios(b)["p01"].Concern
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeFacts(data, DecodeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeFactsSlow measures the path invalid input takes, to keep it
// from becoming a cheap way to load the server.
func BenchmarkDecodeFactsSlow(b *testing.B) {
	data := loadScenarios(b)["p01"].Concern
	b.ReportAllocs()
	for b.Loop() {
		if _, problems := decodeSlow(data, DecodeOptions{}); problems != nil {
			b.Fatal(problems)
		}
	}
}
