package monitor

import "github.com/lifeguard-scp/lifeguard"

// CaptureScanner is the library as the store's scanner of captures
// (lifeguard.MonitorStore.RecordCaptures): the same matches, in the
// lifeguard package's type, so that the store never imports this package.
// The categories are the same codes.
func (l *Library) CaptureScanner() lifeguard.CaptureScanner {
	return func(text, site string) []lifeguard.CaptureMatch {
		ms := l.Scan(text, site)
		if len(ms) == 0 {
			return nil
		}
		out := make([]lifeguard.CaptureMatch, len(ms))
		for i, m := range ms {
			out[i] = lifeguard.CaptureMatch{Category: lifeguard.MonitorCategory(m.Category), Severity: m.Severity,
				EntryID: m.EntryID, Phrase: m.Phrase, Rule: m.Rule, Start: m.Start, End: m.End}
		}
		return out
	}
}
