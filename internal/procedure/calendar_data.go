package procedure

import (
	_ "embed"

	"github.com/lifeguard-scp/lifeguard"
)

// The default calendar ships inside the binary so a fresh install works with
// no files beside it; a partnership extends it with a local file of the same
// form rather than editing this one.
//
//go:embed holidays/england-and-wales.yaml
var englandAndWales []byte

// DefaultHolidays returns the bank holidays of England and Wales: the usual
// ones computed by their rules from 2020 to 2199, with the one-off and moved
// holidays of holidays/england-and-wales.yaml.
func DefaultHolidays() ([]Holiday, error) {
	oneOffs, err := ParseHolidays("holidays/england-and-wales.yaml", englandAndWales)
	if err != nil {
		return nil, err
	}
	moved := map[lifeguard.Date]bool{}
	for _, h := range oneOffs {
		if !h.Replaces.IsZero() {
			moved[h.Replaces] = true
		}
	}
	out := make([]Holiday, 0, (lastRuleYear-firstRuleYear+1)*8+len(oneOffs))
	for year := firstRuleYear; year <= lastRuleYear; year++ {
		for _, h := range englandAndWalesRules(year) {
			if !moved[h.Date] {
				out = append(out, h)
			}
		}
	}
	return append(out, oneOffs...), nil
}
