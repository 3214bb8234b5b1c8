package procedure

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/lifeguard-scp/lifeguard"
	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// scenario is one test vector of the public contract (shared/spec/scenarios).
type scenario struct {
	Name    string          `json:"name"`
	Concern json.RawMessage `json:"concern"`
	Expect  struct {
		Include          []lifeguard.RouteCode `json:"include"`
		Exclude          []lifeguard.RouteCode `json:"exclude"`
		First            lifeguard.RouteCode   `json:"first"`
		Due              map[string]string     `json:"due"`
		ProposedDecision *bool                 `json:"proposed_decision"`
		Invalid          bool                  `json:"invalid"`
		ProblemPaths     []string              `json:"problem_paths"`
	} `json:"expect"`
}

func loadScenarios(t testing.TB) map[string]scenario {
	t.Helper()
	files, err := filepath.Glob("../../testdata/scenarios/*.json")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scenarios found: %v", err)
	}
	out := map[string]scenario{}
	for _, fn := range files {
		data, err := os.ReadFile(fn)
		if err != nil {
			t.Fatal(err)
		}
		var s scenario
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("%s: %v", fn, err)
		}
		out[strings.TrimSuffix(filepath.Base(fn), ".json")] = s
	}
	return out
}

func TestScenarios(t *testing.T) {
	p := mustBaseline(t)
	for id, s := range loadScenarios(t) {
		t.Run(id+" "+s.Name, func(t *testing.T) {
			f, err := factsjson.DecodeFacts(s.Concern, factsjson.DecodeOptions{})
			if s.Expect.Invalid {
				le, ok := errorsAsInvalid(err)
				if !ok {
					t.Fatalf("want an invalid-concern error, got %v", err)
				}
				var paths []string
				for _, pr := range le.Problems {
					paths = append(paths, pr.Path)
				}
				for _, want := range s.Expect.ProblemPaths {
					if !slices.Contains(paths, want) {
						t.Errorf("problem paths %v lack %s", paths, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			tr, err := p.Triage(t.Context(), f)
			if err != nil {
				t.Fatal(err)
			}
			for _, code := range s.Expect.Include {
				if !tr.HasRoute(code) {
					t.Errorf("missing route %s", code)
				}
			}
			for _, code := range s.Expect.Exclude {
				if tr.HasRoute(code) {
					t.Errorf("unexpected route %s", code)
				}
			}
			if s.Expect.First != "" && tr.Routes[0].Code != s.Expect.First {
				t.Errorf("first route %s, want %s", tr.Routes[0].Code, s.Expect.First)
			}
			for code, want := range s.Expect.Due {
				r := tr.Route(lifeguard.RouteCode(code))
				if r == nil || r.Due == nil {
					t.Errorf("%s has no deadline", code)
					continue
				}
				if got := r.Due.Format(time.RFC3339); got != want {
					t.Errorf("%s due %s, want %s", code, got, want)
				}
			}
			if s.Expect.ProposedDecision != nil && (*s.Expect.ProposedDecision != (tr.ProposedDecision != nil)) {
				t.Errorf("proposed decision %+v, want present=%v", tr.ProposedDecision, *s.Expect.ProposedDecision)
			}
			for _, r := range tr.Routes {
				if len(r.Rules) == 0 || len(r.Why) == 0 {
					t.Errorf("%s carries no rule or reason", r.Code)
				}
			}
		})
	}
}

func errorsAsInvalid(err error) (*lifeguard.Error, bool) {
	if lifeguard.ErrorCode(err) != lifeguard.EINVALID {
		return nil, false
	}
	le, ok := err.(*lifeguard.Error)
	return le, ok
}

// TestGolden pins the whole output of every valid scenario, with the baseline
// and with the example local file, byte for byte. Run with -update after a
// deliberate change and read the diff.
func TestGolden(t *testing.T) {
	local, err := os.ReadFile("../../docs/examples/local-procedure.yaml")
	if err != nil {
		t.Fatal(err)
	}
	procs := map[string]*Procedure{"baseline": mustBaseline(t)}
	if procs["local"], err = Load("docs/examples/local-procedure.yaml", local); err != nil {
		t.Fatal(err)
	}
	for id, s := range loadScenarios(t) {
		if s.Expect.Invalid {
			continue
		}
		for name, p := range procs {
			t.Run(name+"/"+id, func(t *testing.T) {
				f, err := factsjson.DecodeFacts(s.Concern, factsjson.DecodeOptions{})
				if err != nil {
					t.Fatal(err)
				}
				tr, err := p.Triage(t.Context(), f)
				if err != nil {
					t.Fatal(err)
				}
				got, err := json.MarshalIndent(tr, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				// Same input, same bytes: a second run must not differ.
				tr2, _ := p.Triage(t.Context(), f)
				again, _ := json.MarshalIndent(tr2, "", "  ")
				if !bytes.Equal(got, again) {
					t.Fatal("two triages of the same facts differ")
				}
				golden := filepath.Join("testdata", "golden", name, id+".json")
				if *update {
					if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update to create it)", err)
				}
				if !bytes.Equal(append(got, '\n'), want) {
					t.Errorf("output differs from %s (run with -update and read the diff):\n%s", golden, got)
				}
			})
		}
	}
}
