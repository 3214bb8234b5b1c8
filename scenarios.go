package lifeguard

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// The spec's test scenarios, embedded so that a running server can show what
// a change of the partnership's directory does to their triage before it is
// saved (internal/procedure/preview.go). The procedure tests run the same
// files.
//
//go:embed testdata/scenarios/*.json
var scenarioFiles embed.FS

// SpecScenario is one test scenario: its id (the file name), its name and
// the concern as JSON.
type SpecScenario struct {
	ID      string
	Name    string
	Concern json.RawMessage
	// Invalid marks a scenario whose concern is refused on purpose.
	Invalid bool
}

// SpecScenarios returns the embedded scenarios in file order.
func SpecScenarios() ([]SpecScenario, error) {
	names, err := fs.Glob(scenarioFiles, "testdata/scenarios/*.json")
	if err != nil {
		return nil, err
	}
	var out []SpecScenario
	for _, n := range names {
		data, err := scenarioFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var s struct {
			Name    string          `json:"name"`
			Concern json.RawMessage `json:"concern"`
			Expect  struct {
				Invalid bool `json:"invalid"`
			} `json:"expect"`
		}
		if err := json.Unmarshal(data, &s); err != nil {
			return nil, fmt.Errorf("scenario %s: %w", n, err)
		}
		out = append(out, SpecScenario{ID: strings.TrimSuffix(path.Base(n), ".json"), Name: s.Name,
			Concern: s.Concern, Invalid: s.Expect.Invalid})
	}
	return out, nil
}
