package procedure

import _ "embed"

// The default calendar ships inside the binary so a fresh install works with
// no files beside it; a partnership extends it with a local file of the same
// form rather than editing this one.
//
//go:embed holidays/england-and-wales.yaml
var englandAndWales []byte

// DefaultHolidays returns the bank holidays of England and Wales shipped with
// Lifeguard.
func DefaultHolidays() ([]Holiday, error) {
	return ParseHolidays("holidays/england-and-wales.yaml", englandAndWales)
}
