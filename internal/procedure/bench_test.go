package procedure

import (
	"encoding/json"
	"testing"

	"github.com/lifeguard-scp/lifeguard/internal/factsjson"
)

// BenchmarkTriage measures one whole triage as the API and the CLI do it:
// decode the facts, evaluate the procedure, encode the result.
func BenchmarkTriage(b *testing.B) {
	p := mustBaseline(b)
	scenarios := loadScenarios(b)
	for _, id := range []string{"p01", "p04", "p06"} {
		raw := scenarios[id].Concern
		b.Run(id, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				f, err := factsjson.DecodeFacts(raw, factsjson.DecodeOptions{})
				if err != nil {
					b.Fatal(err)
				}
				t, err := p.Triage(b.Context(), f)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := json.Marshal(t); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkEvaluate is the procedure alone, without JSON.
func BenchmarkEvaluate(b *testing.B) {
	p := mustBaseline(b)
	f, err := factsjson.DecodeFacts(loadScenarios(b)["p04"].Concern, factsjson.DecodeOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.Triage(b.Context(), f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load("", nil); err != nil {
			b.Fatal(err)
		}
	}
}
