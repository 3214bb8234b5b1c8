package monitor

import (
	"bytes"
	_ "embed"
)

// baselineLib is the library Lifeguard ships, written by the project; see
// docs/monitor.md for how it was built.
//
//go:embed baseline.lib
var baselineLib []byte

// Baseline returns the shipped library, compiled. It holds no illegal-content
// entries: those lists are licensed to operators and loaded from their files
// (LoadList).
func Baseline() (*Library, error) {
	return Load(bytes.NewReader(baselineLib), "baseline.lib")
}
